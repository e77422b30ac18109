import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerDefaults, assertContainerNameFree, hardenedContainerProps, mountWritableTmp } from './container-defaults';
import { ContainerProbes } from './health-probe';
import { PodSpecFields } from './pod-spec-fields';
import { ResourcePreset } from './resource-preset';
import { ContainerSecurityOptions } from './security';
import { invalid, validateAbsolutePath, validateDnsLabel } from './validation';

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
  defaults: { readonly name: string; readonly probes?: ContainerProbes },
): kplus.Container {
  const name = container.name ?? defaults.name;
  assertContainerNameFree(scope, props.workload, 'container.name', name);
  const d: ContainerDefaults = { preset: props.resources ?? ResourcePreset.MICRO, security: props.security };
  const hardened = hardenedContainerProps(scope, 'container', { ...container, name }, d);
  const added = props.nativeSidecar
    ? props.workload.addInitContainer({ ...hardened, restartPolicy: kplus.ContainerRestartPolicy.ALWAYS })
    : props.workload.addContainer(hardened);
  HELPERS.add(added);
  if (props.writableTmp) mountWritableTmp(scope, added);
  if (defaults.probes) PodSpecFields.setProbes(props.workload, name, defaults.probes);
  if (props.shareProcessNamespace) PodSpecFields.shareProcessNamespace(props.workload);
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
export function shareEmptyDir(scope: Construct, field: string, helper: kplus.Container, main: kplus.Container, share: SharedEmptyDir): kplus.Volume {
  validateAbsolutePath(scope, `${field} mount path`, share.helperMountPath);
  validateAbsolutePath(scope, `${field} mount path`, share.mainMountPath);
  validateDnsLabel(scope, `${field}.name`, share.name);
  const volume = kplus.Volume.fromEmptyDir(scope, 'shared', share.name, { sizeLimit: share.sizeLimit ?? Size.mebibytes(256) });
  helper.mount(share.helperMountPath, volume, { readOnly: share.helperReadOnly });
  main.mount(share.mainMountPath, volume, { readOnly: share.mainReadOnly });
  return volume;
}

const HELPERS = new WeakSet<kplus.Container>();

/**
 * Whether a container was added by a pod pattern (a sidecar, ambassador or adapter) rather than
 * written by the user.
 */
export function isHelperContainer(container: kplus.Container): boolean {
  return HELPERS.has(container);
}
