import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DistributedLock } from './distributed-lock';
import { DistributedLockSidecar, LockSidecarOptions } from './distributed-lock-sidecar';
import { assertUniquePodPorts } from '../core/container-defaults';
import { DisruptionBudget } from '../core/disruption-budget';
import { StandardLabels } from '../core/labels';
import { INetworkClient, NetworkFlow } from '../core/network-flow';
import { invalid, required, validateList, validateProps } from '../core/validation';
import { WorkloadPatternProps, hardenContainers, labelAndSelect, patternLabels } from '../core/workload-pattern';

/**
 * Which guarantee a singleton keeps when a node fails or is partitioned.
 */
export enum SingletonGuarantee {
  /**
   * Favour availability: a Deployment of one replica with the Recreate strategy. The old pod is
   * stopped before a new one starts on rollouts, but when a node becomes unreachable the
   * controller starts a replacement while the old pod may still run, so two may exist until the
   * old node's kubelet reconnects ("at least one").
   */
  AVAILABILITY = 'availability',

  /**
   * Favour consistency: a StatefulSet of one replica. A replacement starts only after the old pod
   * is confirmed gone (which, for an unreachable node, may need an operator), so there is never
   * more than one ("at most one").
   */
  CONSISTENCY = 'consistency',
}

/**
 * Whether voluntary disruptions (node drains, upgrades) may evict the single pod.
 */
export enum SingletonEviction {
  /**
   * Drains evict the pod and it restarts elsewhere: a short outage (PDB maxUnavailable 1).
   */
  ALLOW = 'allow',

  /**
   * Drains wait until an operator moves the pod (PDB minAvailable 1). Node maintenance blocks
   * on this workload.
   */
  BLOCK = 'block',
}

/**
 * Props of `Singleton`.
 */
export interface SingletonProps extends WorkloadPatternProps {
  /**
   * The guarantee to keep; there is no default because the trade-off is the application's.
   */
  readonly guarantee: SingletonGuarantee;

  /**
   * Whether node drains may evict the pod.
   * @default SingletonEviction.ALLOW
   */
  readonly eviction?: SingletonEviction;

  /**
   * Also fence the work with a distributed lock that a sidecar serves (Dapr's lock API, e.g.
   * `DistributedLock.daprRedis({ redisHost: 'redis:6379' })`): where the platform may briefly
   * run two pods (`AVAILABILITY`: a replacement starts while the old pod terminates or sits on
   * an unreachable node), only the one that holds the lock works. The pods get the sidecar and
   * `LOCK_URL`, `UNLOCK_URL`, `LOCK_RESOURCE_ID`, `LOCK_OWNER`.
   * @default - no lock: the platform's guarantee alone
   */
  readonly distributedLock?: DistributedLock;

  /**
   * How the lock sidecar is attached (with `distributedLock`).
   * @default - a regular container, app id and resource id derived from the construct path, 100m CPU and 256 MiB
   */
  readonly lockSidecar?: LockSidecarOptions;
}

/**
 * Singleton service, out of the application (Kubernetes Patterns): exactly one active instance,
 * enforced by the platform instead of the application. Choose the guarantee explicitly:
 * `AVAILABILITY` (Deployment, Recreate: at least one, briefly two on node failure) or
 * `CONSISTENCY` (StatefulSet: at most one). A PodDisruptionBudget states whether drains may
 * evict the pod.
 */
export class Singleton extends Construct implements INetworkClient {
  /** The workload: a Deployment (AVAILABILITY) or a StatefulSet (CONSISTENCY). */
  public readonly workload: kplus.Workload;
  /** The Deployment, for `AVAILABILITY`. */
  public readonly deployment?: kplus.Deployment;
  /** The StatefulSet, for `CONSISTENCY`. */
  public readonly statefulSet?: kplus.StatefulSet;
  /** The headless Service that gives the StatefulSet's pod its stable name, for `CONSISTENCY`. */
  public readonly headlessService?: kplus.Service;
  /** The PodDisruptionBudget. */
  public readonly disruptionBudget: DisruptionBudget;
  /** The lock sidecar, with `distributedLock`. */
  public readonly lockSidecar?: DistributedLockSidecar;

  /** With `distributedLock`, the sidecar takes the lock in its store (for `NetworkSegmentation.allowFlowsOf`). */
  public get networkFlows(): NetworkFlow[] {
    return this.lockSidecar ? this.lockSidecar.networkFlows : [];
  }

  constructor(scope: Construct, id: string, props: SingletonProps) {
    super(scope, id);
    validateProps(this, props, ['containers', 'guarantee']);
    validateList(this, 'containers', props.containers).forEach((c, i) => required(this, `containers[${i}]`, c, 'container props with at least image'));
    if (!Object.values(SingletonGuarantee).includes(props.guarantee)) {
      invalid(this, 'guarantee', props.guarantee, `must be one of ${Object.values(SingletonGuarantee).join(', ')}: the trade-off is the application's to make`);
    }
    if (props.eviction !== undefined && !Object.values(SingletonEviction).includes(props.eviction)) {
      invalid(this, 'eviction', props.eviction, `must be one of ${Object.values(SingletonEviction).join(', ')}`);
    }
    if (props.distributedLock !== undefined && !(props.distributedLock instanceof DistributedLock)) {
      invalid(this, 'distributedLock', props.distributedLock, 'must be a DistributedLock, e.g. DistributedLock.daprRedis({ redisHost: \'redis:6379\' })');
    }
    if (props.distributedLock === undefined && props.lockSidecar !== undefined) {
      invalid(this, 'lockSidecar', props.lockSidecar, 'needs distributedLock: it says how the lock sidecar is attached');
    }
    const labels = patternLabels(this, props, 'singleton');
    const containers = hardenContainers(this, props);
    if (props.guarantee === SingletonGuarantee.CONSISTENCY) {
      // The headless Service publishes the container ports (a Service needs at least one).
      // As cdk8s-plus lists them: portNumber first, then ports.
      const ports = containers.flatMap(c => [...(c.portNumber ? [{ number: c.portNumber }] : []), ...(c.ports ?? [])]
        .map(p => ({ ...p, container: c.name! })));
      assertUniquePodPorts(this, ports);
      if (ports.length === 0) {
        invalid(this, 'containers', containers.map(c => c.name), 'must expose at least one port with guarantee CONSISTENCY: the StatefulSet\'s headless Service needs one');
      }
      this.headlessService = new kplus.Service(this, 'headless', {
        clusterIP: 'None',
        ports: ports.map((p, i) => ({ port: p.number, targetPort: p.number, name: p.name ?? `port-${i}` })),
      });
      StandardLabels.applyTo(this.headlessService, labels);
      this.statefulSet = new kplus.StatefulSet(this, 'statefulset', {
        replicas: 1,
        select: false,
        service: this.headlessService,
        containers,
      });
      this.workload = this.statefulSet;
    } else {
      this.deployment = new kplus.Deployment(this, 'deployment', {
        replicas: 1,
        select: false,
        strategy: kplus.DeploymentStrategy.recreate(),
        containers,
      });
      this.workload = this.deployment;
    }
    labelAndSelect(this.workload, labels);
    if (this.headlessService) {
      for (const [k, v] of Object.entries(StandardLabels.selector(labels))) this.headlessService.selectLabel(k, v);
    }
    if (props.distributedLock !== undefined) {
      const o = props.lockSidecar ?? {};
      this.lockSidecar = new DistributedLockSidecar(this, 'lock', {
        workload: this.workload,
        distributedLock: props.distributedLock,
        resourceId: o.resourceId ?? Names.toDnsLabel(this),
        appId: o.appId,
        nativeSidecar: o.nativeSidecar,
        resources: o.resources,
      });
    }
    const block = props.eviction === SingletonEviction.BLOCK;
    this.disruptionBudget = new DisruptionBudget(this, 'disruption-budget', {
      workload: this.workload,
      replicas: 1,
      ...(block ? { minAvailable: 1 } : { maxUnavailable: 1 }),
    });
  }
}
