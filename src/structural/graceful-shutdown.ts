import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { isHelperContainer } from '../core/pod-attachment';
import { PodSpecFields } from '../core/pod-spec-fields';
import { invalid } from '../core/validation';

/**
 * Props of `GracefulShutdown`.
 */
export interface GracefulShutdownProps {
  /**
   * The workload whose pods shut down gracefully.
   */
  readonly workload: kplus.AbstractPod;

  /**
   * Time between SIGTERM and SIGKILL; it includes the preStop hook.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * The preStop command of the application containers. The default sleep lets endpoint
   * controllers and load balancers stop sending traffic before the process gets SIGTERM.
   * The image must contain the program.
   * @default ['sleep', '5']
   */
  readonly preStopCommand?: string[];

  /**
   * Seconds the default preStop command sleeps; ignored when `preStopCommand` is given.
   * @default 5
   */
  readonly preStopSleepSeconds?: number;

  /**
   * The containers that get the preStop hook.
   * @default - every regular container of the pod at the time of the call, except the helpers
   * that pod patterns (Sidecar, Ambassador, Adapter) added: their images may lack the command
   */
  readonly containers?: string[];
}

/**
 * Graceful shutdown (Kubernetes Patterns, Managed Lifecycle): a preStop hook that drains the
 * container before SIGTERM, and a termination grace period long enough for hook and shutdown.
 */
export class GracefulShutdown extends Construct {
  /** The grace period in seconds. */
  public readonly terminationGracePeriodSeconds: number;

  constructor(scope: Construct, id: string, props: GracefulShutdownProps) {
    super(scope, id);
    this.terminationGracePeriodSeconds = (props.terminationGracePeriod ?? Duration.seconds(30)).toSeconds();
    const sleep = props.preStopSleepSeconds ?? 5;
    if (!Number.isInteger(sleep) || sleep < 0) {
      invalid(this, 'preStopSleepSeconds', sleep, 'must be a whole number of at least 0');
    }
    if (props.preStopCommand === undefined && sleep >= this.terminationGracePeriodSeconds) {
      invalid(this, 'preStopSleepSeconds', sleep, `must be shorter than terminationGracePeriod (${this.terminationGracePeriodSeconds}s), or the process is killed before it can stop`);
    }
    const command = props.preStopCommand ?? ['sleep', String(sleep)];
    PodSpecFields.setTerminationGracePeriod(props.workload, Duration.seconds(this.terminationGracePeriodSeconds));
    const names = props.containers ?? props.workload.containers.filter(c => !isHelperContainer(c)).map(c => c.name);
    for (const name of names) PodSpecFields.setPreStop(props.workload, name, command);
  }
}
