import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { assertUniquePodPorts } from '../core/container-defaults';
import { StandardLabels } from '../core/labels';
import { setManifestField } from '../core/manifest-fields';
import { PodMutations } from '../core/pod-mutations';
import { ResourcePreset } from '../core/resource-preset';
import {
  LABEL_KEY_ALLOWED, invalid, invalidInput, isLabelKey, required, validateDnsSubdomain, validateLabelValue, validateList, validateProps,
} from '../core/validation';
import { WorkloadPatternProps, hardenContainers, labelAndSelect, patternLabels } from '../core/workload-pattern';

/**
 * Options of `DaemonUpdateStrategy.rollingUpdate`. Exactly one of the two must be non-zero.
 */
export interface DaemonRollingUpdateOptions {
  /**
   * Nodes whose daemon pod may be down at once during an update.
   * @default - PercentOrAbsolute.absolute(1), or 0 when `maxSurge` is set
   */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;

  /**
   * Nodes that may run a new daemon pod next to the old one during an update, so the node
   * never goes without (GA in Kubernetes 1.25); requires `maxUnavailable` 0.
   * @default PercentOrAbsolute.absolute(0)
   */
  readonly maxSurge?: kplus.PercentOrAbsolute;
}

/**
 * How a DaemonSet replaces its pods when the pod template changes.
 */
export class DaemonUpdateStrategy {
  /**
   * Replace the pods node by node, at most `maxUnavailable` (or `maxSurge` extra) at a time.
   */
  public static rollingUpdate(options: DaemonRollingUpdateOptions = {}): DaemonUpdateStrategy {
    const where = 'DaemonUpdateStrategy.rollingUpdate';
    const opts = options ?? {};
    if (typeof opts !== 'object' || Array.isArray(opts)) invalidInput(where, 'options', opts, 'must be an object');
    for (const field of ['maxSurge', 'maxUnavailable'] as const) {
      const v = opts[field];
      if (v !== undefined && !(v instanceof kplus.PercentOrAbsolute)) {
        invalidInput(where, field, v, 'must be a kplus.PercentOrAbsolute, e.g. PercentOrAbsolute.absolute(1) or PercentOrAbsolute.percent(10)');
      }
    }
    const surge = opts.maxSurge ?? kplus.PercentOrAbsolute.absolute(0);
    const unavailable = opts.maxUnavailable
      ?? kplus.PercentOrAbsolute.absolute(opts.maxSurge && !opts.maxSurge.isZero() ? 0 : 1);
    checkPercentOrAbsolute(where, 'maxSurge', surge);
    checkPercentOrAbsolute(where, 'maxUnavailable', unavailable);
    if (surge.isZero() === unavailable.isZero()) {
      invalidInput(where, 'maxUnavailable', unavailable.value,
        `must be non-zero exactly when maxSurge (${JSON.stringify(surge.value)}) is zero: a DaemonSet update either removes an old pod first or surges a new one first`);
    }
    return new DaemonUpdateStrategy('RollingUpdate', {
      maxUnavailable: intOrString(unavailable),
      maxSurge: intOrString(surge),
    });
  }

  /**
   * Replace a node's daemon pod only when it is deleted by hand (for agents whose restart
   * must be scheduled by an operator).
   */
  public static onDelete(): DaemonUpdateStrategy {
    return new DaemonUpdateStrategy('OnDelete');
  }

  private constructor(
    /** `RollingUpdate` or `OnDelete`. */
    public readonly strategyType: string,
    private readonly rollingUpdate?: { [key: string]: k8s.IntOrString },
  ) {}

  /**
   * The `updateStrategy` of the DaemonSet spec, in the form cdk8s-plus's L1 serializer keeps.
   * @internal
   */
  public _toKube(): { [key: string]: any } {
    const type = this.strategyType;
    return this.rollingUpdate ? { type, rollingUpdate: { ...this.rollingUpdate } } : { type };
  }
}

/**
 * Props of `DaemonService`.
 */
export interface DaemonServiceProps extends WorkloadPatternProps {
  /**
   * How pods are replaced when the template changes.
   * @default DaemonUpdateStrategy.rollingUpdate() - one node at a time
   */
  readonly updateStrategy?: DaemonUpdateStrategy;

  /**
   * Taints the daemon tolerates, e.g. `NodeTaintQuery.exists('node-role.kubernetes.io/control-plane',
   * { effect: TaintEffect.NO_SCHEDULE })` to also run on control-plane nodes, or
   * `NodeTaintQuery.any()` for a node agent that must run everywhere.
   * @default - none: the daemon runs only on untainted nodes
   */
  readonly tolerations?: kplus.NodeTaintQuery[];

  /**
   * Run only on nodes with all of these labels (`nodeSelector`), e.g.
   * `{ 'kubernetes.io/os': 'linux' }`.
   * @default - every node (that the tolerations allow)
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Create a Service with `internalTrafficPolicy: Local` for the containers' ports, so that a
   * pod reaches the daemon on its own node by the Service's name. This is the restricted way
   * to reach a node agent: host ports are not allowed by Pod Security *restricted*.
   * @default false
   */
  readonly nodeLocalService?: boolean;
}

/**
 * Daemon service (Kubernetes Patterns, Daemon Service): a DaemonSet that runs one pod on every
 * node, or on the nodes a `nodeSelector` and the `tolerations` allow, e.g. a log shipper or a
 * node-level metrics agent.
 *
 * Pods are Pod Security *restricted*: no host ports, host network or host paths (an agent that
 * needs the host is not a restricted workload and does not belong in this pattern). Containers
 * default to the SMALL resource preset, since every node pays for them. Updates roll one node
 * at a time. With `nodeLocalService`, a Service with `internalTrafficPolicy: Local` routes each
 * client to the daemon on its own node.
 */
export class DaemonService extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: kplus.DaemonSet;
  /** The node-local Service, when `nodeLocalService` is set. */
  public readonly service?: kplus.Service;
  /** The update strategy. */
  public readonly updateStrategy: DaemonUpdateStrategy;

  constructor(scope: Construct, id: string, props: DaemonServiceProps) {
    super(scope, id);
    validateProps(this, props, ['containers']);
    validateList(this, 'containers', props.containers).forEach((c, i) => required(this, `containers[${i}]`, c, 'container props with at least image'));
    props.containers.forEach((c, i) => (Array.isArray(c.ports) ? c.ports : []).forEach((p, j) => {
      if (p?.hostPort !== undefined) {
        invalid(this, `containers[${i}].ports[${j}].hostPort`, p.hostPort,
          'must be unset: host ports are not allowed by Pod Security "restricted"; use nodeLocalService to reach the daemon on its node');
      }
    }));
    const nodeSelector = props.nodeSelector ?? {};
    if (typeof nodeSelector !== 'object' || Array.isArray(nodeSelector)) {
      invalid(this, 'nodeSelector', nodeSelector, 'must be an object of node label keys and values');
    }
    for (const [key, value] of Object.entries(nodeSelector)) {
      validateLabelKey(this, 'nodeSelector', key);
      validateLabelValue(this, `nodeSelector["${key}"]`, value);
    }
    if (props.updateStrategy !== undefined && !(props.updateStrategy instanceof DaemonUpdateStrategy)) {
      invalid(this, 'updateStrategy', props.updateStrategy, 'must be a DaemonUpdateStrategy: DaemonUpdateStrategy.rollingUpdate() or DaemonUpdateStrategy.onDelete()');
    }
    (props.tolerations === undefined ? [] : validateList(this, 'tolerations', props.tolerations)).forEach((t, i) => {
      if (!(t instanceof kplus.NodeTaintQuery)) invalid(this, `tolerations[${i}]`, t, 'must be a kplus.NodeTaintQuery, e.g. NodeTaintQuery.exists(key) or NodeTaintQuery.any()');
    });
    if (props.nodeLocalService !== undefined && typeof props.nodeLocalService !== 'boolean') {
      invalid(this, 'nodeLocalService', props.nodeLocalService, 'must be true or false');
    }
    this.updateStrategy = props.updateStrategy ?? DaemonUpdateStrategy.rollingUpdate();

    const labels = patternLabels(this, props, 'daemon-service');
    this.daemonSet = new kplus.DaemonSet(this, 'daemonset', {
      select: false,
      containers: hardenContainers(this, props, ResourcePreset.SMALL),
    });
    labelAndSelect(this.daemonSet, labels);
    // cdk8s-plus-28's DaemonSet has no update strategy.
    setManifestField(this.daemonSet, '/spec/updateStrategy', this.updateStrategy._toKube());
    if (props.tolerations && props.tolerations.length > 0) {
      this.daemonSet.scheduling.tolerate(kplus.Node.tainted(...props.tolerations));
    }
    if (Object.keys(nodeSelector).length > 0) {
      PodMutations.of(this.daemonSet).setPodField(this.node.path, 'nodeSelector', { ...nodeSelector });
    }

    if (props.nodeLocalService) {
      const ports = this.daemonSet.containers.flatMap(c => c.ports.map(p => ({ ...p, container: c.name })));
      assertUniquePodPorts(this, ports);
      if (ports.length === 0) {
        invalid(this, 'nodeLocalService', true, 'needs a container port (portNumber or ports) to route to');
      }
      const unnamed = ports.length > 1 ? ports.find(p => !p.name) : undefined;
      if (unnamed) {
        invalid(this, `ports[${unnamed.number}].name`, null, 'must be set when the pods expose several ports: a Service names each of its ports');
      }
      this.service = new kplus.Service(this, 'service', {
        ports: ports.map(p => ({ port: p.number, targetPort: p.number, name: p.name, protocol: p.protocol })),
      });
      // By the stable labels (`select(workload)` would use cdk8s-plus's address label).
      for (const [k, v] of Object.entries(this.daemonSet.matchLabels)) this.service.selectLabel(k, v);
      StandardLabels.applyTo(this.service, labels);
      // cdk8s-plus-28's Service has no internalTrafficPolicy.
      setManifestField(this.service, '/spec/internalTrafficPolicy', 'Local');
    }
  }
}

function checkPercentOrAbsolute(where: string, field: string, v: kplus.PercentOrAbsolute): void {
  const ok = typeof v.value === 'number'
    ? Number.isInteger(v.value) && v.value >= 0
    : /^\d+%$/.test(v.value) && Number(v.value.slice(0, -1)) <= 100;
  if (!ok) invalidInput(where, field, v.value, 'must be a whole number of at least 0, or a percentage from 0% to 100%');
}

function intOrString(v: kplus.PercentOrAbsolute): k8s.IntOrString {
  return typeof v.value === 'number' ? k8s.IntOrString.fromNumber(v.value) : k8s.IntOrString.fromString(v.value);
}

/** A label key; a bad prefix is named on its own. */
function validateLabelKey(scope: Construct, field: string, key: string): void {
  const slash = key.lastIndexOf('/');
  if (slash >= 0) validateDnsSubdomain(scope, `${field} key prefix`, key.slice(0, slash));
  if (!isLabelKey(key)) invalid(scope, `${field} key`, key, LABEL_KEY_ALLOWED);
}
