#!/usr/bin/env node
// Makes lib/index.js load each module on first use of one of its exports, instead of all ~60
// modules at `require('cdk8s-patterns')` (benchmark: the eager index added ~30 ms to every
// process; an app that uses three patterns now loads only those and the core they need).
// Runs after jsii in the compile task. The exports stay the same enumerable getters tsc emits;
// only `var m_1 = require("./m")` becomes a memoized loader. Fails if the emitted shape changes,
// rather than leaving an index it did not understand.
'use strict';
const fs = require('fs');
const path = require('path');

const file = path.join(__dirname, '..', 'lib', 'index.js');
const src = fs.readFileSync(file, 'utf8');
if (src.includes('/* lazy index */')) process.exit(0);

const requireLine = /^var (\w+) = require\("(\.\/[\w/-]+)"\);$/gm;
const modules = [...src.matchAll(requireLine)].map(m => ({ v: m[1], path: m[2] }));
if (modules.length === 0) throw new Error('lazy-index: no `var x_1 = require("./x")` lines in lib/index.js');

let out = src.replace(requireLine, (_, v, p) => `var ${v}; function load_${v}() { return ${v} || (${v} = require("${p}")); }`);
for (const { v } of modules) {
  const getter = new RegExp(`return ${v}\\.(\\w+);`, 'g');
  const before = out;
  out = out.replace(getter, (_, name) => `return load_${v}().${name};`);
  if (out === before) throw new Error(`lazy-index: no getter reads ${v}`);
}
const stray = modules.filter(({ v }) => new RegExp(`[^_]${v}\\.`).test(out.replace(new RegExp(`load_${v}\\(\\)\\.`, 'g'), '')));
if (stray.length > 0) throw new Error(`lazy-index: ${stray.map(s => s.v).join(', ')} used outside an export getter`);
fs.writeFileSync(file, out.replace('"use strict";', '"use strict";\n/* lazy index */'));
console.log(`lazy-index: ${modules.length} modules of lib/index.js load on first use`);
