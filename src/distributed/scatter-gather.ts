import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StatefulService, VolumeClaimTemplate } from '../behavioral/stateful-service';
import { validateContainerProps } from '../core/container-defaults';
import { StandardLabels } from '../core/labels';
import { INetworkClient, NetworkFlow } from '../core/network-flow';
import { mergeSecurityContext, validateSecurityOptions } from '../core/security';
import { invalid, validateBoolean, validatePort, validatePositiveInt, validateProps } from '../core/validation';
import { HighAvailabilityDefaults, WorkloadOptions, hardenContainers, labelAndSelect, patternLabels } from '../core/workload-pattern';
import { HighlyAvailable } from '../scaling/highly-available';

/** The most leaves a ScatterGather runs: the root's `LEAF_ADDRESSES` lists every one of them. */
const MAX_LEAVES = 1000;

/** The pod label the StatefulSet controller sets to the pod's ordinal (Kubernetes 1.28+). */
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/**
 * Props of `ScatterGather`.
 */
export interface ScatterGatherProps extends WorkloadOptions, HighAvailabilityDefaults {
  /**
   * The root container: it takes a request on its port, sends it to every leaf
   * (`LEAF_ADDRESSES`) in parallel, waits at most `LEAF_TIMEOUT_MS` for each, and merges the
   * answers. It must serve one port (or name it in `rootPort`) and have a readiness probe, which
   * should not depend on the leaves: a root that answers with the leaves it reached is more
   * useful than one taken out of the Service.
   */
  readonly root: kplus.ContainerProps;

  /**
   * The leaf container: it answers for its share of the data, leaf `LEAF_INDEX` of `LEAF_COUNT`.
   * It must serve one port (or name it in `leafPort`) and have a readiness probe: a leaf that is
   * not ready has no DNS record, and the root sees it missing.
   */
  readonly leaf: kplus.ContainerProps;

  /**
   * The number of leaves (pods of the leaf StatefulSet), fixed at synthesis: the root's
   * configuration lists each of them, so changing it rolls the root. Do not autoscale the
   * leaves: a leaf added behind the root's back is never asked, a removed one is reported missing.
   * @default 3
   */
  readonly leaves?: number;

  /**
   * Replicas of the root Deployment. The root holds no state, so any replica can serve a request.
   * @default 2
   */
  readonly rootReplicas?: number;

  /**
   * The root container's port that the root Service publishes.
   * @default - the root container's only port (portNumber or ports)
   */
  readonly rootPort?: number;

  /**
   * The port of the root Service.
   * @default - the root port
   */
  readonly servicePort?: number;

  /**
   * The leaf container's port the root sends requests to.
   * @default - the leaf container's only port (portNumber or ports)
   */
  readonly leafPort?: number;

  /**
   * How long the root waits for a leaf before it answers without it (`LEAF_TIMEOUT_MS`). The
   * slowest leaf sets the latency of every request: this bounds it.
   * @default Duration.seconds(2)
   */
  readonly leafTimeout?: Duration;

  /**
   * Per-leaf persistent volumes, e.g. for a leaf's partition of an index.
   * @default - none: each leaf builds or fetches its partition at start
   */
  readonly leafVolumeClaimTemplates?: VolumeClaimTemplate[];
}

/**
 * Scatter/gather (Burns & Oppenheimer; Burns, *Designing Distributed Systems*): a root that
 * fans each request out to N leaves and merges their answers, so that a request over more data
 * than one machine holds (or computes in time) is answered in parallel.
 *
 * The root is a Deployment behind a ClusterIP Service, the entry point. The leaves are a
 * `StatefulService`: a StatefulSet behind a headless Service, so each leaf has a stable DNS name,
 * `<statefulset>-<i>.<headless service>`, and a stable ordinal, its share of the data. The
 * pattern writes the wiring into the containers' environment:
 * - root: `LEAF_ADDRESSES` (every leaf's `host:port`, in ordinal order), `LEAF_COUNT`,
 *   `LEAF_SERVICE` (the headless Service), `LEAF_PORT`, `LEAF_TIMEOUT_MS`;
 * - leaves: `LEAF_INDEX` (the pod's ordinal, from the `apps.kubernetes.io/pod-index` label that
 *   Kubernetes 1.28 and later set),
 *   `LEAF_NAME` (the pod's name) and `LEAF_COUNT`.
 * Both are hardened to Pod Security *restricted*; from two replicas the root, and the leaves,
 * get a PodDisruptionBudget and topology spread.
 */
export class ScatterGather extends Construct implements INetworkClient {
  /** The root's variable: every leaf's `host:port`, comma-separated, in ordinal order. */
  public static readonly ENV_LEAF_ADDRESSES = 'LEAF_ADDRESSES';
  /** The root's and the leaves' variable: the number of leaves. */
  public static readonly ENV_LEAF_COUNT = 'LEAF_COUNT';
  /** The root's variable: the headless Service of the leaves (its DNS name lists the ready leaves). */
  public static readonly ENV_LEAF_SERVICE = 'LEAF_SERVICE';
  /** The root's variable: the leaves' port. */
  public static readonly ENV_LEAF_PORT = 'LEAF_PORT';
  /** The root's variable: how long to wait for a leaf, in milliseconds. */
  public static readonly ENV_LEAF_TIMEOUT_MS = 'LEAF_TIMEOUT_MS';
  /** A leaf's variable: its ordinal, 0 to LEAF_COUNT - 1 (its share of the data). */
  public static readonly ENV_LEAF_INDEX = 'LEAF_INDEX';
  /** A leaf's variable: its pod's name (`<statefulset>-<ordinal>`), to say who answered. */
  public static readonly ENV_LEAF_NAME = 'LEAF_NAME';

  /** The root Deployment. */
  public readonly rootDeployment: kplus.Deployment;
  /** The root's ClusterIP Service: the entry point. */
  public readonly rootService: kplus.Service;
  /** The root's PodDisruptionBudget and spread, for two or more root replicas. */
  public readonly rootHighAvailability?: HighlyAvailable;
  /** The leaves: StatefulSet, headless Service and (for two or more) their PodDisruptionBudget. */
  public readonly leafSet: StatefulService;
  /** The leaves' StatefulSet. */
  public readonly leafStatefulSet: kplus.StatefulSet;
  /** The leaves' headless Service. */
  public readonly leafService: kplus.Service;
  /** The number of leaves. */
  public readonly leafCount: number;
  /** The leaves' port. */
  public readonly leafPort: number;
  /** How long the root waits for a leaf. */
  public readonly leafTimeout: Duration;
  /** Every leaf's address as the root reaches it, `<statefulset>-<i>.<headless service>:<port>`. */
  public readonly leafAddresses: string[];

  /**
   * The root reaches every leaf (for `NetworkSegmentation.allowFlowsOf`: ingress on the leaves
   * from the root's pods, egress from the root to them). Who may call the root is the
   * application's choice: allow it with `allowToService(rootService, ...)`.
   */
  public get networkFlows(): NetworkFlow[] {
    return [NetworkFlow.toService(this.rootDeployment, this.leafService, `ScatterGather ${this.node.path}: the root fans requests out to the leaves`)];
  }

  constructor(scope: Construct, id: string, props: ScatterGatherProps) {
    super(scope, id);
    validateProps(this, props, ['root', 'leaf']);
    validateSecurityOptions(this, 'security', props.security);
    for (const field of ['root', 'leaf'] as const) {
      validateContainerProps(this, field, props[field]);
      mergeSecurityContext(this, `${field}.securityContext`, props[field].securityContext, props.security);
    }
    validateBoolean(this, 'highAvailability', props.highAvailability);
    this.leafCount = validatePositiveInt(this, 'leaves', props.leaves ?? 3);
    if (this.leafCount > MAX_LEAVES) {
      invalid(this, 'leaves', this.leafCount, `must be at most ${MAX_LEAVES}: the root's ${ScatterGather.ENV_LEAF_ADDRESSES} lists every leaf`);
    }
    const rootReplicas = validatePositiveInt(this, 'rootReplicas', props.rootReplicas ?? 2);
    const rootPort = choosePort(this, 'root', props.root, props.rootPort, 'rootPort');
    this.leafPort = choosePort(this, 'leaf', props.leaf, props.leafPort, 'leafPort').number;
    const servicePort = props.servicePort === undefined ? rootPort.number : validatePort(this, 'servicePort', props.servicePort);
    this.leafTimeout = props.leafTimeout ?? Duration.seconds(2);
    const timeoutMs = wholeMilliseconds(this, 'leafTimeout', this.leafTimeout);
    const count = kplus.EnvValue.fromValue(String(this.leafCount));

    const labels = patternLabels(this, props, 'root');
    // The leaves first: their names are the root's configuration.
    this.leafSet = new StatefulService(this, 'leaves', {
      appName: labels.name,
      partOf: props.partOf,
      resources: props.resources,
      security: props.security,
      writablePaths: props.writablePaths,
      highAvailability: props.highAvailability,
      replicas: this.leafCount,
      // Leaves are independent: no reason to start them one after the other.
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      volumeClaimTemplates: props.leafVolumeClaimTemplates,
      containers: [withEnv(this, 'leaf', { name: 'leaf', ...props.leaf }, {
        [ScatterGather.ENV_LEAF_INDEX]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_LABEL, { key: POD_INDEX_LABEL }),
        [ScatterGather.ENV_LEAF_NAME]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
        [ScatterGather.ENV_LEAF_COUNT]: count,
      })],
    });
    this.leafStatefulSet = this.leafSet.statefulSet;
    this.leafService = this.leafSet.headlessService;
    this.leafAddresses = this.leafSet.podDnsNames().map(host => `${host}:${this.leafPort}`);

    // The root.
    const root = withEnv(this, 'root', { name: 'root', ...props.root }, {
      [ScatterGather.ENV_LEAF_ADDRESSES]: kplus.EnvValue.fromValue(this.leafAddresses.join(',')),
      [ScatterGather.ENV_LEAF_COUNT]: count,
      [ScatterGather.ENV_LEAF_SERVICE]: kplus.EnvValue.fromValue(this.leafService.name),
      [ScatterGather.ENV_LEAF_PORT]: kplus.EnvValue.fromValue(String(this.leafPort)),
      [ScatterGather.ENV_LEAF_TIMEOUT_MS]: kplus.EnvValue.fromValue(String(timeoutMs)),
    });
    this.rootDeployment = new kplus.Deployment(this, 'root', {
      replicas: rootReplicas,
      select: false,
      containers: hardenContainers(this, { ...props, containers: [root] }),
    });
    labelAndSelect(this.rootDeployment, labels);
    this.rootService = new kplus.Service(this, 'root-service', {
      ports: [{ port: servicePort, targetPort: rootPort.number, name: rootPort.name ?? 'http' }],
    });
    for (const [k, v] of Object.entries(this.rootDeployment.matchLabels)) this.rootService.selectLabel(k, v);
    StandardLabels.applyTo(this.rootService, labels);
    if (rootReplicas >= 2 && props.highAvailability !== false) {
      this.rootHighAvailability = new HighlyAvailable(this, 'root-high-availability', { workload: this.rootDeployment, replicas: rootReplicas, labels });
    }
  }
}

/** The one port of a container, or the one `chosen` names; fails naming the field. */
function choosePort(
  scope: Construct, field: string, props: kplus.ContainerProps, chosen: number | undefined, chosenField: string,
): { number: number; name?: string } {
  const ports = [
    ...(props.ports ?? []).map(p => ({ number: p.number, name: p.name })),
    ...(props.portNumber !== undefined ? [{ number: props.portNumber, name: undefined }] : []),
  ];
  if (chosen !== undefined) {
    validatePort(scope, chosenField, chosen);
    const port = ports.find(p => p.number === chosen);
    if (!port) invalid(scope, chosenField, chosen, `must be a port of the ${field} container: ${ports.map(p => p.number).join(', ') || 'it has none'}`);
    return port;
  }
  if (ports.length !== 1) {
    invalid(scope, `${field}.ports`, ports.map(p => p.number),
      `must be exactly one port (portNumber or ports), or name the one the ${field === 'root' ? 'root Service publishes' : 'root sends requests to'} in ${chosenField}`);
  }
  return ports[0];
}

/** A container's props with the pattern's variables added; the container may not set them itself. */
function withEnv(scope: Construct, field: string, props: kplus.ContainerProps, env: { [name: string]: kplus.EnvValue }): kplus.ContainerProps {
  for (const name of Object.keys(props.envVariables ?? {})) {
    if (Object.keys(env).includes(name)) {
      invalid(scope, `${field}.envVariables`, name, `must not set ${Object.keys(env).join(', ')}: the pattern sets them from the leaves it creates`);
    }
  }
  return { ...props, envVariables: { ...props.envVariables, ...env } };
}

/** A duration in whole milliseconds, at least 1 ms. */
function wholeMilliseconds(scope: Construct, field: string, duration: Duration): number {
  if (!(duration instanceof Duration)) invalid(scope, field, duration, 'must be a Duration, e.g. Duration.seconds(2)');
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 1) invalid(scope, field, `${ms}ms`, 'must be a whole number of milliseconds, at least 1');
  return ms;
}
