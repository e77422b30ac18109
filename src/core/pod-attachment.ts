import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerDefaults, ContainerKind, hardenedContainerProps, mountWritableTmp } from './container-defaults';
import { ContainerProbes } from './health-probe';
import { ContainerRank, PodMutations } from './pod-mutations';
import { setProbes } from './pod-spec-fields';
import { ResourcePreset } from './resource-preset';
import { ContainerSecurityOptions } from './security';
import { invalid, validateAbsolutePath, validateBoolean, validateDnsLabel, wholeMebibytes } from './validation';

/**
 * Props shared by every pod pattern: a helper container attached to a workload that exists.
 */
export interface PodAttachmentProps {
  /**
   * The workload (any cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod,
   * or one of this library's) whose pods get the container.
   */
  readonly workload: kplus.AbstractPod;

  /**
   * The application container the pattern wires to (volumes, environment).
   * @default - the workload's first container
   */
  readonly mainContainer?: string;

  /**
   * Run the helper as a native sidecar: an init container with `restartPolicy: Always`, which
   * starts before the application containers, stops after them and does not block Job
   * completion. Needs Kubernetes 1.29 or later (beta, on by default; GA in 1.33).
   * @default false - a regular container beside the application
   */
  readonly nativeSidecar?: boolean;

  /**
   * Resources of the helper container when its props give none.
   * @default ResourcePreset.MICRO
   */
  readonly resources?: ResourcePreset;

  /**
   * How the helper container is locked down (always Pod Security *restricted*).
   * @default - UID/GID 65532, read-only root filesystem, no capabilities
   */
  readonly security?: ContainerSecurityOptions;

  /**
   * Give the helper a writable emptyDir at `/tmp` (its root filesystem is read-only).
   * @default false
   */
  readonly writableTmp?: boolean;

  /**
   * Let the containers of the pod see each other's processes (`shareProcessNamespace: true`),
   * e.g. so the helper can signal the application to reload.
   * @default false
   */
  readonly shareProcessNamespace?: boolean;
}

/**
 * Checks the workload a pod pattern attaches to: a cdk8s-plus pod-bearing workload, in the
 * pattern's chart. A pattern in another chart would create its objects (a PodDisruptionBudget,
 * a ConfigMap) in another namespace than the pods, where they select or reach nothing.
 */
export function validateWorkload<T extends kplus.AbstractPod>(scope: Construct, workload: T, kind: string = 'a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod'): T {
  if (!(workload instanceof kplus.AbstractPod)) {
    invalid(scope, 'workload', describe(workload), `must be ${kind}`);
  }
  const mine = Chart.of(scope);
  const theirs = Chart.of(workload);
  if (mine !== theirs) {
    const ns = (c: Chart) => (c.namespace ? ` (namespace ${c.namespace})` : '');
    invalid(scope, 'workload', workload.node.path, `must be in the same chart as the pattern, ${mine.node.path}${ns(mine)}, not in ${theirs.node.path}${ns(theirs)}: create the pattern in the workload's chart`);
  }
  return workload;
}

/** What a wrong value is, for an error message (a construct by its path, not its JSON). */
function describe(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'node' in (value as any)) return `${(value as any).constructor?.name} ${(value as any).node?.path}`;
  return value;
}

/**
 * Finds the application container of a workload by name, or its first container.
 */
export function findMainContainer(scope: Construct, workload: kplus.AbstractPod, name?: string): kplus.Container {
  if (name === undefined) {
    const first = workload.containers[0];
    if (!first) invalid(scope, 'workload', workload.node.path, 'must have at least one container before a pod pattern attaches to it');
    return first;
  }
  const found = workload.containers.find(c => c.name === name);
  if (!found) {
    invalid(scope, 'mainContainer', name, `must name a container of ${workload.node.path}: ${workload.containers.map(c => c.name).join(', ')}`);
  }
  return found;
}

/**
 * Adds a hardened helper container to a workload's pods, as a regular container or a native
 * sidecar, with probes and the pod options of `PodAttachmentProps`.
 */
export function attachHelperContainer(
  scope: Construct,
  props: PodAttachmentProps,
  container: kplus.ContainerProps,
  defaults: {
    readonly name: string;
    readonly probes?: ContainerProbes;
    /** Ports bound on localhost, and the fields to name when a port is taken (e.g. an Adapter's metricsPort). */
    readonly ports?: {
      readonly portField?: string; readonly portNameField?: string; readonly localPorts?: number[]; readonly localPortField?: string;
    };
  },
): kplus.Container {
  const name = container.name ?? defaults.name;
  for (const flag of ['nativeSidecar', 'writableTmp', 'shareProcessNamespace'] as const) validateBoolean(scope, flag, props[flag]);
  const native = props.nativeSidecar ?? false;
  const jobPod = props.workload instanceof kplus.Job || props.workload instanceof kplus.CronJob;
  const d: ContainerDefaults = {
    preset: props.resources ?? ResourcePreset.MICRO,
    security: props.security,
    kind: native ? ContainerKind.NATIVE_SIDECAR : jobPod ? ContainerKind.JOB : ContainerKind.REGULAR,
    readinessElsewhere: defaults.probes?.readiness !== undefined,
  };
  const hardened = hardenedContainerProps(scope, 'container', { ...container, name }, d);
  const mutations = PodMutations.of(props.workload);
  const added = mutations.addContainer(scope, 'container', native ? { ...hardened, restartPolicy: kplus.ContainerRestartPolicy.ALWAYS } : hardened,
    ContainerRank.HELPER, { init: native, helper: true, ...defaults.ports });
  if (props.writableTmp) mountWritableTmp(scope, props.workload, added);
  if (defaults.probes) setProbes(scope, props.workload, name, defaults.probes);
  if (props.shareProcessNamespace) mutations.setPodField(scope.node.path, 'shareProcessNamespace', true);
  return added;
}

/**
 * How a helper container and the application container share an emptyDir.
 */
export interface SharedEmptyDir {
  readonly name: string;
  readonly helperMountPath: string;
  readonly mainMountPath: string;
  readonly helperReadOnly: boolean;
  readonly mainReadOnly: boolean;
  readonly sizeLimit?: Size;
}

/**
 * Creates an emptyDir and mounts it into both the helper and the application container.
 */
export function shareEmptyDir(
  scope: Construct, workload: kplus.AbstractPod, field: string, helper: kplus.Container, main: kplus.Container, share: SharedEmptyDir,
): kplus.Volume {
  validateAbsolutePath(scope, `${field} mount path`, share.helperMountPath);
  validateAbsolutePath(scope, `${field} mount path`, share.mainMountPath);
  validateDnsLabel(scope, `${field}.name`, share.name);
  if (share.sizeLimit !== undefined) wholeMebibytes(scope, `${field}.sizeLimit`, share.sizeLimit);
  validateBoolean(scope, `${field} read-only flag`, share.helperReadOnly);
  validateBoolean(scope, `${field} read-only flag`, share.mainReadOnly);
  const volume = kplus.Volume.fromEmptyDir(scope, 'shared', share.name, { sizeLimit: share.sizeLimit ?? Size.mebibytes(256) });
  const mutations = PodMutations.of(workload);
  mutations.mount(scope, `${field} mount path`, helper, share.helperMountPath, volume, { readOnly: share.helperReadOnly }, `${field}.name`);
  mutations.mount(scope, `${field} mount path`, main, share.mainMountPath, volume, { readOnly: share.mainReadOnly });
  return volume;
}
