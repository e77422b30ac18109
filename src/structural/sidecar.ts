import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerProbes } from '../core/health-probe';
import { PodAttachmentProps, attachHelperContainer, findMainContainer, shareEmptyDir, validateWorkload } from '../core/pod-attachment';
import { validateProps } from '../core/validation';

/**
 * An emptyDir volume that the sidecar and the application container both mount: the way the
 * two exchange files (content to serve, logs to ship, configuration to reload).
 */
export interface SharedVolumeOptions {
  /**
   * Where the sidecar mounts the volume.
   */
  readonly sidecarMountPath: string;

  /**
   * Where the application container mounts the volume.
   * @default - the same path as the sidecar
   */
  readonly mainMountPath?: string;

  /**
   * Mount the volume read-only in the application container (e.g. content a git-sync sidecar
   * writes and a web server serves).
   * @default false
   */
  readonly mainReadOnly?: boolean;

  /**
   * Mount the volume read-only in the sidecar (e.g. logs the application writes and the
   * sidecar ships).
   * @default false
   */
  readonly sidecarReadOnly?: boolean;

  /**
   * The volume's name in the pod.
   * @default - `<sidecar container name>-shared`
   */
  readonly name?: string;

  /**
   * Cap the volume's size; the pod is evicted when it grows past it.
   * @default Size.mebibytes(256)
   */
  readonly sizeLimit?: Size;
}

/**
 * Props of `Sidecar`.
 */
export interface SidecarProps extends PodAttachmentProps {
  /**
   * The sidecar container. Its security context is merged over the restricted defaults and
   * it gets `resources` from the preset when it sets none.
   */
  readonly container: kplus.ContainerProps;

  /**
   * A volume shared with the application container.
   * @default - none: the containers share only the pod's network and lifecycle
   */
  readonly sharedVolume?: SharedVolumeOptions;

  /**
   * Probes of the sidecar container (a native sidecar that others depend on should have a
   * startup probe so they wait for it).
   * @default - none
   */
  readonly probes?: ContainerProbes;
}

/**
 * Sidecar (Burns & Oppenheimer; Kubernetes Patterns): a second container in the application's
 * pod that extends it without changing it, such as a git-sync that refreshes the content a web
 * server serves, or a log shipper that reads the files the application writes.
 *
 * Classic mode adds a regular container; `nativeSidecar: true` adds an init container with
 * `restartPolicy: Always` (Kubernetes 1.29+), which starts before the application and stops
 * after it.
 */
export class Sidecar extends Construct {
  /** The sidecar container. */
  public readonly container: kplus.Container;

  /** The volume shared with the application container, when one was asked for. */
  public readonly sharedVolume?: kplus.Volume;

  /** The workload the sidecar was added to. */
  public readonly workload: kplus.AbstractPod;

  constructor(scope: Construct, id: string, props: SidecarProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'container']);
    this.workload = validateWorkload(this, props.workload);
    const main = findMainContainer(this, props.workload, props.mainContainer);
    this.container = attachHelperContainer(this, props, props.container, { name: 'sidecar', probes: props.probes });

    const shared = props.sharedVolume;
    if (shared) {
      this.sharedVolume = shareEmptyDir(this, props.workload, 'sharedVolume', this.container, main, {
        name: shared.name ?? `${this.container.name}-shared`,
        helperMountPath: shared.sidecarMountPath,
        mainMountPath: shared.mainMountPath ?? shared.sidecarMountPath,
        helperReadOnly: shared.sidecarReadOnly ?? false,
        mainReadOnly: shared.mainReadOnly ?? false,
        sizeLimit: shared.sizeLimit,
      });
    }
  }
}
