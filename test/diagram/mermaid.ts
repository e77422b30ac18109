import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** A diagram to parse. */
export interface NamedDiagram {
  readonly name: string;
  readonly text: string;
}

/** What Mermaid's parser said about one diagram. */
export interface ParseResult {
  readonly name: string;
  /** The diagram type Mermaid detected (`flowchart-v2`), or null when it failed. */
  readonly type: string | null;
  readonly error: string | null;
}

/**
 * Parses every diagram with Mermaid's own parser (mermaid 11's `mermaid.parse` under jsdom, in a
 * child Node process: mermaid is an ES module, which this CommonJS jest setup cannot import).
 */
export function parseWithMermaid(diagrams: readonly NamedDiagram[]): ParseResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'mermaid-parse-'));
  try {
    const input = join(dir, 'diagrams.json');
    writeFileSync(input, JSON.stringify(diagrams));
    const r = spawnSync(process.execPath, [join(__dirname, 'mermaid-parse.mjs'), input], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`mermaid-parse.mjs exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The diagrams Mermaid refuses, each as `<name>: <first lines of the error>`; [] when all parse as flowcharts. */
export function mermaidParseErrors(diagrams: readonly NamedDiagram[]): string[] {
  return parseWithMermaid(diagrams)
    .filter(r => r.error !== null || r.type !== 'flowchart-v2')
    .map(r => `${r.name}: ${r.error === null ? `parsed as ${r.type}, not a flowchart` : r.error.split('\n').slice(0, 4).join(' | ')}`);
}
