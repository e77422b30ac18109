import { mkdtempSync, readFileSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { validateManifests } from './schema';
import { restrictedViolations } from './util';
import { wiringProblems } from './wiring';

/** The README's quickstart, run as written (only the package import points at the source). */
test('the README quickstart synthesizes valid, restricted, wired manifests', () => {
  const readme = readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.split('## Quickstart')[1];
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  const outdir = mkdtempSync(join(tmpdir(), 'quickstart-'));
  const source = code!
    .replace("from 'cdk8s-patterns'", `from ${JSON.stringify(resolve(__dirname, '..', 'src'))}`)
    .replace('new App()', `new App({ outdir: ${JSON.stringify(outdir)} })`);
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'exports', js)(require, {});
  const files = readdirSync(outdir);
  expect(files).toEqual(['shop.k8s.yaml']);
  const manifests = parseAllDocuments(readFileSync(join(outdir, files[0]), 'utf8')).map(d => d.toJS());
  expect(() => validateManifests(manifests)).not.toThrow();
  expect(restrictedViolations(manifests)).toEqual([]);
  expect(wiringProblems(manifests)).toEqual([]);
  expect(manifests.map(m => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
});
