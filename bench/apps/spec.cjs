'use strict';
// What every variant builds, per service i (0-based). Shared so that the variants cannot drift.
exports.name = (i) => `svc${String(i).padStart(5, '0')}`;
exports.appImage = (i) => `registry.example/shop/svc-${i % 37}:1.${i % 7}.0`;
exports.APP_PORT = 8080;
exports.METRICS_PORT = 9102;
// The application container of service i, as both (a) and (b) declare it.
exports.appContainer = (i) => {
  const kplus = require('cdk8s-plus-28');
  return {
    name: 'app',
    image: exports.appImage(i),
    portNumber: exports.APP_PORT,
    readiness: kplus.Probe.fromHttpGet('/healthz', { port: exports.APP_PORT }),
  };
};
// Every tenth service also gets a workload pattern: WorkQueue on i % 20 === 0, LeaderElected on i % 20 === 10.
exports.extra = (i) => (i % 20 === 0 ? 'work-queue' : i % 20 === 10 ? 'leader-elected' : undefined);

// Common process plumbing: N from argv, output file, metrics on stdout (one JSON line).
exports.run = (build) => {
  const n = Number(process.argv[2]);
  const out = process.argv[3];
  if (!Number.isInteger(n) || n < 1) throw new Error('usage: <variant> N [out.yaml]');
  const t0 = process.hrtime.bigint();
  const yaml = build(n);
  const t1 = process.hrtime.bigint();
  if (out) require('fs').writeFileSync(out, yaml);
  const ru = process.resourceUsage();
  process.stdout.write(JSON.stringify({
    synthMs: Number(t1 - t0) / 1e6,
    uptimeMs: process.uptime() * 1000,
    cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000,
    maxRssKiB: ru.maxRSS,
    bytes: yaml.length,
  }) + '\n');
};
