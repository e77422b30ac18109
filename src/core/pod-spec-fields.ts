import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { ContainerProbes } from './health-probe';
import { invalid } from './validation';

/** Where an ApiObject keeps the patches applied after its 1.28 serialization. */
const LATE_PATCHES = Symbol.for('cdk8s-patterns.late-patches');

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
 * The one place where this library writes pod-spec and container fields that cdk8s-plus-28
 * does not model: gRPC probes, `shareProcessNamespace`, `topologySpreadConstraints`,
 * `terminationGracePeriodSeconds` on an existing workload, `preStop` hooks and native-sidecar
 * probes. Every field is written as a JSON patch on the workload's API object, at a path that
 * depends on its kind (Pod, CronJob or a workload with a pod template).
 */
export class PodSpecFields {
  /**
   * The JSON-pointer path of the pod spec inside a workload's manifest.
   */
  public static podSpecPath(workload: kplus.AbstractPod): string {
    const kind = ApiObject.of(workload).kind;
    switch (kind) {
      case 'Pod': return '/spec';
      case 'CronJob': return '/spec/jobTemplate/spec/template/spec';
      default: return '/spec/template/spec';
    }
  }

  /**
   * Sets any pod-spec field (use the typed methods where one exists). The field must be one
   * Kubernetes 1.28 knows: cdk8s-plus's typed serializer silently drops unknown names.
   */
  public static setPodSpecField(workload: kplus.AbstractPod, field: string, value: any): void {
    ApiObject.of(workload).addJsonPatch(JsonPatch.add(`${PodSpecFields.podSpecPath(workload)}/${field}`, value));
  }

  /**
   * Lets the containers of a pod see and signal each other's processes
   * (`shareProcessNamespace: true`), e.g. for a sidecar that reloads the main process.
   */
  public static shareProcessNamespace(workload: kplus.AbstractPod): void {
    PodSpecFields.setPodSpecField(workload, 'shareProcessNamespace', true);
  }

  /**
   * How long pods get between SIGTERM and SIGKILL.
   */
  public static setTerminationGracePeriod(workload: kplus.AbstractPod, grace: Duration): void {
    const seconds = grace.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 0) {
      invalid(workload, 'terminationGracePeriod', seconds, 'must be a whole number of seconds, at least 0');
    }
    PodSpecFields.setPodSpecField(workload, 'terminationGracePeriodSeconds', seconds);
  }

  /**
   * Spreads the workload's pods over nodes or zones; the label selector is the workload's own.
   */
  public static addTopologySpread(workload: kplus.Workload, spread: TopologySpread): void {
    const maxSkew = spread.maxSkew ?? 1;
    if (!Number.isInteger(maxSkew) || maxSkew < 1) {
      invalid(workload, 'topologySpread.maxSkew', maxSkew, 'must be a whole number of at least 1');
    }
    let list = SPREADS.get(workload);
    if (!list) {
      list = [];
      SPREADS.set(workload, list);
      // One patch holds the list; later calls add to the same array before synthesis.
      PodSpecFields.setPodSpecField(workload, 'topologySpreadConstraints', list);
    }
    if (list.some(c => c.topologyKey === spread.topologyKey)) {
      invalid(workload, 'topologySpread.topologyKey', spread.topologyKey, 'may be spread over once per workload');
    }
    list.push({
      maxSkew,
      topologyKey: spread.topologyKey,
      whenUnsatisfiable: spread.hard ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...workload.matchLabels } },
    });
  }

  /**
   * Sets the liveness, readiness and startup probes of one container (regular or init).
   */
  public static setProbes(workload: kplus.AbstractPod, containerName: string, probes: ContainerProbes): void {
    if (probes.liveness) PodSpecFields.setContainerField(workload, containerName, 'livenessProbe', forL1(probes.liveness.toJson(false)));
    if (probes.readiness) PodSpecFields.setContainerField(workload, containerName, 'readinessProbe', forL1(probes.readiness.toJson(true)));
    if (probes.startup) PodSpecFields.setContainerField(workload, containerName, 'startupProbe', forL1(probes.startup.toJson(false)));
  }

  /**
   * Runs `command` before the container is stopped, e.g. a short sleep so that endpoints are
   * removed before the process stops accepting connections.
   */
  public static setPreStop(workload: kplus.AbstractPod, containerName: string, command: string[]): void {
    if (command.length === 0) {
      invalid(workload, `preStop of container ${containerName}`, command, 'give at least the program to run');
    }
    PodSpecFields.addPreStop(workload, containerName, { exec: { command: [...command] } }, command);
  }

  /**
   * Sets the kubelet's built-in sleep as a container's preStop hook (`lifecycle.preStop.sleep`,
   * Kubernetes 1.30 or later): the pause before SIGTERM without a `sleep` program in the image
   * (distroless and static images have none). Keeps a postStart hook the container has.
   */
  public static setPreStopSleep(workload: kplus.AbstractPod, containerName: string, seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1) {
      invalid(workload, `preStop sleep of container ${containerName}`, seconds, 'must be a whole number of seconds, at least 1');
    }
    PodSpecFields.addPreStop(workload, containerName, { sleep: { seconds } }, seconds, true);
  }

  /**
   * Sets any field of one container, found by name among the containers and init containers.
   */
  public static setContainerField(workload: kplus.AbstractPod, containerName: string, field: string, value: any): void {
    const where = PodSpecFields.locate(workload, containerName);
    ApiObject.of(workload).addJsonPatch(JsonPatch.add(`${PodSpecFields.podSpecPath(workload)}/${where}/${field}`, value));
  }

  /**
   * `containers/<i>` or `initContainers/<i>` of a named container. Containers are only ever
   * appended, so the index stays true until synthesis.
   */
  private static locate(workload: kplus.AbstractPod, containerName: string): string {
    const i = workload.containers.findIndex(c => c.name === containerName);
    if (i >= 0) return `containers/${i}`;
    const j = workload.initContainers.findIndex(c => c.name === containerName);
    if (j >= 0) return `initContainers/${j}`;
    const names = [...workload.containers, ...workload.initContainers].map(c => c.name);
    return invalid(workload, 'container name', containerName, `must name a container of this pod: ${names.join(', ') || '(none yet)'}`);
  }

  private static addPreStop(workload: kplus.AbstractPod, containerName: string, preStop: any, shown: any, newerThan128 = false): void {
    const container = [...workload.containers, ...workload.initContainers].find(c => c.name === containerName);
    // cdk8s-plus keeps the lifecycle it was given privately; read it to keep a postStart hook.
    const existing = (container as any)?._lifecycle;
    if (existing?.preStop) {
      invalid(workload, `preStop of container ${containerName}`, shown, 'must not replace the preStop hook the container already has');
    }
    const [field, value] = existing ? ['lifecycle/preStop', preStop] : ['lifecycle', { preStop }];
    if (newerThan128) {
      PodSpecFields.patchAfterSerialization(workload, JsonPatch.add(`${PodSpecFields.podSpecPath(workload)}/${PodSpecFields.locate(workload, containerName)}/${field}`, value));
    } else {
      PodSpecFields.setContainerField(workload, containerName, field, value);
    }
  }

  /**
   * Applies a JSON patch to the object's final JSON. The generated 1.28 classes re-serialize
   * their props through the 1.28 types, which silently drop fields added in later Kubernetes
   * versions (e.g. `lifecycle.preStop.sleep`), and JSON patches run before that step; this
   * one runs after it. The one place such a patch is made.
   */
  private static patchAfterSerialization(workload: kplus.AbstractPod, patch: JsonPatch): void {
    const obj = ApiObject.of(workload) as ApiObject & { [LATE_PATCHES]?: JsonPatch[] };
    if (!obj[LATE_PATCHES]) {
      const patches: JsonPatch[] = [];
      obj[LATE_PATCHES] = patches;
      const serialize = obj.toJson.bind(obj);
      obj.toJson = () => JsonPatch.apply(serialize(), ...patches);
    }
    obj[LATE_PATCHES]!.push(patch);
  }
}

/**
 * cdk8s-plus's generated L1 classes re-serialize a patched manifest through their typed
 * converters, which read an IntOrString field as `{ value }` and silently drop a bare number
 * (a known cdk8s behaviour). Probe ports are the IntOrString fields we patch, so wrap them.
 */
function forL1(probe: { [key: string]: any }): { [key: string]: any } {
  const out = { ...probe };
  for (const handler of ['httpGet', 'tcpSocket']) {
    if (out[handler]) out[handler] = { ...out[handler], port: k8s.IntOrString.fromNumber(out[handler].port) };
  }
  return out;
}

const SPREADS = new WeakMap<kplus.Workload, any[]>();
