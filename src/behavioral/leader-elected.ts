import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DistributedLock } from './distributed-lock';
import { DistributedLockSidecar, LockSidecarOptions } from './distributed-lock-sidecar';
import { StandardLabels, StandardLabelsProps } from '../core/labels';
import { INetworkClient, NetworkFlow } from '../core/network-flow';
import { attachHelperContainer } from '../core/pod-attachment';
import {
  invalid, invalidInput, required, validateDnsSubdomain, validateImage, validateList, validatePort, validatePositiveInt, validateProps,
} from '../core/validation';
import {
  HighAvailabilityDefaults, WorkloadPatternProps, apiClientDeployment, hardenContainers, labelAndSelect, patternLabels,
} from '../core/workload-pattern';
import { ReleaseStrategy, applyReleaseStrategy } from '../release/release-strategy';
import { HighlyAvailable } from '../scaling/highly-available';

/**
 * A leader-elector sidecar for applications that do not embed leader election: it takes part
 * in the election and tells the application who leads on localhost.
 */
export interface LeaderElectorSidecarOptions {
  /**
   * The elector image (it must use a `coordination.k8s.io` Lease lock).
   */
  readonly image: string;

  /**
   * The port on 127.0.0.1 where the elector reports the current leader.
   * @default 4040
   */
  readonly port?: number;

  /**
   * The elector's arguments: the Lease to lock (the container receives `LEASE_NAME`,
   * `LEASE_NAMESPACE`, `POD_NAME` and `POD_NAMESPACE`, usable as `$(LEASE_NAME)`), its identity
   * and where it reports the leader. Electors differ in their flags, so there is no default;
   * the elector must lock a `coordination.k8s.io` Lease (the Role grants nothing else; the old
   * contrib `leader-elector` locks an Endpoints object and cannot work here).
   */
  readonly args: string[];
}

/**
 * Props of `LeaderElected`.
 */
export interface LeaderElectedProps extends WorkloadPatternProps, HighAvailabilityDefaults {
  /**
   * Replicas; one leads, the others stand by.
   * @default 2
   */
  readonly replicas?: number;

  /**
   * How a new release replaces the pods: `ReleaseStrategy.ramped()` keeps a standby while the
   * leader moves (needs readiness probes), `ReleaseStrategy.recreate()` stops every replica first.
   * @default - cdk8s-plus's rolling update (25% surge, 25% unavailable)
   */
  readonly strategy?: ReleaseStrategy;

  /**
   * The name of the Lease the replicas compete for (with `distributedLock`: the lock's resource id).
   * @default - derived from the construct path
   */
  readonly leaseName?: string;

  /**
   * Also allow creating and patching Events, for applications whose elector records
   * leadership changes (client-go's `EventRecorder`).
   * @default false
   */
  readonly recordEvents?: boolean;

  /**
   * Add a leader-elector sidecar for an application that does not elect by itself. The
   * application containers then receive `LEADER_ELECTOR_URL` (`http://localhost:<port>`), where
   * the sidecar reports the current leader.
   * @default - none: the application embeds election (e.g. client-go's leaderelection)
   */
  readonly electorSidecar?: LeaderElectorSidecarOptions;

  /**
   * Elect through a distributed lock that a sidecar serves instead of a Lease (Dapr's lock API,
   * e.g. `DistributedLock.daprRedis({ redisHost: 'redis:6379' })`). The pods get the sidecar
   * (`DistributedLockSidecar`), `LOCK_URL`, `UNLOCK_URL`, `LOCK_RESOURCE_ID` (the `leaseName`),
   * `LOCK_OWNER`, `POD_NAME` and `POD_NAMESPACE`, and no token, Role or RoleBinding: they never
   * call the API server. The application takes the lock with an expiry and takes it again
   * after releasing it (Dapr's lock cannot be renewed).
   * @default - a coordination.k8s.io Lease
   */
  readonly distributedLock?: DistributedLock;

  /**
   * How the lock sidecar is attached (with `distributedLock`).
   * @default - a regular container, app id derived from the construct path, 100m CPU and 256 MiB
   */
  readonly lockSidecar?: LockSidecarOptions;
}

/**
 * Options of `LeaderElected.grantLeaseAccess`.
 */
export interface LeaseAccessOptions {
  /**
   * The Lease the ServiceAccount may read and renew.
   */
  readonly leaseName: string;

  /**
   * Also allow creating and patching Events.
   * @default false
   */
  readonly recordEvents?: boolean;

  /**
   * Labels of the Role and RoleBinding.
   * @default - `app.kubernetes.io/name` is the lease name, component `lease-access`
   */
  readonly labels?: StandardLabelsProps;
}

/**
 * The RBAC objects that `LeaderElected.grantLeaseAccess` creates.
 */
export interface LeaseAccess {
  /** The Role. */
  readonly role: kplus.Role;
  /** The RoleBinding. */
  readonly roleBinding: kplus.RoleBinding;
}

/** Downward-API and election variables every leader-elected container receives. */
export const LEASE_ENV = { LEASE_NAME: 'LEASE_NAME', LEASE_NAMESPACE: 'LEASE_NAMESPACE', POD_NAME: 'POD_NAME', POD_NAMESPACE: 'POD_NAMESPACE' };

/**
 * Leader election, in the application (Kubernetes Patterns, Singleton Service; Burns &
 * Oppenheimer): N replicas of which one leads, through a `coordination.k8s.io` Lease.
 *
 * Creates the ServiceAccount, a Role with exactly the verbs client-go's LeaseLock needs (get,
 * create and update on leases; get and update limited to this lease by name; events only when
 * asked), the RoleBinding, and a Deployment whose pods mount the token and receive `LEASE_NAME`,
 * `LEASE_NAMESPACE`, `POD_NAME` and `POD_NAMESPACE` (the identity, from the downward API).
 */
export class LeaderElected extends Construct implements INetworkClient {
  /**
   * Lets an existing ServiceAccount take part in a lease election in its namespace.
   */
  public static grantLeaseAccess(scope: Construct, id: string, serviceAccount: kplus.IServiceAccount, options: LeaseAccessOptions): LeaseAccess {
    const where = 'LeaderElected.grantLeaseAccess';
    if (!Construct.isConstruct(scope)) invalidInput(where, 'scope', scope, 'must be a construct in a chart');
    if (typeof id !== 'string' || id.length === 0) invalidInput(`${where}(${scope.node.path})`, 'id', id, 'must be a non-empty string');
    const c = new Construct(scope, id);
    if (!Construct.isConstruct(serviceAccount) || typeof (serviceAccount as { name?: unknown }).name !== 'string') {
      invalid(c, 'serviceAccount', serviceAccount, 'must be a cdk8s-plus ServiceAccount (kplus.ServiceAccount, or ServiceAccount.fromServiceAccountName)');
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) invalid(c, 'options', options, 'must be an object with at least leaseName');
    validateDnsSubdomain(c, 'leaseName', required(c, 'leaseName', options.leaseName, 'the Lease the ServiceAccount may read and renew'));
    const role = new kplus.Role(c, 'role');
    // client-go creates the lease on first election; create cannot be limited by name.
    role.allow(['create'], kplus.ApiResource.LEASES);
    role.allow(['get', 'update'], { apiGroup: 'coordination.k8s.io', resourceType: 'leases', resourceName: options.leaseName });
    if (options.recordEvents) role.allow(['create', 'patch'], kplus.ApiResource.EVENTS);
    const roleBinding = role.bind(serviceAccount);
    const labels = options.labels ?? { name: options.leaseName, component: 'lease-access' };
    StandardLabels.applyTo(role, labels);
    StandardLabels.applyTo(roleBinding, labels);
    return { role, roleBinding };
  }

  /** The Deployment of the replicas. */
  public readonly deployment: kplus.Deployment;
  /** The ServiceAccount the replicas run as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Role that allows the lease verbs (none with `distributedLock`). */
  public readonly role?: kplus.Role;
  /** The RoleBinding of the Role to the ServiceAccount (none with `distributedLock`). */
  public readonly roleBinding?: kplus.RoleBinding;
  /** The name of the Lease (with `distributedLock`: the lock's resource id). */
  public readonly leaseName: string;
  /** The lock sidecar, with `distributedLock`. */
  public readonly lockSidecar?: DistributedLockSidecar;
  /** The PodDisruptionBudget and topology spread, for two or more replicas. */
  public readonly highAvailability?: HighlyAvailable;
  /** The elector sidecar, when one was asked for. */
  public readonly elector?: kplus.Container;

  /**
   * The replicas renew the Lease on the API server, or with `distributedLock` their sidecars take the lock
   * in its store (for `NetworkSegmentation.allowFlowsOf`).
   */
  public get networkFlows(): NetworkFlow[] {
    if (this.lockSidecar) return this.lockSidecar.networkFlows;
    return [NetworkFlow.toApiServer(this.deployment, `LeaderElected ${this.node.path}: renews Lease ${this.leaseName}`)];
  }

  constructor(scope: Construct, id: string, props: LeaderElectedProps) {
    super(scope, id);
    validateProps(this, props, ['containers']);
    validateList(this, 'containers', props.containers).forEach((c, i) => required(this, `containers[${i}]`, c, 'container props with at least image'));
    const elector = props.electorSidecar;
    if (elector !== undefined) {
      if (elector === null || typeof elector !== 'object' || Array.isArray(elector)) {
        invalid(this, 'electorSidecar', elector, 'must be an object with at least image and args');
      }
      validateImage(this, 'electorSidecar.image', elector.image);
      validateList(this, 'electorSidecar.args', required(this, 'electorSidecar.args', elector.args, 'the elector\'s arguments (a list of strings)')).forEach((a, i) => {
        if (typeof a !== 'string') invalid(this, `electorSidecar.args[${i}]`, a, 'must be a string');
      });
    }
    if (props.distributedLock !== undefined) {
      if (!(props.distributedLock instanceof DistributedLock)) invalid(this, 'distributedLock', props.distributedLock, 'must be a DistributedLock, e.g. DistributedLock.daprRedis({ redisHost: \'redis:6379\' })');
      if (elector !== undefined) invalid(this, 'electorSidecar', '(set)', 'must be unset with distributedLock: the lock sidecar replaces the Lease elector');
      if (props.recordEvents) invalid(this, 'recordEvents', props.recordEvents, 'must be unset with distributedLock: the pods get no API access');
    } else if (props.lockSidecar !== undefined) {
      invalid(this, 'lockSidecar', props.lockSidecar, 'needs distributedLock: it says how the lock sidecar is attached');
    }
    const replicas = validatePositiveInt(this, 'replicas', props.replicas ?? 2);
    this.leaseName = validateDnsSubdomain(this, 'leaseName', props.leaseName ?? Names.toDnsLabel(this));
    const labels = patternLabels(this, props, 'leader-elected');

    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { automountToken: false });
    StandardLabels.applyTo(this.serviceAccount, labels);
    if (props.distributedLock !== undefined) {
      const identity = {
        [LEASE_ENV.POD_NAME]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
        [LEASE_ENV.POD_NAMESPACE]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
      };
      // No token: the replicas never call the API server.
      this.deployment = new kplus.Deployment(this, 'deployment', {
        replicas,
        select: false,
        containers: hardenContainers(this, props).map(c => ({ ...c, envVariables: { ...identity, ...c.envVariables } })),
        serviceAccount: this.serviceAccount,
        automountServiceAccountToken: false,
      });
      labelAndSelect(this.deployment, labels);
      if (props.strategy !== undefined) applyReleaseStrategy(this, 'strategy', this.deployment, props.strategy);
      const o = props.lockSidecar ?? {};
      this.lockSidecar = new DistributedLockSidecar(this, 'lock', {
        workload: this.deployment,
        distributedLock: props.distributedLock,
        resourceId: o.resourceId ?? this.leaseName,
        appId: o.appId,
        nativeSidecar: o.nativeSidecar,
        resources: o.resources,
      });
      if (replicas >= 2 && props.highAvailability !== false) {
        this.highAvailability = new HighlyAvailable(this, 'high-availability', { workload: this.deployment, replicas, labels });
      }
      return;
    }
    const access = LeaderElected.grantLeaseAccess(this, 'lease-access', this.serviceAccount, {
      leaseName: this.leaseName,
      recordEvents: props.recordEvents,
      labels,
    });
    this.role = access.role;
    this.roleBinding = access.roleBinding;

    const env = {
      [LEASE_ENV.LEASE_NAME]: kplus.EnvValue.fromValue(this.leaseName),
      [LEASE_ENV.LEASE_NAMESPACE]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
      [LEASE_ENV.POD_NAME]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
      [LEASE_ENV.POD_NAMESPACE]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
    };
    this.deployment = apiClientDeployment(this, props, { replicas, serviceAccount: this.serviceAccount, env, labels });
    if (props.strategy !== undefined) applyReleaseStrategy(this, 'strategy', this.deployment, props.strategy);

    if (props.electorSidecar) {
      const port = validatePort(this, 'electorSidecar.port', props.electorSidecar.port ?? 4040);
      this.elector = attachHelperContainer(this, { workload: this.deployment }, {
        name: 'leader-elector',
        image: props.electorSidecar.image,
        args: props.electorSidecar.args,
        envVariables: env,
      }, { name: 'leader-elector' });
      for (const c of this.deployment.containers.filter(x => x !== this.elector)) {
        c.env.addVariable('LEADER_ELECTOR_URL', kplus.EnvValue.fromValue(`http://localhost:${port}`));
      }
    }

    if (replicas >= 2 && props.highAvailability !== false) {
      this.highAvailability = new HighlyAvailable(this, 'high-availability', { workload: this.deployment, replicas, labels });
    }
  }
}
