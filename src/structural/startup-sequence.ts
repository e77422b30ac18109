import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerKind, hardenedContainerProps } from '../core/container-defaults';
import { HealthProbe } from '../core/health-probe';
import { validateWorkload } from '../core/pod-attachment';
import { ContainerRank, PodMutations } from '../core/pod-mutations';
import { setProbes } from '../core/pod-spec-fields';
import { ResourcePreset } from '../core/resource-preset';
import { ContainerSecurityOptions } from '../core/security';
import { invalid, required, validateProps } from '../core/validation';

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
    validateProps(this, props, ['workload']);
    this.workload = validateWorkload(this, props.workload);
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
    if (container?.restartPolicy !== undefined) {
      invalid(this, 'container.restartPolicy', container.restartPolicy, 'must be unset for an init step; use addNativeSidecar() for a container that keeps running');
    }
    return this.add(container);
  }

  /**
   * Adds a native sidecar (an init container with `restartPolicy: Always`) that the later steps
   * and the application containers start after. Needs Kubernetes 1.29 or later (beta, on by
   * default; GA in 1.33).
   */
  public addNativeSidecar(container: kplus.ContainerProps, options: NativeSidecarStepOptions): kplus.Container {
    required(this, 'startupProbe', options?.startupProbe, 'the probe the next step waits for');
    if (container?.restartPolicy !== undefined) {
      invalid(this, 'container.restartPolicy', container.restartPolicy, 'must be unset: a native sidecar step always has restartPolicy Always, which the step sets');
    }
    const native = { ...container, restartPolicy: kplus.ContainerRestartPolicy.ALWAYS };
    const added = this.add(native, ContainerKind.NATIVE_SIDECAR, options.readiness !== undefined);
    setProbes(this, this.workload, added.name, {
      startup: options.startupProbe,
      readiness: options.readiness,
      liveness: options.liveness,
    });
    return added;
  }

  private add(container: kplus.ContainerProps, kind = ContainerKind.INIT, readinessElsewhere = false): kplus.Container {
    const field = `step ${this._steps.length + 1}`;
    required(this, field, container, 'container props with a name and an image');
    if (container.name === undefined) {
      invalid(this, `${field} name`, container.name, 'every step needs a container name: it is how the order is read and debugged');
    }
    const props = hardenedContainerProps(this, field, container, {
      preset: this.props.resources ?? ResourcePreset.NANO,
      security: this.props.security,
      kind,
      readinessElsewhere,
    });
    const added = PodMutations.of(this.workload).addContainer(this, field, props, ContainerRank.STEP, { init: true, helper: false, nameField: `${field} name` });
    this._steps.push(added);
    return added;
  }
}
