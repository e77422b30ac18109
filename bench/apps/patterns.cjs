'use strict';
// Variant (a): the app written with cdk8s-patterns.
const { App, Chart } = require('cdk8s');
const kplus = require('cdk8s-plus-28');
const lib = require(process.env.BENCH_LIB);
const spec = require('./spec.cjs');

// Both tracks of a release run service i's app container, the second one at the next version.
const tracks = (i) => [{ containers: [spec.appContainer(i)] }, { containers: [{ ...spec.appContainer(i), image: spec.nextImage(i) }] }];

spec.run((n) => {
  const app = new App();
  const chart = new Chart(app, 'bench');
  const clients = []; // patterns whose network flows the segmentation allows
  const canaries = [];
  const blueGreens = [];
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
      clients.push(new lib.WorkQueue(chart, `${name}-queue`, {
        worker: { image: 'registry.example/worker:2.0.0' },
        existingQueue: { host: 'queue.shared.svc' },
      }));
    } else if (extra === 'leader-elected') {
      clients.push(new lib.LeaderElected(chart, `${name}-leader`, {
        containers: [{ image: 'registry.example/reconciler:0.9.2' }],
      }));
    } else if (extra === 'canary') {
      const [stable, next] = tracks(i);
      const canary = new lib.CanaryDeployment(chart, `${name}-canary`, {
        appName: name,
        stable,
        canary: next,
        weight: spec.CANARY_WEIGHT,
        routing: lib.TrafficRouting.gatewayApi({
          gatewayName: spec.SHARED_GATEWAY.name,
          gatewayNamespace: spec.SHARED_GATEWAY.namespace,
          hostnames: [spec.hostname(name)],
        }),
      });
      // Canary analysis compares the tracks' metrics: both get the exporter.
      canary.forEachTrack({
        attach: (scope, workload) => new lib.Adapter(scope, 'metrics', {
          workload,
          container: { image: 'registry.example/exporter:0.15.0' },
          metricsPort: spec.METRICS_PORT,
        }),
      });
      canaries.push(canary);
    } else if (extra === 'blue-green') {
      const [blue, green] = tracks(i);
      blueGreens.push({ name, release: new lib.BlueGreenDeployment(chart, `${name}-release`, { appName: name, blue, green }) });
    }
  }
  // Per chart: the API gateway in front of the first blue-green services (active and preview).
  // (None below N = 16: there is no blue-green service to route to.)
  const routed = blueGreens.slice(0, spec.API_ROUTES);
  const gateway = routed.length === 0 ? undefined : new lib.ApiGateway(chart, 'api', {
    gatewayClassName: 'traefik',
    hostnames: [spec.API_HOST],
    routes: routed.flatMap(({ name, release }) => [
      { pathPrefix: `/${name}`, service: release.activeService },
      { pathPrefix: `/${name}`, service: release.previewService, hostnames: [spec.PREVIEW_HOST] },
    ]),
  });
  // Zero trust: default deny, DNS, the flows the workload patterns need, the gateway to what it routes to.
  const segmentation = new lib.NetworkSegmentation(chart, 'segmentation');
  for (const c of clients) segmentation.allowFlowsOf(c);
  const gatewayPods = [lib.NetworkPeer.podsInNamespace(spec.GATEWAY_PODS.namespace, spec.GATEWAY_PODS.labels)];
  for (const r of canaries) segmentation.allowFromGateway(r, gatewayPods);
  if (gateway) segmentation.allowFromGateway(gateway, gatewayPods);
  lib.RestrictedPods.applyTo(chart);
  return app.synthYaml();
});
