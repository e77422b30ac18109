import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  absPath, baseWorkload, baseWorkloadSpec, bool, COMMON_PORTS, containerSpec, count, dnsName, durationArb, edgeNumber, image, labelValue,
  notAWorkload, partial, port, presetArb, rarely, rec, Scenario, securityOptions, sizeArb, validOr, weighted, withBrokenProps,
} from './arbitraries';
import { labelled, Recipe } from './recipes';
import { ShardProtocol, TwemproxyHash } from '../../src';

/*
 * Generators of prop sets for the distributed patterns (ScatterGather, ShardedService), and of
 * the `distributedLock` prop that LeaderElected and Singleton take (DistributedLock.daprRedis).
 * The containers of a root, a leaf or a shard mostly serve one named port; sometimes none or
 * two, which the pattern must refuse unless the port is named in `rootPort`, `leafPort` or
 * `shardPort`. A ShardedService's routers are sometimes also attached to a plain cdk8s-plus
 * workload (`web`), to the service's own shards, or to a thing that is not a workload.
 */

type Arb<T = unknown> = fc.Arbitrary<T>;
type Props = Record<string, unknown>;

const namespaceArb: Arb<string | undefined> = fc.constantFrom(undefined, 'shop');

/** `WorkloadOptions` and `HighAvailabilityDefaults`, as the distributed patterns take them. */
const workloadOptions: Record<string, Arb<unknown>> = {
  resources: presetArb,
  security: securityOptions,
  writablePaths: validOr(fc.array(absPath(['/tmp', '/cache', '/data', '/var/run']), { maxLength: 2 }), fc.constantFrom<unknown>('/tmp', [42])),
  appName: labelValue,
  partOf: labelValue,
  highAvailability: bool,
};

/**
 * A container that serves a port must have a readiness probe: `containerSpec` leaves it out half
 * of the time (`partial`), so that a pattern's own containers mostly get one here, on their port.
 */
function ready(spec: Arb<unknown>): Arb<unknown> {
  const withProbe = spec.map(c => {
    if (c === null || typeof c !== 'object' || Array.isArray(c) || (c as Props).readiness !== undefined) return c;
    const ports = (c as Props).ports;
    const first = Array.isArray(ports) && ports.length > 0 ? (ports[0] as Props)?.number : (c as Props).portNumber;
    if (first === undefined) return c;
    const p = typeof first === 'number' && Number.isInteger(first) && first >= 1 && first <= 65535 ? first : 8080;
    return { ...c, readiness: new Recipe(`Probe.fromTcpSocket({ port: ${p} })`, 'value', () => kplus.Probe.fromTcpSocket({ port: p })) };
  });
  return weighted<unknown>([9, withProbe], [1, spec]);
}

/** Rarely, a container that sets one of the variables the pattern sets (`reserved`) itself. */
function settingReserved(spec: Arb<unknown>, reserved: string[]): Arb<unknown> {
  if (reserved.length === 0) return spec;
  const own = fc.tuple(spec, fc.constantFrom(...reserved)).map(([c, name]) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return c;
    const env = { ...(c as Props).envVariables as Props, [name]: new Recipe('EnvValue.fromValue(\'1\')', 'value', () => kplus.EnvValue.fromValue('1')) };
    return { ...c, envVariables: env };
  });
  return weighted<unknown>([24, spec], [1, own]);
}

/**
 * A container of the pattern: mostly with one named port, sometimes with none, two or a bare
 * `portNumber`, rarely setting a variable the pattern sets.
 */
function patternContainer(names: string[], mountPaths?: string[], reserved: string[] = []): Arb<unknown> {
  const spec = weighted<unknown>([3, containerSpec({ names, ports: 'named', mountPaths })], [1, containerSpec({ names, mountPaths })]);
  return ready(settingReserved(spec, reserved));
}

/** A port a container of the pattern serves (mostly a common one, so that it may match), or any port. */
const chosenPort: Arb<unknown> = rarely(weighted<unknown>([3, fc.constantFrom(...COMMON_PORTS)], [1, port]));

/** Per-pod volume claims of a StatefulSet the pattern creates, mounted by `containers` (or the first). */
function claimTemplates(containers: string[]): Arb<unknown> {
  const claim = partial({
    name: dnsName(['data', 'index', 'wal']),
    mountPath: absPath(['/data', '/var/lib/index', '/tmp']),
    storage: sizeArb,
    storageClassName: dnsName(['standard', 'fast.ssd']),
    accessModes: validOr(fc.constantFrom([kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE], [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD]), fc.constantFrom<unknown>([], 'ReadWriteOnce')),
    containers: validOr(fc.constantFrom(...containers.map(c => [c])), fc.constantFrom<unknown>([], ['nope'], containers[0])),
  }, ['name', 'mountPath', 'storage']);
  return rarely(validOr(fc.array(claim, { minLength: 1, maxLength: 2 }), fc.constantFrom<unknown>({ name: 'data' }, [])));
}

// ---------------------------------------------------------------------------------------------
// ScatterGather

export function scatterGatherScenarios(): Arb<Scenario> {
  const props = partial({
    ...workloadOptions,
    root: patternContainer(['root', 'main'], undefined, ['LEAF_ADDRESSES', 'LEAF_COUNT', 'LEAF_TIMEOUT_MS']),
    leaf: patternContainer(['leaf', 'main'], undefined, ['LEAF_INDEX', 'LEAF_NAME']),
    leaves: validOr(fc.constantFrom(1, 2, 3, 5), fc.oneof(edgeNumber, fc.constantFrom<unknown>(1000, 1001, '3', null))),
    rootReplicas: count(fc.constantFrom(1, 2, 3)),
    rootPort: chosenPort,
    servicePort: rarely(port),
    leafPort: chosenPort,
    leafTimeout: durationArb([1, 2, 5]),
    leafVolumeClaimTemplates: claimTemplates(['leaf', 'main']),
  }, ['root', 'leaf']);
  return rec({ namespace: namespaceArb, props: withBrokenProps(props, ['root', 'leaf']) });
}

// ---------------------------------------------------------------------------------------------
// ShardedService

/** Where `attachRouterTo` puts a router: the plain workload `web`, the service's own shards, or a non-workload. */
export interface RouterAttachment {
  readonly target: 'web' | 'shards' | 'other';
  readonly options: unknown;
}

export interface ShardedScenario extends Scenario {
  /** The client workload (`web`), created after the service; none when no router is attached to it. */
  readonly workload?: unknown;
  /** Routers attached after the service, in order. */
  readonly routers: RouterAttachment[];
}

const TWEMPROXY_IMAGE = 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0';

/** `RouterAttachmentOptions` for a workload with containers `names`. */
function routerOptions(names: string[]): Arb<unknown> {
  return weighted<unknown>(
    [4, fc.constant(undefined)],
    [20, partial({
      envVar: validOr(fc.constantFrom('MEMCACHED_ADDR', 'REDIS_URL', 'CACHE'), fc.constantFrom<unknown>('1BAD', 'a b', '', 42)),
      urlScheme: validOr(fc.constantFrom('redis', 'memcached'), fc.constantFrom<unknown>('', 'a b', 'Redis', 42)),
      listenPort: rarely(weighted<unknown>([3, fc.constantFrom(11211, 6379, 16379, 22222, 8080)], [1, port])),
      statsPort: rarely(weighted<unknown>([3, fc.constantFrom(22222, 22223, 11211, 9090)], [1, port])),
      containerName: weighted<unknown>([8, fc.constantFrom('ambassador', 'router', 'router-2')], [1, fc.constantFrom(...names)], [1, dnsName()]),
      mainContainer: rarely(validOr(fc.constantFrom(...names), fc.constantFrom<unknown>('nope', '', 42))),
      nativeSidecar: bool,
    })],
    [1, fc.constantFrom<unknown>(null, 'ambassador', [], 42)],
  );
}

/** Arbitraries are costly to build: one per list of container names, built once. */
const routersCache = new Map<string, Arb<RouterAttachment[]>>();

/** Routers attached to `web` (a workload with containers `names`), rarely also to the shards. */
function routersFor(names: string[]): Arb<RouterAttachment[]> {
  const key = names.join(',');
  if (!routersCache.has(key)) {
    const options = routerOptions(names);
    const attachment = weighted<RouterAttachment>(
      [12, options.map(o => ({ target: 'web' as const, options: o }))],
      [1, options.map(o => ({ target: 'shards' as const, options: o }))],
    );
    // A second router on the same workload is refused: rarely two.
    routersCache.set(key, weighted<RouterAttachment[]>(
      [6, fc.array(attachment, { minLength: 1, maxLength: 1 })],
      [1, fc.array(attachment, { minLength: 2, maxLength: 2 })],
    ));
  }
  return routersCache.get(key)!;
}

const shardedRouters: Arb<Pick<ShardedScenario, 'workload' | 'routers'>> = weighted<Pick<ShardedScenario, 'workload' | 'routers'>>(
  [5, fc.constant({ routers: [] })],
  [5, baseWorkloadSpec.chain(spec => routersFor(spec.containers.map(c => c.name)).map(rs => ({ workload: baseWorkload(spec), routers: rs })))],
  [1, fc.tuple(notAWorkload, routerOptions(['app'])).map(([w, options]) => ({ workload: w, routers: [{ target: 'other' as const, options }] }))],
);

export function shardedServiceScenarios(): Arb<ShardedScenario> {
  const props = partial({
    security: securityOptions,
    writablePaths: validOr(fc.array(absPath(['/tmp', '/data']), { maxLength: 2 }), fc.constantFrom<unknown>('/tmp', [42])),
    appName: labelValue,
    partOf: labelValue,
    highAvailability: bool,
    routerImage: image([TWEMPROXY_IMAGE, 'registry.example.com/twemproxy:0.5.0']),
    protocol: validOr(fc.constantFrom(ShardProtocol.MEMCACHED, ShardProtocol.REDIS), fc.constantFrom<unknown>('http', 'Redis', 42)),
    shards: validOr(fc.constantFrom(1, 2, 3, 5), fc.oneof(edgeNumber, fc.constantFrom<unknown>(256, 257, '3', null))),
    shardImage: rarely(image(['memcached:1.6.31-alpine', 'redis:7.4.1-alpine'])),
    cacheSize: rarely(validOr(fc.constantFrom(16, 32, 64, 96).map(n => labelled(Size.mebibytes(n), `Size.mebibytes(${n})`)), sizeArb, 4)),
    shardContainer: rarely(patternContainer(['shard', 'redis', 'memcached'], ['/data', '/tmp'])),
    shardPort: rarely(weighted<unknown>([3, fc.constantFrom(11211, 6379, ...COMMON_PORTS)], [1, port])),
    shardVolumeClaimTemplates: claimTemplates(['shard', 'redis', 'memcached']),
    shardResources: presetArb,
    hash: validOr(fc.constantFrom(...Object.values(TwemproxyHash)), fc.constantFrom<unknown>('crc32x', 'MD5', '', 42)),
    ejectFailedShards: bool,
    shardTimeout: durationArb([1, 2, 5]),
    sharedRouter: weighted<unknown>([3, fc.constant(true)], [1, bool]),
    routerReplicas: count(fc.constantFrom(1, 2, 3)),
    routerPort: rarely(weighted<unknown>([3, fc.constantFrom(11211, 6379, 22222, 16379)], [1, port])),
    routerResources: presetArb,
  }, ['routerImage']);
  return fc.tuple(rec({ namespace: namespaceArb, props: withBrokenProps(props, ['routerImage']) }), shardedRouters)
    .map(([s, r]) => ({ ...s, ...r }));
}
