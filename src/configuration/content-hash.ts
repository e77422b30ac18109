import { createHash } from 'crypto';

/**
 * A deterministic 10-character hash of an object's content, encoded the way kustomize encodes
 * its generator suffixes (hex digits 0, 1, 3, a and e replaced so no words or all-digit names
 * appear). Keys are sorted, so insertion order never changes the name.
 */
export function contentHash(kind: string, baseName: string, sections: { [section: string]: { [key: string]: string } | string | undefined }): string {
  const canonical = [kind, baseName, ...Object.keys(sections).sort().map(s => {
    const v = sections[s];
    if (v === undefined) return [s, null];
    if (typeof v === 'string') return [s, v];
    return [s, Object.keys(v).sort().map(k => [k, v[k]])];
  })];
  const hex = createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
  return encodeHash(hex.slice(0, 10));
}

const ENCODE: { [c: string]: string } = { 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' };

function encodeHash(hex: string): string {
  return [...hex].map(c => ENCODE[c] ?? c).join('');
}

/**
 * Whether a value is a ConfigMap or Secret key as the API server accepts it: at most 253
 * characters of A-Z, a-z, 0-9, "-", "_" and ".", and not ".", ".." or anything starting with "..".
 */
export function isConfigKey(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(value) && value !== '.' && !value.startsWith('..');
}

/** What a ConfigMap or Secret key may be, for error messages. */
export const CONFIG_KEY_ALLOWED = 'must be at most 253 characters of A-Z, a-z, 0-9, "-", "_" and ".", and not ".", ".." or starting with ".."';

/** Whether a value is standard (padded) base64, as the API server reads `binaryData` and `data`. */
export function isBase64(value: unknown): value is string {
  return typeof value === 'string' && /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value);
}

/** The most data a ConfigMap or Secret may hold (etcd's object limit). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
