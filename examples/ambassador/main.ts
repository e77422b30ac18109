/**
 * ambassador: an application that talks to "one Redis" on localhost while a twemproxy
 * ambassador shards its keys over a 3-member Redis StatefulSet; plus an Envoy ambassador that
 * forwards a second connection to a remote service.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Ambassador, AmbassadorProxy, HighlyAvailable, ResourcePreset, RestrictedPods } from '../../src';
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
    const servers = Array.from({ length: SHARDS }, (_, i) => `${shards.name}-${i}.${headless.name}:6379`);

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

    new Ambassador(this, 'redis-ambassador', {
      workload: app,
      proxy: AmbassadorProxy.twemproxyRedis({ servers }),
      envVar: 'REDIS_URL',
      urlScheme: 'redis',
    });
    new Ambassador(this, 'payments-ambassador', {
      workload: app,
      containerName: 'payments-proxy',
      proxy: AmbassadorProxy.envoyTcp({ upstreamHost: 'payments.example.com', upstreamPort: 443, listenPort: 9443 }),
      envVar: 'PAYMENTS_ADDR',
    });

    new HighlyAvailable(this, 'redis-ha', { workload: shards });
    new HighlyAvailable(this, 'app-ha', { workload: app });
    app.exposeViaService({ name: 'app', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
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
