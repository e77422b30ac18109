import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerKind, hardenedContainerProps } from './container-defaults';
import { ContainerRank, PodMutations } from './pod-mutations';
import { ResourcePreset } from './resource-preset';
import { ContainerSecurityOptions } from './security';
import { invalid, wholeMebibytes } from './validation';

/** The props fields a pattern's errors name: each pattern names its own. */
export interface FilledEmptyDirFields {
  /** The init container's props, e.g. `initContainer`. */
  readonly container: string;
  /** The init container's name, e.g. `initContainerName`. */
  readonly containerName: string;
  /** The init container's mount of the emptyDir, e.g. `initMountPath`. */
  readonly initMountPath: string;
}

/**
 * An init container that writes files into a fresh emptyDir before the application starts, and
 * the containers that then read them.
 */
export interface FilledEmptyDir {
  readonly workload: kplus.AbstractPod;
  /** The init container: its name and image, and a command or args that write into `initMountPath`. */
  readonly initContainer: kplus.ContainerProps;
  /**
   * A directory of the init container's image to copy into the emptyDir: unless the init
   * container has a command, it runs `cp -R <copyFrom>/. <initMountPath>/` (the image needs a `cp`).
   * @default - no copy: the init container's own command or args fill the emptyDir
   */
  readonly copyFrom?: string;
  /** Where the init container mounts the emptyDir (writable). */
  readonly initMountPath: string;
  /** The containers that mount the emptyDir read-only at `mountPath`. */
  readonly readers: kplus.Container[];
  readonly mountPath: string;
  /** The id of the volume construct in the pattern's scope. */
  readonly volumeId: string;
  readonly volumeName: string;
  /** The emptyDir's cap (the pod is evicted when the files grow past it). */
  readonly sizeLimit: Size;
  readonly resources: ResourcePreset;
  readonly security?: ContainerSecurityOptions;
  readonly fields: FilledEmptyDirFields;
}

/** What `fillEmptyDir` created. */
export interface FilledEmptyDirResult {
  readonly initContainer: kplus.Container;
  readonly volume: kplus.Volume;
}

/**
 * The one place for configuration and data written before the application starts
 * (ImmutableConfigImage, ConfigTemplate, DataImage in COPY mode): a hardened init container,
 * ranked with the configuration writers, fills a capped emptyDir it mounts writable, and the
 * readers mount that emptyDir read-only; with `copyFrom` the init container copies a directory of
 * its own image.
 */
export function fillEmptyDir(scope: Construct, fill: FilledEmptyDir): FilledEmptyDirResult {
  if (fill.copyFrom !== undefined && (fill.copyFrom === fill.initMountPath || fill.copyFrom.startsWith(`${fill.initMountPath}/`))) {
    invalid(scope, 'sourcePath', fill.copyFrom, `must lie outside ${fill.initMountPath}, where the init container mounts the emptyDir it copies into`);
  }
  wholeMebibytes(scope, 'sizeLimit', fill.sizeLimit);
  const container = fill.copyFrom === undefined || fill.initContainer.command !== undefined
    ? fill.initContainer
    : { ...fill.initContainer, command: ['cp', '-R', `${fill.copyFrom.replace(/\/$/, '')}/.`, `${fill.initMountPath}/`] };
  const hardened = hardenedContainerProps(scope, fill.fields.container, container, {
    preset: fill.resources,
    security: fill.security,
    kind: ContainerKind.INIT,
  });
  const mutations = PodMutations.of(fill.workload);
  const initContainer = mutations.addContainer(scope, fill.fields.container, hardened, ContainerRank.CONFIGURATION, {
    init: true, helper: false, nameField: fill.fields.containerName,
  });
  const volume = kplus.Volume.fromEmptyDir(scope, fill.volumeId, fill.volumeName, { sizeLimit: fill.sizeLimit });
  mutations.mount(scope, fill.fields.initMountPath, initContainer, fill.initMountPath, volume, {}, 'volumeName');
  for (const reader of fill.readers) mutations.mount(scope, 'mountPath', reader, fill.mountPath, volume, { readOnly: true }, 'volumeName');
  return { initContainer, volume };
}
