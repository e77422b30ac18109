'use strict';
// Summarizes .cpuprofile files (node --cpu-prof): self time by package and the top functions.
//   node bench/profile.cjs [N]   profiles (a) and (b) at N (default 1000) one after the other,
//                                then prints both summaries and the self-time difference a - b.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

function bucket(url) {
  if (!url) return '(native/gc/idle)';
  if (url.includes('/node_modules/cdk8s/node_modules/yaml/') || url.includes('/node_modules/yaml/')) return 'yaml';
  if (url.includes('/node_modules/cdk8s-plus-28/')) return 'cdk8s-plus-28';
  if (url.includes('/node_modules/cdk8s/')) return 'cdk8s';
  if (url.includes('/node_modules/constructs/')) return 'constructs';
  if (url.includes('/node_modules/')) return 'other node_modules';
  if (url.includes('/lib/')) return 'cdk8s-patterns (lib/)';
  if (url.includes('/bench/')) return 'bench app';
  return 'node internals';
}

function summarize(file) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map(n => [n.id, n]));
  const self = new Map();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byBucket = {};
  const byFn = {};
  for (const [id, ms] of self) {
    const cf = byId.get(id).callFrame;
    const b = cf.functionName === '(garbage collector)' ? '(gc)' : cf.functionName === '(idle)' || cf.functionName === '(program)' ? '(program/idle)' : bucket(cf.url);
    byBucket[b] = (byBucket[b] ?? 0) + ms;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? `${cf.url.replace(/.*node_modules\//, '').replace(/.*\/main\//, '')}:${cf.lineNumber + 1}` : ''}`;
    byFn[key] = (byFn[key] ?? 0) + ms;
  }
  return { total, byBucket, byFn };
}

if (require.main === module) {
  const n = process.argv[2] ?? '1000';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-patterns-prof-'));
  const lib = path.join(__dirname, '..', 'lib', 'index.js');
  const out = {};
  for (const [v, script] of [['a', 'patterns.cjs'], ['b', 'handwritten.cjs']]) {
    const d = path.join(dir, v);
    const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${d}`, path.join(__dirname, 'apps', script), n], { env: { ...process.env, BENCH_LIB: lib }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    out[v] = summarize(path.join(d, fs.readdirSync(d)[0]));
  }
  const pct = (x, t) => `${(100 * x / t).toFixed(1)}%`;
  for (const v of ['a', 'b']) {
    const s = out[v];
    console.log(`\n## ${v}: ${s.total.toFixed(0)} ms sampled`);
    for (const [k, ms] of Object.entries(s.byBucket).sort((x, y) => y[1] - x[1])) console.log(`  ${k.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms ${pct(ms, s.total)}`);
    console.log('  top self time:');
    for (const [k, ms] of Object.entries(s.byFn).sort((x, y) => y[1] - x[1]).slice(0, 15)) console.log(`    ${ms.toFixed(0).padStart(5)} ms ${pct(ms, s.total).padStart(6)}  ${k}`);
  }
  console.log('\n## a - b by package (ms)');
  const keys = new Set([...Object.keys(out.a.byBucket), ...Object.keys(out.b.byBucket)]);
  for (const k of keys) console.log(`  ${k.padEnd(28)} ${((out.a.byBucket[k] ?? 0) - (out.b.byBucket[k] ?? 0)).toFixed(0).padStart(6)}`);
  console.log('\n## a - b by function (largest, ms)');
  const fk = new Set([...Object.keys(out.a.byFn), ...Object.keys(out.b.byFn)]);
  [...fk].map(k => [k, (out.a.byFn[k] ?? 0) - (out.b.byFn[k] ?? 0)]).sort((x, y) => y[1] - x[1]).slice(0, 20)
    .forEach(([k, d]) => console.log(`  ${d.toFixed(0).padStart(6)}  ${k}`));
  console.log(`\nprofiles: ${dir}`);
}
module.exports = { summarize };
