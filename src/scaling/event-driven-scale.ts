import { ApiObject, Chart, Duration, Lazy, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { claimScaleTarget, missingRequests } from './scale-target';
import { ScaleTrigger } from './scale-trigger';
import { ScalingRules, scalingBehavior } from './scaling-behavior';
import { StandardLabels, StandardLabelsProps, validateStandardLabels } from '../core/labels';
import { invalid, validateList, validateNonNegativeInt, validateProps, wholeSeconds } from '../core/validation';

/**
 * What KEDA does when a trigger's source cannot be read (`spec.fallback`).
 */
export interface ScaleFallback {
  /** Failed polls in a row before the fallback applies. */
  readonly failureThreshold: number;
  /** The replicas to run meanwhile. */
  readonly replicas: number;
}

/**
 * Props of `EventDrivenScale`.
 */
export interface EventDrivenScaleProps {
  /**
   * The Deployment or StatefulSet to scale. It must not set `replicas` (KEDA's HPA owns the
   * count); EventDrivenScale makes cdk8s-plus omit `spec.replicas`.
   */
  readonly workload: kplus.Workload;

  /**
   * The event sources; KEDA computes a replica count per trigger and takes the largest.
   */
  readonly triggers: ScaleTrigger[];

  /**
   * The most replicas.
   */
  readonly maxReplicas: number;

  /**
   * The fewest replicas; 0 lets KEDA scale the workload to zero while every trigger is idle
   * (needs a trigger other than cpu and memory).
   * @default 1
   */
  readonly minReplicas?: number;

  /**
   * How often KEDA polls the triggers (it matters while the workload is at zero or idle).
   * @default - KEDA's default, 30 seconds
   */
  readonly pollingInterval?: Duration;

  /**
   * How long after the last active trigger KEDA waits before scaling to zero (only with
   * `minReplicas: 0`).
   * @default - KEDA's default, 300 seconds
   */
  readonly cooldownPeriod?: Duration;

  /**
   * Replicas to run while every trigger is idle, below `minReplicas` (KEDA supports only 0).
   * @default - none: idle means `minReplicas`
   */
  readonly idleReplicaCount?: number;

  /**
   * What to run when a trigger's source cannot be read (needs a trigger other than cpu and memory).
   * @default - none: KEDA keeps the current replicas
   */
  readonly fallback?: ScaleFallback;

  /**
   * How fast KEDA's HPA adds pods.
   * @default - Kubernetes' default: no stabilization, 4 pods or 100% per 15 s (the larger)
   */
  readonly scaleUp?: ScalingRules;

  /**
   * How fast KEDA's HPA removes pods.
   * @default - Kubernetes' default: a 300 s stabilization window, up to 100% per 15 s
   */
  readonly scaleDown?: ScalingRules;

  /**
   * Labels of the ScaledObject.
   * @default - `app.kubernetes.io/name` from the workload's path, component `autoscaler`
   */
  readonly labels?: StandardLabelsProps;
}

/**
 * Event-driven elastic scale (Kubernetes Patterns, "Elastic Scale", with KEDA): a KEDA
 * `ScaledObject` (`keda.sh/v1alpha1`) that scales a Deployment or StatefulSet on event sources
 * such as the length of a Redis list, down to zero when allowed. KEDA (installed separately)
 * creates and owns the HorizontalPodAutoscaler, so the workload gets no other autoscaler
 * (an `ElasticScale` on it fails naming both) and its `spec.replicas` is left out.
 */
export class EventDrivenScale extends Construct {
  /** The ScaledObject. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: EventDrivenScaleProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'triggers', 'maxReplicas']);
    const minReplicas = props.minReplicas ?? 1;
    if (typeof props.maxReplicas !== 'number' || !Number.isInteger(props.maxReplicas) || props.maxReplicas < 1) {
      invalid(this, 'maxReplicas', props.maxReplicas, 'must be a whole number of at least 1');
    }
    if (typeof minReplicas !== 'number' || !Number.isInteger(minReplicas) || minReplicas < 0 || minReplicas > props.maxReplicas) {
      invalid(this, 'minReplicas', minReplicas, `must be a whole number from 0 to maxReplicas (${props.maxReplicas})`);
    }
    const triggers = validateList(this, 'triggers', props.triggers);
    if (triggers.length === 0) invalid(this, 'triggers', [], 'must list at least one ScaleTrigger');
    const names = new Set<string>();
    triggers.forEach((t, i) => {
      if (!(t instanceof ScaleTrigger)) invalid(this, `triggers[${i}]`, t, 'must be a ScaleTrigger, e.g. ScaleTrigger.redisListLength({ ... })');
      if (t._name !== undefined && names.has(t._name)) invalid(this, `triggers[${i}].name`, t._name, 'must be unique among the triggers (KEDA refuses two of the same name)');
      if (t._name !== undefined) names.add(t._name);
    });
    const onlyResources = triggers.every(t => t.scalerType === 'cpu' || t.scalerType === 'memory');
    if (onlyResources && minReplicas === 0) {
      invalid(this, 'minReplicas', 0, 'must be at least 1 when every trigger is cpu or memory: they cannot wake a workload from zero (KEDA refuses it)');
    }
    if (props.idleReplicaCount !== undefined) {
      validateNonNegativeInt(this, 'idleReplicaCount', props.idleReplicaCount);
      if (props.idleReplicaCount >= minReplicas) invalid(this, 'idleReplicaCount', props.idleReplicaCount, `must be less than minReplicas (${minReplicas})`);
    }
    if (props.cooldownPeriod !== undefined && minReplicas > 0 && props.idleReplicaCount === undefined) {
      invalid(this, 'cooldownPeriod', props.cooldownPeriod, 'only applies with minReplicas 0 or an idleReplicaCount: KEDA ignores it otherwise');
    }
    let fallback: ScaleFallback | undefined;
    if (props.fallback !== undefined) {
      if (props.fallback === null || typeof props.fallback !== 'object') invalid(this, 'fallback', props.fallback, 'must be an object with failureThreshold and replicas');
      validateNonNegativeInt(this, 'fallback.failureThreshold', props.fallback.failureThreshold);
      validateNonNegativeInt(this, 'fallback.replicas', props.fallback.replicas);
      if (onlyResources) invalid(this, 'fallback', props.fallback, 'needs a trigger other than cpu and memory (KEDA refuses it otherwise)');
      fallback = { failureThreshold: props.fallback.failureThreshold, replicas: props.fallback.replicas };
    }
    if (props.labels !== undefined) validateStandardLabels(this, 'labels', props.labels);
    const behavior = scalingBehavior(this, props.scaleUp, props.scaleDown);
    const target = claimScaleTarget(this, props.workload, 'a KEDA ScaledObject');

    const namespace = Chart.of(this).namespace;
    const rendered = triggers.map((t, i) => ({
      type: t.scalerType,
      name: t._name,
      metricType: t._metricType,
      useCachedMetrics: t._useCachedMetrics,
      metadata: { ...this.redisAddress(t, i, namespace), ...t._metadata },
      authenticationRef: t._auth,
    }));
    let spec: any;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { labels: StandardLabels.of(props.labels ?? { name: Names.toLabelValue(props.workload), component: 'autoscaler' }) },
      spec: Lazy.any({ produce: () => spec }),
    });
    // KEDA names its HPA keda-hpa-<name>, which must be a label value (63 characters).
    const hpaName = `keda-hpa-${this.apiObject.name}`.length > 63 ? this.apiObject.name : undefined;
    const advanced = behavior || hpaName ? { horizontalPodAutoscalerConfig: { name: hpaName, behavior } } : undefined;
    spec = {
      scaleTargetRef: target,
      minReplicaCount: minReplicas,
      maxReplicaCount: props.maxReplicas,
      pollingInterval: props.pollingInterval === undefined ? undefined : wholeSeconds(this, 'pollingInterval', props.pollingInterval, 1),
      cooldownPeriod: props.cooldownPeriod === undefined ? undefined : wholeSeconds(this, 'cooldownPeriod', props.cooldownPeriod, 0),
      idleReplicaCount: props.idleReplicaCount,
      fallback,
      advanced,
      triggers: rendered,
    };

    // KEDA's admission webhook refuses cpu and memory triggers on containers without requests.
    const demands = triggers.flatMap((t, i) => (t._resource ? [{
      resource: t._resource.resource,
      container: t._resource.container,
      field: `triggers[${i}]`,
      description: `${t.scalerType} ${t._metadata.value ?? ''}`.trim(),
      why: 'KEDA refuses a cpu or memory trigger on a container that requests none',
    }] : []));
    this.node.addValidation({ validate: () => missingRequests(this, props.workload, demands) });
  }

  /** The Redis address of a redis trigger given a Service: its full DNS name in the chart's namespace. */
  private redisAddress(t: ScaleTrigger, i: number, namespace: string | undefined): { [key: string]: string } {
    const redis = t._redis;
    if (redis === undefined) return {};
    if (redis.address !== undefined) return { address: redis.address };
    if (!namespace) {
      invalid(this, `triggers[${i}].service`, redis.service!.name,
        'needs the chart\'s namespace (ChartProps.namespace): KEDA resolves the address from its own namespace, so it must be the Service\'s full DNS name; or give address');
    }
    return { address: `${redis.service!.name}.${namespace}.svc.cluster.local:${redis.service!.port}` };
  }
}
