import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  GracefulShutdown, PodDemand, PodSpecFields, PredictableDemands, PreemptionPolicy, PriorityClass, ResourcePreset,
} from '../../src';
import { only, podSpec, synth } from '../util';

describe('PredictableDemands', () => {
  test('a quota summed from demands and a LimitRange from a preset, in the chart\'s namespace', () => {
    const chart = Testing.chart();
    const budget = new PredictableDemands(chart, 'budget', {
      demands: [PodDemand.ofPreset(4, ResourcePreset.SMALL), PodDemand.ofPreset(2, ResourcePreset.MICRO, 2), PodDemand.custom(1, 300, 100)],
      objectCounts: { 'services': 3, 'jobs.batch': 10 },
      containerMax: ResourcePreset.LARGE,
    });
    const manifests = synth(chart);
    const quota = only(manifests, 'ResourceQuota');
    // 4 × (100m, 128Mi) + 2 × 2 × (50m, 64Mi) + (300m, 100Mi)
    expect(quota.spec.hard).toEqual({
      'requests.cpu': '900m',
      'requests.memory': '868Mi',
      'limits.memory': '868Mi',
      'pods': '7',
      'count/jobs.batch': '10',
      'count/services': '3',
    });
    expect(budget.hard['requests.cpu']).toBe('900m');
    expect(quota.metadata.namespace).toBeUndefined();
    expect(quota.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'resource-budget' });
    expect(only(manifests, 'LimitRange').spec).toEqual({
      limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { memory: '128Mi' }, max: { memory: '512Mi' } }],
    });
    expect(manifests.filter(m => m.kind === 'Namespace')).toEqual([]);
  });

  test('explicit totals, no LimitRange, and the Namespace of a namespaced chart', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const budget = new PredictableDemands(chart, 'budget', {
      requestsCpu: kplus.Cpu.units(2),
      requestsMemory: Size.gibibytes(4),
      limitsMemory: Size.gibibytes(6),
      pods: 20,
      limitRange: false,
      createNamespace: true,
    });
    const manifests = synth(chart);
    expect(only(manifests, 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '2000m', 'requests.memory': '4096Mi', 'limits.memory': '6144Mi', 'pods': '20' });
    expect(only(manifests, 'ResourceQuota').metadata.namespace).toBe('shop');
    expect(manifests.filter(m => m.kind === 'LimitRange')).toEqual([]);
    const ns = only(manifests, 'Namespace');
    expect(ns.metadata.name).toBe('shop');
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(budget.namespaceObject).toBeDefined();
    expect(budget.limitRange).toBeUndefined();
  });

  test('explicit totals above the demands win', () => {
    const chart = Testing.chart();
    new PredictableDemands(chart, 'budget', { demands: [PodDemand.ofPreset(2, ResourcePreset.SMALL)], requestsCpu: kplus.Cpu.millis(500), pods: 5 });
    expect(only(synth(chart), 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '500m', 'requests.memory': '256Mi', 'limits.memory': '256Mi', 'pods': '5' });
  });

  test.each<[string, (c: Chart) => unknown, string]>([
    ['nothing', c => new PredictableDemands(c, 'b'), 'test/b: invalid demands undefined: must be given, or the totals instead (requestsCpu, requestsMemory, limitsMemory, pods missing)'],
    ['some totals', c => new PredictableDemands(c, 'b', { pods: 3 }), 'test/b: invalid demands undefined: must be given, or the totals instead (requestsCpu, requestsMemory, limitsMemory missing)'],
    ['not a demand', c => new PredictableDemands(c, 'b', { demands: [{ pods: 2 } as any] }), 'test/b: invalid demands[0] {"pods":2}: must be a PodDemand, e.g. PodDemand.ofPreset(4, ResourcePreset.SMALL)'],
    ['cpu below demands', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(4, ResourcePreset.SMALL)], requestsCpu: kplus.Cpu.millis(300) }),
      'test/b: invalid requestsCpu "300m": must be at least 400m, the sum of demands (4 pod(s) of 1 small container(s)): a smaller quota refuses some of those pods'],
    ['pods below demands', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(4, ResourcePreset.SMALL)], pods: 3 }),
      'test/b: invalid pods "3": must be at least 4, the sum of demands (4 pod(s) of 1 small container(s)): a smaller quota refuses some of those pods'],
    ['pods zero', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(1, ResourcePreset.SMALL)], pods: 0 }), 'test/b: invalid pods 0: must be a whole number of at least 1'],
    ['fractional cpu', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(1, ResourcePreset.SMALL)], requestsCpu: kplus.Cpu.millis(0.5) }),
      'test/b: invalid requestsCpu "0.5m": must be a whole number of millicores, at least 1m'],
    ['memory not a Size', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(1, ResourcePreset.SMALL)], requestsMemory: '1Gi' as any }),
      'test/b: invalid requestsMemory "1Gi": must be a Size, e.g. Size.gibibytes(2)'],
    ['object count name', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(1, ResourcePreset.SMALL)], objectCounts: { 'count/services': 3 } }),
      'test/b: invalid objectCounts "count/services": must name a resource by its plural, with its API group for groups other than the core one, e.g. "services", "configmaps" or "jobs.batch"'],
    ['object count value', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(1, ResourcePreset.SMALL)], objectCounts: { services: -1 } }),
      'test/b: invalid objectCounts.services -1: must be a whole number of at least 0'],
    ['max below defaults', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(1, ResourcePreset.SMALL)], containerDefaults: ResourcePreset.MEDIUM, containerMax: ResourcePreset.SMALL }),
      'test/b: invalid containerMax "small (128Mi)": must be at least containerDefaults (medium, 256Mi): the default limit must fit under the maximum'],
    ['defaults without LimitRange', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(1, ResourcePreset.SMALL)], limitRange: false, containerDefaults: ResourcePreset.SMALL }),
      'test/b: invalid containerDefaults "small": is only for the LimitRange: remove it, or leave limitRange on'],
    ['namespace without one', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(1, ResourcePreset.SMALL)], createNamespace: true }),
      'test/b: invalid createNamespace true: needs the chart\'s namespace (ChartProps.namespace): the Namespace is named after it'],
    ['flag not a boolean', c => new PredictableDemands(c, 'b', { demands: [PodDemand.ofPreset(1, ResourcePreset.SMALL)], limitRange: 'no' as any }),
      'test/b: invalid limitRange "no": must be true or false'],
  ])('%s', (_name, make, message) => {
    expect(() => make(Testing.chart())).toThrow(message);
  });

  test.each<[string, () => unknown, string]>([
    ['pods', () => PodDemand.ofPreset(0, ResourcePreset.SMALL), 'PodDemand.ofPreset: invalid pods 0: must be a whole number of at least 1'],
    ['preset', () => PodDemand.ofPreset(1, 'small' as any), 'PodDemand.ofPreset: invalid preset "small": must be a ResourcePreset, e.g. ResourcePreset.SMALL'],
    ['containers', () => PodDemand.ofPreset(1, ResourcePreset.SMALL, 1.5), 'PodDemand.ofPreset: invalid containersPerPod 1.5: must be a whole number of at least 1'],
    ['custom cpu', () => PodDemand.custom(1, 0, 64), 'PodDemand.custom: invalid cpuMillisPerPod 0: must be a whole number of at least 1'],
    ['custom memory', () => PodDemand.custom(1, 100, NaN), 'PodDemand.custom: invalid memoryMebibytesPerPod NaN: must be a whole number of at least 1'],
  ])('PodDemand %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('PriorityClass', () => {
  test('a scheduling.k8s.io/v1 PriorityClass given to a workload through its pod mutations', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ image: 'x/web:1' }] });
    const job = new kplus.Job(chart, 'job', { containers: [{ image: 'x/job:1' }] });
    const critical = new PriorityClass(chart, 'critical', { value: 100000, description: 'customer-facing', preemptionPolicy: PreemptionPolicy.NEVER });
    critical.assignTo(web);
    PriorityClass.assignExisting(job, 'batch-low');
    const manifests = synth(chart);
    const pc = only(manifests, 'PriorityClass');
    expect(pc).toMatchObject({ apiVersion: 'scheduling.k8s.io/v1', value: 100000, description: 'customer-facing', preemptionPolicy: 'Never' });
    expect(pc.metadata.name).toBe(critical.name);
    expect(podSpec(only(manifests, 'Deployment')).priorityClassName).toBe(critical.name);
    expect(podSpec(only(manifests, 'Job')).priorityClassName).toBe('batch-low');
  });

  test('composes with other pod patterns; a second class conflicts naming both', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'web', image: 'x/web:1' }] });
    new GracefulShutdown(chart, 'drain', { workload: web });
    new PriorityClass(chart, 'high', { value: 1000, name: 'high' }).assignTo(web);
    PodSpecFields.setPodSpecField(web, 'priorityClassName', 'high'); // the same value is fine
    expect(podSpec(only(synth(chart), 'Deployment')).priorityClassName).toBe('high');
    expect(() => new PriorityClass(chart, 'low', { value: 10, name: 'low' }).assignTo(web))
      .toThrow('test/low: invalid priorityClassName "low": conflicts with "high" set by test/high on test/web: give the field one value');
    expect(() => PriorityClass.assignExisting(web, 'other'))
      .toThrow('PriorityClass.assignExisting: invalid priorityClassName "other": conflicts with "high" set by test/high on test/web: give the field one value');
  });

  test.each<[string, (c: Chart) => unknown, string]>([
    ['value too high', c => new PriorityClass(c, 'p', { value: 2000000000 }),
      'test/p: invalid value 2000000000: must be a whole number from -2147483648 to 1000000000 (larger values are reserved for system-cluster-critical and system-node-critical)'],
    ['value fraction', c => new PriorityClass(c, 'p', { value: 1.5 }), 'test/p: invalid value 1.5: must be a whole number from -2147483648 to 1000000000'],
    ['system name', c => new PriorityClass(c, 'p', { value: 1, name: 'system-mine' }), 'test/p: invalid name "system-mine": must be a DNS-1123 subdomain not starting with "system-" (reserved for Kubernetes\' own classes)'],
    ['bad name', c => new PriorityClass(c, 'p', { value: 1, name: 'High' }), 'test/p: invalid name "High": must be a DNS-1123 subdomain'],
    ['preemption', c => new PriorityClass(c, 'p', { value: 1, preemptionPolicy: 'Always' as any }), 'test/p: invalid preemptionPolicy "Always": must be one of PreemptLowerPriority, Never'],
    ['global default', c => new PriorityClass(c, 'p', { value: 1, globalDefault: 'yes' as any }), 'test/p: invalid globalDefault "yes": must be true or false'],
    ['missing value', c => new PriorityClass(c, 'p', {} as any), 'test/p: invalid value undefined: is required'],
    ['assign to nothing', c => new PriorityClass(c, 'p', { value: 1 }).assignTo('web' as any), 'test/p: invalid workload "web": must be a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod)'],
    ['existing name', c => PriorityClass.assignExisting(new kplus.Deployment(c, 'web', { containers: [{ image: 'x/web:1' }] }), 'Not_A_Name'),
      'PriorityClass.assignExisting: invalid priorityClassName "Not_A_Name": must be the name of a PriorityClass: a DNS-1123 subdomain'],
  ])('%s', (_name, make, message) => {
    expect(() => make(Testing.chart())).toThrow(message);
  });
});
