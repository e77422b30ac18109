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
   * twemproxy (nutcracker) sharding Redis keys over `servers` with consistent hashing (ketama),
   * listening on 127.0.0.1: the application sees one Redis.
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
    const config = [
      'redis:',
      `  listen: 127.0.0.1:${listenPort}`,
      '  hash: fnv1a_64',
      '  distribution: ketama',
      '  redis: true',
      '  auto_eject_hosts: true',
      '  server_retry_timeout: 2000',
      '  server_failure_limit: 1',
      '  servers:',
      ...options.servers.map(s => `  - ${s}:1`),
      '',
    ].join('\n');
    return new AmbassadorProxy({
      kind: 'twemproxy',
      image: options.image,
      listenPort,
      configFileName: 'nutcracker.yml',
      config,
      args: (dir: string) => ['--conf-file', `${dir}/nutcracker.yml`],
      command: ['nutcracker'],
      upstreams: [...options.servers],
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
