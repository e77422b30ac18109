import { Chart, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AccessRule, LeastPrivilege, WatchedResource } from './access-rule';
import { LEASE_ENV, LeaderElected } from '../behavioral/leader-elected';
import { DisruptionBudget } from '../core/disruption-budget';
import { StandardLabels } from '../core/labels';
import { INetworkClient, NetworkFlow } from '../core/network-flow';
import { invalid, required, validateDnsLabel, validateDnsSubdomain, validateList, validatePositiveInt, validateProps } from '../core/validation';
import {
  HighAvailabilityDefaults, WorkloadPatternProps, apiClientDeployment, patternLabels,
} from '../core/workload-pattern';
import { HighlyAvailable } from '../scaling/highly-available';

/**
 * How a controller keeps exactly one active reconciler.
 */
export enum ControllerReplication {
  /**
   * One replica with the Recreate strategy: the old pod stops before the new one starts.
   * Simple; a node failure leaves the controller down until the pod is rescheduled.
   */
  SINGLETON = 'singleton',

  /**
   * Several replicas electing a leader through a Lease (`LeaderElected.grantLeaseAccess`); the
   * application must embed leader election (client-go's leaderelection). Standbys take over in
   * seconds.
   */
  LEADER_ELECTED = 'leader-elected',
}

/** Variables every controller container receives (besides the lease ones when leader-elected). */
export const CONTROLLER_ENV = { WATCH_NAMESPACE: 'WATCH_NAMESPACE', POD_NAME: 'POD_NAME', POD_NAMESPACE: 'POD_NAMESPACE' };

/**
 * Props of `Controller`.
 */
export interface ControllerProps extends WorkloadPatternProps, HighAvailabilityDefaults {
  /**
   * The kinds the controller observes; it receives get, list and watch on each. A Controller
   * must observe at least one kind (an Operator's custom resources count).
   * @default - none
   */
  readonly watches?: WatchedResource[];

  /**
   * What the controller changes: exactly these verbs on these resources.
   * @default - nothing: a controller that only observes
   */
  readonly writes?: AccessRule[];

  /**
   * Watch and change resources in every namespace (a ClusterRole and ClusterRoleBinding)
   * instead of only the controller's own namespace (a Role and RoleBinding).
   * @default false
   */
  readonly clusterWide?: boolean;

  /**
   * The namespace the chart will be applied to, for `clusterWide` controllers in charts without
   * a namespace: a ClusterRoleBinding must name its ServiceAccount's namespace.
   * @default - the chart's namespace
   */
  readonly serviceAccountNamespace?: string;

  /**
   * How one active replica is ensured.
   * @default ControllerReplication.SINGLETON
   */
  readonly replication?: ControllerReplication;

  /**
   * Replicas, for `LEADER_ELECTED` (a singleton always runs one).
   * @default 2
   */
  readonly replicas?: number;

  /**
   * The Lease the replicas compete for, for `LEADER_ELECTED`.
   * @default - derived from the construct path
   */
  readonly leaseName?: string;
}

/**
 * Controller (Kubernetes Patterns, state reconciliation): a process that watches resources and
 * drives the cluster toward the state they declare.
 *
 * Creates a ServiceAccount; RBAC derived from what it declares (get, list and watch on `watches`,
 * exactly the `writes` verbs), in a Role for its own namespace or, when `clusterWide`, a
 * ClusterRole; and one active replica: a singleton Deployment (1 replica, Recreate) or
 * leader-elected replicas. Only these pods mount a token. Containers receive `WATCH_NAMESPACE`
 * (their own namespace from the downward API; empty, meaning all namespaces, when cluster-wide),
 * `POD_NAME` and `POD_NAMESPACE`.
 */
export class Controller extends Construct implements INetworkClient {
  /** The Deployment of the controller. */
  public readonly deployment: kplus.Deployment;
  /** The ServiceAccount it runs as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Role with the watch and write rules, unless cluster-wide. */
  public readonly role?: kplus.Role;
  /** The RoleBinding of `role`. */
  public readonly roleBinding?: kplus.RoleBinding;
  /** The ClusterRole with the watch and write rules, when cluster-wide. */
  public readonly clusterRole?: kplus.ClusterRole;
  /** The ClusterRoleBinding of `clusterRole`. */
  public readonly clusterRoleBinding?: kplus.ClusterRoleBinding;
  /** How one active replica is ensured. */
  public readonly replication: ControllerReplication;
  /** Whether the controller works in every namespace. */
  public readonly clusterWide: boolean;
  /** The Lease, when leader-elected. */
  public readonly leaseName?: string;
  /** The lease Role and RoleBinding, when leader-elected. */
  public readonly leaseRole?: kplus.Role;
  /** The PodDisruptionBudget of a singleton (drains may evict it; it restarts elsewhere). */
  public readonly disruptionBudget?: DisruptionBudget;
  /** The PodDisruptionBudget and spread of leader-elected replicas. */
  public readonly highAvailability?: HighlyAvailable;

  private readonly _rules: AccessRule[] = [];

  /** The controller watches and writes through the API server (for `NetworkSegmentation.allowFlowsOf`). */
  public get networkFlows(): NetworkFlow[] {
    return [NetworkFlow.toApiServer(this.deployment, `${this.constructor.name} ${this.node.path}: watches and writes through the API server`)];
  }

  constructor(scope: Construct, id: string, props: ControllerProps) {
    super(scope, id);
    validateProps(this, props, this._requiredProps());
    validateList(this, 'containers', props.containers).forEach((c, i) => required(this, `containers[${i}]`, c, 'container props with at least image'));
    const replication = props.replication ?? ControllerReplication.SINGLETON;
    if (!Object.values(ControllerReplication).includes(replication)) {
      invalid(this, 'replication', props.replication, `must be one of ${Object.values(ControllerReplication).join(', ')}`);
    }
    this.replication = replication;
    const elected = replication === ControllerReplication.LEADER_ELECTED;
    if (!elected && props.replicas !== undefined && props.replicas !== 1) {
      invalid(this, 'replicas', props.replicas, 'must be 1 (or unset) for a SINGLETON controller: use replication LEADER_ELECTED for standbys');
    }
    if (!elected && props.leaseName !== undefined) {
      invalid(this, 'leaseName', props.leaseName, 'is only used with replication LEADER_ELECTED');
    }
    const replicas = elected ? validatePositiveInt(this, 'replicas', props.replicas ?? 2) : 1;
    // An Operator's custom resources are observed too (the Operator grants them itself).
    const customResources = (props as { customResources?: unknown[] }).customResources;
    if (customResources !== undefined) validateList(this, 'customResources', customResources);
    const ownsResources = (customResources ?? []).length > 0;
    if ((props.watches ?? []).length === 0 && !ownsResources) {
      invalid(this, 'watches', props.watches ?? [], 'must list at least one kind the controller observes');
    }
    const rules = [
      ...LeastPrivilege.readRules(this, 'watches', props.watches ?? []),
      ...LeastPrivilege.validate(this, 'writes', props.writes ?? []),
    ];

    if (props.clusterWide !== undefined && typeof props.clusterWide !== 'boolean') invalid(this, 'clusterWide', props.clusterWide, 'must be true or false');
    this.clusterWide = props.clusterWide ?? false;
    const chartNamespace = Chart.of(this).namespace;
    let subjectNamespace: string | undefined;
    if (this.clusterWide) {
      subjectNamespace = props.serviceAccountNamespace ?? chartNamespace;
      if (subjectNamespace === undefined) {
        invalid(this, 'serviceAccountNamespace', props.serviceAccountNamespace,
          'must be set for a clusterWide controller in a chart without a namespace: the ClusterRoleBinding must name the ServiceAccount\'s namespace');
      }
      validateDnsLabel(this, 'serviceAccountNamespace', subjectNamespace);
      if (chartNamespace !== undefined && subjectNamespace !== chartNamespace) {
        invalid(this, 'serviceAccountNamespace', subjectNamespace, `must equal the chart's namespace "${chartNamespace}", where the ServiceAccount is created`);
      }
    } else if (props.serviceAccountNamespace !== undefined) {
      invalid(this, 'serviceAccountNamespace', props.serviceAccountNamespace, 'is only used with clusterWide: a namespaced controller is bound in its own namespace');
    }

    const labels = patternLabels(this, props, 'controller');
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { automountToken: false });
    StandardLabels.applyTo(this.serviceAccount, labels);

    if (this.clusterWide) {
      this.clusterRole = new kplus.ClusterRole(this, 'cluster-role');
      const subject = kplus.ServiceAccount.fromServiceAccountName(this, 'subject', this.serviceAccount.name, { namespaceName: subjectNamespace });
      this.clusterRoleBinding = this.clusterRole.bind(subject);
      StandardLabels.applyTo(this.clusterRole, labels);
      StandardLabels.applyTo(this.clusterRoleBinding, labels);
    } else {
      this.role = new kplus.Role(this, 'role');
      this.roleBinding = this.role.bind(this.serviceAccount);
      StandardLabels.applyTo(this.role, labels);
      StandardLabels.applyTo(this.roleBinding, labels);
    }
    this.grant(...rules);

    const env: { [name: string]: kplus.EnvValue } = {
      [CONTROLLER_ENV.WATCH_NAMESPACE]: this.clusterWide
        ? kplus.EnvValue.fromValue('')
        : kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
      [CONTROLLER_ENV.POD_NAME]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
      [CONTROLLER_ENV.POD_NAMESPACE]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
    };
    if (elected) {
      this.leaseName = validateDnsSubdomain(this, 'leaseName', props.leaseName ?? Names.toDnsLabel(this));
      const access = LeaderElected.grantLeaseAccess(this, 'lease-access', this.serviceAccount, { leaseName: this.leaseName, labels });
      this.leaseRole = access.role;
      env[LEASE_ENV.LEASE_NAME] = kplus.EnvValue.fromValue(this.leaseName);
      env[LEASE_ENV.LEASE_NAMESPACE] = kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE);
    }

    this.deployment = apiClientDeployment(this, props, {
      replicas,
      serviceAccount: this.serviceAccount,
      env,
      labels,
      strategy: elected ? undefined : kplus.DeploymentStrategy.recreate(),
    });

    if (!elected) {
      this.disruptionBudget = new DisruptionBudget(this, 'disruption-budget', { workload: this.deployment, replicas: 1, maxUnavailable: 1, labels });
    } else if (replicas >= 2 && props.highAvailability !== false) {
      this.highAvailability = new HighlyAvailable(this, 'high-availability', { workload: this.deployment, replicas, labels });
    }
  }

  /**
   * The props a JavaScript caller must not leave out (an Operator adds its custom resources).
   * @internal
   */
  protected _requiredProps(): string[] {
    return ['containers'];
  }

  /** Every rule granted so far (watches, writes and later grants; not the lease rules). */
  public get accessRules(): AccessRule[] {
    return [...this._rules];
  }

  /**
   * Grants more rules to the controller's Role (or ClusterRole). Wildcards are refused.
   */
  public grant(...rules: AccessRule[]): void {
    LeastPrivilege.validate(this, 'grant', rules);
    if (this.clusterRole) LeastPrivilege.grantInClusterRole(this.clusterRole, rules);
    else LeastPrivilege.grantInRole(this.role!, rules);
    this._rules.push(...rules);
  }
}
