/**
 * The text of the diagram's labels: Service ports, route matches and weight shares, Job and
 * autoscaler summaries, RBAC rules. Internal to the diagram module.
 */
import { DiagramEdgeKind } from './diagram-elements';
import { cmp } from './label-selector';

/** An edge's labels as one: a container's references to a WorkQueue's queue read `queue: QUEUE_HOST, QUEUE_URL`. */
export function edgeLabel(kind: DiagramEdgeKind, labels: string[]): string {
  const text = labels.join(', ');
  return kind === DiagramEdgeKind.CONNECTS && labels.some(l => l.startsWith('QUEUE_')) ? `queue: ${text}` : text;
}

export function jobLine(spec: any): string {
  const parts = [`completions ${spec.completions === undefined ? 'unset' : String(spec.completions)}`, `parallelism ${String(spec.parallelism ?? 1)}`];
  if (spec.completionMode === 'Indexed') parts.push('Indexed');
  return parts.join(' · ');
}

export function triggerTypes(triggers: unknown): string {
  const types = (Array.isArray(triggers) ? triggers : []).map((t: any) => String(t?.type));
  return types.length > 0 ? [...new Set(types)].sort(cmp).join(', ') : 'no trigger';
}

export function hpaMetrics(metrics: unknown): string {
  return (Array.isArray(metrics) ? metrics : []).map((m: any) => {
    const target = m?.resource?.target ?? m?.containerResource?.target;
    if (m?.type === 'Resource' || m?.type === 'ContainerResource') {
      const r = m.resource ?? m.containerResource;
      return `${String(r?.name)} ${target?.averageUtilization !== undefined ? `${String(target.averageUtilization)}%` : String(target?.averageValue ?? target?.value ?? '')}`.trim();
    }
    const metric = m?.pods?.metric ?? m?.object?.metric ?? m?.external?.metric;
    return `${String(m?.type)} ${String(metric?.name ?? '')}`.trim();
  }).join(', ') || 'cpu 80%';
}

export function servicePorts(ports: unknown): string {
  return (Array.isArray(ports) ? ports : []).map((p: any) => {
    const target = p?.targetPort !== undefined && String(p.targetPort) !== String(p.port) ? `→${String(p.targetPort)}` : '';
    const node = p?.nodePort !== undefined ? ` node ${String(p.nodePort)}` : '';
    const proto = p?.protocol && p.protocol !== 'TCP' ? `/${String(p.protocol)}` : '';
    return `:${String(p?.port)}${target}${proto}${node}`;
  }).join(', ');
}

export function routeMatch(kind: string, matches: unknown): string {
  if (!Array.isArray(matches) || matches.length === 0) return kind === 'HTTPRoute' ? '/' : 'all';
  return matches.map((m: any) => {
    const parts: string[] = [];
    if (m?.path) parts.push(m.path.type === 'Exact' ? `= ${String(m.path.value)}` : m.path.type === 'RegularExpression' ? `~ ${String(m.path.value)}` : String(m.path.value ?? '/'));
    if (m?.method && kind === 'HTTPRoute') parts.push(String(m.method));
    if (m?.method && kind === 'GRPCRoute') parts.push(`${String(m.method.service ?? '*')}/${String(m.method.method ?? '*')}`);
    for (const h of Array.isArray(m?.headers) ? m.headers : []) parts.push(`${String(h?.name)}${h?.type === 'RegularExpression' ? ' ~ ' : ': '}${String(h?.value)}`);
    for (const q of Array.isArray(m?.queryParams) ? m.queryParams : []) parts.push(`?${String(q?.name)}=${String(q?.value)}`);
    return parts.join(' ') || (kind === 'HTTPRoute' ? '/' : 'all');
  }).join(' or ');
}

export function percent(weight: number, total: number): string {
  if (total <= 0) return '0%';
  return `${Math.round((weight / total) * 1000) / 10}%`;
}

export function ruleLines(rules: unknown): string[] {
  return (Array.isArray(rules) ? rules : []).map((r: any) => {
    const verbs = (Array.isArray(r?.verbs) ? r.verbs : []).map(String).join(', ');
    if (Array.isArray(r?.nonResourceURLs)) return `${verbs}: ${r.nonResourceURLs.map(String).join(', ')}`;
    const groups: string[] = Array.isArray(r?.apiGroups) ? r.apiGroups.map(String) : [''];
    // `configwatchers/status` in group k8spatterns.com reads `configwatchers.k8spatterns.com/status`.
    const resources = (Array.isArray(r?.resources) ? r.resources : []).flatMap((res: unknown) => groups.map(g => {
      const [plural, ...sub] = String(res).split('/');
      return `${g === '' ? plural : `${plural}.${g}`}${sub.length > 0 ? `/${sub.join('/')}` : ''}`;
    }));
    const names = Array.isArray(r?.resourceNames) && r.resourceNames.length > 0 ? ` (${r.resourceNames.map(String).join(', ')})` : '';
    return `${verbs}: ${resources.join(', ')}${names}`;
  });
}
