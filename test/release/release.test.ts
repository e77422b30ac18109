import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AbTestDeployment, BlueGreenColor, LeaderElected, BlueGreenDeployment, CanaryDeployment, GracefulShutdown, ITrackAttachment, ReleaseStrategy,
  ReleaseTrackProps, RequestMatch, Rollout, Sidecar, TrafficRouting,
} from '../../src';
import { validateManifests } from '../schema';
import { restrictedViolations } from '../util';
import { wiringProblems } from '../wiring';

const TRACK = 'release.cdk8s-patterns.io/track';
const web = (version: string, extra: Partial<kplus.ContainerProps> = {}): kplus.ContainerProps => ({
  name: 'web',
  image: `shop/web:${version}`,
  portNumber: 8080,
  readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
  ...extra,
});
const track = (version: string, replicas?: number): ReleaseTrackProps => ({ containers: [web(version)], replicas });
const gateway = (hostnames?: string[]) => TrafficRouting.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'infra', listenerName: 'https', hostnames });

function synth(chart: Construct): any[] {
  return Testing.synth(chart as any);
}
const kinds = (ms: any[], kind: string) => ms.filter(m => m.kind === kind);
const byTrack = (ms: any[], kind: string, t: string) => {
  const found = ms.filter(m => m.kind === kind && m.metadata.labels?.[TRACK] === t);
  expect(found).toHaveLength(1);
  return found[0];
};
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Facts every release output shares: valid, restricted, wired. */
function expectSound(ms: any[]): void {
  expect(() => validateManifests(ms)).not.toThrow();
  expect(restrictedViolations(ms)).toEqual([]);
  expect(wiringProblems(ms)).toEqual([]);
}

describe('Rollout and ReleaseStrategy', () => {
  test('recreate sets the strategy; ramped sets surge, unavailability, minReady and the deadline', () => {
    const chart = Testing.chart();
    const a = new kplus.Deployment(chart, 'a', { containers: [web('1')] });
    const b = new kplus.Deployment(chart, 'b', { containers: [web('1')] });
    new Rollout(chart, 'ra', { workload: a, strategy: ReleaseStrategy.recreate() });
    new Rollout(chart, 'rb', {
      workload: b,
      strategy: ReleaseStrategy.ramped({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
        minReady: Duration.seconds(10),
        progressDeadline: Duration.minutes(5),
      }),
    });
    const [da, db] = kinds(synth(chart), 'Deployment');
    expect(da.spec.strategy).toEqual({ type: 'Recreate' });
    expect(db.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(db.spec.minReadySeconds).toBe(10);
    expect(db.spec.progressDeadlineSeconds).toBe(300);
    expect(Object.keys(db.spec)).toEqual([...Object.keys(db.spec)].sort());
  });

  test('ramped needs a readiness probe on every container of the final pod, sidecars included', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'd', { containers: [web('1')] });
    new Rollout(chart, 'r', { workload: d, strategy: ReleaseStrategy.ramped() });
    new Sidecar(chart, 'proxy', { workload: d, container: { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' } });
    expect(() => synth(chart)).toThrow(/test\/r: invalid strategy "ramped": needs a readiness probe on every container of test\/d, and proxy has none/);
    const ok = Testing.chart();
    const e = new kplus.Deployment(ok, 'e', { containers: [{ image: 'x/worker:1' }] });
    new Rollout(ok, 'r', { workload: e, strategy: ReleaseStrategy.recreate() });
    expect(kinds(synth(ok), 'Deployment')[0].spec.strategy.type).toBe('Recreate');
  });

  test('a strategy set through cdk8s-plus, or by another Rollout, conflicts naming both', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'd', { containers: [web('1')], strategy: kplus.DeploymentStrategy.recreate() });
    new Rollout(chart, 'r', { workload: d, strategy: ReleaseStrategy.ramped() });
    expect(() => synth(chart)).toThrow(/test\/r: invalid spec\.strategy .*conflicts with \{"type":"Recreate"\} set by test\/d itself \(through cdk8s-plus\)/);
    const two = Testing.chart();
    const e = new kplus.Deployment(two, 'e', { containers: [web('1')] });
    new Rollout(two, 'r1', { workload: e, strategy: ReleaseStrategy.recreate() });
    expect(() => new Rollout(two, 'r2', { workload: e, strategy: ReleaseStrategy.ramped() }))
      .toThrow(/test\/r2: invalid spec\.strategy .*conflicts with \{"type":"Recreate"\} set by test\/r1 on test\/e/);
    // The same value twice is fine.
    new Rollout(two, 'r3', { workload: e, strategy: ReleaseStrategy.recreate() });
    expect(kinds(synth(two), 'Deployment')[0].spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('a typed choice on the workload patterns: LeaderElected takes a strategy too', () => {
    const chart = Testing.chart();
    new LeaderElected(chart, 'ctl', { containers: [web('1')], strategy: ReleaseStrategy.ramped({ maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }) });
    const d = kinds(synth(chart), 'Deployment')[0];
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    const bad = Testing.chart();
    new LeaderElected(bad, 'ctl', { containers: [{ image: 'x/ctl:1' }], strategy: ReleaseStrategy.ramped() });
    expect(() => synth(bad)).toThrow(/test\/ctl: invalid strategy "ramped": needs a readiness probe on every container of test\/ctl\/deployment, and main has none/);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'd', { containers: [web('1')] });
    const ss = new kplus.StatefulSet(chart, 's', { containers: [web('1')] });
    const P = kplus.PercentOrAbsolute;
    expect(() => new Rollout(chart, 'a', { workload: d, strategy: ReleaseStrategy.ramped({ maxSurge: P.absolute(0), maxUnavailable: P.absolute(0) }) }))
      .toThrow('test/a: invalid strategy.maxSurge 0: must be above 0 when maxUnavailable is 0: the rollout could neither start a new pod nor stop an old one');
    expect(() => new Rollout(chart, 'b', { workload: d, strategy: ReleaseStrategy.ramped({ maxSurge: P.percent(150) }) }))
      .toThrow('test/b: invalid strategy.maxSurge "150%": must be a whole number of pods ≥ 0 or a percentage from 0% to 100%');
    expect(() => new Rollout(chart, 'c', { workload: d, strategy: ReleaseStrategy.ramped({ maxUnavailable: P.absolute(1.5) }) }))
      .toThrow('test/c: invalid strategy.maxUnavailable 1.5: must be a whole number of pods ≥ 0 or a percentage from 0% to 100%');
    expect(() => new Rollout(chart, 'e', { workload: d, strategy: ReleaseStrategy.ramped({ minReady: Duration.seconds(60), progressDeadline: Duration.seconds(30) }) }))
      .toThrow('test/e: invalid strategy.progressDeadline "30s": must be longer than minReady (60s), or no release could ever progress');
    expect(() => new Rollout(chart, 'f', { workload: d, strategy: ReleaseStrategy.ramped({ minReady: Duration.millis(1500) }) }))
      .toThrow(/test\/f: invalid strategy.minReady .*: must be a whole number of seconds, at least 0/);
    expect(() => new Rollout(chart, 'g', { workload: ss as any, strategy: ReleaseStrategy.recreate() }))
      .toThrow('test/g: invalid workload test/s: must be a cdk8s-plus Deployment (StatefulSets and DaemonSets have update strategies of their own)');
    expect(() => new Rollout(chart, 'h', { workload: d, strategy: 'Recreate' as any }))
      .toThrow('test/h: invalid strategy "Recreate": must be ReleaseStrategy.recreate() or ReleaseStrategy.ramped()');
    expect(() => new Rollout(chart, 'i', { workload: d } as any)).toThrow('test/i: invalid strategy undefined: is required');
  });
});

describe('BlueGreenDeployment', () => {
  test('two colors, the active Service selects exactly the active color, preview the other', () => {
    const chart = Testing.chart();
    const bg = new BlueGreenDeployment(chart, 'shop', { blue: track('1.0.0'), green: track('2.0.0') });
    const ms = synth(chart);
    expectSound(ms);
    const blue = byTrack(ms, 'Deployment', 'blue');
    const green = byTrack(ms, 'Deployment', 'green');
    const [active, preview] = kinds(ms, 'Service');
    expect(active.metadata.name).toMatch(/^test-shop-active-/);
    expect(active.spec.selector[TRACK]).toBe('blue');
    expect(preview.spec.selector[TRACK]).toBe('green');
    expect(selects(active.spec.selector, blue.spec.template.metadata.labels)).toBe(true);
    expect(selects(active.spec.selector, green.spec.template.metadata.labels)).toBe(false);
    expect(selects(preview.spec.selector, green.spec.template.metadata.labels)).toBe(true);
    // Each Deployment selects only its own color.
    expect(selects(blue.spec.selector.matchLabels, green.spec.template.metadata.labels)).toBe(false);
    expect(active.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
    expect([blue.spec.replicas, green.spec.replicas]).toEqual([2, 2]);
    expect(kinds(ms, 'PodDisruptionBudget')).toHaveLength(2);
    expect(bg.active).toBe(BlueGreenColor.BLUE);
    expect(bg.deployments).toEqual([bg.blue, bg.green]);
    expect(kinds(ms, 'HTTPRoute')).toEqual([]);
  });

  test('switching is one prop; the idle color can be scaled to zero; a route follows the active Service', () => {
    const chart = Testing.chart();
    new BlueGreenDeployment(chart, 'shop', {
      blue: track('1.0.0'),
      green: track('2.0.0'),
      active: BlueGreenColor.GREEN,
      scaleIdleToZero: true,
      port: 8000,
      routing: gateway(['shop.example.com']),
    });
    const ms = synth(chart);
    expectSound(ms);
    const [active, preview] = kinds(ms, 'Service');
    expect(active.spec.selector[TRACK]).toBe('green');
    expect(preview.spec.selector[TRACK]).toBe('blue');
    expect(byTrack(ms, 'Deployment', 'blue').spec.replicas).toBe(0);
    expect(byTrack(ms, 'Deployment', 'green').spec.replicas).toBe(2);
    const route = kinds(ms, 'HTTPRoute')[0];
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'public', namespace: 'infra', sectionName: 'https' }],
      hostnames: ['shop.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: active.metadata.name, port: 8000 }] }],
    });
  });

  test('ingress-nginx routing: one Ingress to the active Service', () => {
    const chart = Testing.chart();
    new BlueGreenDeployment(chart, 'shop', { blue: track('1'), green: track('2'), routing: TrafficRouting.ingressNginx({ host: 'shop.example.com' }) });
    const ms = synth(chart);
    expectSound(ms);
    const ing = kinds(ms, 'Ingress')[0];
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.rules[0].http.paths[0].backend.service.name).toBe(kinds(ms, 'Service')[0].metadata.name);
    expect(ing.metadata.annotations ?? {}).toEqual({});
  });

  test('pod patterns attach to both colors at once, with the same result on each', () => {
    const chart = Testing.chart();
    const bg = new BlueGreenDeployment(chart, 'shop', { blue: track('1'), green: track('2') });
    const attachment: ITrackAttachment = {
      attach(scope, workload) {
        new GracefulShutdown(scope, 'shutdown', { workload, terminationGracePeriod: Duration.seconds(45), preStopCommand: ['sleep', '5'] });
      },
    };
    bg.forEachTrack(attachment);
    const ms = synth(chart);
    const specs = ['blue', 'green'].map(c => byTrack(ms, 'Deployment', c).spec.template.spec);
    expect(specs[0].containers[0].lifecycle).toEqual(specs[1].containers[0].lifecycle);
    expect(specs[0].containers[0].lifecycle).toBeDefined();
    expect(specs[0].terminationGracePeriodSeconds).toBe(specs[1].terminationGracePeriodSeconds);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    expect(() => new BlueGreenDeployment(chart, 'a', { blue: track('1'), green: { containers: [web('2', { portNumber: 9090, readiness: kplus.Probe.fromHttpGet('/', { port: 9090 }) })] } }))
      .toThrow('test/a: invalid green.containers[0].portNumber 9090: must equal blue.containers[0].portNumber (8080): every track serves on the same port');
    expect(() => new BlueGreenDeployment(chart, 'b', { blue: track('1'), green: track('2'), routing: TrafficRouting.replicaRatio({ replicas: 4 }) }))
      .toThrow('test/b: invalid routing "TrafficRouting.replicaRatio()": must be TrafficRouting.gatewayApi() or TrafficRouting.ingressNginx(): a blue-green switch moves all traffic, there is no ratio');
    expect(() => new BlueGreenDeployment(chart, 'c', { blue: track('1', 0), green: track('2') }))
      .toThrow('test/c: invalid blue.replicas 0: must be at least 1 for the active color: the active Service would have no endpoints');
    expect(() => new BlueGreenDeployment(chart, 'd', { blue: track('1'), green: track('2'), active: 'purple' as any }))
      .toThrow('test/d: invalid active "purple": must be BlueGreenColor.BLUE or BlueGreenColor.GREEN');
    expect(() => new BlueGreenDeployment(chart, 'e', { blue: { containers: [{ image: 'x/worker:1' }] }, green: track('2') }))
      .toThrow('test/e: invalid blue.containers[0].portNumber undefined: must be set: the release\'s Services route to the first container\'s port');
    expect(() => new BlueGreenDeployment(chart, 'f', { blue: track('1') } as any)).toThrow('test/f: invalid green undefined: is required');
    expect(() => new BlueGreenDeployment(chart, 'g', { blue: track('1'), green: track('2'), port: 0 }))
      .toThrow(/test\/g: invalid port 0/);
    expect(() => new BlueGreenDeployment(chart, 'h', { blue: track('1'), green: track('2'), routing: TrafficRouting.gatewayApi({ gatewayName: 'Bad_Name' }) }))
      .toThrow('test/h: invalid routing.gatewayName "Bad_Name": must be a DNS subdomain (a Gateway name)');
    expect(() => new BlueGreenDeployment(chart, 'i', { blue: track('1'), green: track('2'), routing: gateway(['10.0.0.1']) }))
      .toThrow('test/i: invalid routing.hostnames[0] "10.0.0.1": must be a DNS host name of at most 253 characters, optionally starting with "*." (not an IP address)');
    expect(() => new BlueGreenDeployment(chart, 'j', { blue: track('1'), green: track('2'), routing: TrafficRouting.ingressNginx({ pathPrefix: 'api' }) }))
      .toThrow('test/j: invalid routing.pathPrefix "api": must be an absolute URL path of at most 1024 characters, e.g. "/" or "/api"');
    const hosts = Array.from({ length: 17 }, (_, i) => `h${i}.example.com`);
    expect(() => new BlueGreenDeployment(chart, 'k', { blue: track('1'), green: track('2'), routing: gateway(hosts) }))
      .toThrow(`test/k: invalid routing.hostnames ${JSON.stringify(hosts)}: must list at most 16 host names: a Gateway API HTTPRoute holds no more`);
    expect(() => new BlueGreenDeployment(chart, 'l', { blue: track('1'), green: track('2'), routing: gateway(hosts.slice(1)) })).not.toThrow();
  });
});

describe('CanaryDeployment', () => {
  test('Gateway API: an HTTPRoute whose weights are 100 - w and w, to one Service per track', () => {
    const chart = Testing.chart();
    const c = new CanaryDeployment(chart, 'shop', { stable: track('1'), canary: track('2'), weight: 10, routing: gateway(['shop.example.com']) });
    const ms = synth(chart);
    expectSound(ms);
    const stable = byTrack(ms, 'Deployment', 'stable');
    const canary = byTrack(ms, 'Deployment', 'canary');
    expect([stable.spec.replicas, canary.spec.replicas]).toEqual([2, 1]);
    const stableSvc = byTrack(ms, 'Service', 'stable');
    const canarySvc = byTrack(ms, 'Service', 'canary');
    expect(selects(stableSvc.spec.selector, stable.spec.template.metadata.labels)).toBe(true);
    expect(selects(stableSvc.spec.selector, canary.spec.template.metadata.labels)).toBe(false);
    expect(selects(canarySvc.spec.selector, canary.spec.template.metadata.labels)).toBe(true);
    const route = kinds(ms, 'HTTPRoute')[0];
    expect(route.spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ name: stableSvc.metadata.name, port: 80, weight: 90 }, { name: canarySvc.metadata.name, port: 80, weight: 10 }],
    }]);
    expect(c.weight).toBe(10);
    expect(c.canaryService).toBeDefined();
  });

  test('ingress-nginx: a stable Ingress and a canary Ingress with canary-weight', () => {
    const chart = Testing.chart();
    new CanaryDeployment(chart, 'shop', { stable: track('1'), canary: track('2'), weight: 25, routing: TrafficRouting.ingressNginx({ host: 'shop.example.com', ingressClassName: 'public' }) });
    const ms = synth(chart);
    expectSound(ms);
    const [main, canary] = kinds(ms, 'Ingress');
    expect(main.metadata.annotations ?? {}).toEqual({});
    expect(canary.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '25' });
    for (const i of [main, canary]) {
      expect(i.spec.ingressClassName).toBe('public');
      expect(i.spec.rules[0].host).toBe('shop.example.com');
    }
    expect(canary.spec.rules[0].http.paths[0].backend.service.name).toBe(byTrack(ms, 'Service', 'canary').metadata.name);
  });

  test('replica ratio: one Service over both tracks, replicas set from the weight', () => {
    const chart = Testing.chart();
    new CanaryDeployment(chart, 'shop', { stable: track('1'), canary: track('2'), weight: 20, routing: TrafficRouting.replicaRatio({ replicas: 10 }) });
    const ms = synth(chart);
    expectSound(ms);
    const stable = byTrack(ms, 'Deployment', 'stable');
    const canary = byTrack(ms, 'Deployment', 'canary');
    expect([stable.spec.replicas, canary.spec.replicas]).toEqual([8, 2]);
    const svc = kinds(ms, 'Service');
    expect(svc).toHaveLength(1);
    expect(selects(svc[0].spec.selector, stable.spec.template.metadata.labels)).toBe(true);
    expect(selects(svc[0].spec.selector, canary.spec.template.metadata.labels)).toBe(true);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const ratio = TrafficRouting.replicaRatio({ replicas: 10 });
    expect(() => new CanaryDeployment(chart, 'a', { stable: track('1'), canary: track('2'), weight: 15, routing: ratio }))
      .toThrow('test/a: invalid weight 15: must be a multiple of 10% with TrafficRouting.replicaRatio({ replicas: 10 }) (one pod is 10% of the traffic): use 10% or 20%, more replicas, or TrafficRouting.gatewayApi() for exact shares');
    expect(() => new CanaryDeployment(chart, 'b', { stable: track('1', 3), canary: track('2'), weight: 10, routing: ratio }))
      .toThrow('test/b: invalid stable.replicas 3: must not be set with TrafficRouting.replicaRatio(): the ratio sets it from weight 10% of routing.replicas 10');
    expect(() => new CanaryDeployment(chart, 'c', { stable: track('1'), canary: track('2'), weight: 101, routing: gateway() }))
      .toThrow('test/c: invalid weight 101: must be a whole percentage from 0 to 100');
    expect(() => new CanaryDeployment(chart, 'd', { stable: track('1'), canary: track('2', 0), weight: 5, routing: gateway() }))
      .toThrow('test/d: invalid canary.replicas 0: must be at least 1 when weight is 5%: the route would send requests to a Service without endpoints');
    expect(() => new CanaryDeployment(chart, 'e', { stable: track('1'), canary: track('2'), weight: 5 } as any))
      .toThrow('test/e: invalid routing undefined: is required');
    expect(() => new CanaryDeployment(chart, 'f', { stable: track('1'), canary: track('2'), weight: 5, routing: TrafficRouting.replicaRatio({ replicas: 1 }) }))
      .toThrow('test/f: invalid routing.replicas 1: must be a whole number ≥ 2 (one pod per track at least)');
  });
});

describe('AbTestDeployment', () => {
  test('Gateway API: the header rule goes to B, the catch-all to A', () => {
    const chart = Testing.chart();
    new AbTestDeployment(chart, 'shop', { a: track('1'), b: track('2'), match: RequestMatch.header('x-variant', 'b'), routing: gateway() });
    const ms = synth(chart);
    expectSound(ms);
    const a = byTrack(ms, 'Service', 'a');
    const b = byTrack(ms, 'Service', 'b');
    expect(kinds(ms, 'HTTPRoute')[0].spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'x-variant', value: 'b' }] }], backendRefs: [{ name: b.metadata.name, port: 80 }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: a.metadata.name, port: 80 }] },
    ]);
    expect(selects(b.spec.selector, byTrack(ms, 'Deployment', 'b').spec.template.metadata.labels)).toBe(true);
    expect(selects(b.spec.selector, byTrack(ms, 'Deployment', 'a').spec.template.metadata.labels)).toBe(false);
  });

  test('a cookie is a regular expression on the Cookie header; ingress-nginx uses canary-by-header and canary-by-cookie', () => {
    const chart = Testing.chart();
    new AbTestDeployment(chart, 'shop', { a: track('1'), b: track('2'), match: RequestMatch.cookie('beta.user', 'yes'), routing: gateway() });
    const ms = synth(chart);
    const header = kinds(ms, 'HTTPRoute')[0].spec.rules[0].matches[0].headers[0];
    expect(header).toEqual({ type: 'RegularExpression', name: 'Cookie', value: '(^|;\\s*)beta\\.user=yes(;|$)' });
    const re = new RegExp(header.value);
    expect(re.test('a=1; beta.user=yes')).toBe(true);
    expect(re.test('beta.user=yess')).toBe(false);
    expect(re.test('xbeta.user=yes')).toBe(false);

    const nginx = Testing.chart();
    new AbTestDeployment(nginx, 'h', { a: track('1'), b: track('2'), match: RequestMatch.header('x-variant', 'b'), routing: TrafficRouting.ingressNginx() });
    new AbTestDeployment(nginx, 'c', { a: track('1'), b: track('2'), match: RequestMatch.cookie('beta', 'always'), routing: TrafficRouting.ingressNginx() });
    const ann = kinds(synth(nginx), 'Ingress').map(i => i.metadata.annotations ?? {});
    expect(ann).toEqual([
      {},
      { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-by-header': 'x-variant', 'nginx.ingress.kubernetes.io/canary-by-header-value': 'b' },
      {},
      { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-by-cookie': 'beta' },
    ]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    expect(() => new AbTestDeployment(chart, 'a', { a: track('1'), b: track('2'), match: RequestMatch.cookie('beta', 'yes'), routing: TrafficRouting.ingressNginx() }))
      .toThrow('test/a: invalid match.value "yes": must be "always" with TrafficRouting.ingressNginx(): ingress-nginx routes a cookie to the canary only when its value is "always" (use a header, or TrafficRouting.gatewayApi(), for other values)');
    expect(() => new AbTestDeployment(chart, 'b', { a: track('1'), b: track('2'), match: RequestMatch.header('x variant', 'b'), routing: gateway() }))
      .toThrow(/test\/b: invalid match.name "x variant": must be a header name/);
    expect(() => new AbTestDeployment(chart, 'c', { a: track('1'), b: track('2'), match: RequestMatch.header('x-variant', ''), routing: gateway() }))
      .toThrow('test/c: invalid match.value "": must be 1 to 4096 printable ASCII characters, not starting or ending with a space');
    expect(() => new AbTestDeployment(chart, 'd', { a: track('1'), b: track('2'), match: RequestMatch.header('x-variant', 'b'), routing: TrafficRouting.replicaRatio({ replicas: 2 }) }))
      .toThrow('test/d: invalid routing "TrafficRouting.replicaRatio()": must be TrafficRouting.gatewayApi() or TrafficRouting.ingressNginx(): an A/B test routes by request header or cookie');
    expect(() => new AbTestDeployment(chart, 'e', { a: track('1'), b: track('2', 0), match: RequestMatch.header('x', 'b'), routing: gateway() }))
      .toThrow('test/e: invalid b.replicas 0: must be at least 1: the route would send requests to a Service without endpoints');
    expect(() => new AbTestDeployment(chart, 'f', { a: track('1'), b: track('2'), match: { kind: 'header', name: 'x', value: 'y' } as any, routing: gateway() }))
      .toThrow('test/f: invalid match {"kind":"header","name":"x","value":"y"}: must be RequestMatch.header(name, value) or RequestMatch.cookie(name, value)');
  });
});
