/**
 * Which Services a container, a ConfigMap or an autoscaler names by DNS: the diagram draws an
 * edge only where a name resolves, in cluster DNS, to a Service among the manifests
 * (`<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc[.<cluster domain>]`, or a pod of a headless Service,
 * `<pod>.<svc>...`). Internal to the diagram module.
 */
import { isMap } from './label-selector';
import { ManifestObject } from './manifest-objects';

/**
 * Environment variables whose value is an address: the name ends in one of these words
 * (`QUEUE_URL`, `REDIS_HOST`, `MEMCACHED_ADDR`, `LEAF_ADDRESSES`, `DATABASE_URL`, ...).
 */
const ADDRESS_ENV = /(^|_)(HOSTS?|HOSTNAME|URLS?|URIS?|ADDR|ADDRS|ADDRESS|ADDRESSES|ENDPOINTS?|SERVICE|SERVERS?|DSN)$/;

/** KEDA trigger metadata keys that hold an address. */
const ADDRESS_KEY = /(address|host|url|server|endpoint)/i;

/** `host:port` inside free text (arguments, configuration files). */
const HOST_PORT = /(?:^|[^A-Za-z0-9.$()_-])((?:\$\([A-Za-z0-9_]+\)|[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?)*):(\d{1,5})(?![0-9])/g;

/** True when an environment variable of this name holds an address. */
export function isAddressEnv(name: string): boolean {
  return ADDRESS_ENV.test(name.toUpperCase());
}

/** True when a KEDA trigger metadata key holds an address. */
export function isAddressKey(key: string): boolean {
  return ADDRESS_KEY.test(key);
}

/**
 * The hosts in a value that is an address or a list of them: `redis`, `redis://redis:6379/0`,
 * `postgres://user@db:5432/app?x=y`, `a-0.leaves:8080,a-1.leaves:8080`.
 */
export function hostsInAddressValue(value: string): string[] {
  const hosts: string[] = [];
  for (const token of value.split(/[\s,;]+/)) {
    let t = token.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '');
    t = t.replace(/^[^@/]*@/, '');
    t = t.split(/[/?#]/)[0];
    t = t.replace(/:\d{1,5}$/, '');
    if (/^(\$\([A-Za-z0-9_]+\)|[A-Za-z0-9-]+)(\.[A-Za-z0-9-]+)*\.?$/.test(t)) hosts.push(t);
  }
  return hosts;
}

/** The hosts of every `host:port` in free text. */
export function hostsWithPortIn(text: string): string[] {
  return [...text.matchAll(HOST_PORT)].map(m => m[1]);
}

/** A Service a host name resolves to, and the pod when the name is a pod's (`<pod>.<headless svc>`). */
export interface ResolvedService {
  readonly service: ManifestObject;
  readonly pod?: string;
}

/**
 * The Services among the manifests that `host`, looked up from a pod in namespace `clientNs`,
 * resolves to. A Service without a namespace is taken to live in the client's namespace, whatever
 * that is named, so `<svc>.<any ns>` matches it.
 */
export function resolveHost(host: string, clientNs: string, services: readonly ManifestObject[]): ResolvedService[] {
  const parts = host.toLowerCase().replace(/\.$/, '').split('.');
  const found: ResolvedService[] = [];
  for (const podLevel of [false, true]) {
    const i = podLevel ? 1 : 0;
    if (parts.length <= i) continue;
    const name = parts[i];
    const rest = parts.slice(i + 1);
    if (rest.length > 1 && rest[1] !== 'svc') continue;
    for (const s of services) {
      if (s.name !== name) continue;
      if (podLevel && !isHeadless(s)) continue;
      const ns = rest[0];
      if (ns === undefined ? s.ns !== clientNs : (s.namespace !== undefined && s.namespace !== ns)) continue;
      found.push(podLevel ? { service: s, pod: parts[0] } : { service: s });
    }
  }
  return found;
}

/** True for a headless Service (`clusterIP: None`), whose pods have their own DNS names. */
export function isHeadless(service: ManifestObject): boolean {
  return service.raw.spec?.clusterIP === 'None';
}

/** Each string value of a ConfigMap's `data`, by key. */
export function configMapData(configMap: ManifestObject): Array<[string, string]> {
  const data = configMap.raw.data;
  if (!isMap(data)) return [];
  return Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string');
}
