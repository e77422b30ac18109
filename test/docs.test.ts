import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import * as ts from 'typescript';

/**
 * Every TypeScript example in docs/patterns and the README type-checks against the current
 * API, so the docs cannot drift from the code unnoticed.
 */
const root = resolve(__dirname, '..');
const src = join(root, 'src');
const pages = [
  ...readdirSync(join(root, 'docs', 'patterns')).filter(f => f.endsWith('.md')).map(f => join('docs', 'patterns', f)),
  'README.md',
];
// Inside node_modules so that 'cdk8s', 'cdk8s-plus-28' and 'constructs' resolve as in an app.
mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
const dir = mkdtempSync(join(root, 'node_modules', '.cache', 'docs-examples-'));

const blocks = pages.flatMap(page => {
  const text = readFileSync(join(root, page), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => {
    const file = join(dir, `${page.replace(/[/.]/g, '_')}_${i}.ts`);
    // Each block is its own module; the package import points at the source.
    const code = m[1].replace(/from 'cdk8s-patterns'/g, `from ${JSON.stringify(src)}`);
    writeFileSync(file, `${code}\nexport {};\n`);
    return { page, file };
  });
});

const program = ts.createProgram(blocks.map(b => b.file), {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  types: ['node'],
});

test('the docs have TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThan(20);
});

test.each([...new Set(blocks.map(b => b.page))])('%s: every ts example type-checks', (page) => {
  const errors = blocks.filter(b => b.page === page).flatMap(b => ts.getPreEmitDiagnostics(program, program.getSourceFile(b.file))
    .map(d => `${b.file.split('/').pop()}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`));
  expect(errors).toEqual([]);
});

// Type-checking is not enough: an example the library refuses at synth (a missing readiness
// probe, an unpinned image) would still compile. Each one runs too, in one child process
// (ts-node, the examples' own modules), writing into a scratch directory.
test('every ts example also synthesizes', () => {
  const runner = join(dir, 'run-examples.js');
  writeFileSync(runner, [
    `require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true, skipIgnore: true, compilerOptions: { module: 'commonjs', esModuleInterop: true } });`,
    'const failed = [];',
    'for (const f of process.argv.slice(2)) {',
    '  try { require(f); } catch (e) { failed.push(`${require("path").basename(f)}: ${String(e && e.message).split("\\n").slice(0, 2).join(" ")}`); }',
    '}',
    'require("fs").writeFileSync(process.env.EXAMPLES_RESULT, JSON.stringify(failed));',
  ].join('\n'));
  const result = join(dir, 'result.json');
  const r = spawnSync(process.execPath, [runner, ...blocks.map(b => b.file)], {
    cwd: dir, env: { ...process.env, CDK8S_OUTDIR: join(dir, 'dist'), EXAMPLES_RESULT: result }, encoding: 'utf8', timeout: 120_000,
  });
  expect(r.status).toBe(0);
  expect(JSON.parse(readFileSync(result, 'utf8'))).toEqual([]);
}, 150_000);
