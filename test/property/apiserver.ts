import { RestrictedProfile } from '../../src/core/restricted-profile';

/*
 * Rules the Kubernetes 1.28 API server enforces when it validates an object, and which neither the
 * JSON schema (types and fields only) nor the wiring rules express: name and label formats,
 * uniqueness of mount paths, ports and volumes, environment variable names, ranges of counts,
 * Service ports, ConfigMap and Secret keys. Each finding is one the API server would reject the
 * object for (from k8s.io/kubernetes pkg/apis/core/validation, apps, batch, policy, rbac and
 * apiextensions validation; warnings are not included).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A value as the messages show it (numbers as written: JSON would print NaN and Infinity as null). */
const show = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

const isDnsLabel = (v: unknown) => typeof v === 'string' && v.length <= 63 && DNS_LABEL.test(v);
const isDns1035 = (v: unknown) => typeof v === 'string' && v.length <= 63 && DNS_1035.test(v);
const isSubdomain = (v: unknown) => typeof v === 'string' && v.length <= 253 && DNS_SUBDOMAIN.test(v);
const isPort = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
const isPortName = (v: unknown) => typeof v === 'string' && v.length <= 15 && IANA_SVC_NAME.test(v) && !v.includes('--') && /[a-z]/.test(v);
const isNonNegInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function isQualifiedKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && (parts[0].length === 0 || !isSubdomain(parts[0]))) return false;
  return name.length >= 1 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** A quantity's value in base units (for request <= limit), or undefined when malformed. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string' || !QUANTITY.test(q)) return undefined;
  const m = /^([+-]?[\d.]+)(.*)$/.exec(q)!;
  const n = Number(m[1]);
  const suffix = m[2];
  const factors: Record<string, number> = {
    '': 1,
    'm': 1e-3,
    'k': 1e3,
    'M': 1e6,
    'G': 1e9,
    'T': 1e12,
    'P': 1e15,
    'E': 1e18,
    'Ki': 2 ** 10,
    'Mi': 2 ** 20,
    'Gi': 2 ** 30,
    'Ti': 2 ** 40,
    'Pi': 2 ** 50,
    'Ei': 2 ** 60,
  };
  if (suffix in factors) return n * factors[suffix];
  return n * 10 ** Number(suffix.slice(1));
}

class Problems {
  public readonly list: string[] = [];
  constructor(private readonly id: string) {}
  public add(field: string, problem: string): void {
    this.list.push(`${this.id}: ${field} ${problem}`);
  }
}

function checkMetadata(p: Problems, meta: any, field: string, nameRule?: (n: unknown) => boolean, nameRuleText?: string): void {
  if (!meta) return;
  if (nameRule && meta.name !== undefined && !nameRule(meta.name)) p.add(`${field}.name`, `${show(meta.name)} must be ${nameRuleText}`);
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    if (!isQualifiedKey(k)) p.add(`${field}.labels`, `key ${show(k)} is not a qualified name`);
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) p.add(`${field}.labels[${k}]`, `value ${show(v)} is not a label value`);
  }
  let size = 0;
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    if (!isQualifiedKey(k.toLowerCase())) p.add(`${field}.annotations`, `key ${show(k)} is not a qualified name`);
    size += k.length + String(v).length;
  }
  if (size > 256 * 1024) p.add(`${field}.annotations`, `total size ${size} exceeds 262144 bytes`);
}

function checkSelector(p: Problems, sel: any, field: string): void {
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) {
    if (!isQualifiedKey(k)) p.add(`${field}.matchLabels`, `key ${show(k)} is not a qualified name`);
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) p.add(`${field}.matchLabels[${k}]`, `value ${show(v)} is not a label value`);
  }
}

function checkProbe(p: Problems, probe: any, field: string, successMustBeOne: boolean): void {
  if (!probe) return;
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (probe[f] !== undefined && !isNonNegInt(probe[f])) p.add(`${field}.${f}`, `${show(probe[f])} must be a non-negative integer`);
  }
  if (successMustBeOne && probe.successThreshold !== undefined && probe.successThreshold !== 1) p.add(`${field}.successThreshold`, 'must be 1');
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter(h => probe[h] !== undefined);
  if (handlers.length !== 1) p.add(field, `must have exactly one handler, has ${handlers.join(', ') || 'none'}`);
  for (const h of ['httpGet', 'tcpSocket']) {
    const port = probe[h]?.port;
    if (port !== undefined && !(isPort(port) || isPortName(port))) p.add(`${field}.${h}.port`, `${show(port)} must be a port number or name`);
  }
  if (probe.grpc && !isPort(probe.grpc.port)) p.add(`${field}.grpc.port`, `${show(probe.grpc.port)} must be a port number`);
  if (probe.exec && !(Array.isArray(probe.exec.command) && probe.exec.command.length > 0)) p.add(`${field}.exec.command`, 'must not be empty');
}

function checkContainer(p: Problems, c: any, field: string, volumes: Set<string>, init: boolean): void {
  if (!isDnsLabel(c.name)) p.add(`${field}.name`, `${show(c.name)} must be a DNS-1123 label`);
  if (typeof c.image === 'string' && c.image !== c.image.trim()) p.add(`${field}.image`, 'must not have leading or trailing whitespace');
  const paths = new Set<string>();
  for (const m of c.volumeMounts ?? []) {
    if (typeof m.mountPath !== 'string' || m.mountPath.length === 0) p.add(`${field}.volumeMounts`, 'mountPath must not be empty');
    else if (paths.has(m.mountPath)) p.add(`${field}.volumeMounts[${m.mountPath}]`, 'mountPath must be unique');
    paths.add(m.mountPath);
    if (!volumes.has(m.name)) p.add(`${field}.volumeMounts[${m.mountPath}].name`, `${show(m.name)} is not a volume of the pod`);
  }
  const portNames = new Set<string>();
  for (const port of c.ports ?? []) {
    if (!isPort(port.containerPort)) p.add(`${field}.ports.containerPort`, `${show(port.containerPort)} must be 1-65535`);
    if (port.name !== undefined) {
      if (!isPortName(port.name)) p.add(`${field}.ports.name`, `${show(port.name)} must be an IANA service name`);
      if (portNames.has(port.name)) p.add(`${field}.ports.name`, `${show(port.name)} must be unique`);
      portNames.add(port.name);
    }
    if (port.hostPort !== undefined && !isPort(port.hostPort)) p.add(`${field}.ports.hostPort`, `${show(port.hostPort)} must be 1-65535`);
  }
  for (const e of c.env ?? []) {
    if (typeof e.name !== 'string' || !ENV_VAR_NAME.test(e.name)) p.add(`${field}.env`, `name ${show(e.name)} must be a valid environment variable name`);
  }
  const sidecar = init && c.restartPolicy === 'Always';
  if (init && !sidecar) {
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) if (c[f] !== undefined) p.add(`${field}.${f}`, 'may not be set for init containers');
  }
  if (!init && c.restartPolicy !== undefined) p.add(`${field}.restartPolicy`, 'may only be set for init containers');
  checkProbe(p, c.livenessProbe, `${field}.livenessProbe`, true);
  checkProbe(p, c.readinessProbe, `${field}.readinessProbe`, false);
  checkProbe(p, c.startupProbe, `${field}.startupProbe`, true);
  const preStop = c.lifecycle?.preStop;
  if (preStop?.exec && !(Array.isArray(preStop.exec.command) && preStop.exec.command.length > 0)) p.add(`${field}.lifecycle.preStop.exec.command`, 'must not be empty');
  const sc = c.securityContext;
  for (const f of ['runAsUser', 'runAsGroup']) {
    if (sc?.[f] !== undefined && !isNonNegInt(sc[f])) p.add(`${field}.securityContext.${f}`, `${show(sc[f])} must be a non-negative integer`);
  }
  if (sc?.seccompProfile?.type === 'Localhost' && !sc.seccompProfile.localhostProfile) p.add(`${field}.securityContext.seccompProfile.localhostProfile`, 'is required for type Localhost');
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = c.resources?.requests?.[r];
    const lim = c.resources?.limits?.[r];
    for (const [k, q] of [['requests', req], ['limits', lim]] as const) {
      if (q !== undefined && (parseQuantity(q) === undefined || parseQuantity(q)! < 0)) p.add(`${field}.resources.${k}.${r}`, `${show(q)} is not a quantity`);
    }
    if (req !== undefined && lim !== undefined && parseQuantity(req)! > parseQuantity(lim)!) p.add(`${field}.resources.requests.${r}`, `${req} must be less than or equal to the limit ${lim}`);
  }
}

function checkPodSpec(p: Problems, spec: any, field: string, claims: string[], job: boolean): void {
  const volumes = new Set<string>();
  for (const v of spec.volumes ?? []) {
    if (!isDnsLabel(v.name)) p.add(`${field}.volumes`, `name ${show(v.name)} must be a DNS-1123 label`);
    if (volumes.has(v.name)) p.add(`${field}.volumes[${v.name}]`, 'name must be unique');
    volumes.add(v.name);
    const sizeLimit = v.emptyDir?.sizeLimit;
    if (sizeLimit !== undefined && parseQuantity(sizeLimit) === undefined) p.add(`${field}.volumes[${v.name}].emptyDir.sizeLimit`, `${show(sizeLimit)} is not a quantity`);
  }
  for (const c of claims) volumes.add(c);
  const names = new Set<string>();
  for (const [list, init] of [['initContainers', true], ['containers', false]] as const) {
    for (const c of spec[list] ?? []) {
      if (names.has(c.name)) p.add(`${field}.${list}[${c.name}].name`, 'must be unique in the pod');
      names.add(c.name);
      checkContainer(p, c, `${field}.${list}[${c.name}]`, volumes, init);
    }
  }
  if ((spec.containers ?? []).length === 0) p.add(`${field}.containers`, 'must have at least one container');
  if (spec.terminationGracePeriodSeconds !== undefined && !isNonNegInt(spec.terminationGracePeriodSeconds)) {
    p.add(`${field}.terminationGracePeriodSeconds`, `${show(spec.terminationGracePeriodSeconds)} must be a non-negative integer`);
  }
  if (job && !['Never', 'OnFailure'].includes(spec.restartPolicy)) p.add(`${field}.restartPolicy`, `${show(spec.restartPolicy)} must be Never or OnFailure for a Job`);
  const seen = new Set<string>();
  for (const t of spec.topologySpreadConstraints ?? []) {
    if (!(Number.isInteger(t.maxSkew) && t.maxSkew >= 1)) p.add(`${field}.topologySpreadConstraints.maxSkew`, `${show(t.maxSkew)} must be at least 1`);
    const key = `${t.topologyKey}/${t.whenUnsatisfiable}`;
    if (seen.has(key)) p.add(`${field}.topologySpreadConstraints`, `${key} must be unique`);
    seen.add(key);
  }
  const psc = spec.securityContext;
  for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    if (psc?.[f] !== undefined && !isNonNegInt(psc[f])) p.add(`${field}.securityContext.${f}`, `${show(psc[f])} must be a non-negative integer`);
  }
}

function checkIntOrPercent(p: Problems, v: unknown, field: string): void {
  if (v === undefined) return;
  const ok = typeof v === 'number' ? isNonNegInt(v) : typeof v === 'string' && /^\d+%$/.test(v) && Number(v.slice(0, -1)) <= 100;
  if (!ok) p.add(field, `${show(v)} must be a non-negative integer or a percentage up to 100%`);
}

function checkJobSpec(p: Problems, spec: any, field: string): void {
  if (!spec) return;
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    if (spec[f] !== undefined && !isNonNegInt(spec[f])) p.add(`${field}.${f}`, `${show(spec[f])} must be a non-negative integer`);
  }
  if (spec.activeDeadlineSeconds !== undefined && !(Number.isInteger(spec.activeDeadlineSeconds) && spec.activeDeadlineSeconds > 0)) {
    p.add(`${field}.activeDeadlineSeconds`, `${show(spec.activeDeadlineSeconds)} must be a positive integer`);
  }
  if (spec.completionMode === 'Indexed') {
    if (spec.completions === undefined) p.add(`${field}.completions`, 'is required with completionMode Indexed');
    if (spec.completions > 100000 || spec.parallelism > 100000) p.add(field, 'completions and parallelism must be at most 100000 when Indexed');
  }
  if (spec.completionMode !== undefined && !['Indexed', 'NonIndexed'].includes(spec.completionMode)) p.add(`${field}.completionMode`, `${show(spec.completionMode)} is not supported`);
}

function checkConfigData(p: Problems, sections: Array<[string, Record<string, unknown> | undefined]>, base64Sections: string[]): void {
  const seen = new Set<string>();
  let bytes = 0;
  for (const [section, data] of sections) {
    for (const [k, v] of Object.entries(data ?? {})) {
      if (k.length > 253 || !CONFIG_KEY.test(k) || k === '.' || k === '..') p.add(`${section}`, `key ${show(k)} must consist of alphanumerics, "-", "_" or "."`);
      if (seen.has(k)) p.add(section, `key ${show(k)} is duplicated`);
      seen.add(k);
      if (typeof v !== 'string') p.add(`${section}[${k}]`, 'must be a string');
      else if (base64Sections.includes(section) && !BASE64.test(v)) p.add(`${section}[${k}]`, 'must be base64');
      bytes += k.length + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    }
  }
  if (bytes > 1024 * 1024) p.add('data', `total size ${bytes} exceeds 1 MiB`);
}

const NAMES_PATH_SEGMENT = (v: unknown) => typeof v === 'string' && v.length > 0 && !v.includes('/') && !v.includes('%') && v !== '.' && v !== '..';

/** A copy without null values: the API server decodes a null field as an absent one. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

/** Every problem the 1.28 API server would reject these manifests for (beyond the schema). */
export function apiServerProblems(manifests: any[]): string[] {
  const out: string[] = [];
  for (const m of manifests.map(withoutNulls) as any[]) {
    if (!m || typeof m !== 'object') continue;
    const p = new Problems(`${m.kind}/${m.metadata?.name}`);
    const kind = m.kind;
    if (['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(kind)) {
      checkMetadata(p, m.metadata, 'metadata', NAMES_PATH_SEGMENT, 'a path segment name');
    } else if (kind === 'Service') {
      checkMetadata(p, m.metadata, 'metadata', isDns1035, 'a DNS-1035 label');
    } else if (kind === 'Namespace') {
      checkMetadata(p, m.metadata, 'metadata', isDnsLabel, 'a DNS-1123 label');
    } else {
      checkMetadata(p, m.metadata, 'metadata', isSubdomain, 'a DNS-1123 subdomain');
    }
    if (m.metadata?.namespace !== undefined && !isDnsLabel(m.metadata.namespace)) p.add('metadata.namespace', 'must be a DNS-1123 label');

    const spec = RestrictedProfile.podSpecOf(m);
    if (spec) {
      const tmplPath = kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : kind === 'Pod' ? '' : 'spec.template';
      const tmpl = kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template : kind === 'Pod' ? undefined : m.spec?.template;
      if (tmpl) checkMetadata(p, tmpl.metadata, `${tmplPath}.metadata`);
      const claims = (m.spec?.volumeClaimTemplates ?? []).map((t: any) => t.metadata?.name);
      checkPodSpec(p, spec, kind === 'Pod' ? 'spec' : `${tmplPath}.spec`, claims, kind === 'Job' || kind === 'CronJob');
      if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(kind)) checkSelector(p, m.spec?.selector, 'spec.selector');
      if (m.spec?.replicas !== undefined && !isNonNegInt(m.spec.replicas)) p.add('spec.replicas', `${show(m.spec.replicas)} must be a non-negative integer`);
    }
    switch (kind) {
      case 'Deployment':
        if (m.spec?.strategy?.type === 'Recreate' && m.spec.strategy.rollingUpdate) p.add('spec.strategy.rollingUpdate', 'may not be specified with Recreate');
        break;
      case 'StatefulSet':
        for (const t of m.spec?.volumeClaimTemplates ?? []) {
          checkMetadata(p, t.metadata, 'spec.volumeClaimTemplates.metadata', isDnsLabel, 'a DNS-1123 label');
          const storage = t.spec?.resources?.requests?.storage;
          if (parseQuantity(storage) === undefined || !(parseQuantity(storage)! > 0)) p.add(`spec.volumeClaimTemplates[${t.metadata?.name}].storage`, `${show(storage)} must be a positive quantity`);
          if ((t.spec?.accessModes ?? []).length === 0) p.add(`spec.volumeClaimTemplates[${t.metadata?.name}].accessModes`, 'must list at least one mode');
          if (t.spec?.storageClassName !== undefined && !isSubdomain(t.spec.storageClassName)) p.add(`spec.volumeClaimTemplates[${t.metadata?.name}].storageClassName`, 'must be a DNS-1123 subdomain');
        }
        break;
      case 'DaemonSet': {
        const ru = m.spec?.updateStrategy?.rollingUpdate;
        if (ru) {
          checkIntOrPercent(p, ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable');
          checkIntOrPercent(p, ru.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge');
          const zero = (v: unknown) => v === undefined || v === 0 || v === '0%';
          if (zero(ru.maxUnavailable) === zero(ru.maxSurge)) p.add('spec.updateStrategy.rollingUpdate', 'exactly one of maxUnavailable and maxSurge must be non-zero');
        }
        break;
      }
      case 'Job':
        checkJobSpec(p, m.spec, 'spec');
        break;
      case 'CronJob':
        if (typeof m.metadata?.name === 'string' && m.metadata.name.length > 52) p.add('metadata.name', 'must be no more than 52 characters');
        checkJobSpec(p, m.spec?.jobTemplate?.spec, 'spec.jobTemplate.spec');
        checkMetadata(p, m.spec?.jobTemplate?.metadata, 'spec.jobTemplate.metadata');
        for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
          if (m.spec?.[f] !== undefined && !isNonNegInt(m.spec[f])) p.add(`spec.${f}`, `${show(m.spec[f])} must be a non-negative integer`);
        }
        break;
      case 'Service': {
        const ports: any[] = m.spec?.ports ?? [];
        const names = new Set<string>();
        const numbers = new Set<string>();
        for (const sp of ports) {
          if (ports.length > 1 && !sp.name) p.add('spec.ports', `port ${sp.port} needs a name when there are several ports`);
          if (sp.name !== undefined) {
            if (!isDnsLabel(sp.name)) p.add('spec.ports.name', `${show(sp.name)} must be a DNS-1123 label`);
            if (names.has(sp.name)) p.add('spec.ports.name', `${show(sp.name)} is duplicated`);
            names.add(sp.name);
          }
          const key = `${sp.port}/${sp.protocol ?? 'TCP'}`;
          if (numbers.has(key)) p.add('spec.ports', `${key} is duplicated`);
          numbers.add(key);
          if (!isPort(sp.port)) p.add('spec.ports.port', `${show(sp.port)} must be 1-65535`);
          if (sp.targetPort !== undefined && !(isPort(sp.targetPort) || isPortName(sp.targetPort))) p.add('spec.ports.targetPort', `${show(sp.targetPort)} must be a port number or name`);
        }
        if (m.spec?.clusterIP !== 'None' && ports.length === 0 && m.spec?.type !== 'ExternalName') p.add('spec.ports', 'must have at least one port');
        for (const [k, v] of Object.entries(m.spec?.selector ?? {})) {
          if (!isQualifiedKey(k) || typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) p.add('spec.selector', `${show(k)}=${show(v)} is not a valid label`);
        }
        break;
      }
      case 'PodDisruptionBudget':
        if (m.spec?.minAvailable !== undefined && m.spec?.maxUnavailable !== undefined) p.add('spec', 'minAvailable and maxUnavailable cannot be both set');
        checkIntOrPercent(p, m.spec?.minAvailable, 'spec.minAvailable');
        checkIntOrPercent(p, m.spec?.maxUnavailable, 'spec.maxUnavailable');
        checkSelector(p, m.spec?.selector, 'spec.selector');
        break;
      case 'ConfigMap':
        checkConfigData(p, [['data', m.data], ['binaryData', m.binaryData]], ['binaryData']);
        break;
      case 'Secret': {
        checkConfigData(p, [['data', m.data], ['stringData', m.stringData]], ['data']);
        const keys = new Set([...Object.keys(m.data ?? {}), ...Object.keys(m.stringData ?? {})]);
        const required: Record<string, string[][]> = {
          'kubernetes.io/basic-auth': [['username', 'password']],
          'kubernetes.io/ssh-auth': [['ssh-privatekey']],
          'kubernetes.io/tls': [['tls.crt'], ['tls.key']],
          'kubernetes.io/dockerconfigjson': [['.dockerconfigjson']],
          'kubernetes.io/dockercfg': [['.dockercfg']],
        };
        for (const oneOf of required[m.type] ?? []) {
          if (!oneOf.some(k => keys.has(k))) p.add('data', `type ${m.type} requires key ${oneOf.join(' or ')}`);
        }
        break;
      }
      case 'Role':
      case 'ClusterRole':
        (m.rules ?? []).forEach((r: any, i: number) => {
          if ((r.verbs ?? []).length === 0) p.add(`rules[${i}].verbs`, 'must not be empty');
          if (r.nonResourceURLs === undefined && (r.apiGroups ?? []).length === 0) p.add(`rules[${i}].apiGroups`, 'resource rules must supply at least one api group');
          if (r.nonResourceURLs === undefined && (r.resources ?? []).length === 0) p.add(`rules[${i}].resources`, 'resource rules must supply at least one resource');
        });
        break;
      case 'RoleBinding':
      case 'ClusterRoleBinding':
        (m.subjects ?? []).forEach((s: any, i: number) => {
          if (s.kind === 'ServiceAccount') {
            if (!isDnsLabel(s.name) && !isSubdomain(s.name)) p.add(`subjects[${i}].name`, `${show(s.name)} is not a ServiceAccount name`);
            if (kind === 'ClusterRoleBinding' && !s.namespace) p.add(`subjects[${i}].namespace`, 'is required for a ServiceAccount in a ClusterRoleBinding');
          }
        });
        break;
      case 'CustomResourceDefinition': {
        const s = m.spec ?? {};
        const names = s.names ?? {};
        if (m.metadata?.name !== `${names.plural}.${s.group}`) p.add('metadata.name', `must be spec.names.plural+"."+spec.group (${names.plural}.${s.group})`);
        if (!isSubdomain(s.group) || !String(s.group).includes('.')) p.add('spec.group', `${show(s.group)} must be a DNS subdomain with at least one dot`);
        for (const f of ['plural', 'singular']) if (!isDnsLabel(names[f])) p.add(`spec.names.${f}`, `${show(names[f])} must be a DNS-1123 label`);
        if (typeof names.kind !== 'string' || names.kind.length === 0) p.add('spec.names.kind', 'is required');
        if (names.kind === names.listKind) p.add('spec.names.listKind', 'must differ from kind');
        for (const f of ['shortNames', 'categories']) (names[f] ?? []).forEach((n: unknown) => { if (!isDnsLabel(n)) p.add(`spec.names.${f}`, `${show(n)} must be a DNS-1123 label`); });
        const versions: any[] = s.versions ?? [];
        if (versions.filter(v => v.storage).length !== 1) p.add('spec.versions', 'must have exactly one storage version');
        for (const v of versions) {
          if (!isDns1035(v.name)) p.add(`spec.versions[${v.name}].name`, 'must be a DNS-1035 label');
          if (v.storage && !v.served) p.add(`spec.versions[${v.name}]`, 'the storage version must be served');
          if (v.schema?.openAPIV3Schema?.type !== 'object') p.add(`spec.versions[${v.name}].schema.openAPIV3Schema.type`, 'must be object');
          for (const c of v.additionalPrinterColumns ?? []) {
            if (!c.name) p.add(`spec.versions[${v.name}].additionalPrinterColumns.name`, 'must not be empty');
            if (typeof c.jsonPath !== 'string' || !c.jsonPath.startsWith('.')) p.add(`spec.versions[${v.name}].additionalPrinterColumns.jsonPath`, 'must be a simple JSON path starting with "."');
            if (!['integer', 'number', 'string', 'boolean', 'date'].includes(c.type)) p.add(`spec.versions[${v.name}].additionalPrinterColumns.type`, `${show(c.type)} is not supported`);
            if (c.priority !== undefined && !isNonNegInt(c.priority)) p.add(`spec.versions[${v.name}].additionalPrinterColumns.priority`, 'must be a non-negative integer');
          }
          walkSchema(v.schema?.openAPIV3Schema, `spec.versions[${v.name}].schema.openAPIV3Schema`, p);
        }
        break;
      }
      case 'EndpointSlice':
        checkEndpointSlice(p, m);
        break;
      case 'NetworkPolicy':
        checkNetworkPolicy(p, m.spec ?? {});
        break;
      case 'HTTPRoute':
        checkHttpRoute(p, m.spec ?? {});
        break;
      case 'Ingress':
        (m.spec?.rules ?? []).forEach((r: any, i: number) => {
          if (r.host !== undefined && !isHostname(r.host)) p.add(`spec.rules[${i}].host`, `${show(r.host)} must be a DNS-1123 subdomain, optionally with a leading "*."`);
          (r.http?.paths ?? []).forEach((x: any, j: number) => {
            if (x.pathType === 'Prefix' && !isCleanPrefix(x.path)) p.add(`spec.rules[${i}].http.paths[${j}].path`, `${show(x.path)} must be an absolute path without "//", "/./" or "/../" segments or an encoded "/"`);
          });
        });
        break;
      case 'ResourceQuota':
        for (const [k, v] of Object.entries(m.spec?.hard ?? {})) {
          if (parseQuantity(v) === undefined || !/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(String(v))) p.add(`spec.hard.${k}`, `${show(v)} must be a quantity`);
        }
        break;
      case 'LimitRange':
        (m.spec?.limits ?? []).forEach((l: any, i: number) => {
          for (const section of ['default', 'defaultRequest', 'max', 'min']) {
            for (const [k, v] of Object.entries(l[section] ?? {})) {
              if (parseQuantity(v) === undefined) p.add(`spec.limits[${i}].${section}.${k}`, `${show(v)} must be a quantity`);
            }
          }
        });
        break;
      default:
        break;
    }
    out.push(...p.list);
  }
  return out;
}

/** A host name as Ingress and the Gateway API take it (a leading `*.` allowed; 253 characters in all). */
function isHostname(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 253) return false;
  const bare = v.startsWith('*.') ? v.slice(2) : v;
  return isSubdomain(bare) && !/^[0-9.]+$/.test(bare);
}

/** A path prefix without empty, "." or ".." segments or an encoded "/" (the HTTPRoute CRD's CEL, Ingress's Prefix rules). */
function isCleanPrefix(v: unknown): boolean {
  if (typeof v !== 'string' || !v.startsWith('/') || /%2f/i.test(v) || /%(?![0-9a-fA-F]{2})/.test(v)) return false;
  if (v === '/') return true;
  return v.slice(1).replace(/\/$/, '').split('/').every(x => x !== '' && x !== '.' && x !== '..');
}

/** An endpoint address the API server accepts: IPv4 or IPv6, not unspecified, loopback, link-local or multicast. */
function isEndpointIp(v: unknown, family: string): boolean {
  if (typeof v !== 'string') return false;
  if (family === 'IPv4') {
    const m = v.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
    if (!m || m.slice(1).some(x => Number(x) > 255)) return false;
    const [a, b] = [Number(m[1]), Number(m[2])];
    return !(a === 0 || a === 127 || (a === 169 && b === 254) || a >= 224);
  }
  const lower = v.toLowerCase();
  if (!/^[0-9a-f:]+$/.test(lower) || !lower.includes(':') || (lower.match(/::/g) ?? []).length > 1) return false;
  return !(lower === '::' || lower === '::1' || /^fe[89ab]/.test(lower) || lower.startsWith('ff') || lower.startsWith('::ffff:'));
}

function isCidr(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const [ip, bits, ...rest] = v.split('/');
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return ip.split('.').every(x => Number(x) <= 255) && Number(bits) <= 32;
  return /^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':') && (ip.match(/::/g) ?? []).length <= 1 && Number(bits) <= 128;
}

function checkEndpointSlice(p: Problems, m: any): void {
  const family = m.addressType;
  if (!['IPv4', 'IPv6', 'FQDN'].includes(family)) p.add('addressType', `${show(family)} must be IPv4, IPv6 or FQDN`);
  (m.endpoints ?? []).forEach((e: any, i: number) => {
    const addrs: unknown[] = e.addresses ?? [];
    if (addrs.length < 1 || addrs.length > 100) p.add(`endpoints[${i}].addresses`, 'must have 1 to 100 addresses');
    addrs.forEach((a, j) => {
      if (family !== 'FQDN' && !isEndpointIp(a, family)) p.add(`endpoints[${i}].addresses[${j}]`, `${show(a)} must be a valid ${family} endpoint address`);
    });
  });
  (m.ports ?? []).forEach((x: any, i: number) => {
    if (x.port !== undefined && !isPort(x.port)) p.add(`ports[${i}].port`, `${show(x.port)} must be 1-65535`);
    if (x.name !== undefined && x.name !== '' && !isDnsLabel(x.name)) p.add(`ports[${i}].name`, `${show(x.name)} must be a DNS-1123 label`);
  });
}

function checkNetworkPolicy(p: Problems, spec: any): void {
  checkSelector(p, spec.podSelector, 'spec.podSelector');
  for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    (spec[dir] ?? []).forEach((rule: any, i: number) => {
      (rule[peersKey] ?? []).forEach((peer: any, j: number) => {
        const at = `spec.${dir}[${i}].${peersKey}[${j}]`;
        if (peer.ipBlock && (peer.podSelector || peer.namespaceSelector)) p.add(at, 'ipBlock cannot be combined with selectors');
        if (peer.ipBlock && !isCidr(peer.ipBlock.cidr)) p.add(`${at}.ipBlock.cidr`, `${show(peer.ipBlock.cidr)} must be a CIDR`);
        if (peer.podSelector) checkSelector(p, peer.podSelector, `${at}.podSelector`);
        if (peer.namespaceSelector) checkSelector(p, peer.namespaceSelector, `${at}.namespaceSelector`);
      });
      (rule.ports ?? []).forEach((x: any, j: number) => {
        if (x.port !== undefined && !(isPort(x.port) || isPortName(x.port))) p.add(`spec.${dir}[${i}].ports[${j}].port`, `${show(x.port)} must be a port number or name`);
        if (x.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(x.protocol)) p.add(`spec.${dir}[${i}].ports[${j}].protocol`, `${show(x.protocol)} must be TCP, UDP or SCTP`);
      });
    });
  }
}

/** The HTTPRoute CRD's CEL rules the JSON schema leaves out (paths; weights and the rest are in the schema). */
function checkHttpRoute(p: Problems, spec: any): void {
  (spec.hostnames ?? []).forEach((h: unknown, i: number) => {
    if (!isHostname(h)) p.add(`spec.hostnames[${i}]`, `${show(h)} must be a host name`);
  });
  (spec.rules ?? []).forEach((r: any, i: number) => (r.matches ?? []).forEach((m: any, j: number) => {
    const path = m.path;
    if (path && (path.type ?? 'PathPrefix') === 'PathPrefix' && !isCleanPrefix(path.value)) {
      p.add(`spec.rules[${i}].matches[${j}].path.value`, `${show(path.value)} must be an absolute path without "//", "/./" or "/../" segments or an encoded "/"`);
    }
  }));
}

/** Structural-schema rules a JSON schema cannot state about itself: RE2 patterns, ranges. */
function walkSchema(s: any, field: string, p: Problems): void {
  if (!s || typeof s !== 'object') return;
  if (typeof s.pattern === 'string') {
    if (/\(\?[=!<]|\\[1-9]/.test(s.pattern)) p.add(`${field}.pattern`, `${show(s.pattern)} is not an RE2 expression (lookaround or backreference)`);
    try {
      new RegExp(s.pattern);
    } catch {
      p.add(`${field}.pattern`, `${show(s.pattern)} is not a valid regular expression`);
    }
  }
  for (const [lo, hi] of [['minimum', 'maximum'], ['minLength', 'maxLength'], ['minItems', 'maxItems'], ['minProperties', 'maxProperties']]) {
    if (typeof s[lo] === 'number' && typeof s[hi] === 'number' && s[lo] > s[hi]) p.add(`${field}.${hi}`, `must be at least ${lo}`);
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) walkSchema(v, `${field}.properties.${k}`, p);
  if (s.items) walkSchema(s.items, `${field}.items`, p);
  if (typeof s.additionalProperties === 'object') walkSchema(s.additionalProperties, `${field}.additionalProperties`, p);
}
