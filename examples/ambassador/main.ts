/**
 * ambassador: an application that talks to "one Redis" on localhost while a twemproxy
 * ambassador shards its keys over a 3-member Redis StatefulSet. (An Envoy TCP ambassador,
 * `AmbassadorProxy.envoyTcp`, attaches the same way; it is not in this example because Envoy
 * cannot be built on the e2e machine, and every example here runs on a real node.)
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Ambassador, AmbassadorProxy, HighlyAvailable, NetworkSegmentation, ResourcePreset, RestrictedPods, ShardProtocol } from '../../src';
import { redisContainer } from '../shared/demo-containers';

const SHARDS = 3;

/** Sharded Redis behind a twemproxy ambassador. */
export class AmbassadorChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const headless = new kplus.Service(this, 'redis-headless', {
      metadata: { name: 'redis-shards' },
      clusterIP: 'None',
      ports: [{ port: 6379, targetPort: 6379, name: 'redis' }],
    });
    const shards = new kplus.StatefulSet(this, 'redis', {
      replicas: SHARDS,
      service: headless,
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      containers: [redisContainer(this)],
    });
    // twemproxy resolves its servers once, at start: give each shard a ClusterIP Service of its
    // own (selecting the pod by its StatefulSet pod-name label), a name that resolves before the
    // shard is up and keeps pointing at it when the pod is replaced with a new IP.
    const servers = Array.from({ length: SHARDS }, (_, i) => {
      const shard = new kplus.Service(this, `redis-shard-${i}`, {
        metadata: { name: `redis-shard-${i}` },
        selector: kplus.Pods.select(this, `redis-shard-${i}-pods`, { labels: { 'statefulset.kubernetes.io/pod-name': `${shards.name}-${i}` } }),
        ports: [{ port: 6379, targetPort: 6379, name: 'redis' }],
      });
      return { host: shard.name, port: 6379 };
    });

    const app = new kplus.Deployment(this, 'app', {
      replicas: 2,
      containers: [{
        name: 'app',
        image: 'ghcr.io/cdk8s-patterns/visit-counter:1.0.0',
        portNumber: 8080,
        securityContext: { user: 10001, group: 10001 },
        resources: ResourcePreset.SMALL.toContainerResources(),
        readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
      }],
    });

    const ambassador = new Ambassador(this, 'redis-ambassador', {
      workload: app,
      proxy: AmbassadorProxy.twemproxy({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', protocol: ShardProtocol.REDIS, servers }),
      envVar: 'REDIS_URL',
      urlScheme: 'redis',
    });

    new HighlyAvailable(this, 'redis-ha', { workload: shards });
    new HighlyAvailable(this, 'app-ha', { workload: app });
    app.exposeViaService({ name: 'app', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    // Zero trust in the namespace: every pod isolated, DNS allowed, and the app's pods reach the shards its
    // ambassador proxies to (each shard's Service, derived from the proxy's servers).
    new NetworkSegmentation(this, 'segmentation').allowFlowsOf(ambassador);
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new AmbassadorChart(app, 'ambassador');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
