/**
 * NetworkPolicies as one line each for the diagram's summary note: which pods a policy selects
 * (by workload, computed from the selectors) and what it allows in and out. Internal to the
 * diagram module.
 */
import { cmp, describeLabelSelector, isMap, labelSelectorMatches } from './label-selector';
import { ManifestObject, WorkloadObject } from './manifest-objects';

/** One summary line per NetworkPolicy, sorted; policies with the same effect share a line (`×2`). */
export function networkPolicyLines(policies: readonly ManifestObject[], workloads: readonly WorkloadObject[]): string[] {
  const counts = new Map<string, number>();
  for (const p of policies) {
    const line = policyLine(p, workloads);
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts.entries()].map(([line, n]) => (n > 1 ? `${line} (×${n})` : line)).sort(cmp);
}

function policyLine(policy: ManifestObject, workloads: readonly WorkloadObject[]): string {
  const spec = isMap(policy.raw.spec) ? policy.raw.spec : {};
  const targets = pods(spec.podSelector, policy.ns, workloads);
  const ingress = Array.isArray(spec.ingress) ? spec.ingress : [];
  const egress = Array.isArray(spec.egress) ? spec.egress : [];
  const types: string[] = Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String)
    : egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  const parts: string[] = [];
  if (types.includes('Ingress')) {
    if (ingress.length === 0) parts.push('deny ingress');
    for (const r of ingress) parts.push(`from ${peers(r?.from, policy.ns, workloads)}${ports(r?.ports)}`);
  }
  if (types.includes('Egress')) {
    if (egress.length === 0) parts.push('deny egress');
    for (const r of egress) parts.push(`to ${peers(r?.to, policy.ns, workloads)}${ports(r?.ports)}`);
  }
  return `${targets}: ${parts.join('; ')}`;
}

/** True for a selector that selects every pod: `{}`, or no labels and no expressions. */
function selectsAll(selector: unknown): boolean {
  if (!isMap(selector)) return false;
  const labels = selector.matchLabels;
  const expressions = selector.matchExpressions;
  return (!isMap(labels) || Object.keys(labels).length === 0) && (!Array.isArray(expressions) || expressions.length === 0);
}

/**
 * The pods a selector picks in `ns`: `all pods`, the workloads whose pods it matches (a
 * StatefulSet's pods by name when it picks only some), or the selector itself when it matches
 * none of the manifests' pods.
 */
function pods(selector: unknown, ns: string, workloads: readonly WorkloadObject[]): string {
  if (selectsAll(selector)) return 'all pods';
  const names: string[] = [];
  for (const w of workloads.filter(x => x.ns === ns)) {
    const picked = w.pods.filter(p => labelSelectorMatches(selector, p.labels));
    if (picked.length === 0) continue;
    if (picked.length < w.pods.length && picked.every(p => p.name)) names.push(...picked.map(p => `pod ${p.name}`));
    else names.push(w.name);
  }
  return names.length > 0 ? names.sort(cmp).join(', ') : `pods ${describeLabelSelector(selector)}`;
}

function peers(list: unknown, ns: string, workloads: readonly WorkloadObject[]): string {
  if (!Array.isArray(list) || list.length === 0) return 'anywhere';
  return list.map(peer => {
    if (!isMap(peer)) return '?';
    if (isMap(peer.ipBlock)) {
      const except = Array.isArray(peer.ipBlock.except) && peer.ipBlock.except.length > 0 ? ` except ${peer.ipBlock.except.join(', ')}` : '';
      return `${String(peer.ipBlock.cidr)}${except}`;
    }
    if (isMap(peer.namespaceSelector)) {
      const nsText = Object.keys(peer.namespaceSelector).length === 0 ? 'any namespace' : `namespace ${describeLabelSelector(peer.namespaceSelector)}`
        .replace('namespace kubernetes.io/metadata.name=', 'namespace ');
      return peer.podSelector === undefined ? nsText : `${nsText} ${describeLabelSelector(peer.podSelector)}`;
    }
    return pods(peer.podSelector, ns, workloads);
  }).join(', ');
}

function ports(list: unknown): string {
  if (!Array.isArray(list) || list.length === 0) return '';
  return ` :${list.map(p => {
    if (!isMap(p)) return '?';
    const port = p.port === undefined ? 'any' : String(p.port) + (p.endPort !== undefined ? `-${String(p.endPort)}` : '');
    return p.protocol && p.protocol !== 'TCP' ? `${port}/${String(p.protocol)}` : port;
  }).join(', :')}`;
}
