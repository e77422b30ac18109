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
// Every fifth service also gets a workload or release pattern: WorkQueue on i % 20 === 0,
// CanaryDeployment on i % 20 === 5, LeaderElected on i % 20 === 10, BlueGreenDeployment on i % 20 === 15.
const EXTRAS = { 0: 'work-queue', 5: 'canary', 10: 'leader-elected', 15: 'blue-green' };
exports.extra = (i) => EXTRAS[i % 20];
// The next version of service i's image: what its canary or green track runs.
exports.nextImage = (i) => `registry.example/shop/svc-${i % 37}:1.${(i % 7) + 1}.0`;
// The canary's share of requests, in percent.
exports.CANARY_WEIGHT = 10;
// The platform's shared Gateway that the canaries' HTTPRoutes attach to (created outside this app).
exports.SHARED_GATEWAY = { name: 'public', namespace: 'gateway-system' };
exports.hostname = (name) => `${name}.shop.example`;
// Per chart: the ApiGateway routes /<name> of the first API_ROUTES blue-green services to their
// active Service (hostname API_HOST) and to their preview Service (hostname PREVIEW_HOST).
exports.API_ROUTES = 6;
exports.API_HOST = 'api.shop.example';
exports.PREVIEW_HOST = 'preview.shop.example';
// The gateway implementation's pods (Traefik, in its namespace): who may reach the routed backends.
exports.GATEWAY_PODS = { namespace: 'traefik', labels: { 'app.kubernetes.io/name': 'traefik' } };

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
