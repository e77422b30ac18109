/**
 * scalewhale: the platform-talk journey in four charts, each deployable on its own.
 * 1. rollout:  the whale service rolled out (1 replica, readiness-gated rolling update);
 * 2. replicas: scaled out by hand to 4 replicas, with a PDB and spread over nodes and zones;
 * 3. hpa:      scaled by a HorizontalPodAutoscaler on CPU (ElasticScale: 2 to 10 replicas, 70% of requests);
 * 4. queue:    reworked as a WorkQueue whose workers drain a Redis queue of whale pictures.
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ElasticScale, HighlyAvailable, NetworkSegmentation, ResourcePreset, RestrictedPods, ScalingMetric, StandardLabels, WorkQueue,
} from '../../src';

const IMAGE = 'ghcr.io/cdk8s-patterns/scalewhale:1.2.0';

/** The whale web service, as in steps 1 to 3. */
function whale(scope: Construct, replicas?: number): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, 'whale', {
    replicas,
    strategy: kplus.DeploymentStrategy.rollingUpdate({
      maxSurge: kplus.PercentOrAbsolute.absolute(1),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
    }),
    containers: [{
      name: 'whale',
      image: IMAGE,
      portNumber: 8080,
      securityContext: { user: 10001, group: 10001 },
      resources: ResourcePreset.SMALL.toContainerResources(),
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
    }],
  });
  for (const [k, v] of Object.entries(StandardLabels.of({ name: 'scalewhale', component: 'web' }))) {
    deployment.metadata.addLabel(k, v);
    deployment.podMetadata.addLabel(k, v);
  }
  deployment.exposeViaService({ name: 'whale', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
  // Zero trust in the namespace: every pod isolated, DNS allowed, nothing else.
  new NetworkSegmentation(scope, 'segmentation');
  RestrictedPods.applyTo(scope);
  return deployment;
}

/** Step 1: rolled out. */
export class RolloutChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    whale(this, 1);
  }
}

/** Step 2: scaled out by replicas. */
export class ReplicasChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const deployment = whale(this, 4);
    new HighlyAvailable(this, 'whale-ha', { workload: deployment });
  }
}

/** Step 3: scaled by an HPA on CPU; the Deployment leaves replicas to the HPA. */
export class HpaChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const deployment = whale(this);
    // The HPA owns the replica count; protect its minimum.
    new HighlyAvailable(this, 'whale-ha', { workload: deployment, replicas: 2 });
    new ElasticScale(this, 'whale-hpa', {
      workload: deployment,
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [ScalingMetric.cpuUtilization(70)],
      scaleDown: { stabilizationWindow: Duration.minutes(5) },
    });
  }
}

/** Step 4: reworked as a work queue. */
export class QueueChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const pictures = new WorkQueue(this, 'whale-pictures', {
      appName: 'scalewhale',
      worker: { image: 'ghcr.io/cdk8s-patterns/scalewhale-worker:1.2.0' },
      producer: { image: 'ghcr.io/cdk8s-patterns/scalewhale-producer:1.2.0', args: ['--pictures=500'] },
      parallelism: 6,
    });
    // Zero trust in the namespace: every pod isolated, DNS allowed, the producer and workers reach the queue.
    new NetworkSegmentation(this, 'segmentation').allowFlowsOf(pictures);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new RolloutChart(app, 'scalewhale-1-rollout');
  new ReplicasChart(app, 'scalewhale-2-replicas');
  new HpaChart(app, 'scalewhale-3-hpa');
  new QueueChart(app, 'scalewhale-4-queue');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
