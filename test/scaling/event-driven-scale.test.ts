import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { kedaScaledObjectCrd } from './keda-crd';
import {
  EventDrivenScale, ResourcePreset, ScaleTrigger, ScaleTriggerMetricType, ScalingPolicy, TriggerAuthenticationKind,
} from '../../src';
import { customResourceProblems } from '../advanced/custom-resource-schema';
import { only, synth } from '../util';
import { wiringProblems } from '../wiring';

const crd = kedaScaledObjectCrd();

const sized = (name = 'worker') => ({ name, image: 'x/worker:1', resources: ResourcePreset.SMALL.toContainerResources() });

function setup(withNamespace = true) {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: withNamespace ? 'jobs' : undefined });
  const worker = new kplus.Deployment(chart, 'worker', { containers: [sized()] });
  const redis = new kplus.Service(chart, 'redis', { ports: [{ port: 6379 }] });
  return { chart, worker, redis };
}

describe('EventDrivenScale', () => {
  test('a KEDA ScaledObject on a Redis list, valid against KEDA\'s CRD, and no replicas in the Deployment', () => {
    const { chart, worker, redis } = setup();
    new EventDrivenScale(chart, 'scale', {
      workload: worker,
      maxReplicas: 10,
      minReplicas: 0,
      triggers: [ScaleTrigger.redisListLength({ service: redis, listName: 'thumbnails', listLength: 5 })],
      pollingInterval: Duration.seconds(10),
      cooldownPeriod: Duration.minutes(2),
    });
    const manifests = synth(chart);
    const dep = only(manifests, 'Deployment');
    const so = only(manifests, 'ScaledObject');
    expect(dep.spec.replicas).toBeUndefined();
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.metadata.namespace).toBe('jobs');
    expect(so.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: dep.metadata.name },
      minReplicaCount: 0,
      maxReplicaCount: 10,
      pollingInterval: 10,
      cooldownPeriod: 120,
      triggers: [{ type: 'redis', metadata: { address: `${redis.name}.jobs.svc.cluster.local:6379`, listName: 'thumbnails', listLength: '5' } }],
    });
    expect(customResourceProblems(crd, so)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
    expect(manifests.filter(m => m.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });

  test('every trigger helper, behavior, fallback and authentication, valid against KEDA\'s CRD', () => {
    const { chart, worker } = setup();
    new EventDrivenScale(chart, 'scale', {
      workload: worker,
      maxReplicas: 20,
      minReplicas: 2,
      idleReplicaCount: 0,
      fallback: { failureThreshold: 3, replicas: 4 },
      scaleDown: { stabilizationWindow: Duration.seconds(60), policies: [ScalingPolicy.percent(50, Duration.seconds(30))] },
      triggers: [
        ScaleTrigger.redisListLength({ address: 'redis.shared.svc.cluster.local:6380', listName: 'q', activationListLength: 1, databaseIndex: 2, name: 'queue', authenticationRef: 'redis-auth' }),
        ScaleTrigger.cpuUtilization(70, { container: 'worker' }),
        ScaleTrigger.memoryUtilization(80),
        ScaleTrigger.memoryAverageValue(Size.mebibytes(100)),
        ScaleTrigger.custom('prometheus', { serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total[1m]))', threshold: '100' },
          { metricType: ScaleTriggerMetricType.VALUE, useCachedMetrics: true, authenticationRef: 'prom', authenticationKind: TriggerAuthenticationKind.CLUSTER_TRIGGER_AUTHENTICATION }),
      ],
    });
    const so = only(synth(chart), 'ScaledObject');
    expect(so.spec.idleReplicaCount).toBe(0);
    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 4 });
    expect(so.spec.advanced).toEqual({ horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 50, periodSeconds: 30 }] } } } });
    expect(so.spec.triggers).toEqual([
      { type: 'redis', name: 'queue', authenticationRef: { name: 'redis-auth' }, metadata: { address: 'redis.shared.svc.cluster.local:6380', listName: 'q', listLength: '5', activationListLength: '1', databaseIndex: '2' } },
      { type: 'cpu', metricType: 'Utilization', metadata: { value: '70', containerName: 'worker' } },
      { type: 'memory', metricType: 'Utilization', metadata: { value: '80' } },
      { type: 'memory', metricType: 'AverageValue', metadata: { value: '100Mi' } },
      {
        type: 'prometheus',
        metricType: 'Value',
        useCachedMetrics: true,
        authenticationRef: { name: 'prom', kind: 'ClusterTriggerAuthentication' },
        metadata: { serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total[1m]))', threshold: '100' },
      },
    ]);
    expect(customResourceProblems(crd, so)).toEqual([]);
  });

  test('KEDA\'s CRD catches a broken ScaledObject (the check is not vacuous)', () => {
    const { chart, worker } = setup();
    new EventDrivenScale(chart, 'scale', { workload: worker, maxReplicas: 3, triggers: [ScaleTrigger.cpuUtilization(50)] });
    const so = only(synth(chart), 'ScaledObject');
    expect(customResourceProblems(crd, { ...so, spec: { ...so.spec, maxReplicas: 3 } })).toEqual([expect.stringContaining('unknown field "maxReplicas"')]);
    expect(customResourceProblems(crd, { ...so, spec: { ...so.spec, triggers: [{ type: 'cpu', metadata: { value: 50 } }] } })).not.toEqual([]);
  });

  test('KEDA\'s HPA name stays a label value (KEDA names it keda-hpa-<name>, at most 63 characters)', () => {
    const { chart, worker } = setup();
    new EventDrivenScale(chart, 'a-rather-long-construct-id-for-the-event-driven-scaler-of-the-thumbnail-workers', { workload: worker, maxReplicas: 3, triggers: [ScaleTrigger.cpuUtilization(50)] });
    const so = only(synth(chart), 'ScaledObject');
    expect((so.spec.advanced?.horizontalPodAutoscalerConfig?.name ?? `keda-hpa-${so.metadata.name}`).length).toBeLessThanOrEqual(63);
  });

  test('cpu and memory triggers need requests on the rendered pod', () => {
    const { chart, worker } = setup();
    worker.addContainer({ name: 'bare', image: 'x/bare:1', resources: { memory: { request: Size.mebibytes(32), limit: Size.mebibytes(32) } } });
    new EventDrivenScale(chart, 'scale', { workload: worker, maxReplicas: 3, triggers: [ScaleTrigger.cpuUtilization(50)] });
    expect(() => Testing.synth(chart)).toThrow('test/scale: invalid triggers[0] "cpu 50": needs a cpu request on container bare of test/worker, which has none: '
      + 'KEDA refuses a cpu or memory trigger on a container that requests none; give the container resources.cpu.request (a ResourcePreset sets one)');
  });

  test('validation messages', () => {
    const cases: Array<[(s: ReturnType<typeof setup>) => unknown, string]> = [
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, triggers: [] }), 'test/e: invalid triggers []: must list at least one ScaleTrigger'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, triggers: [{ type: 'redis' } as any] }), 'test/e: invalid triggers[0] {"type":"redis"}: must be a ScaleTrigger, e.g. ScaleTrigger.redisListLength({ ... })'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 0, triggers: [ScaleTrigger.cpuUtilization(50)] }), 'test/e: invalid maxReplicas 0: must be a whole number of at least 1'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, minReplicas: 4, triggers: [ScaleTrigger.cpuUtilization(50)] }), 'test/e: invalid minReplicas 4: must be a whole number from 0 to maxReplicas (3)'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, minReplicas: 0, triggers: [ScaleTrigger.cpuUtilization(50)] }),
        'test/e: invalid minReplicas 0: must be at least 1 when every trigger is cpu or memory: they cannot wake a workload from zero (KEDA refuses it)'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, triggers: [ScaleTrigger.cpuUtilization(50, { name: 'a' }), ScaleTrigger.memoryUtilization(50, { name: 'a' })] }),
        'test/e: invalid triggers[1].name "a": must be unique among the triggers (KEDA refuses two of the same name)'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, idleReplicaCount: 1, triggers: [ScaleTrigger.redisListLength({ service: s.redis, listName: 'q' })] }),
        'test/e: invalid idleReplicaCount 1: must be less than minReplicas (1)'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, cooldownPeriod: Duration.minutes(1), triggers: [ScaleTrigger.redisListLength({ service: s.redis, listName: 'q' })] }),
        'test/e: invalid cooldownPeriod 60s: only applies with minReplicas 0 or an idleReplicaCount: KEDA ignores it otherwise'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, fallback: { failureThreshold: 3, replicas: 2 }, triggers: [ScaleTrigger.cpuUtilization(50)] }),
        'test/e: invalid fallback {"failureThreshold":3,"replicas":2}: needs a trigger other than cpu and memory (KEDA refuses it otherwise)'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, fallback: { failureThreshold: -1, replicas: 2 }, triggers: [ScaleTrigger.redisListLength({ service: s.redis, listName: 'q' })] }),
        'test/e: invalid fallback.failureThreshold -1: must be a whole number of at least 0'],
      [s => new EventDrivenScale(s.chart, 'e', { workload: s.worker, maxReplicas: 3, pollingInterval: Duration.millis(500), triggers: [ScaleTrigger.redisListLength({ service: s.redis, listName: 'q' })] }),
        'test/e: invalid pollingInterval 0.5s: must be a whole number of seconds, at least 1'],
    ];
    for (const [make, message] of cases) expect(() => make(setup())).toThrow(message);

    const noNamespace = setup(false);
    expect(() => new EventDrivenScale(noNamespace.chart, 'e', { workload: noNamespace.worker, maxReplicas: 3, triggers: [ScaleTrigger.redisListLength({ service: noNamespace.redis, listName: 'q' })] }))
      .toThrow(`test/e: invalid triggers[0].service "${noNamespace.redis.name}": needs the chart's namespace (ChartProps.namespace): KEDA resolves the address from its own namespace, so it must be the Service's full DNS name; or give address`);
    const replicas = setup();
    const fixed = new kplus.Deployment(replicas.chart, 'fixed', { replicas: 2, containers: [sized()] });
    expect(() => new EventDrivenScale(replicas.chart, 'e', { workload: fixed, maxReplicas: 3, triggers: [ScaleTrigger.cpuUtilization(50)] }))
      .toThrow('test/e: invalid workload.replicas 2: must be unset on test/fixed: a KEDA ScaledObject of test/e owns the replica count');
    const twice = setup();
    new EventDrivenScale(twice.chart, 'a', { workload: twice.worker, maxReplicas: 3, triggers: [ScaleTrigger.cpuUtilization(50)] });
    expect(() => new EventDrivenScale(twice.chart, 'b', { workload: twice.worker, maxReplicas: 3, triggers: [ScaleTrigger.cpuUtilization(50)] }))
      .toThrow('test/b: invalid workload "test/worker": already has a KEDA ScaledObject from test/a: one autoscaler per workload, two would fight over its replicas');
  });

  test.each<[string, () => unknown, string]>([
    ['list name', () => ScaleTrigger.redisListLength({ address: 'r:6379', listName: 'a b' }), 'ScaleTrigger.redisListLength: invalid listName "a b": must be 1-128 characters of letters, digits, ":", ".", "_" and "-"'],
    ['neither', () => ScaleTrigger.redisListLength({ listName: 'q' }), 'ScaleTrigger.redisListLength: invalid address undefined: must be given, or service instead (exactly one of them)'],
    ['address', () => ScaleTrigger.redisListLength({ listName: 'q', address: 'redis://r:6379' }), 'ScaleTrigger.redisListLength: invalid address "redis://r:6379": must be host:port with a DNS name, e.g. "redis.shared.svc.cluster.local:6379"'],
    ['port with address', () => ScaleTrigger.redisListLength({ listName: 'q', address: 'r.ns:6379', port: 6380 }), 'ScaleTrigger.redisListLength: invalid port 6380: is only for service: give the port in address'],
    ['list length', () => ScaleTrigger.redisListLength({ listName: 'q', address: 'r:6379', listLength: 0 }), 'ScaleTrigger.redisListLength: invalid listLength 0: must be a whole number of at least 1'],
    ['database', () => ScaleTrigger.redisListLength({ listName: 'q', address: 'r:6379', databaseIndex: -1 }), 'ScaleTrigger.redisListLength: invalid databaseIndex -1: must be a whole number of at least 0'],
    ['cpu percent', () => ScaleTrigger.cpuUtilization(0), 'ScaleTrigger.cpuUtilization: invalid percent 0: must be a whole number of percent, at least 1 (e.g. 70)'],
    ['container', () => ScaleTrigger.memoryUtilization(50, { container: 'A' }), 'ScaleTrigger.memoryUtilization: invalid container "A": must be a container name: a DNS-1123 label'],
    ['memory size', () => ScaleTrigger.memoryAverageValue(Size.kibibytes(512)), 'ScaleTrigger.memoryAverageValue: invalid size "0.5Mi": must be a whole number of mebibytes, at least 1'],
    ['scaler type', () => ScaleTrigger.custom('Kafka', {}), 'ScaleTrigger.custom: invalid scalerType "Kafka": must be a KEDA scaler type such as "kafka" or "prometheus": lowercase letters, digits and "-"'],
    ['metadata value', () => ScaleTrigger.custom('kafka', { lagThreshold: 5 as any }), 'ScaleTrigger.custom: invalid metadata.lagThreshold 5: must be a string: KEDA reads every metadata value as a string (write numbers as "5")'],
    ['cached cpu', () => ScaleTrigger.custom('cpu', { value: '50' }, { useCachedMetrics: true }), 'ScaleTrigger.custom: invalid useCachedMetrics true: is not supported by KEDA\'s cpu scaler'],
    ['metric type', () => ScaleTrigger.custom('kafka', {}, { metricType: 'Average' as any }), 'ScaleTrigger.custom: invalid metricType "Average": must be one of AverageValue, Value, Utilization'],
    ['trigger name', () => ScaleTrigger.cpuUtilization(50, { name: 'CPU' }), 'ScaleTrigger.cpuUtilization: invalid name "CPU": must be a DNS-1123 label'],
    ['auth kind alone', () => ScaleTrigger.cpuUtilization(50, { authenticationKind: TriggerAuthenticationKind.TRIGGER_AUTHENTICATION }),
      'ScaleTrigger.cpuUtilization: invalid authenticationKind "TriggerAuthentication": is only for authenticationRef: give the name too'],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});
