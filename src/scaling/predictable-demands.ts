import { Chart, Names, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StandardLabels, StandardLabelsProps, validateStandardLabels } from '../core/labels';
import { ResourcePreset } from '../core/resource-preset';
import { invalid, invalidInput, validateBoolean, validateList, validateProps } from '../core/validation';

/**
 * Room in a namespace for a number of pods of one size: what a `PredictableDemands` quota is
 * summed from. Memory limits equal the memory requests (the library's presets).
 */
export class PodDemand {
  /**
   * Room for `pods` pods whose containers are each of `preset` (e.g. the replicas of a
   * Deployment, its `maxReplicas` when it autoscales, plus its rolling-update surge).
   * @param pods a whole number of at least 1
   * @param preset the size of each container
   * @param containersPerPod containers of that size in each pod (default 1)
   */
  public static ofPreset(pods: number, preset: ResourcePreset, containersPerPod: number = 1): PodDemand {
    const where = 'PodDemand.ofPreset';
    positive(where, 'pods', pods);
    if (!(preset instanceof ResourcePreset)) invalidInput(where, 'preset', preset, 'must be a ResourcePreset, e.g. ResourcePreset.SMALL');
    positive(where, 'containersPerPod', containersPerPod);
    return new PodDemand(pods, pods * containersPerPod * preset.cpuMillis, pods * containersPerPod * preset.memoryMebibytes,
      `${pods} pod(s) of ${containersPerPod} ${preset.name} container(s)`);
  }

  /**
   * Room for `pods` pods that each request `cpuMillisPerPod` millicores and `memoryMebibytesPerPod` MiB in
   * total (over all their containers; the memory is also their limit).
   */
  public static custom(pods: number, cpuMillisPerPod: number, memoryMebibytesPerPod: number): PodDemand {
    const where = 'PodDemand.custom';
    positive(where, 'pods', pods);
    positive(where, 'cpuMillisPerPod', cpuMillisPerPod);
    positive(where, 'memoryMebibytesPerPod', memoryMebibytesPerPod);
    return new PodDemand(pods, pods * cpuMillisPerPod, pods * memoryMebibytesPerPod, `${pods} pod(s) of ${cpuMillisPerPod}m and ${memoryMebibytesPerPod}Mi`);
  }

  private constructor(
    /** The number of pods. */
    public readonly pods: number,
    /** The CPU requests of all of them, in millicores. */
    public readonly cpuMillis: number,
    /** The memory requests (and limits) of all of them, in MiB. */
    public readonly memoryMebibytes: number,
    /** What the demand is, for messages. */
    public readonly description: string,
  ) {}
}

/**
 * Props of `PredictableDemands`.
 */
export interface PredictableDemandsProps {
  /**
   * What the namespace must hold; the quota is their sum. Count what a rolling update adds
   * (maxSurge) and what an autoscaler may add (maxReplicas).
   * @default - none: give the totals (`requestsCpu`, `requestsMemory`, `limitsMemory`, `pods`)
   */
  readonly demands?: PodDemand[];

  /**
   * `requests.cpu` of the quota: the CPU all pods may request together.
   * @default - the sum of `demands`
   */
  readonly requestsCpu?: kplus.Cpu;

  /**
   * `requests.memory` of the quota.
   * @default - the sum of `demands`
   */
  readonly requestsMemory?: Size;

  /**
   * `limits.memory` of the quota.
   * @default - the sum of `demands` (memory limits equal requests)
   */
  readonly limitsMemory?: Size;

  /**
   * `pods` of the quota: running pods at once (finished Job pods do not count).
   * @default - the sum of `demands`
   */
  readonly pods?: number;

  /**
   * Object counts of the quota, by resource (`count/<resource>[.<group>]`), e.g.
   * `{ services: 5, configmaps: 20, 'jobs.batch': 10 }`.
   * @default - none
   */
  readonly objectCounts?: { [resource: string]: number };

  /**
   * A LimitRange that gives each container without requests this size (CPU and memory requests,
   * a memory limit equal to the memory request), so that pods without resources are admitted
   * by the quota, and refuses containers whose memory limit exceeds `containerMax`.
   * @default true
   */
  readonly limitRange?: boolean;

  /**
   * The size of a container that sets no resources (LimitRange `defaultRequest` and `default`).
   * @default ResourcePreset.SMALL
   */
  readonly containerDefaults?: ResourcePreset;

  /**
   * The largest memory limit one container may have (LimitRange `max.memory`; CPU gets no
   * maximum, which would give every container a CPU limit).
   * @default - no maximum
   */
  readonly containerMax?: ResourcePreset;

  /**
   * Also create the chart's Namespace, labelled to enforce Pod Security "restricted" (the chart
   * must have a namespace). Leave it false where the platform creates namespaces.
   * @default false
   */
  readonly createNamespace?: boolean;

  /**
   * Labels of the objects.
   * @default - `app.kubernetes.io/name` from the construct's path, component `resource-budget`
   */
  readonly labels?: StandardLabelsProps;
}

/**
 * Predictable demands (Kubernetes Patterns, "Predictable Demands"), for a namespace: a
 * ResourceQuota that caps what the namespace's pods may request (CPU and memory requests,
 * memory limits, pods, optional object counts), summed from `PodDemand`s or given, and a
 * LimitRange that sizes containers that set nothing and caps the largest one. The objects take
 * the chart's namespace (or whatever namespace the chart is applied to); `createNamespace`
 * creates it too. Pod priorities are a `PriorityClass`.
 */
export class PredictableDemands extends Construct {
  /** The ResourceQuota. */
  public readonly quota: k8s.KubeResourceQuota;

  /** The LimitRange, unless `limitRange: false`. */
  public readonly limitRange?: k8s.KubeLimitRange;

  /** The Namespace, with `createNamespace`. */
  public readonly namespaceObject?: k8s.KubeNamespace;

  /** The quota's `hard` limits, as written. */
  public readonly hard: { [resource: string]: string };

  constructor(scope: Construct, id: string, props: PredictableDemandsProps = {}) {
    super(scope, id);
    validateProps(this, props);
    const demands = props.demands === undefined ? [] : validateList(this, 'demands', props.demands);
    demands.forEach((d, i) => {
      if (!(d instanceof PodDemand)) invalid(this, `demands[${i}]`, d, 'must be a PodDemand, e.g. PodDemand.ofPreset(4, ResourcePreset.SMALL)');
    });
    for (const f of ['limitRange', 'createNamespace'] as const) validateBoolean(this, f, props[f]);
    if (props.labels !== undefined) validateStandardLabels(this, 'labels', props.labels);
    const sum = (f: 'pods' | 'cpuMillis' | 'memoryMebibytes') => demands.reduce((a, d) => a + d[f], 0);
    const given = {
      cpu: props.requestsCpu === undefined ? undefined : millicoresOf(this, 'requestsCpu', props.requestsCpu),
      memory: props.requestsMemory === undefined ? undefined : mebibytes(this, 'requestsMemory', props.requestsMemory),
      limits: props.limitsMemory === undefined ? undefined : mebibytes(this, 'limitsMemory', props.limitsMemory),
      pods: props.pods,
    };
    if (given.pods !== undefined && (typeof given.pods !== 'number' || !Number.isInteger(given.pods) || given.pods < 1)) {
      invalid(this, 'pods', given.pods, 'must be a whole number of at least 1');
    }
    if (demands.length === 0) {
      const missing = Object.entries({ requestsCpu: given.cpu, requestsMemory: given.memory, limitsMemory: given.limits, pods: given.pods })
        .filter(([, v]) => v === undefined).map(([k]) => k);
      if (missing.length > 0) invalid(this, 'demands', undefined, `must be given, or the totals instead (${missing.join(', ')} missing)`);
    }
    const need = { cpu: sum('cpuMillis'), memory: sum('memoryMebibytes'), limits: sum('memoryMebibytes'), pods: sum('pods') };
    const fields = { cpu: 'requestsCpu', memory: 'requestsMemory', limits: 'limitsMemory', pods: 'pods' } as const;
    const show = { cpu: (n: number) => `${n}m`, memory: (n: number) => `${n}Mi`, limits: (n: number) => `${n}Mi`, pods: (n: number) => String(n) };
    for (const k of ['cpu', 'memory', 'limits', 'pods'] as const) {
      const v = given[k];
      if (v !== undefined && v < need[k]) {
        invalid(this, fields[k], show[k](v), `must be at least ${show[k](need[k])}, the sum of demands (${demands.map(d => d.description).join(' + ')}): a smaller quota refuses some of those pods`);
      }
    }
    const hard: { [resource: string]: string } = {
      'requests.cpu': show.cpu(given.cpu ?? need.cpu),
      'requests.memory': show.memory(given.memory ?? need.memory),
      'limits.memory': show.limits(given.limits ?? need.limits),
      'pods': show.pods(given.pods ?? need.pods),
    };
    const counts = props.objectCounts ?? {};
    if (counts === null || typeof counts !== 'object' || Array.isArray(counts)) invalid(this, 'objectCounts', counts, 'must be a map of resource names to counts');
    for (const [resource, n] of Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(resource)) {
        invalid(this, 'objectCounts', resource, 'must name a resource by its plural, with its API group for groups other than the core one, e.g. "services", "configmaps" or "jobs.batch"');
      }
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) invalid(this, `objectCounts.${resource}`, n, 'must be a whole number of at least 0');
      hard[`count/${resource}`] = String(n);
    }
    this.hard = hard;

    const labels = StandardLabels.of(props.labels ?? { name: Names.toLabelValue(this), component: 'resource-budget' });
    if (props.createNamespace) {
      const name = Chart.of(this).namespace;
      if (!name) invalid(this, 'createNamespace', true, 'needs the chart\'s namespace (ChartProps.namespace): the Namespace is named after it');
      this.namespaceObject = new k8s.KubeNamespace(this, 'namespace', {
        metadata: {
          name,
          labels: {
            ...labels,
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/warn-version': 'latest',
          },
        },
      });
    }
    this.quota = new k8s.KubeResourceQuota(this, 'quota', {
      metadata: { labels },
      spec: { hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, k8s.Quantity.fromString(v)])) },
    });

    if (props.limitRange ?? true) {
      const preset = props.containerDefaults ?? ResourcePreset.SMALL;
      if (!(preset instanceof ResourcePreset)) invalid(this, 'containerDefaults', preset, 'must be a ResourcePreset, e.g. ResourcePreset.SMALL');
      const max = props.containerMax;
      if (max !== undefined && !(max instanceof ResourcePreset)) invalid(this, 'containerMax', max, 'must be a ResourcePreset, e.g. ResourcePreset.LARGE');
      if (max !== undefined && max.memoryMebibytes < preset.memoryMebibytes) {
        invalid(this, 'containerMax', `${max.name} (${max.memoryMebibytes}Mi)`, `must be at least containerDefaults (${preset.name}, ${preset.memoryMebibytes}Mi): the default limit must fit under the maximum`);
      }
      const q = (s: string) => k8s.Quantity.fromString(s);
      this.limitRange = new k8s.KubeLimitRange(this, 'limits', {
        metadata: { labels },
        spec: {
          limits: [{
            type: 'Container',
            defaultRequest: { cpu: q(`${preset.cpuMillis}m`), memory: q(`${preset.memoryMebibytes}Mi`) },
            default: { memory: q(`${preset.memoryMebibytes}Mi`) },
            max: max === undefined ? undefined : { memory: q(`${max.memoryMebibytes}Mi`) },
          }],
        },
      });
    } else {
      for (const f of ['containerDefaults', 'containerMax'] as const) {
        if (props[f] !== undefined) invalid(this, f, props[f] instanceof ResourcePreset ? props[f]!.name : props[f], 'is only for the LimitRange: remove it, or leave limitRange on');
      }
    }
  }
}

function positive(where: string, field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) invalidInput(where, field, value, 'must be a whole number of at least 1');
  // Totals are products of these: keep them exact integers, which Kubernetes quantities need.
  if (value > MAX_COUNT) invalidInput(where, field, value, `must be at most ${MAX_COUNT}`);
}

/** The largest count or size a demand takes (a million pods of a terabyte is far beyond any namespace). */
const MAX_COUNT = 1_000_000;

function millicoresOf(scope: Construct, field: string, cpu: kplus.Cpu): number {
  if (!(cpu instanceof kplus.Cpu)) invalid(scope, field, cpu, 'must be a kplus.Cpu, e.g. kplus.Cpu.units(2)');
  const amount = String(cpu.amount);
  const millis = amount.endsWith('m') ? Number(amount.slice(0, -1)) : Number(amount) * 1000;
  if (!Number.isInteger(millis) || millis < 1) invalid(scope, field, amount, 'must be a whole number of millicores, at least 1m');
  return millis;
}

function mebibytes(scope: Construct, field: string, size: Size): number {
  if (!(size instanceof Size)) invalid(scope, field, size, 'must be a Size, e.g. Size.gibibytes(2)');
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib) || mib < 1) invalid(scope, field, `${mib}Mi`, 'must be a whole number of mebibytes, at least 1');
  return mib;
}
