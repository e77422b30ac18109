import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { validateWorkload } from '../core/pod-attachment';
import { PodMutations } from '../core/pod-mutations';
import { invalid, invalidInput, validateProps, wholeSeconds } from '../core/validation';

/**
 * Options of a ramped (rolling) release.
 */
export interface RampedOptions {
  /**
   * Pods started above the desired count while the release rolls: a number, or a percentage of
   * the replicas (rounded up).
   * @default PercentOrAbsolute.percent(25)
   */
  readonly maxSurge?: kplus.PercentOrAbsolute;

  /**
   * Pods that may be unavailable while the release rolls: a number, or a percentage of the
   * replicas (rounded down). `absolute(0)` with a surge keeps full capacity throughout.
   * @default PercentOrAbsolute.percent(25)
   */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;

  /**
   * How long a new pod must stay ready before it counts as available and the next one is
   * replaced (catches pods that crash shortly after they start).
   * @default Duration.seconds(0)
   */
  readonly minReady?: Duration;

  /**
   * How long a release may make no progress before the Deployment reports
   * `Progressing=False` (`ProgressDeadlineExceeded`), which CI and `kubectl rollout status` fail on.
   * @default Duration.seconds(600)
   */
  readonly progressDeadline?: Duration;
}

/**
 * How a Deployment replaces its pods with a new version (Kubernetes Patterns, Declarative
 * Deployment; the "recreate" and "ramped" strategies of the microservice operations talks).
 */
export class ReleaseStrategy {
  /**
   * Recreate: every old pod stops before any new one starts. Downtime during the release, but
   * never two versions at once (schema migrations, singletons, exclusive volumes).
   */
  public static recreate(): ReleaseStrategy {
    return new ReleaseStrategy('recreate', { strategy: { type: 'Recreate' } }, false);
  }

  /**
   * Ramped (rolling update): new pods replace old ones a few at a time, so the service stays up
   * and both versions serve for a while. Needs a readiness probe on every container: without
   * one a pod counts as ready as soon as it starts and the rollout outruns the application.
   */
  public static ramped(options: RampedOptions = {}): ReleaseStrategy {
    const surge = options.maxSurge ?? kplus.PercentOrAbsolute.percent(25);
    const unavailable = options.maxUnavailable ?? kplus.PercentOrAbsolute.percent(25);
    const fields: { [field: string]: any } = {
      strategy: { rollingUpdate: { maxSurge: surge.value, maxUnavailable: unavailable.value }, type: 'RollingUpdate' },
    };
    return new ReleaseStrategy('ramped', fields, true, options);
  }

  /** `recreate` or `ramped`. */
  public readonly name: string;

  /** Whether the strategy needs a readiness probe on every container (ramped). */
  public readonly requiresReadiness: boolean;

  private readonly fields: { readonly [field: string]: any };
  private readonly options: RampedOptions;

  private constructor(name: string, fields: { readonly [field: string]: any }, requiresReadiness: boolean, options: RampedOptions = {}) {
    this.name = name;
    this.fields = fields;
    this.requiresReadiness = requiresReadiness;
    this.options = options;
  }

  /**
   * The Deployment spec fields of this strategy (`strategy`, `minReadySeconds`,
   * `progressDeadlineSeconds`), checked; fails naming `scope` and `field` on a bad option.
   * @internal
   */
  public _specFields(scope: IConstruct, field: string): { [field: string]: any } {
    const out: { [field: string]: any } = { ...this.fields };
    if (this.name !== 'ramped') return out;
    const o = this.options;
    validateProps(scope as Construct, o);
    const amounts: Array<[string, kplus.PercentOrAbsolute | undefined]> = [['maxSurge', o.maxSurge], ['maxUnavailable', o.maxUnavailable]];
    for (const [name, v] of amounts) {
      if (v === undefined) continue;
      const value = v?.value;
      const ok = typeof value === 'number' ? Number.isInteger(value) && value >= 0
        : typeof value === 'string' && /^(\d+)%$/.test(value) && Number(value.slice(0, -1)) <= 100;
      if (!ok) invalid(scope, `${field}.${name}`, value, 'must be a whole number of pods ≥ 0 or a percentage from 0% to 100%');
    }
    const zero = (v: kplus.PercentOrAbsolute | undefined) => v !== undefined && v.isZero();
    if (zero(o.maxSurge) && zero(o.maxUnavailable)) {
      invalid(scope, `${field}.maxSurge`, o.maxSurge!.value, 'must be above 0 when maxUnavailable is 0: the rollout could neither start a new pod nor stop an old one');
    }
    const minReady = o.minReady === undefined ? undefined : wholeSeconds(scope, `${field}.minReady`, o.minReady, 0);
    const deadline = o.progressDeadline === undefined ? undefined : wholeSeconds(scope, `${field}.progressDeadline`, o.progressDeadline, 1);
    if (deadline !== undefined && deadline <= (minReady ?? 0)) {
      invalid(scope, `${field}.progressDeadline`, `${deadline}s`, `must be longer than minReady (${minReady}s), or no release could ever progress`);
    }
    if (minReady !== undefined) out.minReadySeconds = minReady;
    if (deadline !== undefined) out.progressDeadlineSeconds = deadline;
    return out;
  }
}

/**
 * Gives a Deployment a release strategy through the pod mutation layer: the user's own
 * cdk8s-plus `strategy` (other than its default) or another pattern's is a conflict naming both;
 * a ramped strategy fails at synthesis when a container of the final pod has no readiness probe.
 */
export function applyReleaseStrategy(by: IConstruct, field: string, workload: kplus.Deployment, strategy: ReleaseStrategy): void {
  if (!(strategy instanceof ReleaseStrategy)) invalid(by, field, strategy, 'must be ReleaseStrategy.recreate() or ReleaseStrategy.ramped()');
  const mutations = PodMutations.of(workload);
  for (const [name, value] of Object.entries(strategy._specFields(by, field))) {
    mutations.setWorkloadField(by.node.path, name, value);
  }
  if (!strategy.requiresReadiness) return;
  mutations.addCheck(by.node.path, manifest => {
    const containers: any[] = manifest.spec?.template?.spec?.containers ?? [];
    const blind = containers.filter(c => c.readinessProbe === undefined).map(c => c.name);
    if (blind.length > 0) {
      invalidInput(by.node.path, field, 'ramped', `needs a readiness probe on every container of ${workload.node.path}, and ${blind.join(', ')} has none: `
        + 'a rolling update counts a pod without one as available as soon as it starts, so it replaces the old pods before the new ones serve; add one, or use ReleaseStrategy.recreate()');
    }
  });
}

/**
 * Props of `Rollout`.
 */
export interface RolloutProps {
  /** The Deployment (cdk8s-plus, or one of this library's) whose releases follow the strategy. */
  readonly workload: kplus.Deployment;

  /** Recreate or ramped. */
  readonly strategy: ReleaseStrategy;
}

/**
 * Gives a Deployment a release strategy (Kubernetes Patterns, Declarative Deployment):
 * `ReleaseStrategy.recreate()` or `ReleaseStrategy.ramped({ maxSurge, maxUnavailable })`.
 * Ramped releases require a readiness probe on every container of the final pod (pod patterns'
 * containers included), checked at synthesis. A `strategy` set through cdk8s-plus (other than its
 * default) or by another `Rollout` with a different value fails naming both.
 */
export class Rollout extends Construct {
  /** The strategy applied. */
  public readonly strategy: ReleaseStrategy;

  constructor(scope: Construct, id: string, props: RolloutProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'strategy']);
    if (!(props.workload instanceof kplus.Deployment)) invalid(this, 'workload', props.workload, 'must be a cdk8s-plus Deployment (StatefulSets and DaemonSets have update strategies of their own)');
    validateWorkload(this, props.workload, 'a cdk8s-plus Deployment');
    applyReleaseStrategy(this, 'strategy', props.workload, props.strategy);
    this.strategy = props.strategy;
  }
}
