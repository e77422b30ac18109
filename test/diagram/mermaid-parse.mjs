// Parses Mermaid diagrams with Mermaid's own parser (`mermaid.parse`, the grammar the renderers
// use), in a plain Node process: mermaid 11 is an ES module and needs a DOM for its sanitizer, so
// jsdom provides `window` and `document`. Reads a JSON file [{ name, text }] (argv[2]) and prints
// JSON [{ name, type, error }] to stdout. Used by test/diagram/mermaid.ts.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

const results = [];
for (const { name, text } of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ name, type: parsed && parsed.diagramType, error: null });
  } catch (e) {
    results.push({ name, type: null, error: String((e && e.message) || e) });
  }
}
process.stdout.write(JSON.stringify(results));
