/**
 * dapr-lock: three replicas of a report worker compete for one lock through Dapr's distributed
 * lock API instead of a Lease. Each pod runs daprd 1.18.3 as a native sidecar in standalone mode
 * (no Dapr control plane): its resources directory is a ConfigMap with a `lock.redis` Component,
 * the Redis password comes from a Secret. The worker calls the lock API on localhost; exactly
 * one replica holds the lock at a time, and when it stops another takes over. The pods get no
 * ServiceAccount token: nothing here calls the Kubernetes API.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DistributedLock, LeaderElected, NetworkSegmentation, ResourcePreset, RestrictedPods, StandardLabels } from '../../src';
import { redisContainer } from '../shared/demo-containers';

/** Replicas of a worker that hold one Dapr lock, one at a time, and the Redis that keeps it. */
export class DaprLockChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A demo credential; in a real app the Secret comes from a secret manager, not the chart.
    const auth = new kplus.Secret(this, 'redis-auth', { stringData: { 'redis-password': 'change-me' } });
    const password = kplus.EnvValue.fromSecretValue({ secret: auth, key: 'redis-password' });

    // The lock store: one Redis node (Dapr's Redis lock refuses Redis Cluster, and replicas
    // without Sentinel), password required; redis-cli (the readiness probe) reads REDISCLI_AUTH.
    const redisProps = redisContainer(this);
    const redis = new kplus.Deployment(this, 'redis', {
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: [{
        ...redisProps,
        args: [...redisProps.args!, '--requirepass', '$(REDIS_PASSWORD)'],
        envVariables: { REDIS_PASSWORD: password, REDISCLI_AUTH: password },
      }],
    });
    for (const [k, v] of Object.entries(StandardLabels.of({ name: 'redis', component: 'lock-store', partOf: 'dapr-lock' }))) {
      redis.metadata.addLabel(k, v);
      redis.podMetadata.addLabel(k, v);
    }
    const redisService = redis.exposeViaService({ name: 'redis', ports: [{ port: 6379, targetPort: 6379, name: 'redis' }] });

    // The workers: the lock (resource id "nightly-report", the leaseName) replaces the Lease.
    const workers = new LeaderElected(this, 'report-worker', {
      leaseName: 'nightly-report',
      replicas: 3,
      partOf: 'dapr-lock',
      resources: ResourcePreset.SMALL,
      containers: [{
        name: 'worker',
        image: 'ghcr.io/cdk8s-patterns/lock-worker:1.0.0',
        args: ['--expiry=10', '--margin=3s', '--interval=1s'],
        portNumber: 8080,
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      }],
      distributedLock: DistributedLock.daprRedis({ redisHost: `${redisService.name}:6379`, redisPasswordSecret: auth }),
      // Native: daprd is ready before the worker starts and still running when the worker
      // releases the lock on SIGTERM. One app id for every replica: they contend for one key.
      lockSidecar: { nativeSidecar: true, appId: 'report-worker' },
    });

    // Zero trust in the namespace: every pod isolated, DNS allowed, the workers' sidecars reach
    // Redis (the flow LeaderElected knows from its lock) and nothing else.
    new NetworkSegmentation(this, 'segmentation').allowFlowsOf(workers);
    // Redis is the user's own container: make every pod Pod Security "restricted".
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new DaprLockChart(app, 'dapr-lock');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
