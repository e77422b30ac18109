import { Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { factory, harness, labelled, Recipe, show } from './recipes';
import {
  AmbassadorProxy, CompletionMode, ControllerReplication, CustomResourceDefinition, CustomResourceScope, DaemonUpdateStrategy, DataImageMode,
  HealthProbe, JobRestartPolicy, JsonSchema, PrinterColumnType, ResourcePreset, SingletonEviction, SingletonGuarantee, WorkQueueMode,
  BlueGreenColor, ReleaseStrategy, RequestMatch, TrafficRouting, DaprSidecarMode, DistributedLock,
} from '../../src';

/*
 * Generators of prop sets for every pattern: mostly valid values, each field with a chance of an
 * edge or invalid value (numbers 0, negative, fractional, NaN, Infinity, 65536; empty, too long,
 * upper-case or spaced strings; fractional durations; '' and ':latest' images; long port names;
 * bad environment variable names; duplicate container names, ports and mount paths), and a slice
 * of prop sets with a required prop dropped or mistyped, or no props at all.
 */

type Arb<T = unknown> = fc.Arbitrary<T>;
type Props = Record<string, unknown>;

/** A generated prop set: the props, plus the chart's namespace where the pattern reads it. */
export interface Scenario {
  readonly namespace?: string;
  readonly props: unknown;
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Picks among arbitraries by weight. */
export function weighted<T>(...choices: Array<[number, Arb<T>]>): Arb<T> {
  return fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

/**
 * A valid value most of the time, an edge or invalid one otherwise (1 in 25 by default: prop sets
 * have 10 to 30 fields, so that about half of them are valid throughout).
 */
export function validOr<T>(valid: Arb<T>, invalid: Arb<unknown>, invalidWeight = 1): Arb<T | unknown> {
  return weighted<unknown>([24, valid], [invalidWeight, invalid]);
}

/** Usually an explicit `undefined` (the default applies), sometimes a value. */
/** Usually nothing (the key is left out by `partial` half of the time anyway), rarely a value. */
export function seldom(arb: Arb<unknown>, weight = 8): Arb<unknown> {
  return weighted<unknown>([weight, fc.constant(undefined)], [1, arb]);
}

export function rarely(arb: Arb<unknown>): Arb<unknown> {
  return weighted<unknown>([3, fc.constant(undefined)], [1, arb]);
}

/** `fc.record` of plain objects (never a null prototype, so counterexamples print plainly). */
export function rec<T>(model: { [K in keyof T]: Arb<T[K]> }): Arb<T> {
  return fc.record(model as any, { noNullPrototype: true }) as unknown as Arb<T>;
}

/** `fc.dictionary` of plain objects. */
export function dict<T>(keys: Arb<string>, values: Arb<T>, c: { minKeys?: number; maxKeys?: number } = {}): Arb<Record<string, T>> {
  return fc.dictionary(keys, values, { ...c, noNullPrototype: true });
}

/** Values of the wrong type for any prop. */
export const wrongType: Arb<unknown> = fc.constantFrom<unknown>(null, 42, 'oops', true, [], {});

/** Numbers at and beyond the edges. */
export const edgeNumber: Arb<number> = fc.constantFrom(0, -1, 0.5, 1.5, NaN, Infinity, -Infinity, 65536, 2 ** 31);

/** A count: `valid` most of the time, else an edge number or a value of the wrong type. */
export function count(valid: Arb<number>): Arb<unknown> {
  return validOr(valid, fc.oneof(edgeNumber, wrongType));
}

export const bool: Arb<unknown> = validOr(fc.boolean(), fc.constantFrom<unknown>('true', 1, null), 1);

const ABSENT = Symbol('absent');

/** A record whose keys other than `requiredKeys` are each left out half of the time. */
export function partial(model: Record<string, Arb<unknown>>, requiredKeys: string[] = []): Arb<Props> {
  const withAbsent: Record<string, Arb<unknown>> = {};
  for (const [k, arb] of Object.entries(model)) {
    withAbsent[k] = requiredKeys.includes(k) ? arb : fc.option(arb, { nil: ABSENT, freq: 2 });
  }
  return (fc.record(withAbsent, { noNullPrototype: true }) as Arb<Props>).map(r => {
    const out: Props = {};
    for (const [k, v] of Object.entries(r)) if (v !== ABSENT) out[k] = v;
    return out;
  });
}

const DROP = Symbol('drop');

/**
 * Prop sets as generated, plus a slice (`brokenWeight` of 100) with a required prop dropped or
 * mistyped, or with no props object at all.
 */
export function withBrokenProps(props: Arb<Props>, required: string[], extraMistypes: Arb<unknown>[] = [], brokenWeight = 15): Arb<unknown> {
  const mistype = fc.oneof(fc.constant<unknown>(DROP), fc.constantFrom<unknown>(undefined, null, 42, 'oops', true, [], {}), ...extraMistypes);
  const broken = weighted<unknown>(
    [4, fc.tuple(props, fc.constantFrom(...required), mistype).map(([p, key, bad]) => {
      const out: Props = { ...p };
      if (bad === DROP) delete out[key];
      else out[key] = bad;
      return out;
    })],
    [1, fc.constantFrom<unknown>(undefined, null, 'props', 42, [])],
  );
  return weighted<unknown>([100 - brokenWeight, props], [brokenWeight, broken]);
}

// ---------------------------------------------------------------------------------------------
// Scalars

export const EDGE_NAMES = ['', 'A', 'Web', 'has space', '-a', 'a-', 'a_b', 'a.b', 'a--b', '1abc', 'x'.repeat(64), 'x'.repeat(254), 'ü'];

/** Names of objects, containers and volumes: DNS-1123 labels and edge cases. */
export function dnsName(valid: string[] = []): Arb<unknown> {
  const generated = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/);
  return validOr(valid.length > 0 ? fc.oneof(fc.constantFrom(...valid), generated) : generated, fc.oneof(fc.constantFrom(...EDGE_NAMES), wrongType));
}

/** Label values (may be empty) and edge cases. */
export const labelValue: Arb<unknown> = validOr(
  fc.oneof(fc.constantFrom('shop', 'My.App_1', 'v1', ''), fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,8}[A-Za-z0-9])?$/)),
  fc.constantFrom<unknown>('has space', 'x'.repeat(64), '-a', 'a/b', 'ü', 42, null),
);

/** Label and annotation keys. */
export const labelKey: Arb<string> = weighted(
  [24, fc.constantFrom('app', 'tier', 'example.com/team', 'app.kubernetes.io/name')],
  [1, fc.constantFrom('', 'has space', 'Example.com/x', '/x', 'x/', 'a/b/c', 'x'.repeat(64), '-x')],
);

/** Absolute paths inside a container, and edge cases. */
export function absPath(valid: string[] = ['/data', '/config', '/tmp', '/var/log/app', '/cache']): Arb<unknown> {
  return validOr(fc.constantFrom(...valid), fc.constantFrom<unknown>('', 'relative', '/', '/a/../b', '..', '/a/', '//x', '/with space', 42));
}

const DIGEST = `@sha256:${'a'.repeat(64)}`;
export const VALID_IMAGES = ['busybox:1.36', 'registry.example.com/team/app:1.2.3', `ghcr.io/acme/tool${DIGEST}`, 'localhost:5000/tool:0.1'];

/** Container images: pinned references and edge cases ('' and ':latest' included). */
export function image(valid: string[] = VALID_IMAGES): Arb<unknown> {
  return validOr(fc.constantFrom(...valid), fc.constantFrom<unknown>('', ':latest', 'nginx:latest', 'nginx', ' busybox:1.36', 'busybox 1.36', 'localhost:5000/tool', 42, null));
}

export const envName: Arb<string> = weighted(
  [24, fc.constantFrom('LOG_LEVEL', 'A', '_X', 'my.var', 'x-y')],
  [1, fc.constantFrom('1BAD', 'a b', '', 'A=B', 'ü')],
);

export const portName: Arb<unknown> = validOr(
  fc.constantFrom('http', 'metrics', 'grpc', 'web-1', 'redis'),
  fc.constantFrom<unknown>('a-very-long-port-name', 'HTTP', '8080', 'a--b', '', '-http', 42),
);

export const COMMON_PORTS = [80, 6379, 8080, 9090, 15000];

/** Port numbers: common ones (which collide with the workload's), any valid one, and edge numbers. */
export const port: Arb<unknown> = validOr(fc.oneof(fc.constantFrom(...COMMON_PORTS), fc.integer({ min: 1, max: 65535 })), fc.oneof(edgeNumber, fc.constantFrom<unknown>('80', null)));

function duration(unit: 'millis' | 'seconds' | 'minutes' | 'days', n: number): Duration {
  return labelled(Duration[unit](n), `Duration.${unit}(${n})`);
}

/** Durations: whole seconds from `min`, and fractional, NaN and Infinity ones (cdk8s refuses negative ones). */
export function durationArb(validSeconds: number[] = [0, 1, 5, 30, 60, 300]): Arb<unknown> {
  const valid = fc.constantFrom(...validSeconds.map(n => duration('seconds', n)), duration('minutes', 5), duration('days', 1), duration('millis', 2000));
  const edge = fc.constantFrom<unknown>(
    duration('seconds', 1.5), duration('millis', 1500), duration('millis', 500), duration('seconds', NaN), duration('seconds', Infinity),
    duration('minutes', 0.01), 30, '30s', null,
  );
  return validOr(valid, edge);
}

function size(unit: 'kibibytes' | 'mebibytes' | 'gibibytes', n: number): Size {
  return labelled(Size[unit](n), `Size.${unit}(${n})`);
}

export const sizeArb: Arb<unknown> = validOr(
  fc.constantFrom(size('mebibytes', 64), size('mebibytes', 256), size('gibibytes', 1), size('gibibytes', 10), size('kibibytes', 1)),
  fc.constantFrom<unknown>(size('mebibytes', 0.5), size('mebibytes', 0), size('kibibytes', 0.5), size('mebibytes', NaN), 64, '64Mi'),
);

function preset(name: 'NANO' | 'MICRO' | 'SMALL' | 'MEDIUM' | 'LARGE' | 'XLARGE'): ResourcePreset {
  return labelled(ResourcePreset[name], `ResourcePreset.${name}`);
}

/** Resource presets, custom ones (a factory that validates its numbers) and wrong types. */
export const presetArb: Arb<unknown> = validOr(
  weighted<unknown>(
    [4, fc.constantFrom(preset('NANO'), preset('MICRO'), preset('SMALL'), preset('MEDIUM'), preset('LARGE'), preset('XLARGE'))],
    [1, fc.tuple(count(fc.constantFrom(10, 100)), count(fc.constantFrom(32, 128)), count(fc.constantFrom(1, 2))).map(([c, m, e]) =>
      factory(`ResourcePreset.custom(${show(c)}, ${show(m)}, ${show(e)})`, () => ResourcePreset.custom(c as number, m as number, e as number)))],
  ),
  fc.constantFrom<unknown>('small', {}, null),
);

/** `ContainerSecurityOptions`. */
export const securityOptions: Arb<unknown> = validOr(
  partial({
    runAsUser: count(fc.constantFrom(1000, 65532, 10001)),
    runAsGroup: count(fc.constantFrom(1000, 65532, 10001)),
    readOnlyRootFilesystem: bool,
    allowNetBindService: bool,
  }),
  fc.constantFrom<unknown>('restricted', null),
);

// ---------------------------------------------------------------------------------------------
// Containers (kplus.ContainerProps)

export const RESTRICTED_SC: kplus.ContainerSecurityContextProps = labelled({
  ensureNonRoot: true,
  user: 1000,
  group: 1000,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
}, 'RESTRICTED_SECURITY_CONTEXT');

/** A container's own security context: usually none, sometimes one a pattern must refuse. */
export const containerSecurityContext: Arb<unknown> = weighted<unknown>(
  [6, fc.constant(RESTRICTED_SC)],
  [6, partial({ user: count(fc.constantFrom(1000, 10001)), group: count(fc.constantFrom(1000)), readOnlyRootFilesystem: fc.boolean() })],
  [1, fc.constantFrom<unknown>(
    { privileged: true }, { user: 0 }, { allowPrivilegeEscalation: true }, { ensureNonRoot: false },
    { capabilities: { add: [kplus.Capability.NET_ADMIN] } }, { capabilities: { add: [kplus.Capability.NET_BIND_SERVICE] } },
    { seccompProfile: { type: kplus.SeccompProfileType.UNCONFINED } }, { seccompProfile: { type: kplus.SeccompProfileType.LOCALHOST } },
    { readOnlyRootFilesystem: false },
  )],
);

const SMALL_RESOURCES = labelled(ResourcePreset.SMALL.toContainerResources(), 'ResourcePreset.SMALL.toContainerResources()');

/** Resources a user writes: a preset's, or ones without a memory limit or with a request above the limit. */
const containerResources: Arb<unknown> = weighted<unknown>([12, fc.constant(SMALL_RESOURCES)], [1, fc.constantFrom<unknown>(
  labelled({ cpu: { request: kplus.Cpu.millis(100) } }, '{ cpu: { request: Cpu.millis(100) } }'),
  labelled({ cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(512), limit: Size.mebibytes(256) } },
    '{ cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(512), limit: Size.mebibytes(256) } }'),
)]);

/** A readiness probe a user writes (kplus.Probe). */
const userProbe: Arb<unknown> = fc.constantFrom(...COMMON_PORTS).map(p => new Recipe(`Probe.fromTcpSocket({ port: ${p} })`, 'value', () => kplus.Probe.fromTcpSocket({ port: p })));

/** A volume mount of a named emptyDir (one volume per name in the chart). */
export function mount(paths: Arb<unknown> = absPath(), names: string[] = ['data', 'cache', 'config', 'main-tmp', 'sidecar-shared']): Arb<unknown> {
  return rec({ path: paths, volume: fc.constantFrom(...names) }).map(m =>
    harness(`{ path: ${show(m.path)}, volume: Volume.fromEmptyDir(${show(m.volume)}) }`, ctx => ({ path: m.path, volume: ctx.volume(m.volume) })));
}

const containerPort: Arb<unknown> = partial({
  number: port,
  name: portName,
  protocol: fc.constantFrom(kplus.Protocol.TCP, kplus.Protocol.UDP),
  hostPort: weighted<unknown>([10, fc.constant(undefined)], [1, port]),
}, ['number']);

export interface ContainerOptions {
  /** Names to pick from (besides generated and edge ones). */
  readonly names?: string[];
  /** The names instead (overrides `names`). */
  readonly name?: Arb<unknown>;
  /** Whether the container has ports: sometimes (default), rarely, or always (named). */
  readonly ports?: 'sometimes' | 'rarely' | 'named';
  /** Whether the name may be left out. */
  readonly nameRequired?: boolean;
  /** Weight (of 10) of containers with a readiness probe of their own. */
  readonly probeWeight?: number;
  /** Paths the container may mount. */
  readonly mountPaths?: string[];
}

/** `kplus.ContainerProps` as a user writes them, with a chance of every kind of mistake. */
export function containerSpec(o: ContainerOptions = {}): Arb<unknown> {
  const probeWeight = o.probeWeight ?? 8;
  const portList = validOr(fc.array(containerPort, { minLength: 1, maxLength: 2 }), fc.constantFrom<unknown>('8080', {}));
  const named = validOr(
    fc.array(rec({ number: port, name: portName }), { minLength: 1, maxLength: 1 }),
    fc.constantFrom<unknown>([{ number: 8080 }], 8080),
  );
  const ports: Arb<Props> = o.ports === 'named'
    ? weighted<Props>([12, rec({ ports: named })], [1, rec({ portNumber: port })], [1, fc.constant({})])
    : weighted<Props>(
      [o.ports === 'rarely' ? 24 : 4, fc.constant({})],
      [3, rec({ portNumber: port })],
      [3, rec({ ports: portList })],
      [1, rec({ portNumber: port, ports: portList })],
    );
  const c = fc.tuple(partial({
    name: o.name ?? dnsName(o.names ?? ['main', 'app', 'worker']),
    image: image(),
    envVariables: validOr(
      dict(envName, fc.constantFrom('info', '').map(v => new Recipe(`EnvValue.fromValue(${show(v)})`, 'value', () => kplus.EnvValue.fromValue(v))), { maxKeys: 2 }),
      fc.constantFrom<unknown>('LOG_LEVEL=info', []),
    ),
    args: validOr(fc.array(fc.constantFrom('--verbose', '--port=8080', ''), { maxLength: 2 }), fc.constantFrom<unknown>('--verbose')),
    readiness: weighted<unknown>([probeWeight, userProbe], [10 - probeWeight, fc.constant(undefined)]),
    securityContext: containerSecurityContext,
    resources: containerResources,
    volumeMounts: validOr(fc.array(mount(o.mountPaths ? absPath(o.mountPaths) : undefined), { maxLength: 2 }), fc.constantFrom<unknown>('/data')),
    restartPolicy: weighted<unknown>([20, fc.constant(undefined)], [1, fc.constant(kplus.ContainerRestartPolicy.ALWAYS)]),
  }, o.nameRequired ? ['image', 'name'] : ['image']), ports).map(([props, p]) => ({ ...props, ...p }));
  return validOr(c, fc.constantFrom<unknown>('busybox:1.36', null, { name: 'app' }), 1);
}

/** A list of containers with possibly duplicated names. */
export function containerList(o: ContainerOptions = {}): Arb<unknown> {
  return validOr(
    weighted<unknown>(
      [5, fc.array(containerSpec(o), { minLength: 1, maxLength: 1 })],
      [2, fc.array(containerSpec(o), { minLength: 2, maxLength: 3 })],
    ),
    fc.constantFrom<unknown>([], 'busybox:1.36', { image: 'busybox:1.36' }),
  );
}

// ---------------------------------------------------------------------------------------------
// The workloads pod patterns attach to: plain, valid cdk8s-plus objects as a user writes them
// (restricted security context, requests, readiness probes), in every kind a pod pattern takes.

export interface BaseContainer {
  readonly name: string;
  readonly image: string;
  readonly ports: Array<{ number: number; name: string }>;
  readonly mounts: Array<{ path: string; volume: string }>;
  readonly preStop: boolean;
}

export interface BaseWorkloadSpec {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Pod';
  readonly replicas?: number;
  readonly containers: BaseContainer[];
}

export const BASE_CONTAINER_NAMES = ['app', 'web', 'main', 'sidecar', 'ambassador', 'adapter', 'config-image', 'config-template'];
export const BASE_MOUNT_PATHS = ['/data', '/config', '/tmp', '/var/log/app', '/etc/ambassador'];
export const BASE_VOLUME_NAMES = ['data', 'config', 'logs', 'app-tmp', 'sidecar-shared', 'adapter-shared', 'config-image', 'config-template'];

const baseContainer = (name: string): Arb<BaseContainer> => rec({
  name: fc.constant(name),
  image: fc.constantFrom('registry.example.com/team/app:1.2.3', 'busybox:1.36'),
  ports: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }).map(ix => ix.map(i => ({ number: [8080, 9090, 6379, 80][i], name: ['http', 'metrics', 'redis', 'web'][i] }))),
  mounts: fc.uniqueArray(fc.integer({ min: 0, max: BASE_MOUNT_PATHS.length - 1 }), { maxLength: 2 }).chain(ix =>
    fc.tuple(...ix.map(i => fc.constantFrom(...BASE_VOLUME_NAMES).map(volume => ({ path: BASE_MOUNT_PATHS[i], volume }))))),
  preStop: weighted([6, fc.constant(false)], [1, fc.constant(true)]),
});

export const baseWorkloadSpec: Arb<BaseWorkloadSpec> = rec({
  kind: weighted<BaseWorkloadSpec['kind']>(
    [8, fc.constant('Deployment')], [2, fc.constant('StatefulSet')], [1, fc.constant('DaemonSet')],
    [2, fc.constant('Job')], [1, fc.constant('CronJob')], [1, fc.constant('Pod')],
  ),
  replicas: fc.constantFrom(undefined, 1, 2, 3),
  containers: fc.uniqueArray(fc.constantFrom(...BASE_CONTAINER_NAMES.slice(0, 3), ...BASE_CONTAINER_NAMES), { minLength: 1, maxLength: 2 })
    .chain(names => fc.tuple(...names.map(baseContainer)))
    .map(cs => {
      // Port numbers and names are unique in the pod (a user's valid pod).
      const taken = new Set<number>();
      return cs.map(c => ({ ...c, ports: c.ports.filter(p => !taken.has(p.number) && taken.add(p.number)) }));
    }),
});

/** Creates the workload of a spec in the chart (as `web`) and makes it the context's workload. */
export function baseWorkload(spec: BaseWorkloadSpec, id = 'web', securityContexts?: unknown[]): Recipe<kplus.AbstractPod> {
  return harness(`workload(${show(spec)})`, ctx => {
    // A StatefulSet's headless Service needs a port.
    const noPorts = spec.containers.every(c => c.ports.length === 0);
    const portsOf = (c: BaseContainer, i: number) => (spec.kind === 'StatefulSet' && i === 0 && noPorts ? [{ number: 8080, name: 'http' }] : c.ports);
    const containers: kplus.ContainerProps[] = spec.containers.map((c, i) => ({
      name: c.name,
      image: c.image,
      ports: portsOf(c, i).map(p => ({ ...p })),
      readiness: portsOf(c, i).length > 0 ? kplus.Probe.fromTcpSocket({ port: portsOf(c, i)[0].number }) : undefined,
      resources: SMALL_RESOURCES,
      securityContext: securityContexts ? securityContexts[i] as kplus.ContainerSecurityContextProps | undefined : RESTRICTED_SC,
      volumeMounts: c.mounts.map(m => ({ path: m.path, volume: ctx.volume(m.volume) })),
      lifecycle: c.preStop ? { preStop: kplus.Handler.fromCommand(['sleep', '1']) } : undefined,
    }));
    const chart = ctx.chart;
    let w: kplus.AbstractPod;
    switch (spec.kind) {
      case 'Deployment': w = new kplus.Deployment(chart, id, { containers, replicas: spec.replicas }); break;
      case 'StatefulSet': w = new kplus.StatefulSet(chart, id, { containers, replicas: spec.replicas }); break;
      case 'DaemonSet': w = new kplus.DaemonSet(chart, id, { containers }); break;
      case 'Job': w = new kplus.Job(chart, id, { containers }); break;
      case 'CronJob': w = new kplus.CronJob(chart, id, { containers, schedule: Cron.daily() }); break;
      case 'Pod': w = new kplus.Pod(chart, id, { containers }); break;
    }
    ctx.workload = w;
    return w;
  });
}

const NOT_WORKLOADS: unknown[] = [
  { containers: [], name: 'web' },
  'web',
  harness('new kplus.ConfigMap(chart, \'cm\')', ctx => new kplus.ConfigMap(ctx.chart, 'cm')),
];

/** Things that are not a workload, for `workload` props (and a Deployment that has no container yet). */
export const notAWorkload: Arb<unknown> = fc.constantFrom<unknown>(
  ...NOT_WORKLOADS,
  harness('new kplus.Deployment(chart, \'empty\') // no containers', ctx => {
    const d = new kplus.Deployment(ctx.chart, 'empty');
    ctx.workload = d;
    return d;
  }),
);

// ---------------------------------------------------------------------------------------------
// Probes (HealthProbe factories)

const probeTiming = {
  initialDelay: durationArb(),
  period: durationArb([1, 5, 10]),
  timeout: durationArb([1, 5]),
  failureThreshold: count(fc.constantFrom(1, 3, 30)),
  successThreshold: count(fc.constantFrom(1, 2)),
};

const timingKeys = (): Arb<Props> => weighted<Props>([3, fc.constant({})], [2, partial(probeTiming)]);

export const healthProbe: Arb<unknown> = fc.oneof(
  rec({ path: fc.constantFrom('/healthz', '/ready', '', 'health'), port, https: fc.boolean(), timing: timingKeys() }).map(o => {
    const opts = { port: o.port, https: o.https, ...o.timing };
    return factory(`HealthProbe.http(${show(o.path)}, ${show(opts)})`, () => HealthProbe.http(o.path, opts as any));
  }),
  rec({ port, timing: timingKeys() }).map(o => {
    const opts = { port: o.port, ...o.timing };
    return factory(`HealthProbe.tcp(${show(opts)})`, () => HealthProbe.tcp(opts as any));
  }),
  rec({ command: validOr(fc.constantFrom(['true'], ['cat', '/tmp/ready']), fc.constantFrom<unknown>([], 'true')), timing: timingKeys() }).map(o =>
    factory(`HealthProbe.exec(${show(o.command)}, ${show(o.timing)})`, () => HealthProbe.exec(o.command as string[], o.timing as any))),
  rec({ port, service: fc.constantFrom(undefined, 'grpc.health.v1.Health', ''), timing: timingKeys() }).map(o => {
    const opts = { port: o.port, service: o.service, ...o.timing };
    return factory(`HealthProbe.grpc(${show(opts)})`, () => HealthProbe.grpc(opts as any));
  }),
);

export const containerProbes: Arb<unknown> = validOr(partial({ liveness: healthProbe, readiness: healthProbe, startup: healthProbe }), fc.constantFrom<unknown>('http', null));

// ---------------------------------------------------------------------------------------------
// Pod patterns

/** Names of containers the workload has (mostly), or does not have. */
function existing(names: string[]): Arb<unknown> {
  return validOr(fc.constantFrom(...names), fc.constantFrom<unknown>('nope', '', 42));
}

/** A list of container names of the workload (mostly), or a wrong one. */
function existingList(names: string[]): Arb<unknown> {
  return validOr(fc.subarray(names, { minLength: 1 }), fc.constantFrom<unknown>([], ['nope'], names[0]));
}

/** The name of a container a pod pattern adds: its own (or the default), or one the workload has. */
function helperName(own: string, names: string[]): Arb<unknown> {
  return weighted<unknown>([12, fc.constantFrom(own, `${own}-2`)], [1, fc.constantFrom(...names)], [1, dnsName()]);
}

/** `PodAttachmentProps` other than the workload. */
function attachment(names: string[]): Record<string, Arb<unknown>> {
  return {
    mainContainer: rarely(existing(names)),
    nativeSidecar: bool,
    resources: presetArb,
    security: securityOptions,
    writableTmp: bool,
    shareProcessNamespace: bool,
  };
}

/** A workload recipe with the names of its containers. */
function workloadWithNames(specs: Arb<BaseWorkloadSpec> = baseWorkloadSpec, others: Arb<unknown> = notAWorkload): Arb<[unknown, string[]]> {
  return weighted<[unknown, string[]]>(
    [30, specs.map(s => [baseWorkload(s), s.containers.map(c => c.name)] as [unknown, string[]])],
    [1, others.map(w => [w, ['app']] as [unknown, string[]])],
  );
}

/**
 * Pod-pattern prop sets: the workload first (so it exists before the other recipes run), then
 * the pattern's own props, which may refer to the workload's container names.
 */
function podPattern(
  modelOf: (names: string[]) => Record<string, Arb<unknown>>,
  required: string[],
  extraMistypes: Arb<unknown>[] = [],
  workloads: Arb<[unknown, string[]]> = workloadWithNames(),
): Arb<Scenario> {
  // Arbitraries are costly to build: one model per list of container names, built once.
  const models = new Map<string, Arb<Props>>();
  const modelFor = (names: string[]): Arb<Props> => {
    const key = names.join(',');
    if (!models.has(key)) models.set(key, partial(modelOf(names), required));
    return models.get(key)!;
  };
  const props = workloads.chain(([workload, names]) => modelFor(names).map(p => ({ workload, ...p })));
  return withBrokenProps(props, ['workload', ...required], extraMistypes).map(p => ({ props: p }));
}

export function sidecarScenarios(): Arb<Scenario> {
  return podPattern(names => ({
    ...attachment(names),
    container: containerSpec({ name: helperName('sidecar', names), probeWeight: 2 }),
    sharedVolume: validOr(partial({
      sidecarMountPath: absPath(['/shared', '/content', '/srv/www', '/data']),
      mainMountPath: absPath(['/shared', '/content', '/usr/share/nginx/html', '/data']),
      mainReadOnly: bool,
      sidecarReadOnly: bool,
      name: dnsName(['shared', 'data', 'config']),
      sizeLimit: sizeArb,
    }, ['sidecarMountPath']), fc.constantFrom<unknown>('/data', true)),
    probes: containerProbes,
  }), ['container']);
}

const proxyArb: Arb<unknown> = fc.oneof(
  partial({
    upstreamHost: validOr(fc.constantFrom('redis.shared.svc.cluster.local', 'db', '10.0.0.1'), fc.constantFrom<unknown>('', 'Redis', 'has space', 'a_b', `${'x'.repeat(254)}.com`, 42)),
    upstreamPort: port,
    listenPort: port,
    image: image(['envoyproxy/envoy:v1.31.2']),
    idleTimeoutSeconds: count(fc.constantFrom(60, 3600)),
  }, ['upstreamHost', 'upstreamPort', 'listenPort']).map(o => factory(`AmbassadorProxy.envoyTcp(${show(o)})`, () => AmbassadorProxy.envoyTcp(o as any))),
  partial({
    servers: validOr(
      fc.array(fc.constantFrom('redis-0.redis:6379', 'redis-1.redis:6380', '10.0.0.2:6379'), { minLength: 1, maxLength: 3 }),
      fc.constantFrom<unknown>([], ['redis'], ['redis:0'], ['Redis:6379'], ['redis:65536'], 'redis:6379'),
    ),
    listenPort: port,
    image: image(['registry.example.com/twemproxy:0.5.0']),
  }, ['servers', 'image']).map(o => factory(`AmbassadorProxy.twemproxyRedis(${show(o)})`, () => AmbassadorProxy.twemproxyRedis(o as any))),
);

export function ambassadorScenarios(): Arb<Scenario> {
  return podPattern(names => ({
    ...attachment(names),
    proxy: proxyArb,
    envVar: validOr(fc.constantFrom('REDIS_URL', 'DB_ADDR'), fc.constantFrom<unknown>('1BAD', 'a b', '', 42)),
    urlScheme: validOr(fc.constantFrom('redis', 'tcp'), fc.constantFrom<unknown>('', 'a b', 'Redis', 42)),
    containerName: helperName('ambassador', names),
    probes: containerProbes,
  }), ['proxy'], [fc.constantFrom<unknown>({ image: 'envoyproxy/envoy:v1.31.2', listenPort: 6379 })]);
}

/** A Service (selecting the workload's pods) that an Adapter adds its metrics port to. */
const adapterService: Arb<unknown> = rec({
  ports: fc.uniqueArray(fc.constantFrom(80, 8080, 9090), { minLength: 1, maxLength: 2 }),
  named: weighted([4, fc.constant(true)], [1, fc.constant(false)]),
}).map(s => harness(`new kplus.Service(chart, 'svc', { ports: ${show(s.ports.map(p => (s.named ? { port: p, name: `p${p}` } : { port: p })))} })`, ctx => {
  const svc = new kplus.Service(ctx.chart, 'svc', { ports: s.ports.map(p => (s.named ? { port: p, name: `p${p}` } : { port: p })) });
  if (ctx.workload) svc.select(ctx.workload);
  return svc;
}));

export function adapterScenarios(): Arb<Scenario> {
  return podPattern(names => ({
    ...attachment(names),
    container: containerSpec({ name: helperName('adapter', names), probeWeight: 1, ports: 'rarely' }),
    metricsPort: weighted<unknown>([6, fc.constantFrom(9100, 9113, 15020)], [1, port]),
    metricsPath: validOr(fc.constantFrom('/metrics', '/stats/prometheus'), fc.constantFrom<unknown>('', 'metrics', '/a/../b', 42)),
    metricsPortName: weighted<unknown>([6, fc.constantFrom('prom', 'exporter')], [1, portName]),
    sharedVolume: validOr(partial({
      mainMountPath: absPath(['/var/log/app', '/status', '/logs']),
      adapterMountPath: absPath(['/input', '/logs']),
      sizeLimit: sizeArb,
    }, ['mainMountPath']), fc.constantFrom<unknown>('/var/log/app')),
    service: adapterService,
    scrapeAnnotations: bool,
    probes: containerProbes,
  }), ['container', 'metricsPort']);
}

/** StartupSequence: the construct's props and the steps added to it, in order. */
export interface StartupScenario extends Scenario {
  readonly steps: Array<{ readonly kind: 'init' | 'native'; readonly container: unknown; readonly options?: unknown }>;
}

export function startupSequenceScenarios(): Arb<StartupScenario> {
  const stepsFor = new Map<string, Arb<StartupScenario['steps']>>();
  const resources = partial({ resources: presetArb, security: securityOptions });
  return workloadWithNames().chain(([workload, names]) => {
    const props = withBrokenProps(resources.map(p => ({ workload, ...p })), ['workload']);
    const key = names.join(',');
    if (stepsFor.has(key)) return rec({ props, steps: stepsFor.get(key)! });
    const stepContainer = containerSpec({
      name: weighted<unknown>([12, fc.constantFrom('migrate', 'wait-db', 'proxy', 'render', 'fetch')], [1, fc.constantFrom(...names)], [1, dnsName()]),
      nameRequired: true,
      probeWeight: 1,
      ports: 'rarely',
    });
    const step = weighted<StartupScenario['steps'][number]>(
      [3, rec({ kind: fc.constant<'init'>('init'), container: stepContainer })],
      [2, rec({
        kind: fc.constant<'native'>('native'),
        container: stepContainer,
        options: validOr(partial({ startupProbe: healthProbe, readiness: healthProbe, liveness: healthProbe }, ['startupProbe']), fc.constantFrom<unknown>({}, 'probe')),
      })],
    );
    stepsFor.set(key, fc.array(step, { maxLength: 3 }));
    return rec({ props, steps: stepsFor.get(key)! });
  });
}

export function gracefulShutdownScenarios(): Arb<Scenario> {
  return podPattern(names => ({
    terminationGracePeriod: durationArb([0, 1, 5, 10, 30, 60]),
    preStopCommand: validOr(fc.array(fc.constantFrom('sleep', '5', '/bin/drain'), { minLength: 1, maxLength: 2 }), fc.constantFrom<unknown>([], 'sleep 5', [''], [5])),
    sleepAction: bool,
    preStopSleepSeconds: count(fc.constantFrom(0, 1, 5, 10, 30)),
    containers: rarely(existingList(names)),
  }), []);
}

const standardLabels: Arb<unknown> = validOr(
  partial({ name: labelValue, instance: labelValue, component: labelValue, partOf: labelValue }, ['name']),
  fc.constantFrom<unknown>('shop', {}),
);

/** Workloads that run replicas (mostly two or more), for HighlyAvailable and DisruptionBudget. */
const replicaCounts = fc.constantFrom<number | undefined>(2, 2, 3, 3, 5, 1, undefined);
const replicatedWorkloads = workloadWithNames(baseWorkloadSpec.chain(s => replicaCounts.map(replicas => ({
  ...s,
  kind: s.kind === 'Pod' || s.kind === 'Job' || s.kind === 'CronJob' ? 'Deployment' as const : s.kind,
  replicas,
}))), fc.constantFrom(...NOT_WORKLOADS));

export function highlyAvailableScenarios(): Arb<Scenario> {
  return podPattern(() => ({
    replicas: rarely(count(fc.constantFrom(2, 3, 5))),
    maxUnavailable: count(fc.constantFrom(1, 2)),
    spreadOverZones: bool,
    labels: standardLabels,
    hardSpread: bool,
  }), [], [], replicatedWorkloads);
}

export function disruptionBudgetScenarios(): Arb<Scenario> {
  return podPattern(() => ({
    replicas: count(fc.constantFrom(1, 2, 3, 5)),
    maxUnavailable: count(fc.constantFrom(1, 2)),
    minAvailable: rarely(count(fc.constantFrom(1, 2, 3))),
    labels: standardLabels,
  }), ['replicas'], [], replicatedWorkloads);
}

const configContainerName = (own: string, names: string[]): Arb<unknown> => weighted<unknown>([12, fc.constant(own)], [1, fc.constantFrom(...names, 'data')], [1, dnsName()]);

/** Per-environment values with the environment to use: mostly one of the keys. */
function perEnvironment(values: Arb<unknown>, field: string): Arb<Props> {
  const environments = new Map<string, Arb<unknown>>();
  const environmentOf = (keys: string[]): Arb<unknown> => {
    const key = keys.join(',');
    if (!environments.has(key)) environments.set(key, validOr(keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('dev'), fc.constantFrom<unknown>('staging', '', 42)));
    return environments.get(key)!;
  };
  return validOr(dict(fc.constantFrom('dev', 'prod', 'qa'), values, { minKeys: 1, maxKeys: 2 }), fc.constantFrom<unknown>({}, ['a:1'])).chain(map => {
    const keys = map && typeof map === 'object' && !Array.isArray(map) ? Object.keys(map) : [];
    return environmentOf(keys).map(environment => ({ [field]: map, environment }));
  });
}

export function immutableConfigImageScenarios(): Arb<Scenario> {
  const scenarios = podPattern(names => ({
    sourcePath: weighted<unknown>([12, absPath(['/config', '/etc/app/'])], [1, fc.constantFrom('/immutable-config', '/immutable-config/x')]),
    mountPath: absPath(['/config', '/etc/app', '/data']),
    containers: rarely(existingList(names)),
    copyCommand: validOr(fc.constantFrom(['cp', '-R', '/config/.', '/immutable-config/'], ['/copy']), fc.constantFrom<unknown>([], 'cp -R')),
    initContainerName: configContainerName('config-image', names),
    volumeName: configContainerName('config-image', names),
    sizeLimit: sizeArb,
    resources: presetArb,
    security: securityOptions,
  }), []);
  // One image, or per-environment images and the environment (rarely both or neither).
  const one = weighted<unknown>([12, image(['registry.example.com/config:1.4.0', `registry.example.com/config${DIGEST}`])], [1, fc.constant('busybox:1.36')]);
  const which = weighted<Props>(
    [8, rec({ image: one })],
    [6, perEnvironment(image(['registry.example.com/config-dev:7', 'registry.example.com/config-prod:7']), 'images')],
    [1, fc.constant({})],
    [1, fc.tuple(perEnvironment(one, 'images'), one).map(([w, i]) => ({ ...w, image: i }))],
  );
  return fc.tuple(scenarios, which).map(([s, w]) => mergeProps(s, w));
}

export function dataImageScenarios(): Arb<Scenario> {
  return podPattern(names => ({
    image: image(['registry.example.com/models/sentiment:1.0.0', `registry.example.com/models/sentiment${DIGEST}`]),
    mode: validOr(fc.constantFrom(DataImageMode.PROCESS_NAMESPACE, DataImageMode.COPY), fc.constantFrom<unknown>('COPY', 42)),
    mainContainer: rarely(existing(names)),
    // The copy target (/data-image-copy) and its subpaths are refused as sources in COPY mode.
    sourcePath: weighted<unknown>([12, absPath(['/models', '/data/model'])], [1, fc.constantFrom('/data-image-copy', '/data-image-copy/m')]),
    // PROCESS_NAMESPACE links mountPath inside an emptyDir at its parent: '/x' has the root as parent.
    mountPath: weighted<unknown>([12, absPath(['/mnt/models', '/srv/model'])], [1, fc.constantFrom('/models', '/mnt')]),
    mountPathEnv: rarely(envName),
    command: rarely(validOr(fc.constantFrom(['/copy-model'], ['sh', '-c', 'exec sleep infinity']), fc.constantFrom<unknown>([], 'cp'))),
    containerName: configContainerName('data-image', names),
    volumeName: configContainerName('data-image', names),
    sizeLimit: sizeArb,
    resources: presetArb,
    security: securityOptions,
  }), ['image']);
}

/** Adds fields to a scenario's props (when the props are an object at all). */
function mergeProps(s: Scenario, extra: Props): Scenario {
  const p = s.props;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return s;
  return { ...s, props: { ...(p as Props), ...extra } };
}

export function configTemplateScenarios(): Arb<Scenario> {
  const templates = validOr(
    dict(
      weighted([12, fc.constantFrom('app.conf', 'log.properties', 'nginx.conf')], [1, fc.constantFrom('a/b', '', 'x'.repeat(254), 'has space')]),
      fc.constantFrom('log.level={{ .params.logLevel }}\n', 'static\n', ''),
      { minKeys: 1, maxKeys: 2 },
    ),
    fc.constantFrom<unknown>({}, 'app.conf', { 'big.conf': 'x'.repeat(1024 * 1024) }),
  );
  const params = dict(fc.constantFrom('logLevel', 'replicas', 'log.level'), fc.constantFrom('DEBUG', 'WARN', '', '3'), { maxKeys: 3 });
  const scenarios = podPattern(names => ({
    templates,
    mountPath: absPath(['/config', '/etc/app', '/data']),
    containers: rarely(existingList(names)),
    image: rarely(image(['hairyhenderson/gomplate:v4.1.0', 'registry.example.com/renderer:2.0'])),
    initContainerName: configContainerName('config-template', names),
    volumeName: configContainerName('config-template', names),
    sizeLimit: sizeArb,
    resources: presetArb,
    security: securityOptions,
  }), ['templates']);
  const which = weighted<Props>(
    [3, rec({ parameters: params })],
    [3, perEnvironment(params, 'parameterSets')],
    [1, partial({ parameters: params, parameterSets: fc.constant({ dev: {} }), environment: fc.constantFrom('dev', 'prod') })],
  );
  return fc.tuple(scenarios, which).map(([s, w]) => mergeProps(s, w));
}

// ---------------------------------------------------------------------------------------------
// Workload patterns

/** `WorkloadPatternProps` (containers and how they run) plus the pattern's own props. */
function workloadPattern(own: Record<string, Arb<unknown>>, containers: Arb<unknown> = containerList(), required: string[] = ['containers']): Arb<Props> {
  return partial({
    containers,
    resources: presetArb,
    security: securityOptions,
    writablePaths: validOr(fc.array(absPath(['/tmp', '/cache', '/data', '/var/run']), { maxLength: 2 }), fc.constantFrom<unknown>('/tmp', [42])),
    appName: labelValue,
    partOf: labelValue,
    ...own,
  }, required);
}

const namespaceArb: Arb<string | undefined> = fc.constantFrom(undefined, 'shop');

function workloadScenarios(props: Arb<Props>, required: string[] = ['containers'], extraMistypes: Arb<unknown>[] = []): Arb<Scenario> {
  return rec({ namespace: namespaceArb, props: withBrokenProps(props, required, extraMistypes) });
}

// ---------------------------------------------------------------------------------------------
// DistributedLock (LeaderElected and Singleton's `distributedLock`)

/** A daprd port: its default or another free one mostly, else one that collides with daprd's others (or is no port). */
function lockPort(own: number[]): Arb<unknown> {
  const other = weighted<unknown>([3, fc.constantFrom(3500, 3501, 50001, 50002, 9090)], [1, port]);
  return seldom(weighted<unknown>([4, fc.constantFrom(...own)], [1, other]), 4);
}

const redisPasswordSecret = harness('Secret.fromSecretName(chart, \'pw\', \'redis-auth\')', ctx => kplus.Secret.fromSecretName(ctx.chart, ctx.id('pw-'), 'redis-auth'));

/** The Redis password: none mostly, a Secret (with or without its key), rarely a key without a Secret or a bad key. */
const redisPassword: Arb<Props> = weighted<Props>(
  [12, fc.constant({})],
  [3, fc.constant({ redisPasswordSecret })],
  [3, fc.constantFrom('password', 'redis-password', 'auth.key').map(k => ({ redisPasswordSecret, redisPasswordKey: k }))],
  [1, fc.constantFrom<Props>({ redisPasswordKey: 'password' }, { redisPasswordSecret, redisPasswordKey: '' }, { redisPasswordSecret, redisPasswordKey: 'has space' },
    { redisPasswordSecret: 'redis-auth' }, { redisPasswordSecret: null })],
);

/** `DistributedLock.daprRedis(...)` with mostly valid options, or a value that is not a DistributedLock. */
export const distributedLockArb: Arb<unknown> = validOr(
  fc.tuple(partial({
    redisHost: validOr(
      fc.constantFrom('redis:6379', 'redis', 'redis.shared.svc.cluster.local:6380', '10.0.0.1:6379'),
      fc.constantFrom<unknown>('', 'redis:0', 'redis:65536', 'Redis', 'a_b:6379', 'redis:', '[::1]:6379', 'redis:6379:1', 42, null),
    ),
    storeName: rarely(dnsName(['lockstore', 'locks'])),
    keyPrefix: rarely(validOr(fc.constantFrom('appid', 'name', 'none', 'my-app.v1'), fc.constantFrom<unknown>('', 'a||b', 'Upper', '-x', 42))),
    enableTls: bool,
    startupTimeout: rarely(durationArb([1, 30, 60])),
    mode: validOr(fc.constantFrom(DaprSidecarMode.STANDALONE, DaprSidecarMode.CONTROL_PLANE), fc.constantFrom<unknown>('sidecar', 42)),
    image: rarely(image(['docker.io/daprio/daprd:1.18.3', 'registry.example.com/daprd:1.18.3'])),
    httpPort: lockPort([3500, 3600]),
    grpcPort: lockPort([50001, 50011]),
    publicPort: lockPort([3501, 3601]),
    metricsPort: lockPort([9090, 9091]),
  }, ['redisHost']), redisPassword).map(([o, pw]) => ({ ...o, ...pw }))
    .map(o => factory(`DistributedLock.daprRedis(${show(o)})`, ctx => DistributedLock.daprRedis(ctx.materialize(o)))),
  fc.constantFrom<unknown>('redis:6379', { redisHost: 'redis:6379' }, null),
);

/** `LockSidecarOptions`. */
export const lockSidecarArb: Arb<unknown> = validOr(
  partial({
    nativeSidecar: bool,
    appId: dnsName(['my-app', 'leader']),
    resourceId: validOr(fc.constantFrom('leader', 'my.lock', 'job-1'), fc.constantFrom<unknown>('', 'a b', 'x'.repeat(300), 42)),
    resources: presetArb,
  }),
  fc.constantFrom<unknown>(true, 'native'),
);

/**
 * The lock props merged into a LeaderElected or Singleton prop set: rarely a lock (with its
 * sidecar options, and `clear` keys unset so that the lock is not refused for them most of the
 * time), rarely lockSidecar alone (refused: it needs distributedLock).
 */
export function lockProps(clear: string[] = []): Arb<Props> {
  const cleared: Props = Object.fromEntries(clear.map(k => [k, undefined]));
  const withLock = rec({ distributedLock: distributedLockArb, lockSidecar: rarely(lockSidecarArb) }).map(p => {
    const out: Props = { distributedLock: p.distributedLock };
    if (p.lockSidecar !== undefined) out.lockSidecar = p.lockSidecar;
    return out;
  });
  return weighted<Props>(
    [22, fc.constant({})],
    [5, withLock.map(p => ({ ...p, ...cleared }))],
    [1, withLock],
    [1, lockSidecarArb.map(lockSidecar => ({ lockSidecar }))],
  );
}

export function leaderElectedScenarios(): Arb<Scenario> {
  return fc.tuple(workloadScenarios(workloadPattern({
    replicas: count(fc.constantFrom(1, 2, 3)),
    leaseName: dnsName(['scheduler-lease', 'my.lease']),
    recordEvents: bool,
    electorSidecar: validOr(partial({
      image: image(['registry.example.com/elector:1.0']),
      port: port,
      args: validOr(fc.constantFrom(['--lease=$(LEASE_NAME)'], []), fc.constantFrom<unknown>('--lease')),
    }, ['image', 'args']), fc.constantFrom<unknown>('registry.example.com/elector:1.0', {})),
    highAvailability: bool,
  })), lockProps(['electorSidecar', 'recordEvents'])).map(([s, lock]) => mergeProps(s, lock));
}

export function workQueueScenarios(): Arb<Scenario> {
  const worker = containerSpec({ names: ['worker', 'producer', 'redis'], probeWeight: 3 });
  const props = partial({
    worker,
    resources: presetArb,
    security: securityOptions,
    writablePaths: validOr(fc.array(absPath(['/tmp', '/data']), { maxLength: 2 }), fc.constantFrom<unknown>('/tmp')),
    appName: labelValue,
    partOf: labelValue,
    parallelism: count(fc.constantFrom(1, 3, 5)),
    producer: rarely(containerSpec({ names: ['producer', 'worker'], probeWeight: 3 })),
    existingQueue: validOr(partial({ host: dnsName(['redis.shared.svc.cluster.local', 'queue']), port }, ['host']), fc.constantFrom<unknown>('redis:6379')),
    queueName: validOr(fc.constantFrom('work', 'jobs:high', 'q.1'), fc.constantFrom<unknown>('', 'has space', 'x'.repeat(129), 42)),
    queueImage: image(['redis:7.4.1-alpine']),
    backoffLimit: count(fc.constantFrom(0, 4, 6)),
    ttlAfterFinished: durationArb(),
    autoscaling: rarely(validOr(partial({
      maxReplicaCount: count(fc.constantFrom(1, 10)),
      targetQueueLength: count(fc.constantFrom(1, 5)),
      pollingInterval: durationArb([1, 30]),
    }, ['maxReplicaCount']), fc.constantFrom<unknown>(true, {}))),
  }, ['worker']);
  // A static split has no queue: its prop sets mostly leave the queue's props out.
  const QUEUE_ONLY = ['producer', 'existingQueue', 'queueName', 'queueImage', 'autoscaling'];
  const mode = weighted<Props>(
    [6, fc.constantFrom<Props>({}, { mode: WorkQueueMode.QUEUE })],
    [3, rec({
      mode: fc.constant(WorkQueueMode.STATIC_INDEXED),
      completions: count(fc.constantFrom(1, 4, 10)),
      keepQueueProps: weighted([8, fc.constant(false)], [1, fc.constant(true)]),
    })],
    [1, partial({ mode: validOr(fc.constantFrom(WorkQueueMode.QUEUE, WorkQueueMode.STATIC_INDEXED), fc.constantFrom<unknown>('QUEUE', 'fifo'), 3), completions: count(fc.constantFrom(1, 4)) })],
  );
  const combined = fc.tuple(props, mode).map(([p, m]) => {
    const { keepQueueProps, ...rest } = m;
    const out: Props = { ...p, ...rest };
    if (keepQueueProps === false) for (const k of QUEUE_ONLY) delete out[k];
    return out;
  });
  return workloadScenarios(combined, ['worker']);
}

export function singletonScenarios(): Arb<Scenario> {
  return fc.tuple(workloadScenarios(workloadPattern({
    guarantee: validOr(fc.constantFrom(SingletonGuarantee.AVAILABILITY, SingletonGuarantee.CONSISTENCY), fc.constantFrom<unknown>('AVAILABILITY', '')),
    eviction: validOr(fc.constantFrom(SingletonEviction.ALLOW, SingletonEviction.BLOCK), fc.constantFrom<unknown>('never')),
  }, weighted<unknown>([1, containerList()], [1, containerList({ ports: 'named' })]), ['containers', 'guarantee']), ['containers', 'guarantee']), lockProps())
    .map(([s, lock]) => mergeProps(s, lock));
}

const jobOptions = {
  backoffLimit: count(fc.constantFrom(0, 3, 6)),
  activeDeadline: durationArb([1, 60, 3600]),
  restartPolicy: validOr(fc.constantFrom(JobRestartPolicy.NEVER, JobRestartPolicy.ON_FAILURE), fc.constantFrom<unknown>('Always', kplus.RestartPolicy.ALWAYS)),
};

/** completions, parallelism and completionMode: consistent combinations mostly, any otherwise. */
const jobCounts: Arb<Props> = weighted<Props>(
  [8, fc.constantFrom<Props>(
    {}, { completions: 3 }, { completions: 3, parallelism: 2 }, { completions: 10, parallelism: 3 }, { parallelism: 1 },
    { completionMode: CompletionMode.INDEXED, completions: 4 }, { completionMode: CompletionMode.INDEXED, completions: 10, parallelism: 5 },
    { completionMode: CompletionMode.NON_INDEXED, completions: 2 },
  )],
  [1, partial({
    completions: count(fc.constantFrom(1, 3, 10, 100001)),
    parallelism: count(fc.constantFrom(1, 2, 3)),
    completionMode: validOr(fc.constantFrom(CompletionMode.NON_INDEXED, CompletionMode.INDEXED), fc.constantFrom<unknown>('indexed')),
  })],
);

/** Workload-pattern props of a Job or CronJob: the job counts merged in. */
function jobPattern(own: Record<string, Arb<unknown>>, required: string[] = ['containers']): Arb<Props> {
  return fc.tuple(workloadPattern({ ...jobOptions, ...own }, jobContainers, required), jobCounts).map(([p, c]) => ({ ...p, ...c }));
}

const jobContainers = containerList({ probeWeight: 2 });

export function batchJobScenarios(): Arb<Scenario> {
  return workloadScenarios(jobPattern({ ttlAfterFinished: durationArb() }));
}

const cronField: Arb<string> = fc.constantFrom('*', '0', '59', '60', '1-5', '5-1', '*/0', '*/15', '1,2,3', 'MON', 'JAN', '?', 'x', '0-30/10', '1/2/3');

export const scheduleArb: Arb<unknown> = weighted<unknown>(
  [12, fc.constantFrom('*/5 * * * *', '0 2 * * MON-FRI', '@daily', '30 2 1 JAN *', '0 0 ? * SUN', '@hourly', '15 3 * * 0-6')],
  [3, fc.array(cronField, { minLength: 5, maxLength: 5 }).map(f => f.join(' '))],
  [1, fc.constantFrom<unknown>('', '  ', '@every 5m', 'TZ=UTC 0 * * * *', '* * * *', '* * * * * *', '@DAILY', 42, null)],
);

export function periodicJobScenarios(): Arb<Scenario> {
  return workloadScenarios(jobPattern({
    schedule: scheduleArb,
    timeZone: validOr(fc.constantFrom('Europe/Berlin', 'Etc/UTC', 'UTC', 'America/New_York'), fc.constantFrom<unknown>('europe/berlin', 'Mars/Olympus', '', 'Local', 'UTC+1', 42)),
    concurrencyPolicy: validOr(fc.constantFrom(kplus.ConcurrencyPolicy.ALLOW, kplus.ConcurrencyPolicy.FORBID, kplus.ConcurrencyPolicy.REPLACE), fc.constantFrom<unknown>('Sometimes')),
    startingDeadline: durationArb([10, 60, 300]),
    successfulJobsHistoryLimit: weighted<unknown>([3, fc.constant(undefined)], [1, count(fc.constantFrom(0, 3))]),
    failedJobsHistoryLimit: weighted<unknown>([3, fc.constant(undefined)], [1, count(fc.constantFrom(0, 1))]),
    suspend: bool,
    ttlAfterFinished: weighted<unknown>([2, fc.constant(undefined)], [1, durationArb()]),
  }, ['containers', 'schedule']), ['containers', 'schedule']);
}

const percentOrAbsolute: Arb<unknown> = validOr(
  fc.oneof(
    fc.constantFrom(0, 1, 2).map(n => labelled(kplus.PercentOrAbsolute.absolute(n), `PercentOrAbsolute.absolute(${n})`)),
    fc.constantFrom(0, 25, 100).map(n => labelled(kplus.PercentOrAbsolute.percent(n), `PercentOrAbsolute.percent(${n})`)),
  ),
  fc.oneof(
    fc.constantFrom(1.5, -1, NaN).map(n => labelled(kplus.PercentOrAbsolute.absolute(n), `PercentOrAbsolute.absolute(${n})`)),
    fc.constantFrom(150, 1.5, -5).map(n => labelled(kplus.PercentOrAbsolute.percent(n), `PercentOrAbsolute.percent(${n})`)),
    fc.constantFrom<unknown>(1, '25%'),
  ),
  3,
);

export function daemonServiceScenarios(): Arb<Scenario> {
  return workloadScenarios(workloadPattern({
    updateStrategy: validOr(fc.oneof(
      partial({ maxUnavailable: percentOrAbsolute, maxSurge: percentOrAbsolute }).map(o =>
        factory(`DaemonUpdateStrategy.rollingUpdate(${show(o)})`, () => DaemonUpdateStrategy.rollingUpdate(o as any))),
      fc.constant(factory('DaemonUpdateStrategy.onDelete()', () => DaemonUpdateStrategy.onDelete())),
    ), fc.constantFrom<unknown>('OnDelete', {})),
    tolerations: validOr(fc.array(fc.constantFrom(
      labelled(kplus.NodeTaintQuery.exists('node-role.kubernetes.io/control-plane', { effect: kplus.TaintEffect.NO_SCHEDULE }), 'NodeTaintQuery.exists(\'node-role.kubernetes.io/control-plane\', { effect: NO_SCHEDULE })'),
      labelled(kplus.NodeTaintQuery.is('dedicated', 'logging'), 'NodeTaintQuery.is(\'dedicated\', \'logging\')'),
      labelled(kplus.NodeTaintQuery.any(), 'NodeTaintQuery.any()'),
    ), { maxLength: 2 }), fc.constantFrom<unknown>('any')),
    nodeSelector: validOr(dict(labelKey, weighted([12, fc.constantFrom('linux', 'true', '')], [1, fc.constant('has space')]), { maxKeys: 2 }), fc.constantFrom<unknown>('linux')),
    nodeLocalService: bool,
  }));
}

export function statefulServiceScenarios(): Arb<Scenario> {
  const claim = partial({
    name: dnsName(['data', 'wal', 'main-tmp']),
    mountPath: absPath(['/data', '/var/lib/wal', '/tmp']),
    storage: sizeArb,
    storageClassName: dnsName(['standard', 'fast.ssd']),
    accessModes: validOr(fc.constantFrom([kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE], [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD]), fc.constantFrom<unknown>([], 'ReadWriteOnce')),
    containers: validOr(fc.constantFrom(['main'], ['app']), fc.constantFrom<unknown>([], ['nope'], 'main')),
  }, ['name', 'mountPath', 'storage']);
  return workloadScenarios(workloadPattern({
    replicas: count(fc.constantFrom(1, 2, 3)),
    volumeClaimTemplates: validOr(fc.array(claim, { maxLength: 2 }), fc.constantFrom<unknown>({ name: 'data' })),
    podManagementPolicy: validOr(fc.constantFrom(kplus.PodManagementPolicy.ORDERED_READY, kplus.PodManagementPolicy.PARALLEL), fc.constantFrom<unknown>('Random')),
    updateStrategy: validOr(fc.constantFrom<unknown>(
      labelled(kplus.StatefulSetUpdateStrategy.rollingUpdate(), 'StatefulSetUpdateStrategy.rollingUpdate()'),
      labelled(kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: 1 }), 'StatefulSetUpdateStrategy.rollingUpdate({ partition: 1 })'),
      labelled(kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: -1 }), 'StatefulSetUpdateStrategy.rollingUpdate({ partition: -1 })'),
      labelled(kplus.StatefulSetUpdateStrategy.onDelete(), 'StatefulSetUpdateStrategy.onDelete()'),
    ), fc.constantFrom<unknown>('OnDelete')),
    publishNotReadyAddresses: bool,
    clientService: bool,
    highAvailability: bool,
  }, containerList({ names: ['main', 'app'], mountPaths: ['/data', '/config', '/tmp'], ports: 'named' })));
}

// ---------------------------------------------------------------------------------------------
// Controller, Operator, CustomResourceDefinition

const watched: Arb<unknown> = validOr(
  fc.constantFrom({ apiGroup: '', resource: 'configmaps' }, { apiGroup: 'apps', resource: 'deployments' }, { apiGroup: 'k8spatterns.com', resource: 'configwatchers' }),
  fc.constantFrom<unknown>({ apiGroup: '*', resource: 'pods' }, { apiGroup: '', resource: 'ConfigMaps' }, { apiGroup: '', resource: '' }, { apiGroup: '', resource: '*' }, 'pods', {}),
);

const accessRule: Arb<unknown> = validOr(
  partial({
    apiGroups: validOr(fc.constantFrom([''], ['apps'], ['', 'apps']), fc.constantFrom<unknown>([], ['*'], 'apps')),
    resources: validOr(fc.constantFrom(['pods'], ['deployments/scale'], ['configmaps', 'secrets']), fc.constantFrom<unknown>([], ['*'], ['Pods'])),
    verbs: validOr(fc.constantFrom(['get'], ['patch', 'update'], ['create'], ['delete', 'deletecollection']), fc.constantFrom<unknown>([], ['*'], ['get', 'get'], ['GET'])),
    resourceNames: rarely(validOr(fc.constantFrom(['app-config'], ['a', 'b']), fc.constantFrom<unknown>([], ['*'], ['Bad Name']))),
  }, ['apiGroups', 'resources', 'verbs']),
  fc.constantFrom<unknown>('pods:get', {}),
);

function controllerModel(): Record<string, Arb<unknown>> {
  return {
    watches: validOr(fc.array(watched, { minLength: 1, maxLength: 2 }), fc.constantFrom<unknown>([], 'configmaps')),
    writes: validOr(fc.array(accessRule, { maxLength: 2 }), fc.constantFrom<unknown>({ verbs: ['get'] })),
    clusterWide: bool,
    serviceAccountNamespace: rarely(dnsName(['shop', 'other'])),
    highAvailability: bool,
  };
}

/** replication with the props that go with it: replicas and leaseName only when leader-elected (mostly). */
const replication: Arb<Props> = weighted<Props>(
  [4, fc.constantFrom<Props>({}, { replication: ControllerReplication.SINGLETON }, { replication: ControllerReplication.SINGLETON, replicas: 1 })],
  [4, partial({ replication: fc.constant(ControllerReplication.LEADER_ELECTED), replicas: count(fc.constantFrom(1, 2, 3)), leaseName: dnsName(['controller-lease']) }, ['replication'])],
  [1, partial({
    replication: validOr(fc.constantFrom(ControllerReplication.SINGLETON, ControllerReplication.LEADER_ELECTED), fc.constantFrom<unknown>('ha'), 3),
    replicas: count(fc.constantFrom(1, 2, 3)),
    leaseName: dnsName(['controller-lease']),
  })],
);

/** Controllers run in a chart with a namespace mostly (a cluster-wide one needs it). */
function controllerScenariosOf(props: Arb<Props>, required: string[]): Arb<Scenario> {
  return rec({
    namespace: fc.constantFrom(undefined, 'shop', 'shop'),
    props: withBrokenProps(fc.tuple(props, replication).map(([p, r]) => ({ ...p, ...r })), required),
  });
}

export function controllerScenarios(): Arb<Scenario> {
  return controllerScenariosOf(workloadPattern({ ...controllerModel(), watches: fc.array(watched, { minLength: 1, maxLength: 2 }) }, containerList(), ['containers', 'watches']), ['containers', 'watches']);
}

/** CustomResourceDefinitions an Operator owns, created in the chart before it (valid ones). */
const ownedCrds: Arb<unknown> = fc.array(rec({
  kind: fc.constantFrom('Widget', 'Gadget', 'ConfigWatcher'),
  scope: weighted([4, fc.constant(CustomResourceScope.NAMESPACED)], [1, fc.constant(CustomResourceScope.CLUSTER)]),
  status: fc.boolean(),
}), { minLength: 1, maxLength: 2 }).map(specs => specs.map(s => harness(`new CustomResourceDefinition(chart, 'crd-${s.kind.toLowerCase()}', ${show(s)})`, ctx =>
  new CustomResourceDefinition(ctx.chart, ctx.id(`crd-${s.kind.toLowerCase()}-`), {
    group: 'example.com',
    kind: s.kind,
    scope: s.scope,
    versions: [{
      name: 'v1',
      spec: JsonSchema.ofObject({ properties: { size: JsonSchema.ofInteger({ minimum: 0 }) } }),
      status: s.status ? JsonSchema.ofObject({ properties: { ready: JsonSchema.ofBoolean() } }) : undefined,
    }],
  }))));

export function operatorScenarios(): Arb<Scenario> {
  return controllerScenariosOf(
    workloadPattern({ ...controllerModel(), customResources: validOr(ownedCrds, fc.constantFrom<unknown>('widgets', [{ kind: 'Widget' }])) }, containerList(), ['containers', 'customResources']),
    ['containers', 'customResources'],
  );
}

const schemaArb: Arb<unknown> = weighted<unknown>(
  [6, rec({
    min: validOr(fc.constantFrom(undefined, 0, 1), fc.constantFrom(1.5, NaN, '1')),
    max: validOr(fc.constantFrom(undefined, 10), fc.constantFrom(0, Infinity, -1)),
    pattern: validOr(fc.constantFrom(undefined, '^[a-z]+$'), fc.constantFrom('(', '^(?=a)a$', '^(a)\\1$', '')),
    required: validOr(fc.constantFrom<unknown>(undefined, ['replicas']), fc.constantFrom<unknown>(['nope'], ['replicas', 'replicas'], 'replicas')),
    set: fc.constantFrom(undefined, true),
  }).map(o => factory(`JsonSchema.ofObject(${show(o)})`, () => JsonSchema.ofObject({
    properties: {
      replicas: JsonSchema.ofInteger({ minimum: o.min as number, maximum: o.max as number }),
      image: JsonSchema.ofString({ pattern: o.pattern as string }),
      tags: JsonSchema.arrayOf(JsonSchema.ofString(), { set: o.set }),
      labels: JsonSchema.mapOf(JsonSchema.ofString()),
    },
    required: o.required as string[],
  })))],
  [2, fc.constant(factory('JsonSchema.freeForm()', () => JsonSchema.freeForm()))],
  [1, fc.constant(factory('JsonSchema.ofString()', () => JsonSchema.ofString()))],
  [1, fc.constant(factory('JsonSchema.intOrString()', () => JsonSchema.intOrString()))],
);

const printerColumn: Arb<unknown> = partial({
  name: validOr(fc.constantFrom('Replicas', 'Ready'), fc.constantFrom<unknown>('', ' ', 42), 2),
  jsonPath: validOr(fc.constantFrom('.spec.replicas', '.status.ready', '.spec.tags[0]'), fc.constantFrom<unknown>('spec.replicas', '', '.spec[', 42), 2),
  columnType: validOr(fc.constantFrom(PrinterColumnType.INTEGER, PrinterColumnType.STRING, PrinterColumnType.DATE), fc.constantFrom<unknown>('text')),
  description: fc.constantFrom('how many', ''),
  priority: count(fc.constantFrom(0, 1)),
}, ['name', 'jsonPath']);

const crdVersion: Arb<unknown> = partial({
  name: validOr(fc.constantFrom('v1', 'v1beta1', 'v2'), fc.constantFrom<unknown>('V1', '1v', '', 42)),
  spec: schemaArb,
  status: schemaArb,
  storage: bool,
  served: bool,
  printerColumns: validOr(fc.array(printerColumn, { maxLength: 2 }), fc.constantFrom<unknown>('Replicas')),
  deprecationWarning: fc.constantFrom('use v2', ''),
}, ['name', 'spec']);

const crdName = (valid: string[]): Arb<unknown> => validOr(fc.constantFrom(...valid), fc.constantFrom<unknown>('', 'Widgets', '1widgets', 'wid_gets', 'x'.repeat(64), 42));

/** CustomResourceDefinition props, and an instance written with `newInstance` (sometimes). */
export interface CrdScenario extends Scenario {
  readonly instance?: { readonly spec: unknown; readonly version?: unknown; readonly name?: unknown };
}

export function crdScenarios(): Arb<CrdScenario> {
  const props = partial({
    group: validOr(fc.constantFrom('example.com', 'k8spatterns.com', 'apps.acme.io'), fc.constantFrom<unknown>('example', '', 'Example.com', `${'x'.repeat(250)}.com`, 42)),
    kind: validOr(fc.constantFrom('ConfigWatcher', 'Widget', 'Db2'), fc.constantFrom<unknown>('', 'widget', 'Has Space', 'X'.repeat(64), '1Widget', 42)),
    plural: crdName(['widgets', 'configwatchers', 'dbs']),
    singular: crdName(['widget', 'configwatcher', 'db']),
    scope: validOr(fc.constantFrom(CustomResourceScope.NAMESPACED, CustomResourceScope.CLUSTER), fc.constantFrom<unknown>('Global')),
    versions: validOr(weighted([4, fc.array(crdVersion, { minLength: 1, maxLength: 1 })], [1, fc.array(crdVersion, { minLength: 2, maxLength: 3 })]), fc.constantFrom<unknown>([], 'v1')),
    shortNames: validOr(fc.array(fc.constantFrom('wd', 'cw', 'w-1'), { maxLength: 2 }), fc.constantFrom<unknown>(['WD'], 'wd')),
    categories: validOr(fc.array(fc.constantFrom('all', 'acme'), { maxLength: 2 }), fc.constantFrom<unknown>(['All'], 'all')),
    appName: labelValue,
    partOf: labelValue,
  }, ['group', 'kind', 'versions']);
  const instanceSpec = rec({
    replicas: fc.constantFrom<unknown>(undefined, 0, 3, 1.5, -1, 11, '3'),
    image: fc.constantFrom<unknown>(undefined, 'abc', 'ABC', 42),
    tags: fc.constantFrom<unknown>(undefined, ['a'], ['a', 'a'], 'a'),
    labels: fc.constantFrom<unknown>(undefined, { a: 'b' }, { a: 1 }),
    unknown: fc.constantFrom<unknown>(undefined, undefined, true),
  }).map(s => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)));
  const instance = rec({
    spec: validOr(instanceSpec, fc.constantFrom<unknown>('spec', null)),
    version: fc.constantFrom<unknown>(undefined, undefined, 'v1', 'v2', 'v9'),
    name: fc.constantFrom<unknown>(undefined, 'my-widget', 'My Widget'),
  });
  return rec({
    props: withBrokenProps(props, ['group', 'kind', 'versions']),
    instance: weighted<CrdScenario['instance']>([2, fc.constant(undefined)], [1, instance]),
  });
}

// ---------------------------------------------------------------------------------------------
// Configuration objects

const configKey: Arb<string> = weighted([24, fc.constantFrom('app.conf', 'LOG_LEVEL', 'a-b_c.d')], [1, fc.constantFrom('', 'a/b', 'has space', '..', 'x'.repeat(254))]);

/** A construct id: the default `baseName` of a HashedConfigMap or HashedSecret. */
const configId: Arb<string> = fc.constantFrom('cfg', 'app-config', 'MyConfig', '1cfg', 'cfg_x', 'cfg-');

const baseNameArb: Arb<unknown> = validOr(fc.constantFrom('app', 'app.v1', 'x'.repeat(242)), fc.constantFrom<unknown>('App', '', 'has space', 'x'.repeat(243), '-app', 42));

const metadataMaps = {
  labels: validOr(dict(labelKey, fc.constantFrom('shop', '', 'has space', 'x'.repeat(64)), { maxKeys: 2 }), fc.constantFrom<unknown>('shop')),
  annotations: validOr(dict(labelKey, fc.constantFrom('any text', ''), { maxKeys: 2 }), fc.constantFrom<unknown>('note')),
};

export interface ConfigScenario extends Scenario {
  readonly id: string;
}

export function hashedConfigMapScenarios(): Arb<ConfigScenario> {
  const props = partial({
    baseName: baseNameArb,
    data: validOr(dict(configKey, fc.constantFrom('value', '', 'line\n'), { maxKeys: 3 }), fc.constantFrom<unknown>('k=v', { k: 42 })),
    binaryData: validOr(dict(configKey, fc.constantFrom('aGVsbG8=', 'not base64!', ''), { maxKeys: 2 }), fc.constantFrom<unknown>('aGVsbG8=')),
    ...metadataMaps,
  });
  return rec({ id: configId, props: weighted<unknown>([9, props], [1, fc.constantFrom<unknown>(undefined, null, 'props', [])]) });
}

export function hashedSecretScenarios(): Arb<ConfigScenario> {
  const props = partial({
    baseName: baseNameArb,
    stringData: validOr(dict(fc.oneof(configKey, fc.constantFrom('username', 'password', 'tls.crt', 'tls.key')), fc.constantFrom('s3cret', ''), { maxKeys: 3 }), fc.constantFrom<unknown>('k=v', { k: 42 })),
    secretType: validOr(fc.constantFrom('Opaque', 'kubernetes.io/basic-auth', 'kubernetes.io/tls', 'example.com/custom'), fc.constantFrom<unknown>('', 'bad type', 'kubernetes.io/dockerconfigjson', 42)),
    ...metadataMaps,
  }, ['stringData']);
  return rec({ id: configId, props: withBrokenProps(props, ['stringData']) });
}

// ---------------------------------------------------------------------------------------------
// RestrictedPods.applyTo

/** Plain cdk8s-plus workloads with whatever security context their containers set. */
export interface RestrictedScenario extends Scenario {
  readonly workloads: BaseWorkloadSpec[];
  readonly securityContexts: unknown[];
  readonly initContainer: boolean;
  readonly scope: 'chart' | 'workload' | 'nothing';
}

export function restrictedPodsScenarios(): Arb<RestrictedScenario> {
  return rec({
    workloads: fc.array(baseWorkloadSpec, { minLength: 1, maxLength: 2 }),
    securityContexts: fc.array(weighted<unknown>([2, fc.constant(undefined)], [3, containerSecurityContext]), { minLength: 4, maxLength: 4 }),
    initContainer: fc.boolean(),
    scope: weighted<RestrictedScenario['scope']>([8, fc.constant('chart')], [2, fc.constant('workload')], [1, fc.constant('nothing')]),
    props: weighted<unknown>([9, securityOptions], [1, fc.constantFrom<unknown>(null, 'restricted', 42)]),
  });
}

// ---------------------------------------------------------------------------------------------
// Release patterns

const amount: Arb<unknown> = validOr(
  fc.oneof(fc.integer({ min: 0, max: 3 }).map(n => factory(`PercentOrAbsolute.absolute(${n})`, () => kplus.PercentOrAbsolute.absolute(n))),
    fc.constantFrom(0, 25, 50, 100).map(n => factory(`PercentOrAbsolute.percent(${n})`, () => kplus.PercentOrAbsolute.percent(n)))),
  fc.constantFrom(-1, 1.5, 150).map(n => factory(`PercentOrAbsolute.absolute(${n})`, () => kplus.PercentOrAbsolute.absolute(n))),
);

/** ReleaseStrategy.recreate() or .ramped(options). */
export const releaseStrategy: Arb<unknown> = validOr(fc.oneof(
  fc.constant(factory('ReleaseStrategy.recreate()', () => ReleaseStrategy.recreate())),
  partial({ maxSurge: amount, maxUnavailable: amount, minReady: durationArb([0, 5, 10]), progressDeadline: durationArb([1, 60, 600]) })
    .map(o => factory(`ReleaseStrategy.ramped(${show(o)})`, ctx => ReleaseStrategy.ramped(ctx.materialize(o))))),
fc.constantFrom<unknown>('Recreate', { type: 'RollingUpdate' }));

// Mostly one container with a port and a readiness probe, as a released web app has.
const trackContainer: Arb<unknown> = fc.tuple(
  containerSpec({ names: ['web'], ports: 'named', probeWeight: 10 }),
  weighted<boolean>([9, fc.constant(true)], [1, fc.constant(false)]),
  userProbe,
).map(([c, ready, probe]) => (ready && c !== null && typeof c === 'object' && !Array.isArray(c) ? { ...c, readiness: (c as any).readiness ?? probe } : c));
const trackArb: Arb<unknown> = validOr(partial({
  containers: weighted<unknown>(
    [6, fc.array(trackContainer, { minLength: 1, maxLength: 1 })],
    [1, containerList({ names: ['web', 'app'], ports: 'named', probeWeight: 8 })],
  ),
  replicas: weighted<unknown>([4, fc.constant(undefined)], [2, fc.constantFrom(1, 2, 3)], [1, count(fc.constantFrom(0, 1))]),
}, ['containers']), fc.constantFrom<unknown>('web:1', [], null));

/** Two tracks, usually of one container spec (a release changes the image, not the port). */
function twoTracks(first: string, second: string): Arb<Props> {
  return fc.tuple(trackArb, weighted<unknown>([3, fc.constant(undefined)], [1, trackArb]))
    .map(([a, b]) => ({ [first]: a, [second]: b === undefined ? a : b }));
}

const gatewayRouting: Arb<unknown> = partial({
  gatewayName: dnsName(['public', 'edge.gw']),
  gatewayNamespace: dnsName(['infra']),
  listenerName: dnsName(['http', 'https']),
  hostnames: validOr(fc.array(fc.constantFrom('shop.example.com', '*.example.com', 'a.b.c'), { maxLength: 2 }), fc.constantFrom<unknown>(['10.0.0.1'], ['Bad Host'], 'shop.example.com')),
  pathPrefix: validOr(fc.constantFrom('/', '/api'), fc.constantFrom<unknown>('api', '', 42)),
}, ['gatewayName']).map(o => factory(`TrafficRouting.gatewayApi(${show(o)})`, ctx => TrafficRouting.gatewayApi(ctx.materialize(o))));
const nginxRouting: Arb<unknown> = partial({
  host: validOr(fc.constantFrom('shop.example.com'), fc.constantFrom<unknown>('10.1.2.3', 'UPPER')),
  pathPrefix: validOr(fc.constantFrom('/', '/shop'), fc.constantFrom<unknown>('shop')),
  ingressClassName: dnsName(['nginx', 'public']),
}).map(o => factory(`TrafficRouting.ingressNginx(${show(o)})`, ctx => TrafficRouting.ingressNginx(ctx.materialize(o))));
const ratioRouting: Arb<unknown> = count(fc.constantFrom(2, 4, 10, 20))
  .map(n => factory(`TrafficRouting.replicaRatio({ replicas: ${show(n)} })`, () => TrafficRouting.replicaRatio({ replicas: n as number })));
const routingArb: Arb<unknown> = validOr(fc.oneof(gatewayRouting, nginxRouting, ratioRouting), fc.constantFrom<unknown>('gateway', {}));

const requestMatch: Arb<unknown> = validOr(
  fc.tuple(fc.constantFrom('header', 'cookie'), weighted<string>([6, fc.constantFrom('x-variant', 'beta')], [1, fc.constantFrom('has space', '')]),
    weighted<string>([6, fc.constantFrom('b', 'always')], [1, fc.constantFrom(' b', '', 'a;b')]))
    .map(([kind, name, value]) => factory(`RequestMatch.${kind}(${show(name)}, ${show(value)})`,
      () => (kind === 'header' ? RequestMatch.header(name, value) : RequestMatch.cookie(name, value)))),
  fc.constantFrom<unknown>({ kind: 'header', name: 'x', value: 'y' }, 'x-variant: b'),
);

function releaseProps(own: Record<string, Arb<unknown>>, required: string[]): Arb<Props> {
  return partial({
    resources: presetArb,
    security: securityOptions,
    appName: labelValue,
    partOf: labelValue,
    port: port,
    strategy: rarely(releaseStrategy),
    highAvailability: bool,
    ...own,
  }, required);
}

export function rolloutScenarios(): Arb<Scenario> {
  const props = partial({
    workload: workloadWithNames(baseWorkloadSpec.map(s => ({ ...s, kind: 'Deployment' as const }))).map(([w]) => w),
    strategy: releaseStrategy,
  }, ['workload', 'strategy']);
  return rec({ props: withBrokenProps(props, ['workload', 'strategy']) });
}

/** Release props with two tracks that usually share one container spec. */
function releaseWithTracks(first: string, second: string, own: Record<string, Arb<unknown>>, required: string[]): Arb<Props> {
  return fc.tuple(twoTracks(first, second), releaseProps(own, required.filter(k => k !== first && k !== second)))
    .map(([tracks, rest]) => ({ ...tracks, ...rest }));
}

export function blueGreenScenarios(): Arb<Scenario> {
  const req = ['blue', 'green'];
  return workloadScenarios(releaseWithTracks('blue', 'green', {
    active: validOr(fc.constantFrom(BlueGreenColor.BLUE, BlueGreenColor.GREEN), fc.constantFrom<unknown>('purple', 0)),
    replicas: count(fc.constantFrom(1, 2, 3)),
    scaleIdleToZero: bool,
    routing: rarely(routingArb),
  }, req), req);
}

export function canaryScenarios(): Arb<Scenario> {
  const req = ['stable', 'canary', 'weight', 'routing'];
  return workloadScenarios(releaseWithTracks('stable', 'canary', {
    weight: validOr(fc.constantFrom(0, 5, 10, 20, 50, 100), fc.constantFrom<unknown>(-1, 101, 12.5, '10%')),
    routing: routingArb,
  }, req), req);
}

export function abTestScenarios(): Arb<Scenario> {
  const req = ['a', 'b', 'match', 'routing'];
  return workloadScenarios(releaseWithTracks('a', 'b', { match: requestMatch, routing: routingArb }, req), req);
}
