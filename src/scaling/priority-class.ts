import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StandardLabels, StandardLabelsProps, validateStandardLabels } from '../core/labels';
import { PodMutations } from '../core/pod-mutations';
import { invalid, invalidInput, isDnsSubdomain, validateBoolean, validateProps } from '../core/validation';

/**
 * Whether pods of a priority class may evict lower-priority pods to be scheduled.
 */
export enum PreemptionPolicy {
  /** Evict lower-priority pods when no node has room (Kubernetes' default). */
  PREEMPT_LOWER_PRIORITY = 'PreemptLowerPriority',
  /** Wait for room: go ahead of lower-priority pods in the scheduling queue, but evict none. */
  NEVER = 'Never',
}

/**
 * Props of `PriorityClass`.
 */
export interface PriorityClassProps {
  /**
   * The priority: higher values schedule first and may preempt lower ones. User classes take
   * -2147483648 to 1000000000 (larger values are reserved for the system classes).
   */
  readonly value: number;

  /**
   * What the class is for, shown by `kubectl get priorityclass`.
   * @default - none
   */
  readonly description?: string;

  /**
   * Whether lower-priority pods may be evicted to schedule pods of this class.
   * @default PreemptionPolicy.PREEMPT_LOWER_PRIORITY
   */
  readonly preemptionPolicy?: PreemptionPolicy;

  /**
   * Make this the class of every pod without `priorityClassName` (one per cluster).
   * @default false
   */
  readonly globalDefault?: boolean;

  /**
   * The class's name (cluster-wide).
   * @default - generated from the construct path
   */
  readonly name?: string;

  /**
   * Labels of the PriorityClass.
   * @default - `app.kubernetes.io/name` from the construct's path, component `priority-class`
   */
  readonly labels?: StandardLabelsProps;
}

/**
 * A `scheduling.k8s.io/v1` PriorityClass (Kubernetes Patterns, "Predictable Demands": pod
 * priority), and the way to give a workload's pods its `priorityClassName`. A PriorityClass is
 * cluster-scoped: it is shared by every namespace, so give it to the workloads that must run
 * before others when the cluster is full.
 */
export class PriorityClass extends Construct {
  /**
   * Gives a workload's pods a PriorityClass that exists in the cluster already (one you did not
   * create here, e.g. a platform team's), by name. Composes with the pod patterns through the
   * workload's pod mutations: a different `priorityClassName` from elsewhere fails naming both.
   */
  public static assignExisting(workload: kplus.AbstractPod, priorityClassName: string): void {
    if (!(workload instanceof kplus.AbstractPod)) invalidInput('PriorityClass.assignExisting', 'workload', (workload as any)?.node?.path ?? workload, 'must be a cdk8s-plus workload');
    const where = 'PriorityClass.assignExisting';
    if (!isDnsSubdomain(priorityClassName)) invalidInput(where, 'priorityClassName', priorityClassName, 'must be the name of a PriorityClass: a DNS-1123 subdomain');
    PodMutations.of(workload).setPodField(where, 'priorityClassName', priorityClassName);
  }

  /** The PriorityClass. */
  public readonly apiObject: k8s.KubePriorityClass;

  /** The class's name, for `priorityClassName`. */
  public readonly name: string;

  /** The priority. */
  public readonly value: number;

  constructor(scope: Construct, id: string, props: PriorityClassProps) {
    super(scope, id);
    validateProps(this, props, ['value']);
    if (typeof props.value !== 'number' || !Number.isInteger(props.value) || props.value < -2147483648 || props.value > 1000000000) {
      invalid(this, 'value', props.value, 'must be a whole number from -2147483648 to 1000000000 (larger values are reserved for system-cluster-critical and system-node-critical)');
    }
    if (props.name !== undefined && (!isDnsSubdomain(props.name) || props.name.startsWith('system-'))) {
      invalid(this, 'name', props.name, 'must be a DNS-1123 subdomain not starting with "system-" (reserved for Kubernetes\' own classes)');
    }
    if (props.preemptionPolicy !== undefined && !Object.values(PreemptionPolicy).includes(props.preemptionPolicy)) {
      invalid(this, 'preemptionPolicy', props.preemptionPolicy, `must be one of ${Object.values(PreemptionPolicy).join(', ')}`);
    }
    validateBoolean(this, 'globalDefault', props.globalDefault);
    if (props.description !== undefined && typeof props.description !== 'string') invalid(this, 'description', props.description, 'must be a string');
    if (props.labels !== undefined) validateStandardLabels(this, 'labels', props.labels);
    this.value = props.value;
    this.apiObject = new k8s.KubePriorityClass(this, 'Resource', {
      metadata: {
        // (a `name: undefined` would replace the generated name)
        ...(props.name === undefined ? {} : { name: props.name }),
        labels: StandardLabels.of(props.labels ?? { name: Names.toLabelValue(this), component: 'priority-class' }),
      },
      value: props.value,
      description: props.description,
      preemptionPolicy: props.preemptionPolicy,
      globalDefault: props.globalDefault,
    });
    this.name = this.apiObject.name;
  }

  /**
   * Gives a workload's pods this class (`priorityClassName`). Composes with the pod patterns
   * through the workload's pod mutations: a different `priorityClassName` from elsewhere fails
   * naming both.
   */
  public assignTo(workload: kplus.AbstractPod): void {
    if (!(workload instanceof kplus.AbstractPod)) invalid(this, 'workload', (workload as any)?.node?.path ?? workload, 'must be a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod)');
    PodMutations.of(workload).setPodField(this.node.path, 'priorityClassName', this.name);
  }
}
