import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { ContainerProbes } from './health-probe';
import { PodMutations } from './pod-mutations';
import { podTemplatePath } from './pod-spec';
import { invalidInput, wholeSeconds } from './validation';

/**
 * Which nodes a topology spread constraint balances over.
 */
export enum TopologyKey {
  /** One bucket per node (`kubernetes.io/hostname`). */
  HOSTNAME = 'kubernetes.io/hostname',
  /** One bucket per zone (`topology.kubernetes.io/zone`). */
  ZONE = 'topology.kubernetes.io/zone',
}

/**
 * One `topologySpreadConstraints` entry, selecting the workload's own pods.
 */
export interface TopologySpread {
  /** The node label whose values form the buckets. */
  readonly topologyKey: TopologyKey;

  /**
   * The largest allowed difference in pod count between two buckets.
   * @default 1
   */
  readonly maxSkew?: number;

  /**
   * Refuse to schedule a pod that would break the spread, instead of preferring not to.
   * @default false - ScheduleAnyway, so a single-zone cluster still runs every replica
   */
  readonly hard?: boolean;
}

/**
 * Pod-spec and container fields that cdk8s-plus-28 does not model (gRPC probes,
 * `shareProcessNamespace`, `topologySpreadConstraints`, `terminationGracePeriodSeconds` on an
 * existing workload, `preStop` hooks, probes of native sidecars), for workloads that exist.
 *
 * Each call is a contribution to the workload's pod mutations (the same layer the pod patterns
 * use): containers are found by name, the fields are written when the chart synthesizes,
 * and a field that a pattern, an earlier call or the container itself already set to another
 * value fails synthesis naming both.
 */
export class PodSpecFields {
  /**
   * The JSON-pointer path of the pod spec inside a workload's manifest.
   */
  public static podSpecPath(workload: kplus.AbstractPod): string {
    const path = podTemplatePath(ApiObject.of(workload).kind) ?? ['spec', 'template'];
    return ['', ...path, 'spec'].join('/');
  }

  /**
   * Sets any pod-spec field, by its name in the manifest (use the typed methods where one
   * exists). Fields newer than Kubernetes 1.28 are kept.
   */
  public static setPodSpecField(workload: kplus.AbstractPod, field: string, value: any): void {
    PodMutations.of(workload).setPodField(caller(workload, 'setPodSpecField'), field, value);
  }

  /**
   * Lets the containers of a pod see and signal each other's processes
   * (`shareProcessNamespace: true`), e.g. for a sidecar that reloads the main process.
   */
  public static shareProcessNamespace(workload: kplus.AbstractPod): void {
    PodMutations.of(workload).setPodField(caller(workload, 'shareProcessNamespace'), 'shareProcessNamespace', true);
  }

  /**
   * How long pods get between SIGTERM and SIGKILL.
   */
  public static setTerminationGracePeriod(workload: kplus.AbstractPod, grace: Duration): void {
    const seconds = wholeSeconds(workload, 'terminationGracePeriod', grace, 0);
    PodMutations.of(workload).setPodField(caller(workload, 'setTerminationGracePeriod'), 'terminationGracePeriodSeconds', seconds);
  }

  /**
   * Spreads the workload's pods over nodes or zones; the label selector is the workload's own.
   */
  public static addTopologySpread(workload: kplus.Workload, spread: TopologySpread): void {
    addTopologySpread(caller(workload, 'addTopologySpread'), workload, spread);
  }

  /**
   * Sets the liveness, readiness and startup probes of one container (regular or init).
   */
  public static setProbes(workload: kplus.AbstractPod, containerName: string, probes: ContainerProbes): void {
    setProbes(caller(workload, 'setProbes'), workload, containerName, probes);
  }

  /**
   * Runs `command` before the container is stopped, e.g. a short sleep so that endpoints are
   * removed before the process stops accepting connections.
   */
  public static setPreStop(workload: kplus.AbstractPod, containerName: string, command: string[]): void {
    setPreStop(caller(workload, 'setPreStop'), workload, containerName, command);
  }

  /**
   * Sets the kubelet's built-in sleep as a container's preStop hook (`lifecycle.preStop.sleep`,
   * Kubernetes 1.30 or later): the pause before SIGTERM without a `sleep` program in the image
   * (distroless and static images have none). Keeps a postStart hook the container has.
   */
  public static setPreStopSleep(workload: kplus.AbstractPod, containerName: string, seconds: number): void {
    setPreStopSleep(caller(workload, 'setPreStopSleep'), workload, containerName, seconds);
  }

  /**
   * Sets any field of one container, found by name among the containers and init containers;
   * `field` is its name in the manifest, nested fields separated by "/" or "."
   * (`lifecycle/preStop`).
   */
  public static setContainerField(workload: kplus.AbstractPod, containerName: string, field: string, value: any): void {
    PodMutations.of(workload).setContainerField(caller(workload, 'setContainerField'), containerName, field.split('/').join('.'), value);
  }
}

/** The party a direct call of PodSpecFields is reported as. */
function caller(workload: kplus.AbstractPod, method: string): string {
  return `${workload.node.path} (PodSpecFields.${method})`;
}

/** Spreads a workload's pods over a topology key, for `by`. */
export function addTopologySpread(by: string, workload: kplus.Workload, spread: TopologySpread): void {
  const maxSkew = spread.maxSkew ?? 1;
  if (typeof maxSkew !== 'number' || !Number.isInteger(maxSkew) || maxSkew < 1) {
    invalidInput(by, 'topologySpread.maxSkew', maxSkew, 'must be a whole number of at least 1');
  }
  PodMutations.of(workload).addTopologySpread(by, {
    maxSkew,
    topologyKey: spread.topologyKey,
    whenUnsatisfiable: spread.hard ? 'DoNotSchedule' : 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...workload.matchLabels } },
  });
}

/** Sets the probes of a container, for `by`. */
export function setProbes(by: IConstruct | string, workload: kplus.AbstractPod, containerName: string, probes: ContainerProbes): void {
  const m = PodMutations.of(workload);
  if (probes.liveness) m.setContainerField(by, containerName, 'livenessProbe', probes.liveness.toJson(false));
  if (probes.readiness) m.setContainerField(by, containerName, 'readinessProbe', probes.readiness.toJson(true));
  if (probes.startup) m.setContainerField(by, containerName, 'startupProbe', probes.startup.toJson(false));
}

/** Sets a preStop command, for `by`; fails on an empty command. */
export function setPreStop(by: IConstruct | string, workload: kplus.AbstractPod, containerName: string, command: string[]): void {
  if (!Array.isArray(command) || command.length === 0 || command.some(a => typeof a !== 'string')) {
    invalidInput(typeof by === 'string' ? by : by.node.path, `preStop of container ${containerName}`, command, 'give at least the program to run, as a list of strings');
  }
  PodMutations.of(workload).setContainerField(by, containerName, 'lifecycle.preStop', { exec: { command: [...command] } });
}

/** Sets a preStop sleep action, for `by`; fails unless whole seconds of at least 1. */
export function setPreStopSleep(by: IConstruct | string, workload: kplus.AbstractPod, containerName: string, seconds: number): void {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
    invalidInput(typeof by === 'string' ? by : by.node.path, `preStop sleep of container ${containerName}`, seconds, 'must be a whole number of seconds, at least 1');
  }
  PodMutations.of(workload).setContainerField(by, containerName, 'lifecycle.preStop', { sleep: { seconds } });
}
