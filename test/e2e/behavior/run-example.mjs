#!/usr/bin/env node
// Runs the behavior checks of one example in a process of its own (the harness starts one per
// example): checks use synchronous kubectl calls, which block their process's event loop, so
// checks of examples running side by side in one process would starve each other's HTTP
// requests, timers and log streams.
//
// Usage: node test/e2e/behavior/run-example.mjs STEM NAMESPACE KUBECTL
// Prints the check lines as they happen, then one line `RESULTS <json>` with the results.
import { loadBehaviors, runBehaviors } from './index.mjs';

const [stem, ns, kubectl] = process.argv.slice(2);
if (!stem || !ns || !kubectl) {
  console.error('usage: node test/e2e/behavior/run-example.mjs STEM NAMESPACE KUBECTL');
  process.exit(2);
}
const mods = await loadBehaviors();
const results = await runBehaviors(mods, stem, { ns, kubectl, log: (m) => console.log(m) });
console.log(`RESULTS ${JSON.stringify(results)}`);
