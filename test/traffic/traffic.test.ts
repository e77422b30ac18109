import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ApiGateway, ExternalService, Strangler, TrafficRouting } from '../../src';
import { validateManifests } from '../schema';
import { wiringProblems } from '../wiring';

const synth = (c: Construct): any[] => Testing.synth(c as any);
const kinds = (ms: any[], kind: string) => ms.filter(m => m.kind === kind);

/** A ClusterIP Service of a small Deployment. */
function service(scope: Construct, id: string, port = 80): kplus.Service {
  const d = new kplus.Deployment(scope, `${id}-app`, { containers: [{ image: `shop/${id}:1.0.0`, portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/ready') }] });
  return d.exposeViaService({ name: id, ports: [{ port, targetPort: 8080 }] });
}

describe('ExternalService', () => {
  test('ExternalName: a CNAME with the port, no EndpointSlice', () => {
    const chart = Testing.chart();
    const ext = new ExternalService(chart, 'billing', { externalName: 'billing.legacy.example.com', port: 443, portName: 'https' });
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    expect(ms).toHaveLength(1);
    expect(ms[0].spec).toEqual({ type: 'ExternalName', externalName: 'billing.legacy.example.com' });
    expect(ext.endpointSlice).toBeUndefined();
    expect(ext.port).toBe(443);
  });

  test('addresses: a Service without selector and an EndpointSlice the controller leaves alone', () => {
    const chart = Testing.chart();
    const ext = new ExternalService(chart, 'legacy', { addresses: ['10.20.0.5', '10.20.0.6'], port: 80, targetPort: 8080 });
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    const svc = kinds(ms, 'Service')[0];
    expect(svc.spec.selector).toBeUndefined();
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
    const slice = kinds(ms, 'EndpointSlice')[0];
    expect(slice.metadata.labels['kubernetes.io/service-name']).toBe(svc.metadata.name);
    expect(slice.metadata.labels['endpointslice.kubernetes.io/managed-by']).toBe('cdk8s-patterns');
    expect(slice.addressType).toBe('IPv4');
    expect(slice.endpoints).toEqual([{ addresses: ['10.20.0.5'], conditions: { ready: true } }, { addresses: ['10.20.0.6'], conditions: { ready: true } }]);
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ext.service.name).toBe(svc.metadata.name);
    new ExternalService(chart, 'v6', { addresses: ['2001:db8::10'] });
    expect(kinds(synth(chart), 'EndpointSlice')[1].addressType).toBe('IPv6');
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    expect(() => new ExternalService(chart, 'a', {})).toThrow('test/a: invalid externalName undefined: or addresses must be given: the DNS name or the IP addresses of the external endpoint');
    expect(() => new ExternalService(chart, 'b', { externalName: 'x.example.com', addresses: ['10.0.0.1'] }))
      .toThrow('test/b: invalid addresses ["10.0.0.1"]: must not be given with externalName: give one of the two');
    expect(() => new ExternalService(chart, 'c', { externalName: '10.0.0.1' }))
      .toThrow('test/c: invalid externalName "10.0.0.1": must be a lower-case DNS name (not an IP address: give addresses for IPs)');
    expect(() => new ExternalService(chart, 'd', { addresses: ['127.0.0.1'] }))
      .toThrow('test/d: invalid addresses[0] "127.0.0.1": must be an IPv4 or IPv6 address, not unspecified, loopback, link-local, multicast or IPv4-mapped (the API server refuses those as endpoints)');
    expect(() => new ExternalService(chart, 'e', { addresses: ['10.0.0.1', '2001:db8::1'] }))
      .toThrow('test/e: invalid addresses ["10.0.0.1","2001:db8::1"]: must all be IPv4 or all IPv6: one EndpointSlice has one address type');
    expect(() => new ExternalService(chart, 'f', { externalName: 'x.example.com', port: 80, targetPort: 8080 }))
      .toThrow('test/f: invalid targetPort 8080: must equal port (80) or be left out: an ExternalName Service is a CNAME and maps no ports');
    expect(() => new ExternalService(chart, 'g', { addresses: [] })).toThrow('test/g: invalid addresses []: must list 1 to 1000 IP addresses');
    expect(() => new ExternalService(chart, 'h', { addresses: ['10.0.0.1', '10.0.0.1'] })).toThrow('test/h: invalid addresses ["10.0.0.1","10.0.0.1"]: must not repeat an address');
    expect(() => new ExternalService(chart, 'i', { addresses: ['10.0.0.300'] })).toThrow(/test\/i: invalid addresses\[0\] "10.0.0.300"/);
    for (const bad of ['fe90::1', 'febf::1', '::ffff:7f00:1', '::1', 'ff02::1', '224.0.0.1']) {
      expect(() => new ExternalService(chart, `bad-${bad.replace(/[^0-9a-f]/g, '')}`, { addresses: [bad] })).toThrow(/invalid addresses\[0\]/);
    }
    new ExternalService(chart, 'ok6', { addresses: ['2001:DB8::1'] });
  });
});

describe('ApiGateway', () => {
  test('a Gateway of the class and one HTTPRoute per host set, by path to ClusterIP Services', () => {
    const chart = Testing.chart();
    const orders = service(chart, 'orders');
    const users = service(chart, 'users', 8080);
    const docs = service(chart, 'docs');
    const gw = new ApiGateway(chart, 'edge', {
      gatewayClassName: 'traefik',
      listenerPort: 8000,
      hostnames: ['api.example.com'],
      routes: [
        { pathPrefix: '/orders', service: orders },
        { pathPrefix: '/users', service: users },
        { service: docs, hostnames: ['docs.example.com'] },
      ],
    });
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    expect(wiringProblems(ms)).toEqual([]);
    const gateway = kinds(ms, 'Gateway')[0];
    expect(gateway.spec).toEqual({
      gatewayClassName: 'traefik',
      listeners: [{ name: 'http', port: 8000, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }],
    });
    const [api, docsRoute] = kinds(ms, 'HTTPRoute');
    expect(gw.routes).toHaveLength(2);
    expect(api.spec.parentRefs).toEqual([{ name: gateway.metadata.name }]);
    expect(api.spec.hostnames).toEqual(['api.example.com']);
    expect(api.spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/orders' } }], backendRefs: [{ name: orders.name, port: 80 }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/users' } }], backendRefs: [{ name: users.name, port: 8080 }] },
    ]);
    expect(docsRoute.spec.hostnames).toEqual(['docs.example.com']);
  });

  test('more routes for one host set than an HTTPRoute holds: further HTTPRoutes, every path once', () => {
    const chart = Testing.chart();
    const orders = service(chart, 'orders');
    const docs = service(chart, 'docs');
    const paths = Array.from({ length: 35 }, (_, i) => `/v${i}`);
    const gw = new ApiGateway(chart, 'edge', {
      gatewayClassName: 'traefik',
      hostnames: ['api.example.com'],
      routes: [...paths.map(pathPrefix => ({ pathPrefix, service: orders })), { service: docs, hostnames: ['docs.example.com'] }],
    });
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    const routes = kinds(ms, 'HTTPRoute');
    expect(gw.routes.map(r => r.node.id)).toEqual(['route', 'route-part-2', 'route-part-3', 'route-1']);
    expect(routes.map(r => r.spec.rules.length)).toEqual([16, 16, 3, 1]);
    const api = routes.slice(0, 3);
    for (const r of api) {
      expect(r.spec.hostnames).toEqual(['api.example.com']);
      expect(r.spec.parentRefs).toEqual(routes[0].spec.parentRefs);
    }
    expect(api.flatMap(r => r.spec.rules.map((rule: any) => rule.matches[0].path.value))).toEqual(paths);
    expect(routes[3].spec.hostnames).toEqual(['docs.example.com']);
  });

  test('an HTTPRoute holds at most 16 host names (Gateway API): more fail at synth', () => {
    const chart = Testing.chart();
    const orders = service(chart, 'orders');
    const hosts = Array.from({ length: 17 }, (_, i) => `h${i}.example.com`);
    expect(() => new ApiGateway(chart, 'a', { gatewayClassName: 'traefik', hostnames: hosts, routes: [{ service: orders }] }))
      .toThrow(`test/a: invalid hostnames ${JSON.stringify(hosts)}: must list at most 16 host names with the Gateway API: an HTTPRoute holds no more`);
    expect(() => new ApiGateway(chart, 'b', { gatewayClassName: 'traefik', routes: [{ service: orders, pathPrefix: '/o' }, { service: orders, hostnames: hosts }] }))
      .toThrow(`test/b: invalid routes[1].hostnames ${JSON.stringify(hosts)}: must list at most 16 host names with the Gateway API`);
    // ingress-nginx has no such limit: one Ingress with a rule per host.
    const ingress = new ApiGateway(chart, 'c', { routing: TrafficRouting.ingressNginx(), hostnames: hosts, routes: [{ service: orders }] });
    expect(ingress.ingress).toBeDefined();
    expect(() => new ApiGateway(chart, 'd', { gatewayClassName: 'traefik', hostnames: hosts.slice(0, 16), routes: [{ service: orders }] })).not.toThrow();
  });

  test('TLS from a Secret: an HTTPS listener on 443; or one Ingress with TLS', () => {
    const chart = Testing.chart();
    const orders = service(chart, 'orders');
    new ApiGateway(chart, 'edge', { gatewayClassName: 'eg', tlsSecretName: 'api-tls', hostnames: ['api.example.com'], routes: [{ service: orders }] });
    const listener = kinds(synth(chart), 'Gateway')[0].spec.listeners[0];
    expect(listener).toEqual({
      name: 'https',
      port: 443,
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'api-tls' }] },
      allowedRoutes: { namespaces: { from: 'Same' } },
    });

    const ing = Testing.chart();
    const a = service(ing, 'a');
    const b = service(ing, 'b');
    new ApiGateway(ing, 'edge', {
      routing: TrafficRouting.ingressNginx({ ingressClassName: 'public' }),
      tlsSecretName: 'api-tls',
      hostnames: ['api.example.com'],
      routes: [{ pathPrefix: '/a', service: a }, { pathPrefix: '/b', service: b }],
    });
    const ms = synth(ing);
    expect(() => validateManifests(ms)).not.toThrow();
    const ingress = kinds(ms, 'Ingress')[0];
    expect(ingress.spec.ingressClassName).toBe('public');
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.example.com'], secretName: 'api-tls' }]);
    expect(ingress.spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => [p.path, p.backend.service.name])])).toEqual([
      ['api.example.com', [['/a', a.name], ['/b', b.name]]],
    ]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const orders = service(chart, 'orders');
    const np = new kplus.Service(chart, 'np', { type: kplus.ServiceType.NODE_PORT, ports: [{ port: 80 }] });
    const ext = new ExternalService(chart, 'ext', { externalName: 'x.example.com' });
    expect(() => new ApiGateway(chart, 'a', { routes: [{ service: orders }] }))
      .toThrow('test/a: invalid gatewayClassName undefined: or routing must be given: the class of the Gateway to create, or the Gateway or Ingress controller to route through');
    expect(() => new ApiGateway(chart, 'b', { gatewayClassName: 'traefik', routes: [{ service: np }] }))
      .toThrow('test/b: invalid routes[0].service "test/np": must be a ClusterIP Service, not NodePort: services behind the gateway are reached only through it');
    expect(() => new ApiGateway(chart, 'c', { gatewayClassName: 'traefik', routes: [{ service: ext.service }] }))
      .toThrow(/test\/c: invalid routes\[0\].service "test\/ext\/service": must not be an ExternalName Service/);
    expect(() => new ApiGateway(chart, 'd', { gatewayClassName: 'traefik', routes: [{ service: orders, port: 9999 }] }))
      .toThrow('test/d: invalid routes[0].port 9999: must be a port of test/orders-app/ordersService: 80');
    expect(() => new ApiGateway(chart, 'e', { gatewayClassName: 'traefik', routes: [{ service: orders, pathPrefix: '/x' }, { service: orders, pathPrefix: '/x' }] }))
      .toThrow('test/e: invalid routes[1].pathPrefix "/x": must differ from routes[0].pathPrefix for host *: one path, one backend');
    expect(() => new ApiGateway(chart, 'f', { gatewayClassName: 'traefik', routes: [] })).toThrow('test/f: invalid routes []: must list at least one route');
    expect(() => new ApiGateway(chart, 'g', { routing: TrafficRouting.gatewayApi({ gatewayName: 'public' }), tlsSecretName: 'x', routes: [{ service: orders }] }))
      .toThrow('test/g: invalid tlsSecretName "x": must be left out with TrafficRouting.gatewayApi(): TLS is configured on the existing Gateway\'s listener');
    expect(() => new ApiGateway(chart, 'h', { routing: TrafficRouting.gatewayApi({ gatewayName: 'public', hostnames: ['a.example.com'] }), routes: [{ service: orders }] }))
      .toThrow('test/h: invalid routing.hostnames ["a.example.com"]: must be left out: an ApiGateway takes its hosts and paths from hostnames and routes');
    expect(() => new ApiGateway(chart, 'i', { gatewayClassName: 'Traefik!', routes: [{ service: orders }] }))
      .toThrow('test/i: invalid gatewayClassName "Traefik!": must be a DNS subdomain (a GatewayClass name)');
    const longHost = `*.${['a', 'b', 'c', 'd'].map(c => c.repeat(61)).join('.')}.example.org`;
    expect(() => new ApiGateway(chart, 'k', { gatewayClassName: 'traefik', hostnames: [longHost], routes: [{ service: orders }] }))
      .toThrow(/test\/k: invalid hostnames\[0\] ".*": must be a DNS host name of at most 253 characters/);
    ['/a//b', '/a/./b', '/a/../b', '/%2F', '/x/..', '/%zz'].forEach((path, i) => {
      expect(() => new ApiGateway(chart, `path-${i}`, { gatewayClassName: 'traefik', routes: [{ service: orders, pathPrefix: path }] }))
        .toThrow(/invalid routes\[0\].pathPrefix .*without empty, "." or ".." segments or an encoded "\/"/);
    });
    expect(() => new ApiGateway(chart, 'j', { gatewayClassName: 'traefik', routes: [{ service: 'orders' as any }] }))
      .toThrow('test/j: invalid routes[0].service "orders": must be a cdk8s-plus Service (an ExternalService\'s `service` for endpoints outside the cluster)');
  });
});

describe('Strangler', () => {
  test('migrated paths to new services, the catch-all to the legacy app outside the cluster', () => {
    const chart = Testing.chart();
    const legacy = new ExternalService(chart, 'monolith', { addresses: ['10.20.0.5'], targetPort: 8080 });
    const orders = service(chart, 'orders');
    new Strangler(chart, 'shop', {
      legacy: legacy.service,
      strangled: [{ pathPrefix: '/orders', service: orders }],
      hostnames: ['shop.example.com'],
      routing: TrafficRouting.gatewayApi({ gatewayName: 'public' }),
    });
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    const route = kinds(ms, 'HTTPRoute')[0];
    expect(route.spec.hostnames).toEqual(['shop.example.com']);
    expect(route.spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/orders' } }], backendRefs: [{ name: orders.name, port: 80 }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: legacy.service.name, port: 80 }] },
    ]);
  });

  test('day one: everything to the legacy app; ingress-nginx alternative', () => {
    const chart = Testing.chart();
    const legacy = service(chart, 'legacy');
    const orders = service(chart, 'orders');
    new Strangler(chart, 'day1', { legacy, strangled: [], routing: TrafficRouting.gatewayApi({ gatewayName: 'public' }) });
    new Strangler(chart, 'nginx', { legacy, strangled: [{ pathPrefix: '/orders', service: orders }], hostnames: ['shop.example.com'], routing: TrafficRouting.ingressNginx() });
    const ms = synth(chart);
    expect(kinds(ms, 'HTTPRoute')[0].spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: legacy.name, port: 80 }] }]);
    const paths = kinds(ms, 'Ingress')[0].spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name]);
    expect(paths).toEqual(expect.arrayContaining([['/orders', orders.name], ['/', legacy.name]]));
    expect(paths).toHaveLength(2);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const legacy = service(chart, 'legacy');
    const orders = service(chart, 'orders');
    const gw = TrafficRouting.gatewayApi({ gatewayName: 'public' });
    expect(() => new Strangler(chart, 'a', { legacy, strangled: [{ service: orders }], routing: gw }))
      .toThrow('test/a: invalid strangled[0].pathPrefix "/": must not be "/": the legacy application keeps the catch-all; once nothing is left for it, replace the Strangler by an ApiGateway');
    expect(() => new Strangler(chart, 'b', { legacy, strangled: [], routing: TrafficRouting.replicaRatio({ replicas: 2 }) }))
      .toThrow('test/b: invalid routing "TrafficRouting.replicaRatio()": must be TrafficRouting.gatewayApi() or TrafficRouting.ingressNginx()');
    expect(() => new Strangler(chart, 'c', { legacy, legacyPort: 81, strangled: [], routing: gw }))
      .toThrow('test/c: invalid legacyPort 81: must be a port of test/legacy-app/legacyService: 80');
    expect(() => new Strangler(chart, 'd', { legacy, strangled: [{ pathPrefix: '/o', service: orders, hostnames: ['x.example.com'] }], routing: gw }))
      .toThrow('test/d: invalid strangled[0].hostnames ["x.example.com"]: must be left out: the strangled application has one set of host names (hostnames)');
    // The one HTTPRoute holds the moved paths and the catch-all: at most 16 rules, 16 host names.
    const moved = (n: number) => Array.from({ length: n }, (_, i) => ({ pathPrefix: `/p${i}`, service: orders }));
    expect(() => new Strangler(chart, 'e', { legacy, strangled: moved(15), routing: gw })).not.toThrow();
    expect(() => new Strangler(chart, 'f', { legacy, strangled: moved(16), routing: gw }))
      .toThrow('test/f: invalid strangled "16 paths": must list at most 15 paths with TrafficRouting.gatewayApi(): the HTTPRoute holds 16 rules, one of them the legacy catch-all; move services under a shared path prefix, or use TrafficRouting.ingressNginx()');
    expect(() => new Strangler(chart, 'g', { legacy, strangled: moved(16), routing: TrafficRouting.ingressNginx() })).not.toThrow();
    const hosts = Array.from({ length: 17 }, (_, i) => `h${i}.example.com`);
    expect(() => new Strangler(chart, 'h', { legacy, hostnames: hosts, strangled: moved(1), routing: gw }))
      .toThrow(`test/h: invalid hostnames ${JSON.stringify(hosts)}: must list at most 16 host names with TrafficRouting.gatewayApi(): an HTTPRoute holds no more`);
  });
});
