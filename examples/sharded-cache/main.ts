/**
 * sharded-cache: a memcached cache split over three shards (ShardedService). The shards are a
 * StatefulSet behind a headless Service; twemproxy sends every key to exactly one of them by
 * consistent hashing over their stable names, `<statefulset>-<i>.<headless service>`, which its
 * configuration lists (a content-hashed ConfigMap: a change of `shards` rolls the routers).
 * - web (two replicas) uses the shared router, a Deployment behind a ClusterIP Service, at
 *   MEMCACHED_ADDR;
 * - reports has a router of its own, a twemproxy ambassador on localhost:11211 with the same
 *   ring, so both place every key on the same shard.
 * Zero trust in the namespace (NetworkSegmentation): every pod isolated, DNS allowed, the routers
 * reach the shards (derived from the pattern's wiring, `allowFlowsOf`), web reaches the shared
 * router; nothing else.
 *
 * The next release (`buildNextApp`) runs four shards: the e2e applies it over the running
 * example and watches the routers roll and the keys spread over the four.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HighlyAvailable, NetworkPeer, NetworkSegmentation, ResourcePreset, RestrictedPods, ShardedService, ShardProtocol } from '../../src';

/** The cache-client demo app: port 8080, `/healthz`, user 10001. */
function cacheClient(name: string, env: { [name: string]: kplus.EnvValue }): kplus.ContainerProps {
  return {
    name,
    image: 'ghcr.io/cdk8s-patterns/cache-client:1.0.0',
    portNumber: 8080,
    envVariables: env,
    securityContext: { user: 10001, group: 10001 },
    resources: ResourcePreset.MICRO.toContainerResources(),
    readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
    liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
  };
}

/** A sharded memcached with a shared router and a per-pod router, segmented. */
export class ShardedCacheChart extends Chart {
  constructor(scope: Construct, id: string, shards: number) {
    super(scope, id);
    const cache = new ShardedService(this, 'cache', {
      protocol: ShardProtocol.MEMCACHED,
      shards,
      // twemproxy has no official image: this project's (test/e2e/images/recipes/twemproxy.sh).
      routerImage: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0',
      routerReplicas: 2,
      partOf: 'shop',
    });

    const web = new kplus.Deployment(this, 'web', {
      replicas: 2,
      containers: [cacheClient('web', { MEMCACHED_ADDR: kplus.EnvValue.fromValue(cache.endpoint!) })],
    });
    new HighlyAvailable(this, 'web-ha', { workload: web });

    const reports = new kplus.Deployment(this, 'reports', {
      replicas: 2,
      containers: [cacheClient('reports', {})],
    });
    cache.attachRouterTo(reports, { envVar: 'MEMCACHED_ADDR' });
    new HighlyAvailable(this, 'reports-ha', { workload: reports });

    const segmentation = new NetworkSegmentation(this, 'zero-trust', { partOf: 'shop' });
    segmentation.allowFlowsOf(cache);
    segmentation.allowToService(cache.routerService!, [NetworkPeer.workload(web)]);

    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's chart to an app. */
export function buildApp(app: App): void {
  new ShardedCacheChart(app, 'sharded-cache', 3);
}

/** The next release: four shards (the routers' configuration lists four, and they roll). */
export function buildNextApp(app: App): void {
  new ShardedCacheChart(app, 'sharded-cache', 4);
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
