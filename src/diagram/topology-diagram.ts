import { Chart, Yaml } from 'cdk8s';
import { ContainerRole, DiagramDirection, DiagramEdge, DiagramEdgeKind, DiagramNode } from './diagram-elements';
import { cmp } from './label-selector';
import { Arrow, edgeSyntax, labelLines, nodeSyntax } from './mermaid-syntax';
import { GraphNode, NodeClass, TopologyBuilder } from './topology-builder';
import { invalidInput } from '../core/validation';

/**
 * Options of a `TopologyDiagram`.
 */
export interface TopologyDiagramOptions {
  /**
   * The direction of the flowchart.
   * @default DiagramDirection.LEFT_TO_RIGHT
   */
  readonly direction?: DiagramDirection;

  /**
   * Draw a note that summarizes the NetworkPolicies, one line per policy: the workloads it
   * selects and what it allows in and out.
   * @default true
   */
  readonly networkPolicies?: boolean;

  /**
   * Draw a note that counts, by kind, the objects the diagram does not otherwise show
   * (ConfigMaps, Secrets, CRDs, quotas, custom resources, ...), so nothing deployed is hidden.
   * @default true
   */
  readonly otherObjects?: boolean;

  /**
   * Show each container's image in its box.
   * @default true
   */
  readonly images?: boolean;
}

/** Style of each node class (fills with dark text, readable in light and dark themes). */
const CLASS_STYLES: { [c in NodeClass]: string } = {
  main: 'fill:#dbeafe,stroke:#1d4ed8,color:#0f172a',
  helper: 'fill:#ede9fe,stroke:#6d28d9,color:#0f172a',
  init: 'fill:#f1f5f9,stroke:#64748b,color:#0f172a,stroke-dasharray: 4 3',
  volume: 'fill:#fefce8,stroke:#a16207,color:#0f172a',
  service: 'fill:#dcfce7,stroke:#15803d,color:#0f172a',
  entry: 'fill:#fef3c7,stroke:#b45309,color:#0f172a',
  scaler: 'fill:#e0f2fe,stroke:#0369a1,color:#0f172a',
  rbac: 'fill:#fee2e2,stroke:#b91c1c,color:#0f172a',
  note: 'fill:#fafafa,stroke:#a3a3a3,color:#0f172a',
  external: 'fill:#ffffff,stroke:#737373,color:#0f172a,stroke-dasharray: 5 5',
};

/** Arrow of each edge kind. */
const ARROWS: { [k in DiagramEdgeKind]: Arrow } = {
  [DiagramEdgeKind.SELECTS]: Arrow.SOLID,
  [DiagramEdgeKind.ROUTES]: Arrow.THICK,
  [DiagramEdgeKind.CONNECTS]: Arrow.DOTTED,
  [DiagramEdgeKind.RUNS_AS]: Arrow.DOTTED_OPEN,
  [DiagramEdgeKind.BINDS]: Arrow.SOLID,
  [DiagramEdgeKind.SCALES]: Arrow.DOTTED,
  [DiagramEdgeKind.STARTS_BEFORE]: Arrow.SOLID,
  [DiagramEdgeKind.ENDPOINTS]: Arrow.DOTTED,
  [DiagramEdgeKind.MOUNTS]: Arrow.DOTTED,
};

/**
 * A picture of what a set of Kubernetes manifests deploys, as a Mermaid flowchart: each workload
 * (Deployment, StatefulSet, DaemonSet, Job, CronJob, KEDA ScaledJob, Pod) as a box holding its
 * containers (init containers in order, native sidecars, the main container, sidecars,
 * ambassadors, adapters) and the volumes they share, the Services whose selectors match its pods, the Gateways, HTTPRoutes
 * and Ingresses in front of them, the Services its containers reach by DNS name (a WorkQueue's
 * `QUEUE_URL`, an ambassador's upstreams), the ServiceAccount it runs as and the Roles bound to
 * it, its autoscalers, and notes for NetworkPolicies and the remaining objects.
 *
 * It reads only the manifests (plain objects, as synthesized), so it draws any chart, written
 * with these patterns or not, and every edge is computed: a Service's edges are the workloads
 * its selector matches (a StatefulSet's per-pod labels included), a route's the Services it
 * names, a reference the Services a DNS name resolves to. The output is deterministic (sorted),
 * its identifiers are valid Mermaid ids and every label is escaped.
 *
 * Usage: `TopologyDiagram.fromChart(chart).toMermaid()` gives the text of a `.mmd` file;
 * `fromYamlFile('dist/shop.k8s.yaml')` draws a synthesized chart.
 */
export class TopologyDiagram {
  /**
   * The diagram of synthesized manifests (plain objects, e.g. the documents of a
   * `*.k8s.yaml` file or `Testing.synth(chart)`).
   */
  public static fromManifests(manifests: any[], options: TopologyDiagramOptions = {}): TopologyDiagram {
    if (!Array.isArray(manifests)) invalidInput('TopologyDiagram.fromManifests', 'manifests', manifests, 'must be an array of Kubernetes objects');
    return new TopologyDiagram(manifests, options);
  }

  /** The diagram of a chart's manifests (`chart.toJson()`). */
  public static fromChart(chart: Chart, options: TopologyDiagramOptions = {}): TopologyDiagram {
    if (!(chart instanceof Chart)) invalidInput('TopologyDiagram.fromChart', 'chart', chart, 'must be a cdk8s Chart');
    return new TopologyDiagram(chart.toJson(), options);
  }

  /** The diagram of a YAML file of manifests, e.g. a chart's `dist/<chart>.k8s.yaml`. */
  public static fromYamlFile(file: string, options: TopologyDiagramOptions = {}): TopologyDiagram {
    if (typeof file !== 'string' || file === '') invalidInput('TopologyDiagram.fromYamlFile', 'file', file, 'must be the path of a YAML file');
    return new TopologyDiagram(Yaml.load(file), options);
  }

  /** The nodes: workloads (groups), containers (with `parent`), Services, routes, RBAC, notes. */
  public readonly nodes: DiagramNode[];

  /** The edges, sorted by source, target and kind. */
  public readonly edges: DiagramEdge[];

  private readonly graphNodes: GraphNode[];
  private readonly direction: DiagramDirection;

  private constructor(manifests: unknown[], options: TopologyDiagramOptions) {
    if (options === null || typeof options !== 'object') invalidInput('TopologyDiagram', 'options', options, 'must be an object');
    const direction = options.direction ?? DiagramDirection.LEFT_TO_RIGHT;
    if (!Object.values(DiagramDirection).includes(direction)) invalidInput('TopologyDiagram', 'options.direction', direction, `must be one of ${Object.values(DiagramDirection).join(', ')}`);
    for (const f of ['networkPolicies', 'otherObjects', 'images'] as const) {
      if (options[f] !== undefined && typeof options[f] !== 'boolean') invalidInput('TopologyDiagram', `options.${f}`, options[f], 'must be a boolean');
    }
    this.direction = direction;
    const graph = new TopologyBuilder(manifests, {
      networkPolicies: options.networkPolicies ?? true,
      otherObjects: options.otherObjects ?? true,
      images: options.images ?? true,
    });
    this.graphNodes = [...graph.nodes].sort((a, b) => compareOrder(a.order, b.order));
    this.nodes = this.graphNodes.map(({ shape, styleClass, group, order, ...node }) => dropUndefined(node));
    this.edges = graph.edges;
  }

  /** The nodes of one Kubernetes kind (or `Container`), e.g. every Service. */
  public nodesOfKind(kind: string): DiagramNode[] {
    return this.nodes.filter(n => n.kind === kind);
  }

  /**
   * The node of an object.
   * @param kind the Kubernetes kind, e.g. `Deployment`
   * @param name the object's name
   * @param objectNamespace the object's namespace, if its manifest has one
   * @returns the node, or undefined when the diagram has none
   */
  public findNode(kind: string, name: string, objectNamespace?: string): DiagramNode | undefined {
    return this.nodes.find(n => n.kind === kind && n.name === name && n.objectNamespace === objectNamespace);
  }

  /** The containers drawn in a workload's box, in pod order (init containers first). */
  public containersOf(workload: DiagramNode): DiagramNode[] {
    return this.nodes.filter(n => n.parent === workload.id && n.kind === 'Container');
  }

  /** The Mermaid flowchart, e.g. for a `.mmd` file or a ```` ```mermaid ```` block. */
  public toMermaid(): string {
    const out = [`flowchart ${this.direction}`];
    for (const n of this.graphNodes.filter(x => x.parent === undefined)) {
      if (!n.group) {
        out.push(`  ${nodeSyntax(n.id, n.shape, labelLines(n.label.split('\n')))}`);
        continue;
      }
      out.push(`  subgraph ${n.id}["${labelLines(n.label.split('\n'))}"]`);
      out.push('    direction TB');
      for (const c of this.graphNodes.filter(x => x.parent === n.id)) out.push(`    ${nodeSyntax(c.id, c.shape, labelLines(c.label.split('\n')))}`);
      out.push('  end');
    }
    for (const e of this.edges) out.push(`  ${edgeSyntax(e.source, ARROWS[e.kind], e.target, e.label ? labelLines([e.label]) : undefined)}`);
    for (const [cls, style] of Object.entries(CLASS_STYLES)) {
      const ids = this.graphNodes.filter(n => !n.group && n.styleClass === cls).map(n => n.id).sort(cmp);
      if (ids.length === 0) continue;
      out.push(`  classDef ${cls} ${style}`);
      out.push(`  class ${ids.join(',')} ${cls}`);
    }
    return `${out.join('\n')}\n`;
  }

  /** The containers with a given role, across all workloads. */
  public containersWithRole(role: ContainerRole): DiagramNode[] {
    return this.nodes.filter(n => n.kind === 'Container' && n.containerRole === role);
  }
}

function compareOrder(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return cmp(String(x), String(y));
  }
  return 0;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
