import { Duration } from 'cdk8s';
import { PROTOCOL_PORT, ShardProtocol, TwemproxyHash, twemproxyArgs, twemproxyConfig, validateTwemproxyPool } from '../core/twemproxy-config';
import { invalidInput } from '../core/validation';

/**
 * Options of an Envoy TCP proxy ambassador.
 */
export interface EnvoyTcpProxyOptions {
  /**
   * The remote service the ambassador forwards to (a DNS name).
   */
  readonly upstreamHost: string;

  /**
   * The remote service's port.
   */
  readonly upstreamPort: number;

  /**
   * The port the ambassador listens on at 127.0.0.1, which the application connects to.
   */
  readonly listenPort: number;

  /**
   * Envoy image. The default is Envoy's official image, published on Docker Hub
   * (`docker.io/envoyproxy/envoy`); the proxy runs its `envoy` binary with `--config-path`.
   * @default 'envoyproxy/envoy:v1.31.2'
   */
  readonly image?: string;

  /**
   * Idle timeout of forwarded connections, in seconds.
   * @default 3600
   */
  readonly idleTimeoutSeconds?: number;
}

/**
 * Options of a twemproxy ambassador that shards keys over several Redis servers.
 * @deprecated Use `TwemproxyOptions` with `AmbassadorProxy.twemproxy`.
 */
export interface TwemproxyRedisOptions {
  /**
   * The Redis servers as `host:port` (e.g. the ordinals of a StatefulSet behind a headless
   * Service: `redis-0.redis:6379`).
   */
  readonly servers: string[];

  /**
   * The port the ambassador listens on at 127.0.0.1.
   * @default 6379
   */
  readonly listenPort?: number;

  /**
   * The twemproxy image. twemproxy publishes no official image: build one from your
   * distribution's package (Debian and Ubuntu: `nutcracker`) with `nutcracker` on the PATH,
   * as this project's end-to-end tests do (`test/e2e/images/`).
   */
  readonly image: string;
}

/**
 * One server behind a twemproxy ambassador.
 */
export interface TwemproxyServer {
  /**
   * The server's DNS name or IPv4 address, e.g. a StatefulSet pod's stable name
   * `cache-0.cache` (twemproxy resolves it again on every new connection, so a replaced pod is
   * found at its new address).
   */
  readonly host: string;

  /**
   * The server's port.
   */
  readonly port: number;

  /**
   * The server's name on the consistent-hash ring. twemproxy places a server by its name, so a
   * name that does not change with the address (e.g. the pod name) keeps every key on its server
   * when the address changes.
   * @default - the host (and `:port` unless the port is 11211, as libmemcached does)
   */
  readonly name?: string;
}

/**
 * Options of a twemproxy ambassador for memcached or Redis servers.
 */
export interface TwemproxyOptions {
  /**
   * The twemproxy image. twemproxy publishes no official image: build one from your
   * distribution's package (Debian and Ubuntu: `nutcracker`) with `nutcracker` on the PATH,
   * as this project's end-to-end tests do (`test/e2e/images/`).
   */
  readonly image: string;

  /**
   * The servers, in ring order; each key goes to exactly one of them (ketama consistent hashing).
   */
  readonly servers: TwemproxyServer[];

  /**
   * What the servers and the application speak.
   * @default ShardProtocol.MEMCACHED
   */
  readonly protocol?: ShardProtocol;

  /**
   * The port the ambassador listens on at 127.0.0.1.
   * @default - the protocol's port: 11211 for memcached, 6379 for Redis
   */
  readonly listenPort?: number;

  /**
   * The key hash.
   * @default TwemproxyHash.MD5
   */
  readonly hash?: TwemproxyHash;

  /**
   * Take a failing server off the ring for 10 s after two failures, so its keys go to the
   * others meanwhile. For a cache that tolerates a stale value after the server returns.
   * @default false - a key always goes to its own server; while that server is down its
   * requests fail (a cache client counts that as a miss)
   */
  readonly autoEjectHosts?: boolean;

  /**
   * How long a request may wait for its server before twemproxy answers with an error.
   * @default Duration.seconds(1)
   */
  readonly timeout?: Duration;

  /**
   * twemproxy's stats port, bound to 127.0.0.1 (give each twemproxy of a pod its own).
   * @default 22222
   */
  readonly statsPort?: number;
}

/**
 * The proxy an `Ambassador` runs: its image, arguments, the listening port on localhost and the
 * configuration file it reads (rendered into a ConfigMap).
 */
export class AmbassadorProxy {
  /**
   * Envoy forwarding TCP connections from 127.0.0.1:`listenPort` to a remote service, with a
   * static bootstrap configuration (no admin interface: it would listen on the pod's network).
   */
  public static envoyTcp(options: EnvoyTcpProxyOptions): AmbassadorProxy {
    checkHostPort('envoyTcp', 'upstreamHost', options.upstreamHost, options.upstreamPort);
    checkPort('envoyTcp', 'listenPort', options.listenPort);
    const idle = options.idleTimeoutSeconds ?? 3600;
    const config = [
      'static_resources:',
      '  listeners:',
      '  - name: ambassador',
      '    address:',
      `      socket_address: { address: 127.0.0.1, port_value: ${options.listenPort} }`,
      '    filter_chains:',
      '    - filters:',
      '      - name: envoy.filters.network.tcp_proxy',
      '        typed_config:',
      '          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
      '          stat_prefix: ambassador',
      '          cluster: upstream',
      `          idle_timeout: ${idle}s`,
      '  clusters:',
      '  - name: upstream',
      '    type: STRICT_DNS',
      '    connect_timeout: 5s',
      '    load_assignment:',
      '      cluster_name: upstream',
      '      endpoints:',
      '      - lb_endpoints:',
      '        - endpoint:',
      '            address:',
      `              socket_address: { address: ${options.upstreamHost}, port_value: ${options.upstreamPort} }`,
      '',
    ].join('\n');
    return new AmbassadorProxy({
      kind: 'envoy',
      image: options.image ?? 'envoyproxy/envoy:v1.31.2',
      listenPort: options.listenPort,
      configFileName: 'envoy.yaml',
      config,
      args: (dir: string) => ['--config-path', `${dir}/envoy.yaml`, '--log-level', 'warn'],
      command: ['envoy'],
      upstreams: [`${options.upstreamHost}:${options.upstreamPort}`],
    });
  }

  /**
   * twemproxy (nutcracker) sharding Redis keys over `servers`, given as `host:port`: the same
   * proxy as `AmbassadorProxy.twemproxy` with `protocol: ShardProtocol.REDIS` and its defaults
   * (md5 ketama hashing, no auto-ejection, a 1 s timeout, stats on 127.0.0.1:22222).
   * @deprecated Use `AmbassadorProxy.twemproxy({ protocol: ShardProtocol.REDIS, servers: [{ host, port }] })`,
   * which also names servers on the ring and sets the hash, timeout and stats port.
   */
  public static twemproxyRedis(options: TwemproxyRedisOptions): AmbassadorProxy {
    if (options.servers.length === 0) invalidInput('AmbassadorProxy.twemproxyRedis', 'servers', options.servers, 'must list at least one host:port');
    for (const s of options.servers) {
      const m = /^([a-z0-9.-]+):(\d+)$/.exec(s);
      if (!m) invalidInput('AmbassadorProxy.twemproxyRedis', 'servers', s, 'each server must be host:port with a DNS name or IPv4 address');
      checkPort('twemproxyRedis', 'servers port', Number(m[2]));
    }
    const listenPort = options.listenPort ?? 6379;
    checkPort('twemproxyRedis', 'listenPort', listenPort);
    const servers = options.servers.map(s => ({ host: s.slice(0, s.lastIndexOf(':')), port: Number(s.slice(s.lastIndexOf(':') + 1)) }));
    return AmbassadorProxy.twemproxy({ image: options.image, protocol: ShardProtocol.REDIS, listenPort, servers });
  }

  /**
   * twemproxy (nutcracker) sharding memcached or Redis keys over `servers` with consistent
   * hashing (ketama), listening on 127.0.0.1: the application sees one memcached (or Redis).
   * Servers are placed on the ring by name, so the placement does not depend on addresses.
   */
  public static twemproxy(options: TwemproxyOptions): AmbassadorProxy {
    const where = 'AmbassadorProxy.twemproxy';
    if (options === null || typeof options !== 'object') invalidInput(where, 'options', options, 'must be an object with at least image and servers');
    if (typeof options.image !== 'string' || options.image.length === 0 || /\s/.test(options.image)) {
      invalidInput(where, 'image', options.image, 'must be a container image reference with nutcracker on the PATH (twemproxy publishes no official image)');
    }
    const protocol = options.protocol ?? ShardProtocol.MEMCACHED;
    const timeout = options.timeout ?? Duration.seconds(1);
    if (!(timeout instanceof Duration)) invalidInput(where, 'timeout', timeout, 'must be a Duration, e.g. Duration.seconds(1)');
    const statsPort = options.statsPort ?? 22222;
    checkPort('twemproxy', 'statsPort', statsPort);
    if (options.autoEjectHosts !== undefined && typeof options.autoEjectHosts !== 'boolean') invalidInput(where, 'autoEjectHosts', options.autoEjectHosts, 'must be true or false');
    const spec = {
      pool: 'ambassador',
      listenAddress: '127.0.0.1',
      listenPort: options.listenPort ?? PROTOCOL_PORT[protocol] ?? 0,
      protocol,
      hash: options.hash ?? TwemproxyHash.MD5,
      servers: Array.isArray(options.servers) ? options.servers.map(s => ({ ...s })) : options.servers,
      autoEjectHosts: options.autoEjectHosts ?? false,
      timeoutMs: timeout.toMilliseconds({ integral: false }),
    };
    validateTwemproxyPool(where, spec);
    if (spec.listenPort === statsPort) invalidInput(where, 'statsPort', statsPort, `must differ from listenPort (${spec.listenPort})`);
    return new AmbassadorProxy({
      kind: 'twemproxy',
      image: options.image,
      listenPort: spec.listenPort,
      configFileName: 'nutcracker.yml',
      config: twemproxyConfig(spec),
      args: (dir: string) => twemproxyArgs(`${dir}/nutcracker.yml`, statsPort),
      command: ['nutcracker'],
      upstreams: spec.servers.map(s => `${s.host}:${s.port}`),
    });
  }

  /** `envoy` or `twemproxy`. */
  public readonly kind: string;
  /** The proxy's container image. */
  public readonly image: string;
  /** The port on 127.0.0.1 the application connects to. */
  public readonly listenPort: number;
  /** The configuration file's name inside the mounted ConfigMap. */
  public readonly configFileName: string;
  /** The rendered configuration. */
  public readonly config: string;
  /** The proxy's command. */
  public readonly command: string[];
  /** The upstream servers the proxy connects to, as `host:port`. */
  public readonly upstreams: string[];
  private readonly argsFor: (dir: string) => string[];

  private constructor(spec: {
    kind: string;
    image: string;
    listenPort: number;
    configFileName: string;
    config: string;
    command: string[];
    args: (dir: string) => string[];
    upstreams?: string[];
  }) {
    this.kind = spec.kind;
    this.image = spec.image;
    this.listenPort = spec.listenPort;
    this.configFileName = spec.configFileName;
    this.config = spec.config;
    this.command = spec.command;
    this.argsFor = spec.args;
    this.upstreams = spec.upstreams ?? [];
  }

  /**
   * The proxy's arguments when its configuration is mounted at `configDir`.
   */
  public args(configDir: string): string[] {
    return this.argsFor(configDir);
  }
}

function checkPort(factory: string, field: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    invalidInput(`AmbassadorProxy.${factory}`, field, port, 'must be an integer port number from 1 to 65535');
  }
}

function checkHostPort(factory: string, field: string, host: string, port: number): void {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(host)) {
    invalidInput(`AmbassadorProxy.${factory}`, field, host, 'must be a DNS name or IPv4 address');
  }
  checkPort(factory, 'upstreamPort', port);
}
