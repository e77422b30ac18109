'use strict';
// Variant (c), the floor: the manifests of (a) as plain objects (read from a JSON file written
// once by the runner), serialized exactly as cdk8s's Yaml.stringify does: the yaml package
// cdk8s bundles, keepUndefined, lineWidth 0, YAML 1.1, documents joined by '---\n'.
// Only the serialization is timed; reading the JSON is not.
const fs = require('fs');
const YAML = require(require.resolve('yaml', { paths: [require.resolve('cdk8s')] }));
const spec = require('./spec.cjs');

const docs = JSON.parse(fs.readFileSync(process.env.BENCH_FLOOR_JSON, 'utf8'));
spec.run((n) => {
  if (docs.length < n) throw new Error(`floor input has ${docs.length} documents for N=${n}`);
  return docs.map(r => (r === undefined ? '\n' : YAML.stringify(r, { keepUndefined: true, lineWidth: 0, version: '1.1' }))).join('---\n');
});
