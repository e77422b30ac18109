import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { assertContainerNameFree, hardenedContainerProps } from '../core/container-defaults';
import { HealthProbe } from '../core/health-probe';
import { PodSpecFields } from '../core/pod-spec-fields';
import { ResourcePreset } from '../core/resource-preset';
import { ContainerSecurityOptions } from '../core/security';
import { invalid } from '../core/validation';

/**
 * Props of `StartupSequence`.
 */
export interface StartupSequenceProps {
  /**
   * The workload whose pods start in this order.
   */
  readonly workload: kplus.AbstractPod;

  /**
   * Resources of each step whose props give none.
   * @default ResourcePreset.NANO
   */
  readonly resources?: ResourcePreset;

  /**
   * How each step's container is locked down (always Pod Security *restricted*).
   * @default - UID/GID 65532, read-only root filesystem, no capabilities
   */
  readonly security?: ContainerSecurityOptions;
}

/**
 * Options of a native sidecar step.
 */
export interface NativeSidecarStepOptions {
  /**
   * The probe that must pass before the next step starts. Without it the next step starts as
   * soon as the sidecar's process has started, which is rarely what a dependent step wants.
   */
  readonly startupProbe: HealthProbe;

  /**
   * Readiness probe of the sidecar.
   * @default - none
   */
  readonly readiness?: HealthProbe;

  /**
   * Liveness probe of the sidecar.
   * @default - none
   */
  readonly liveness?: HealthProbe;
}

/**
 * Startup order (container chains; Kubernetes Patterns, Init Container): the steps a pod runs
 * before its application containers, in the order they are added.
 *
 * An init step runs to completion before the next starts (migrations, waiting for a dependency,
 * rendering configuration). A native sidecar step (Kubernetes 1.29+) starts, passes its startup
 * probe, and keeps running beside the application; it is stopped after the application
 * containers, so a proxy or log shipper outlives the process that uses it.
 */
export class StartupSequence extends Construct {
  /** The workload whose pods run the sequence. */
  public readonly workload: kplus.AbstractPod;

  private readonly props: StartupSequenceProps;
  private readonly _steps: kplus.Container[] = [];

  constructor(scope: Construct, id: string, props: StartupSequenceProps) {
    super(scope, id);
    this.workload = props.workload;
    this.props = props;
  }

  /**
   * The names of the steps, in start order.
   */
  public get steps(): string[] {
    return this._steps.map(c => c.name);
  }

  /**
   * Adds an init container that must exit successfully before the next step starts.
   */
  public addInitStep(container: kplus.ContainerProps): kplus.Container {
    if (container.restartPolicy !== undefined) {
      invalid(this, 'container.restartPolicy', container.restartPolicy, 'must be unset for an init step; use addNativeSidecar() for a container that keeps running');
    }
    return this.add(container);
  }

  /**
   * Adds a native sidecar (an init container with `restartPolicy: Always`) that the later steps
   * and the application containers start after.
   */
  public addNativeSidecar(container: kplus.ContainerProps, options: NativeSidecarStepOptions): kplus.Container {
    const added = this.add({ ...container, restartPolicy: kplus.ContainerRestartPolicy.ALWAYS });
    PodSpecFields.setProbes(this.workload, added.name, {
      startup: options.startupProbe,
      readiness: options.readiness,
      liveness: options.liveness,
    });
    return added;
  }

  private add(container: kplus.ContainerProps): kplus.Container {
    const field = `step ${this._steps.length + 1}`;
    if (container.name === undefined) {
      invalid(this, `${field} name`, container.name, 'every step needs a container name: it is how the order is read and debugged');
    }
    assertContainerNameFree(this, this.workload, `${field} name`, container.name);
    const props = hardenedContainerProps(this, field, container, {
      preset: this.props.resources ?? ResourcePreset.NANO,
      security: this.props.security,
    });
    const added = this.workload.addInitContainer(props);
    this._steps.push(added);
    return added;
  }
}
