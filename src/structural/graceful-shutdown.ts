import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { validateWorkload } from '../core/pod-attachment';
import { PodMutations } from '../core/pod-mutations';
import { setPreStop, setPreStopSleep } from '../core/pod-spec-fields';
import { invalid, validateBoolean, validateList, validateProps, wholeSeconds } from '../core/validation';

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
   * The image must contain the program: for images without a `sleep` (distroless, static
   * binaries) use `sleepAction` instead.
   * @default ['sleep', '5']
   */
  readonly preStopCommand?: string[];

  /**
   * Pause with the kubelet's built-in sleep action (`lifecycle.preStop.sleep`) instead of
   * running `sleep` inside the container, so images without a shell or `sleep` program can
   * drain too. Needs Kubernetes 1.30 or later (beta and on by default in 1.30, GA in 1.34); the
   * 1.28 API does not have the field.
   * @default false - run `['sleep', '<preStopSleepSeconds>']` in the container
   */
  readonly sleepAction?: boolean;

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
    validateProps(this, props, ['workload']);
    validateWorkload(this, props.workload);
    validateBoolean(this, 'sleepAction', props.sleepAction);
    this.terminationGracePeriodSeconds = wholeSeconds(this, 'terminationGracePeriod', props.terminationGracePeriod ?? Duration.seconds(30), 1);
    const sleep = props.preStopSleepSeconds ?? 5;
    if (typeof sleep !== 'number' || !Number.isInteger(sleep) || sleep < 0) {
      invalid(this, 'preStopSleepSeconds', sleep, 'must be a whole number of at least 0');
    }
    if (props.preStopCommand === undefined && sleep >= this.terminationGracePeriodSeconds) {
      invalid(this, 'preStopSleepSeconds', sleep, `must be shorter than terminationGracePeriod (${this.terminationGracePeriodSeconds}s), or the process is killed before it can stop`);
    }
    if (props.sleepAction && props.preStopCommand !== undefined) {
      invalid(this, 'sleepAction', true, 'must not be combined with preStopCommand: give one way to drain');
    }
    if (props.sleepAction && sleep < 1) {
      invalid(this, 'preStopSleepSeconds', sleep, 'must be at least 1 with sleepAction (Kubernetes before 1.33 rejects a sleep of 0)');
    }
    const command = props.preStopCommand ?? ['sleep', String(sleep)];
    const mutations = PodMutations.of(props.workload);
    mutations.setPodField(this.node.path, 'terminationGracePeriodSeconds', this.terminationGracePeriodSeconds);
    const names = props.containers === undefined
      ? props.workload.containers.filter(c => !PodMutations.isHelper(props.workload, c.name)).map(c => c.name)
      : validateList(this, 'containers', props.containers);
    for (const name of names) {
      if (props.sleepAction) setPreStopSleep(this, props.workload, name, sleep);
      else setPreStop(this, props.workload, name, command);
    }
  }
}
