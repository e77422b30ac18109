'use strict';
// Times the validation plugin's rule engine (checkManifests of lib/plugin/rules.js) on a
// synthesized output: parse once (not timed), then the median of 3 runs.
const fs = require('fs');
const path = require('path');
const YAML = require(require.resolve('yaml', { paths: [require.resolve('cdk8s')] }));
const { checkManifests } = require(path.join(path.dirname(process.env.BENCH_LIB), 'plugin', 'rules.js'));
const docs = YAML.parseAllDocuments(fs.readFileSync(process.argv[2], 'utf8'), { version: '1.1' }).map(d => d.toJSON()).filter(Boolean);
const times = [];
let findings;
for (let i = 0; i < 3; i++) {
  const t0 = process.hrtime.bigint();
  findings = checkManifests(docs);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const byRule = {};
for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
process.stdout.write(JSON.stringify({ objects: docs.length, checkMs: times[1], findings: findings.length, byRule }) + '\n');
