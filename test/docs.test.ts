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
