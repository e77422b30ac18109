import { Duration } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Throws the library's standard error for bad input: the construct path, the field, the
 * offending value and what is allowed, so a user can fix the call without reading our source.
 */
export function invalid(scope: Construct, field: string, value: unknown, allowed: string): never {
  return invalidInput(scope.node.path, field, value, allowed);
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
  if (value instanceof Duration) return `${value.toMilliseconds() / 1000}s`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// Each validator checks the type first: JavaScript and jsii callers may pass anything, and get the
// same message as TypeScript callers instead of a TypeError.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** A DNS-1123 label: object names of Services, Namespaces, containers and ports' hosts. */
export function validateDnsLabel(scope: Construct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS_LABEL.test(value)) {
    invalid(scope, field, value, 'must be a DNS-1123 label: at most 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit');
  }
  return value;
}

/** A DNS-1123 subdomain: names of most objects (ConfigMaps, Deployments, ...). */
export function validateDnsSubdomain(scope: Construct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    invalid(scope, field, value, 'must be a DNS-1123 subdomain: at most 253 characters of a-z, 0-9, "-" and ".", starting and ending with a letter or digit');
  }
  return value;
}

/** A label value: at most 63 characters, alphanumerics with "-", "_" and "." inside. */
export function validateLabelValue(scope: Construct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    invalid(scope, field, value, 'must be a label value: at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit');
  }
  return value;
}

/** A TCP/UDP port number. */
export function validatePort(scope: Construct, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    invalid(scope, field, value, 'must be an integer port number from 1 to 65535');
  }
  return value;
}

/** A named port (IANA_SVC_NAME): what Services and probes refer to. */
export function validatePortName(scope: Construct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 15 || !IANA_SVC_NAME.test(value) || value.includes('--') || !/[a-z]/.test(value)) {
    invalid(scope, field, value, 'must be a port name: at most 15 characters of a-z, 0-9 and "-", with at least one letter, no "--", starting and ending with a letter or digit');
  }
  return value;
}

/** A count that must be at least one (replicas of an HA workload, parallelism, thresholds). */
export function validatePositiveInt(scope: Construct, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    invalid(scope, field, value, 'must be a whole number of at least 1');
  }
  return value;
}

/** A count that may be zero (delays, retries). */
export function validateNonNegativeInt(scope: Construct, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    invalid(scope, field, value, 'must be a whole number of at least 0');
  }
  return value;
}

/** An environment variable name as the API server accepts it. */
export function validateEnvVarName(scope: Construct, field: string, value: string): string {
  if (typeof value !== 'string' || !ENV_VAR_NAME.test(value)) {
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
export function wholeSeconds(scope: Construct, field: string, duration: Duration, min: number, why?: string): number {
  const seconds = duration.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min) {
    invalid(scope, field, `${seconds}s`, `must be a whole number of seconds, at least ${min}${why ? `: ${why}` : ''}`);
  }
  return seconds;
}
