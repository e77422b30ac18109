/**
 * Mermaid flowchart syntax: identifiers that the flowchart lexer cannot misread, label text
 * escaped so that no user-controlled character ends a label or starts markup, and the node
 * shapes and edge arrows the topology diagram uses. Internal to the diagram module.
 */

/**
 * Words the flowchart grammar reserves; an identifier equal to one (in any case) ends a subgraph
 * or starts a statement. Every id the diagram writes has a prefix, so none can be one; the check
 * stays as a guard for `MermaidIds.allocate` callers.
 */
const RESERVED = new Set(['end', 'graph', 'flowchart', 'subgraph', 'style', 'linkstyle', 'classdef', 'class', 'click', 'call', 'href', 'default', 'direction']);

/**
 * Hands out unique, valid Mermaid node ids: `[A-Za-z][A-Za-z0-9_]*`, never a reserved word,
 * never starting with `o` or `x` (after an arrow, `--> oA` would read as a circle or cross
 * arrowhead). The same key always gets the same id within one allocator.
 */
export class MermaidIds {
  private readonly byKey = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** The id for `key`, built from `prefix` and the readable `hint` (e.g. an object name). */
  public allocate(key: string, prefix: string, hint: string): string {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    if (!/^[a-wyzA-WYZ][A-Za-z0-9]*$/.test(prefix)) throw new Error(`MermaidIds: invalid prefix ${JSON.stringify(prefix)}: must be letters and digits, not starting with o or x`);
    const base = `${prefix}_${hint.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'x'}`;
    let id = base;
    for (let i = 2; this.taken.has(id.toLowerCase()) || RESERVED.has(id.toLowerCase()); i++) id = `${base}_${i}`;
    this.taken.add(id.toLowerCase());
    this.byKey.set(key, id);
    return id;
  }
}

/**
 * Label text with every character that Mermaid could read as syntax replaced by its entity code
 * (Mermaid's `#name;` / `#number;` form): quotes, `#`, `<`, `>`, `&`, backticks, pipes and the
 * brackets. Line breaks become spaces; the diagram joins lines with `<br/>` itself.
 */
export function escapeLabel(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/&/g, '#38;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/\|/g, '#124;')
    .replace(/[\r\n\t]+/g, ' ');
}

/** Lines of label text, each escaped, joined with Mermaid's line break. */
export function labelLines(lines: readonly string[]): string {
  return lines.filter(l => l !== '').map(escapeLabel).join('<br/>');
}

/** Node shapes (each takes an already escaped label). */
export enum Shape {
  BOX,
  ROUNDED,
  STADIUM,
  HEXAGON,
  PARALLELOGRAM,
  SUBROUTINE,
  FLAG,
  CYLINDER,
}

/** `id` with `label` in `shape`, e.g. `svc_web(["Service web"])`. */
export function nodeSyntax(id: string, shape: Shape, label: string): string {
  const q = `"${label}"`;
  switch (shape) {
    case Shape.ROUNDED: return `${id}(${q})`;
    case Shape.STADIUM: return `${id}([${q}])`;
    case Shape.HEXAGON: return `${id}{{${q}}}`;
    case Shape.PARALLELOGRAM: return `${id}[/${q}/]`;
    case Shape.SUBROUTINE: return `${id}[[${q}]]`;
    case Shape.FLAG: return `${id}>${q}]`;
    case Shape.CYLINDER: return `${id}[(${q})]`;
    default: return `${id}[${q}]`;
  }
}

/** Arrow styles. */
export enum Arrow {
  SOLID,
  THICK,
  DOTTED,
  DOTTED_OPEN,
}

/** An edge from `from` to `to`, with an optional (already escaped) label. */
export function edgeSyntax(from: string, arrow: Arrow, to: string, label?: string): string {
  const a = arrow === Arrow.THICK ? '==>' : arrow === Arrow.DOTTED ? '-.->' : arrow === Arrow.DOTTED_OPEN ? '-.-' : '-->';
  return label ? `${from} ${a}|"${label}"| ${to}` : `${from} ${a} ${to}`;
}
