import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  builtInGroups, checkVersion, compareVersions, FEATURES, featuresUsed, generatedBlock, ManifestFile, matrix, matrixDocs,
  matrixMarkdown, MatrixRow, MIN_KUBERNETES_VERSION, minimumVersion, readManifestFiles, strictVersions, synthExamplesInto,
  versionRanges,
} from '../scripts/k8s-versions';
import { DataImage, GracefulShutdown, HealthProbe, ScatterGather, Sidecar, StartupSequence } from '../src';

/**
 * The Kubernetes version matrix (#14): every example, strictly, against every Kubernetes minor
 * from 1.28 to the newest the schema validator ships; the features that need a newer cluster than
 * 1.28 are found in the manifests, and the options that produce them say so in their docs.
 */

const versions = strictVersions();
const builtIn = builtInGroups(versions);

let files: ManifestFile[] = [];
let rows: MatrixRow[] = [];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8s-versions-test-'));
  synthExamplesInto(dir);
  files = readManifestFiles(dir);
  rows = matrix(files, versions);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function row(file: string): MatrixRow {
  const r = rows.find(x => x.file === file);
  if (!r) throw new Error(`no example file ${file} (have ${rows.map(x => x.file).join(', ')})`);
  return r;
}

describe('the versions checked', () => {
  test('every minor from 1.28 to at least 1.37, without a gap', () => {
    expect(versions[0]).toBe(MIN_KUBERNETES_VERSION);
    expect(compareVersions(versions[versions.length - 1], '1.37')).toBeGreaterThanOrEqual(0);
    versions.forEach((v, i) => i > 0 && expect(compareVersions(v, versions[i - 1])).toBe(1));
  });

  test('the examples, their next releases and the README quickstart are all checked', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(files.map(f => f.file)).toEqual(expect.arrayContaining(['flask-redis.k8s.yaml', 'readme-quickstart.k8s.yaml', 'next/rollouts.k8s.yaml']));
  });
});

describe.each(versions)('Kubernetes %s', (version) => {
  test('every example manifest validates strictly (no removed API version, no field this version does not know)', () => {
    const problems = files.flatMap(f => checkVersion(f.manifests, version, builtIn).problems.map(p => `${f.file}: ${p}`));
    expect(problems).toEqual([]);
  });
});

describe('CRD-backed kinds are skipped here, built-in kinds never are', () => {
  // Validated against their CRDs by test/schema.ts (Gateway API, KEDA, Istio, Dapr from the Go
  // module proxy; an example's own CRD from the same file) and by the policy gate.
  const THIRD_PARTY = ['gateway.networking.k8s.io', 'keda.sh', 'security.istio.io', 'dapr.io', 'monitoring.coreos.com'];

  test('every skipped kind belongs to a third-party API or to a CRD of the same file', () => {
    const unexpected = files.flatMap(f => {
      const own = f.manifests.filter(m => m.kind === 'CustomResourceDefinition').map(m => m.spec?.group);
      return checkVersion(f.manifests, MIN_KUBERNETES_VERSION, builtIn).skipped
        .filter(s => ![...THIRD_PARTY, ...own].includes(s.split('/')[0]))
        .map(s => `${f.file}: ${s}`);
    });
    expect(unexpected).toEqual([]);
  });

  test('Kubernetes groups are known to the check, so a removed kind fails instead of being skipped', () => {
    for (const g of ['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'flowcontrol.apiserver.k8s.io', 'extensions']) {
      expect(builtIn.has(g)).toBe(true);
    }
    expect(builtIn.has('gateway.networking.k8s.io')).toBe(false);
  });
});

describe('the check fails on what a version does not serve (counterparts)', () => {
  const check = (m: any) => Object.fromEntries(versions.map(v => [v, checkVersion([m], v, builtIn).problems]));
  const passing = (m: any) => versions.filter(v => checkVersion([m], v, builtIn).problems.length === 0);

  test('an API version removed before 1.28 fails everywhere (autoscaling/v2beta2, removed in 1.26)', () => {
    const hpa = { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'old' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 3 } };
    const r = check(hpa);
    expect(passing(hpa)).toEqual([]);
    expect(r[MIN_KUBERNETES_VERSION]).toEqual(['HorizontalPodAutoscaler/old: autoscaling/v2beta2 HorizontalPodAutoscaler is not served by Kubernetes 1.28']);
  });

  test('an API version removed within the range fails from its removal on (flowcontrol v1beta3, removed in 1.32)', () => {
    const fs = {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3',
      kind: 'FlowSchema',
      metadata: { name: 'fs' },
      spec: { priorityLevelConfiguration: { name: 'workload-low' }, matchingPrecedence: 1000 },
    };
    expect(versionRanges(passing(fs), versions)).toBe('1.28–1.31');
    expect(check(fs)['1.32']).toEqual(['FlowSchema/fs: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is not served by Kubernetes 1.32']);
  });

  test('a field newer than a version fails on it (preStop sleep: 1.29; pod-level resources: 1.32)', () => {
    const pod = (extra: any, c: any = {}) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27', ...c }], ...extra },
    });
    const sleep = pod({}, { lifecycle: { preStop: { sleep: { seconds: 5 } } } });
    expect(check(sleep)['1.28']).toEqual(['Pod/p: /spec/containers/0/lifecycle/preStop must NOT have additional properties (unknown field "sleep")']);
    expect(passing(sleep)[0]).toBe('1.29');
    expect(passing(pod({ resources: { limits: { cpu: '1' } } }))[0]).toBe('1.32');
  });

  test('an unknown field fails on every version; a CRD-backed kind is skipped, not failed', () => {
    expect(passing({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replica: 2, selector: {}, template: {} } })).toEqual([]);
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { whatever: true } };
    expect(checkVersion([route], '1.37', builtIn)).toEqual({ problems: [], skipped: ['gateway.networking.k8s.io/v1 HTTPRoute'] });
  });
});

describe('features newer than the schema admits', () => {
  function deployment() {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'web', image: 'nginx:1.27', portNumber: 8080, securityContext: { user: 10001, group: 10001 } }],
    });
    return { chart, web };
  }

  test('a 1.28 schema accepts a native sidecar, but only 1.29 runs it by default', () => {
    const { chart, web } = deployment();
    new Sidecar(chart, 'proxy', { workload: web, nativeSidecar: true, container: { name: 'proxy', image: 'envoyproxy/envoy:v1.31.2' }, probes: { startup: HealthProbe.tcp({ port: 15000 }) } });
    const manifests = Testing.synth(chart);
    expect(checkVersion(manifests, '1.28', builtIn).problems).toEqual([]);
    expect(featuresUsed(manifests).map(u => [u.feature.id, u.where])).toEqual([['native-sidecar', [expect.stringMatching(/^Deployment\/test-web-\w+: \/spec\/template\/spec\/initContainers\[proxy\]\/restartPolicy$/)]]]);
    expect(minimumVersion(manifests)).toBe('1.29');
  });

  test('classic sidecars need nothing newer than 1.28', () => {
    const { chart, web } = deployment();
    new Sidecar(chart, 'shipper', { workload: web, container: { name: 'shipper', image: 'fluent/fluent-bit:3.1.9' } });
    expect(minimumVersion(Testing.synth(chart))).toBe('1.28');
  });

  test('StartupSequence.addNativeSidecar and DataImage need 1.29', () => {
    const a = deployment();
    new StartupSequence(a.chart, 'seq', { workload: a.web }).addNativeSidecar({ name: 'vault-agent', image: 'hashicorp/vault:1.17.6' }, { startupProbe: HealthProbe.tcp({ port: 8200 }) });
    expect(minimumVersion(Testing.synth(a.chart))).toBe('1.29');
    const b = deployment();
    new DataImage(b.chart, 'model', { workload: b.web, image: 'registry.example.com/models/sentiment:1.0.0' });
    expect(minimumVersion(Testing.synth(b.chart))).toBe('1.29');
  });

  test('GracefulShutdown sleepAction: in the schema from 1.29, run by default from 1.30', () => {
    const { chart, web } = deployment();
    new GracefulShutdown(chart, 'shutdown', { workload: web, terminationGracePeriod: Duration.seconds(20), preStopSleepSeconds: 8, sleepAction: true });
    const manifests = Testing.synth(chart);
    expect(versionRanges(versions.filter(v => checkVersion(manifests, v, builtIn).problems.length === 0), versions)).toBe(`1.29–${versions[versions.length - 1]}`);
    expect(minimumVersion(manifests)).toBe('1.30');
  });

  test('ScatterGather reads the pod index label (on by default from 1.28)', () => {
    const chart = Testing.chart();
    new ScatterGather(chart, 'search', {
      root: { image: 'ghcr.io/cdk8s-patterns/search-root:1.0.0', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }), securityContext: { user: 10001, group: 10001 } },
      leaf: { image: 'ghcr.io/cdk8s-patterns/search-leaf:1.0.0', portNumber: 9090, readiness: kplus.Probe.fromHttpGet('/ready', { port: 9090 }), securityContext: { user: 10001, group: 10001 } },
    });
    const used = featuresUsed(Testing.synth(chart));
    expect(used.map(u => u.feature.id)).toEqual(['pod-index-label']);
    expect(used[0].where[0]).toMatch(/^StatefulSet\/.*: .*env/);
  });

  test('the annotation form of the completion index is not the 1.28 label', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'busybox:1.36', env: [{ name: 'I', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }] }] } } },
    };
    expect(featuresUsed([job])).toEqual([]);
    job.spec.template.spec.containers[0].env[0].valueFrom.fieldRef.fieldPath = "metadata.labels['batch.kubernetes.io/job-completion-index']";
    expect(featuresUsed([job]).map(u => u.feature.id)).toEqual(['pod-index-label']);
  });

  test('every feature names versions in order: field, on by default, GA', () => {
    for (const f of FEATURES) {
      if (f.fieldSince) expect(compareVersions(f.fieldSince, f.onByDefault)).toBeLessThan(0);
      if (f.ga) expect(compareVersions(f.onByDefault, f.ga)).toBeLessThanOrEqual(0);
    }
  });
});

describe('the matrix of the examples', () => {
  test('every example file validates on every version', () => {
    expect(rows.filter(r => r.validates.length !== versions.length).map(r => `${r.file}: ${JSON.stringify(r.failures)}`)).toEqual([]);
  });

  test('the examples with native sidecars run from 1.29, the others from 1.28', () => {
    for (const f of ['batch-job.k8s.yaml', 'dapr-lock.k8s.yaml', 'model-server.k8s.yaml', 'startup-sequence.k8s.yaml']) {
      expect(row(f)).toMatchObject({ minimum: '1.29', features: expect.arrayContaining(['native-sidecar']) });
    }
    expect(row('model-server-copy.k8s.yaml').minimum).toBe('1.28');
    expect(row('search.k8s.yaml')).toMatchObject({ minimum: '1.28', features: ['pod-index-label'] });
    expect(rows.every(r => compareVersions(r.minimum, MIN_KUBERNETES_VERSION) >= 0)).toBe(true);
  });

  test('docs/kubernetes-versions.md (and README.md once it has the block) show the current matrix', () => {
    const docs = matrixDocs();
    expect(docs.map(d => d.replace(/.*[\\/]/, ''))).toContain('kubernetes-versions.md');
    const md = matrixMarkdown(rows, versions);
    for (const d of docs) {
      // Stale: npm run k8s-versions -- --write
      expect({ file: d, block: generatedBlock(d) }).toEqual({ file: d, block: md });
    }
  });
});

describe('options that need a newer Kubernetes say so in their doc comments', () => {
  /** The doc comment right above the first line matching `anchor` in a source file. */
  function docAbove(file: string, anchor: RegExp): string {
    const lines = readFileSync(join(__dirname, '..', 'src', file), 'utf8').split('\n');
    const at = lines.findIndex(l => anchor.test(l));
    if (at < 0) throw new Error(`src/${file}: no line matches ${anchor}`);
    let i = at - 1;
    while (i >= 0 && !lines[i].includes('/**')) i--;
    return lines.slice(i, at).join('\n');
  }

  test.each([
    ['core/pod-attachment.ts', /readonly nativeSidecar\?: boolean/, '1.29'],
    ['structural/sidecar.ts', /^export class Sidecar /, '1.29'],
    ['structural/startup-sequence.ts', /public addNativeSidecar\(/, '1.29'],
    ['configuration/data-image.ts', /PROCESS_NAMESPACE = /, '1.29'],
    ['distributed/sharded-service.ts', /readonly nativeSidecar\?: boolean/, '1.29'],
    ['behavioral/distributed-lock-sidecar.ts', /readonly nativeSidecar\?: boolean/, '1.29'],
    ['structural/graceful-shutdown.ts', /readonly sleepAction\?: boolean/, '1.30'],
    ['core/pod-spec-fields.ts', /public static setPreStopSleep\(/, '1.30'],
    ['distributed/scatter-gather.ts', /^export class ScatterGather /, '1.28'],
  ])('src/%s %s names Kubernetes %s', (file, anchor, version) => {
    expect(docAbove(file, anchor)).toMatch(new RegExp(`Kubernetes[^.]*?${version.replace('.', '\\.')}|${version.replace('.', '\\.')}\\+`));
  });
});
