import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { claimScaleTarget, missingRequests } from './scale-target';
import { ScalingRules, scalingBehavior } from './scaling-behavior';
import { ScalingMetric } from './scaling-metric';
import { StandardLabels, StandardLabelsProps, validateStandardLabels } from '../core/labels';
import { invalid, validateList, validateProps } from '../core/validation';

/**
 * Props of `ElasticScale`.
 */
export interface ElasticScaleProps {
  /**
   * The Deployment or StatefulSet to scale (of cdk8s-plus or of this library). It must not set
   * `replicas`: the autoscaler owns the count, and ElasticScale makes cdk8s-plus omit
   * `spec.replicas` so that an apply does not reset it.
   */
  readonly workload: kplus.Workload;

  /**
   * The most replicas the autoscaler runs.
   */
  readonly maxReplicas: number;

  /**
   * The fewest replicas the autoscaler runs (at least 1; at most `maxReplicas`).
   * @default 1
   */
  readonly minReplicas?: number;

  /**
   * What to scale on; the autoscaler computes a replica count per metric and takes the largest.
   * A utilization metric needs a request for its resource on every container it measures
   * (checked against the rendered pod, containers of other pod patterns included).
   * @default - [ScalingMetric.cpuUtilization(80)], what Kubernetes assumes for an HPA without metrics
   */
  readonly metrics?: ScalingMetric[];

  /**
   * How fast to add pods.
   * @default - Kubernetes' default: no stabilization, 4 pods or 100% per 15 s (the larger)
   */
  readonly scaleUp?: ScalingRules;

  /**
   * How fast to remove pods.
   * @default - Kubernetes' default: a 300 s stabilization window, up to 100% per 15 s
   */
  readonly scaleDown?: ScalingRules;

  /**
   * Labels of the HorizontalPodAutoscaler.
   * @default - `app.kubernetes.io/name` from the workload's path, component `autoscaler`
   */
  readonly labels?: StandardLabelsProps;
}

/**
 * Elastic scale (Kubernetes Patterns, "Elastic Scale"): an `autoscaling/v2`
 * HorizontalPodAutoscaler that keeps a Deployment or StatefulSet between `minReplicas` and
 * `maxReplicas` replicas, following CPU, memory, custom or external metrics, with optional
 * scale-up and scale-down behavior. The workload's `spec.replicas` is left out of its manifest
 * (the autoscaler owns it); a utilization target on a pod with a container that requests none of
 * that resource fails at synth; a workload has one autoscaler (a second ElasticScale, an
 * `EventDrivenScale` or a `kplus.HorizontalPodAutoscaler` on it fails naming both).
 */
export class ElasticScale extends Construct {
  /** The HorizontalPodAutoscaler. */
  public readonly apiObject: k8s.KubeHorizontalPodAutoscalerV2;

  /** The fewest replicas. */
  public readonly minReplicas: number;

  /** The most replicas. */
  public readonly maxReplicas: number;

  constructor(scope: Construct, id: string, props: ElasticScaleProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'maxReplicas']);
    const minReplicas = props.minReplicas ?? 1;
    if (typeof props.maxReplicas !== 'number' || !Number.isInteger(props.maxReplicas) || props.maxReplicas < 1) {
      invalid(this, 'maxReplicas', props.maxReplicas, 'must be a whole number of at least 1');
    }
    if (typeof minReplicas !== 'number' || !Number.isInteger(minReplicas) || minReplicas < 1 || minReplicas > props.maxReplicas) {
      invalid(this, 'minReplicas', minReplicas, `must be a whole number from 1 to maxReplicas (${props.maxReplicas})`);
    }
    const metrics = props.metrics === undefined ? [ScalingMetric.cpuUtilization(80)] : validateList(this, 'metrics', props.metrics);
    if (metrics.length === 0) invalid(this, 'metrics', [], 'must list at least one ScalingMetric, or be left unset for CPU at 80% of the requests');
    metrics.forEach((m, i) => {
      if (!(m instanceof ScalingMetric)) invalid(this, `metrics[${i}]`, m, 'must be a ScalingMetric, e.g. ScalingMetric.cpuUtilization(70)');
    });
    if (props.labels !== undefined) validateStandardLabels(this, 'labels', props.labels);
    const behavior = scalingBehavior(this, props.scaleUp, props.scaleDown);
    const target = claimScaleTarget(this, props.workload, 'a HorizontalPodAutoscaler');
    this.minReplicas = minReplicas;
    this.maxReplicas = props.maxReplicas;

    this.apiObject = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { labels: StandardLabels.of(props.labels ?? { name: Names.toLabelValue(props.workload), component: 'autoscaler' }) },
      spec: {
        scaleTargetRef: target,
        minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: metrics.map(m => m._spec),
        behavior,
      },
    });

    // Requests resolve when the pod renders (pod patterns add containers until then).
    const demands = metrics.flatMap((m, i) => (m._resource?.needsRequests ? [{
      resource: m._resource.resource,
      container: m._resource.container,
      field: `metrics[${i}]`,
      description: m.description,
      why: 'utilization is a percentage of the requests of the containers it measures',
    }] : []));
    this.node.addValidation({ validate: () => missingRequests(this, props.workload, demands) });
  }
}
