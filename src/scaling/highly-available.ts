import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DisruptionBudget } from '../core/disruption-budget';
import { StandardLabelsProps, validateStandardLabels } from '../core/labels';
import { validateWorkload } from '../core/pod-attachment';
import { invalid, validateBoolean, validateProps } from '../core/validation';
import { protectReplicas } from '../core/workload-pattern';

/**
 * Props of `HighlyAvailable`.
 */
export interface HighlyAvailableProps {
  /**
   * The replicated workload (a Deployment or StatefulSet, of cdk8s-plus or of this library).
   */
  readonly workload: kplus.Workload;

  /**
   * The number of replicas the workload runs.
   * @default - read from the Deployment or StatefulSet
   */
  readonly replicas?: number;

  /**
   * Pods that voluntary disruptions (drains, upgrades) may take down at once.
   * @default 1
   */
  readonly maxUnavailable?: number;

  /**
   * Also spread over zones, not only over nodes.
   * @default true
   */
  readonly spreadOverZones?: boolean;

  /**
   * Labels of the PodDisruptionBudget (workload patterns pass their own).
   * @default - `app.kubernetes.io/name` from the workload's path, component `disruption-budget`
   */
  readonly labels?: StandardLabelsProps;

  /**
   * Refuse to schedule a pod that would break the spread, instead of preferring not to.
   * @default false - ScheduleAnyway, so a small or single-zone cluster still runs every replica
   */
  readonly hardSpread?: boolean;
}

/**
 * High availability (operations; Kubernetes Patterns, Automated Placement): a replicated
 * workload survives node drains and node or zone failures. Adds a `policy/v1`
 * PodDisruptionBudget that selects exactly the workload's pods (at most `maxUnavailable` down
 * at once, always fewer than the replicas) and `topologySpreadConstraints` over nodes and zones.
 */
export class HighlyAvailable extends Construct {
  /** The PodDisruptionBudget. */
  public readonly disruptionBudget: DisruptionBudget;

  /** The number of replicas protected. */
  public readonly replicas: number;

  constructor(scope: Construct, id: string, props: HighlyAvailableProps) {
    super(scope, id);
    validateProps(this, props, ['workload']);
    validateWorkload(this, props.workload, 'a cdk8s-plus Deployment or StatefulSet (a replicated workload)');
    validateBoolean(this, 'spreadOverZones', props.spreadOverZones);
    validateBoolean(this, 'hardSpread', props.hardSpread);
    if (props.labels !== undefined) validateStandardLabels(this, 'labels', props.labels);
    const known = props.workload instanceof kplus.Deployment || props.workload instanceof kplus.StatefulSet
      ? props.workload.replicas
      : undefined;
    const replicas = props.replicas ?? known;
    if (replicas === undefined) {
      invalid(this, 'replicas', replicas, `must be given: ${props.workload.node.path} does not set replicas (cdk8s-plus then renders its default, or an HPA decides)`);
    }
    if (known !== undefined && props.replicas !== undefined && known !== props.replicas) {
      invalid(this, 'replicas', props.replicas, `must equal the replicas of ${props.workload.node.path} (${known})`);
    }
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 2) {
      invalid(this, 'replicas', replicas, 'must be at least 2: one replica cannot be highly available (use Singleton for one)');
    }
    this.replicas = replicas;
    this.disruptionBudget = protectReplicas(this, props.workload, replicas, props);
  }
}
