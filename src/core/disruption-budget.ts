import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StandardLabels } from './labels';
import { invalid } from './validation';

/**
 * Props of `DisruptionBudget`.
 */
export interface DisruptionBudgetProps {
  /**
   * The workload whose pods are protected; the budget selects exactly its pods.
   */
  readonly workload: kplus.Workload;

  /**
   * The number of replicas the workload runs; the budget must leave room to evict one.
   */
  readonly replicas: number;

  /**
   * Pods that may be unavailable at once during voluntary disruptions (drains, upgrades).
   * @default 1
   */
  readonly maxUnavailable?: number;
}

/**
 * A `policy/v1` PodDisruptionBudget for a workload (cdk8s-plus-28 has none): node drains and
 * cluster upgrades evict at most `maxUnavailable` of its pods at a time.
 */
export class DisruptionBudget extends Construct {
  /** The PodDisruptionBudget. */
  public readonly apiObject: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    const maxUnavailable = props.maxUnavailable ?? 1;
    if (!Number.isInteger(props.replicas) || props.replicas < 2) {
      invalid(this, 'replicas', props.replicas, 'must be at least 2: a budget on a single replica blocks every node drain');
    }
    if (!Number.isInteger(maxUnavailable) || maxUnavailable < 1 || maxUnavailable >= props.replicas) {
      invalid(this, 'maxUnavailable', maxUnavailable, `must be a whole number from 1 to replicas - 1 (${props.replicas - 1})`);
    }
    this.apiObject = new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: { labels: StandardLabels.of({ name: Names.toLabelValue(props.workload), component: 'disruption-budget' }) },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(maxUnavailable),
        selector: { matchLabels: { ...props.workload.matchLabels } },
      },
    });
  }
}
