/**
 * flask-redis: the classic microservice demo. A Flask web app counts visits in Redis; it runs
 * 4 replicas with a ramped rolling update and is exposed as ClusterIP, NodePort and LoadBalancer
 * Services and through an Ingress with host and path rules. The web image is built from ./app.
 */
import { App, Chart, ChartProps, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HighlyAvailable, NetworkPeer, NetworkSegmentation, ResourcePreset, RestrictedPods, StandardLabels } from '../../src';
import { redisContainer } from '../shared/demo-containers';

const WEB_REPLICAS = 4;

/** The Redis store and the Flask web tier. */
export class FlaskRedisChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // Redis: one replica, data on an emptyDir (a cache-like demo store), the official image's UID 999.
    const redis = new kplus.Deployment(this, 'redis', {
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: [redisContainer(this)],
    });
    labelApp(redis, 'redis', 'database');
    const redisService = redis.exposeViaService({ name: 'redis', ports: [{ port: 6379, targetPort: 6379, name: 'redis' }] });

    // Web: 4 replicas, a ramped rollout that never drops below 4 ready pods.
    const web = new kplus.Deployment(this, 'web', {
      replicas: WEB_REPLICAS,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      containers: [{
        name: 'web',
        image: 'ghcr.io/cdk8s-patterns/flask-visits:1.0.0',
        portNumber: 5000,
        envVariables: {
          REDIS_HOST: kplus.EnvValue.fromValue(redisService.name),
          REDIS_PORT: kplus.EnvValue.fromValue('6379'),
        },
        securityContext: { user: 10001, group: 10001 },
        resources: ResourcePreset.SMALL.toContainerResources(),
        readiness: kplus.Probe.fromHttpGet('/healthz', { port: 5000 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 5000 }),
        volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'web-tmp', 'tmp', { sizeLimit: Size.mebibytes(64) }) }],
      }],
    });
    labelApp(web, 'web', 'frontend');
    new HighlyAvailable(this, 'web-ha', { workload: web });

    const http = [{ port: 80, targetPort: 5000, name: 'http' }];
    const clusterIp = web.exposeViaService({ name: 'web', ports: http });
    web.exposeViaService({ name: 'web-nodeport', serviceType: kplus.ServiceType.NODE_PORT, ports: [{ ...http[0], nodePort: 30080 }] });
    web.exposeViaService({ name: 'web-lb', serviceType: kplus.ServiceType.LOAD_BALANCER, ports: http });

    // TLS with a certificate Secret that cert-manager (or the operator) provides.
    const ingress = new kplus.Ingress(this, 'ingress', {
      className: 'nginx',
      tls: [{ hosts: ['visits.example.com', 'www.example.com'], secret: kplus.Secret.fromSecretName(this, 'tls', 'flask-redis-tls') }],
    });
    const backend = kplus.IngressBackend.fromService(clusterIp, { port: 80 });
    ingress.addHostRule('visits.example.com', '/', backend, kplus.HttpIngressPathType.PREFIX);
    ingress.addHostRule('www.example.com', '/visits', backend, kplus.HttpIngressPathType.PREFIX);

    // The containers above are the user's own: make every pod Pod Security "restricted".
    // Zero trust in the namespace: every pod isolated, DNS allowed, the web tier reaches Redis.
    new NetworkSegmentation(this, 'segmentation').allowToService(redisService, [NetworkPeer.workload(web)]);
    RestrictedPods.applyTo(this);
  }
}

/** The recommended labels on a workload and its pods (selectors keep cdk8s-plus's own label). */
function labelApp(workload: kplus.Deployment, name: string, component: string): void {
  for (const [k, v] of Object.entries(StandardLabels.of({ name, component, partOf: 'flask-redis' }))) {
    workload.metadata.addLabel(k, v);
    workload.podMetadata.addLabel(k, v);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new FlaskRedisChart(app, 'flask-redis');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
