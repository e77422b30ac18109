import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { invalidInput, isDnsLabel, isDnsSubdomain, isPort } from '../core/validation';

/**
 * How KEDA turns a trigger's value into the HPA's target (`metricType`).
 */
export enum ScaleTriggerMetricType {
  /** The value divided by the number of pods (KEDA's default for most scalers). */
  AVERAGE_VALUE = 'AverageValue',
  /** The value as it is. */
  VALUE = 'Value',
  /** A percentage of the requests (cpu and memory triggers). */
  UTILIZATION = 'Utilization',
}

/**
 * The kind of object a trigger's credentials come from.
 */
export enum TriggerAuthenticationKind {
  /** A `TriggerAuthentication` in the ScaledObject's namespace. */
  TRIGGER_AUTHENTICATION = 'TriggerAuthentication',
  /** A cluster-wide `ClusterTriggerAuthentication`. */
  CLUSTER_TRIGGER_AUTHENTICATION = 'ClusterTriggerAuthentication',
}

/**
 * Options every KEDA trigger takes.
 */
export interface ScaleTriggerOptions {
  /**
   * The trigger's name, unique within the ScaledObject (KEDA refuses two of the same name).
   * @default - none
   */
  readonly name?: string;

  /**
   * The KEDA `TriggerAuthentication` (or `ClusterTriggerAuthentication`) holding the
   * trigger's credentials, by name.
   * @default - none: the trigger needs no credentials
   */
  readonly authenticationRef?: string;

  /**
   * The kind of `authenticationRef`.
   * @default TriggerAuthenticationKind.TRIGGER_AUTHENTICATION
   */
  readonly authenticationKind?: TriggerAuthenticationKind;
}

/**
 * Options of a Redis list-length trigger: the Redis is given by `address` or by `service`.
 */
export interface RedisListTriggerOptions extends ScaleTriggerOptions {
  /** The Redis list whose length is measured. */
  readonly listName: string;

  /**
   * The Redis Service in the chart; KEDA runs in its own namespace, so the address is the
   * Service's full DNS name in the chart's namespace (`EventDrivenScale` fails when the chart
   * has none).
   * @default - not set: give `address`
   */
  readonly service?: kplus.Service;

  /**
   * The Redis's port on `service`.
   * @default 6379
   */
  readonly port?: number;

  /**
   * The Redis as `host:port` (a full DNS name: KEDA resolves it from its own namespace).
   * @default - not set: give `service`
   */
  readonly address?: string;

  /**
   * Items per replica KEDA aims for.
   * @default 5 (KEDA's default)
   */
  readonly listLength?: number;

  /**
   * Items at which KEDA wakes a workload scaled to zero.
   * @default 0 (KEDA's default: any item)
   */
  readonly activationListLength?: number;

  /**
   * The Redis database.
   * @default 0
   */
  readonly databaseIndex?: number;
}

/**
 * Options of a KEDA cpu or memory trigger.
 */
export interface ResourceTriggerOptions extends ScaleTriggerOptions {
  /**
   * Measure one container instead of the whole pod.
   * @default - every container of the pod
   */
  readonly container?: string;
}

/**
 * Options of a trigger of any KEDA scaler.
 */
export interface CustomTriggerOptions extends ScaleTriggerOptions {
  /**
   * How KEDA targets the value.
   * @default - the scaler's default (AverageValue for most)
   */
  readonly metricType?: ScaleTriggerMetricType;

  /**
   * Serve the HPA the value KEDA last polled instead of asking the source on every HPA request
   * (not for cpu, memory and cron triggers).
   * @default false
   */
  readonly useCachedMetrics?: boolean;
}

/**
 * An event source a KEDA ScaledObject scales on (an entry of `spec.triggers`): typed helpers for
 * the common scalers, and `custom` for any of KEDA's scalers by its `type` and `metadata`.
 */
export class ScaleTrigger {
  /**
   * The length of a Redis list (KEDA's `redis` scaler): `listLength` items per replica.
   */
  public static redisListLength(options: RedisListTriggerOptions): ScaleTrigger {
    const where = 'ScaleTrigger.redisListLength';
    if (options === null || typeof options !== 'object') invalidInput(where, 'options', options, 'must be RedisListTriggerOptions with at least listName and service or address');
    if (typeof options.listName !== 'string' || !/^[A-Za-z0-9:._-]{1,128}$/.test(options.listName)) {
      invalidInput(where, 'listName', options.listName, 'must be 1-128 characters of letters, digits, ":", ".", "_" and "-"');
    }
    if ((options.service === undefined) === (options.address === undefined)) {
      invalidInput(where, 'address', options.address, 'must be given, or service instead (exactly one of them)');
    }
    if (options.service !== undefined && !(options.service instanceof kplus.Service)) invalidInput(where, 'service', String(options.service), 'must be a kplus.Service');
    const port = options.port ?? 6379;
    if (!isPort(port)) invalidInput(where, 'port', port, 'must be an integer port number from 1 to 65535');
    if (options.address !== undefined) {
      const [host, p, ...rest] = String(options.address).split(':');
      if (!isDnsSubdomain(host) || rest.length > 0 || (p !== undefined && !isPort(Number(p)))) {
        invalidInput(where, 'address', options.address, 'must be host:port with a DNS name, e.g. "redis.shared.svc.cluster.local:6379"');
      }
      if (options.port !== undefined) invalidInput(where, 'port', options.port, 'is only for service: give the port in address');
    }
    const metadata: { [key: string]: string } = { listName: options.listName };
    for (const f of ['listLength', 'activationListLength', 'databaseIndex'] as const) {
      const v = options[f];
      const min = f === 'listLength' ? 1 : 0;
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)) invalidInput(where, f, v, `must be a whole number of at least ${min}`);
    }
    metadata.listLength = String(options.listLength ?? 5);
    if (options.activationListLength !== undefined) metadata.activationListLength = String(options.activationListLength);
    if (options.databaseIndex !== undefined) metadata.databaseIndex = String(options.databaseIndex);
    const service = options.service;
    return new ScaleTrigger('redis', metadata, options, where, {
      address: options.address,
      service: service === undefined ? undefined : { name: service.name, port },
    });
  }

  /**
   * CPU use as a percentage of the requests (KEDA's `cpu` scaler, `Utilization`): every
   * container it measures must request CPU. A ScaledObject with only cpu and memory triggers
   * cannot scale to zero.
   * @param percent a whole number of at least 1
   */
  public static cpuUtilization(percent: number, options: ResourceTriggerOptions = {}): ScaleTrigger {
    return ScaleTrigger.resource('cpu', 'ScaleTrigger.cpuUtilization', percent, options);
  }

  /**
   * Memory use as a percentage of the requests (KEDA's `memory` scaler, `Utilization`).
   * @param percent a whole number of at least 1
   */
  public static memoryUtilization(percent: number, options: ResourceTriggerOptions = {}): ScaleTrigger {
    return ScaleTrigger.resource('memory', 'ScaleTrigger.memoryUtilization', percent, options);
  }

  /**
   * Average memory use per pod (KEDA's `memory` scaler, `AverageValue`), in whole MiB. KEDA
   * still asks for memory requests on the containers it measures.
   */
  public static memoryAverageValue(size: Size, options: ResourceTriggerOptions = {}): ScaleTrigger {
    const where = 'ScaleTrigger.memoryAverageValue';
    if (!(size instanceof Size)) invalidInput(where, 'size', size, 'must be a Size, e.g. Size.mebibytes(200)');
    const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(mib) || mib < 1) invalidInput(where, 'size', `${mib}Mi`, 'must be a whole number of mebibytes, at least 1');
    return ScaleTrigger.resourceWith('memory', where, `${mib}Mi`, ScaleTriggerMetricType.AVERAGE_VALUE, options);
  }

  /**
   * A trigger of any KEDA scaler, by its `type` (e.g. `kafka`, `rabbitmq`, `prometheus`, `cron`)
   * and its `metadata` (strings, as KEDA's documentation of the scaler lists them).
   */
  public static custom(scalerType: string, metadata: { [key: string]: string }, options: CustomTriggerOptions = {}): ScaleTrigger {
    const where = 'ScaleTrigger.custom';
    const type = scalerType;
    if (typeof type !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(type)) invalidInput(where, 'scalerType', type, 'must be a KEDA scaler type such as "kafka" or "prometheus": lowercase letters, digits and "-"');
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) invalidInput(where, 'metadata', metadata, 'must be a map of strings');
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') invalidInput(where, `metadata.${k}`, v, 'must be a string: KEDA reads every metadata value as a string (write numbers as "5")');
    }
    if (options.metricType !== undefined && !Object.values(ScaleTriggerMetricType).includes(options.metricType)) {
      invalidInput(where, 'metricType', options.metricType, `must be one of ${Object.values(ScaleTriggerMetricType).join(', ')}`);
    }
    if (options.useCachedMetrics !== undefined && typeof options.useCachedMetrics !== 'boolean') invalidInput(where, 'useCachedMetrics', options.useCachedMetrics, 'must be true or false');
    if (options.useCachedMetrics && ['cpu', 'memory', 'cron'].includes(type)) {
      invalidInput(where, 'useCachedMetrics', true, `is not supported by KEDA's ${type} scaler`);
    }
    const resource = type === 'cpu' || type === 'memory' ? { resource: type, container: metadata.containerName || undefined } : undefined;
    return new ScaleTrigger(type, { ...metadata }, options, where, undefined, options.metricType, options.useCachedMetrics, resource);
  }

  private static resource(resource: string, where: string, percent: number, options: ResourceTriggerOptions): ScaleTrigger {
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 1) invalidInput(where, 'percent', percent, 'must be a whole number of percent, at least 1 (e.g. 70)');
    return ScaleTrigger.resourceWith(resource, where, String(percent), ScaleTriggerMetricType.UTILIZATION, options);
  }

  private static resourceWith(
    resource: string, where: string, value: string, metricType: ScaleTriggerMetricType, options: ResourceTriggerOptions,
  ): ScaleTrigger {
    if (options === null || typeof options !== 'object') invalidInput(where, 'options', options, 'must be ResourceTriggerOptions (an object)');
    if (options.container !== undefined && !isDnsLabel(options.container)) invalidInput(where, 'container', options.container, 'must be a container name: a DNS-1123 label');
    const metadata: { [key: string]: string } = { value };
    if (options.container !== undefined) metadata.containerName = options.container;
    return new ScaleTrigger(resource, metadata, options, where, undefined, metricType, undefined, { resource, container: options.container });
  }

  /** The scaler, e.g. `redis` or `cpu`. */
  public readonly scalerType: string;

  /** @internal */ public readonly _name?: string;
  /** @internal */ public readonly _auth?: { readonly name: string; readonly kind?: string };

  private constructor(
    type: string,
    /** @internal */ public readonly _metadata: { [key: string]: string },
    options: ScaleTriggerOptions,
    where: string,
    /** @internal */ public readonly _redis?: { readonly address?: string; readonly service?: { readonly name: string; readonly port: number } },
    /** @internal */ public readonly _metricType?: string,
    /** @internal */ public readonly _useCachedMetrics?: boolean,
    /** @internal */ public readonly _resource?: { readonly resource: string; readonly container?: string },
  ) {
    this.scalerType = type;
    if (options === null || typeof options !== 'object') invalidInput(where, 'options', options, 'must be an object');
    if (options.name !== undefined && !isDnsLabel(options.name)) invalidInput(where, 'name', options.name, 'must be a DNS-1123 label');
    if (options.authenticationRef !== undefined && !isDnsSubdomain(options.authenticationRef)) {
      invalidInput(where, 'authenticationRef', options.authenticationRef, 'must be the name of a TriggerAuthentication: a DNS-1123 subdomain');
    }
    if (options.authenticationKind !== undefined && !Object.values(TriggerAuthenticationKind).includes(options.authenticationKind)) {
      invalidInput(where, 'authenticationKind', options.authenticationKind, `must be one of ${Object.values(TriggerAuthenticationKind).join(', ')}`);
    }
    if (options.authenticationKind !== undefined && options.authenticationRef === undefined) {
      invalidInput(where, 'authenticationKind', options.authenticationKind, 'is only for authenticationRef: give the name too');
    }
    this._name = options.name;
    this._auth = options.authenticationRef === undefined ? undefined : { name: options.authenticationRef, kind: options.authenticationKind };
  }

}
