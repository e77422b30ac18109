import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  dict, dnsName, labelValue, partial, port, portName, rec, RESTRICTED_SC, Scenario, seldom, validOr, weighted, withBrokenProps, wrongType,
} from './arbitraries';
import { BuildContext, factory, harness, show } from './recipes';
import { ApiGateway, ExternalService, NetworkPeer, ResourcePreset, Strangler, TrafficRouting } from '../../src';

/*
 * Generators of prop sets for the traffic patterns (ExternalService, ApiGateway, Strangler,
 * NetworkSegmentation). The Services the routes and policies name come from a pool that the
 * scenario lists as data (`pool`) and the build creates first: plain cdk8s-plus Deployments (or
 * DaemonSets, Jobs) with a ClusterIP or NodePort Service, kplus ExternalName Services,
 * ExternalServices (addresses or a DNS name), and a Service whose ports are added only after
 * the pattern was built. Props refer to pool entries through `services[i]` / `workloads[i]`
 * recipes.
 */

type Arb<T = unknown> = fc.Arbitrary<T>;
type Props = Record<string, unknown>;


// ---------------------------------------------------------------------------------------------
// The pool of workloads and Services a scenario's props refer to

/**
 * One entry of the pool:
 * - `deployment`, `daemonSet`: the workload (one container on 8080, restricted, sized, ready)
 *   and a ClusterIP Service selecting it, with `ports` (each to 8080);
 * - `nodePort`: the same with a NodePort Service;
 * - `job`: a Job and no Service;
 * - `late`: a Deployment and a ClusterIP Service that gets its ports only after the pattern is built;
 * - `externalName`: a kplus Service of type ExternalName;
 * - `external`: an ExternalService with addresses (a ClusterIP Service without selector);
 * - `externalDns`: an ExternalService with an externalName (an ExternalName Service).
 */
export type PoolKind = 'deployment' | 'daemonSet' | 'nodePort' | 'job' | 'late' | 'externalName' | 'external' | 'externalDns';

export interface PoolEntry {
  readonly kind: PoolKind;
  readonly name: string;
  readonly ports: number[];
}

interface Built {
  readonly workload?: kplus.Workload;
  readonly service?: kplus.Service;
  readonly late?: boolean;
}

const pools = new WeakMap<BuildContext, Built[]>();
const poolEntries = new WeakMap<BuildContext, PoolEntry[]>();


function appContainer(name: string): kplus.ContainerProps {
  return {
    name: 'app',
    image: `registry.example.com/shop/${name}:1.0.0`,
    ports: [{ number: 8080, name: 'http' }],
    readiness: kplus.Probe.fromTcpSocket({ port: 8080 }),
    resources: ResourcePreset.SMALL.toContainerResources(),
    securityContext: RESTRICTED_SC,
  };
}

const servicePorts = (ports: number[]): kplus.ServicePort[] =>
  ports.map(p => (ports.length > 1 ? { port: p, targetPort: 8080, name: `p${p}` } : { port: p, targetPort: 8080 }));

/** Creates the pool's objects in the chart (as `<name>-app` and `<name>`), before the pattern. */
export function buildPool(ctx: BuildContext, entries: PoolEntry[]): Built[] {
  const chart = ctx.chart;
  const built = entries.map((e): Built => {
    switch (e.kind) {
      case 'deployment':
      case 'nodePort':
      case 'late': {
        const workload = new kplus.Deployment(chart, `${e.name}-app`, { containers: [appContainer(e.name)] });
        const service = new kplus.Service(chart, e.name, {
          type: e.kind === 'nodePort' ? kplus.ServiceType.NODE_PORT : kplus.ServiceType.CLUSTER_IP,
          ports: e.kind === 'late' ? [] : servicePorts(e.ports),
        });
        service.select(workload);
        return { workload, service, late: e.kind === 'late' };
      }
      case 'daemonSet': {
        const workload = new kplus.DaemonSet(chart, `${e.name}-app`, { containers: [appContainer(e.name)] });
        const service = new kplus.Service(chart, e.name, { ports: servicePorts(e.ports) });
        service.select(workload);
        return { workload, service };
      }
      case 'job':
        return { workload: new kplus.Job(chart, `${e.name}-app`, { containers: [{ ...appContainer(e.name), readiness: undefined, ports: [] }] }) };
      case 'externalName':
        return {
          service: new kplus.Service(chart, e.name, {
            type: kplus.ServiceType.EXTERNAL_NAME, externalName: `${e.name}.legacy.example.com`, ports: servicePorts(e.ports),
          }),
        };
      case 'external':
        return { service: new ExternalService(chart, e.name, { addresses: ['10.20.0.5', '10.20.0.6'], port: e.ports[0], targetPort: 8080 }).service };
      case 'externalDns':
        return { service: new ExternalService(chart, e.name, { externalName: `${e.name}.legacy.example.com`, port: e.ports[0] }).service };
    }
  });
  pools.set(ctx, built);
  poolEntries.set(ctx, entries);
  return built;
}

/** Gives the `late` Services their ports (after the pattern read them). */
export function finishPool(ctx: BuildContext): void {
  const entries = poolEntries.get(ctx) ?? [];
  (pools.get(ctx) ?? []).forEach((b, i) => {
    if (b.late) servicePorts(entries[i].ports).forEach(p => b.service!.bind(p.port, { targetPort: p.targetPort, name: p.name }));
  });
}

function pooled(ctx: BuildContext, i: number): Built {
  const b = pools.get(ctx)?.[i];
  if (!b) throw new Error(`no pool entry ${i}`);
  return b;
}

/** The Service of pool entry `i`. */
export function serviceRef(i: number): unknown {
  return harness(`services[${i}]`, ctx => pooled(ctx, i).service);
}

/** The workload of pool entry `i`. */
export function workloadRef(i: number): unknown {
  return harness(`workloads[${i}]`, ctx => pooled(ctx, i).workload);
}

const POOL_NAMES = ['orders', 'users', 'docs', 'legacy', 'search'];

const poolEntry: (kinds: Array<[number, PoolKind]>) => Arb<Omit<PoolEntry, 'name'>> = kinds => rec({
  kind: weighted<PoolKind>(...kinds.map(([w, k]) => [w, fc.constant(k)] as [number, Arb<PoolKind>])),
  ports: weighted<number[]>(
    [4, fc.constantFrom([80], [8080], [9090])],
    [1, fc.uniqueArray(fc.constantFrom(80, 8080, 9090), { minLength: 2, maxLength: 2 })],
  ),
}).map(e => (e.kind === 'external' || e.kind === 'externalDns' ? { ...e, ports: e.ports.slice(0, 1) } : e));

/** A pool of 1 to 3 entries (names from POOL_NAMES), the first one of `first` kinds when given. */
function poolArb(kinds: Array<[number, PoolKind]>, first: Array<[number, PoolKind]> = kinds): Arb<PoolEntry[]> {
  return fc.tuple(poolEntry(first), fc.array(poolEntry(kinds), { maxLength: 2 }))
    .map(([a, rest]) => [a, ...rest].map((e, i) => ({ ...e, name: POOL_NAMES[i] })));
}

/** Pool entries the routes may name (mostly routable ones). */
const ROUTED_KINDS: Array<[number, PoolKind]> = [[14, 'deployment'], [4, 'external'], [1, 'nodePort'], [1, 'externalName'], [1, 'externalDns'], [1, 'late']];

/**
 * A reference into the pool, generated before the pool is known (so that the props' arbitraries
 * are built once) and resolved against it: the `k`-th entry (modulo their number) of those that
 * `which` admits; `port` takes the `j`-th port of that entry's Service.
 */
class Ref {
  constructor(
    public readonly which: 'service' | 'selecting' | 'workload' | 'routable',
    public readonly k: number,
    public readonly j?: number,
    public readonly as: 'service' | 'workload' | 'port' | 'peer' = 'service',
  ) {}
}

/**
 * A routed construct over `k`s of the pool's Services: a real ApiGateway or Strangler (over
 * routable ones), or `{ backends }` (a user's IRoutedBackends, over any).
 */
class RoutedRef {
  constructor(public readonly what: 'apiGateway' | 'strangler' | 'backends', public readonly ks: number[]) {}
}

const ADMITS: Record<Ref['which'], PoolKind[]> = {
  service: ['deployment', 'daemonSet', 'nodePort', 'late', 'externalName', 'external', 'externalDns'],
  selecting: ['deployment', 'daemonSet', 'nodePort', 'late'],
  workload: ['deployment', 'daemonSet', 'nodePort', 'late', 'job'],
  routable: ['deployment', 'daemonSet', 'external'],
};

function pick(pool: PoolEntry[], which: Ref['which'], k: number): number | undefined {
  const ix = pool.map((e, i) => (ADMITS[which].includes(e.kind) ? i : -1)).filter(i => i >= 0);
  return ix.length === 0 ? undefined : ix[k % ix.length];
}

/** Replaces the references in generated props by recipes over the pool. */
function resolve(value: unknown, pool: PoolEntry[]): unknown {
  if (value instanceof Ref) {
    const i = pick(pool, value.which, value.k);
    if (i === undefined) return null;
    switch (value.as) {
      case 'service': return serviceRef(i);
      case 'workload': return workloadRef(i);
      case 'port': return pool[i].ports[value.j! % pool[i].ports.length];
      case 'peer': return harness(`NetworkPeer.workload(workloads[${i}])`, ctx => NetworkPeer.workload(pooled(ctx, i).workload!));
    }
  }
  if (value instanceof RoutedRef) {
    const ix = [...new Set(value.ks.map(k => pick(pool, value.what === 'backends' ? 'service' : 'routable', k)).filter((i): i is number => i !== undefined))];
    if (ix.length === 0) return { backends: [] };
    if (value.what === 'backends') {
      return harness(`{ backends: [${ix.map(i => `services[${i}]`).join(', ')}] }`, ctx => ({ backends: ix.map(i => pooled(ctx, i).service!) }));
    }
    if (value.what === 'strangler') {
      const [legacy, ...moved] = ix;
      return harness(
        `new Strangler(chart, 'strangler', { legacy: services[${legacy}], strangled: [${moved.map((i, n) => `{ service: services[${i}], pathPrefix: '/p${n}' }`).join(', ')}], `
          + 'routing: TrafficRouting.gatewayApi({ gatewayName: \'public\' }) })',
        ctx => new Strangler(ctx.chart, ctx.id('strangler'), {
          legacy: pooled(ctx, legacy).service!,
          strangled: moved.map((i, n) => ({ service: pooled(ctx, i).service!, pathPrefix: `/p${n}` })),
          routing: TrafficRouting.gatewayApi({ gatewayName: 'public' }),
        }),
      );
    }
    return harness(
      `new ApiGateway(chart, 'gw', { gatewayClassName: 'eg', routes: [${ix.map((i, n) => `{ service: services[${i}], pathPrefix: '/p${n}' }`).join(', ')}] })`,
      ctx => new ApiGateway(ctx.chart, ctx.id('gw'), { gatewayClassName: 'eg', routes: ix.map((i, n) => ({ service: pooled(ctx, i).service!, pathPrefix: `/p${n}` })) }),
    );
  }
  if (Array.isArray(value)) return value.map(v => resolve(v, pool));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, pool)]));
  }
  return value;
}

/** Props that refer to a pool, with the pool. */
export interface PoolScenario extends Scenario {
  readonly pool: PoolEntry[];
}

/** A pool and props generated independently, the props' references resolved against the pool. */
function poolScenarios<T extends object>(pool: Arb<PoolEntry[]>, rest: Arb<T>): Arb<PoolScenario & T> {
  return fc.tuple(pool, rest, fc.constantFrom(undefined, 'shop'))
    .map(([p, r, namespace]) => ({ namespace, pool: p, ...(resolve(r, p) as T) }) as PoolScenario & T);
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** A DNS subdomain of 253 characters (the longest a host name may be). */
const LONGEST_HOST = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');

const hostname: Arb<unknown> = validOr(
  fc.constantFrom('api.example.com', '*.example.com', 'shop.example.com', 'docs.example.com', 'localhost'),
  fc.constantFrom<unknown>('10.0.0.1', 'Bad Host', '*', '*.', 'API.example.com', 'a..b', `*.${LONGEST_HOST}`, LONGEST_HOST, `${LONGEST_HOST}x`, 42),
  2,
);

const hostnames: Arb<unknown> = validOr(
  fc.uniqueArray(hostname, { maxLength: 2 }),
  fc.constantFrom<unknown>([], ['api.example.com', 'api.example.com'], 'api.example.com', null),
);

const VALID_PREFIXES = ['/api', '/orders', '/users/v1', '/docs', '/a_b~c', '/static/', '/v1.2'];
const EDGE_PREFIXES = ['api', '', '/has space', '/x?y', '/a//b', '/a/./b', '/a/../b', '/%2F', '/x/..', '/x/.', '/%zz', '/#x', `/${'x'.repeat(1024)}`, 42];

/** Distinct path prefixes for `n` routes, with a chance of a repeated, default or edge one. */
function prefixes(n: number, withRoot: boolean): Arb<unknown[]> {
  const unique = fc.shuffledSubarray(withRoot ? ['/', ...VALID_PREFIXES] : VALID_PREFIXES, { minLength: n, maxLength: n });
  return fc.tuple(unique, fc.array(weighted<unknown>(
    [30, fc.constant('keep')],
    [3, fc.constant(undefined)],
    [2, fc.constantFrom<unknown>(...EDGE_PREFIXES)],
    [1, fc.constantFrom<unknown>('/', '/api')],
  ), { minLength: n, maxLength: n })).map(([u, alt]) => u.map((p, i) => (alt[i] === 'keep' ? p : alt[i])));
}

/** Things that are not a Service, for `service` and `legacy` props. */
const notAService: Arb<unknown> = fc.constantFrom<unknown>(
  'orders', null, {}, 42,
  harness('new kplus.Deployment(chart, \'not-a-service\')', ctx => new kplus.Deployment(ctx.chart, ctx.id('not-a-service-'), { containers: [appContainer('nas')] })),
);

/** `routing` of an ApiGateway or Strangler: mostly without hosts and paths (which they take elsewhere). */
const routingArb: Arb<unknown> = validOr(fc.oneof(
  fc.tuple(partial({
    gatewayName: dnsName(['public', 'edge.gw']),
    gatewayNamespace: dnsName(['infra']),
    listenerName: dnsName(['http', 'https']),
  }, ['gatewayName']), seldom(hostnames, 12), seldom(fc.constantFrom('/', '/api'), 12)).map(([o, h, p]) => {
    const opts = { ...o, ...(h !== undefined ? { hostnames: h } : {}), ...(p !== undefined ? { pathPrefix: p } : {}) };
    return factory(`TrafficRouting.gatewayApi(${show(opts)})`, () => TrafficRouting.gatewayApi(opts as any));
  }),
  fc.tuple(partial({ ingressClassName: dnsName(['nginx', 'public']) }), seldom(fc.constantFrom('shop.example.com', 'UPPER'), 12)).map(([o, host]) => {
    const opts = { ...o, ...(host !== undefined ? { host } : {}) };
    return factory(`TrafficRouting.ingressNginx(${show(opts)})`, () => TrafficRouting.ingressNginx(opts as any));
  }),
), fc.oneof(
  fc.constant(factory('TrafficRouting.replicaRatio({ replicas: 4 })', () => TrafficRouting.replicaRatio({ replicas: 4 }))),
  fc.constantFrom<unknown>('gateway', {}, { kind: 'gatewayApi' }),
), 2);

// ---------------------------------------------------------------------------------------------
// ExternalService

const ipv4: Arb<string> = weighted(
  [6, fc.tuple(fc.constantFrom(10, 172, 192, 203), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 1, max: 254 }))
    .map(([a, b, c, d]) => `${a}.${b}.${c}.${d}`)],
  [1, fc.ipV4()],
);
const ipv6: Arb<string> = weighted(
  [6, fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 0xffff })).map(([a, b]) => `2001:db8:${a.toString(16)}::${b.toString(16)}`)],
  [1, fc.constantFrom('fd00::1', '2001:db8:0:0:0:0:0:1', '::ffff:a00:1', 'fe90::1', 'febf::1', 'ff02::1', 'fe80::1', '::', '::1', '2001:DB8::1')],
);

const addresses: Arb<unknown> = validOr(
  weighted<unknown>([3, fc.uniqueArray(ipv4, { minLength: 1, maxLength: 3 })], [1, fc.uniqueArray(ipv6, { minLength: 1, maxLength: 2 })]),
  fc.constantFrom<unknown>(
    [], ['127.0.0.1'], ['10.0.0.1', '10.0.0.1'], ['10.0.0.1', '2001:db8::1'], ['169.254.0.1'], ['0.0.0.0'], ['224.0.0.1'],
    ['10.0.0.300'], ['010.0.0.1'], ['2001:db8::g'], ['1::2::3'], '10.0.0.1', [42], [null], ['10.0.0.1/32'],
  ),
  2,
);

export function externalServiceScenarios(): Arb<Scenario> {
  const endpoint = weighted<Props>(
    [10, rec({
      externalName: validOr(
        fc.constantFrom('billing.legacy.example.com', 'db.example.org', 'x', 'a-b.c-d'),
        fc.constantFrom<unknown>('10.0.0.1', 'Billing.example.com', '', 'has space', 'x'.repeat(254), `${LONGEST_HOST}.`, 'a_b.com', '-a.com', 42),
        2,
      ),
    })],
    [10, rec({ addresses })],
    [1, fc.constant({ externalName: 'db.example.org', addresses: ['10.0.0.1'] })],
    [1, fc.constant({})],
  );
  const rest = partial({
    port,
    targetPort: seldom(port, 2),
    portName: seldom(portName, 2),
    appName: labelValue,
    partOf: labelValue,
  });
  const props = fc.tuple(endpoint, rest).map(([e, r]) => ({ ...e, ...r }));
  return rec({
    namespace: fc.constantFrom(undefined, 'shop'),
    props: weighted<unknown>([19, props], [1, fc.constantFrom<unknown>(undefined, null, 'db.example.org', [])]),
  });
}

// ---------------------------------------------------------------------------------------------
// ApiGateway and Strangler

/** One route to a pool Service (or, rarely, to something that is not a Service). */
const routeBase = (routeHosts: Arb<unknown>): Arb<Props> => fc.tuple(
  fc.nat({ max: 5 }),
  partial({
    service: weighted<unknown>([40, fc.constant('pool')], [1, notAService]),
    port: seldom(weighted<unknown>([4, fc.nat({ max: 1 })], [1, fc.constantFrom<unknown>(81, 8080, 0, 1.5, '80', null)]), 4),
    hostnames: routeHosts,
  }, ['service']),
).map(([k, r]) => ({
  ...r,
  service: r.service === 'pool' ? new Ref('service', k) : r.service,
  ...('port' in r ? { port: typeof r.port === 'number' && r.port <= 1 && Number.isInteger(r.port) && r.port >= 0 ? new Ref('service', k, r.port, 'port') : r.port } : {}),
}));

/** `min` to `max` routes with distinct path prefixes (mostly). */
function routesArb(min: number, max: number, withRoot: boolean, routeHosts: Arb<unknown>): Arb<unknown> {
  return fc.tuple(
    fc.integer({ min, max }),
    prefixes(Math.max(max, 1), withRoot),
    fc.array(routeBase(routeHosts), { minLength: max, maxLength: max }),
  ).map(([n, ps, rs]) => rs.slice(0, n).map((r, i) => (ps[i] === undefined ? r : { ...r, pathPrefix: ps[i] })));
}

export function apiGatewayScenarios(): Arb<PoolScenario> {
  const routes = validOr(
    routesArb(1, 4, true, seldom(hostnames, 6)),
    fc.constantFrom<unknown>([], 'orders', null, [null], [{ pathPrefix: '/api' }]),
    1,
  );
  const entry = weighted<Props>(
    [10, rec({ gatewayClassName: dnsName(['traefik', 'eg', 'istio']), listenerPort: seldom(port, 3) })],
    [8, rec({ routing: routingArb })],
    [1, rec({ routing: routingArb, gatewayClassName: fc.constant('traefik') })],
    [1, partial({ listenerPort: port })],
  );
  const props = fc.tuple(partial({
    routes,
    hostnames: seldom(hostnames, 1),
    tlsSecretName: seldom(dnsName(['shop-tls', 'api.example.com-tls']), 3),
    appName: labelValue,
    partOf: labelValue,
  }, ['routes']), entry).map(([p, e]) => ({ ...p, ...e }));
  return poolScenarios(poolArb(ROUTED_KINDS), rec({ props: withBrokenProps(props, ['routes'], [], 4) }));
}

export function stranglerScenarios(): Arb<PoolScenario> {
  const strangled = validOr(routesArb(0, 3, false, seldom(hostnames, 20)), fc.constantFrom<unknown>('/api', null, [null], {}), 1);
  const props = fc.tuple(fc.nat({ max: 5 }), partial({
    // The legacy application (the pool has many ExternalServices), and its port.
    legacy: weighted<unknown>([15, fc.constant('pool')], [1, notAService]),
    legacyPort: seldom(weighted<unknown>([4, fc.nat({ max: 1 })], [1, fc.constantFrom<unknown>(81, 0, '80')]), 3),
    strangled,
    hostnames: seldom(hostnames, 1),
    routing: routingArb,
    appName: labelValue,
    partOf: labelValue,
  }, ['legacy', 'strangled', 'routing'])).map(([k, p]) => {
    const out: Props = { ...p, legacy: p.legacy === 'pool' ? new Ref('service', k) : p.legacy };
    if (typeof p.legacyPort === 'number' && p.legacyPort <= 1 && p.legacy === 'pool') out.legacyPort = new Ref('service', k, p.legacyPort, 'port');
    return out;
  });
  const kinds: Array<[number, PoolKind]> = [[10, 'deployment'], [8, 'external'], [1, 'nodePort'], [1, 'externalName'], [1, 'externalDns'], [1, 'late']];
  return poolScenarios(poolArb(kinds), rec({ props: withBrokenProps(props, ['legacy', 'strangled', 'routing'], [], 5) }));
}

// ---------------------------------------------------------------------------------------------
// NetworkSegmentation

/** One call on the NetworkSegmentation after it is constructed; arguments may hold recipes. */
export type SegmentationCall =
  | { readonly call: 'allowToService'; readonly service: unknown; readonly peers: unknown }
  | { readonly call: 'allowFromGateway'; readonly routed: unknown; readonly peers: unknown }
  | { readonly call: 'allowEgress'; readonly source: unknown; readonly destination: unknown; readonly ports: unknown };

export interface SegmentationScenario extends PoolScenario {
  readonly calls: SegmentationCall[];
}

const labelMap: Arb<unknown> = validOr(
  dict(fc.constantFrom('app', 'app.kubernetes.io/name', 'k8s-app'), fc.constantFrom('traefik', 'envoy', 'kube-dns', 'My.App_1'), { minKeys: 1, maxKeys: 2 }),
  fc.constantFrom<unknown>({}, { 'has space': 'x' }, { app: 'has space' }, { app: 42 }, { app: 'x'.repeat(64) }, 'app=traefik', null),
);

const CIDRS = ['10.0.0.0/8', '192.168.1.0/24', '203.0.113.7/32', '0.0.0.0/0', '2001:db8::/32', '::/0'];
const BAD_CIDRS = ['10.0.0.0', '10.0.0.0/33', '300.0.0.0/8', '10.0.0.1/8', '::/129', 'fe80::/10x', '1.2.3/8', '', 42, '2001:db8::1::2/64', ':/64'];

/** A NetworkPeer (a workload of the pool, mostly), or a wrong value. */
const peerArb: Arb<unknown> = weighted<unknown>(
  [6, fc.nat({ max: 5 }).map(k => new Ref('workload', k, undefined, 'peer'))],
  [3, dnsName(['monitoring', 'traefik', 'infra']).map(n => factory(`NetworkPeer.namespaceNamed(${show(n)})`, () => NetworkPeer.namespaceNamed(n as string)))],
  [3, fc.tuple(dnsName(['traefik', 'envoy-gateway-system']), labelMap).map(([n, l]) =>
    factory(`NetworkPeer.podsInNamespace(${show(n)}, ${show(l)})`, () => NetworkPeer.podsInNamespace(n as string, l as any)))],
  [2, validOr(fc.constantFrom(...CIDRS), fc.constantFrom<unknown>(...BAD_CIDRS), 3).map(c => factory(`NetworkPeer.ipBlock(${show(c)})`, () => NetworkPeer.ipBlock(c as string)))],
  [1, fc.constantFrom<unknown>('10.0.0.0/8', null, { kind: 'namespace' })],
  [1, fc.constant(harness('NetworkPeer.workload(new kplus.Pod(chart, \'pod\'))',
    ctx => NetworkPeer.workload(new kplus.Pod(ctx.chart, ctx.id('pod-'), { containers: [appContainer('pod')] }) as any)))],
  [1, fc.constant(harness('NetworkPeer.workload(new kplus.Deployment(new Chart(app, \'other\'), \'elsewhere\'))',
    ctx => NetworkPeer.workload(new kplus.Deployment(new Chart(ctx.chart.node.scope as App, ctx.id('other-')), 'elsewhere', { containers: [appContainer('elsewhere')] }))))],
);

const egressPorts: Arb<unknown> = validOr(fc.uniqueArray(fc.constantFrom(443, 5432, 6379, 53), { minLength: 1, maxLength: 3 }), fc.constantFrom<unknown>([], [0], [65536], [1.5], 443, ['443']), 2);

export function networkSegmentationScenarios(): Arb<SegmentationScenario> {
  const kinds: Array<[number, PoolKind]> = [[10, 'deployment'], [2, 'daemonSet'], [2, 'job'], [3, 'external'], [1, 'nodePort'], [1, 'externalName']];
  const peers = validOr(fc.array(peerArb, { minLength: 1, maxLength: 3 }), fc.constantFrom<unknown>([], null, 'monitoring'), 1);
  const service = weighted<unknown>(
    [10, fc.nat({ max: 5 }).map(k => new Ref('selecting', k))],
    [2, fc.nat({ max: 5 }).map(k => new Ref('service', k))],
    [1, notAService],
  );
  const source = weighted<unknown>(
    [10, fc.nat({ max: 5 }).map(k => new Ref('workload', k, undefined, 'workload'))],
    [1, fc.constantFrom<unknown>(null, 'web', harness('new kplus.Pod(chart, \'pod\')', ctx => new kplus.Pod(ctx.chart, ctx.id('pod-'), { containers: [appContainer('pod')] })))],
  );
  const routed = weighted<unknown>(
    [4, fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 3 }).map(ks => new RoutedRef('apiGateway', ks))],
    [2, fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 3 }).map(ks => new RoutedRef('strangler', ks))],
    [3, fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 3 }).map(ks => new RoutedRef('backends', ks))],
    [1, fc.constantFrom<unknown>(null, {}, 'gateway', { backends: 'orders' })],
  );
  const call = weighted<SegmentationCall>(
    [5, rec({ call: fc.constant('allowToService' as const), service, peers })],
    [3, rec({ call: fc.constant('allowFromGateway' as const), routed, peers })],
    [3, rec({ call: fc.constant('allowEgress' as const), source, destination: weighted<unknown>([8, peerArb], [1, wrongType]), ports: egressPorts })],
  );
  const props = weighted<unknown>(
    [30, partial({
      defaultDeny: validOr(fc.boolean(), fc.constantFrom<unknown>('true', 1)),
      allowDns: validOr(fc.boolean(), fc.constantFrom<unknown>('false', 0)),
      dnsNamespace: dnsName(['kube-system', 'dns']),
      dnsLabels: labelMap,
      appName: labelValue,
      partOf: labelValue,
    })],
    [1, fc.constantFrom<unknown>(null, 'zero-trust', 42)],
  );
  return poolScenarios(poolArb(kinds, [[1, 'deployment']]), rec({
    props: weighted<unknown>([3, fc.constant(undefined)], [10, props]),
    calls: fc.array(call, { maxLength: 4 }),
  }));
}
