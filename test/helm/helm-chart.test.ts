import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { homedir, tmpdir } from 'os';
import { delimiter, join, resolve } from 'path';
import { parseAllDocuments } from 'yaml';
import { synthExamplesInto } from '../../scripts/k8s-versions';

/**
 * Helm output (#14): teams that deploy with Helm consume an example as a chart. `cdk8s synth
 * --format helm` (cdk8s-cli, offline) writes the chart; `helm template` (Helm built from its Go
 * module by scripts/setup-tools.sh into the cache outside the repo) must render exactly the
 * objects of the plain YAML.
 *
 * Without a Helm binary the suite is skipped with a notice, so `npm test` passes on a fresh
 * machine without Go; CI sets CDK8S_REQUIRE_HELM=1 after `bash scripts/setup-tools.sh`, and
 * then a missing Helm fails.
 */

const repo = resolve(__dirname, '..', '..');
const cache = process.env.CDK8S_PATTERNS_CACHE ?? join(homedir(), '.cache', 'cdk8s-patterns');

/** HELM, else the cache's bin/helm, else helm on PATH; undefined when there is none. */
function helmBinary(): string | undefined {
  if (process.env.HELM) return process.env.HELM;
  const cached = join(cache, 'bin', 'helm');
  if (existsSync(cached)) return cached;
  return (process.env.PATH ?? '').split(delimiter).map(d => join(d, 'helm')).find(f => existsSync(f));
}

const helm = helmBinary();
if (!helm && process.env.CDK8S_REQUIRE_HELM) {
  throw new Error(`CDK8S_REQUIRE_HELM is set but no helm was found (${join(cache, 'bin', 'helm')}): run "bash scripts/setup-tools.sh"`);
}
if (!helm) {
  // eslint-disable-next-line no-console
  console.warn(`Helm chart tests skipped: no helm binary (build it with "bash scripts/setup-tools.sh", into ${join(cache, 'bin')})`);
}

let work: string;
/** Helm's own state goes to a scratch directory, never the user's. */
function helmEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HELM_CACHE_HOME: join(work, 'helm-cache'),
    HELM_CONFIG_HOME: join(work, 'helm-config'),
    HELM_DATA_HOME: join(work, 'helm-data'),
  };
}

function helmTemplate(chartDir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(helm!, ['template', 'demo', chartDir], { encoding: 'utf8', env: helmEnv(), timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The environment of `cdk8s synth`: its app command (`npx ts-node main.ts`) must not inherit an
 * outer `npx -c`'s call (scripts/test-node-versions.sh runs jest that way), and skips type
 * checking (other tests' job).
 */
function cdk8sEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' };
  delete env.npm_config_call;
  delete env.npm_config_package;
  return env;
}

/** The objects of a YAML stream, sorted by apiVersion, kind, namespace and name (canonical JSON). */
function canonical(yaml: string): string[] {
  return parseAllDocuments(yaml).map(d => d.toJS()).filter(Boolean)
    .map((o: any) => ({ key: `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''} ${o.metadata?.name}`, json: JSON.stringify(sortKeys(o)) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.json < b.json ? -1 : 1))
    .map(x => x.json);
}

function sortKeys(v: any): any {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map(k => [k, sortKeys(v[k])]));
  return v;
}

/** Splits `helm template` output by its "# Source: <chart>/templates/<file>" comments. */
function bySource(rendered: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const doc of rendered.split(/^---\s*$/m)) {
    const m = /^# Source: [^/]+\/templates\/(.+)$/m.exec(doc);
    if (m) out.set(m[1], `${out.get(m[1]) ?? ''}---\n${doc}`);
  }
  return out;
}

(helm ? describe : describe.skip)('Helm output', () => {
  let plain: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'helm-chart-test-'));
    plain = join(work, 'plain');
    mkdirSync(plain);
    synthExamplesInto(plain);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the Helm binary runs (Helm 3, built from helm.sh/helm/v3)', () => {
    const r = spawnSync(helm!, ['version', '--short'], { encoding: 'utf8', env: helmEnv() });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^v3\.\d+/);
  });

  describe('cdk8s synth --format helm of examples/flask-redis', () => {
    let chart: string;
    let synth: ReturnType<typeof spawnSync>;

    beforeAll(() => {
      chart = join(work, 'charts', 'flask-redis');
      synth = spawnSync(process.execPath, [
        join(repo, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade',
        '--format', 'helm', '--chart-version', '1.0.0', '--output', chart,
      ], { cwd: join(repo, 'examples', 'flask-redis'), encoding: 'utf8', env: cdk8sEnv(), timeout: 180_000 });
    }, 200_000);

    test('writes a Helm v2 chart named after the example, offline', () => {
      expect({ status: synth.status, stderr: synth.status === 0 ? '' : String(synth.stderr).slice(-3000) }).toEqual({ status: 0, stderr: '' });
      expect(readdirSync(chart).sort()).toEqual(['Chart.yaml', 'README.md', 'templates']);
      expect(parseAllDocuments(readFileSync(join(chart, 'Chart.yaml'), 'utf8'))[0].toJS())
        .toEqual({ apiVersion: 'v2', name: 'flask-redis', version: '1.0.0', description: 'Generated chart for flask-redis', type: 'application' });
      expect(readdirSync(join(chart, 'templates'))).toEqual(['flask-redis.k8s.yaml']);
    });

    test('its template is the plain YAML, byte for byte', () => {
      expect(readFileSync(join(chart, 'templates', 'flask-redis.k8s.yaml'), 'utf8')).toBe(readFileSync(join(plain, 'flask-redis.k8s.yaml'), 'utf8'));
    });

    test('helm lint accepts it', () => {
      const r = spawnSync(helm!, ['lint', chart], { encoding: 'utf8', env: helmEnv() });
      expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: expect.stringContaining('1 chart(s) linted, 0 chart(s) failed') });
    });

    test('helm template renders the same objects as the plain YAML', () => {
      const r = helmTemplate(chart);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      const rendered = canonical(r.stdout);
      expect(rendered.length).toBeGreaterThan(5);
      expect(rendered).toEqual(canonical(readFileSync(join(plain, 'flask-redis.k8s.yaml'), 'utf8')));
    });

    test('counterpart: a changed object in the chart is noticed', () => {
      const broken = join(work, 'charts', 'broken');
      mkdirSync(join(broken, 'templates'), { recursive: true });
      writeFileSync(join(broken, 'Chart.yaml'), readFileSync(join(chart, 'Chart.yaml')));
      writeFileSync(join(broken, 'templates', 'flask-redis.k8s.yaml'),
        readFileSync(join(chart, 'templates', 'flask-redis.k8s.yaml'), 'utf8').replace(/replicas: (\d+)/, (_, n) => `replicas: ${Number(n) + 1}`));
      const r = helmTemplate(broken);
      expect(r.status).toBe(0);
      expect(canonical(r.stdout)).not.toEqual(canonical(readFileSync(join(plain, 'flask-redis.k8s.yaml'), 'utf8')));
    });
  });

  describe('every example as a chart (the layout cdk8s writes: templates/<file>)', () => {
    // cdk8s copies manifests into templates/ unchanged, and Helm reads every template as a Go
    // template: a manifest that carries "{{" (a configuration template rendered in the pod, as
    // in config-template) breaks or changes under Helm. Those are known here, not consumable as
    // charts as they are.
    const TEMPLATE_TEXT = ['config-template-dev.k8s.yaml', 'config-template-prod.k8s.yaml', 'next/config-template-dev.k8s.yaml'];
    let files: string[];

    beforeAll(() => {
      files = [...readdirSync(plain).filter(f => f.endsWith('.k8s.yaml')),
        ...(existsSync(join(plain, 'next')) ? readdirSync(join(plain, 'next')).filter(f => f.endsWith('.k8s.yaml')).map(f => `next/${f}`) : [])].sort();
    });

    test('exactly the examples with Go template text cannot be charts as they are', () => {
      expect(files.filter(f => readFileSync(join(plain, f), 'utf8').includes('{{'))).toEqual(TEMPLATE_TEXT);
    });

    test('helm template of every other example renders the same objects as its plain YAML', () => {
      const safe = files.filter(f => !TEMPLATE_TEXT.includes(f));
      // One chart per release (current and next share file names).
      for (const [name, group] of [['examples', safe.filter(f => !f.startsWith('next/'))], ['examples-next', safe.filter(f => f.startsWith('next/'))]] as const) {
        const chart = join(work, 'charts', name);
        mkdirSync(join(chart, 'templates'), { recursive: true });
        writeFileSync(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\ntype: application\n`);
        for (const f of group) writeFileSync(join(chart, 'templates', f.replace(/^next\//, '')), readFileSync(join(plain, f)));
        const r = helmTemplate(chart);
        expect({ chart: name, status: r.status, stderr: r.stderr }).toEqual({ chart: name, status: 0, stderr: '' });
        const rendered = bySource(r.stdout);
        const mismatched = group.filter(f => {
          const t = rendered.get(f.replace(/^next\//, ''));
          return !t || JSON.stringify(canonical(t)) !== JSON.stringify(canonical(readFileSync(join(plain, f), 'utf8')));
        });
        expect(mismatched).toEqual([]);
      }
    });

    test('counterpart: config-template as a chart fails under Helm (its "{{ .params.* }}" are evaluated)', () => {
      const chart = join(work, 'charts', 'config-template');
      mkdirSync(join(chart, 'templates'), { recursive: true });
      writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: config-template\nversion: 1.0.0\n');
      writeFileSync(join(chart, 'templates', 'config-template-dev.k8s.yaml'), readFileSync(join(plain, 'config-template-dev.k8s.yaml')));
      const r = helmTemplate(chart);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/\.params\./);
    });
  });
});
