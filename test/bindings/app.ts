/**
 * The bindings test's app (`npm run test:bindings`, scripts/test-bindings.sh), written the same way
 * in app.py beside it: the README quickstart's shop (Ambassador, Adapter, HighlyAvailable,
 * NetworkSegmentation, RestrictedPods) and a jobs chart with a WorkQueue and a LeaderElected
 * controller. Both write their charts into the directory given as the first argument; the test
 * compares the two outputs byte for byte.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Adapter, Ambassador, AmbassadorProxy, HighlyAvailable, LeaderElected, NetworkPeer, NetworkSegmentation,
  ResourcePreset, RestrictedPods, WorkQueue,
} from '../../src';

const app = new App({ outdir: process.argv[2] ?? 'dist' });

// The README quickstart: a web shop that reaches its Redis through an ambassador and exports
// nginx metrics through an adapter.
const chart = new Chart(app, 'shop');
const redis = new kplus.Deployment(chart, 'redis', {
  replicas: 1,
  containers: [{
    name: 'redis',
    image: 'redis:7.4.1-alpine',
    args: ['--save', '', '--appendonly', 'no'],
    portNumber: 6379,
    securityContext: { user: 10999, group: 10999 },
    resources: ResourcePreset.SMALL.toContainerResources(),
    readiness: kplus.Probe.fromCommand(['redis-cli', 'ping']),
    liveness: kplus.Probe.fromTcpSocket({ port: 6379 }),
    volumeMounts: [{ path: '/data', volume: kplus.Volume.fromEmptyDir(chart, 'redis-data', 'data') }],
  }],
});
const cache = redis.exposeViaService({ name: 'cache', ports: [{ port: 6379, targetPort: 6379, name: 'redis' }] });
const conf = new kplus.ConfigMap(chart, 'nginx-conf', {
  data: {
    'default.conf': [
      'server {',
      '  listen 8080;',
      '  location / { root /usr/share/nginx/html; }',
      '  location = /stub_status { stub_status; allow 127.0.0.1; deny all; }',
      '}',
    ].join('\n'),
  },
});
const shop = new kplus.Deployment(chart, 'shop', {
  replicas: 2,
  containers: [{
    name: 'shop',
    image: 'nginxinc/nginx-unprivileged:1.27.2-alpine',
    portNumber: 8080,
    securityContext: { user: 10101, group: 10101 },
    resources: ResourcePreset.SMALL.toContainerResources(),
    readiness: kplus.Probe.fromHttpGet('/', { port: 8080 }),
    liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
    volumeMounts: [
      { path: '/tmp', volume: kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp') },
      { path: '/etc/nginx/conf.d', volume: kplus.Volume.fromConfigMap(chart, 'conf', conf), readOnly: true },
    ],
  }],
});
const service = shop.exposeViaService({ ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
const ambassador = new Ambassador(chart, 'cache-ambassador', {
  workload: shop,
  proxy: AmbassadorProxy.twemproxyRedis({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', servers: [`${cache.name}:6379`] }),
  envVar: 'REDIS_URL',
  urlScheme: 'redis',
});
const adapter = new Adapter(chart, 'metrics', {
  workload: shop,
  container: { image: 'nginx/nginx-prometheus-exporter:1.3.0', args: ['--nginx.scrape-uri=http://localhost:8080/stub_status'] },
  metricsPort: 9113,
  service,
});
new HighlyAvailable(chart, 'shop-ha', { workload: shop });
const segmentation = new NetworkSegmentation(chart, 'segmentation', { metricsScrapers: [NetworkPeer.namespaceNamed('monitoring')] });
segmentation.allowFlowsOf(ambassador);
segmentation.allowFlowsOf(adapter);
RestrictedPods.applyTo(chart);

// Jobs: thumbnails from a Redis work queue filled by a producer, and a controller of which one
// replica leads through a Lease.
const jobs = new Chart(app, 'jobs');
const thumbnails = new WorkQueue(jobs, 'thumbnails', {
  worker: { image: 'ghcr.io/cdk8s-patterns/thumbnailer:2.0.0', args: ['--drain'] },
  producer: { image: 'ghcr.io/cdk8s-patterns/thumbnail-producer:2.0.0', args: ['--bucket=uploads'] },
  parallelism: 4,
  queueName: 'thumbnails',
});
const reconciler = new LeaderElected(jobs, 'reconciler', {
  leaseName: 'reconciler-leader',
  containers: [{
    name: 'reconciler',
    image: 'ghcr.io/cdk8s-patterns/reconciler:0.9.2',
    args: ['--leader-elect', '--leader-elect-lease=$(LEASE_NAME)'],
    portNumber: 8081,
    readiness: kplus.Probe.fromHttpGet('/readyz', { port: 8081 }),
  }],
});
const jobsSegmentation = new NetworkSegmentation(jobs, 'segmentation');
jobsSegmentation.allowFlowsOf(thumbnails);
jobsSegmentation.allowFlowsOf(reconciler);

app.synth();
