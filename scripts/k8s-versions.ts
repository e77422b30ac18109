/**
 * The Kubernetes version matrix (#14): every example is validated strictly (unknown fields are
 * errors, removed API versions have no schema) against every Kubernetes minor version, from the
 * 1.28 API the library targets to the newest one the schema validator ships, and every example's
 * manifests are searched for fields whose feature needs a newer cluster than the schema admits
 * (a field can be in the API as alpha, off by default: native sidecars are in the 1.28 schema,
 * but a 1.28 cluster drops `restartPolicy` from init containers unless its feature gate is on).
 *
 * The schemas are kubernetes-validate's "local-strict" JSON schemas (PyPI), one directory per
 * Kubernetes minor, installed by `scripts/setup-tools.sh --python-only` into the cache outside
 * the repo. Their property sets were compared with the OpenAPI v3 specs of k8s.io/kubernetes
 * v1.28.15, v1.36.3 and v1.37.2 (api/openapi-spec/v3, from the Go module proxy): identical.
 *
 * Kinds of groups Kubernetes itself never served (Gateway API, KEDA, Istio, Dapr, Prometheus
 * Operator, the examples' own CRDs) are skipped here: they are validated against their CRDs by
 * test/schema.ts and the policy gate.
 *
 *   npm run k8s-versions            # prints the matrix (markdown) for the examples
 *   npm run k8s-versions -- --write # refreshes the generated block of docs/kubernetes-versions.md (and README.md, if it has the markers)
 *   npm run k8s-versions -- --check # fails when a generated block is stale
 *   npm run k8s-versions -- --compare-openapi v1.28.15 v1.37.2  # schemas vs k8s.io/kubernetes's OpenAPI
 * (or `npx ts-node --project scripts/tsconfig.json scripts/k8s-versions.ts ...`)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { homedir, tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';
// Development scripts, never shipped: ajv and yaml are devDependencies.
// eslint-disable-next-line import/no-extraneous-dependencies
import Ajv2020 from 'ajv/dist/2020';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { ValidateFunction } from 'ajv/dist/2020';
// eslint-disable-next-line import/no-extraneous-dependencies
import { parseAllDocuments } from 'yaml';

/** The Kubernetes API the library is written against: the oldest version of the matrix. */
export const MIN_KUBERNETES_VERSION = '1.28';

const repo = resolve(__dirname, '..');

function minor(version: string): number {
  const m = /^1\.(\d+)$/.exec(version);
  if (!m) throw new Error(`not a Kubernetes minor version: ${version} (expected 1.N)`);
  return Number(m[1]);
}

/** Compares two Kubernetes minor versions ("1.9" < "1.28"). */
export function compareVersions(a: string, b: string): number {
  return minor(a) - minor(b);
}

/**
 * The directory holding kubernetes-validate's per-version schema directories
 * (`v1.N.0-local-strict`): `K8S_SCHEMAS_ROOT`, else the cache's `k8s-schemas` pointer, else the
 * parent of the 1.28 directory that `scripts/setup-tools.sh` records in `k8s-schemas-1.28`.
 */
export function schemasRoot(): string {
  if (process.env.K8S_SCHEMAS_ROOT) return process.env.K8S_SCHEMAS_ROOT;
  const cache = process.env.CDK8S_PATTERNS_CACHE ?? join(homedir(), '.cache', 'cdk8s-patterns');
  for (const [pointer, up] of [['k8s-schemas', false], ['k8s-schemas-1.28', true]] as const) {
    const f = join(cache, pointer);
    if (existsSync(f)) {
      const dir = readFileSync(f, 'utf8').trim();
      return up ? dirname(dir) : dir;
    }
  }
  throw new Error(`Kubernetes schemas not found (no ${join(cache, 'k8s-schemas')} or k8s-schemas-1.28): run "bash scripts/setup-tools.sh --python-only" first`);
}

/** Every Kubernetes minor version with strict schemas in `root`, from 1.28 on, oldest first. */
export function strictVersions(root = schemasRoot()): string[] {
  return readdirSync(root)
    .map(d => /^v(1\.\d+)\.0-local-strict$/.exec(d)?.[1])
    .filter((v): v is string => !!v && compareVersions(v, MIN_KUBERNETES_VERSION) >= 0)
    .sort(compareVersions);
}

const DEFS_ID = 'https://kubernetes.io/api/_definitions.json';
const loadedSchemas = new Map<string, StrictSchemas>();

/** Strict validators of one Kubernetes version, keyed by group/version/kind. */
export class StrictSchemas {
  /** The (cached) schemas of a version. */
  public static of(version: string, root = schemasRoot()): StrictSchemas {
    const key = `${root}#${version}`;
    let s = loadedSchemas.get(key);
    if (!s) {
      s = new StrictSchemas(version, root);
      loadedSchemas.set(key, s);
    }
    return s;
  }

  /** Property names of every definition (io.k8s.api.apps.v1.Deployment -> apiVersion, kind, ...). */
  public readonly properties = new Map<string, string[]>();
  /** "group/version/Kind" (core group: "/v1/Kind") of every kind this version serves -> definition name. */
  public readonly kinds = new Map<string, string>();
  /** Every API group named in this version's schemas. */
  public readonly groups = new Set<string>();
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(public readonly version: string, root: string) {
    const file = join(root, `v${version}.0-local-strict`, '_definitions.json');
    if (!existsSync(file)) throw new Error(`no strict schemas for Kubernetes ${version} (${file} is missing)`);
    const defs = JSON.parse(readFileSync(file, 'utf8'));
    for (const [name, def] of Object.entries<any>(defs.$defs ?? {})) {
      this.properties.set(name, Object.keys(def.properties ?? {}).sort());
      const gvks: any[] = def['x-kubernetes-group-version-kind'] ?? [];
      for (const g of gvks) this.groups.add(g.group);
      // Meta types (DeleteOptions, WatchEvent, Status) list every group; they are not kinds anyone writes.
      if (gvks.length === 1) this.kinds.set(`${gvks[0].group}/${gvks[0].version}/${gvks[0].kind}`, name);
    }
    this.ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    this.ajv.addSchema({ ...defs, $id: DEFS_ID });
  }

  /** True when this version serves the kind at this apiVersion. */
  public serves(apiVersion: string, kind: string): boolean {
    return this.kinds.has(gvk(apiVersion, kind));
  }

  /** Strict-schema problems of one object of a served kind, as "path message". */
  public problems(obj: any): string[] {
    const key = gvk(obj.apiVersion, obj.kind);
    const def = this.kinds.get(key);
    if (!def) return [`${obj.apiVersion} ${obj.kind} is not served by Kubernetes ${this.version}`];
    let v = this.validators.get(def);
    if (!v) {
      v = this.ajv.compile({ $ref: `${DEFS_ID}#/$defs/${def}` });
      this.validators.set(def, v);
    }
    if (v(obj)) return [];
    return [...new Set((v.errors ?? []).map(e => {
      const extra = e.keyword === 'additionalProperties' ? ` (unknown field "${(e.params as any).additionalProperty}")` : '';
      return `${e.instancePath || '/'} ${e.message}${extra}`;
    }))];
  }
}

function gvk(apiVersion: string, kind: string): string {
  const [group, version] = String(apiVersion).includes('/') ? String(apiVersion).split('/') : ['', String(apiVersion)];
  return `${group}/${version}/${kind}`;
}

function groupOf(apiVersion: string): string {
  return String(apiVersion).includes('/') ? String(apiVersion).split('/')[0] : '';
}

/** Every API group any of the versions' schemas names: the groups Kubernetes itself serves or served. */
export function builtInGroups(versions: string[], root = schemasRoot()): Set<string> {
  const all = new Set<string>();
  for (const v of versions) for (const g of StrictSchemas.of(v, root).groups) all.add(g);
  return all;
}

/** The outcome of validating one file's manifests against one Kubernetes version. */
export interface VersionCheck {
  /** "Kind/name: problem" for every object that fails (a removed apiVersion, an unknown field). */
  readonly problems: string[];
  /** "apiVersion Kind" of every CRD-backed kind skipped here (validated against its CRD elsewhere). */
  readonly skipped: string[];
}

/**
 * Validates manifests strictly against one Kubernetes version. Kinds of groups that no version
 * of Kubernetes serves are skipped (CRD-backed: Gateway API, KEDA, Istio, Dapr, own CRDs); a
 * kind of a Kubernetes group that this version does not serve (removed, or not added yet) fails.
 */
export function checkVersion(manifests: any[], version: string, builtIn: Set<string>, root = schemasRoot()): VersionCheck {
  const schemas = StrictSchemas.of(version, root);
  const problems: string[] = [];
  const skipped = new Set<string>();
  for (const m of manifests) {
    const id = `${m?.kind}/${m?.metadata?.name}`;
    if (!m?.apiVersion || !m?.kind) {
      problems.push(`${id}: missing apiVersion or kind`);
      continue;
    }
    if (!builtIn.has(groupOf(m.apiVersion))) {
      skipped.add(`${m.apiVersion} ${m.kind}`);
      continue;
    }
    for (const p of schemas.problems(m)) problems.push(`${id}: ${p}`);
  }
  return { problems, skipped: [...skipped].sort() };
}

// ---- features that need a newer cluster than the schema admits --------------------------------

/** A Kubernetes feature whose field a manifest can carry, with the versions of its stages. */
export interface KubernetesFeature {
  /** Short identifier. */
  readonly id: string;
  /** What it is, for the matrix. */
  readonly title: string;
  /** The feature gate (kube_features.go), for the documentation. */
  readonly gate: string;
  /** The version whose API first has the field (alpha, off by default), if it is a field. */
  readonly fieldSince?: string;
  /** The first version that runs it without turning on a feature gate (beta on by default, or GA). */
  readonly onByDefault: string;
  /** GA (locked on), if it is. */
  readonly ga?: string;
  /** The library's options that produce it. */
  readonly options: string;
  /** Where the manifest uses it ("Kind/name: path"), empty when it does not. */
  find(m: any): string[];
}

/** Every pod spec in a manifest with its JSON path (Pod, workloads' templates, CronJob's). */
function podSpecs(m: any): Array<[string, any]> {
  const out: Array<[string, any]> = [];
  const visit = (node: any, path: string) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    if (Array.isArray(node.containers)) out.push([path, node]);
    for (const k of ['spec', 'template', 'jobTemplate']) if (node[k]) visit(node[k], `${path}/${k}`);
  };
  visit(m, '');
  return out;
}

/** Every Job spec in a manifest (a Job's, a CronJob's template). */
function jobSpecs(m: any): Array<[string, any]> {
  if (m?.kind === 'Job' && String(m.apiVersion).startsWith('batch/')) return [['/spec', m.spec ?? {}]];
  if (m?.kind === 'CronJob' && String(m.apiVersion).startsWith('batch/')) return [['/spec/jobTemplate/spec', m.spec?.jobTemplate?.spec ?? {}]];
  return [];
}

function containersOf(spec: any): Array<[string, any]> {
  return [
    ...(spec.initContainers ?? []).map((c: any) => [`initContainers[${c?.name}]`, c] as [string, any]),
    ...(spec.containers ?? []).map((c: any) => [`containers[${c?.name}]`, c] as [string, any]),
  ];
}

function where(m: any, path: string): string {
  return `${m?.kind}/${m?.metadata?.name}: ${path}`;
}

function inPodSpecs(test: (spec: any, m: any) => string[]): (m: any) => string[] {
  return m => podSpecs(m).flatMap(([p, s]) => test(s, m).map(sub => where(m, `${p}/${sub}`)));
}

function inContainers(test: (c: any) => string[]): (m: any) => string[] {
  return inPodSpecs(spec => containersOf(spec).flatMap(([n, c]) => test(c).map(sub => `${n}${sub}`)));
}

function jobField(field: string): (m: any) => string[] {
  return m => jobSpecs(m).filter(([, s]) => s[field] !== undefined).map(([p]) => where(m, `${p}/${field}`));
}

const LABEL_FEATURE_KEYS = ['apps.kubernetes.io/pod-index', 'batch.kubernetes.io/job-completion-index'];

/** Every place a manifest reads or selects a pod by one of these labels (not the annotation). */
function labelUses(m: any, keys: string[]): string[] {
  const found: string[] = [];
  const visit = (node: any, path: string, inLabels: boolean) => {
    if (typeof node === 'string') {
      for (const k of keys) if (node.includes(`labels['${k}']`) || node.includes(`labels["${k}"]`) || (inLabels && node === k)) found.push(where(m, path));
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      const p = `${path}/${k}`;
      // Selectors: matchLabels keys, matchExpressions keys, topology spread / affinity label keys.
      if (['matchLabels', 'selector', 'podSelector', 'nodeSelector'].includes(k) && v && typeof v === 'object' && !Array.isArray(v)) {
        for (const lk of Object.keys(v)) if (keys.includes(lk)) found.push(where(m, `${p}/${lk}`));
      }
      visit(v, p, k === 'key' || k === 'matchLabelKeys' || k === 'labelKeys');
    }
  };
  visit(m, '', false);
  return found;
}

/**
 * The features whose fields the library (or a user's passthrough field) can write and that a
 * 1.28 cluster does not run by default. Versions from k8s.io/kubernetes's pkg/features
 * (v1.28.15, v1.32.13, v1.36.3).
 */
export const FEATURES: KubernetesFeature[] = [
  {
    id: 'native-sidecar',
    title: 'native sidecar (init container with `restartPolicy: Always`)',
    gate: 'SidecarContainers',
    fieldSince: '1.28',
    onByDefault: '1.29',
    ga: '1.33',
    options: '`nativeSidecar` of Sidecar, Ambassador, Adapter (and LeaderElected/Singleton `lockSidecar`, ShardedService\'s router); `StartupSequence.addNativeSidecar`; `DataImage` (mode PROCESS_NAMESPACE)',
    find: inPodSpecs(spec => (spec.initContainers ?? []).filter((c: any) => c?.restartPolicy === 'Always').map((c: any) => `initContainers[${c.name}]/restartPolicy`)),
  },
  {
    id: 'sleep-action',
    title: 'lifecycle `sleep` action',
    gate: 'PodLifecycleSleepAction',
    fieldSince: '1.29',
    onByDefault: '1.30',
    ga: '1.34',
    options: '`GracefulShutdown` `sleepAction`; `PodSpecFields.setPreStopSleep`',
    find: inContainers(c => ['preStop', 'postStart'].filter(h => c?.lifecycle?.[h]?.sleep !== undefined).map(h => `/lifecycle/${h}/sleep`)),
  },
  {
    id: 'sleep-zero',
    title: 'lifecycle `sleep` of 0 seconds',
    gate: 'PodLifecycleSleepActionAllowZero',
    fieldSince: '1.29',
    onByDefault: '1.33',
    ga: '1.34',
    options: 'none (GracefulShutdown rejects a sleep of 0)',
    find: inContainers(c => ['preStop', 'postStart'].filter(h => c?.lifecycle?.[h]?.sleep?.seconds === 0).map(h => `/lifecycle/${h}/sleep/seconds`)),
  },
  {
    id: 'pod-index-label',
    title: 'pod index label (`apps.kubernetes.io/pod-index`, `batch.kubernetes.io/job-completion-index`)',
    gate: 'PodIndexLabel',
    onByDefault: '1.28',
    ga: '1.32',
    options: '`ScatterGather` (the leaves\' `LEAF_INDEX`)',
    find: m => labelUses(m, LABEL_FEATURE_KEYS),
  },
  {
    id: 'job-pod-replacement-policy',
    title: 'Job `podReplacementPolicy`',
    gate: 'JobPodReplacementPolicy',
    fieldSince: '1.28',
    onByDefault: '1.29',
    ga: '1.34',
    options: 'a passthrough Job field only',
    find: jobField('podReplacementPolicy'),
  },
  {
    id: 'job-backoff-limit-per-index',
    title: 'Job `backoffLimitPerIndex`',
    gate: 'JobBackoffLimitPerIndex',
    fieldSince: '1.28',
    onByDefault: '1.29',
    ga: '1.33',
    options: 'a passthrough Job field only',
    find: jobField('backoffLimitPerIndex'),
  },
  {
    id: 'job-success-policy',
    title: 'Job `successPolicy`',
    gate: 'JobSuccessPolicy',
    fieldSince: '1.30',
    onByDefault: '1.31',
    ga: '1.33',
    options: 'a passthrough Job field only',
    find: jobField('successPolicy'),
  },
  {
    id: 'service-traffic-distribution',
    title: 'Service `trafficDistribution`',
    gate: 'ServiceTrafficDistribution',
    fieldSince: '1.30',
    onByDefault: '1.31',
    ga: '1.33',
    options: 'a passthrough Service field only',
    find: m => (m?.kind === 'Service' && m?.apiVersion === 'v1' && m.spec?.trafficDistribution !== undefined ? [where(m, '/spec/trafficDistribution')] : []),
  },
  {
    id: 'pod-level-resources',
    title: 'pod-level `resources`',
    gate: 'PodLevelResources',
    fieldSince: '1.32',
    onByDefault: '1.34',
    options: 'a passthrough pod field only',
    find: inPodSpecs(spec => (spec.resources !== undefined ? ['resources'] : [])),
  },
  {
    id: 'image-volume',
    title: 'image volume (`volumes[].image`)',
    gate: 'ImageVolume',
    fieldSince: '1.31',
    onByDefault: '1.35',
    ga: '1.36',
    options: 'a passthrough pod field only (DataImage uses a native sidecar or a copy instead)',
    find: inPodSpecs(spec => (spec.volumes ?? []).filter((v: any) => v?.image !== undefined).map((v: any) => `volumes[${v.name}]/image`)),
  },
  {
    id: 'in-place-resize',
    title: 'in-place resize (`resizePolicy`)',
    gate: 'InPlacePodVerticalScaling',
    fieldSince: '1.27',
    onByDefault: '1.33',
    ga: '1.35',
    options: 'a passthrough container field only',
    find: inContainers(c => (c?.resizePolicy !== undefined ? ['/resizePolicy'] : [])),
  },
  {
    id: 'user-namespaces',
    title: 'user namespaces (`hostUsers: false`)',
    gate: 'UserNamespacesSupport',
    fieldSince: '1.25',
    onByDefault: '1.33',
    ga: '1.36',
    options: 'a passthrough pod field only',
    find: inPodSpecs(spec => (spec.hostUsers === false ? ['hostUsers'] : [])),
  },
];

/** The features a set of manifests uses, with where. */
export function featuresUsed(manifests: any[]): Array<{ feature: KubernetesFeature; where: string[] }> {
  return FEATURES.map(feature => ({ feature, where: manifests.flatMap(m => feature.find(m)) })).filter(u => u.where.length > 0);
}

/** The oldest Kubernetes version that runs the manifests' features without a feature gate turned on. */
export function minimumVersion(manifests: any[]): string {
  return featuresUsed(manifests).map(u => u.feature.onByDefault)
    .reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b), MIN_KUBERNETES_VERSION);
}

// ---- the matrix over the examples -------------------------------------------------------------

/** One synthesized file of the examples: "flask-redis.k8s.yaml", "next/rollouts.k8s.yaml". */
export interface ManifestFile {
  readonly file: string;
  readonly manifests: any[];
}

/** Reads every `*.k8s.yaml` of a directory and its `next/`. */
export function readManifestFiles(dir: string): ManifestFile[] {
  const out: ManifestFile[] = [];
  for (const sub of ['', 'next']) {
    const d = join(dir, sub);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter(x => x.endsWith('.k8s.yaml')).sort()) {
      const manifests = parseAllDocuments(readFileSync(join(d, f), 'utf8')).map(doc => doc.toJS()).filter(Boolean);
      out.push({ file: sub ? `${sub}/${f}` : f, manifests });
    }
  }
  return out;
}

/**
 * Synthesizes every example (and its next release) and the README quickstart into `dir`, the
 * files `npm run synth` writes into examples/dist (without the diagrams).
 */
export function synthExamplesInto(dir: string): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { exampleNames, synthExample } = require('./synth-examples');
  const { runQuickstart } = require('./readme-quickstart');
  /* eslint-enable @typescript-eslint/no-require-imports */
  for (const name of exampleNames()) {
    synthExample(name, dir);
    synthExample(name, join(dir, 'next'), true);
  }
  const quick = mkdtempSync(join(tmpdir(), 'k8s-versions-quickstart-'));
  try {
    runQuickstart(quick);
    for (const f of readdirSync(quick)) {
      const target = `readme-quickstart${f === 'shop.k8s.yaml' ? '' : `-${f.replace(/\.k8s\.yaml$/, '')}`}.k8s.yaml`;
      writeFileSync(join(dir, target), readFileSync(join(quick, f)));
    }
  } finally {
    rmSync(quick, { recursive: true, force: true });
  }
}

/** One row of the matrix. */
export interface MatrixRow {
  readonly file: string;
  /** Versions the file validates strictly on. */
  readonly validates: string[];
  /** Problems per version that fails. */
  readonly failures: { readonly [version: string]: string[] };
  /** CRD-backed kinds skipped. */
  readonly skipped: string[];
  /** Features used (ids). */
  readonly features: string[];
  /** The oldest version that runs it without feature gates. */
  readonly minimum: string;
}

/** The matrix of files x versions. */
export function matrix(files: ManifestFile[], versions: string[], root = schemasRoot()): MatrixRow[] {
  const builtIn = builtInGroups(versions, root);
  return files.map(({ file, manifests }) => {
    const validates: string[] = [];
    const failures: { [v: string]: string[] } = {};
    const skipped = new Set<string>();
    for (const v of versions) {
      const r = checkVersion(manifests, v, builtIn, root);
      r.skipped.forEach(s => skipped.add(s));
      if (r.problems.length === 0) validates.push(v);
      else failures[v] = r.problems;
    }
    const used = featuresUsed(manifests);
    return {
      file,
      validates,
      failures,
      skipped: [...skipped].sort(),
      features: used.map(u => u.feature.id),
      minimum: minimumVersion(manifests),
    };
  });
}

/** "1.28–1.37", "1.28, 1.30–1.37", "none". */
export function versionRanges(vs: string[], all: string[]): string {
  if (vs.length === 0) return 'none';
  const idx = vs.map(v => all.indexOf(v)).sort((a, b) => a - b);
  const parts: string[] = [];
  let start = idx[0];
  for (let i = 1; i <= idx.length; i++) {
    if (i === idx.length || idx[i] !== idx[i - 1] + 1) {
      parts.push(start === idx[i - 1] ? all[start] : `${all[start]}–${all[idx[i - 1]]}`);
      start = idx[i];
    }
  }
  return parts.join(', ');
}

function kindsOf(skipped: string[]): string {
  return [...new Set(skipped.map(s => s.split(' ')[1]))].join(', ');
}

/** The generated markdown: the versions checked, one row per example file, the features. */
export function matrixMarkdown(rows: MatrixRow[], versions: string[]): string {
  const byId = new Map(FEATURES.map(f => [f.id, f]));
  const lines = [
    `Checked: every manifest of every example, strictly (unknown fields and removed API versions fail), against Kubernetes ${versions.join(', ')}.`,
    'CRD-backed kinds are validated against their CRDs instead (test/schema.ts, the policy gate). "Runs on" is the oldest version',
    'that runs every feature the example uses without turning on a feature gate.',
    '',
    '| Example file | Validates strictly on | Runs on | Because of | CRD-backed kinds (checked elsewhere) |',
    '|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const because = r.features.map(id => `${byId.get(id)!.title.split(' (')[0]} (${byId.get(id)!.onByDefault})`).join('; ');
    lines.push(`| \`${r.file}\` | ${versionRanges(r.validates, versions)} | ≥ ${r.minimum} | ${because || '–'} | ${kindsOf(r.skipped) || '–'} |`);
  }
  lines.push('', '| Feature | Field in the API since | On by default since | GA | Produced by |', '|---|---|---|---|---|');
  for (const f of FEATURES) {
    lines.push(`| ${f.title} | ${f.fieldSince ? `${f.fieldSince} (alpha, off)` : '–'} | ${f.onByDefault} | ${f.ga ?? '–'} | ${f.options} |`);
  }
  return lines.join('\n');
}

const START = '<!-- kubernetes-versions:start (generated by scripts/k8s-versions.ts; npm run k8s-versions -- --write) -->';
const END = '<!-- kubernetes-versions:end -->';

/** The files carrying the generated block: the docs page, and README.md once it has the markers. */
export function matrixDocs(): string[] {
  return [join(repo, 'docs', 'kubernetes-versions.md'), join(repo, 'README.md')].filter(f => existsSync(f) && readFileSync(f, 'utf8').includes(START));
}

/** The generated block of a file, or undefined. */
export function generatedBlock(file: string): string | undefined {
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return undefined;
  return text.slice(a + START.length, b).trim();
}

function replaceBlock(file: string, block: string): boolean {
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  const next = `${text.slice(0, a + START.length)}\n${block}\n${text.slice(b)}`;
  if (next === text) return false;
  writeFileSync(file, next);
  return true;
}

/**
 * Compares the strict schemas' definitions (io.k8s.api.*) with the OpenAPI v3 specs that
 * k8s.io/kubernetes ships at a release (api/openapi-spec/v3, downloaded through the Go module
 * proxy): the same definitions with the same properties. Returns the differences.
 */
export function compareWithOpenApi(release: string, root = schemasRoot()): string[] {
  const version = /^v(1\.\d+)\.\d+$/.exec(release)?.[1];
  if (!version) throw new Error(`not a Kubernetes release: ${release} (expected v1.N.P)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('child_process');
  const r = spawnSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${release}`], {
    cwd: tmpdir(), encoding: 'utf8', timeout: 600_000, env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
  });
  const dir = r.status === 0 ? JSON.parse(r.stdout).Dir : undefined;
  if (!dir) throw new Error(`go mod download k8s.io/kubernetes@${release} failed: ${r.stderr || r.stdout}`);
  const upstream = new Map<string, string[]>();
  const specDir = join(dir, 'api', 'openapi-spec', 'v3');
  for (const f of readdirSync(specDir).filter(x => x.endsWith('.json'))) {
    const spec = JSON.parse(readFileSync(join(specDir, f), 'utf8'));
    for (const [name, def] of Object.entries<any>(spec.components?.schemas ?? {})) upstream.set(name, Object.keys(def.properties ?? {}).sort());
  }
  const ours = StrictSchemas.of(version, root).properties;
  const diffs: string[] = [];
  for (const [name, props] of ours) {
    if (!name.startsWith('io.k8s.api.')) continue;
    const up = upstream.get(name);
    if (!up) diffs.push(`${name}: not in the ${release} OpenAPI`);
    else if (up.join() !== props.join()) diffs.push(`${name}: schema has [${props.join(', ')}], OpenAPI has [${up.join(', ')}]`);
  }
  for (const name of upstream.keys()) if (name.startsWith('io.k8s.api.') && !ours.has(name)) diffs.push(`${name}: only in the ${release} OpenAPI`);
  return diffs;
}

function main(argv: string[]): number {
  if (argv[0] === '--compare-openapi') {
    let bad = 0;
    for (const release of argv.slice(1)) {
      const diffs = compareWithOpenApi(release);
      const n = [...StrictSchemas.of(release.replace(/^v(1\.\d+)\..*$/, '$1')).properties.keys()].filter(k => k.startsWith('io.k8s.api.')).length;
      console.log(`${release}: ${n} io.k8s.api definitions, ${diffs.length} differences${diffs.length ? `:\n  ${diffs.join('\n  ')}` : ''}`);
      bad += diffs.length;
    }
    return bad ? 1 : 0;
  }
  const versions = strictVersions();
  const dir = mkdtempSync(join(tmpdir(), 'k8s-versions-'));
  try {
    synthExamplesInto(dir);
    const md = matrixMarkdown(matrix(readManifestFiles(dir), versions), versions);
    if (argv.includes('--write') || argv.includes('--check')) {
      let stale = 0;
      for (const f of matrixDocs()) {
        if (argv.includes('--write')) {
          if (replaceBlock(f, md)) console.log(`updated ${relative(repo, f)}`);
        } else if (generatedBlock(f) !== md) {
          console.error(`${relative(repo, f)}: the Kubernetes version matrix is stale: run "npm run k8s-versions -- --write"`);
          stale++;
        }
      }
      return stale ? 1 : 0;
    }
    console.log(md);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
