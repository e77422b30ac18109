import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ElasticScale, EventDrivenScale, ResourcePreset, ScaleTrigger, ScalingMetric, ScalingPolicy, ScalingPolicySelect, Sidecar,
} from '../../src';
import { only, synth } from '../util';
import { wiringProblems } from '../wiring';

const sized = (name = 'web') => ({ name, image: 'x/web:1', resources: ResourcePreset.SMALL.toContainerResources() });

function setup(props: Partial<kplus.DeploymentProps> = {}) {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', { containers: [sized()], ...props });
  return { chart, web };
}

describe('ElasticScale', () => {
  test('an autoscaling/v2 HPA on the Deployment, which leaves spec.replicas to it', () => {
    const { chart, web } = setup();
    const scale = new ElasticScale(chart, 'scale', { workload: web, maxReplicas: 4, metrics: [ScalingMetric.cpuUtilization(50)] });
    const manifests = synth(chart);
    const dep = only(manifests, 'Deployment');
    const hpa = only(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(dep.spec.replicas).toBeUndefined();
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: dep.metadata.name },
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    });
    expect(hpa.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'autoscaler', 'app.kubernetes.io/managed-by': 'cdk8s-patterns' });
    expect(scale.minReplicas).toBe(1);
    expect(scale.maxReplicas).toBe(4);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('StatefulSets, the default metric, and behavior in both directions', () => {
    const chart = Testing.chart();
    const db = new kplus.StatefulSet(chart, 'db', { containers: [{ ...sized('db'), portNumber: 5432, readiness: kplus.Probe.fromTcpSocket() }] });
    new ElasticScale(chart, 'scale', {
      workload: db,
      minReplicas: 2,
      maxReplicas: 6,
      scaleUp: {
        policies: [ScalingPolicy.pods(2, Duration.seconds(30)), ScalingPolicy.percent(50, Duration.minutes(1))],
        selectPolicy: ScalingPolicySelect.MIN,
      },
      scaleDown: { stabilizationWindow: Duration.seconds(30) },
    });
    const manifests = synth(chart);
    const sts = only(manifests, 'StatefulSet');
    const hpa = only(manifests, 'HorizontalPodAutoscaler');
    expect(sts.spec.replicas).toBeUndefined();
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: sts.metadata.name });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    expect(hpa.spec.behavior).toEqual({
      scaleUp: { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }, { type: 'Percent', value: 50, periodSeconds: 60 }] },
      scaleDown: { stabilizationWindowSeconds: 30 },
    });
  });

  test('every kind of metric', () => {
    const { chart, web } = setup({ containers: [sized(), sized('helper')] });
    new ElasticScale(chart, 'scale', {
      workload: web,
      maxReplicas: 10,
      metrics: [
        ScalingMetric.memoryUtilization(75),
        ScalingMetric.cpuUtilization(60, { container: 'web' }),
        ScalingMetric.cpuAverageValue(kplus.Cpu.millis(300)),
        ScalingMetric.memoryAverageValue(Size.mebibytes(200), { container: 'helper' }),
        ScalingMetric.podsMetric({ name: 'http_requests_per_second', averageValue: '20', matchLabels: { verb: 'GET' } }),
        ScalingMetric.objectMetric({ name: 'requests_per_second', describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' }, value: '2k' }),
        ScalingMetric.externalMetric({ name: 'queue_messages_ready', averageValue: '30', matchLabels: { queue: 'worker_tasks' } }),
      ],
    });
    const metrics = only(synth(chart), 'HorizontalPodAutoscaler').spec.metrics;
    expect(metrics).toEqual([
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'web', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '300m' } } },
      { type: 'ContainerResource', containerResource: { name: 'memory', container: 'helper', target: { type: 'AverageValue', averageValue: '200Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'http_requests_per_second', selector: { matchLabels: { verb: 'GET' } } }, target: { type: 'AverageValue', averageValue: '20' } } },
      {
        type: 'Object',
        object: {
          metric: { name: 'requests_per_second' },
          describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' },
          target: { type: 'Value', value: '2k' },
        },
      },
      { type: 'External', external: { metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'worker_tasks' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
    ]);
  });

  test('absolute targets and custom metrics need no requests', () => {
    const { chart, web } = setup({ containers: [{ name: 'web', image: 'x/web:1' }] });
    new ElasticScale(chart, 'scale', { workload: web, maxReplicas: 3, metrics: [ScalingMetric.cpuAverageValue(kplus.Cpu.millis(200)), ScalingMetric.podsMetric({ name: 'rps', averageValue: '10' })] });
    expect(() => synth(chart)).not.toThrow();
  });

  test('a limit counts as a request (the API server copies it)', () => {
    const { chart, web } = setup({ containers: [{ name: 'web', image: 'x/web:1', resources: { cpu: { limit: kplus.Cpu.millis(500) }, memory: { limit: Size.mebibytes(64), request: Size.mebibytes(64) } } }] });
    new ElasticScale(chart, 'scale', { workload: web, maxReplicas: 3, metrics: [ScalingMetric.cpuUtilization(50)] });
    expect(() => synth(chart)).not.toThrow();
  });

  describe('requests are checked on the rendered pod', () => {
    test('a container without the request', () => {
      // (cdk8s-plus gives a container without resources its own defaults, CPU included.)
      const memoryOnly = { memory: { request: Size.mebibytes(32), limit: Size.mebibytes(32) } };
      const { chart, web } = setup({ containers: [sized(), { name: 'bare', image: 'x/bare:1', resources: memoryOnly }] });
      new ElasticScale(chart, 'scale', { workload: web, maxReplicas: 3, metrics: [ScalingMetric.cpuUtilization(50)] });
      expect(() => Testing.synth(chart)).toThrow('test/scale: invalid metrics[0] "cpu averageUtilization 50%": needs a cpu request on container bare of test/web, which has none: '
        + 'utilization is a percentage of the requests of the containers it measures; give the container resources.cpu.request (a ResourcePreset sets one)');
    });

    test('a container another pod pattern adds counts, whatever the order', () => {
      for (const sidecarFirst of [true, false]) {
        const { chart, web } = setup();
        const add = () => new Sidecar(chart, 'shipper', { workload: web, container: { name: 'shipper', image: 'x/shipper:1', resources: { memory: { request: Size.mebibytes(32), limit: Size.mebibytes(32) } } } });
        if (sidecarFirst) add();
        new ElasticScale(chart, 'scale', { workload: web, maxReplicas: 3, metrics: [ScalingMetric.cpuUtilization(50)] });
        if (!sidecarFirst) add();
        expect(() => Testing.synth(chart)).toThrow('test/scale: invalid metrics[0] "cpu averageUtilization 50%": needs a cpu request on container shipper of test/web, which has none');
      }
    });

    test('a container metric measures only its container, which must exist', () => {
      const { chart, web } = setup({ containers: [sized(), { name: 'bare', image: 'x/bare:1', resources: { memory: { request: Size.mebibytes(32), limit: Size.mebibytes(32) } } }] });
      new ElasticScale(chart, 'scale', { workload: web, maxReplicas: 3, metrics: [ScalingMetric.cpuUtilization(50, { container: 'web' })] });
      expect(() => synth(chart)).not.toThrow();
      const other = setup();
      new ElasticScale(other.chart, 'scale', { workload: other.web, maxReplicas: 3, metrics: [ScalingMetric.memoryUtilization(50, { container: 'nope' })] });
      expect(() => Testing.synth(other.chart)).toThrow('test/scale: invalid metrics[0].container "nope": must name a container of test/web: web');
    });
  });

  describe('one autoscaler per workload, which owns the replicas', () => {
    test('explicit replicas', () => {
      const { chart, web } = setup({ replicas: 3 });
      expect(() => new ElasticScale(chart, 'scale', { workload: web, maxReplicas: 4 })).toThrow(
        'test/scale: invalid workload.replicas 3: must be unset on test/web: a HorizontalPodAutoscaler of test/scale owns the replica count, and every apply of a manifest with spec.replicas would reset it to 3; remove replicas from test/web');
    });

    test('a second ElasticScale', () => {
      const { chart, web } = setup();
      new ElasticScale(chart, 'a', { workload: web, maxReplicas: 4 });
      expect(() => new ElasticScale(chart, 'b', { workload: web, maxReplicas: 4 })).toThrow(
        'test/b: invalid workload "test/web": already has a HorizontalPodAutoscaler from test/a: one autoscaler per workload, two would fight over its replicas');
    });

    test('an ElasticScale and KEDA triggers', () => {
      const { chart, web } = setup();
      new ElasticScale(chart, 'hpa', { workload: web, maxReplicas: 4 });
      expect(() => new EventDrivenScale(chart, 'keda', { workload: web, maxReplicas: 4, triggers: [ScaleTrigger.cpuUtilization(50)] })).toThrow(
        'test/keda: invalid workload "test/web": already has a HorizontalPodAutoscaler from test/hpa: one autoscaler per workload, two would fight over its replicas '
        + '(a KEDA ScaledObject creates its own HorizontalPodAutoscaler: give KEDA a cpu or memory trigger instead of an HPA metric)');
      const other = setup();
      new EventDrivenScale(other.chart, 'keda', { workload: other.web, maxReplicas: 4, triggers: [ScaleTrigger.cpuUtilization(50)] });
      expect(() => new ElasticScale(other.chart, 'hpa', { workload: other.web, maxReplicas: 4 })).toThrow(
        'test/hpa: invalid workload "test/web": already has a KEDA ScaledObject from test/keda: one autoscaler per workload');
    });

    test('a cdk8s-plus HorizontalPodAutoscaler, before or after', () => {
      for (const plusFirst of [true, false]) {
        const { chart, web } = setup();
        const plus = () => new kplus.HorizontalPodAutoscaler(chart, 'plus', { target: web, maxReplicas: 3 });
        if (plusFirst) plus();
        new ElasticScale(chart, 'scale', { workload: web, maxReplicas: 4 });
        if (!plusFirst) plus();
        expect(() => Testing.synth(chart)).toThrow('test/scale: invalid workload "test/web": already has a HorizontalPodAutoscaler from test/plus: one autoscaler per workload, two would fight over its replicas; remove one');
      }
    });
  });

  describe('validation messages', () => {
    test.each<[string, (chart: Chart, web: kplus.Deployment) => void, string]>([
      ['maxReplicas 0', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 0 }), 'test/s: invalid maxReplicas 0: must be a whole number of at least 1'],
      ['minReplicas 0', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 3, minReplicas: 0 }), 'test/s: invalid minReplicas 0: must be a whole number from 1 to maxReplicas (3)'],
      ['min > max', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 3, minReplicas: 4 }), 'test/s: invalid minReplicas 4: must be a whole number from 1 to maxReplicas (3)'],
      ['no metrics', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 3, metrics: [] }), 'test/s: invalid metrics []: must list at least one ScalingMetric, or be left unset for CPU at 80% of the requests'],
      ['not a metric', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 3, metrics: [{ type: 'Resource' } as any] }), 'test/s: invalid metrics[0] {"type":"Resource"}: must be a ScalingMetric, e.g. ScalingMetric.cpuUtilization(70)'],
      ['missing maxReplicas', (c, w) => new ElasticScale(c, 's', { workload: w } as any), 'test/s: invalid maxReplicas undefined: is required'],
      ['a DaemonSet', (c) => new ElasticScale(c, 's', { workload: new kplus.DaemonSet(c, 'ds', { containers: [sized()] }), maxReplicas: 3 }),
        'test/s: invalid workload "DaemonSet test/ds": must be a cdk8s-plus Deployment or StatefulSet (the kinds with a scale subresource that cdk8s-plus can leave unscaled)'],
      ['window too long', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 3, scaleDown: { stabilizationWindow: Duration.hours(2) } }), 'test/s: invalid scaleDown.stabilizationWindow 7200s: must be at most 3600 seconds (one hour)'],
      ['window fraction', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 3, scaleUp: { stabilizationWindow: Duration.millis(1500) } }), 'test/s: invalid scaleUp.stabilizationWindow 1.5s: must be a whole number of seconds, at least 0'],
      ['empty policies', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 3, scaleUp: { policies: [] } }), 'test/s: invalid scaleUp.policies []: must list at least one ScalingPolicy, or be left unset for Kubernetes\' default'],
      ['bad selectPolicy', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 3, scaleUp: { selectPolicy: 'Largest' as any } }), 'test/s: invalid scaleUp.selectPolicy "Largest": must be one of Max, Min, Disabled'],
      ['not a policy', (c, w) => new ElasticScale(c, 's', { workload: w, maxReplicas: 3, scaleUp: { policies: [{ type: 'Pods' } as any] } }), 'test/s: invalid scaleUp.policies[0] {"type":"Pods"}: must be a ScalingPolicy, e.g. ScalingPolicy.pods(4, Duration.seconds(15))'],
    ])('%s', (_name, make, message) => {
      const { chart, web } = setup();
      expect(() => make(chart, web)).toThrow(message);
    });

    test('a workload in another chart', () => {
      const app = Testing.app();
      const shop = new Chart(app, 'shop', { namespace: 'shop' });
      const ops = new Chart(app, 'ops');
      const web = new kplus.Deployment(shop, 'web', { containers: [sized()] });
      expect(() => new ElasticScale(ops, 's', { workload: web, maxReplicas: 3 })).toThrow(
        'ops/s: invalid workload "shop/web": must be in the same chart as the pattern, ops, not in shop (namespace shop): create the pattern in the workload\'s chart');
    });

    test.each<[string, () => unknown, string]>([
      ['utilization 0', () => ScalingMetric.cpuUtilization(0), 'ScalingMetric.cpuUtilization: invalid averageUtilization 0: must be a whole number of percent, at least 1 (e.g. 70)'],
      ['utilization 50.5', () => ScalingMetric.memoryUtilization(50.5), 'ScalingMetric.memoryUtilization: invalid averageUtilization 50.5: must be a whole number of percent, at least 1 (e.g. 70)'],
      ['container name', () => ScalingMetric.cpuUtilization(50, { container: 'Web_1' }), 'ScalingMetric.cpuUtilization: invalid container "Web_1": must be a container name: a DNS-1123 label'],
      ['cpu value', () => ScalingMetric.cpuAverageValue('300m' as any), 'ScalingMetric.cpuAverageValue: invalid averageValue "300m": must be a kplus.Cpu, e.g. kplus.Cpu.millis(300)'],
      ['memory value', () => ScalingMetric.memoryAverageValue(Size.kibibytes(100)), 'ScalingMetric.memoryAverageValue: invalid averageValue "0.09765625Mi": must be a whole number of mebibytes, at least 1'],
      ['pods quantity', () => ScalingMetric.podsMetric({ name: 'rps', averageValue: '10 rps' }), 'ScalingMetric.podsMetric: invalid averageValue "10 rps": must be a positive Kubernetes quantity as a string, e.g. "20", "500m" or "1.5Gi"'],
      ['pods zero', () => ScalingMetric.podsMetric({ name: 'rps', averageValue: '0' }), 'ScalingMetric.podsMetric: invalid averageValue "0": must be a positive Kubernetes quantity'],
      ['metric name', () => ScalingMetric.podsMetric({ name: '', averageValue: '1' }), 'ScalingMetric.podsMetric: invalid name "": must be the metric\'s name: non-empty, without spaces'],
      ['selector key', () => ScalingMetric.podsMetric({ name: 'rps', averageValue: '1', matchLabels: { 'a b': 'x' } }), 'ScalingMetric.podsMetric: invalid matchLabels "a b": must be a label key'],
      ['selector value', () => ScalingMetric.podsMetric({ name: 'rps', averageValue: '1', matchLabels: { a: 'x y' } }), 'ScalingMetric.podsMetric: invalid matchLabels[a] "x y": must be a label value'],
      ['object without object', () => ScalingMetric.objectMetric({ name: 'rps', value: '1' }), 'ScalingMetric.objectMetric: invalid describedObject undefined: is required: the apiVersion, kind and name of the object the metric describes'],
      ['object kind', () => ScalingMetric.objectMetric({ name: 'rps', value: '1', describedObject: { apiVersion: 'v1', kind: 'service', name: 'web' } }), 'ScalingMetric.objectMetric: invalid describedObject.kind "service": must be a kind such as "Ingress"'],
      ['object apiVersion', () => ScalingMetric.objectMetric({ name: 'rps', value: '1', describedObject: { apiVersion: 'apps', kind: 'Deployment', name: 'web' } }), 'ScalingMetric.objectMetric: invalid describedObject.apiVersion "apps": must be an API version such as "v1" or "networking.k8s.io/v1"'],
      ['object name', () => ScalingMetric.objectMetric({ name: 'rps', value: '1', describedObject: { apiVersion: 'v1', kind: 'Service', name: 'Web' } }), 'ScalingMetric.objectMetric: invalid describedObject.name "Web": must be an object name: a DNS-1123 subdomain'],
      ['value and averageValue', () => ScalingMetric.externalMetric({ name: 'q', value: '1', averageValue: '2' }), 'ScalingMetric.externalMetric: invalid value "1": must be given, or averageValue instead (exactly one of them; averageValue is "2")'],
      ['neither', () => ScalingMetric.externalMetric({ name: 'q' }), 'ScalingMetric.externalMetric: invalid value undefined: must be given, or averageValue instead (exactly one of them; averageValue is unset)'],
      ['external with object', () => ScalingMetric.externalMetric({ name: 'q', value: '1', describedObject: { apiVersion: 'v1', kind: 'Service', name: 'web' } }), 'ScalingMetric.externalMetric: invalid describedObject {"apiVersion":"v1","kind":"Service","name":"web"}: must be unset for an external metric: use ScalingMetric.objectMetric for a metric of a Kubernetes object'],
      ['policy pods', () => ScalingPolicy.pods(0, Duration.seconds(15)), 'ScalingPolicy.pods: invalid pods 0: must be a whole number of at least 1'],
      ['policy percent', () => ScalingPolicy.percent(12.5, Duration.seconds(15)), 'ScalingPolicy.percent: invalid percent 12.5: must be a whole number of at least 1'],
      ['policy period short', () => ScalingPolicy.pods(1, Duration.seconds(0)), 'ScalingPolicy.pods: invalid period 0s: must be a whole number of seconds, at least 1'],
      ['policy period long', () => ScalingPolicy.pods(1, Duration.minutes(31)), 'ScalingPolicy.pods: invalid period 1860s: must be at most 1800 seconds (30 minutes)'],
    ])('%s', (_name, make, message) => {
      expect(make).toThrow(message);
    });
  });
});
