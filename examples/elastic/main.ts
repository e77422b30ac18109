/**
 * elastic: elastic scale and predictable demands in one namespace.
 * - web: the demo HTTP service, scaled by an autoscaling/v2 HPA (ElasticScale) on CPU at 50% of
 *   its 100m request, 1 to 4 replicas, with a PriorityClass so it schedules before batch work;
 * - worker: a queue worker scaled by KEDA (EventDrivenScale: a ScaledObject on the length of a
 *   Redis list), with the Redis beside it. KEDA (installed separately) creates that HPA itself;
 *   without KEDA the Deployment runs its default single pod;
 * - budget: a ResourceQuota sized for every pod above at its maximum (plus its rolling-update
 *   surge) and a LimitRange for containers that set nothing (PredictableDemands).
 * The chart's namespace is its name, which is the namespace the e2e applies it to: KEDA polls
 * Redis from its own namespace, so the trigger needs the Service's full DNS name.
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  DisruptionBudget, ElasticScale, EventDrivenScale, NetworkPeer, NetworkSegmentation, PodDemand, PodSpecFields, PredictableDemands,
  PriorityClass, ResourcePreset, RestrictedPods, ScaleTrigger, ScalingMetric, StandardLabels, TopologyKey,
} from '../../src';
import { redisContainer } from '../shared/demo-containers';

const WEB_SIZE = ResourcePreset.custom(100, 64); // 100m CPU requested, 64Mi memory requested and limited
const QUEUE = 'thumbnails';

/**
 * What HighlyAvailable gives a workload of two or more replicas, for an autoscaled one that may
 * run one: drains take at most one pod at a time, and the pods prefer distinct nodes and zones.
 */
function protect(scope: Construct, id: string, workload: kplus.Deployment): void {
  new DisruptionBudget(scope, id, { workload, replicas: 1, maxUnavailable: 1 });
  PodSpecFields.addTopologySpread(workload, { topologyKey: TopologyKey.HOSTNAME });
  PodSpecFields.addTopologySpread(workload, { topologyKey: TopologyKey.ZONE });
}

/** Labels a plain cdk8s-plus workload and its pods. */
function label(workload: kplus.Workload, component: string): void {
  for (const [k, v] of Object.entries(StandardLabels.of({ name: 'elastic', component }))) {
    workload.metadata.addLabel(k, v);
    workload.podMetadata.addLabel(k, v);
  }
}

/** The web service, the queue worker and the namespace budget. */
export class ElasticChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: id });

    // The web service: no replicas, the HPA owns the count.
    const web = new kplus.Deployment(this, 'web', {
      containers: [{
        name: 'web',
        image: 'ghcr.io/cdk8s-patterns/elastic-web:1.0.0',
        portNumber: 8080,
        securityContext: { user: 10001, group: 10001 },
        resources: WEB_SIZE.toContainerResources(),
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      }],
    });
    label(web, 'web');
    web.exposeViaService({ name: 'elastic-web', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    new ElasticScale(this, 'web-scale', {
      workload: web,
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [ScalingMetric.cpuUtilization(50)],
      // 30 s instead of Kubernetes' 5 minutes, so that the demo scales back down quickly.
      scaleDown: { stabilizationWindow: Duration.seconds(30) },
    });
    protect(this, 'web-budget', web);
    new PriorityClass(this, 'web-priority', { value: 1000, description: 'elastic example: the web service schedules before batch work' }).assignTo(web);

    // The queue: one Redis and its Service.
    const redis = new kplus.Deployment(this, 'redis', { replicas: 1, containers: [redisContainer(this)] });
    label(redis, 'queue');
    const redisService = redis.exposeViaService({ name: 'elastic-redis', ports: [{ port: 6379, targetPort: 6379, name: 'redis' }] });

    // The worker waits for items for as long as it runs (a long-running consumer: KEDA, not the
    // worker, decides how many run), so it neither exits when the queue is empty nor restarts.
    const worker = new kplus.Deployment(this, 'worker', {
      containers: [{
        name: 'worker',
        image: 'ghcr.io/cdk8s-patterns/thumbnailer:2.0.0',
        args: ['--start-timeout=8760h', '--idle-exit=8760h'],
        securityContext: { user: 10001, group: 10001 },
        resources: ResourcePreset.MICRO.toContainerResources(),
        envVariables: {
          QUEUE_URL: kplus.EnvValue.fromValue(`redis://${redisService.name}:6379`),
          QUEUE_NAME: kplus.EnvValue.fromValue(QUEUE),
        },
      }],
    });
    label(worker, 'worker');
    protect(this, 'worker-budget', worker);
    new EventDrivenScale(this, 'worker-scale', {
      workload: worker,
      minReplicas: 0, // KEDA stops every worker while the list is empty
      maxReplicas: 5,
      cooldownPeriod: Duration.seconds(60),
      triggers: [ScaleTrigger.redisListLength({ service: redisService, listName: QUEUE, listLength: 5 })],
    });

    // Room for every pod at its maximum, plus the pods a rolling update adds (cdk8s-plus's
    // maxSurge is 25%, rounded up).
    const withSurge = (replicas: number) => replicas + Math.ceil(replicas / 4);
    new PredictableDemands(this, 'budget', {
      demands: [
        PodDemand.ofPreset(withSurge(4), WEB_SIZE),
        PodDemand.ofPreset(withSurge(5), ResourcePreset.MICRO),
        PodDemand.ofPreset(withSurge(1), ResourcePreset.SMALL),
      ],
      objectCounts: { services: 4 },
      containerDefaults: ResourcePreset.MICRO,
      containerMax: ResourcePreset.SMALL,
    });

    // Zero trust in the namespace: every pod isolated, DNS allowed, the worker reaches the queue, and KEDA's
    // scaler (namespace keda) reads the queue's length.
    const segmentation = new NetworkSegmentation(this, 'segmentation');
    segmentation.allowToService(redisService, [NetworkPeer.workload(worker), NetworkPeer.namespaceNamed('keda')]);
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's chart to an app. */
export function buildApp(app: App): void {
  new ElasticChart(app, 'elastic');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
