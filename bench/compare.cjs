'use strict';
// Compares two multi-document YAML outputs: byte-identical, canonically identical (same
// documents after sorting every map's keys), or different (with the first differences).
const YAML = require('yaml');

function sortDeep(v) {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = sortDeep(v[k]);
    return o;
  }
  return v;
}
const docs = (text) => YAML.parseAllDocuments(text, { version: '1.1' }).map(d => d.toJSON());

function diffPaths(a, b, path = '', out = []) {
  if (out.length >= 10) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diffPaths(a[k], b[k], `${path}/${k}`, out);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
  }
  return out;
}

/** Returns { bytes: boolean, canonical: boolean, differences: string[], byteDiffs: string[] }. */
exports.compare = (textA, textB) => {
  if (textA === textB) return { bytes: true, canonical: true, differences: [], byteDiffs: [] };
  const a = docs(textA).map(sortDeep);
  const b = docs(textB).map(sortDeep);
  const differences = [];
  if (a.length !== b.length) differences.push(`document count ${a.length} != ${b.length}`);
  for (let i = 0; i < Math.min(a.length, b.length) && differences.length < 10; i++) {
    for (const d of diffPaths(a[i], b[i])) differences.push(`doc ${i} (${a[i]?.kind} ${a[i]?.metadata?.name})${d}`);
  }
  // Where the bytes differ: the first differing line of each document (up to 5 documents).
  const byteDiffs = [];
  const da = textA.split('---\n');
  const db = textB.split('---\n');
  for (let i = 0; i < Math.min(da.length, db.length) && byteDiffs.length < 5; i++) {
    if (da[i] === db[i]) continue;
    const la = da[i].split('\n');
    const lb = db[i].split('\n');
    const j = la.findIndex((l, k) => l !== lb[k]);
    byteDiffs.push(`doc ${i} line ${j + 1}: ${JSON.stringify(la[j])} vs ${JSON.stringify(lb[j])}`);
  }
  return { bytes: false, canonical: differences.length === 0, differences, byteDiffs };
};

if (require.main === module) {
  const fs = require('fs');
  const r = exports.compare(fs.readFileSync(process.argv[2], 'utf8'), fs.readFileSync(process.argv[3], 'utf8'));
  console.log(JSON.stringify(r, null, 2));
  process.exit(r.canonical ? 0 : 1);
}
