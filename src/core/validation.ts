import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/**
 * Throws the library's standard error for bad input: the construct path, the field, the
 * offending value and what is allowed, so a user can fix the call without reading our source.
 */
export function invalid(scope: IConstruct | string, field: string, value: unknown, allowed: string): never {
  return invalidInput(typeof scope === 'string' ? scope : scope.node.path, field, value, allowed);
}

/**
 * The same error where there is no construct yet (static factories): `where` names the factory.
 */
export function invalidInput(where: string, field: string, value: unknown, allowed: string): never {
  throw new Error(`${where}: invalid ${field} ${formatValue(value)}: ${allowed}`);
}

/**
 * A value as an error message shows it: strings quoted, numbers as written (NaN and Infinity
 * too, which JSON would print as null), durations in seconds (`1.5s`), objects as JSON.
 */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  try {
    if (value instanceof Duration) return `${value.toMilliseconds() / 1000}s`;
    return JSON.stringify(value) ?? String(value);
  } catch {
    // A Duration of NaN or Infinity cannot convert itself; an object may not serialize.
    return value instanceof Duration ? 'a Duration that is not a number of seconds' : String(value);
  }
}

// Each validator checks the type first: JavaScript and jsii callers may pass anything, and get the
// same message as TypeScript callers instead of a TypeError. The patterns (`is...`) are the one
// definition of each name rule; the validation plugin checks manifests with the same ones.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Whether a value is a DNS-1123 label (at most 63 characters). */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value);
}

/** Whether a value is a DNS-1035 label: a DNS-1123 label that starts with a letter (Service names). */
export function isDns1035Label(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS_1035_LABEL.test(value);
}

/** Whether a value is a DNS-1123 subdomain (at most 253 characters). */
export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** Whether a value is a port name (IANA_SVC_NAME): at most 15 characters, at least one letter, no "--". */
export function isPortName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 15 && IANA_SVC_NAME.test(value) && !value.includes('--') && /[a-z]/.test(value);
}

/** Whether a value is a label value (at most 63 characters, may be empty). */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * Whether a value is a label or annotation key: an optional DNS-subdomain prefix and "/", then a
 * name of at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a
 * letter or digit.
 */
export function isLabelKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const slash = value.lastIndexOf('/');
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  return (slash < 0 || isDnsSubdomain(value.slice(0, slash))) && name.length > 0 && isLabelValue(name);
}

/** What a label or annotation key may be, for error messages. */
export const LABEL_KEY_ALLOWED = 'must be a label key: an optional DNS subdomain and "/", then at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit';

/** Whether a value is an environment variable name as the API server accepts it. */
export function isEnvVarName(value: unknown): value is string {
  return typeof value === 'string' && ENV_VAR_NAME.test(value);
}

/** Whether a value is a TCP/UDP port number (an integer from 1 to 65535). */
export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/**
 * Whether an image reference is pinned: to a version tag other than `latest`, or to a sha256
 * digest. (A registry port such as `host:5000/app` is not a tag.)
 */
export function isPinnedImage(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (/@sha256:[a-f0-9]{64}$/.test(value)) return true;
  const lastSegment = value.split('/').pop() ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  return tag !== undefined && tag !== '' && tag !== 'latest';
}

/**
 * A required prop: JavaScript callers can omit it and jsii callers can pass null, which
 * TypeScript's types do not stop.
 */
export function required<T>(scope: Construct, field: string, value: T | undefined | null, allowed: string): T {
  if (value === undefined || value === null) invalid(scope, field, value, `is required: ${allowed}`);
  return value;
}

/** The props object of a construct: JavaScript and jsii callers may pass none, or something else. */
export function validateProps<T>(scope: Construct, props: T | undefined | null, requiredFields: string[] = []): T {
  validatePropsAt(scope.node.path, props, requiredFields);
  return props as T;
}

/** Where a construct that is not created yet will be, for errors thrown before `super()`. */
export function constructPath(scope: Construct, id: string): string {
  const parent = Construct.isConstruct(scope) ? scope.node.path : '';
  return parent ? `${parent}/${id}` : String(id);
}

/** `validateProps` before `super()`: the props must be an object with the required fields. */
export function validatePropsAt(where: string, props: unknown, requiredFields: string[]): void {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    invalidInput(where, 'props', props, requiredFields.length > 0 ? `must be an object with at least ${requiredFields.join(', ')}` : 'must be an object');
  }
  for (const f of requiredFields) {
    const v = (props as { [key: string]: unknown })[f];
    if (v === undefined || v === null) invalidInput(where, f, v, 'is required');
  }
}

/**
 * A size that must be a whole number of mebibytes (emptyDir size limits: cdk8s-plus converts
 * them and throws without a construct path otherwise); returns the mebibytes.
 */
export function wholeMebibytes(scope: IConstruct | string, field: string, size: Size, min = 1): number {
  if (!(size instanceof Size)) invalid(scope, field, size, 'must be a Size, e.g. Size.mebibytes(64)');
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib) || mib < min) invalid(scope, field, `${mib}Mi`, `must be a whole number of mebibytes, at least ${min}`);
  return mib;
}

/** A Linux user or group ID as the API server accepts it (`runAsUser`, `runAsGroup`), at least `min`. */
export function validateLinuxId(scope: IConstruct | string, field: string, value: number | undefined, min = 0, why = ''): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 2147483647)) {
    invalid(scope, field, value, `must be a whole number from ${min} to 2147483647${why}`);
  }
}

/** A flag: JavaScript callers may pass "true" or 1, which would silently count as true. */
export function validateBoolean(scope: IConstruct | string, field: string, value: boolean | undefined): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') invalid(scope, field, value, 'must be true or false');
  return value;
}

/** A list prop: refuses anything that is not an array (a JavaScript caller's string, an object). */
export function validateList<T>(scope: Construct, field: string, value: T[]): T[] {
  if (!Array.isArray(value)) invalid(scope, field, value, 'must be a list');
  return value;
}

/** A container image reference: non-empty, without whitespace. */
export function validateImage(scope: Construct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || /\s/.test(value) || value !== value.trim()) {
    invalid(scope, field, value, 'must be a container image reference such as "nginx:1.27.2" or "registry.example.com/team/app@sha256:<digest>": non-empty, without spaces');
  }
  return value;
}

/** An image reference pinned to a version tag other than `latest` or to a sha256 digest. */
export function validatePinnedImage(scope: Construct, field: string, value: string, why: string): string {
  validateImage(scope, field, value);
  if (!isPinnedImage(value)) {
    invalid(scope, field, value, `must be pinned to a version tag other than "latest" or to a sha256 digest, ${why}`);
  }
  return value;
}

/** A DNS-1123 label: object names of Services, Namespaces, containers and ports' hosts. */
export function validateDnsLabel(scope: Construct, field: string, value: string): string {
  if (!isDnsLabel(value)) {
    invalid(scope, field, value, 'must be a DNS-1123 label: at most 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit');
  }
  return value;
}

/** A DNS-1123 subdomain: names of most objects (ConfigMaps, Deployments, ...). */
export function validateDnsSubdomain(scope: Construct, field: string, value: string): string {
  if (!isDnsSubdomain(value)) {
    invalid(scope, field, value, 'must be a DNS-1123 subdomain: at most 253 characters of a-z, 0-9, "-" and ".", starting and ending with a letter or digit');
  }
  return value;
}

/** A label value: at most 63 characters, alphanumerics with "-", "_" and "." inside. */
export function validateLabelValue(scope: Construct, field: string, value: string): string {
  if (!isLabelValue(value)) {
    invalid(scope, field, value, 'must be a label value: at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit');
  }
  return value;
}

/** A TCP/UDP port number. */
export function validatePort(scope: Construct, field: string, value: number): number {
  if (!isPort(value)) {
    invalid(scope, field, value, 'must be an integer port number from 1 to 65535');
  }
  return value;
}

/** A named port (IANA_SVC_NAME): what Services and probes refer to. */
export function validatePortName(scope: Construct, field: string, value: string): string {
  if (!isPortName(value)) {
    invalid(scope, field, value, 'must be a port name: at most 15 characters of a-z, 0-9 and "-", with at least one letter, no "--", starting and ending with a letter or digit');
  }
  return value;
}

/** A count that must be at least one (replicas of an HA workload, parallelism, thresholds). */
export function validatePositiveInt(scope: Construct, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    invalid(scope, field, value, 'must be a whole number of at least 1');
  }
  return value;
}

/** A count that may be zero (delays, retries). */
export function validateNonNegativeInt(scope: Construct, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    invalid(scope, field, value, 'must be a whole number of at least 0');
  }
  return value;
}

/** An environment variable name as the API server accepts it. */
export function validateEnvVarName(scope: Construct, field: string, value: string): string {
  if (!isEnvVarName(value)) {
    invalid(scope, field, value, 'must be an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit');
  }
  return value;
}

/** An absolute path inside a container (mount paths, probe paths). */
export function validateAbsolutePath(scope: Construct, field: string, value: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.includes('..')) {
    invalid(scope, field, value, 'must be an absolute path starting with "/" and without ".."');
  }
  return value;
}

/**
 * A duration that must be (cdk8s's own conversion throws without a construct path) a whole number of seconds, at least `min`; returns the seconds.
 */
export function wholeSeconds(scope: IConstruct | string, field: string, duration: Duration, min: number, why?: string): number {
  if (!(duration instanceof Duration)) invalid(scope, field, duration, 'must be a Duration, e.g. Duration.seconds(30)');
  const seconds = duration.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min) {
    invalid(scope, field, duration, `must be a whole number of seconds, at least ${min}${why ? `: ${why}` : ''}`);
  }
  return seconds;
}

/** A port a container of a pod serves (or listens on, for a localhost-only proxy). */
export interface PodPort {
  readonly container: string;
  readonly number: number;
  readonly name?: string;
}

/**
 * The rule behind every port check of a pod: its containers share one network namespace, so a
 * port number is served once, and a port name names one port. Returns the port `candidate`
 * clashes with, and on what, or undefined.
 */
export function portClash(taken: readonly PodPort[], candidate: { readonly number: number; readonly name?: string }):
{ readonly port: PodPort; readonly on: 'number' | 'name' } | undefined {
  const byNumber = taken.find(t => t.number === candidate.number);
  if (byNumber) return { port: byNumber, on: 'number' };
  const byName = candidate.name === undefined ? undefined : taken.find(t => t.name === candidate.name);
  return byName ? { port: byName, on: 'name' } : undefined;
}

/**
 * A host name as Gateway API routes and Ingress rules take it: a DNS subdomain of at most 253
 * characters in all (the `*.` of a wildcard included), not an IP address.
 */
export function isHostname(value: unknown, wildcard = true): value is string {
  if (typeof value !== 'string' || value.length > 253) return false;
  const bare = wildcard && value.startsWith('*.') ? value.slice(2) : value;
  return isDnsSubdomain(bare) && !/^[0-9.]+$/.test(bare);
}

/**
 * An HTTP path prefix the Gateway API and Ingress accept: absolute, at most 1024 characters,
 * URL characters only, valid percent-encodings (but no encoded "/"), and no empty, "." or ".."
 * segment (the HTTPRoute CRD's rules and the Ingress validation refuse them).
 */
export function isHttpPathPrefix(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 1024 || !/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/.test(value)) return false;
  if (/%(?![0-9A-Fa-f]{2})/.test(value) || /%2f/i.test(value)) return false;
  if (value === '/') return true;
  const segments = value.slice(1).replace(/\/$/, '').split('/');
  return segments.every(s => s !== '' && s !== '.' && s !== '..');
}

/**
 * `IPv4` or `IPv6` for an address the API server accepts as an endpoint; undefined for anything
 * else, and for unspecified, loopback, link-local, multicast and IPv4-mapped IPv6 addresses.
 */
export function endpointIpFamily(value: unknown): 'IPv4' | 'IPv6' | undefined {
  const family = ipFamily(value);
  if (family === 'IPv4') {
    const [a, b] = (value as string).split('.').map(Number);
    return a === 0 || a === 127 || (a === 169 && b === 254) || a >= 224 ? undefined : 'IPv4';
  }
  if (family === 'IPv6') {
    const groups = ipv6Groups(value as string)!;
    const first = groups[0];
    const unspecified = groups.every(g => g === 0);
    const loopback = groups.slice(0, 7).every(g => g === 0) && groups[7] === 1;
    const linkLocal = first >= 0xfe80 && first <= 0xfebf; // fe80::/10
    const multicast = first >= 0xff00; // ff00::/8
    const v4Mapped = groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xffff;
    return unspecified || loopback || linkLocal || multicast || v4Mapped ? undefined : 'IPv6';
  }
  return undefined;
}

/** `IPv4` or `IPv6` for a well-formed address (dotted quad, or IPv6 with at most one "::"). */
export function ipFamily(value: unknown): 'IPv4' | 'IPv6' | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(value)) return 'IPv4';
  return ipv6Groups(value) ? 'IPv6' : undefined;
}

/** The eight 16-bit groups of an IPv6 address (lower- or upper-case hex), or undefined. */
function ipv6Groups(value: string): number[] | undefined {
  if (!value.includes(':')) return undefined;
  const halves = value.split('::');
  if (halves.length > 2) return undefined;
  const parts = halves.map(h => (h === '' ? [] : h.split(':')));
  if (parts.some(p => p.some(x => !/^[0-9a-fA-F]{1,4}$/.test(x)))) return undefined;
  const n = parts.reduce((s, p) => s + p.length, 0);
  if (halves.length === 2 ? n > 7 : n !== 8) return undefined;
  const nums = parts.map(p => p.map(x => parseInt(x, 16)));
  return halves.length === 2 ? [...nums[0], ...Array(8 - n).fill(0), ...nums[1]] : nums[0];
}

/** An IPv4 or IPv6 network in CIDR notation, e.g. `10.0.0.0/8`, `2001:db8::/32`. */
export function isCidr(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = value.match(/^([^/]+)\/(\d{1,3})$/);
  if (!m) return false;
  const family = ipFamily(m[1]);
  return family !== undefined && Number(m[2]) <= (family === 'IPv4' ? 32 : 128);
}
