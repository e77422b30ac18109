import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { container, only, podSpec, restrictedViolations, synth } from './util';
import { wiringProblems } from './wiring';
import {
  Adapter, Ambassador, AmbassadorProxy, ConfigTemplate, DataImage, GracefulShutdown, HealthProbe, HighlyAvailable, ImmutableConfigImage,
  LeaderElected, ReleaseStrategy, RestrictedPods, Rollout, Sidecar, StartupSequence,
} from '../src';

/**
 * Composition (issue #11, DESIGN.md "How pod patterns change a pod"): every pair of pod
 * patterns on one workload gives the same YAML in both orders, and patterns that want
 * different values for one field fail naming both.
 */

/** The workload every pattern attaches to: two replicas, one application container with a port. */
function workload(chart: Chart): kplus.Deployment {
  return new kplus.Deployment(chart, 'app', {
    replicas: 2,
    containers: [{
      name: 'app',
      image: 'shop/api:1.4.2',
      portNumber: 8080,
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
      securityContext: { user: 10001, group: 10001 },
    }],
  });
}

/** One way to attach each pod pattern, each with its own id, names and paths. */
const PATTERNS: { [name: string]: (chart: Chart, w: kplus.Deployment) => void } = {
  'Sidecar': (c, w) => new Sidecar(c, 'sidecar', {
    workload: w,
    container: { name: 'git-sync', image: 'registry.k8s.io/git-sync/git-sync:v4.2.4' },
    sharedVolume: { sidecarMountPath: '/git', mainMountPath: '/srv/content', mainReadOnly: true },
  }),
  'native Sidecar': (c, w) => new Sidecar(c, 'native', {
    workload: w,
    nativeSidecar: true,
    container: { name: 'shipper', image: 'fluent/fluent-bit:3.1.9' },
    sharedVolume: { sidecarMountPath: '/logs', mainMountPath: '/var/log/app', sidecarReadOnly: true },
    probes: { startup: HealthProbe.tcp({ port: 2020 }) },
  }),
  'Ambassador': (c, w) => new Ambassador(c, 'cache', {
    workload: w,
    proxy: AmbassadorProxy.envoyTcp({ listenPort: 6379, upstreamHost: 'redis.cache.svc.cluster.local', upstreamPort: 6379 }),
    envVar: 'REDIS_URL',
    urlScheme: 'redis',
    containerName: 'cache-proxy',
  }),
  'Adapter': (c, w) => new Adapter(c, 'metrics', {
    workload: w,
    container: { name: 'exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2' },
    metricsPort: 9100,
    sharedVolume: { mainMountPath: '/var/status' },
  }),
  'StartupSequence': (c, w) => {
    const s = new StartupSequence(c, 'startup', { workload: w });
    s.addInitStep({ name: 'migrate', image: 'shop/migrate:1.4.2' });
    s.addNativeSidecar({ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', portNumber: 15000 }, {
      startupProbe: HealthProbe.tcp({ port: 15000 }),
      readiness: HealthProbe.http('/ready', { port: 15000 }),
    });
  },
  'GracefulShutdown': (c, w) => new GracefulShutdown(c, 'shutdown', { workload: w, terminationGracePeriod: Duration.seconds(45) }),
  'HighlyAvailable': (c, w) => new HighlyAvailable(c, 'ha', { workload: w }),
  'ImmutableConfigImage': (c, w) => new ImmutableConfigImage(c, 'config', { workload: w, image: 'shop/config-prod:1.4.0' }),
  'ConfigTemplate': (c, w) => new ConfigTemplate(c, 'template', {
    workload: w,
    templates: { 'app.yaml': 'greeting: {{ .params.greeting }}\n' },
    parameters: { greeting: 'hello' },
    mountPath: '/etc/app',
  }),
  'RestrictedPods': (c) => RestrictedPods.applyTo(c),
  'DataImage': (c, w) => new DataImage(c, 'model', { workload: w, image: 'ghcr.io/cdk8s-patterns/sentiment-model:1.0.0', mountPathEnv: 'MODEL_DIR' }),
  'Rollout': (c, w) => new Rollout(c, 'rollout', { workload: w, strategy: ReleaseStrategy.recreate() }),
};

function build(order: string[]): any[] {
  const chart = Testing.chart();
  const w = workload(chart);
  for (const name of order) PATTERNS[name](chart, w);
  return synth(chart);
}

/**
 * The objects of a chart, each serialized, in a fixed order: a chart lists its objects in the
 * order their constructs were created, which is the user's program, not the patterns' doing.
 */
function objects(manifests: any[]): string[] {
  return manifests.map(m => JSON.stringify(m)).sort();
}

const names = Object.keys(PATTERNS);
const pairs = names.flatMap((a, i) => names.slice(i + 1).map(b => [a, b] as [string, string]));

describe('every pair of pod patterns composes in both orders to the same YAML', () => {
  test.each(pairs)('%s + %s', (a, b) => {
    const ab = build([a, b]);
    const ba = build([b, a]);
    expect(objects(ba)).toEqual(objects(ab));
    expect(wiringProblems(ab)).toEqual([]);
  });

  test('all of them on one workload, forwards and backwards', () => {
    const forwards = build(names);
    const backwards = build([...names].reverse());
    expect(objects(backwards)).toEqual(objects(forwards));
    expect(restrictedViolations(forwards)).toEqual([]);
    expect(wiringProblems(forwards)).toEqual([]);
    const spec = podSpec(only(forwards, 'Deployment'));
    // Init containers run in an order fixed by what they do: configuration first, then the
    // native sidecars, then the startup steps.
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['config-image', 'config-template', 'data-image', 'shipper', 'migrate', 'proxy']);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['app', 'cache-proxy', 'exporter', 'git-sync']);
    expect(container(spec, 'app').volumeMounts.map((m: any) => m.mountPath)).toEqual(['/config', '/etc/app', '/mnt', '/srv/content', '/var/log/app', '/var/status']);
    expect(container(spec, 'app').env).toEqual([{ name: 'MODEL_DIR', value: '/mnt/models' }, { name: 'REDIS_URL', value: 'redis://localhost:6379' }]);
    expect(spec.terminationGracePeriodSeconds).toBe(45);
  });
});

describe('patterns that want different values for one field fail naming both', () => {
  test('two GracefulShutdowns with different grace periods', () => {
    const chart = Testing.chart();
    const w = workload(chart);
    new GracefulShutdown(chart, 'first', { workload: w, terminationGracePeriod: Duration.seconds(45) });
    expect(() => new GracefulShutdown(chart, 'second', { workload: w, terminationGracePeriod: Duration.seconds(60) }))
      .toThrow('test/second: invalid terminationGracePeriodSeconds 60: conflicts with 45 set by test/first on test/app: give the field one value');
  });

  test('two GracefulShutdowns that agree compose', () => {
    const chart = Testing.chart();
    const w = workload(chart);
    new GracefulShutdown(chart, 'first', { workload: w });
    new GracefulShutdown(chart, 'second', { workload: w });
    expect(podSpec(only(synth(chart), 'Deployment')).terminationGracePeriodSeconds).toBe(30);
  });

  test('a grace period the workload sets itself is a party', () => {
    const chart = Testing.chart();
    const w = new kplus.Deployment(chart, 'app', { terminationGracePeriod: Duration.seconds(90), containers: [{ name: 'app', image: 'shop/api:1.4.2' }] });
    new GracefulShutdown(chart, 'shutdown', { workload: w, terminationGracePeriod: Duration.seconds(45) });
    expect(() => Testing.synth(chart))
      .toThrow('test/shutdown: invalid terminationGracePeriodSeconds 45: conflicts with 90 set by test/app itself (through cdk8s-plus): give the field one value');
  });

  test('two Adapters both setting the scrape annotations', () => {
    const chart = Testing.chart();
    const w = workload(chart);
    new Adapter(chart, 'a', { workload: w, container: { name: 'a', image: 'x/a-exporter:1' }, metricsPort: 9100 });
    expect(() => new Adapter(chart, 'b', { workload: w, container: { name: 'b', image: 'x/b-exporter:1' }, metricsPort: 9200, metricsPortName: 'metrics-b' }))
      .toThrow('test/b: invalid annotation prometheus.io/port "9200": conflicts with "9100" set by test/a on test/app: give the field one value');
  });

  test('two Adapters compose when one leaves the annotations alone', () => {
    const chart = Testing.chart();
    const w = workload(chart);
    new Adapter(chart, 'a', { workload: w, container: { name: 'a', image: 'x/a-exporter:1' }, metricsPort: 9100 });
    new Adapter(chart, 'b', { workload: w, container: { name: 'b', image: 'x/b-exporter:1' }, metricsPort: 9200, metricsPortName: 'metrics-b', scrapeAnnotations: false });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(spec.containers.map((c: any) => c.name)).toEqual(['app', 'a', 'b']);
  });

  test('two Adapters on one port', () => {
    const chart = Testing.chart();
    const w = workload(chart);
    new Adapter(chart, 'a', { workload: w, container: { name: 'a', image: 'x/a-exporter:1' }, metricsPort: 9100 });
    expect(() => new Adapter(chart, 'b', { workload: w, container: { name: 'b', image: 'x/b-exporter:1' }, metricsPort: 9100, metricsPortName: 'metrics-b', scrapeAnnotations: false }))
      .toThrow('test/b: invalid metricsPort 9100: must not be used by another container of the pod (they share one network namespace): container a (added by test/a) has port 9100');
  });

  test('a Sidecar probe against the probe its own container props set', () => {
    const chart = Testing.chart();
    const w = workload(chart);
    new Sidecar(chart, 's', {
      workload: w,
      container: { name: 's', image: 'x/s:1', portNumber: 7000, readiness: kplus.Probe.fromTcpSocket({ port: 7000 }) },
      probes: { readiness: HealthProbe.http('/ready', { port: 7000 }) },
    });
    expect(() => Testing.synth(chart)).toThrow(/test\/s: invalid container s readinessProbe \{.*"path":"\/ready".*\}: conflicts with \{.*"tcpSocket":\{"port":7000\}.*\} set by the props of container s \(added by test\/s\): give the field one value/);
  });

  test('two HighlyAvailables on one workload', () => {
    const chart = Testing.chart();
    const w = workload(chart);
    new HighlyAvailable(chart, 'ha', { workload: w });
    expect(() => new HighlyAvailable(chart, 'ha2', { workload: w }))
      .toThrow(/^test\/ha2: invalid workload "test\/app": already has a PodDisruptionBudget and topology spread from test\/ha: the eviction API refuses pods with two budgets$/);
  });

  test('a mount path the application already uses', () => {
    const chart = Testing.chart();
    const w = workload(chart);
    new ImmutableConfigImage(chart, 'config', { workload: w, image: 'shop/config-prod:1.4.0', mountPath: '/srv/content' });
    expect(() => PATTERNS.Sidecar(chart, w))
      .toThrow('test/sidecar: invalid sharedVolume mount path "/srv/content": must differ from the mount paths of container app: /srv/content is mounted by test/config');
  });

  test('an environment variable the application sets itself', () => {
    const chart = Testing.chart();
    const w = new kplus.Deployment(chart, 'app', { containers: [{ name: 'app', image: 'shop/api:1.4.2', envVariables: { REDIS_URL: kplus.EnvValue.fromValue('redis://elsewhere:6379') } }] });
    expect(() => PATTERNS.Ambassador(chart, w))
      .toThrow('test/cache: invalid envVar "REDIS_URL": must not be set twice in container app: REDIS_URL is set by a container of test/app, through cdk8s-plus');
  });

  test('two Ambassadors listening on one localhost port, or on the application\'s port', () => {
    const chart = Testing.chart();
    const w = workload(chart);
    PATTERNS.Ambassador(chart, w);
    const proxy = (port: number) => AmbassadorProxy.envoyTcp({ listenPort: port, upstreamHost: 'db.data.svc.cluster.local', upstreamPort: 5432 });
    expect(() => new Ambassador(chart, 'db', { workload: w, proxy: proxy(6379), containerName: 'db-proxy' }))
      .toThrow('test/db: invalid proxy listenPort 6379: must not be used by another container of the pod (they share one network namespace): container cache-proxy (added by test/cache) listens on 6379 (on localhost)');
    expect(() => new Ambassador(chart, 'db2', { workload: w, proxy: proxy(8080), containerName: 'db-proxy' }))
      .toThrow('test/db2: invalid proxy listenPort 8080: must not be used by another container of the pod (they share one network namespace): container app (a container of test/app) has port 8080');
    expect(() => new Adapter(chart, 'm', { workload: w, container: { name: 'm', image: 'x/m:1' }, metricsPort: 6379 }))
      .toThrow('test/m: invalid metricsPort 6379: must not be used by another container of the pod (they share one network namespace): container cache-proxy (added by test/cache) listens on 6379 (on localhost)');
  });

  test('HighlyAvailable on a workload pattern that is already highly available says how to hand over', () => {
    const chart = Testing.chart();
    const le = new LeaderElected(chart, 'le', { replicas: 2, containers: [{ name: 'c', image: 'x/c:1' }] });
    expect(() => new HighlyAvailable(chart, 'ha', { workload: le.deployment }))
      .toThrow('test/ha: invalid workload "test/le/deployment": already has a PodDisruptionBudget and topology spread from test/le/high-availability: the eviction API refuses pods with two budgets; set highAvailability: false on test/le to configure them with this HighlyAvailable');
  });

  test('RestrictedPods on nested scopes with different options', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    workload(chart);
    RestrictedPods.applyTo(app);
    RestrictedPods.applyTo(chart, { allowNetBindService: true });
    expect(() => app.synthYaml())
      .toThrow('RestrictedPods.applyTo(c): invalid options {"allowNetBindService":true}: conflicts with {} given by RestrictedPods.applyTo(<app>) for c/app: give nested scopes the same options');
  });

  test('a container named before the pattern that adds it is attached', () => {
    const build2 = (first: 'shutdown' | 'adapter') => {
      const chart = Testing.chart();
      const w = workload(chart);
      const steps = {
        shutdown: () => new GracefulShutdown(chart, 'shutdown', { workload: w, containers: ['app', 'exporter'], preStopCommand: ['/bin/drain'] }),
        adapter: () => PATTERNS.Adapter(chart, w),
      };
      steps[first]();
      steps[first === 'shutdown' ? 'adapter' : 'shutdown']();
      return synth(chart);
    };
    const early = build2('shutdown');
    expect(objects(early)).toEqual(objects(build2('adapter')));
    expect(container(podSpec(only(early, 'Deployment')), 'exporter').lifecycle).toEqual({ preStop: { exec: { command: ['/bin/drain'] } } });
  });

  test('a pattern in another chart than its workload', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const ops = new Chart(app, 'ops', { namespace: 'ops' });
    const w = workload(shop);
    expect(() => new HighlyAvailable(ops, 'ha', { workload: w }))
      .toThrow('ops/ha: invalid workload "shop/app": must be in the same chart as the pattern, ops (namespace ops), not in shop (namespace shop): create the pattern in the workload\'s chart');
  });
});

describe('the render kept from validation is never stale', () => {
  test('a pattern added after a synth shows in the next synth, in this chart and in another', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    const wa = workload(a);
    const wb = workload(b);
    new GracefulShutdown(a, 'shutdown', { workload: wa });
    new GracefulShutdown(b, 'shutdown', { workload: wb });
    // Synthesizing chart a validates (and renders) the whole app, chart b included.
    expect(podSpec(only(synth(a), 'Deployment')).containers.map((c: any) => c.name)).toEqual(['app']);
    PATTERNS.Ambassador(b, wb);
    expect(podSpec(only(synth(b), 'Deployment')).containers.map((c: any) => c.name)).toEqual(['app', 'cache-proxy']);
    PATTERNS.Ambassador(a, wa);
    expect(podSpec(only(synth(a), 'Deployment')).containers.map((c: any) => c.name)).toEqual(['app', 'cache-proxy']);
  });
});
