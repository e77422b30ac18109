/**
 * Label selectors, evaluated the way the API server does, so that the diagram's edges are the
 * matches Kubernetes computes, not guesses from names. Internal to the diagram module.
 */

/** A set of labels (a pod's, or a pod template's). */
export type Labels = { readonly [key: string]: string };

/**
 * A Service's `spec.selector` (a plain map). An absent or empty map selects nothing: the
 * Service's endpoints are managed by someone else (an EndpointSlice, ExternalName).
 */
export function serviceSelects(selector: unknown, labels: Labels): boolean {
  if (!isMap(selector)) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels[k] === String(v));
}

/**
 * A `metav1.LabelSelector` (`matchLabels` and `matchExpressions`, ANDed), as in NetworkPolicy,
 * PodDisruptionBudget and workload selectors. `{}` selects everything; an absent selector
 * nothing.
 */
export function labelSelectorMatches(selector: unknown, labels: Labels): boolean {
  if (!isMap(selector)) return false;
  const matchLabels = (selector as { matchLabels?: unknown }).matchLabels;
  if (isMap(matchLabels) && !Object.entries(matchLabels).every(([k, v]) => labels[k] === String(v))) return false;
  const expressions = (selector as { matchExpressions?: unknown }).matchExpressions;
  if (Array.isArray(expressions)) {
    for (const e of expressions) {
      if (!isMap(e)) return false;
      const key = String((e as { key?: unknown }).key);
      const values = Array.isArray((e as { values?: unknown }).values) ? ((e as { values: unknown[] }).values).map(String) : [];
      const has = Object.prototype.hasOwnProperty.call(labels, key);
      switch ((e as { operator?: unknown }).operator) {
        case 'In': if (!has || !values.includes(labels[key])) return false; break;
        case 'NotIn': if (has && values.includes(labels[key])) return false; break;
        case 'Exists': if (!has) return false; break;
        case 'DoesNotExist': if (has) return false; break;
        default: return false;
      }
    }
  }
  return true;
}

/** A short text form of a label selector, e.g. `app=web, tier in (a,b)`; `all pods` for `{}`. */
export function describeLabelSelector(selector: unknown): string {
  if (!isMap(selector)) return 'no pods';
  const parts: string[] = [];
  const matchLabels = (selector as { matchLabels?: unknown }).matchLabels;
  if (isMap(matchLabels)) for (const [k, v] of Object.entries(matchLabels).sort(([a], [b]) => cmp(a, b))) parts.push(`${k}=${String(v)}`);
  const expressions = (selector as { matchExpressions?: unknown }).matchExpressions;
  if (Array.isArray(expressions)) {
    for (const e of expressions) {
      if (!isMap(e)) continue;
      const values = Array.isArray((e as { values?: unknown }).values) ? `(${((e as { values: unknown[] }).values).map(String).join(',')})` : '';
      parts.push(`${String((e as { key?: unknown }).key)} ${String((e as { operator?: unknown }).operator)}${values ? ` ${values}` : ''}`);
    }
  }
  return parts.length === 0 ? 'all pods' : parts.join(', ');
}

/** A plain object (not an array, not null). */
export function isMap(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Locale-independent string order, so that the output is the same on every machine. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
