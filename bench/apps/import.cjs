'use strict';
// Import cost: `node import.cjs plus` loads cdk8s-plus-28 alone; `node import.cjs lib` loads
// cdk8s-plus-28 and then the library. Prints the in-process time of each require.
const t0 = process.hrtime.bigint();
require('cdk8s-plus-28');
const t1 = process.hrtime.bigint();
if (process.argv[2] === 'lib') require(process.env.BENCH_LIB);
const t2 = process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
process.stdout.write(JSON.stringify({ plusMs: ms(t0, t1), libMs: ms(t1, t2), uptimeMs: process.uptime() * 1000 }) + '\n');
