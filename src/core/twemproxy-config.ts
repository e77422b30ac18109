import { invalidInput, isDnsSubdomain, isPort } from './validation';

/**
 * The protocol of a sharded cache: what its shards speak and what the twemproxy router speaks to
 * the clients (twemproxy proxies both).
 */
export enum ShardProtocol {
  /** The memcached ASCII protocol (`get`, `set`, `delete`, ...); default port 11211. */
  MEMCACHED = 'memcached',
  /** The Redis protocol (RESP), without commands that span several keys on different shards; default port 6379. */
  REDIS = 'redis',
}

/**
 * The hash function twemproxy applies to a key before it looks the key up on its ketama ring.
 *
 * Measured with twemproxy 0.5.0 (Debian's nutcracker) over three servers: `MD5` (the original
 * ketama hash, also libmemcached's) spreads both random and sequential keys evenly. `FNV1A_64`,
 * which many twemproxy samples use, is a poor choice for keys that differ only in their last
 * characters (`item-1`, `item-2`, ...): twemproxy keeps the low 32 bits of the FNV-1a hash, in
 * which such keys are neighbours, so they land on the same arc of the ring (300 keys `k0`..`k299`
 * reached only two of three servers).
 */
export enum TwemproxyHash {
  /** MD5 (the ketama standard). */
  MD5 = 'md5',
  /** CRC-32 (the libmemcached variant, `crc32a`). */
  CRC32A = 'crc32a',
  /** FNV-1a, 32 bits. */
  FNV1A_32 = 'fnv1a_32',
  /** FNV-1a, 64 bits truncated to 32 (poor for sequential keys, see the enum's doc). */
  FNV1A_64 = 'fnv1a_64',
  /** MurmurHash. */
  MURMUR = 'murmur',
  /** Paul Hsieh's SuperFastHash. */
  HSIEH = 'hsieh',
  /** Bob Jenkins's hash. */
  JENKINS = 'jenkins',
  /** Bob Jenkins's one-at-a-time hash. */
  ONE_AT_A_TIME = 'one_at_a_time',
}

/** The default port of each protocol. */
export const PROTOCOL_PORT: { readonly [protocol: string]: number } = {
  [ShardProtocol.MEMCACHED]: 11211,
  [ShardProtocol.REDIS]: 6379,
};

/** The port name of each protocol (a Service names its ports). */
export const PROTOCOL_PORT_NAME: { readonly [protocol: string]: string } = {
  [ShardProtocol.MEMCACHED]: 'memcache',
  [ShardProtocol.REDIS]: 'redis',
};

/** How long a server stays ejected before twemproxy tries it again, with `autoEjectHosts`. */
export const EJECT_RETRY_MS = 10000;
/** Consecutive failures that eject a server, with `autoEjectHosts`. */
export const EJECT_FAILURE_LIMIT = 2;

/** One server of a twemproxy pool. */
export interface TwemproxyServerSpec {
  /** DNS name or IPv4 address. */
  readonly host: string;
  /** The server's port. */
  readonly port: number;
  /** The server's name on the ketama ring, when it is not `host` (twemproxy hashes the name, not the address). */
  readonly name?: string;
}

/** One twemproxy pool, as `twemproxyConfig` renders it. */
export interface TwemproxyPoolSpec {
  /** The pool's name (the YAML key). */
  readonly pool: string;
  /** The listening address, `127.0.0.1` or `0.0.0.0`. */
  readonly listenAddress: string;
  /** The listening port. */
  readonly listenPort: number;
  /** What the pool speaks. */
  readonly protocol: ShardProtocol;
  /** The key hash. */
  readonly hash: TwemproxyHash;
  /** The servers, in ring order. */
  readonly servers: TwemproxyServerSpec[];
  /** Take failing servers off the ring (their keys move to the others until they are back). */
  readonly autoEjectHosts: boolean;
  /** How long a request may wait for a server, in milliseconds. */
  readonly timeoutMs: number;
}

/**
 * Checks a pool's values, naming `where` (the factory or construct) and the field: twemproxy
 * refuses a bad configuration only when the container starts.
 */
export function validateTwemproxyPool(where: string, spec: TwemproxyPoolSpec): void {
  if (!Object.values(ShardProtocol).includes(spec.protocol)) {
    invalidInput(where, 'protocol', spec.protocol, `must be one of ${Object.values(ShardProtocol).join(', ')} (ShardProtocol)`);
  }
  if (!Object.values(TwemproxyHash).includes(spec.hash)) {
    invalidInput(where, 'hash', spec.hash, `must be one of ${Object.values(TwemproxyHash).join(', ')} (TwemproxyHash)`);
  }
  if (!isPort(spec.listenPort)) invalidInput(where, 'listenPort', spec.listenPort, 'must be an integer port number from 1 to 65535');
  if (!Number.isInteger(spec.timeoutMs) || spec.timeoutMs < 1) {
    invalidInput(where, 'timeout', spec.timeoutMs, 'must be a whole number of milliseconds, at least 1');
  }
  if (!Array.isArray(spec.servers) || spec.servers.length === 0) {
    invalidInput(where, 'servers', spec.servers, 'must list at least one server');
  }
  const names = new Set<string>();
  spec.servers.forEach((s, i) => {
    if (s === null || typeof s !== 'object') invalidInput(where, `servers[${i}]`, s, 'must be an object with host and port');
    if (!isDnsSubdomain(s.host)) invalidInput(where, `servers[${i}].host`, s.host, 'must be a DNS name or IPv4 address (lower case, without a port)');
    if (!isPort(s.port)) invalidInput(where, `servers[${i}].port`, s.port, 'must be an integer port number from 1 to 65535');
    // The name ends the server's line ("host:port:weight name"): no spaces, no colons.
    if (s.name !== undefined && (typeof s.name !== 'string' || !/^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/.test(s.name))) {
      invalidInput(where, `servers[${i}].name`, s.name, 'must be 1 to 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting with a letter or digit');
    }
    const key = ringName(s);
    if (names.has(key)) invalidInput(where, `servers[${i}]`, key, 'must have a name (or host) of its own: twemproxy places servers on the ring by name, and two servers with one name share their keys');
    names.add(key);
  });
}

/** The name twemproxy hashes for a server: its name, else its host (and port, unless 11211, as libmemcached does). */
function ringName(s: TwemproxyServerSpec): string {
  return s.name ?? (s.port === 11211 ? s.host : `${s.host}:${s.port}`);
}

/**
 * A twemproxy (nutcracker) configuration with one pool: consistent hashing (`ketama`) over the
 * servers, each of weight 1, named on the ring by `name` when given.
 */
export function twemproxyConfig(spec: TwemproxyPoolSpec): string {
  return [
    `${spec.pool}:`,
    `  listen: ${spec.listenAddress}:${spec.listenPort}`,
    `  hash: ${spec.hash}`,
    '  distribution: ketama',
    `  redis: ${spec.protocol === ShardProtocol.REDIS}`,
    `  timeout: ${spec.timeoutMs}`,
    `  auto_eject_hosts: ${spec.autoEjectHosts}`,
    ...(spec.autoEjectHosts ? [`  server_retry_timeout: ${EJECT_RETRY_MS}`, `  server_failure_limit: ${EJECT_FAILURE_LIMIT}`] : []),
    '  servers:',
    ...spec.servers.map(s => `  - ${s.host}:${s.port}:1${s.name !== undefined ? ` ${s.name}` : ''}`),
    '',
  ].join('\n');
}

/** The arguments of `nutcracker` reading `configFile`, its stats server on `statsAddress:statsPort`. */
export function twemproxyArgs(configFile: string, statsPort: number, statsAddress: string = '127.0.0.1'): string[] {
  return ['--conf-file', configFile, '--stats-addr', statsAddress, '--stats-port', String(statsPort)];
}
