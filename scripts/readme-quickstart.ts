/**
 * The README's quickstart, run as written: only the package import is pointed at the source and
 * the App at an output directory. Used by the unit test that checks its manifests and by
 * `npm run synth`, which puts them beside the examples so the e2e runs them on the real node.
 */
import { readFileSync } from 'fs';
import { resolve } from 'path';
// A development script, never shipped: the TypeScript compiler is a devDependency.
// eslint-disable-next-line import/no-extraneous-dependencies
import * as ts from 'typescript';

const repo = resolve(__dirname, '..');

/** The TypeScript of the README's first code block after "## Quickstart". */
export function quickstartCode(): string {
  const readme = readFileSync(resolve(repo, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme.split('## Quickstart')[1] ?? '')?.[1];
  if (!code) throw new Error('README.md: no ```ts block after "## Quickstart"');
  return code;
}

/** Runs the quickstart; its charts are written to `outdir`. */
export function runQuickstart(outdir: string): void {
  const source = quickstartCode()
    .replace("from 'cdk8s-patterns'", `from ${JSON.stringify(resolve(repo, 'src'))}`)
    .replace('new App()', `new App({ outdir: ${JSON.stringify(outdir)} })`);
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'exports', js)(require, {});
}
