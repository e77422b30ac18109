import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerDefaults, ContainerKind, hardenedContainerProps } from '../core/container-defaults';
import { ContainerRank, PodMutations } from '../core/pod-mutations';
import { ResourcePreset } from '../core/resource-preset';
import { ContainerSecurityOptions } from '../core/security';
import { invalid, validateAbsolutePath, validateDnsLabel, validateList, wholeMebibytes } from '../core/validation';

/**
 * What the configuration pod patterns share: an init container that writes files into an
 * emptyDir, which application containers mount read-only.
 */
export interface ConfigInitMount {
  readonly workload: kplus.AbstractPod;
  readonly initContainer: kplus.ContainerProps;
  readonly initMountPath: string;
  readonly mountPath: string;
  readonly containers?: string[];
  readonly volumeName: string;
  readonly sizeLimit?: Size;
  readonly resources?: ResourcePreset;
  readonly security?: ContainerSecurityOptions;
}

/** What `addConfigInitMount` created. */
export interface ConfigInitMountResult {
  readonly initContainer: kplus.Container;
  readonly volume: kplus.Volume;
  readonly mountedInto: kplus.Container[];
}

/**
 * Adds a hardened init container that writes into a fresh emptyDir, and mounts that emptyDir
 * read-only into the chosen application containers (all of the user's, by default).
 */
export function addConfigInitMount(scope: Construct, opts: ConfigInitMount): ConfigInitMountResult {
  const name = opts.initContainer.name!;
  validateDnsLabel(scope, 'initContainerName', name);
  validateAbsolutePath(scope, 'mountPath', opts.mountPath);
  validateDnsLabel(scope, 'volumeName', opts.volumeName);
  const targets = targetContainers(scope, opts.workload, opts.containers);

  const d: ContainerDefaults = { preset: opts.resources ?? ResourcePreset.MICRO, security: opts.security, kind: ContainerKind.INIT };
  const hardened = hardenedContainerProps(scope, 'initContainer', opts.initContainer, d);
  const mutations = PodMutations.of(opts.workload);
  const initContainer = mutations.addContainer(scope, 'initContainer', hardened, ContainerRank.CONFIGURATION, { init: true, helper: false, nameField: 'initContainerName' });
  if (opts.sizeLimit !== undefined) wholeMebibytes(scope, 'sizeLimit', opts.sizeLimit);
  const volume = kplus.Volume.fromEmptyDir(scope, 'config-volume', opts.volumeName, { sizeLimit: opts.sizeLimit ?? Size.mebibytes(64) });
  mutations.mount(scope, 'initMountPath', initContainer, opts.initMountPath, volume, {}, 'volumeName');
  for (const c of targets) mutations.mount(scope, 'mountPath', c, opts.mountPath, volume, { readOnly: true });
  return { initContainer, volume, mountedInto: targets };
}

/** The named application containers, or every container the user wrote. */
export function targetContainers(scope: Construct, workload: kplus.AbstractPod, names?: string[]): kplus.Container[] {
  const app = workload.containers.filter(c => !PodMutations.isHelper(workload, c.name));
  if (names === undefined) {
    if (app.length === 0) invalid(scope, 'workload', workload.node.path, 'must have at least one container before a pod pattern attaches to it');
    return app;
  }
  validateList(scope, 'containers', names);
  if (names.length === 0) invalid(scope, 'containers', names, 'must name at least one container (leave it unset for all of them)');
  return names.map(n => {
    const found = workload.containers.find(c => c.name === n);
    if (!found) invalid(scope, 'containers', n, `must name a container of ${workload.node.path}: ${workload.containers.map(c => c.name).join(', ')}`);
    return found;
  });
}

/** Why the configuration patterns pin their images. */
export const ROLLS_PODS = 'so that a new configuration is a new image reference and rolls the pods';
