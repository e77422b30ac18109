'use strict';
// Variant (a): the app written with cdk8s-patterns.
const { App, Chart } = require('cdk8s');
const kplus = require('cdk8s-plus-28');
const lib = require(process.env.BENCH_LIB);
const spec = require('./spec.cjs');

spec.run((n) => {
  const app = new App();
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < n; i++) {
    const name = spec.name(i);
    const deployment = new kplus.Deployment(chart, name, {
      replicas: 2,
      containers: [spec.appContainer(i)],
    });
    new lib.Adapter(chart, `${name}-metrics`, {
      workload: deployment,
      container: { image: 'registry.example/exporter:0.15.0' },
      metricsPort: spec.METRICS_PORT,
    });
    new lib.Sidecar(chart, `${name}-logs`, {
      workload: deployment,
      container: { name: 'log-shipper', image: 'registry.example/fluent-bit:3.1.9' },
      sharedVolume: { sidecarMountPath: '/var/log/app', sidecarReadOnly: true },
    });
    new lib.HighlyAvailable(chart, `${name}-ha`, { workload: deployment });
    const extra = spec.extra(i);
    if (extra === 'work-queue') {
      new lib.WorkQueue(chart, `${name}-queue`, {
        worker: { image: 'registry.example/worker:2.0.0' },
        existingQueue: { host: 'queue.shared.svc' },
      });
    } else if (extra === 'leader-elected') {
      new lib.LeaderElected(chart, `${name}-leader`, {
        containers: [{ image: 'registry.example/reconciler:0.9.2' }],
      });
    }
  }
  lib.RestrictedPods.applyTo(chart);
  return app.synthYaml();
});
