import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { FilledEmptyDir, fillEmptyDir } from '../core/filled-empty-dir';
import { PodMutations } from '../core/pod-mutations';
import { ResourcePreset } from '../core/resource-preset';
import { invalid, validateAbsolutePath, validateDnsLabel, validateList } from '../core/validation';

/**
 * What the configuration pod patterns share: an init container that writes files into an
 * emptyDir, which application containers mount read-only.
 */
export interface ConfigInitMount extends Pick<FilledEmptyDir, 'workload' | 'initContainer' | 'copyFrom' | 'initMountPath' | 'mountPath' | 'volumeName' | 'security'> {
  /** @default - every container of the workload that a pod pattern did not add */
  readonly containers?: string[];
  /** @default Size.mebibytes(64) */
  readonly sizeLimit?: Size;
  /** @default ResourcePreset.MICRO */
  readonly resources?: ResourcePreset;
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
  const readers = targetContainers(scope, opts.workload, opts.containers);
  const filled = fillEmptyDir(scope, {
    ...opts,
    readers,
    volumeId: 'config-volume',
    sizeLimit: opts.sizeLimit ?? Size.mebibytes(64),
    resources: opts.resources ?? ResourcePreset.MICRO,
    fields: { container: 'initContainer', containerName: 'initContainerName', initMountPath: 'initMountPath' },
  });
  return { ...filled, mountedInto: readers };
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
