#!/usr/bin/env node
// cdk8s-patterns benchmark (issue #15). See bench/README.md.
//   node bench/run.mjs            N = 100, 1000, 3000; 5 interleaved rounds; writes bench/README.md
//   node bench/run.mjs --full     also N = 10000 (at most 3 rounds there)
//   node bench/run.mjs --quick    N = 50, 1 round, prints only (for CI: keeps the bench working)
//   options: --rounds R, --n 100,1000, --no-write
// Every measurement is a separate `node` process, one at a time. Fails (exit 1) when the three
// variants' outputs differ (canonically: same documents with keys sorted; byte differences are
// reported).
import { spawnSync, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const LIB = path.join(root, 'lib', 'index.js');
const { compare } = require('./compare.cjs');

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : undefined; };
const quick = flag('--quick');
const full = flag('--full');
let sizes = quick ? [50] : full ? [100, 1000, 3000, 10000] : [100, 1000, 3000];
if (opt('--n')) sizes = opt('--n').split(',').map(Number);
const rounds = Number(opt('--rounds') ?? (quick ? 1 : 5));
const write = !quick && !flag('--no-write') && !opt('--n');
const IMPORT_REPS = quick ? 3 : 15;

// 1. lib/ must exist and be newer than every file in src/.
function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}
if (!fs.existsSync(LIB) || fs.statSync(LIB).mtimeMs < newest(path.join(root, 'src'))) {
  console.error('bench: lib/ is missing or older than src/: compiling (npx projen compile)');
  execFileSync('npx', ['projen', 'compile'], { cwd: root, stdio: 'inherit', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-patterns-bench-'));
const env = { ...process.env, BENCH_LIB: LIB };
const VARIANTS = { a: 'patterns.cjs', b: 'handwritten.cjs', c: 'floor.cjs' };

/** Runs one child process; wall time measured here, CPU and peak RSS reported by the child. */
function child(script, argv, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(here, 'apps', script), ...argv], { env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${script} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { wallMs, ...JSON.parse(r.stdout.trim().split('\n').pop()) };
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const f0 = (x) => x.toFixed(0);
const f2 = (x) => x.toFixed(2);

const results = [];
let failed = false;
const equality = [];
for (const n of sizes) {
  const out = (v, r) => path.join(tmp, `${v}-${n}-${r}.yaml`);
  // The floor's input: (a)'s manifests as plain JSON, written once.
  const seed = child(VARIANTS.a, [String(n), path.join(tmp, `seed-${n}.yaml`)]);
  const YAML = require(require.resolve('yaml', { paths: [require.resolve('cdk8s')] }));
  const seedText = fs.readFileSync(path.join(tmp, `seed-${n}.yaml`), 'utf8');
  const floorJson = path.join(tmp, `floor-${n}.json`);
  fs.writeFileSync(floorJson, JSON.stringify(YAML.parseAllDocuments(seedText, { version: '1.1' }).map(d => d.toJSON())));
  void seed;

  const runs = { a: [], b: [], c: [] };
  const order = ['a', 'b', 'c'];
  const roundsN = n >= 10000 ? Math.min(rounds, 3) : rounds; // 10,000 takes ~45 s a round
  for (let r = 0; r < roundsN; r++) {
    // Interleaved, and the order rotates each round so no variant always runs first.
    const rot = order.slice(r % 3).concat(order.slice(0, r % 3));
    for (const v of rot) runs[v].push(child(VARIANTS[v], [String(n), out(v, r)], { BENCH_FLOOR_JSON: floorJson }));
    process.stderr.write(`N=${n} round ${r + 1}/${roundsN}: a ${f0(runs.a[r].wallMs)} ms, b ${f0(runs.b[r].wallMs)} ms, c ${f0(runs.c[r].wallMs)} ms\n`);
  }
  // Outputs: (a) the same bytes every round (deterministic); (a) vs (b) and (a) vs (c).
  const a0 = fs.readFileSync(out('a', 0), 'utf8');
  for (let r = 0; r < roundsN; r++) {
    if (fs.readFileSync(out('a', r), 'utf8') !== seedText || fs.readFileSync(out('a', r), 'utf8') !== a0) {
      failed = true; console.error(`N=${n}: patterns output differs between runs (not deterministic)`);
    }
  }
  for (const v of ['b', 'c']) {
    const cmp = compare(a0, fs.readFileSync(out(v, 0), 'utf8'));
    equality.push({ n, pair: `a/${v}`, ...cmp });
    if (!cmp.canonical) {
      failed = true;
      console.error(`N=${n}: OUTPUTS DIFFER (a vs ${v}):\n  ${cmp.differences.join('\n  ')}`);
    }
  }
  const check = child('check.cjs', [out('a', 0)]);
  const ratio = (v, field) => median(runs.a.map((x, i) => x[field] / runs[v][i][field]));
  const med = (v, field) => median(runs[v].map(x => x[field]));
  results.push({
    n, objects: check.objects,
    wall: { a: med('a', 'wallMs'), b: med('b', 'wallMs'), c: med('c', 'wallMs') },
    synth: { a: med('a', 'synthMs'), b: med('b', 'synthMs'), c: med('c', 'synthMs') },
    cpu: { a: med('a', 'cpuMs'), b: med('b', 'cpuMs'), c: med('c', 'cpuMs') },
    rss: { a: med('a', 'maxRssKiB') / 1024, b: med('b', 'maxRssKiB') / 1024, c: med('c', 'maxRssKiB') / 1024 },
    ab: { wall: ratio('b', 'wallMs'), cpu: ratio('b', 'cpuMs'), rss: ratio('b', 'maxRssKiB'), synth: ratio('b', 'synthMs') },
    ac: { wall: ratio('c', 'wallMs'), cpu: ratio('c', 'cpuMs'), rss: ratio('c', 'maxRssKiB') },
    check,
  });
}

// Import cost: cdk8s-plus-28 alone vs cdk8s-plus-28 then the library, interleaved processes.
const imp = { plusWall: [], libWall: [], libMs: [] };
for (let i = 0; i < IMPORT_REPS; i++) {
  imp.plusWall.push(child('import.cjs', ['plus']).wallMs);
  const l = child('import.cjs', ['lib']);
  imp.libWall.push(l.wallMs);
  imp.libMs.push(l.libMs);
}
const importRow = { plusWall: median(imp.plusWall), libWall: median(imp.libWall), libMs: median(imp.libMs) };

// Report.
const pkg = (name) => require(require.resolve(`${name}/package.json`, { paths: [root] })).version;
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}; `
  + `node ${process.version}, cdk8s ${pkg('cdk8s')}, cdk8s-plus-28 ${pkg('cdk8s-plus-28')}, yaml ${require(require.resolve('yaml/package.json', { paths: [path.dirname(require.resolve('cdk8s'))] })).version} (cdk8s's)`;
const lines = [];
lines.push(`Machine: ${machine}. ${rounds} interleaved round(s) per N (at most 3 at N = 10,000); medians; ratios are medians of per-round pairs.`, '');
lines.push('| N services | objects | wall a / b / c (ms) | CPU a / b / c (ms) | peak RSS a / b / c (MiB) | a/b wall | a/b CPU | a/b RSS | a/b synth only | a/c wall | a/c CPU | a/c RSS | checkManifests (ms) | check / synth of a |');
lines.push('|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  lines.push(`| ${r.n} | ${r.objects} | ${f0(r.wall.a)} / ${f0(r.wall.b)} / ${f0(r.wall.c)} | ${f0(r.cpu.a)} / ${f0(r.cpu.b)} / ${f0(r.cpu.c)} | ${f0(r.rss.a)} / ${f0(r.rss.b)} / ${f0(r.rss.c)} `
    + `| ${f2(r.ab.wall)} | ${f2(r.ab.cpu)} | ${f2(r.ab.rss)} | ${f2(r.ab.synth)} | ${f2(r.ac.wall)} | ${f2(r.ac.cpu)} | ${f2(r.ac.rss)} | ${r.check.checkMs.toFixed(1)} | ${(100 * r.check.checkMs / r.synth.a).toFixed(1)}% |`);
}
if (results.length > 1) {
  const [lo, hi] = [results[0], results[results.length - 1]];
  lines.push('', `Growth of (a) synth time: ${((hi.synth.a - lo.synth.a) / (hi.n - lo.n)).toFixed(2)} ms per service between N=${lo.n} and N=${hi.n}; `
    + results.map(r => `${(r.synth.a / r.n).toFixed(2)} ms/service at N=${r.n}`).join(', ') + '.');
}
lines.push('', `Import: \`require('cdk8s-plus-28')\` process ${f0(importRow.plusWall)} ms; plus \`require('cdk8s-patterns')\` ${f0(importRow.libWall)} ms `
  + `(+${f0(importRow.libWall - importRow.plusWall)} ms whole process; the library's require alone ${importRow.libMs.toFixed(1)} ms in-process), medians of ${IMPORT_REPS}.`);
lines.push('', 'Outputs: ' + equality.map(e => `N=${e.n} ${e.pair}: ${e.bytes ? 'byte-identical' : e.canonical ? `canonically identical, bytes differ (${e.byteDiffs[0]})` : 'DIFFERENT'}`).join('; ') + '.');
lines.push('', 'Findings of checkManifests on (a): ' + results.map(r => `N=${r.n}: ${r.check.findings} ${JSON.stringify(r.check.byRule)}`).join('; ') + '.');
const table = lines.join('\n');
console.log(table);

if (write) {
  const readme = path.join(here, 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const start = '<!-- bench:results -->';
  const end = '<!-- /bench:results -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) throw new Error('bench/README.md lacks the results markers');
  fs.writeFileSync(readme, `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`);
  console.error(`bench: wrote ${path.relative(root, readme)}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
if (failed) { console.error('bench: FAILED: the variants\' outputs are not identical'); process.exit(1); }
