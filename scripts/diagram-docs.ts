/**
 * Keeps the "What the example deploys" diagram of each docs page true: a page embeds an example's
 * generated diagram between the markers
 *
 *   <!-- diagram:begin example=<stem> -->
 *   ...generated...
 *   <!-- diagram:end -->
 *
 * where <stem> names a chart file the examples synthesize (examples/dist/<stem>.k8s.yaml). This
 * script synthesizes the examples, draws each chart as `npm run synth` does (TopologyDiagram from
 * the YAML file) and rewrites only what is between the markers:
 *
 *   npm run docs:diagrams            # refresh every page
 *   npm run docs:diagrams -- --check # list stale pages, exit 1 if any (test/diagram/docs-diagrams.test.ts does the same)
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { exampleNames, synthExample } from './synth-examples';
import { TopologyDiagram } from '../src/diagram/topology-diagram';

const root = resolve(__dirname, '..');
const pagesDir = join(root, 'docs', 'patterns');

/** A marker section: its stem and its whole text, markers included. */
const SECTION = /<!-- diagram:begin example=([a-z0-9][a-z0-9-]*) -->\n[\s\S]*?<!-- diagram:end -->/g;

/** An example chart's diagram, and the example app that writes it. */
export interface ExampleDiagram {
  readonly example: string;
  readonly mermaid: string;
}

/**
 * Every example chart's diagram by stem, drawn from the YAML file the example writes, exactly as
 * `npm run synth` draws examples/dist/<stem>.mmd.
 */
export function exampleDiagrams(names: readonly string[] = exampleNames()): Map<string, ExampleDiagram> {
  const out = new Map<string, ExampleDiagram>();
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-diagrams-'));
  try {
    for (const name of names) {
      const outdir = join(dir, name);
      for (const f of synthExample(name, outdir).filter(x => x.endsWith('.k8s.yaml'))) {
        out.set(f.replace(/\.k8s\.yaml$/, ''), { example: name, mermaid: TopologyDiagram.fromYamlFile(join(outdir, f)).toMermaid() });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The generated section for `stem`, markers included. */
export function diagramSection(stem: string, diagram: ExampleDiagram): string {
  return [
    `<!-- diagram:begin example=${stem} -->`,
    '## What the example deploys',
    '',
    `The objects [\`examples/${diagram.example}\`](../../examples/${diagram.example}/main.ts) synthesizes into`,
    `\`examples/dist/${stem}.k8s.yaml\`, drawn by [\`TopologyDiagram\`](topology-diagram.md) (the same picture as`,
    `\`examples/dist/${stem}.mmd\`; generated, refresh with \`npm run docs:diagrams\`):`,
    '',
    '```mermaid',
    diagram.mermaid.trimEnd(),
    '```',
    '<!-- diagram:end -->',
  ].join('\n');
}

/** The stems a page's marker sections name, in page order. */
export function sectionStems(page: string): string[] {
  return [...page.matchAll(SECTION)].map(m => m[1]);
}

/** The page with every marker section regenerated; an unknown stem is an error naming the page. */
export function refreshPage(file: string, page: string, diagrams: ReadonlyMap<string, ExampleDiagram>): string {
  return page.replace(SECTION, (_, stem: string) => {
    const d = diagrams.get(stem);
    if (!d) throw new Error(`${file}: diagram marker names example=${stem}, but no example writes ${stem}.k8s.yaml (known: ${[...diagrams.keys()].sort().join(', ')})`);
    return diagramSection(stem, d);
  });
}

/** The docs pages (docs/patterns/*.md) with at least one marker section, by path relative to the repository. */
export function pagesWithDiagrams(): Array<{ file: string; text: string }> {
  return readdirSync(pagesDir).filter(f => f.endsWith('.md')).sort()
    .map(f => ({ file: join('docs', 'patterns', f), text: readFileSync(join(pagesDir, f), 'utf8') }))
    .filter(p => sectionStems(p.text).length > 0);
}

function main(argv: string[]): void {
  const check = argv.includes('--check');
  const diagrams = exampleDiagrams();
  const stale: string[] = [];
  for (const p of pagesWithDiagrams()) {
    const fresh = refreshPage(p.file, p.text, diagrams);
    if (fresh === p.text) continue;
    stale.push(p.file);
    if (!check) writeFileSync(join(root, p.file), fresh);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`stale diagrams (run npm run docs:diagrams): ${stale.join(', ')}\n`);
    process.exit(1);
  }
  console.log(check ? 'every docs diagram is current' : `${stale.length} page(s) refreshed${stale.length ? `: ${stale.join(', ')}` : ''}`);
}

if (require.main === module) main(process.argv.slice(2));
