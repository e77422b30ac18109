/**
 * composed: Sidecar, Ambassador and Adapter on one workload. A shop front end reaches its cache
 * through a twemproxy ambassador on localhost, a log-streaming sidecar follows its access log, and
 * an nginx exporter adapter turns its status page into Prometheus metrics on the Service.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Adapter, Ambassador, AmbassadorProxy, GracefulShutdown, HealthProbe, HighlyAvailable, NetworkPeer, NetworkSegmentation, RestrictedPods,
  ShardProtocol, Sidecar,
} from '../../src';
import { nginxContainer, redisContainer } from '../shared/demo-containers';

const REPLICAS = 2;

/** One workload, three pod patterns. */
export class ComposedChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const cache = new kplus.Deployment(this, 'cache', {
      replicas: 1,
      containers: [redisContainer(this, { dataVolumeId: 'cache-data', dataMebibytes: 128 })],
    });
    const cacheService = cache.exposeViaService({ name: 'cache', ports: [{ port: 6379, targetPort: 6379, name: 'redis' }] });

    const shop = new kplus.Deployment(this, 'shop', {
      replicas: REPLICAS,
      containers: [nginxContainer(this, { name: 'shop', tmpVolume: 'shop-tmp', stubStatus: true })],
    });
    const service = shop.exposeViaService({ name: 'shop', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });

    const ambassador = new Ambassador(this, 'cache-ambassador', {
      workload: shop,
      proxy: AmbassadorProxy.twemproxy({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', protocol: ShardProtocol.REDIS, servers: [{ host: cacheService.name, port: 6379 }] }),
      envVar: 'REDIS_URL',
      urlScheme: 'redis',
    });
    new Sidecar(this, 'log-streamer', {
      workload: shop,
      container: { name: 'access-log', image: 'busybox:1.36.1', command: ['tail', '-n+1', '-F', '/var/log/nginx/access.log'] },
      sharedVolume: { sidecarMountPath: '/var/log/nginx', sidecarReadOnly: true, sizeLimit: Size.mebibytes(64) },
      // Ready once nginx's access log is there to follow, alive while it follows it.
      probes: {
        readiness: HealthProbe.exec(['test', '-r', '/var/log/nginx/access.log']),
        liveness: HealthProbe.exec(['pidof', 'tail']),
      },
    });
    const adapter = new Adapter(this, 'metrics', {
      workload: shop,
      container: { name: 'nginx-exporter', image: 'nginx/nginx-prometheus-exporter:1.3.0', args: ['--nginx.scrape-uri=http://localhost:8080/stub_status'] },
      metricsPort: 9113,
      service,
    });

    new GracefulShutdown(this, 'shutdown', { workload: shop, terminationGracePeriod: Duration.seconds(30), containers: ['shop'] });
    new HighlyAvailable(this, 'shop-ha', { workload: shop });
    // Zero trust in the namespace: every pod isolated, DNS allowed, the shop reaches the cache through its
    // ambassador, and Prometheus (namespace monitoring) scrapes the adapter's port.
    const segmentation = new NetworkSegmentation(this, 'segmentation', { metricsScrapers: [NetworkPeer.namespaceNamed('monitoring')] });
    segmentation.allowFlowsOf(ambassador);
    segmentation.allowFlowsOf(adapter);
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new ComposedChart(app, 'composed');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
