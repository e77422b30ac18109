import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { mermaidParseErrors } from './mermaid';
import {
  Adapter, Ambassador, AmbassadorProxy, ContainerRole, DiagramDirection, DiagramEdgeKind, DiagramNode, HealthProbe, LeaderElected, Sidecar,
  ShardProtocol, StartupSequence, TopologyDiagram, WorkQueue,
} from '../../src';

const deployment = (name: string, labels: Record<string, string>, containers: any[] = [{ name: 'app', image: 'shop/app:1.0' }], extra: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    template: { metadata: { labels, ...extra.metadata }, spec: { containers, ...extra.spec } },
  },
});
const service = (name: string, selector: Record<string, string> | undefined, spec: any = {}) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80, targetPort: 8080 }], ...(selector ? { selector } : {}), ...spec },
});

function edgesOf(d: TopologyDiagram, kind: DiagramEdgeKind) {
  const name = (id: string) => d.nodes.find(n => n.id === id)!.name;
  return d.edges.filter(e => e.kind === kind).map(e => ({ from: name(e.source), to: name(e.target), label: e.label }));
}

function node(d: TopologyDiagram, kind: string, name: string): DiagramNode {
  const n = d.findNode(kind, name);
  expect(n).toBeDefined();
  return n!;
}

describe('Services and selectors', () => {
  test('a Service selecting two workloads has two edges; one selecting nothing has none', () => {
    const d = TopologyDiagram.fromManifests([
      deployment('web-a', { app: 'web', track: 'a' }),
      deployment('web-b', { app: 'web', track: 'b' }),
      deployment('db', { app: 'db' }),
      service('web', { app: 'web' }),
      service('only-b', { app: 'web', track: 'b' }),
      service('nothing', { app: 'gone' }),
      service('external', undefined),
    ]);
    expect(edgesOf(d, DiagramEdgeKind.SELECTS)).toEqual([
      { from: 'only-b', to: 'web-b', label: undefined },
      { from: 'web', to: 'web-a', label: undefined },
      { from: 'web', to: 'web-b', label: undefined },
    ]);
    expect(node(d, 'Service', 'nothing').label).toContain('selects no pod in these manifests');
    expect(node(d, 'Service', 'external').label).toContain('no selector');
  });

  test('selectors match only labels of the pod template, in the same namespace', () => {
    const inOther = deployment('api', { app: 'api' });
    (inOther.metadata as any).namespace = 'other';
    const d = TopologyDiagram.fromManifests([
      { ...deployment('api-labels-on-object', { x: 'y' }), metadata: { name: 'api-labels-on-object', labels: { app: 'api' } } },
      inOther,
      service('api', { app: 'api' }),
    ]);
    expect(edgesOf(d, DiagramEdgeKind.SELECTS)).toEqual([]);
  });

  test("a StatefulSet's per-pod labels: a Service per pod selects that pod only", () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'redis' },
      spec: { replicas: 3, serviceName: 'redis', selector: { matchLabels: { app: 'redis' } }, template: { metadata: { labels: { app: 'redis' } }, spec: { containers: [{ name: 'redis', image: 'redis:7' }] } } },
    };
    const d = TopologyDiagram.fromManifests([
      sts, service('redis', { app: 'redis' }, { clusterIP: 'None' }), service('redis-1', { 'statefulset.kubernetes.io/pod-name': 'redis-1' }),
      service('redis-7', { 'statefulset.kubernetes.io/pod-name': 'redis-7' }), service('by-index', { 'apps.kubernetes.io/pod-index': '2' }),
    ]);
    expect(edgesOf(d, DiagramEdgeKind.SELECTS)).toEqual([
      { from: 'by-index', to: 'redis', label: 'pod redis-2' },
      { from: 'redis', to: 'redis', label: undefined },
      { from: 'redis-1', to: 'redis', label: 'pod redis-1' },
    ]);
    expect(node(d, 'Service', 'redis').label).toContain('headless');
  });

  test('EndpointSlices of a selector-less Service and ExternalName Services', () => {
    const d = TopologyDiagram.fromManifests([
      service('legacy', undefined),
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'legacy-1', labels: { 'kubernetes.io/service-name': 'legacy' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }] },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mail' }, spec: { type: 'ExternalName', externalName: 'smtp.example.com' } },
    ]);
    expect(edgesOf(d, DiagramEdgeKind.ENDPOINTS)).toEqual([{ from: 'legacy', to: 'legacy-1', label: undefined }]);
    expect(node(d, 'EndpointSlice', 'legacy-1').label).toContain('10.0.0.1, 10.0.0.2');
    expect(node(d, 'Service', 'mail').label).toBe('Service mail\nExternalName smtp.example.com');
  });
});

describe('containers and their roles', () => {
  test('Sidecar, Ambassador and Adapter on one Deployment, plus init steps and a native sidecar in order', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'web', image: 'shop/web:1.0', portNumber: 8080 }] });
    new Sidecar(chart, 'logs', { workload: web, container: { name: 'logs', image: 'busybox:1.36.1', command: ['tail', '-F', '/log/a'] } });
    new Ambassador(chart, 'cache', {
      workload: web,
      envVar: 'REDIS_URL',
      proxy: AmbassadorProxy.twemproxy({
        image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', protocol: ShardProtocol.REDIS, servers: [{ host: 'redis-0.redis', port: 6379 }, { host: 'redis-1.redis', port: 6379 }],
      }),
    });
    new Adapter(chart, 'metrics', { workload: web, container: { name: 'exporter', image: 'nginx/nginx-prometheus-exporter:1.3.0' }, metricsPort: 9113 });
    const seq = new StartupSequence(chart, 'start', { workload: web });
    seq.addNativeSidecar({ name: 'agent', image: 'otel/opentelemetry-collector:0.110.0', portNumber: 13133 }, { startupProbe: HealthProbe.http('/', { port: 13133 }), readiness: HealthProbe.http('/', { port: 13133 }) });
    seq.addInitStep({ name: 'migrate', image: 'shop/migrate:1.0' });
    const d = TopologyDiagram.fromChart(chart);
    const wl = d.nodesOfKind('Deployment')[0];
    expect(d.containersOf(wl).map(c => [c.name, c.containerRole, c.nativeSidecar ?? false, c.initOrder])).toEqual([
      ['agent', ContainerRole.SIDECAR, true, 1],
      ['migrate', ContainerRole.INIT, false, 2],
      ['web', ContainerRole.MAIN, false, undefined],
      // helpers in pod order (the pod mutations order them by construct path: cache, logs, metrics)
      ['ambassador', ContainerRole.AMBASSADOR, false, undefined],
      ['logs', ContainerRole.SIDECAR, false, undefined],
      ['exporter', ContainerRole.ADAPTER, false, undefined],
    ]);
    // start order: agent, then migrate, then the main container
    expect(edgesOf(d, DiagramEdgeKind.STARTS_BEFORE)).toEqual([
      { from: 'agent', to: 'migrate', label: undefined },
      { from: 'migrate', to: 'web', label: undefined },
    ]);
    expect(d.containersWithRole(ContainerRole.ADAPTER)[0].label).toContain('adapter · :9113');
    expect(d.containersWithRole(ContainerRole.SIDECAR).find(c => c.name === 'agent')!.label).toContain('native sidecar, init 1 of 2');
  });

  test('a volume two containers share is drawn with the direction the data flows; a private one is not', () => {
    const d = TopologyDiagram.fromManifests([deployment('w', { a: 'b' }, [
      { name: 'app', image: 'app:1', volumeMounts: [{ name: 'html', mountPath: '/srv', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }] },
      { name: 'render', image: 'render:1', volumeMounts: [{ name: 'html', mountPath: '/out' }] },
    ], { spec: { volumes: [{ name: 'html', emptyDir: {} }, { name: 'tmp', emptyDir: {} }] } })]);
    expect(d.nodesOfKind('Volume').map(v => v.label)).toEqual(['emptyDir html']);
    expect(edgesOf(d, DiagramEdgeKind.MOUNTS)).toEqual([
      { from: 'render', to: 'html', label: '/out' },
      { from: 'html', to: 'app', label: '/srv read-only' },
    ]);
  });

  test('the default-container annotation names the main container', () => {
    const d = TopologyDiagram.fromManifests([deployment('w', { a: 'b' }, [{ name: 'proxy', image: 'envoy:1' }, { name: 'app', image: 'app:1' }],
      { metadata: { annotations: { 'kubectl.kubernetes.io/default-container': 'app' } } })]);
    expect(d.containersWithRole(ContainerRole.MAIN).map(c => c.name)).toEqual(['app']);
    expect(d.containersWithRole(ContainerRole.SIDECAR).map(c => c.name)).toEqual(['proxy']);
  });
});

describe('references by DNS name', () => {
  test("a WorkQueue's workers and producer reach its queue; the queue's own Service is not a reference", () => {
    const chart = Testing.chart();
    const q = new WorkQueue(chart, 'thumbs', { worker: { image: 'shop/worker:1.0' }, producer: { image: 'shop/producer:1.0' }, parallelism: 2 });
    const d = TopologyDiagram.fromChart(chart);
    const queue = q.queueService!.name;
    const refs = edgesOf(d, DiagramEdgeKind.CONNECTS);
    expect(refs).toEqual([
      { from: 'producer', to: queue, label: 'queue: QUEUE_HOST, QUEUE_URL' },
      { from: 'worker', to: queue, label: 'queue: QUEUE_HOST, QUEUE_URL' },
    ]);
    // the edge starts at the container, inside its Job's box
    const worker = d.edges.find(e => e.kind === DiagramEdgeKind.CONNECTS && d.nodes.find(n => n.id === e.source)!.name === 'worker')!;
    expect(d.nodes.find(n => n.id === d.nodes.find(x => x.id === worker.source)!.parent)!.kind).toBe('Job');
  });

  test('URLs, lists, namespaces, pod names of headless Services, args and mounted ConfigMaps resolve; other names do not', () => {
    const client = deployment('client', { app: 'client' }, [{
      name: 'app',
      image: 'app:1',
      env: [
        { name: 'DATABASE_URL', value: 'postgres://user@db.shop.svc.cluster.local:5432/orders?sslmode=disable' },
        { name: 'PEERS_ADDRESSES', value: 'cache-0.cache:11211,cache-1.cache:11211' },
        { name: 'QUEUE_NAME', value: 'db' }, // not an address variable
        { name: 'OTHER_HOST', value: 'db.elsewhere' }, // another namespace than db's
        { name: 'LOCAL_URL', value: 'http://localhost:8080' },
      ],
      args: ['--upstream=search:9200', '--name', 'db'],
      volumeMounts: [{ name: 'conf', mountPath: '/etc/app' }],
    }], { spec: { volumes: [{ name: 'conf', configMap: { name: 'client-conf' } }] } });
    (client.metadata as any).namespace = 'shop';
    const inShop = (o: any) => ({ ...o, metadata: { ...o.metadata, namespace: 'shop' } });
    const d = TopologyDiagram.fromManifests([
      client,
      inShop(service('db', { app: 'db' })),
      inShop(service('cache', { app: 'cache' }, { clusterIP: 'None' })),
      inShop(service('search', { app: 'search' })),
      inShop(service('metrics', { app: 'metrics' })),
      inShop({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'client-conf' }, data: { 'app.yaml': 'metrics:\n  address: metrics:9090\nname: db\n' } }),
    ]);
    expect(edgesOf(d, DiagramEdgeKind.CONNECTS)).toEqual([
      { from: 'app', to: 'cache', label: 'PEERS_ADDRESSES' },
      { from: 'app', to: 'db', label: 'DATABASE_URL' },
      { from: 'app', to: 'metrics', label: 'app.yaml' },
      { from: 'app', to: 'search', label: 'args' },
    ]);
  });

  test('a LeaderElected workload runs as its ServiceAccount, which its RoleBinding binds to its Role', () => {
    const chart = Testing.chart();
    const le = new LeaderElected(chart, 'ctl', { containers: [{ image: 'shop/ctl:1.0', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/ready') }] });
    const d = TopologyDiagram.fromChart(chart);
    expect(edgesOf(d, DiagramEdgeKind.RUNS_AS)).toEqual([{ from: le.deployment.name, to: le.serviceAccount.name, label: 'runs as' }]);
    expect(edgesOf(d, DiagramEdgeKind.BINDS)).toEqual([{ from: le.serviceAccount.name, to: le.role!.name, label: 'RoleBinding' }]);
    expect(node(d, 'Role', le.role!.name).label).toMatch(/get, update: leases\.coordination\.k8s\.io \(.+\)/);
  });

  test('bindings to objects that are not in the manifests draw them dashed, marked external', () => {
    const d = TopologyDiagram.fromManifests([{
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }],
    }]);
    expect(edgesOf(d, DiagramEdgeKind.BINDS)).toEqual([
      { from: 'ci', to: 'view', label: 'ClusterRoleBinding' },
      { from: 'devs', to: 'view', label: 'ClusterRoleBinding' },
    ]);
    expect(d.nodes.filter(n => n.external).map(n => n.label.split('\n')[0]).sort()).toEqual(['ClusterRole view', 'Group devs', 'ServiceAccount tools/ci']);
  });
});

describe('routes, autoscalers and notes', () => {
  test('Gateway → HTTPRoute → Services, with matches and weight shares; Ingress paths', () => {
    const d = TopologyDiagram.fromManifests([
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw' }, spec: { gatewayClassName: 'traefik', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] } },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'shop' },
        spec: {
          hostnames: ['shop.test'],
          parentRefs: [{ name: 'gw', sectionName: 'http' }, { name: 'shared', namespace: 'infra' }],
          rules: [
            { matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-variant', value: 'b' }] }], backendRefs: [{ name: 'api-b', port: 80 }] },
            { backendRefs: [{ name: 'api', port: 80, weight: 90 }, { name: 'api-canary', port: 80, weight: 10 }] },
          ],
        },
      },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing' }, spec: { ingressClassName: 'nginx', rules: [{ host: 'a.test', http: { paths: [{ path: '/x', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }] } },
      service('api', { app: 'api' }),
    ]);
    expect(edgesOf(d, DiagramEdgeKind.ROUTES)).toEqual([
      { from: 'gw', to: 'shop', label: 'http' },
      { from: 'shared', to: 'shop', label: undefined },
      { from: 'ing', to: 'api', label: 'a.test/x' },
      { from: 'shop', to: 'api', label: '/ · 90%' },
      { from: 'shop', to: 'api-b', label: '/api x-variant: b' },
      { from: 'shop', to: 'api-canary', label: '/ · 10%' },
    ]);
    expect(d.findNode('Service', 'api-canary')!.external).toBe(true);
    expect(d.findNode('Gateway', 'shared', 'infra')!.external).toBe(true);
  });

  test('an HPA scales its target; the workload says its replicas come from the autoscaler', () => {
    const d = TopologyDiagram.fromManifests([
      deployment('web', { app: 'web' }),
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { minReplicas: 2, maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] } },
    ]);
    expect(edgesOf(d, DiagramEdgeKind.SCALES)).toEqual([{ from: 'web', to: 'web', label: 'scales' }]);
    expect(node(d, 'HorizontalPodAutoscaler', 'web').label).toBe('HorizontalPodAutoscaler web\n2–5 replicas\ncpu 60%');
    expect(node(d, 'Deployment', 'web').label).toContain('replicas set by autoscaler');
  });

  test('NetworkPolicies as one summary line each, with the workloads their selectors pick; other objects counted', () => {
    const policy = (name: string, spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec });
    const d = TopologyDiagram.fromManifests([
      deployment('web', { app: 'web' }), deployment('db', { app: 'db' }),
      policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('db-in', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } }], ports: [{ port: 5432 }] }] }),
      policy('out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 53, protocol: 'UDP' }] }] }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
    ]);
    expect(d.findNode('Summary', 'NetworkPolicies')!.label.split('\n')).toEqual([
      '3 NetworkPolicies',
      'all pods: deny ingress; deny egress',
      'db: from web :5432',
      'web: to 10.0.0.0/8 :53/UDP',
    ]);
    expect(d.findNode('Summary', 'other objects')!.label.split('\n')).toEqual(['also in these manifests', '2 ConfigMap', '1 Secret']);
    const without = TopologyDiagram.fromManifests([policy('deny', { podSelector: {} })], { networkPolicies: false, otherObjects: true });
    expect(without.findNode('Summary', 'NetworkPolicies')).toBeUndefined();
    expect(without.findNode('Summary', 'other objects')!.label).toContain('1 NetworkPolicy');
  });
});

describe('Mermaid output', () => {
  test('names that are Mermaid keywords, arrowheads or collide after sanitizing get distinct valid ids', () => {
    const d = TopologyDiagram.fromManifests([
      service('end', { a: '1' }), service('o', { a: '1' }), service('x-y', { a: '1' }), service('x.y', { a: '1' }), service('class', { a: '1' }),
    ]);
    const ids = d.nodesOfKind('Service').map(n => n.id);
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(id).toMatch(/^[a-wyzA-WYZ][A-Za-z0-9_]*$/);
    expect(ids.sort()).toEqual(['svc_class', 'svc_end', 'svc_o', 'svc_x_y', 'svc_x_y_2']);
  });

  test('labels escape quotes, #, <, >, &, backticks and pipes; the result parses with Mermaid', () => {
    const nasty = 'a"b#c<d>e&f`g|h';
    const d = TopologyDiagram.fromManifests([
      deployment('web', { app: 'web' }, [{ name: 'app', image: `img:1 ${nasty}` }]),
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing' }, spec: { rules: [{ host: 'a.test', http: { paths: [{ path: `/${nasty}`, backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
      service('web', { app: 'web' }),
    ]);
    const text = d.toMermaid();
    expect(text).toContain('img:1 a#quot;b#35;c#lt;d#gt;e#38;f#96;g#124;h');
    expect(text).not.toContain(nasty);
    expect(mermaidParseErrors([{ name: 'nasty', text }])).toEqual([]);
  });

  test('the same manifests in any order give the same bytes; the direction option sets the header', () => {
    const ms = [deployment('b', { app: 'b' }), deployment('a', { app: 'a' }), service('a', { app: 'a' }), service('b', { app: 'b' })];
    const text = TopologyDiagram.fromManifests(ms).toMermaid();
    expect(TopologyDiagram.fromManifests([...ms].reverse()).toMermaid()).toBe(text);
    expect(text.split('\n')[0]).toBe('flowchart LR');
    expect(TopologyDiagram.fromManifests(ms, { direction: DiagramDirection.TOP_TO_BOTTOM }).toMermaid().split('\n')[0]).toBe('flowchart TB');
    expect(TopologyDiagram.fromManifests(ms, { images: false }).toMermaid()).not.toContain('shop/app:1.0');
  });

  test('fromYamlFile reads a synthesized file like fromManifests reads its objects', () => {
    const ms = [deployment('web', { app: 'web' }), service('web', { app: 'web' })];
    const file = join(mkdtempSync(join(tmpdir(), 'diagram-')), 'app.k8s.yaml');
    writeFileSync(file, Yaml.stringify(...ms));
    expect(TopologyDiagram.fromYamlFile(file).toMermaid()).toBe(TopologyDiagram.fromManifests(ms).toMermaid());
  });

  test('invalid input fails naming the factory, the field, the value and what is allowed', () => {
    expect(() => TopologyDiagram.fromManifests({} as any)).toThrow('TopologyDiagram.fromManifests: invalid manifests {}: must be an array of Kubernetes objects');
    expect(() => TopologyDiagram.fromManifests([], { direction: 'LR2' as any })).toThrow('TopologyDiagram: invalid options.direction "LR2": must be one of LR, TB');
    expect(() => TopologyDiagram.fromManifests([], { images: 'no' as any })).toThrow('TopologyDiagram: invalid options.images "no": must be a boolean');
    expect(() => TopologyDiagram.fromManifests([], null as any)).toThrow('TopologyDiagram: invalid options null: must be an object');
    expect(() => TopologyDiagram.fromChart({} as any)).toThrow('TopologyDiagram.fromChart: invalid chart {}: must be a cdk8s Chart');
    expect(() => TopologyDiagram.fromYamlFile('')).toThrow('TopologyDiagram.fromYamlFile: invalid file "": must be the path of a YAML file');
  });

  test('objects without a kind or a name, null documents and Lists are handled', () => {
    const d = TopologyDiagram.fromManifests([null, {}, { kind: 'Service' }, { apiVersion: 'v1', kind: 'List', metadata: { name: 'l' }, items: [service('in-list', { a: 'b' })] }]);
    expect(d.nodesOfKind('Service').map(n => n.name)).toEqual(['in-list']);
  });
});
