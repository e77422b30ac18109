/**
 * The rule engine of the cdk8s validation plugin: pure functions over parsed manifests, with no
 * dependency on cdk8s-cli, so that tests (and other tools) can feed it manifests directly.
 *
 * Not part of the jsii API: it is reached as `cdk8s-patterns/lib/plugin` only.
 */
import { podMetadataOfManifest, podSpecFieldPrefix, podSpecOfManifest } from '../core/pod-spec';
import { RestrictedProfile } from '../core/restricted-profile';
import { isPinnedImage, isPortName } from '../core/validation';

/** A rule the engine checks. */
export interface RuleInfo {
  /** Stable id, used in reports and in `disabledRules`. */
  readonly id: string;
  /** What the rule requires (the report's recommendation). */
  readonly description: string;
  /** How to fix a violation. */
  readonly fix: string;
}

/** One violation of one rule by one object. */
export interface Finding {
  /** The rule id. */
  readonly rule: string;
  /** Index of the offending manifest in the input array. */
  readonly index: number;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The field path inside the object, e.g. `spec.template.spec.containers[web].image`. */
  readonly field: string;
  /** A sentence naming the object (kind/name) and the field. */
  readonly message: string;
}

/** Options of the engine (and of the plugin's `properties` in cdk8s.yaml). */
export interface CheckOptions {
  /** Rule ids to skip. Unknown ids are an error, so that a typo does not silently enable a rule. */
  readonly disabledRules?: string[];
}

export const RULES: RuleInfo[] = [
  {
    id: 'restricted-pod-security',
    description: 'Every pod meets the Pod Security Standard "restricted" (Kubernetes 1.28).',
    fix: 'Run as non-root, set allowPrivilegeEscalation: false, drop ALL capabilities, use the RuntimeDefault seccomp profile, no privileged containers, host namespaces, hostPath volumes or host ports (RestrictedPods.applyTo(chart) does this for cdk8s-plus workloads).',
  },
  {
    id: 'selector-matches-template',
    description: 'A workload\'s spec.selector selects the labels of its own pod template.',
    fix: 'Make spec.selector.matchLabels a subset of spec.template.metadata.labels.',
  },
  {
    id: 'service-selects-pods',
    description: 'A Service with a selector selects at least one pod template in the synthesized manifests.',
    fix: 'Use the labels of the target workload\'s pod template as the Service selector (or remove the selector for a Service with manual endpoints).',
  },
  {
    id: 'pdb-selects-pods',
    description: 'A PodDisruptionBudget selects at least one pod template in the synthesized manifests.',
    fix: 'Use the labels of the protected workload\'s pod template as spec.selector.matchLabels.',
  },
  {
    id: 'scale-target-exists',
    description: 'A HorizontalPodAutoscaler (or KEDA ScaledObject) scales a workload that exists in the synthesized manifests.',
    fix: 'Point spec.scaleTargetRef at the kind and metadata.name of a workload in the same app and namespace.',
  },
  {
    id: 'ingress-backend-exists',
    description: 'An Ingress routes to Services (and ports) that exist in the synthesized manifests.',
    fix: 'Use the metadata.name and a port name or number of a Service in the same app and namespace.',
  },
  {
    id: 'route-backend-exists',
    description: 'A Gateway API HTTPRoute sends requests to Services (and ports) that exist in the synthesized manifests.',
    fix: 'Use the metadata.name and a port of a Service in the same app and namespace as spec.rules[].backendRefs[] (or give the namespace of one that is deployed separately, with a ReferenceGrant).',
  },
  {
    id: 'rolebinding-refs-exist',
    description: 'A RoleBinding binds a Role, and (Cluster)RoleBindings bind ServiceAccounts, that exist in the synthesized manifests (ClusterRoles may be external).',
    fix: 'Use the metadata.name of a Role and of ServiceAccounts in the same app and namespace.',
  },
  {
    id: 'image-pinned',
    description: 'Every container image is pinned to a tag other than latest, or to a digest.',
    fix: 'Use an image reference like registry/name:1.2.3 or registry/name@sha256:...',
  },
  {
    id: 'container-requests',
    description: 'Every container requests CPU and memory.',
    fix: 'Set resources.requests.cpu and resources.requests.memory (ResourcePreset.SMALL.toContainerResources() for instance).',
  },
  {
    id: 'memory-limit',
    description: 'Every container sets a memory limit (memory cannot be throttled: without a limit one container can exhaust the node).',
    fix: 'Set resources.limits.memory, usually equal to the request (the ResourcePreset sizes do).',
  },
  {
    id: 'volume-mounts-exist',
    description: 'Every volumeMount names a volume of its pod (or a volumeClaimTemplate of its StatefulSet), and container names are unique in the pod.',
    fix: 'Add the volume to spec.volumes (cdk8s-plus adds it when you mount a kplus.Volume), and give each container its own name.',
  },
  {
    id: 'port-names-valid',
    description: 'Container port names are IANA service names: at most 15 characters of a-z, 0-9 and "-", with a letter.',
    fix: 'Shorten or rename the port (e.g. "metrics", "http-admin").',
  },
  {
    id: 'readiness-probe',
    description: 'Every long-running container that exposes a port has a readiness probe (Job and CronJob pods are exempt).',
    fix: 'Add a readinessProbe (HealthProbe or kplus.Probe) so that Services only route to ready pods.',
  },
];

const RULE_IDS = RULES.map(r => r.id);

/** The ids of the rules that run with these options; throws on unknown ids. */
export function enabledRules(options: CheckOptions = {}): string[] {
  const disabled = options.disabledRules ?? [];
  if (!Array.isArray(disabled)) throw new Error(`disabledRules must be a list of rule ids (${RULE_IDS.join(', ')})`);
  const unknown = disabled.filter(d => !RULE_IDS.includes(d));
  if (unknown.length > 0) {
    throw new Error(`disabledRules: unknown rule id(s) ${unknown.join(', ')}; known rules: ${RULE_IDS.join(', ')}`);
  }
  return RULE_IDS.filter(id => !disabled.includes(id));
}

const WORKLOADS_WITH_SELECTOR = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];
const BATCH = ['Job', 'CronJob'];

/** The pod template labels of a pod-bearing manifest (the Pod's own labels for a Pod). */
function podLabels(m: any): Record<string, string> | undefined {
  return podSpecOfManifest(m) ? podMetadataOfManifest(m)?.labels ?? {} : undefined;
}

/** Namespaces match when equal or when either is unset (applied into the same namespace). */
function sameNamespace(a?: string, b?: string): boolean {
  return a === undefined || b === undefined || a === b;
}

/** Whether a map selector (Service, ReplicationController) selects these labels. */
function mapSelects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Whether a LabelSelector (matchLabels and matchExpressions) selects these labels. */
export function labelSelectorSelects(selector: any, labels: Record<string, string>): boolean {
  if (!mapSelects(selector?.matchLabels ?? {}, labels)) return false;
  return (selector?.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}

function show(x: unknown): string {
  return JSON.stringify(x ?? null);
}

/** The containers of a pod spec with their field paths and whether they run for the pod's life. */
function containersOf(spec: any, prefix: string): { c: any; field: string; longRunning: boolean }[] {
  return [
    ...(spec.initContainers ?? []).map((c: any) => ({ c, field: `${prefix}initContainers[${c.name}]`, longRunning: c.restartPolicy === 'Always' })),
    ...(spec.containers ?? []).map((c: any) => ({ c, field: `${prefix}containers[${c.name}]`, longRunning: true })),
    ...(spec.ephemeralContainers ?? []).map((c: any) => ({ c, field: `${prefix}ephemeralContainers[${c.name}]`, longRunning: false })),
  ];
}

/** Whether an image reference is pinned: a digest, or a tag other than `latest`. */
export function imageIsPinned(image: string | undefined): boolean {
  return isPinnedImage(image);
}

/**
 * Checks manifests (plain objects, as parsed from YAML) against every enabled rule. The
 * findings are in input order, then rule order.
 */
export function checkManifests(manifests: any[], options: CheckOptions = {}): Finding[] {
  const enabled = new Set(enabledRules(options));
  const objects = manifests
    .map((m, index) => ({ m, index }))
    .filter(({ m }) => m && typeof m === 'object' && typeof m.kind === 'string');
  const out: Finding[] = [];
  const add = (rule: string, index: number, m: any, field: string, problem: string) => {
    if (!enabled.has(rule)) return;
    const id = `${m.kind}/${m.metadata?.name ?? '(unnamed)'}`;
    out.push({
      rule,
      index,
      kind: m.kind,
      name: m.metadata?.name ?? '(unnamed)',
      namespace: m.metadata?.namespace,
      field,
      message: `${id}: ${field} ${problem}`,
    });
  };
  const ns = (m: any): string | undefined => m.metadata?.namespace;

  // A StatefulSet's pods also carry the labels its controller adds per ordinal, which a
  // Service for one member selects (e.g. statefulset.kubernetes.io/pod-name: db-0).
  const pods = objects
    .flatMap(({ m }) => {
      const labels = podLabels(m);
      if (labels === undefined) return [];
      if (m.kind !== 'StatefulSet') return [{ labels, namespace: ns(m) }];
      return Array.from({ length: Math.max(1, m.spec?.replicas ?? 1) }, (_, i) => ({
        labels: { ...labels, 'statefulset.kubernetes.io/pod-name': `${m.metadata?.name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) },
        namespace: ns(m),
      }));
    });
  // Indexes, so that matching every Service, PDB and reference against the pods and objects
  // grows with the number of manifests, not with its square: objects by kind and name, pod
  // templates by each of their labels. A selector's candidates are the pods carrying one of its
  // labels; the full match is checked on those only.
  const byName = new Map<string, any[]>();
  for (const { m } of objects) {
    const key = `${m.kind}/${m.metadata?.name}`;
    const list = byName.get(key);
    if (list) list.push(m); else byName.set(key, [m]);
  }
  const existing = (kind: string, name: string | undefined, namespace: string | undefined) =>
    byName.get(`${kind}/${name}`)?.find(m => sameNamespace(ns(m), namespace));
  const byLabel = new Map<string, typeof pods>();
  for (const p of pods) {
    for (const [k, v] of Object.entries(p.labels)) {
      const key = `${k}=${v}`;
      const list = byLabel.get(key);
      if (list) list.push(p); else byLabel.set(key, [p]);
    }
  }
  // The rarest of the selector's labels: a label many pods share (a component, a track) would
  // make every selector scan most pods again.
  const candidates = (matchLabels: Record<string, string> | undefined) => {
    let rarest: typeof pods | undefined;
    for (const [k, v] of Object.entries(matchLabels ?? {})) {
      const list = byLabel.get(`${k}=${v}`) ?? [];
      if (rarest === undefined || list.length < rarest.length) rarest = list;
      if (rarest.length === 0) break;
    }
    return rarest ?? pods;
  };

  for (const { m, index } of objects) {
    const spec = RestrictedProfile.podSpecOf(m);
    const prefix = podSpecFieldPrefix(m.kind);

    if (spec) {
      // restricted-pod-security: RestrictedProfile's messages, with field paths from the object root.
      for (const v of RestrictedProfile.violations(spec)) {
        const volume = /^volume ([^:]+): (.*)$/.exec(v);
        if (volume) {
          add('restricted-pod-security', index, m, `${prefix}volumes[${volume[1]}]`, volume[2]);
          continue;
        }
        const sp = v.indexOf(' ');
        const field = v.slice(0, sp).replace(/^spec\./, '');
        add('restricted-pod-security', index, m, `${prefix}${field}`, v.slice(sp + 1));
      }

      const volumes = new Set<string>([
        ...(spec.volumes ?? []).map((v: any) => v.name),
        ...(m.spec?.volumeClaimTemplates ?? []).map((t: any) => t.metadata?.name),
      ]);
      const seen = new Set<string>();
      for (const { c, field, longRunning } of containersOf(spec, prefix)) {
        if (seen.has(c.name)) add('volume-mounts-exist', index, m, `${field}.name`, `${show(c.name)} is used by another container of the pod`);
        seen.add(c.name);
        for (const vm of c.volumeMounts ?? []) {
          if (!volumes.has(vm.name)) add('volume-mounts-exist', index, m, `${field}.volumeMounts[${vm.mountPath}]`, `names volume ${show(vm.name)}, which the pod does not have`);
        }
        for (const port of c.ports ?? []) {
          if (port.name !== undefined && !isPortName(port.name)) {
            add('port-names-valid', index, m, `${field}.ports[${port.containerPort}].name`, `${show(port.name)} is not an IANA service name (at most 15 characters of a-z, 0-9 and "-", with a letter)`);
          }
        }
        if (!field.startsWith(`${prefix}ephemeralContainers`) && c.resources?.limits?.memory === undefined) {
          add('memory-limit', index, m, `${field}.resources.limits.memory`, 'is missing');
        }
        if (!imageIsPinned(c.image)) {
          add('image-pinned', index, m, `${field}.image`, c.image
            ? `${show(c.image)} is not pinned to a tag other than latest (or to a digest)`
            : 'is missing');
        }
        if (!field.startsWith(`${prefix}ephemeralContainers`)) {
          const missing = ['cpu', 'memory'].filter(r => c.resources?.requests?.[r] === undefined);
          if (missing.length > 0) add('container-requests', index, m, `${field}.resources.requests`, `has no ${missing.join(' and ')} request`);
        }
        if (longRunning && !BATCH.includes(m.kind) && (c.ports ?? []).length > 0 && !c.readinessProbe) {
          add('readiness-probe', index, m, `${field}.readinessProbe`,
            `is missing: the container exposes port(s) ${(c.ports ?? []).map((p: any) => p.name ?? p.containerPort).join(', ')}`);
        }
      }
    }

    // selector-matches-template
    const template = m.spec?.template?.metadata?.labels ?? {};
    if (WORKLOADS_WITH_SELECTOR.includes(m.kind) || (m.kind === 'Job' && m.spec?.manualSelector === true)) {
      const sel = m.spec?.selector;
      const empty = !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
      if (empty) {add('selector-matches-template', index, m, 'spec.selector', 'is missing or empty');} else if (!labelSelectorSelects(sel, template)) {
        add('selector-matches-template', index, m, 'spec.selector', `${show(sel)} does not select spec.template.metadata.labels ${show(template)}`);
      }
    }
    if (m.kind === 'ReplicationController' && m.spec?.selector && !mapSelects(m.spec.selector, template)) {
      add('selector-matches-template', index, m, 'spec.selector', `${show(m.spec.selector)} does not select spec.template.metadata.labels ${show(template)}`);
    }

    // service-selects-pods
    if (m.kind === 'Service' && m.spec?.type !== 'ExternalName') {
      const sel = m.spec?.selector;
      if (sel && Object.keys(sel).length > 0 && !candidates(sel).some(p => sameNamespace(p.namespace, ns(m)) && mapSelects(sel, p.labels))) {
        add('service-selects-pods', index, m, 'spec.selector', `${show(sel)} selects no pod template in the synthesized manifests`);
      }
    }

    // pdb-selects-pods
    if (m.kind === 'PodDisruptionBudget') {
      const sel = m.spec?.selector;
      if (!sel) {add('pdb-selects-pods', index, m, 'spec.selector', 'is missing, so the budget protects no pod');} else if (!candidates(sel.matchLabels).some(p => sameNamespace(p.namespace, ns(m)) && labelSelectorSelects(sel, p.labels))) {
        add('pdb-selects-pods', index, m, 'spec.selector', `${show(sel)} selects no pod template in the synthesized manifests`);
      }
    }

    // scale-target-exists
    if (m.kind === 'HorizontalPodAutoscaler' || (m.kind === 'ScaledObject' && String(m.apiVersion).startsWith('keda.sh/'))) {
      const ref = m.spec?.scaleTargetRef ?? {};
      const kind = ref.kind ?? (m.kind === 'ScaledObject' ? 'Deployment' : undefined);
      if (!kind || !ref.name) {add('scale-target-exists', index, m, 'spec.scaleTargetRef', `${show(ref)} must name a kind and a name`);} else if (!existing(kind, ref.name, ns(m))) {
        add('scale-target-exists', index, m, 'spec.scaleTargetRef', `points at ${kind}/${ref.name}, which is not in the synthesized manifests`);
      }
    }

    // ingress-backend-exists
    if (m.kind === 'Ingress') {
      const backends: { b: any; field: string }[] = [];
      if (m.spec?.defaultBackend) backends.push({ b: m.spec.defaultBackend, field: 'spec.defaultBackend.service' });
      (m.spec?.rules ?? []).forEach((r: any, i: number) => (r.http?.paths ?? []).forEach((p: any, j: number) =>
        backends.push({ b: p.backend, field: `spec.rules[${i}].http.paths[${j}].backend.service` })));
      for (const { b, field } of backends) {
        const svcRef = b?.service;
        if (!svcRef) continue; // resource backends point at custom resources
        const svc = existing('Service', svcRef.name, ns(m));
        if (!svc) {
          add('ingress-backend-exists', index, m, field, `points at Service/${svcRef.name}, which is not in the synthesized manifests`);
          continue;
        }
        const ports: any[] = svc.spec?.ports ?? [];
        const port = svcRef.port ?? {};
        const found = port.name !== undefined
          ? ports.some(p => p.name === port.name)
          : port.number === undefined || ports.some(p => p.port === port.number);
        if (!found) add('ingress-backend-exists', index, m, `${field}.port`, `${show(port)} is not a port of Service/${svcRef.name}`);
      }
    }

    // route-backend-exists
    if (m.kind === 'HTTPRoute' && String(m.apiVersion).startsWith('gateway.networking.k8s.io/')) {
      (m.spec?.rules ?? []).forEach((r: any, i: number) => (r.backendRefs ?? []).forEach((b: any, j: number) => {
        const field = `spec.rules[${i}].backendRefs[${j}]`;
        if ((b.group ?? '') !== '' || (b.kind ?? 'Service') !== 'Service') return; // other kinds: implementation-specific
        if (b.namespace !== undefined && b.namespace !== ns(m)) return; // another namespace: deployed separately
        const svc = existing('Service', b.name, ns(m));
        if (!svc) {
          add('route-backend-exists', index, m, field, `points at Service/${b.name}, which is not in the synthesized manifests`);
        } else if (b.port !== undefined && !(svc.spec?.ports ?? []).some((p: any) => p.port === b.port)) {
          add('route-backend-exists', index, m, `${field}.port`, `${b.port} is not a port of Service/${b.name}`);
        }
      }));
    }

    // rolebinding-refs-exist
    if (m.kind === 'RoleBinding' || m.kind === 'ClusterRoleBinding') {
      const ref = m.roleRef ?? {};
      if (m.kind === 'RoleBinding' && ref.kind === 'Role' && !existing('Role', ref.name, ns(m))) {
        add('rolebinding-refs-exist', index, m, 'roleRef', `points at Role/${ref.name}, which is not in the synthesized manifests`);
      }
      (m.subjects ?? []).forEach((s: any, i: number) => {
        if (s.kind !== 'ServiceAccount' || s.name === 'default') return;
        const namespace = s.namespace ?? ns(m);
        if (!existing('ServiceAccount', s.name, namespace)) {
          add('rolebinding-refs-exist', index, m, `subjects[${i}]`, `points at ServiceAccount/${s.name}${s.namespace ? ` in namespace ${s.namespace}` : ''}, which is not in the synthesized manifests`);
        }
      });
    }
  }
  const order = new Map(RULE_IDS.map((id, i) => [id, i]));
  return out.sort((a, b) => a.index - b.index || order.get(a.rule)! - order.get(b.rule)!);
}
