import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { invalid, invalidInput, validateList, wholeSeconds } from '../core/validation';

/**
 * Which policy wins when a direction has several (`selectPolicy`).
 */
export enum ScalingPolicySelect {
  /** The policy that allows the biggest change (Kubernetes' default). */
  MAX = 'Max',
  /** The policy that allows the smallest change. */
  MIN = 'Min',
  /** Never scale in this direction. */
  DISABLED = 'Disabled',
}

/**
 * How much the replica count may change within a period: a number of pods or a percentage of
 * the current replicas.
 */
export class ScalingPolicy {
  /**
   * At most `pods` pods added (or removed) per `period`.
   * @param pods a whole number of at least 1
   * @param period 1 to 1800 seconds
   */
  public static pods(pods: number, period: Duration): ScalingPolicy {
    return new ScalingPolicy('Pods', check('ScalingPolicy.pods', 'pods', pods), policyPeriod('ScalingPolicy.pods', period));
  }

  /**
   * At most `percent` percent of the current replicas added (or removed) per `period`.
   * @param percent a whole number of at least 1 (above 100 is allowed: 200 triples)
   * @param period 1 to 1800 seconds
   */
  public static percent(percent: number, period: Duration): ScalingPolicy {
    return new ScalingPolicy('Percent', check('ScalingPolicy.percent', 'percent', percent), policyPeriod('ScalingPolicy.percent', period));
  }

  private constructor(
    /** `Pods` or `Percent`. */
    public readonly policyType: string,
    /** The number of pods or the percentage. */
    public readonly value: number,
    /** The period, in seconds. */
    public readonly periodSeconds: number,
  ) {}
}

/**
 * The scaling behavior in one direction (`behavior.scaleUp` or `behavior.scaleDown` of an
 * `autoscaling/v2` HorizontalPodAutoscaler). Fields left unset get Kubernetes' defaults.
 */
export interface ScalingRules {
  /**
   * How long the autoscaler looks back before changing the replica count: it takes the highest
   * recommendation of the window when scaling down (the lowest when scaling up), so short dips
   * do not remove pods. 0 to 3600 seconds.
   * @default - Kubernetes' default: 0 seconds for scale-up, 300 seconds for scale-down
   */
  readonly stabilizationWindow?: Duration;

  /**
   * How fast the replica count may change.
   * @default - Kubernetes' default: scale-up by 4 pods or 100% per 15 s (the larger),
   * scale-down by 100% per 15 s
   */
  readonly policies?: ScalingPolicy[];

  /**
   * Which policy wins when several apply.
   * @default ScalingPolicySelect.MAX
   */
  readonly selectPolicy?: ScalingPolicySelect;
}

/** The `behavior` of an HPA, or undefined when neither direction is configured. */
export function scalingBehavior(
  scope: IConstruct, scaleUp?: ScalingRules, scaleDown?: ScalingRules,
): k8s.HorizontalPodAutoscalerBehaviorV2 | undefined {
  if (scaleUp === undefined && scaleDown === undefined) return undefined;
  return {
    scaleUp: scaleUp === undefined ? undefined : rules(scope, 'scaleUp', scaleUp),
    scaleDown: scaleDown === undefined ? undefined : rules(scope, 'scaleDown', scaleDown),
  };
}

function rules(scope: IConstruct, field: string, r: ScalingRules): k8s.HpaScalingRulesV2 {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) invalid(scope, field, r, 'must be ScalingRules (an object with stabilizationWindow, policies or selectPolicy)');
  const window = r.stabilizationWindow === undefined ? undefined : wholeSeconds(scope, `${field}.stabilizationWindow`, r.stabilizationWindow, 0);
  if (window !== undefined && window > 3600) invalid(scope, `${field}.stabilizationWindow`, r.stabilizationWindow, 'must be at most 3600 seconds (one hour)');
  if (r.selectPolicy !== undefined && !Object.values(ScalingPolicySelect).includes(r.selectPolicy)) {
    invalid(scope, `${field}.selectPolicy`, r.selectPolicy, `must be one of ${Object.values(ScalingPolicySelect).join(', ')}`);
  }
  let policies: k8s.HpaScalingPolicyV2[] | undefined;
  if (r.policies !== undefined) {
    validateList(scope as any, `${field}.policies`, r.policies);
    if (r.policies.length === 0) invalid(scope, `${field}.policies`, [], 'must list at least one ScalingPolicy, or be left unset for Kubernetes\' default');
    policies = r.policies.map((p, i) => {
      if (!(p instanceof ScalingPolicy)) invalid(scope, `${field}.policies[${i}]`, p, 'must be a ScalingPolicy, e.g. ScalingPolicy.pods(4, Duration.seconds(15))');
      return { type: p.policyType, value: p.value, periodSeconds: p.periodSeconds };
    });
  }
  return { stabilizationWindowSeconds: window, policies, selectPolicy: r.selectPolicy };
}

function check(where: string, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) invalidInput(where, field, value, 'must be a whole number of at least 1');
  return value;
}

function policyPeriod(where: string, period: Duration): number {
  const seconds = wholeSeconds(where, 'period', period, 1);
  if (seconds > 1800) invalidInput(where, 'period', period, 'must be at most 1800 seconds (30 minutes)');
  return seconds;
}
