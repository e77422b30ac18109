import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { invalidInput, isDnsLabel, isDnsSubdomain, isPinnedImage, isPort, ipFamily, wholeSeconds } from '../core/validation';

/**
 * How the Dapr sidecar that serves the lock API gets into the pods.
 */
export enum DaprSidecarMode {
  /**
   * The pattern adds `daprd` itself, in standalone mode, with the lock store's Component in a
   * ConfigMap (`--resources-path`). No Dapr control plane is needed; the sidecar's flags,
   * probes and security context are in the manifest.
   */
  STANDALONE = 'standalone',

  /**
   * The Dapr control plane's sidecar injector adds `daprd` (pod annotations `dapr.io/enabled`,
   * `dapr.io/app-id`, ...) and its operator serves the lock store, a `Component` custom resource
   * (`dapr.io/v1alpha1`). Needs Dapr installed in the cluster; the injected container's security
   * context comes from the control plane's settings.
   */
  CONTROL_PLANE = 'control-plane',
}

/**
 * Options of a Dapr lock store on Redis (`lock.redis`).
 */
export interface DaprRedisLockOptions {
  /**
   * The Redis server: `host` or `host:port` (a DNS name, e.g. a Service `redis` or
   * `redis.shared.svc.cluster.local`, or an IPv4 address). One Redis node: Dapr's Redis lock
   * refuses Redis Cluster, and a server with replicas unless Sentinel failover is configured.
   */
  readonly redisHost: string;

  /**
   * The Secret holding the Redis password. The sidecar receives it as the environment variable
   * `REDIS_PASSWORD` (standalone mode, where the Component refers to it with `envRef`), or the
   * Component refers to it with `secretKeyRef` (control-plane mode).
   * @default - no password
   */
  readonly redisPasswordSecret?: kplus.ISecret;

  /**
   * The key of the password in `redisPasswordSecret`.
   * @default 'redis-password'
   */
  readonly redisPasswordKey?: string;

  /**
   * The lock store's name: the Component's name, and the last segment of the lock API's URL
   * (`/v1.0-alpha1/lock/<storeName>`).
   * @default 'lockstore'
   */
  readonly storeName?: string;

  /**
   * How Dapr prefixes the Redis key of a lock (the Component's `keyPrefix`): `appid` (key
   * `lock||<app id>||<resourceId>`: only sidecars with the same app id contend), `name`
   * (`lock||<storeName>||<resourceId>`), `none` (`lock||<resourceId>`), or any other string,
   * which becomes the prefix itself.
   * @default 'appid'
   */
  readonly keyPrefix?: string;

  /**
   * Connect to Redis over TLS (the Component's `enableTLS`).
   * @default false
   */
  readonly enableTls?: boolean;

  /**
   * How long daprd waits for Redis when it starts. Dapr exits when a Component fails to
   * initialize, and its defaults give Redis about a second (3 retries, 5 s `initTimeout`), so a
   * sidecar that starts before its Redis would restart until Redis is up. This sets the
   * Component's `initTimeout` to it and `redisMaxRetries` (one per second of it, backoff up to
   * `redisMaxRetryInterval` 2 s) so that daprd keeps trying for that long. The retries apply to
   * every later lock call too while Redis is unreachable, until the caller's request ends: give
   * the application's HTTP client a timeout.
   * @default Duration.seconds(60)
   */
  readonly startupTimeout?: Duration;

  /**
   * Who adds the sidecar: this library (standalone `daprd`) or the Dapr control plane.
   * @default DaprSidecarMode.STANDALONE
   */
  readonly mode?: DaprSidecarMode;

  /**
   * The `daprd` image. Dapr publishes it as `docker.io/daprio/daprd:<version>`
   * (distroless, user 65532, the binary at `/daprd`, no entrypoint). In control-plane mode the
   * control plane picks the image unless this is given (annotation `dapr.io/sidecar-image`).
   * @default 'docker.io/daprio/daprd:1.18.3' (standalone); the control plane's (control plane)
   */
  readonly image?: string;

  /**
   * The port of Dapr's HTTP API on localhost; the application calls the lock API here. The
   * control plane's injector always uses 3500.
   * @default 3500
   */
  readonly httpPort?: number;

  /**
   * The port of Dapr's gRPC API on localhost (for Dapr SDKs that use gRPC).
   * @default 50001
   */
  readonly grpcPort?: number;

  /**
   * The port of daprd's health endpoints (`/v1.0/healthz`), on the pod's address for the
   * kubelet's probes. The control plane's injector always uses 3501.
   * @default 3501
   */
  readonly publicPort?: number;

  /**
   * The port of daprd's Prometheus metrics (`/`), on the pod's address.
   * @default 9090
   */
  readonly metricsPort?: number;
}

/** The port daprd's internal gRPC server (sidecar to sidecar) binds, on 127.0.0.1 only. */
const INTERNAL_GRPC_PORT = 50002;

/**
 * A distributed lock that the application takes through a sidecar's API instead of a client
 * library of the store (Dapr's distributed lock building block, as in *Kubernetes Patterns*,
 * "Singleton Service": the lock API through a sidecar). Create one with a factory, then give it
 * to `LeaderElected` or `Singleton` as `distributedLock`, or attach it to any workload with
 * `DistributedLockSidecar`.
 *
 * The application calls, on localhost, `POST /v1.0-alpha1/lock/<store>` with
 * `{"resourceId", "lockOwner", "expiryInSeconds"}` (answer `{"success": true|false}`) and
 * `POST /v1.0-alpha1/unlock/<store>` with `{"resourceId", "lockOwner"}` (answer `{"status": 0}`
 * released, 1 no such lock, 2 held by another owner, 3 error). A lock cannot be renewed: it
 * expires after `expiryInSeconds`, or the owner releases it and takes it again.
 */
export class DistributedLock {
  /** The Dapr version the defaults target (image, flags, Component format, lock API). */
  public static readonly DAPR_VERSION = '1.18.3';

  /**
   * Dapr's lock API served by `daprd` with a Redis lock store (`lock.redis`, alpha in Dapr
   * 1.18): a lock is a Redis key set with `SET NX` and an expiry, released by a script that
   * deletes it only for its owner.
   */
  public static daprRedis(options: DaprRedisLockOptions): DistributedLock {
    const where = 'DistributedLock.daprRedis';
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      invalidInput(where, 'options', options, 'must be an object with at least redisHost');
    }
    const [host, port] = redisAddress(where, options.redisHost);
    const mode = options.mode ?? DaprSidecarMode.STANDALONE;
    if (!Object.values(DaprSidecarMode).includes(mode)) {
      invalidInput(where, 'mode', mode, `must be one of ${Object.values(DaprSidecarMode).join(', ')}`);
    }
    const storeName = options.storeName ?? 'lockstore';
    if (!isDnsLabel(storeName)) {
      invalidInput(where, 'storeName', storeName, 'must be a DNS-1123 label (at most 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit): it names the Component and a URL path segment');
    }
    const keyPrefix = options.keyPrefix ?? 'appid';
    if (typeof keyPrefix !== 'string' || !/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/.test(keyPrefix)) {
      invalidInput(where, 'keyPrefix', keyPrefix, 'must be appid, name, none or a custom prefix of at most 63 characters of a-z, 0-9, ".", "_" and "-", starting and ending with a letter or digit (Dapr lower-cases it and refuses "||")');
    }
    if (options.enableTls !== undefined && typeof options.enableTls !== 'boolean') invalidInput(where, 'enableTls', options.enableTls, 'must be true or false');
    const startupSeconds = wholeSeconds(where, 'startupTimeout', options.startupTimeout ?? Duration.seconds(60), 1);
    const secret = options.redisPasswordSecret;
    if (secret !== undefined && (secret === null || typeof (secret as { name?: unknown }).name !== 'string')) {
      invalidInput(where, 'redisPasswordSecret', secret, 'must be a cdk8s-plus Secret (kplus.Secret, or Secret.fromSecretName)');
    }
    const passwordKey = options.redisPasswordKey ?? 'redis-password';
    if (typeof passwordKey !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(passwordKey)) {
      invalidInput(where, 'redisPasswordKey', passwordKey, 'must be a Secret key: 1 to 253 characters of a-z, A-Z, 0-9, "-", "_" and "."');
    }
    if (options.redisPasswordKey !== undefined && secret === undefined) {
      invalidInput(where, 'redisPasswordKey', options.redisPasswordKey, 'needs redisPasswordSecret: the key names an entry of that Secret');
    }
    if (options.image !== undefined && !isPinnedImage(options.image)) {
      invalidInput(where, 'image', options.image, 'must be pinned to a version tag (not latest) or a sha256 digest, e.g. docker.io/daprio/daprd:1.18.3');
    }
    const ports: Array<[string, number]> = [
      ['httpPort', options.httpPort ?? 3500],
      ['grpcPort', options.grpcPort ?? 50001],
      ['publicPort', options.publicPort ?? 3501],
      ['metricsPort', options.metricsPort ?? 9090],
    ];
    const taken = new Map<number, string>([[INTERNAL_GRPC_PORT, 'daprd\'s internal gRPC port']]);
    for (const [field, value] of ports) {
      if (!isPort(value)) invalidInput(where, field, value, 'must be an integer port number from 1 to 65535');
      const other = taken.get(value);
      if (other) invalidInput(where, field, value, `must differ from ${other} (${value})`);
      taken.set(value, field);
    }
    if (mode === DaprSidecarMode.CONTROL_PLANE) {
      for (const [field, fixed] of [['httpPort', 3500], ['publicPort', 3501]] as const) {
        const value = options[field];
        if (value !== undefined && value !== fixed) {
          invalidInput(where, field, value, `must be ${fixed} (or unset) with mode CONTROL_PLANE: Dapr's sidecar injector always uses ${fixed}`);
        }
      }
    }
    const [httpPort, grpcPort, publicPort, metricsPort] = ports.map(p => p[1]);
    return new DistributedLock({
      mode,
      image: options.image ?? (mode === DaprSidecarMode.STANDALONE ? `docker.io/daprio/daprd:${DistributedLock.DAPR_VERSION}` : undefined),
      storeName,
      redisHost: host,
      redisPort: port,
      redisPasswordSecret: secret,
      redisPasswordKey: passwordKey,
      keyPrefix,
      enableTls: options.enableTls ?? false,
      startupTimeoutSeconds: startupSeconds,
      httpPort,
      grpcPort,
      publicPort,
      metricsPort,
    });
  }

  /** Who adds the sidecar. */
  public readonly mode: DaprSidecarMode;
  /** The `daprd` image; undefined when the Dapr control plane picks it. */
  public readonly image?: string;
  /** The Component's type: `lock.redis`. */
  public readonly componentType: string;
  /** The lock store's (the Component's) name. */
  public readonly storeName: string;
  /** The Redis host (without the port). */
  public readonly redisHost: string;
  /** The Redis port. */
  public readonly redisPort: number;
  /** The Secret with the Redis password, when there is one. */
  public readonly redisPasswordSecret?: kplus.ISecret;
  /** The password's key in `redisPasswordSecret`. */
  public readonly redisPasswordKey: string;
  /** The Component's `keyPrefix`. */
  public readonly keyPrefix: string;
  /** Whether daprd connects to Redis over TLS. */
  public readonly enableTls: boolean;
  /** How long daprd waits for Redis when it starts, in seconds. */
  public readonly startupTimeoutSeconds: number;
  /** The port of Dapr's HTTP API on localhost. */
  public readonly httpPort: number;
  /** The port of Dapr's gRPC API on localhost. */
  public readonly grpcPort: number;
  /** The port of daprd's health endpoints. */
  public readonly publicPort: number;
  /** The port of daprd's metrics. */
  public readonly metricsPort: number;
  /** The port of daprd's internal gRPC server, bound to 127.0.0.1. */
  public readonly internalGrpcPort: number;

  private constructor(spec: {
    mode: DaprSidecarMode;
    image?: string;
    storeName: string;
    redisHost: string;
    redisPort: number;
    redisPasswordSecret?: kplus.ISecret;
    redisPasswordKey: string;
    keyPrefix: string;
    enableTls: boolean;
    startupTimeoutSeconds: number;
    httpPort: number;
    grpcPort: number;
    publicPort: number;
    metricsPort: number;
  }) {
    this.mode = spec.mode;
    this.image = spec.image;
    this.componentType = 'lock.redis';
    this.storeName = spec.storeName;
    this.redisHost = spec.redisHost;
    this.redisPort = spec.redisPort;
    this.redisPasswordSecret = spec.redisPasswordSecret;
    this.redisPasswordKey = spec.redisPasswordKey;
    this.keyPrefix = spec.keyPrefix;
    this.enableTls = spec.enableTls;
    this.startupTimeoutSeconds = spec.startupTimeoutSeconds;
    this.httpPort = spec.httpPort;
    this.grpcPort = spec.grpcPort;
    this.publicPort = spec.publicPort;
    this.metricsPort = spec.metricsPort;
    this.internalGrpcPort = INTERNAL_GRPC_PORT;
  }

  /** The URL the application takes a lock at: `http://localhost:<httpPort>/v1.0-alpha1/lock/<storeName>`. */
  public get lockUrl(): string {
    return `http://localhost:${this.httpPort}/v1.0-alpha1/lock/${this.storeName}`;
  }

  /** The URL the application releases a lock at: `http://localhost:<httpPort>/v1.0-alpha1/unlock/<storeName>`. */
  public get unlockUrl(): string {
    return `http://localhost:${this.httpPort}/v1.0-alpha1/unlock/${this.storeName}`;
  }

  /** `host:port` of the Redis server. */
  public get redisAddress(): string {
    return `${this.redisHost}:${this.redisPort}`;
  }

  /**
   * The Redis key of a lock taken through a sidecar with `appId`, as Dapr 1.18 builds it
   * (`lock||<prefix>||<resourceId>`): what to look at in Redis to see who holds it.
   */
  public redisKey(appId: string, resourceId: string): string {
    switch (this.keyPrefix) {
      case 'appid': return `lock||${appId}||${resourceId}`;
      case 'name': return `lock||${this.storeName}||${resourceId}`;
      case 'none': return `lock||${resourceId}`;
      default: return `lock||${this.keyPrefix}||${resourceId}`;
    }
  }
}

/** Splits and checks `host[:port]`. */
function redisAddress(where: string, value: unknown): [string, number] {
  if (typeof value !== 'string' || value.length === 0) {
    invalidInput(where, 'redisHost', value, 'is required: the Redis server as host or host:port, e.g. redis:6379');
  }
  const m = /^([^:]+)(?::(\d+))?$/.exec(value);
  const host = m?.[1];
  const port = m?.[2] === undefined ? 6379 : Number(m[2]);
  if (!m || !(isDnsSubdomain(host) || ipFamily(host) === 'IPv4') || !isPort(port)) {
    invalidInput(where, 'redisHost', value, 'must be host or host:port with a DNS name or an IPv4 address and a port from 1 to 65535, e.g. redis:6379');
  }
  return [host!, port];
}
