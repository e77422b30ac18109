import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StandardLabels, StandardLabelsProps, validateStandardLabels } from './labels';
import { invalid, validatePositiveInt, validateProps } from './validation';

/**
 * Props of `DisruptionBudget`.
 */
export interface DisruptionBudgetProps {
  /**
   * The workload whose pods are protected; the budget selects exactly its pods.
   */
  readonly workload: kplus.Workload;

  /**
   * The number of replicas the workload runs.
   */
  readonly replicas: number;

  /**
   * Pods that may be unavailable at once during voluntary disruptions (drains, upgrades).
   * @default 1 (unless `minAvailable` is set)
   */
  readonly maxUnavailable?: number;

  /**
   * Pods that must stay available instead; `minAvailable` equal to `replicas` blocks node drains
   * until an operator moves a pod, so it is only for workloads that must never be evicted.
   * @default - not set: `maxUnavailable` applies
   */
  readonly minAvailable?: number;

  /**
   * Labels of the PodDisruptionBudget.
   * @default - `app.kubernetes.io/name` from the workload's path, component `disruption-budget`
   */
  readonly labels?: StandardLabelsProps;
}

/**
 * A `policy/v1` PodDisruptionBudget for a workload (cdk8s-plus-28 has none): node drains and
 * cluster upgrades evict at most `maxUnavailable` of its pods at a time (or keep `minAvailable`).
 */
export class DisruptionBudget extends Construct {
  /** The PodDisruptionBudget. */
  public readonly apiObject: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'replicas']);
    if (!(props.workload instanceof kplus.Workload)) invalid(this, 'workload', props.workload, 'must be a cdk8s-plus Deployment or StatefulSet (a replicated workload)');
    validatePositiveInt(this, 'replicas', props.replicas);
    if (props.labels !== undefined) validateStandardLabels(this, 'labels', props.labels);
    for (const f of ['maxUnavailable', 'minAvailable'] as const) {
      if (props[f] !== undefined && typeof props[f] !== 'number') invalid(this, f, props[f], 'must be a whole number');
    }
    if (props.minAvailable !== undefined && props.maxUnavailable !== undefined) {
      invalid(this, 'minAvailable', props.minAvailable, 'must not be set together with maxUnavailable: give one of them');
    }
    if (props.minAvailable !== undefined && !inRange(props.minAvailable, 1, props.replicas)) {
      invalid(this, 'minAvailable', props.minAvailable, `must be a whole number from 1 to replicas (${props.replicas})`);
    }
    const maxUnavailable = props.minAvailable === undefined ? props.maxUnavailable ?? 1 : undefined;
    if (maxUnavailable !== undefined && !inRange(maxUnavailable, 1, Math.max(1, props.replicas - 1))) {
      invalid(this, 'maxUnavailable', maxUnavailable, `must be a whole number from 1 to ${Math.max(1, props.replicas - 1)} (replicas - 1, or 1 for a single replica)`);
    }
    this.apiObject = new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: { labels: StandardLabels.of(props.labels ?? { name: Names.toLabelValue(props.workload), component: 'disruption-budget' }) },
      spec: {
        maxUnavailable: maxUnavailable === undefined ? undefined : k8s.IntOrString.fromNumber(maxUnavailable),
        minAvailable: props.minAvailable === undefined ? undefined : k8s.IntOrString.fromNumber(props.minAvailable),
        selector: { matchLabels: { ...props.workload.matchLabels } },
      },
    });
  }
}

function inRange(value: number, low: number, high: number): boolean {
  return Number.isInteger(value) && value >= low && value <= high;
}
