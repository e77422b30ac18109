import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { LABEL_KEY_ALLOWED, invalidInput, isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue } from '../core/validation';

/**
 * Options of a CPU or memory metric.
 */
export interface ResourceMetricOptions {
  /**
   * Measure one container of the pod instead of the pod as a whole (an `autoscaling/v2`
   * `ContainerResource` metric; beta and on by default in Kubernetes 1.27 to 1.29, GA in 1.30),
   * e.g. to ignore a sidecar's usage.
   * @default - the whole pod: the sum over its containers
   */
  readonly container?: string;
}

/**
 * A label selector of a custom or external metric's series.
 */
export interface MetricSelectorOptions {
  /**
   * Only the series with these labels.
   * @default - every series of the metric
   */
  readonly matchLabels?: { [key: string]: string };
}

/**
 * A per-pod custom metric (`type: Pods`), averaged over the workload's pods.
 */
export interface PodsMetricOptions extends MetricSelectorOptions {
  /** The metric's name in the custom metrics API, e.g. `http_requests_per_second`. */
  readonly name: string;
  /** The average per pod the autoscaler aims for, as a Kubernetes quantity, e.g. `'20'` or `'500m'`. */
  readonly averageValue: string;
}

/** The object a `type: Object` metric describes. */
export interface DescribedObject {
  /** e.g. `networking.k8s.io/v1`. */
  readonly apiVersion: string;
  /** e.g. `Ingress`. */
  readonly kind: string;
  /** The object's name, in the autoscaler's namespace. */
  readonly name: string;
}

/**
 * A custom metric of one Kubernetes object (`type: Object`), or an external metric
 * (`type: External`, no `describedObject`): give `value` (the total the autoscaler aims for)
 * or `averageValue` (the total divided by the number of pods), not both.
 */
export interface ObjectMetricOptions extends MetricSelectorOptions {
  /** The metric's name, e.g. `requests_per_second` or `queue_messages_ready`. */
  readonly name: string;
  /**
   * The object the metric describes (custom metrics only).
   * @default - none: an external metric, not about a Kubernetes object
   */
  readonly describedObject?: DescribedObject;
  /**
   * The metric's total value the autoscaler aims for, as a Kubernetes quantity.
   * @default - not set: give this or averageValue
   */
  readonly value?: string;
  /**
   * The value per pod the autoscaler aims for, as a Kubernetes quantity.
   * @default - not set: give this or value
   */
  readonly averageValue?: string;
}

/**
 * What an `ElasticScale` scales on: one entry of an `autoscaling/v2` HorizontalPodAutoscaler's
 * `metrics`. The autoscaler computes a replica count for each metric and takes the largest.
 */
export class ScalingMetric {
  /**
   * CPU use as a percentage of the pods' CPU requests (every container measured must request
   * CPU: ElasticScale checks the rendered pod).
   * @param averageUtilization percent of the requests, a whole number of at least 1 (e.g. 70)
   */
  public static cpuUtilization(averageUtilization: number, options: ResourceMetricOptions = {}): ScalingMetric {
    return ScalingMetric.utilization('cpu', 'ScalingMetric.cpuUtilization', averageUtilization, options);
  }

  /**
   * Memory use as a percentage of the pods' memory requests (every container measured must
   * request memory). Memory rarely falls when load falls, so prefer CPU or a custom metric.
   * @param averageUtilization percent of the requests, a whole number of at least 1
   */
  public static memoryUtilization(averageUtilization: number, options: ResourceMetricOptions = {}): ScalingMetric {
    return ScalingMetric.utilization('memory', 'ScalingMetric.memoryUtilization', averageUtilization, options);
  }

  /**
   * Average CPU use per pod as an absolute amount (no requests needed), e.g. `kplus.Cpu.millis(300)`.
   */
  public static cpuAverageValue(averageValue: kplus.Cpu, options: ResourceMetricOptions = {}): ScalingMetric {
    const where = 'ScalingMetric.cpuAverageValue';
    if (!(averageValue instanceof kplus.Cpu)) invalidInput(where, 'averageValue', averageValue, 'must be a kplus.Cpu, e.g. kplus.Cpu.millis(300)');
    const amount = validateQuantity(where, 'averageValue', String(averageValue.amount));
    return ScalingMetric.resource('cpu', where, { type: 'AverageValue', averageValue: k8s.Quantity.fromString(amount) }, `cpu averageValue ${amount}`, options, false);
  }

  /**
   * Average memory use per pod as an absolute amount (no requests needed), in whole MiB.
   */
  public static memoryAverageValue(averageValue: Size, options: ResourceMetricOptions = {}): ScalingMetric {
    const where = 'ScalingMetric.memoryAverageValue';
    if (!(averageValue instanceof Size)) invalidInput(where, 'averageValue', averageValue, 'must be a Size, e.g. Size.mebibytes(200)');
    const mib = averageValue.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(mib) || mib < 1) invalidInput(where, 'averageValue', `${mib}Mi`, 'must be a whole number of mebibytes, at least 1');
    return ScalingMetric.resource('memory', where, { type: 'AverageValue', averageValue: k8s.Quantity.fromString(`${mib}Mi`) }, `memory averageValue ${mib}Mi`, options, false);
  }

  /**
   * A per-pod custom metric (`type: Pods`) from the custom metrics API (e.g. prometheus-adapter),
   * averaged over the pods.
   */
  public static podsMetric(options: PodsMetricOptions): ScalingMetric {
    const where = 'ScalingMetric.podsMetric';
    checkObject(where, options, 'must be PodsMetricOptions with at least name and averageValue');
    const metric = identifier(where, options);
    const averageValue = validateQuantity(where, 'averageValue', options.averageValue);
    return new ScalingMetric({ type: 'Pods', pods: { metric, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(averageValue) } } },
      `pods metric ${options.name}`);
  }

  /**
   * A custom metric of one Kubernetes object (`type: Object`), e.g. an Ingress's requests per
   * second: `describedObject` is required.
   */
  public static objectMetric(options: ObjectMetricOptions): ScalingMetric {
    const where = 'ScalingMetric.objectMetric';
    checkObject(where, options, 'must be ObjectMetricOptions with at least name, describedObject and value or averageValue');
    const d = options.describedObject;
    if (d === undefined || d === null || typeof d !== 'object') invalidInput(where, 'describedObject', d, 'is required: the apiVersion, kind and name of the object the metric describes');
    if (typeof d.apiVersion !== 'string' || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(d.apiVersion)) {
      invalidInput(where, 'describedObject.apiVersion', d.apiVersion, 'must be an API version such as "v1" or "networking.k8s.io/v1"');
    }
    if (typeof d.kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(d.kind)) invalidInput(where, 'describedObject.kind', d.kind, 'must be a kind such as "Ingress"');
    if (!isDnsSubdomain(d.name)) invalidInput(where, 'describedObject.name', d.name, 'must be an object name: a DNS-1123 subdomain');
    return new ScalingMetric({
      type: 'Object',
      object: {
        metric: identifier(where, options),
        describedObject: { apiVersion: d.apiVersion, kind: d.kind, name: d.name },
        target: valueTarget(where, options),
      },
    }, `object metric ${options.name}`);
  }

  /**
   * A metric from outside the cluster (`type: External`, from the external metrics API), e.g. a
   * cloud queue's length. (For KEDA's event sources, use `EventDrivenScale` instead.)
   */
  public static externalMetric(options: ObjectMetricOptions): ScalingMetric {
    const where = 'ScalingMetric.externalMetric';
    checkObject(where, options, 'must be ObjectMetricOptions with at least name and value or averageValue');
    if (options.describedObject !== undefined) invalidInput(where, 'describedObject', options.describedObject, 'must be unset for an external metric: use ScalingMetric.objectMetric for a metric of a Kubernetes object');
    return new ScalingMetric({ type: 'External', external: { metric: identifier(where, options), target: valueTarget(where, options) } }, `external metric ${options.name}`);
  }

  private static utilization(resource: string, where: string, averageUtilization: number, options: ResourceMetricOptions): ScalingMetric {
    if (typeof averageUtilization !== 'number' || !Number.isInteger(averageUtilization) || averageUtilization < 1) {
      invalidInput(where, 'averageUtilization', averageUtilization, 'must be a whole number of percent, at least 1 (e.g. 70)');
    }
    return ScalingMetric.resource(resource, where, { type: 'Utilization', averageUtilization }, `${resource} averageUtilization ${averageUtilization}%`, options, true);
  }

  private static resource(
    resource: string, where: string, target: k8s.MetricTargetV2, description: string, options: ResourceMetricOptions, needsRequests: boolean,
  ): ScalingMetric {
    checkObject(where, options, 'must be ResourceMetricOptions (an object with an optional container)');
    const container = options.container;
    if (container !== undefined && !isDnsLabel(container)) invalidInput(where, 'container', container, 'must be a container name: a DNS-1123 label');
    const spec: k8s.MetricSpecV2 = container === undefined
      ? { type: 'Resource', resource: { name: resource, target } }
      : { type: 'ContainerResource', containerResource: { name: resource, container, target } };
    return new ScalingMetric(spec, container === undefined ? description : `${description} of container ${container}`,
      { resource, container, needsRequests });
  }

  private constructor(
    /** @internal */ public readonly _spec: k8s.MetricSpecV2,
    /** How the metric reads in messages, e.g. `cpu averageUtilization 70%`. */
    public readonly description: string,
    /** @internal */ public readonly _resource?: { readonly resource: string; readonly container?: string; readonly needsRequests: boolean },
  ) {}
}

function checkObject(where: string, options: unknown, allowed: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) invalidInput(where, 'options', options, allowed);
}

function identifier(where: string, options: MetricSelectorOptions & { readonly name: string }): k8s.MetricIdentifierV2 {
  if (typeof options.name !== 'string' || options.name === '' || /\s/.test(options.name)) {
    invalidInput(where, 'name', options.name, 'must be the metric\'s name: non-empty, without spaces');
  }
  const labels = options.matchLabels;
  if (labels !== undefined) {
    if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) invalidInput(where, 'matchLabels', labels, 'must be a map of label keys to values');
    for (const [k, v] of Object.entries(labels)) {
      if (!isLabelKey(k)) invalidInput(where, 'matchLabels', k, LABEL_KEY_ALLOWED);
      if (!isLabelValue(v)) invalidInput(where, `matchLabels[${k}]`, v, 'must be a label value: at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit');
    }
  }
  return { name: options.name, selector: labels === undefined ? undefined : { matchLabels: { ...labels } } };
}

function valueTarget(where: string, options: ObjectMetricOptions): k8s.MetricTargetV2 {
  if ((options.value === undefined) === (options.averageValue === undefined)) {
    invalidInput(where, 'value', options.value, `must be given, or averageValue instead (exactly one of them; averageValue is ${options.averageValue === undefined ? 'unset' : `"${options.averageValue}"`})`);
  }
  return options.value !== undefined
    ? { type: 'Value', value: k8s.Quantity.fromString(validateQuantity(where, 'value', options.value)) }
    : { type: 'AverageValue', averageValue: k8s.Quantity.fromString(validateQuantity(where, 'averageValue', options.averageValue!)) };
}

const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** A positive Kubernetes quantity such as `20`, `500m` or `1.5Gi`. */
export function validateQuantity(where: string, field: string, value: string): string {
  if (typeof value !== 'string' || !QUANTITY.test(value) || !(parseFloat(value) > 0)) {
    invalidInput(where, field, value, 'must be a positive Kubernetes quantity as a string, e.g. "20", "500m" or "1.5Gi"');
  }
  return value;
}
