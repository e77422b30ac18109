/**
 * Synthesizes every example app (examples/<name>/main.ts, which exports `buildApp(app)`) into
 * examples/dist/. An example may also export `buildNextApp(app)`: the same charts after one change
 * (a new configuration image tag, a changed parameter), written to examples/dist/next/, which the
 * e2e applies over the running example to watch the change roll out. Each chart's YAML gets a
 * Mermaid diagram beside it (`<stem>.mmd`, TopologyDiagram). Everything is rendered into a staging directory first and moved into place
 * only when every example succeeded, so a failure never leaves half-written output behind.
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { App } from 'cdk8s';
import { diagramPath } from './diagram';
import { runQuickstart } from './readme-quickstart';
import { TopologyDiagram } from '../src/diagram/topology-diagram';

const examplesDir = resolve(__dirname, '..', 'examples');
const outDir = join(examplesDir, 'dist');

/** The example apps: every directory under examples/ with a main.ts. */
export function exampleNames(): string[] {
  return readdirSync(examplesDir)
    .filter(d => d !== 'dist' && statSync(join(examplesDir, d)).isDirectory() && existsSync(join(examplesDir, d, 'main.ts')))
    .sort();
}

/**
 * Synthesizes one example into `outdir` (with `next`, its `buildNextApp`, if it has one);
 * returns the files written.
 */
export function synthExample(name: string, outdir: string, next = false): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(examplesDir, name, 'main.ts'));
  if (typeof mod.buildApp !== 'function') throw new Error(`examples/${name}/main.ts must export buildApp(app: App)`);
  const build = next ? mod.buildNextApp : mod.buildApp;
  if (typeof build !== 'function') return [];
  const before = new Set(existsSync(outdir) ? readdirSync(outdir) : []);
  const app = new App({ outdir });
  build(app);
  app.synth();
  return readdirSync(outdir).filter(f => !before.has(f));
}

function main(): void {
  const staging = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-synth-'));
  const seen = new Map<string, string>();
  for (const name of exampleNames()) {
    const files = synthExample(name, staging);
    for (const f of files) {
      if (seen.has(f)) throw new Error(`examples/${name} writes ${f}, which examples/${seen.get(f)} already wrote: chart names must be unique`);
      seen.set(f, name);
    }
    console.log(`examples/${name}: ${files.join(', ')}`);
    const nextFiles = synthExample(name, join(staging, 'next'), true);
    for (const f of nextFiles) {
      if (!files.includes(f)) throw new Error(`examples/${name}: buildNextApp writes ${f}, which buildApp does not: the next release must be the same charts`);
    }
    if (nextFiles.length) console.log(`examples/${name} (next release): ${nextFiles.map(f => `next/${f}`).join(', ')}`);
  }
  // The README's quickstart runs on the e2e's real node too.
  const quickstartDir = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-quickstart-'));
  runQuickstart(quickstartDir);
  for (const f of readdirSync(quickstartDir)) {
    const target = `readme-quickstart${f === 'shop.k8s.yaml' ? '' : `-${f.replace(/\.k8s\.yaml$/, '')}`}.k8s.yaml`;
    if (seen.has(target)) throw new Error(`README quickstart writes ${target}, which examples/${seen.get(target)} already wrote`);
    renameSync(join(quickstartDir, f), join(staging, target));
    seen.set(target, 'README.md');
  }
  rmSync(quickstartDir, { recursive: true, force: true });
  console.log('README.md quickstart: readme-quickstart.k8s.yaml');
  // A picture of each chart beside its YAML (TopologyDiagram), drawn from the file as written.
  const yamlFiles = readdirSync(staging).filter(f => f.endsWith('.k8s.yaml')).sort();
  for (const f of yamlFiles) writeFileSync(diagramPath(join(staging, f)), TopologyDiagram.fromYamlFile(join(staging, f)).toMermaid());
  console.log(`${yamlFiles.length} diagrams (<stem>.mmd) in examples/dist/`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  console.log(`${seen.size} manifest files in examples/dist/`);
}

if (require.main === module) main();
