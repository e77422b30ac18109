/**
 * The manifests a topology diagram reads, normalized: kind, name, namespace, and for workloads
 * their pod template and the label sets of the pods their controller creates. Internal to the
 * diagram module.
 */
import { Labels, cmp, isMap } from './label-selector';

/** One manifest, with the fields every part of the diagram needs. */
export interface ManifestObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  /** The namespace as written, if any. */
  readonly namespace?: string;
  /** The namespace as a key: objects without a namespace are taken to share one (''). */
  readonly ns: string;
  readonly raw: { [key: string]: any };
}

/** A workload: an object with a pod template. */
export interface WorkloadObject extends ManifestObject {
  /** The pod template (`metadata` and `spec`). */
  readonly template: { metadata?: any; spec: any };
  /**
   * The pods the controller creates, each with its labels (the template's plus the ones the
   * controller adds that a selector can use, e.g. a StatefulSet's per-pod name) and, where it
   * is known, its name.
   */
  readonly pods: ReadonlyArray<{ readonly labels: Labels; readonly name?: string }>;
}

/** The kinds drawn as workloads, in drawing order, and where their pod template is. */
const WORKLOAD_TEMPLATES: { [kind: string]: (o: any) => unknown } = {
  Deployment: o => o.spec?.template,
  StatefulSet: o => o.spec?.template,
  DaemonSet: o => o.spec?.template,
  ReplicaSet: o => o.spec?.template,
  Job: o => o.spec?.template,
  CronJob: o => o.spec?.jobTemplate?.spec?.template,
  ScaledJob: o => o.spec?.jobTargetRef?.template,
  Pod: o => ({ metadata: o.metadata, spec: o.spec }),
};

/** The workload kinds in drawing order. */
export const WORKLOAD_KINDS = Object.keys(WORKLOAD_TEMPLATES);

/** At most this many pods are enumerated per workload (StatefulSet ordinals, Job indexes). */
const MAX_PODS = 1000;

/** The manifests as objects with a kind and a name; anything else (null documents, lists of nothing) is skipped. */
export function normalize(manifests: readonly unknown[]): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const m of manifests) {
    if (isMap(m) && typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items)) {
      out.push(...normalize(m.items));
      continue;
    }
    if (!isMap(m) || typeof m.kind !== 'string' || !isMap(m.metadata) || typeof m.metadata.name !== 'string') continue;
    const namespace = typeof m.metadata.namespace === 'string' && m.metadata.namespace !== '' ? m.metadata.namespace : undefined;
    out.push({ kind: m.kind, apiVersion: String(m.apiVersion ?? ''), name: m.metadata.name, namespace, ns: namespace ?? '', raw: m });
  }
  return out;
}

/** The workload view of `o`, or undefined when it has no pod template. */
export function asWorkloadObject(o: ManifestObject): WorkloadObject | undefined {
  const find = WORKLOAD_TEMPLATES[o.kind];
  if (!find) return undefined;
  const template = find(o.raw);
  if (!isMap(template) || !isMap(template.spec) || !Array.isArray(template.spec.containers)) return undefined;
  const labels: Labels = stringMap(isMap(template.metadata) ? template.metadata.labels : undefined);
  return { ...o, template: template as { metadata?: any; spec: any }, pods: podsOf(o, labels) };
}

function podsOf(o: ManifestObject, labels: Labels): Array<{ labels: Labels; name?: string }> {
  const spec = o.raw.spec ?? {};
  switch (o.kind) {
    case 'StatefulSet': {
      // The StatefulSet controller labels each pod with its name and (Kubernetes >= 1.28) its ordinal.
      const n = Math.min(Math.max(intOr(spec.replicas, 1), 1), MAX_PODS);
      const start = intOr(spec.ordinals?.start, 0);
      return Array.from({ length: n }, (_, i) => {
        const name = `${o.name}-${start + i}`;
        return { name, labels: { ...labels, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(start + i) } };
      });
    }
    case 'Job': {
      // The Job controller adds the job name; an Indexed Job also each pod's completion index.
      const withJob = { ...labels, 'batch.kubernetes.io/job-name': o.name, 'job-name': o.name };
      if (spec.completionMode !== 'Indexed') return [{ labels: withJob }];
      const n = Math.min(Math.max(intOr(spec.completions, 1), 1), MAX_PODS);
      return Array.from({ length: n }, (_, i) => ({ labels: { ...withJob, 'batch.kubernetes.io/job-completion-index': String(i) } }));
    }
    case 'Pod':
      return [{ labels, name: o.name }];
    default:
      // Deployments, DaemonSets, ReplicaSets, CronJobs and ScaledJobs add only labels no manifest can know (hashes, uids).
      return [{ labels }];
  }
}

/** A map of strings (labels, annotations); anything else gives an empty map. */
export function stringMap(value: unknown): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  if (isMap(value)) for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

/** `value` when it is a whole number, else `fallback`. */
export function intOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

/** Objects sorted by workload-kind order (when given), namespace, then name. */
export function byNamespaceAndName<T extends ManifestObject>(objects: readonly T[]): T[] {
  return [...objects].sort((a, b) => cmp(a.ns, b.ns) || cmp(a.name, b.name) || cmp(a.kind, b.kind));
}
