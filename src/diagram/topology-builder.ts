/**
 * Builds the topology graph of a set of manifests: workloads with their containers, Services and
 * the workloads their selectors match, the gateways, routes and Ingresses in front of them, the
 * Services containers and autoscalers reach by name, RBAC subjects and their roles, and notes for
 * NetworkPolicies and everything else. Internal to the diagram module; `TopologyDiagram` is the API.
 */
import { ContainerRole, DiagramEdge, DiagramEdgeKind, DiagramNode } from './diagram-elements';
import { cmp, isMap, labelSelectorMatches, serviceSelects } from './label-selector';
import { edgeLabel, hpaMetrics, jobLine, percent, routeMatch, ruleLines, servicePorts, triggerTypes } from './label-text';
import { ManifestObject, WORKLOAD_KINDS, WorkloadObject, asWorkloadObject, byNamespaceAndName, intOr, normalize, stringMap } from './manifest-objects';
import { MermaidIds, Shape } from './mermaid-syntax';
import { networkPolicyLines } from './network-policy-summary';
import { configMapData, hostsInAddressValue, hostsWithPortIn, isAddressEnv, isAddressKey, resolveHost } from './service-references';
import { containerNodes } from './workload-containers';

/** Style classes of the nodes. */
export type NodeClass = 'main' | 'helper' | 'init' | 'volume' | 'service' | 'entry' | 'rbac' | 'scaler' | 'note' | 'external';

/** A node with what the renderer needs besides the public fields. */
export interface GraphNode extends DiagramNode {
  readonly shape: Shape;
  readonly styleClass: NodeClass;
  /** True for a workload: drawn as a subgraph holding its containers. */
  readonly group: boolean;
  /** Drawing order: section, then position. */
  readonly order: readonly (number | string)[];
}

/** What to draw besides workloads, Services, routes and RBAC. */
export interface BuildOptions {
  readonly networkPolicies: boolean;
  readonly otherObjects: boolean;
  readonly images: boolean;
}

/** Sections, in drawing order. */
const SECTION = { gateway: 0, ingress: 1, route: 2, service: 3, endpoints: 4, workload: 5, scaler: 6, account: 7, role: 8, note: 9 };

const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The graph of `manifests`. */
export class TopologyBuilder {
  public readonly nodes: GraphNode[] = [];
  private readonly edgeLabels = new Map<string, { edge: Omit<DiagramEdge, 'label'>; labels: Set<string> }>();
  private readonly ids = new MermaidIds();
  private readonly objects: ManifestObject[];
  /** The manifests drawn (by their raw object: workload views are copies). */
  private readonly drawn = new Set<object>();
  private readonly workloads: WorkloadObject[];
  private readonly services: ManifestObject[];
  private readonly nodeByKey = new Map<string, GraphNode>();

  constructor(manifests: readonly unknown[], private readonly options: BuildOptions) {
    this.objects = normalize(manifests);
    this.workloads = WORKLOAD_KINDS.flatMap(kind => byNamespaceAndName(this.objects.filter(o => o.kind === kind))
      .map(o => asWorkloadObject(o)).filter((w): w is WorkloadObject => w !== undefined));
    this.services = byNamespaceAndName(this.ofKind('Service', ''));
    this.addWorkloads();
    this.addServices();
    this.addGatewayRoutes();
    this.addIngresses();
    this.addScalers();
    this.addReferences();
    this.addRbac();
    this.addNotes();
  }

  /** The edges, one per (from, to, kind), labels merged, sorted. */
  public get edges(): DiagramEdge[] {
    return [...this.edgeLabels.values()]
      .map(({ edge, labels }) => (labels.size > 0 ? { ...edge, label: edgeLabel(edge.kind, [...labels].sort(cmp)) } : { ...edge }))
      .sort((a, b) => cmp(a.source, b.source) || cmp(a.target, b.target) || cmp(a.kind, b.kind));
  }

  private ofKind(kind: string, group?: string): ManifestObject[] {
    return this.objects.filter(o => o.kind === kind && (group === undefined || o.apiVersion.split('/')[0] === group || (group === '' && !o.apiVersion.includes('/'))));
  }

  private key(kind: string, ns: string, name: string): string {
    return `${kind}|${ns}|${name}`;
  }

  private addNode(node: Omit<GraphNode, 'id'> & { key: string; prefix: string; idHint?: string }): GraphNode {
    const existing = this.nodeByKey.get(node.key);
    if (existing) return existing;
    const { key, prefix, idHint, ...rest } = node;
    const id = this.ids.allocate(key, prefix, idHint ?? rest.name);
    const added: GraphNode = { id, ...rest };
    this.nodes.push(added);
    this.nodeByKey.set(key, added);
    return added;
  }

  private objectNode(o: ManifestObject, prefix: string, section: number, shape: Shape, styleClass: NodeClass, lines: string[]): GraphNode {
    this.drawn.add(o.raw);
    return this.addNode({
      key: this.key(o.kind, o.ns, o.name),
      prefix,
      kind: o.kind,
      name: o.name,
      objectNamespace: o.namespace,
      label: [...lines, ...(o.namespace ? [`namespace ${o.namespace}`] : [])].join('\n'),
      shape,
      styleClass,
      group: false,
      order: [section, o.ns, o.name, o.kind],
    });
  }

  /** A node for an object the manifests reference but do not contain. */
  private externalNode(kind: string, ns: string, name: string, prefix: string, section: number, shape: Shape): GraphNode {
    return this.addNode({
      key: this.key(kind, ns, name),
      prefix,
      kind,
      name,
      objectNamespace: ns || undefined,
      external: true,
      label: `${kind} ${ns ? `${ns}/` : ''}${name}\n(not in these manifests)`,
      shape,
      styleClass: 'external',
      group: false,
      order: [section, ns, name, kind],
    });
  }

  public edge(source: string, target: string, kind: DiagramEdgeKind, label?: string): void {
    const k = `${source}|${target}|${kind}`;
    let e = this.edgeLabels.get(k);
    if (!e) this.edgeLabels.set(k, e = { edge: { source, target, kind }, labels: new Set() });
    if (label) e.labels.add(label);
  }

  private workloadNode(w: WorkloadObject): GraphNode | undefined {
    return this.nodeByKey.get(this.key(w.kind, w.ns, w.name));
  }

  // --- workloads and their containers -------------------------------------------------------

  private addWorkloads(): void {
    const budgets = this.ofKind('PodDisruptionBudget');
    this.workloads.forEach((w, i) => {
      const lines = [`${w.kind} ${w.name}`, ...this.workloadDetails(w)];
      for (const pdb of budgets) {
        if (pdb.ns !== w.ns || !w.pods.some(p => labelSelectorMatches(pdb.raw.spec?.selector, p.labels))) continue;
        this.drawn.add(pdb.raw);
        const s = pdb.raw.spec;
        lines.push(`PDB ${s.minAvailable !== undefined ? `minAvailable ${String(s.minAvailable)}` : s.maxUnavailable !== undefined ? `maxUnavailable ${String(s.maxUnavailable)}` : 'maxUnavailable 1'}`);
      }
      if (w.namespace) lines.push(`namespace ${w.namespace}`);
      this.drawn.add(w.raw);
      const group = this.addNode({
        key: this.key(w.kind, w.ns, w.name),
        prefix: 'wl',
        kind: w.kind,
        name: w.name,
        objectNamespace: w.namespace,
        label: lines.join('\n'),
        shape: Shape.BOX,
        styleClass: 'main',
        group: true,
        order: [SECTION.workload, i],
      });
      containerNodes(w, group.id, this.options.images, this.ofKind('ConfigMap')).forEach((c, j) => {
        this.addNode({ ...c, key: `${group.id}|container|${c.name}`, prefix: 'ct', idHint: `${group.id.replace(/^wl_/, '')}_${c.name}`, order: [SECTION.workload, i, j] });
      });
      this.addSharedVolumes(w, group, i);
    });
    for (const group of this.nodes.filter(n => n.group)) {
      const inits = this.nodes.filter(n => n.parent === group.id && n.initOrder !== undefined)
        .sort((a, b) => (a.initOrder ?? 0) - (b.initOrder ?? 0));
      const main = this.nodes.find(n => n.parent === group.id && n.containerRole === ContainerRole.MAIN);
      const chain = main ? [...inits, main] : inits;
      for (let i = 1; i < chain.length; i++) this.edge(chain[i - 1].id, chain[i].id, DiagramEdgeKind.STARTS_BEFORE);
    }
  }

  /** The volumes two or more containers of the pod mount, with the direction the data flows. */
  private addSharedVolumes(w: WorkloadObject, group: GraphNode, position: number): void {
    const spec = w.template.spec;
    const containers: any[] = [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), ...spec.containers];
    const volumes: any[] = Array.isArray(spec.volumes) ? spec.volumes : [];
    volumes.forEach((v, k) => {
      const mounts = containers.flatMap(c => (Array.isArray(c?.volumeMounts) ? c.volumeMounts : [])
        .filter((m: any) => m?.name === v?.name).map((m: any) => ({ container: String(c.name), mount: m })));
      if (typeof v?.name !== 'string' || new Set(mounts.map(m => m.container)).size < 2) return;
      const source = ['emptyDir', 'configMap', 'secret', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'image', 'hostPath', 'ephemeral', 'csi']
        .find(t => v[t] !== undefined) ?? 'volume';
      const detail = v.configMap?.name ?? v.secret?.secretName ?? v.persistentVolumeClaim?.claimName ?? '';
      const node = this.addNode({
        key: `${group.id}|volume|${v.name}`,
        prefix: 'vol',
        idHint: `${group.id.replace(/^wl_/, '')}_${v.name}`,
        kind: 'Volume',
        name: v.name,
        label: [`${source} ${v.name}`, detail].filter(x => x).join('\n'),
        parent: group.id,
        shape: Shape.CYLINDER,
        styleClass: 'volume',
        group: false,
        order: [SECTION.workload, position, 10_000 + k],
      });
      for (const { container, mount } of mounts) {
        const c = this.nodes.find(n => n.parent === group.id && n.kind === 'Container' && n.name === container);
        if (!c) continue;
        const path = `${String(mount.mountPath)}${mount.subPath ? ` (${String(mount.subPath)})` : ''}`;
        if (mount.readOnly === true) this.edge(node.id, c.id, DiagramEdgeKind.MOUNTS, `${path} read-only`);
        else this.edge(c.id, node.id, DiagramEdgeKind.MOUNTS, path);
      }
    });
  }

  private workloadDetails(w: WorkloadObject): string[] {
    const spec = w.raw.spec ?? {};
    switch (w.kind) {
      case 'Deployment':
      case 'ReplicaSet':
      case 'StatefulSet': {
        const scaled = this.scalerFor(w);
        const n = intOr(spec.replicas, 1);
        return [`${scaled ? 'replicas set by autoscaler' : `${n} ${n === 1 ? 'replica' : 'replicas'}`}${spec.strategy?.type === 'Recreate' ? ' · Recreate' : ''}`];
      }
      case 'DaemonSet': return ['one pod per node'];
      case 'Job': return [jobLine(spec)];
      case 'CronJob': return [`schedule ${String(spec.schedule)}${spec.timeZone ? ` ${String(spec.timeZone)}` : ''}`, jobLine(spec.jobTemplate?.spec ?? {})];
      case 'ScaledJob': return [`KEDA: up to ${intOr(spec.maxReplicaCount, 100)} Jobs on ${triggerTypes(spec.triggers)}`];
      default: return [];
    }
  }

  private scalerFor(w: WorkloadObject): boolean {
    return this.objects.some(o => (o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject') && o.ns === w.ns
      && o.raw.spec?.scaleTargetRef?.name === w.name && (o.raw.spec?.scaleTargetRef?.kind ?? 'Deployment') === w.kind);
  }

  // --- Services ------------------------------------------------------------------------------

  private addServices(): void {
    const slices = this.ofKind('EndpointSlice');
    for (const s of this.services) {
      const spec = s.raw.spec ?? {};
      const selected = this.workloads.filter(w => w.ns === s.ns && w.pods.some(p => serviceSelects(spec.selector, p.labels)));
      const type = spec.type ?? 'ClusterIP';
      const lines = [`Service ${s.name}`];
      if (type === 'ExternalName') lines.push(`ExternalName ${String(spec.externalName)}`);
      else lines.push([spec.clusterIP === 'None' ? 'headless' : type, servicePorts(spec.ports), spec.internalTrafficPolicy === 'Local' ? 'node-local' : ''].filter(x => x).join(' · '));
      if (type !== 'ExternalName' && !isMap(spec.selector)) lines.push('no selector');
      else if (type !== 'ExternalName' && selected.length === 0) lines.push('selects no pod in these manifests');
      const node = this.objectNode(s, 'svc', SECTION.service, Shape.STADIUM, 'service', lines);
      for (const w of selected) {
        const pods = w.pods.filter(p => serviceSelects(spec.selector, p.labels));
        const wl = this.workloadNode(w)!;
        this.edge(node.id, wl.id, DiagramEdgeKind.SELECTS, pods.length < w.pods.length && pods.every(p => p.name) ? pods.map(p => `pod ${p.name}`).join(', ') : undefined);
      }
      for (const slice of slices.filter(e => e.ns === s.ns && stringMap(e.raw.metadata?.labels)['kubernetes.io/service-name'] === s.name)) {
        const endpoints: any[] = Array.isArray(slice.raw.endpoints) ? slice.raw.endpoints : [];
        const addresses = endpoints.flatMap(e => (Array.isArray(e?.addresses) ? e.addresses.map(String) : []));
        const ep = this.objectNode(slice, 'ep', SECTION.endpoints, Shape.CYLINDER, 'external', [`EndpointSlice ${slice.name}`, addresses.join(', ') || 'no addresses']);
        this.edge(node.id, ep.id, DiagramEdgeKind.ENDPOINTS);
      }
    }
  }

  private serviceNode(ns: string, name: string): GraphNode {
    return this.nodeByKey.get(this.key('Service', ns, name)) ?? this.externalNode('Service', ns, name, 'svc', SECTION.service, Shape.STADIUM);
  }

  // --- Gateway API and Ingress -----------------------------------------------------------------

  private addGatewayRoutes(): void {
    for (const g of byNamespaceAndName(this.ofKind('Gateway', 'gateway.networking.k8s.io'))) {
      const spec = g.raw.spec ?? {};
      const listeners = (Array.isArray(spec.listeners) ? spec.listeners : []).map((l: any) =>
        `${String(l?.name)}: ${String(l?.protocol)} ${String(l?.port)}${l?.hostname ? ` ${String(l.hostname)}` : ''}`);
      this.objectNode(g, 'gw', SECTION.gateway, Shape.HEXAGON, 'entry', [`Gateway ${g.name}`, `class ${String(spec.gatewayClassName)}`, ...listeners]);
    }
    const routes = byNamespaceAndName(this.objects.filter(o => ROUTE_KINDS.includes(o.kind) && o.apiVersion.startsWith('gateway.networking.k8s.io/')));
    for (const r of routes) {
      const spec = r.raw.spec ?? {};
      const hosts: string[] = Array.isArray(spec.hostnames) ? spec.hostnames.map(String) : [];
      const node = this.objectNode(r, 'rt', SECTION.route, Shape.PARALLELOGRAM, 'entry', [`${r.kind} ${r.name}`, hosts.join(', ')]);
      for (const p of Array.isArray(spec.parentRefs) ? spec.parentRefs : []) {
        const kind = p?.kind ?? 'Gateway';
        const ns = p?.namespace ?? r.ns;
        const parent = this.nodeByKey.get(this.key(kind, ns, String(p?.name)))
          ?? this.externalNode(kind, ns, String(p?.name), kind === 'Service' ? 'svc' : 'gw', kind === 'Service' ? SECTION.service : SECTION.gateway, kind === 'Service' ? Shape.STADIUM : Shape.HEXAGON);
        const where = [p?.sectionName, p?.port !== undefined ? `port ${String(p.port)}` : undefined].filter(x => x).join(' ');
        this.edge(parent.id, node.id, DiagramEdgeKind.ROUTES, where || undefined);
      }
      for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
        const backends: any[] = Array.isArray(rule?.backendRefs) ? rule.backendRefs : [];
        const total = backends.reduce((sum, b) => sum + intOr(b?.weight, 1), 0);
        const match = routeMatch(r.kind, rule?.matches);
        for (const b of backends) {
          const kind = b?.kind ?? 'Service';
          const ns = b?.namespace ?? r.ns;
          const target = kind === 'Service' && (b?.group ?? '') === '' ? this.serviceNode(ns, String(b?.name)) : this.externalNode(kind, ns, String(b?.name), 'ext', SECTION.service, Shape.STADIUM);
          const weight = backends.length > 1 || (b?.weight !== undefined && intOr(b.weight, 1) !== 1) ? ` · ${percent(intOr(b?.weight, 1), total)}` : '';
          this.edge(node.id, target.id, DiagramEdgeKind.ROUTES, `${match}${weight}`);
        }
      }
    }
  }

  private addIngresses(): void {
    for (const ing of byNamespaceAndName(this.ofKind('Ingress', 'networking.k8s.io'))) {
      const spec = ing.raw.spec ?? {};
      const ann = stringMap(ing.raw.metadata?.annotations);
      const canary = ann['nginx.ingress.kubernetes.io/canary'] === 'true'
        ? ['canary', ...['weight', 'by-header', 'by-header-value', 'by-cookie'].filter(k => ann[`nginx.ingress.kubernetes.io/canary-${k}`] !== undefined)
          .map(k => `${k} ${ann[`nginx.ingress.kubernetes.io/canary-${k}`]}`)].join(' ')
        : '';
      const tls = Array.isArray(spec.tls) && spec.tls.length > 0 ? 'TLS' : '';
      const node = this.objectNode(ing, 'ing', SECTION.ingress, Shape.PARALLELOGRAM, 'entry',
        [`Ingress ${ing.name}`, [spec.ingressClassName ? `class ${String(spec.ingressClassName)}` : '', tls].filter(x => x).join(' · '), canary]);
      const backend = (b: any, label: string): void => {
        if (b?.service?.name) this.edge(node.id, this.serviceNode(ing.ns, String(b.service.name)).id, DiagramEdgeKind.ROUTES, label);
      };
      if (spec.defaultBackend) backend(spec.defaultBackend, 'default backend');
      for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
        for (const p of Array.isArray(rule?.http?.paths) ? rule.http.paths : []) {
          backend(p?.backend, `${rule?.host ? String(rule.host) : '*'}${p?.path ? String(p.path) : '/'}`);
        }
      }
    }
  }

  // --- autoscalers -----------------------------------------------------------------------------

  private addScalers(): void {
    const scalers = byNamespaceAndName([...this.ofKind('HorizontalPodAutoscaler', 'autoscaling'), ...this.ofKind('ScaledObject', 'keda.sh')]);
    for (const s of scalers) {
      const spec = s.raw.spec ?? {};
      const hpa = s.kind === 'HorizontalPodAutoscaler';
      const range = hpa ? `${intOr(spec.minReplicas, 1)}–${intOr(spec.maxReplicas, 1)} replicas` : `${intOr(spec.minReplicaCount, 0)}–${intOr(spec.maxReplicaCount, 100)} replicas`;
      const node = this.objectNode(s, 'as', SECTION.scaler, Shape.FLAG, 'scaler', [`${s.kind} ${s.name}`, range, hpa ? hpaMetrics(spec.metrics) : `on ${triggerTypes(spec.triggers)}`]);
      const ref = spec.scaleTargetRef ?? {};
      const kind = String(ref.kind ?? 'Deployment');
      const target = this.nodeByKey.get(this.key(kind, s.ns, String(ref.name))) ?? this.externalNode(kind, s.ns, String(ref.name), 'wl', SECTION.workload, Shape.BOX);
      this.edge(node.id, target.id, DiagramEdgeKind.SCALES, 'scales');
    }
  }

  // --- Services reached by name ----------------------------------------------------------------

  private addReferences(): void {
    const configMaps = this.ofKind('ConfigMap');
    for (const w of this.workloads) {
      const group = this.workloadNode(w)!;
      const selfServices = new Set(this.services.filter(s => s.ns === w.ns && w.pods.some(p => serviceSelects(s.raw.spec?.selector, p.labels))));
      const volumes: any[] = Array.isArray(w.template.spec.volumes) ? w.template.spec.volumes : [];
      const podSpec = w.template.spec;
      for (const c of [...(podSpec.initContainers ?? []), ...podSpec.containers]) {
        const from = this.nodes.find(n => n.parent === group.id && n.name === c?.name);
        if (!from) continue;
        const link = (hosts: string[], label: string): void => {
          for (const h of hosts) {
            for (const { service } of resolveHost(h, w.ns, this.services)) {
              if (!selfServices.has(service)) this.edge(from.id, this.serviceNode(service.ns, service.name).id, DiagramEdgeKind.CONNECTS, label);
            }
          }
        };
        for (const e of Array.isArray(c.env) ? c.env : []) {
          if (typeof e?.name === 'string' && typeof e.value === 'string' && isAddressEnv(e.name)) link(hostsInAddressValue(e.value), e.name);
        }
        link(hostsWithPortIn([...(c.command ?? []), ...(c.args ?? [])].map(String).join(' ')), 'args');
        const mounted = new Set((Array.isArray(c.volumeMounts) ? c.volumeMounts : []).map((m: any) => m?.name));
        const cmNames = volumes.filter(v => mounted.has(v?.name)).flatMap(v => [
          v?.configMap?.name, ...(Array.isArray(v?.projected?.sources) ? v.projected.sources.map((s: any) => s?.configMap?.name) : []),
        ]).filter((n): n is string => typeof n === 'string');
        for (const cm of configMaps.filter(m => m.ns === w.ns && cmNames.includes(m.name))) {
          for (const [key, text] of configMapData(cm)) link(hostsWithPortIn(text), key);
        }
        const fromRefs = (Array.isArray(c.envFrom) ? c.envFrom : []).map((f: any) => f?.configMapRef?.name).filter((n: unknown) => typeof n === 'string');
        for (const cm of configMaps.filter(m => m.ns === w.ns && fromRefs.includes(m.name))) {
          for (const [key, value] of configMapData(cm)) if (isAddressEnv(key)) link(hostsInAddressValue(value), key);
        }
      }
      if (w.kind === 'ScaledJob') this.triggerReferences(group, w.ns, w.raw.spec?.triggers, selfServices);
    }
    for (const s of this.ofKind('ScaledObject', 'keda.sh')) {
      const node = this.nodeByKey.get(this.key(s.kind, s.ns, s.name));
      if (node) this.triggerReferences(node, s.ns, s.raw.spec?.triggers, new Set());
    }
  }

  private triggerReferences(from: GraphNode, ns: string, triggers: unknown, skip: Set<ManifestObject>): void {
    for (const t of Array.isArray(triggers) ? triggers : []) {
      for (const [k, v] of Object.entries(stringMap(t?.metadata))) {
        if (!isAddressKey(k)) continue;
        for (const h of hostsInAddressValue(v)) {
          for (const { service } of resolveHost(h, ns, this.services)) {
            if (!skip.has(service)) this.edge(from.id, this.serviceNode(service.ns, service.name).id, DiagramEdgeKind.CONNECTS, `${String(t?.type)} trigger`);
          }
        }
      }
    }
  }

  // --- RBAC --------------------------------------------------------------------------------------

  private addRbac(): void {
    for (const sa of byNamespaceAndName(this.ofKind('ServiceAccount', ''))) {
      this.objectNode(sa, 'sa', SECTION.account, Shape.ROUNDED, 'rbac', [`ServiceAccount ${sa.name}`, sa.raw.automountServiceAccountToken === false ? 'token not mounted' : '']);
    }
    for (const role of byNamespaceAndName([...this.ofKind('Role', RBAC_GROUP), ...this.ofKind('ClusterRole', RBAC_GROUP)])) {
      this.objectNode(role, 'role', SECTION.role, Shape.SUBROUTINE, 'rbac', [`${role.kind} ${role.name}`, ...ruleLines(role.raw.rules)]);
    }
    for (const w of this.workloads) {
      const name = w.template.spec.serviceAccountName ?? w.template.spec.serviceAccount;
      if (typeof name !== 'string' || (name === 'default' && !this.nodeByKey.has(this.key('ServiceAccount', w.ns, name)))) continue;
      const sa = this.nodeByKey.get(this.key('ServiceAccount', w.ns, name)) ?? this.externalNode('ServiceAccount', w.ns, name, 'sa', SECTION.account, Shape.ROUNDED);
      this.edge(this.workloadNode(w)!.id, sa.id, DiagramEdgeKind.RUNS_AS, 'runs as');
    }
    for (const b of byNamespaceAndName([...this.ofKind('RoleBinding', RBAC_GROUP), ...this.ofKind('ClusterRoleBinding', RBAC_GROUP)])) {
      this.drawn.add(b.raw);
      const ref = b.raw.roleRef ?? {};
      const roleNs = ref.kind === 'Role' ? b.ns : '';
      const role = this.nodeByKey.get(this.key(String(ref.kind), roleNs, String(ref.name)))
        ?? this.externalNode(String(ref.kind), roleNs, String(ref.name), 'role', SECTION.role, Shape.SUBROUTINE);
      for (const s of Array.isArray(b.raw.subjects) ? b.raw.subjects : []) {
        const kind = String(s?.kind);
        const ns = kind === 'ServiceAccount' ? String(s?.namespace ?? b.ns) : '';
        const subject = this.nodeByKey.get(this.key(kind, ns, String(s?.name)))
          ?? this.externalNode(kind, ns, String(s?.name), 'sa', SECTION.account, Shape.ROUNDED);
        this.edge(subject.id, role.id, DiagramEdgeKind.BINDS, b.kind);
      }
    }
  }

  // --- notes -------------------------------------------------------------------------------------

  private addNotes(): void {
    const policies = byNamespaceAndName(this.ofKind('NetworkPolicy', 'networking.k8s.io'));
    if (this.options.networkPolicies && policies.length > 0) {
      for (const p of policies) this.drawn.add(p.raw);
      this.addNode({
        key: 'summary|network-policies',
        prefix: 'note',
        idHint: 'network_policies',
        kind: 'Summary',
        name: 'NetworkPolicies',
        label: [`${policies.length} ${policies.length === 1 ? 'NetworkPolicy' : 'NetworkPolicies'}`, ...networkPolicyLines(policies, this.workloads)].join('\n'),
        shape: Shape.BOX,
        styleClass: 'note',
        group: false,
        order: [SECTION.note, 0],
      });
    }
    const rest = new Map<string, number>();
    for (const o of this.objects) if (!this.drawn.has(o.raw)) rest.set(o.kind, (rest.get(o.kind) ?? 0) + 1);
    if (this.options.otherObjects && rest.size > 0) {
      this.addNode({
        key: 'summary|other-objects',
        prefix: 'note',
        idHint: 'other_objects',
        kind: 'Summary',
        name: 'other objects',
        label: ['also in these manifests', ...[...rest.entries()].sort(([a], [b]) => cmp(a, b)).map(([k, n]) => `${n} ${k}`)].join('\n'),
        shape: Shape.BOX,
        styleClass: 'note',
        group: false,
        order: [SECTION.note, 1],
      });
    }
  }
}
