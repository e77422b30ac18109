import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  BaseWorkloadSpec, baseWorkloadSpec, bool, count, dict, dnsName, durationArb, labelValue, partial, presetArb, rec, RESTRICTED_SC, Scenario, seldom,
  validOr, weighted, withBrokenProps,
} from './arbitraries';
import { BuildContext, factory, harness, labelled, show } from './recipes';
import {
  ElasticScale, EventDrivenScale, PodDemand, PreemptionPolicy, ResourcePreset, ScaleTrigger, ScaleTriggerMetricType, ScalingMetric, ScalingPolicy,
  ScalingPolicySelect, TriggerAuthenticationKind,
} from '../../src';

/*
 * Generators of prop sets for the scaling patterns (ElasticScale, EventDrivenScale,
 * PredictableDemands, PriorityClass). The workload an autoscaler scales is a plain cdk8s-plus
 * Deployment or StatefulSet (`web`) whose containers request CPU and memory (mostly), only
 * memory, or nothing; sometimes it sets replicas, is of a kind without a scale subresource, or
 * already has another autoscaler.
 */

type Arb<T = unknown> = fc.Arbitrary<T>;
type Props = Record<string, unknown>;


// ---------------------------------------------------------------------------------------------
// The scaled workload

/** What a container of the scaled workload requests: CPU and memory (a preset), memory only, or nothing. */
export type Requests = 'preset' | 'memoryOnly' | 'none';

export interface ScaledWorkloadSpec {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';
  readonly replicas?: number;
  readonly containers: Array<{ readonly name: string; readonly requests: Requests }>;
  /**
   * Another autoscaler on the workload: a kplus HorizontalPodAutoscaler created before or after
   * the pattern, or an ElasticScale or EventDrivenScale created before it.
   */
  readonly otherAutoscaler?: 'hpaBefore' | 'hpaAfter' | 'elasticBefore' | 'kedaBefore';
}


function resourcesOf(r: Requests): kplus.ContainerResources | undefined {
  if (r === 'preset') return ResourcePreset.SMALL.toContainerResources();
  if (r === 'memoryOnly') return { memory: { request: Size.mebibytes(128), limit: Size.mebibytes(128) } };
  return undefined;
}

export const scaledWorkloadSpec: Arb<ScaledWorkloadSpec> = rec({
  kind: weighted<ScaledWorkloadSpec['kind']>([14, fc.constant('Deployment')], [4, fc.constant('StatefulSet')], [1, fc.constant('DaemonSet')], [1, fc.constant('Job')]),
  replicas: weighted<number | undefined>([14, fc.constant(undefined)], [1, fc.constantFrom(1, 3)]),
  containers: fc.shuffledSubarray(['app', 'sidecar'], { minLength: 1 }).chain(names => fc.tuple(...names.map(name => rec({
    name: fc.constant(name),
    requests: weighted<Requests>([20, fc.constant('preset')], [1, fc.constant('memoryOnly')], [1, fc.constant('none')]),
  })))),
  otherAutoscaler: weighted<ScaledWorkloadSpec['otherAutoscaler']>([40, fc.constant(undefined)],
    [1, fc.constantFrom('hpaBefore' as const, 'hpaAfter' as const, 'elasticBefore' as const, 'kedaBefore' as const)]),
});

/** Creates the workload of a spec in the chart as `web` (a StatefulSet gets its headless Service from cdk8s-plus). */
export function scaledWorkload(spec: ScaledWorkloadSpec): unknown {
  return harness(`workload(${show(spec)})`, ctx => {
    const containers: kplus.ContainerProps[] = spec.containers.map((c, i) => ({
      name: c.name,
      image: `registry.example.com/team/${c.name}:1.2.3`,
      ports: i === 0 ? [{ number: 8080, name: 'http' }] : [],
      readiness: i === 0 ? kplus.Probe.fromTcpSocket({ port: 8080 }) : undefined,
      resources: resourcesOf(c.requests),
      securityContext: RESTRICTED_SC,
    }));
    const chart = ctx.chart;
    let w: kplus.Workload;
    switch (spec.kind) {
      case 'Deployment': w = new kplus.Deployment(chart, 'web', { containers, replicas: spec.replicas }); break;
      case 'StatefulSet': w = new kplus.StatefulSet(chart, 'web', { containers, replicas: spec.replicas }); break;
      case 'DaemonSet': w = new kplus.DaemonSet(chart, 'web', { containers }); break;
      case 'Job': w = new kplus.Job(chart, 'web', { containers }); break;
    }
    ctx.workload = w;
    const scalable = (w instanceof kplus.Deployment || w instanceof kplus.StatefulSet) && spec.replicas === undefined;
    if (spec.otherAutoscaler === 'hpaBefore' && scalable) new kplus.HorizontalPodAutoscaler(chart, 'other-hpa', { target: w as kplus.Deployment, maxReplicas: 5 });
    if (spec.otherAutoscaler === 'elasticBefore' && scalable) {
      new ElasticScale(chart, 'other-scale', { workload: w, maxReplicas: 5, metrics: [ScalingMetric.cpuAverageValue(kplus.Cpu.millis(300))] });
    }
    if (spec.otherAutoscaler === 'kedaBefore' && scalable) {
      new EventDrivenScale(chart, 'other-scale', { workload: w, maxReplicas: 5, triggers: [ScaleTrigger.custom('kafka', { topic: 'orders', lagThreshold: '50' })] });
    }
    return w;
  });
}

/** After the pattern: the other autoscaler created later, when the scenario has one. */
export function afterPattern(ctx: BuildContext, spec: ScaledWorkloadSpec | undefined): void {
  const w = ctx.workload;
  if (spec?.otherAutoscaler === 'hpaAfter' && (w instanceof kplus.Deployment || w instanceof kplus.StatefulSet)) {
    new kplus.HorizontalPodAutoscaler(ctx.chart, 'other-hpa', { target: w, maxReplicas: 5 });
  }
}

export interface ScalingScenario extends Scenario {
  /** The scaled workload (when the props have one). */
  readonly workload?: ScaledWorkloadSpec;
}

/** The workload prop: the scaled workload (mostly), or something else. */
const notScalable: Arb<unknown> = fc.constantFrom<unknown>(
  'web', null, { name: 'web' },
  harness('new kplus.Pod(chart, \'pod\')', ctx => new kplus.Pod(ctx.chart, 'pod', { containers: [{ image: 'registry.example.com/team/app:1.2.3', securityContext: RESTRICTED_SC }] })),
);

const WORKLOAD = Symbol('workload');

/** Scaling scenarios: the workload spec and the props, whose `workload` is it (mostly). */
function scaledScenarios(props: Arb<Props>, required: string[]): Arb<ScalingScenario> {
  const withWorkload = withBrokenProps(props.map(p => ({ workload: WORKLOAD, ...p })), ['workload', ...required], [], 6);
  return fc.tuple(scaledWorkloadSpec, weighted<boolean>([30, fc.constant(true)], [1, fc.constant(false)]), withWorkload, notScalable, fc.constantFrom(undefined, 'jobs'))
    .map(([spec, scalable, p, other, namespace]) => {
      if (p === null || typeof p !== 'object' || Array.isArray(p) || (p as Props).workload !== WORKLOAD) return { namespace, props: p };
      return { namespace, workload: scalable ? spec : undefined, props: { ...(p as Props), workload: scalable ? scaledWorkload(spec) : other } };
    });
}

// ---------------------------------------------------------------------------------------------
// Behavior and labels

const policyArb: Arb<unknown> = fc.tuple(fc.constantFrom('pods', 'percent'), count(fc.constantFrom(1, 4, 100, 200)), durationArb([1, 15, 60, 1800]),
  seldom(fc.constant(labelled(Duration.seconds(1801), 'Duration.seconds(1801)')), 20))
  .map(([kind, n, period, long]) => {
    const d = long ?? period;
    return factory(`ScalingPolicy.${kind}(${show(n)}, ${show(d)})`, () => (kind === 'pods' ? ScalingPolicy.pods(n as number, d as Duration) : ScalingPolicy.percent(n as number, d as Duration)));
  });

const rulesArb: Arb<unknown> = validOr(partial({
  stabilizationWindow: weighted<unknown>([12, durationArb([0, 60, 300, 3600])], [1, fc.constant(labelled(Duration.seconds(3601), 'Duration.seconds(3601)'))]),
  policies: validOr(fc.array(weighted<unknown>([30, policyArb], [1, fc.constantFrom<unknown>({ type: 'Pods', value: 4 }, 'fast')]), { minLength: 1, maxLength: 2 }),
    fc.constantFrom<unknown>([], 'fast')),
  selectPolicy: validOr(fc.constantFrom(ScalingPolicySelect.MAX, ScalingPolicySelect.MIN, ScalingPolicySelect.DISABLED), fc.constantFrom<unknown>('max', 42)),
}), fc.constantFrom<unknown>(null, 'fast', 42, []));

const standardLabels: Arb<unknown> = validOr(partial({ name: labelValue, instance: labelValue, component: labelValue, partOf: labelValue }, ['name']),
  fc.constantFrom<unknown>('web', {}));

const scaling = {
  maxReplicas: count(fc.constantFrom(1, 3, 10, 100)),
  minReplicas: seldom(count(fc.constantFrom(1, 2, 3)), 2),
  scaleUp: seldom(rulesArb, 3),
  scaleDown: seldom(rulesArb, 3),
  labels: seldom(standardLabels, 3),
};

/** A container name for a metric or trigger: the workload's (mostly), another, or an invalid one. */
const containerOption: Arb<unknown> = weighted<unknown>(
  [12, fc.constant(undefined)],
  [6, fc.constantFrom('app', 'sidecar')],
  [1, fc.constantFrom<unknown>('nope', 'App', '', 42)],
);

// ---------------------------------------------------------------------------------------------
// ElasticScale

const quantity: Arb<unknown> = validOr(fc.constantFrom('20', '500m', '1.5Gi', '1k', '2e3', '.5'), fc.constantFrom<unknown>('', '0', '-1', 'ten', '1.5 Gi', 20, null), 2);
const metricName: Arb<unknown> = validOr(fc.constantFrom('http_requests_per_second', 'queue_messages_ready', 'requests-per-second'), fc.constantFrom<unknown>('', 'has space', 42), 2);
const matchLabels: Arb<unknown> = seldom(validOr(dict(fc.constantFrom('queue', 'app.kubernetes.io/name'), fc.constantFrom('orders', 'web', ''), { maxKeys: 2 }),
  fc.constantFrom<unknown>({ 'has space': 'x' }, { queue: 'has space' }, 'queue=orders', null)), 2);

const described: Arb<unknown> = validOr(partial({
  apiVersion: validOr(fc.constantFrom('networking.k8s.io/v1', 'v1', 'apps/v1'), fc.constantFrom<unknown>('v', 'networking.k8s.io', 'V1', 42)),
  kind: validOr(fc.constantFrom('Ingress', 'Service'), fc.constantFrom<unknown>('ingress', '', 42)),
  name: dnsName(['shop', 'web.ingress']),
}, ['apiVersion', 'kind', 'name']), fc.constantFrom<unknown>('ingress/shop', null));

const valueOrAverage: Arb<Props> = weighted<Props>([4, rec({ value: quantity })], [4, rec({ averageValue: quantity })], [1, fc.constant({})],
  [1, rec({ value: quantity, averageValue: quantity })]);

const metricArb: Arb<unknown> = weighted<unknown>(
  [6, fc.tuple(fc.constantFrom('cpu', 'memory'), count(fc.constantFrom(50, 70, 80, 150)), containerOption).map(([r, n, c]) => {
    const opts = c === undefined ? {} : { container: c };
    const fn = r === 'cpu' ? 'cpuUtilization' : 'memoryUtilization';
    return factory(`ScalingMetric.${fn}(${show(n)}, ${show(opts)})`, () => ScalingMetric[fn](n as number, opts as any));
  })],
  [2, fc.tuple(validOr(fc.constantFrom(100, 300, 1500), fc.constantFrom(0, 0.5, -1)), containerOption).map(([m, c]) => {
    const opts = c === undefined ? {} : { container: c };
    return factory(`ScalingMetric.cpuAverageValue(Cpu.millis(${m}), ${show(opts)})`, () => ScalingMetric.cpuAverageValue(kplus.Cpu.millis(m as number), opts as any));
  })],
  [2, fc.tuple(validOr(fc.constantFrom(64, 200, 1024), fc.constantFrom(0, 0.5)), containerOption).map(([m, c]) => {
    const opts = c === undefined ? {} : { container: c };
    return factory(`ScalingMetric.memoryAverageValue(Size.mebibytes(${m}), ${show(opts)})`, () => ScalingMetric.memoryAverageValue(Size.mebibytes(m as number), opts as any));
  })],
  [2, partial({ name: metricName, averageValue: quantity, matchLabels }, ['name', 'averageValue'])
    .map(o => factory(`ScalingMetric.podsMetric(${show(o)})`, () => ScalingMetric.podsMetric(o as any)))],
  [2, fc.tuple(partial({ name: metricName, describedObject: described, matchLabels }, ['name', 'describedObject']), valueOrAverage)
    .map(([o, v]) => ({ ...o, ...v })).map(o => factory(`ScalingMetric.objectMetric(${show(o)})`, () => ScalingMetric.objectMetric(o as any)))],
  [2, fc.tuple(partial({ name: metricName, matchLabels, describedObject: seldom(described, 12) }, ['name']), valueOrAverage)
    .map(([o, v]) => ({ ...o, ...v })).map(o => factory(`ScalingMetric.externalMetric(${show(o)})`, () => ScalingMetric.externalMetric(o as any)))],
  [1, fc.constantFrom<unknown>('cpu', { type: 'Resource' }, null)],
);

export function elasticScaleScenarios(): Arb<ScalingScenario> {
  return scaledScenarios(partial({
    ...scaling,
    metrics: validOr(fc.array(metricArb, { minLength: 1, maxLength: 3 }), fc.constantFrom<unknown>([], 'cpu')),
  }, ['maxReplicas']), ['maxReplicas']);
}

// ---------------------------------------------------------------------------------------------
// EventDrivenScale

const triggerOptions = {
  name: seldom(dnsName(['queue', 'cpu-load', 'orders']), 3),
  authenticationRef: seldom(dnsName(['redis-auth', 'keda.auth']), 4),
};

/** Options every trigger takes; `authenticationKind` mostly with an `authenticationRef`. */
const triggerOptionsArb: Arb<Props> = fc.tuple(rec(triggerOptions), seldom(validOr(
  fc.constantFrom(TriggerAuthenticationKind.TRIGGER_AUTHENTICATION, TriggerAuthenticationKind.CLUSTER_TRIGGER_AUTHENTICATION), fc.constantFrom<unknown>('Secret')), 3),
weighted([12, fc.constant(true)], [1, fc.constant(false)])).map(([o, kind, withRef]) =>
  (kind === undefined || (o.authenticationRef === undefined && withRef) ? o : { ...o, authenticationKind: kind }));

/** Drops keys whose value is undefined (options print shorter). */
const defined = (o: Props): Props => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const redisTrigger: Arb<unknown> = fc.tuple(
  triggerOptionsArb,
  partial({
    listName: validOr(fc.constantFrom('thumbnails', 'jobs:high', 'q.1'), fc.constantFrom<unknown>('', 'has space', 'x'.repeat(129), 42)),
    listLength: count(fc.constantFrom(1, 5, 50)),
    activationListLength: count(fc.constantFrom(0, 1, 10)),
    databaseIndex: count(fc.constantFrom(0, 1, 15)),
  }, ['listName']),
  weighted<Props>(
    [5, rec({ service: fc.constant('redis'), port: seldom(validOr(fc.constantFrom(6379, 6380), fc.constantFrom<unknown>(0, 65536, '6379')), 3) })],
    [5, rec({
      address: validOr(fc.constantFrom('redis.shared.svc.cluster.local:6379', 'redis:6379', 'redis.example.com'),
        fc.constantFrom<unknown>('Redis:6379', 'redis:0', 'redis:6379:1', ':6379', '', 42)),
    })],
    [1, fc.constantFrom<Props>({}, { address: 'redis:6379', service: 'redis' }, { address: 'redis:6379', port: 6379 })],
  ),
).map(([o, r, where]) => {
  const opts = defined({ ...o, ...r, ...where });
  const label = `ScaleTrigger.redisListLength(${show(opts).replace('"service":"redis"', '"service":redisService')})`;
  return factory(label, ctx => ScaleTrigger.redisListLength({ ...opts, ...(opts.service === 'redis' ? { service: redisService(ctx) } : {}) } as any));
});

/** A Service of a Redis in the chart (selecting nothing: the Redis runs elsewhere, or is not part of the property). */
function redisService(ctx: BuildContext): kplus.Service {
  const existing = ctx.chart.node.tryFindChild('redis');
  return existing instanceof kplus.Service ? existing : new kplus.Service(ctx.chart, 'redis', { ports: [{ port: 6379, name: 'redis' }, { port: 6380, name: 'tls' }] });
}

const resourceTrigger: Arb<unknown> = fc.tuple(
  fc.constantFrom('cpuUtilization', 'memoryUtilization', 'memoryAverageValue'),
  count(fc.constantFrom(50, 70, 80)),
  validOr(fc.constantFrom(64, 200), fc.constantFrom(0, 0.5)),
  containerOption,
  triggerOptionsArb,
).map(([fn, n, mib, c, o]) => {
  const opts = defined({ ...o, container: c });
  if (fn === 'memoryAverageValue') {
    return factory(`ScaleTrigger.memoryAverageValue(Size.mebibytes(${mib}), ${show(opts)})`, () => ScaleTrigger.memoryAverageValue(Size.mebibytes(mib as number), opts as any));
  }
  return factory(`ScaleTrigger.${fn}(${show(n)}, ${show(opts)})`, () => (fn === 'cpuUtilization' ? ScaleTrigger.cpuUtilization(n as number, opts as any) : ScaleTrigger.memoryUtilization(n as number, opts as any)));
});

const customTrigger: Arb<unknown> = fc.tuple(
  validOr(fc.constantFrom('kafka', 'prometheus', 'cron', 'rabbitmq', 'cpu', 'memory'), fc.constantFrom<unknown>('Kafka', '', 'has space', '-x', 42)),
  validOr(dict(fc.constantFrom('serverAddress', 'threshold', 'query', 'value', 'containerName', 'timezone', 'start', 'end', 'desiredReplicas'),
    fc.constantFrom('5', 'http://prometheus.monitoring:9090', 'Europe/Berlin', '0 8 * * *', 'app'), { maxKeys: 3 }),
  fc.constantFrom<unknown>({ threshold: 5 }, null, 'threshold=5', [])),
  fc.tuple(triggerOptionsArb, rec({
    metricType: seldom(validOr(
      fc.constantFrom(ScaleTriggerMetricType.AVERAGE_VALUE, ScaleTriggerMetricType.VALUE, ScaleTriggerMetricType.UTILIZATION),
      fc.constantFrom<unknown>('average')), 2),
    useCachedMetrics: seldom(bool, 3),
  })),
).map(([type, metadata, [o, m]]) => {
  const opts = defined({ ...o, ...m });
  return factory(`ScaleTrigger.custom(${show(type)}, ${show(metadata)}, ${show(opts)})`, () => ScaleTrigger.custom(type as string, metadata as any, opts as any));
});

const triggerArb: Arb<unknown> = weighted<unknown>([5, redisTrigger], [4, resourceTrigger], [3, customTrigger], [1, fc.constantFrom<unknown>('redis', null, {})]);

export function eventDrivenScaleScenarios(): Arb<ScalingScenario> {
  return scaledScenarios(partial({
    ...scaling,
    minReplicas: seldom(count(fc.constantFrom(0, 1, 2)), 1),
    triggers: validOr(weighted<unknown>(
      [4, fc.array(triggerArb, { minLength: 1, maxLength: 1 })],
      [1, fc.array(triggerArb, { minLength: 2, maxLength: 3 })],
    ),
    fc.constantFrom<unknown>([], 'redis')),
    pollingInterval: seldom(durationArb([1, 10, 30]), 2),
    cooldownPeriod: seldom(durationArb([0, 60, 300]), 6),
    idleReplicaCount: seldom(count(fc.constant(0)), 6),
    fallback: seldom(validOr(partial({ failureThreshold: count(fc.constantFrom(0, 3)), replicas: count(fc.constantFrom(0, 2, 6)) }, ['failureThreshold', 'replicas']),
      fc.constantFrom<unknown>(null, 3, {})), 4),
  }, ['maxReplicas', 'triggers']), ['maxReplicas', 'triggers']);
}

// ---------------------------------------------------------------------------------------------
// PredictableDemands

function preset(name: 'NANO' | 'MICRO' | 'SMALL' | 'MEDIUM' | 'LARGE' | 'XLARGE'): ResourcePreset {
  return labelled(ResourcePreset[name], `ResourcePreset.${name}`);
}
const presetValue: Arb<unknown> = validOr(fc.constantFrom(preset('NANO'), preset('SMALL'), preset('MEDIUM'), preset('LARGE'), preset('XLARGE')), fc.constantFrom<unknown>('small', null));

const demandArb: Arb<unknown> = weighted<unknown>(
  [4, fc.tuple(count(fc.constantFrom(1, 2, 4, 10)), weighted<unknown>([12, presetValue], [1, presetArb]), seldom(count(fc.constantFrom(1, 2, 3)), 2))
    .map(([n, p, c]) =>
      factory(`PodDemand.ofPreset(${show(n)}, ${show(p)}${c === undefined ? '' : `, ${show(c)}`})`, () => PodDemand.ofPreset(n as number, p as ResourcePreset, c as number | undefined)))],
  [2, fc.tuple(count(fc.constantFrom(1, 3)), count(fc.constantFrom(100, 250, 1000)), count(fc.constantFrom(128, 512, 2048))).map(([n, c, m]) =>
    factory(`PodDemand.custom(${show(n)}, ${show(c)}, ${show(m)})`, () => PodDemand.custom(n as number, c as number, m as number)))],
  [1, fc.constantFrom<unknown>({ pods: 4 }, 'small', null)],
);

const cpuTotal: Arb<unknown> = validOr(
  fc.oneof(
    fc.constantFrom(100, 2000, 64000).map(n => labelled(kplus.Cpu.millis(n), `Cpu.millis(${n})`)),
    fc.constantFrom(1, 8, 64).map(n => labelled(kplus.Cpu.units(n), `Cpu.units(${n})`)),
  ),
  fc.oneof(
    fc.constantFrom(0, 0.5, 1.5).map(n => labelled(kplus.Cpu.millis(n), `Cpu.millis(${n})`)),
    fc.constantFrom(0.0001, 0).map(n => labelled(kplus.Cpu.units(n), `Cpu.units(${n})`)),
    fc.constantFrom<unknown>('2', 2000, null),
  ),
  2,
);

const sizeTotal: Arb<unknown> = validOr(
  fc.oneof(
    fc.constantFrom(128, 4096).map(n => labelled(Size.mebibytes(n), `Size.mebibytes(${n})`)),
    fc.constantFrom(1, 16, 256).map(n => labelled(Size.gibibytes(n), `Size.gibibytes(${n})`)),
  ),
  fc.oneof(
    fc.constantFrom(0, 0.5).map(n => labelled(Size.mebibytes(n), `Size.mebibytes(${n})`)),
    fc.constantFrom(1).map(n => labelled(Size.kibibytes(n), `Size.kibibytes(${n})`)),
    fc.constantFrom<unknown>('4Gi', 4096, null),
  ),
  2,
);

export function predictableDemandsScenarios(): Arb<Scenario> {
  const totals = {
    requestsCpu: cpuTotal,
    requestsMemory: sizeTotal,
    limitsMemory: sizeTotal,
    pods: count(fc.constantFrom(10, 50, 500)),
  };
  const rest = partial({
    objectCounts: seldom(validOr(dict(weighted<string>([10, fc.constantFrom('services', 'configmaps', 'jobs.batch', 'persistentvolumeclaims')],
      [1, fc.constantFrom('Services', 'count/pods', '', 'jobs..batch')]), count(fc.constantFrom(0, 5, 20)), { maxKeys: 3 }),
    fc.constantFrom<unknown>([], 'services=5', null)), 2),
    limitRange: bool,
    containerDefaults: seldom(presetValue, 2),
    containerMax: seldom(presetValue, 2),
    createNamespace: seldom(bool, 2),
    labels: seldom(standardLabels, 3),
  });
  const demands = validOr(fc.array(demandArb, { minLength: 1, maxLength: 3 }), fc.constantFrom<unknown>([], 'small', null, {}));
  // Demands (and now and then a total, which must cover them), or every total, or anything.
  const sizing = weighted<Props>(
    [6, fc.tuple(rec({ demands }), partial(Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, seldom(v, 3)]))))
      .map(([d, t]) => ({ ...d, ...t }))],
    [3, rec(totals)],
    [1, partial({ demands, ...totals })],
  );
  return rec({
    namespace: fc.constantFrom(undefined, 'shop'),
    props: weighted<unknown>([24, fc.tuple(sizing, rest).map(([a, b]): Props => ({ ...a, ...b }))], [1, fc.constantFrom<unknown>(undefined, null, 'quota', 42)]),
  });
}

// ---------------------------------------------------------------------------------------------
// PriorityClass

/** A PriorityClass, the workloads it is given to (`assignTo`), and other classes given to them. */
export interface PriorityScenario extends Scenario {
  /** Workloads created first (`w0`, `w1`). */
  readonly workloads: BaseWorkloadSpec[];
  /** Which workload each `assignTo` gives the class to (an index), or a value that is not a workload. */
  readonly assignTo: unknown[];
  /** The name of an existing class given to workload 0 with `PriorityClass.assignExisting`. */
  readonly existing?: unknown;
  /** Whether assignExisting runs after the class's assignTo calls (else before the class). */
  readonly existingLast: boolean;
}

export function priorityClassScenarios(): Arb<PriorityScenario> {
  const props = partial({
    value: validOr(fc.oneof(fc.constantFrom(-2147483648, 0, 1000, 1000000, 1000000000), fc.integer({ min: -2147483648, max: 1000000000 })),
      fc.constantFrom<unknown>(1000000001, 2000000000, -2147483649, 1.5, NaN, Infinity, '1000', null), 2),
    description: validOr(fc.constantFrom('critical shop services', '', 'x'.repeat(2000)), fc.constantFrom<unknown>(42, null)),
    preemptionPolicy: validOr(fc.constantFrom(PreemptionPolicy.NEVER, PreemptionPolicy.PREEMPT_LOWER_PRIORITY), fc.constantFrom<unknown>('Always', 'never')),
    globalDefault: bool,
    name: validOr(fc.constantFrom('shop-critical', 'batch.low', 'x'.repeat(253)), fc.constantFrom<unknown>('system-high', 'High', '', 'x'.repeat(254), 42), 2),
    labels: seldom(standardLabels, 3),
  }, ['value']);
  return rec({
    namespace: fc.constantFrom(undefined, 'shop'),
    workloads: fc.array(baseWorkloadSpec, { minLength: 1, maxLength: 2 }),
    props: withBrokenProps(props, ['value'], [], 6),
    assignTo: fc.array(weighted<unknown>([12, fc.nat({ max: 1 })], [1, fc.constantFrom<unknown>(null, 'web', {})]), { maxLength: 3 }),
    existingLast: fc.boolean(),
    existing: seldom(validOr(fc.constantFrom('platform-critical', 'batch.low'), fc.constantFrom<unknown>('Platform', '', 42)), 3),
  });
}

