import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ROLLS_PODS, addConfigInitMount } from './config-mount';
import { validateWorkload } from '../core/pod-attachment';
import { ResourcePreset } from '../core/resource-preset';
import { ContainerSecurityOptions } from '../core/security';
import { invalid, validateAbsolutePath, validatePinnedImage, validateProps } from '../core/validation';

/** Where the init container mounts the emptyDir it copies the configuration into. */
const COPY_TARGET = '/immutable-config';

/**
 * Props of `ImmutableConfigImage`.
 */
export interface ImmutableConfigImageProps {
  /**
   * The workload (any cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod, or
   * one of this library's) whose containers get the configuration.
   */
  readonly workload: kplus.AbstractPod;

  /**
   * The configuration image, pinned to a tag or digest, e.g. `shop/config-prod:1.4.0`. Give
   * either this or `images` with `environment`.
   * @default - `images[environment]`
   */
  readonly image?: string;

  /**
   * One configuration image per environment, e.g. `{ dev: 'shop/config-dev:7', prod:
   * 'shop/config-prod:7' }`; `environment` picks one. The rest of the pod is the same in every
   * environment.
   * @default - use `image`
   */
  readonly images?: { [environment: string]: string };

  /**
   * The key of `images` to use, e.g. `prod`.
   * @default - required with `images`
   */
  readonly environment?: string;

  /**
   * The directory inside the configuration image whose contents are copied.
   * @default '/config'
   */
  readonly sourcePath?: string;

  /**
   * Where the application containers see the configuration (mounted read-only).
   * @default '/config'
   */
  readonly mountPath?: string;

  /**
   * The application containers that mount the configuration.
   * @default - every container of the workload that a pod pattern did not add
   */
  readonly containers?: string[];

  /**
   * The init container's command. It must copy the configuration into `/immutable-config`,
   * where the shared emptyDir is mounted in the init container.
   * @default ['cp', '-R', '<sourcePath>/.', '/immutable-config/'] (the image needs a `cp`, e.g. a busybox base)
   */
  readonly copyCommand?: string[];

  /**
   * The name of the init container.
   * @default 'config-image'
   */
  readonly initContainerName?: string;

  /**
   * The name of the emptyDir volume.
   * @default - `<initContainerName>`
   */
  readonly volumeName?: string;

  /**
   * Cap the emptyDir's size; the pod is evicted when the configuration grows past it.
   * @default Size.mebibytes(64)
   */
  readonly sizeLimit?: Size;

  /**
   * Resources of the init container.
   * @default ResourcePreset.MICRO
   */
  readonly resources?: ResourcePreset;

  /**
   * How the init container is locked down (always Pod Security *restricted*). The files of the
   * configuration image must be readable by this UID.
   * @default - UID/GID 65532, read-only root filesystem, no capabilities
   */
  readonly security?: ContainerSecurityOptions;
}

/**
 * Immutable Configuration (Kubernetes Patterns): configuration shipped as its own container
 * image, versioned by tag or digest and distributed through the registry like the application.
 *
 * An init container from the configuration image copies its files into an emptyDir before the
 * application starts; the application containers mount that emptyDir read-only. The
 * configuration image is part of the pod template, so a new configuration image rolls the pods,
 * and rolling back the workload rolls back the configuration with it. Per-environment images
 * (`images` + `environment`) keep one program for dev and prod.
 */
export class ImmutableConfigImage extends Construct {
  /** The init container that copies the configuration. */
  public readonly initContainer: kplus.Container;

  /** The emptyDir the configuration is copied into. */
  public readonly volume: kplus.Volume;

  /** The configuration image in use. */
  public readonly image: string;

  /** Where the application containers see the configuration. */
  public readonly mountPath: string;

  /** The workload the configuration was added to. */
  public readonly workload: kplus.AbstractPod;

  constructor(scope: Construct, id: string, props: ImmutableConfigImageProps) {
    super(scope, id);
    validateProps(this, props, ['workload']);
    this.workload = validateWorkload(this, props.workload);
    this.image = validatePinnedImage(this, 'image', selectImage(this, props), ROLLS_PODS);
    for (const c of [...props.workload.containers, ...props.workload.initContainers]) {
      if (c.image === this.image) {
        invalid(this, 'image', this.image, `must differ from the image of container ${c.name}: the configuration ships in its own image, apart from the application`);
      }
    }
    const sourcePath = validateAbsolutePath(this, 'sourcePath', props.sourcePath ?? '/config');
    this.mountPath = props.mountPath ?? '/config';
    if (props.copyCommand !== undefined && (!Array.isArray(props.copyCommand) || props.copyCommand.length === 0 || props.copyCommand.some(a => typeof a !== 'string'))) {
      invalid(this, 'copyCommand', props.copyCommand, 'must hold at least the executable (leave it unset for cp -R)');
    }
    const name = props.initContainerName ?? 'config-image';
    // workload, containers, sizeLimit, resources and security pass through unchanged.
    const result = addConfigInitMount(this, {
      ...props,
      initContainer: { name, image: this.image, command: props.copyCommand },
      copyFrom: sourcePath,
      initMountPath: COPY_TARGET,
      mountPath: this.mountPath,
      volumeName: props.volumeName ?? name,
    });
    this.initContainer = result.initContainer;
    this.volume = result.volume;
  }
}

function selectImage(scope: Construct, props: ImmutableConfigImageProps): string {
  if (props.image !== undefined) {
    if (props.images !== undefined || props.environment !== undefined) {
      invalid(scope, 'image', props.image, 'must not be combined with images or environment: give one image, or per-environment images and the environment to use');
    }
    return props.image;
  }
  if (props.images === undefined) {
    invalid(scope, 'image', undefined, 'must be given, or images with environment');
  }
  const envs = Object.keys(props.images).sort();
  if (envs.length === 0) invalid(scope, 'images', props.images, 'must map at least one environment to an image');
  if (props.environment === undefined || !envs.includes(props.environment)) {
    invalid(scope, 'environment', props.environment ?? null, `must be one of the keys of images: ${envs.join(', ')}`);
  }
  return props.images[props.environment];
}
