import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Adapter, Ambassador, AmbassadorProxy, ApiGateway, CanaryDeployment, Controller, ExternalService, LeaderElected, NetworkFlow, NetworkPeer,
  NetworkSegmentation, Strangler, TrafficRouting, WorkQueue,
} from '../../src';
import { validateManifests } from '../schema';

const synth = (c: Construct): any[] => Testing.synth(c as any);
const policies = (ms: any[]) => ms.filter(m => m.kind === 'NetworkPolicy');
const byName = (ms: any[], part: string) => {
  const found = policies(ms).filter(p => p.metadata.name.includes(part));
  expect(found).toHaveLength(1);
  return found[0];
};

function app(scope: Construct, id: string): { deployment: kplus.Deployment; service: kplus.Service } {
  const deployment = new kplus.Deployment(scope, id, {
    containers: [{ image: `shop/${id}:1.0.0`, portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/ready') }],
  });
  return { deployment, service: deployment.exposeViaService({ name: id, ports: [{ port: 80, targetPort: 8080 }] }) };
}

describe('NetworkSegmentation', () => {
  test('default deny for ingress and egress, DNS allowed to the cluster DNS pods', () => {
    const chart = Testing.chart();
    const seg = new NetworkSegmentation(chart, 'zero-trust');
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    expect(byName(ms, 'deny-all').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(byName(ms, 'allow-dns').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      }],
    });
    expect(seg.policies).toHaveLength(2);
  });

  test('a workload of the namespace reaches a Service: ingress on its pods and egress from the caller, on the target port', () => {
    const chart = Testing.chart();
    const api = app(chart, 'api');
    const web = app(chart, 'web');
    const seg = new NetworkSegmentation(chart, 'seg', { allowDns: false });
    seg.allowToService(api.service, [NetworkPeer.workload(web.deployment), NetworkPeer.namespaceNamed('monitoring')]);
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    const apiPods = ms.find(m => m.kind === 'Deployment' && m.metadata.name.includes('api')).spec.selector.matchLabels;
    const webPods = ms.find(m => m.kind === 'Deployment' && m.metadata.name.includes('web')).spec.selector.matchLabels;
    expect(byName(ms, 'allow-to-api').spec).toEqual({
      podSelector: { matchLabels: apiPods },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: webPods } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    expect(byName(ms, 'allow-test-web').spec).toEqual({
      podSelector: { matchLabels: webPods },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: apiPods } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
  });

  test('derived from the wiring: a gateway reaches every backend in the namespace, not the ones outside', () => {
    const chart = Testing.chart();
    const orders = app(chart, 'orders');
    const users = app(chart, 'users');
    const legacy = new ExternalService(chart, 'legacy', { addresses: ['10.20.0.5'] });
    const gw = new ApiGateway(chart, 'api', { gatewayClassName: 'traefik', routes: [{ pathPrefix: '/orders', service: orders.service }, { pathPrefix: '/users', service: users.service }] });
    const www = new Strangler(chart, 'www', { legacy: legacy.service, strangled: [{ pathPrefix: '/orders', service: orders.service }], routing: TrafficRouting.gatewayApi({ gatewayName: 'public' }) });
    const canary = new CanaryDeployment(chart, 'shop', {
      stable: { containers: [{ image: 'shop/web:1', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/ready') }] },
      canary: { containers: [{ image: 'shop/web:2', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/ready') }] },
      weight: 10,
      routing: TrafficRouting.gatewayApi({ gatewayName: 'public' }),
    });
    const seg = new NetworkSegmentation(chart, 'seg');
    const traefik = NetworkPeer.podsInNamespace('traefik', { 'app.kubernetes.io/name': 'traefik' });
    seg.allowFromGateway(gw, [traefik]);
    seg.allowFromGateway(www, [traefik]);
    seg.allowFromGateway(canary, [traefik]);
    expect(www.backends).toEqual([orders.service, legacy.service]);
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    const names = policies(ms).map(p => p.metadata.name.replace(/-c8[0-9a-f]{6}$/, ''));
    expect(names).toEqual([
      'test-seg-deny-all', 'test-seg-allow-dns', 'test-seg-allow-to-orders', 'test-seg-allow-to-users',
      'test-seg-allow-to-orders-1', 'test-seg-allow-to-test-shop-stable-service-c8b7df65', 'test-seg-allow-to-test-shop-canary-service-c85ed020',
    ]);
    const toStable = policies(ms)[5];
    expect(toStable.spec.podSelector.matchLabels['release.cdk8s-patterns.io/track']).toBe('stable');
    expect(toStable.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }]);
  });

  test('egress to an endpoint outside the cluster', () => {
    const chart = Testing.chart();
    const web = app(chart, 'web');
    new NetworkSegmentation(chart, 'seg').allowEgress(web.deployment, NetworkPeer.ipBlock('10.20.0.0/24'), [5432]);
    const p = byName(synth(chart), 'egress');
    expect(p.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const web = app(chart, 'web');
    const legacy = new ExternalService(chart, 'legacy', { addresses: ['10.20.0.5'] });
    const seg = new NetworkSegmentation(chart, 'seg');
    expect(() => seg.allowToService(web.service, [])).toThrow('test/seg: invalid peers []: must name at least one peer');
    expect(() => seg.allowToService(web.service, [NetworkPeer.namespaceNamed('Bad_NS')])).toThrow('test/seg: invalid peers[0].namespace "Bad_NS": must be a namespace name (a DNS label)');
    expect(() => seg.allowEgress(web.deployment, NetworkPeer.ipBlock('10.0.0.0/33'), [80])).toThrow('test/seg: invalid destination.cidr "10.0.0.0/33": must be an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8');
    expect(() => seg.allowEgress(web.deployment, NetworkPeer.ipBlock('10.0.0.0/8'), [])).toThrow('test/seg: invalid ports []: must list at least one port');
    expect(() => seg.allowToService(web.service, [NetworkPeer.podsInNamespace('traefik', {})])).toThrow('test/seg: invalid peers[0].labels {}: must be at least one label');
    const other = Testing.chart();
    const elsewhere = app(other, 'elsewhere');
    expect(() => seg.allowToService(web.service, [NetworkPeer.workload(elsewhere.deployment)]))
      .toThrow('test/seg: invalid peers[0] "test/elsewhere": must be in the same chart (namespace) as the NetworkSegmentation: use NetworkPeer.podsInNamespace for pods elsewhere');
    expect(() => seg.allowToService(legacy.service, [NetworkPeer.namespaceNamed('traefik')]))
      .toThrow('test/seg: invalid service "test/legacy/service": must select pods: a Service without a selector (an ExternalService) has no pods to protect; use allowEgress to reach it');
    // A selector that goes away after the call fails before synthesis, naming the segmentation.
    const later = new kplus.Service(chart, 'later', { ports: [{ port: 80 }] });
    later.selectLabel('app', 'x');
    seg.allowToService(later, [NetworkPeer.namespaceNamed('traefik')]);
    ApiObject.of(later).addJsonPatch(JsonPatch.remove('/spec/selector'));
    expect(() => synth(chart)).toThrow(/test\/seg: invalid service "test\/later": must select pods/);
    expect(() => seg.allowEgress(web.deployment, NetworkPeer.ipBlock('2001:db8::1::2/64'), [80])).toThrow('test/seg: invalid destination.cidr "2001:db8::1::2/64": must be an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8');
    expect(() => new NetworkSegmentation(chart, 'x', { defaultDeny: 'yes' as any })).toThrow(/test\/x: invalid defaultDeny "yes"/);
  });

  describe('allowFlowsOf: policies from the wiring the patterns know', () => {
    const selectorOf = (ms: any[], kind: string, part: string) =>
      ms.find(m => m.kind === kind && m.metadata.name.includes(part)).spec.selector.matchLabels;

    test('a WorkQueue: workers and producer reach the queue it created, on the queue port, and nothing else', () => {
      const chart = Testing.chart();
      const q = new WorkQueue(chart, 'thumbs', { worker: { image: 'shop/worker:1' }, producer: { image: 'shop/producer:1' } });
      const seg = new NetworkSegmentation(chart, 'seg');
      seg.allowFlowsOf(q);
      seg.allowFlowsOf(q); // twice: no duplicate
      const ms = synth(chart);
      expect(() => validateManifests(ms)).not.toThrow();
      const queuePods = selectorOf(ms, 'Deployment', 'queue');
      const workers = ms.find(m => m.kind === 'Job' && m.metadata.name.includes('workers')).spec.template.metadata.labels;
      const ingress = policies(ms).filter(p => p.spec.policyTypes[0] === 'Ingress' && p.spec.podSelector.matchLabels);
      expect(ingress).toHaveLength(2); // one per client
      for (const p of ingress) {
        expect(p.spec.podSelector.matchLabels).toEqual(queuePods);
        expect(p.spec.ingress[0].ports).toEqual([{ port: 6379, protocol: 'TCP' }]);
      }
      const egress = policies(ms).filter(p => p.spec.egress && Object.keys(p.spec.podSelector).length > 0);
      expect(egress).toHaveLength(2);
      // A Job has no selector: its pods are selected by their template's identifying labels, never by {}.
      const { ['app.kubernetes.io/managed-by']: _m, ['cdk8s.io/metadata.addr']: _a, ...workerSelector } = workers;
      expect(Object.keys(workerSelector).length).toBeGreaterThanOrEqual(2);
      const workerEgress = egress.find(p => JSON.stringify(p.spec.podSelector.matchLabels) === JSON.stringify(workerSelector))!;
      expect(workerEgress).toBeDefined();
      for (const p of policies(ms).filter(x => x.spec.podSelector.matchLabels)) {
        expect(Object.keys(p.spec.podSelector.matchLabels).length).toBeGreaterThan(0);
      }
      expect(workerEgress.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: queuePods } }], ports: [{ port: 6379, protocol: 'TCP' }] }]);
      expect(seg.policies).toHaveLength(6);
    });

    test('an existing queue by host name: egress on its port only, to any address (a policy cannot name a DNS name)', () => {
      const chart = Testing.chart();
      const q = new WorkQueue(chart, 'q', { worker: { image: 'shop/worker:1' }, existingQueue: { host: 'redis.example.com', port: 6380 } });
      new NetworkSegmentation(chart, 'seg').allowFlowsOf(q);
      const p = byName(synth(chart), 'redis.example.com');
      expect(p.spec.egress).toEqual([{ ports: [{ port: 6380, protocol: 'TCP' }] }]);
      expect(p.spec.policyTypes).toEqual(['Egress']);
    });

    test('LeaderElected and Controller: egress to the API server on 443 and 6443, narrowed by apiServer', () => {
      const chart = Testing.chart();
      const le = new LeaderElected(chart, 'reconciler', { containers: [{ image: 'shop/reconciler:1' }] });
      const ctl = new Controller(chart, 'ctl', { containers: [{ image: 'shop/ctl:1' }], watches: [{ apiGroup: '', resource: 'configmaps' }] });
      const seg = new NetworkSegmentation(chart, 'seg', { apiServer: NetworkPeer.ipBlock('10.250.0.1/32'), apiServerPorts: [6443] });
      seg.allowFlowsOf(le);
      seg.allowFlowsOf(ctl);
      const ms = synth(chart);
      expect(() => validateManifests(ms)).not.toThrow();
      const p = byName(ms, 'reconciler-deployment');
      expect(p.spec).toEqual({
        podSelector: { matchLabels: le.deployment.matchLabels },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.250.0.1/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] }],
      });
      expect(policies(ms).filter(x => x.spec.egress?.[0]?.to?.[0]?.ipBlock?.cidr === '10.250.0.1/32')).toHaveLength(2);
      const open = Testing.chart();
      const le2 = new LeaderElected(open, 'r', { containers: [{ image: 'shop/r:1' }] });
      new NetworkSegmentation(open, 'seg').allowFlowsOf(le2);
      expect(byName(synth(open), 'api-server').spec.egress).toEqual([{
        to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }],
      }]);
    });

    test('an Ambassador whose upstream is a Service of the chart allows that Service; an IP upstream gets a /32', () => {
      const chart = Testing.chart();
      const redis = app(chart, 'redis');
      const web = app(chart, 'web');
      const amb = new Ambassador(chart, 'amb', { workload: web.deployment, proxy: AmbassadorProxy.twemproxyRedis({ servers: ['redis:80', '10.1.2.3:6379'], image: 'ghcr.io/x/twemproxy:1' }) });
      expect(amb.networkFlows.map(f => [f.kind, f.host, f.port])).toEqual([['host', 'redis', 80], ['host', '10.1.2.3', 6379]]);
      new NetworkSegmentation(chart, 'seg', { allowDns: false }).allowFlowsOf(amb);
      const ms = synth(chart);
      expect(byName(ms, 'allow-to-redis').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: web.deployment.matchLabels } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
      expect(byName(ms, '10.1.2.3').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.1.2.3/32' } }], ports: [{ port: 6379, protocol: 'TCP' }] }]);
      void redis;
    });

    test('an Adapter: its metrics port from the scrapers; without scrapers it fails naming the flow', () => {
      const chart = Testing.chart();
      const web = app(chart, 'web');
      const adapter = new Adapter(chart, 'exporter', { workload: web.deployment, container: { image: 'shop/exporter:1' }, metricsPort: 9113 });
      new NetworkSegmentation(chart, 'seg', { metricsScrapers: [NetworkPeer.namespaceNamed('monitoring')] }).allowFlowsOf(adapter);
      expect(byName(synth(chart), 'scrape').spec).toEqual({
        podSelector: { matchLabels: web.deployment.matchLabels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9113, protocol: 'TCP' }] }],
      });
      const seg = new NetworkSegmentation(chart, 'seg2');
      expect(() => seg.allowFlowsOf(adapter)).toThrow('test/seg2: invalid metricsScrapers undefined: must name who scrapes metrics (e.g. NetworkPeer.namespaceNamed(\'monitoring\')) to allow "Adapter test/exporter: metrics on port 9113" (port 9113)');
    });

    test('a workload without identifying labels fails instead of selecting every pod', () => {
      const chart = Testing.chart();
      const job = new kplus.Job(chart, 'bare', { containers: [{ image: 'shop/x:1' }] });
      const seg = new NetworkSegmentation(chart, 'seg');
      const web = app(chart, 'web');
      expect(() => seg.allowToService(web.service, [NetworkPeer.workload(job)]))
        .toThrow(/test\/bare: invalid pod labels \{\}: must identify the workload's pods for a NetworkPolicy \(an empty selector would select every pod of the namespace\)/);
    });

    test('validation messages', () => {
      const chart = Testing.chart();
      expect(() => new NetworkSegmentation(chart, 'a', { apiServerPorts: [] })).toThrow('test/a: invalid apiServerPorts []: must list at least one port');
      expect(() => new NetworkSegmentation(chart, 'b', { apiServer: NetworkPeer.ipBlock('nope') })).toThrow('test/b: invalid apiServer.cidr "nope": must be an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8');
      expect(() => new NetworkSegmentation(chart, 'c', { metricsScrapers: [] })).toThrow('test/c: invalid metricsScrapers []: must name at least one peer');
      const seg = new NetworkSegmentation(chart, 'd');
      expect(() => seg.allowFlowsOf({} as any)).toThrow('test/d: invalid client {}: must be a pattern with networkFlows (WorkQueue, LeaderElected, Controller, Operator, Ambassador, Adapter, ...)');
      const other = Testing.chart();
      const le = new LeaderElected(other, 'le', { containers: [{ image: 'shop/x:1' }] });
      expect(() => seg.allowFlowsOf(le)).toThrow(/test\/d: invalid flow "LeaderElected test\/le: renews Lease test-le-[0-9a-f]+" source "test\/le\/deployment": must be in the same chart/);
      expect(NetworkFlow.toApiServer(le.deployment, 'x').kind).toBe('apiServer');
    });
  });
});
