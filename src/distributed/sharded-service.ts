import { Duration, Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StatefulService, VolumeClaimTemplate } from '../behavioral/stateful-service';
import { HashedConfigMap } from '../configuration/hashed-config-map';
import { validateContainerProps } from '../core/container-defaults';
import { StandardLabels } from '../core/labels';
import { INetworkClient, NetworkFlow, asWorkload } from '../core/network-flow';
import { findMainContainer, validateWorkload } from '../core/pod-attachment';
import { ResourcePreset } from '../core/resource-preset';
import { ContainerSecurityOptions, mergeSecurityContext, validateSecurityOptions } from '../core/security';
import {
  PROTOCOL_PORT, PROTOCOL_PORT_NAME, ShardProtocol, TwemproxyHash, twemproxyArgs, twemproxyConfig, validateTwemproxyPool,
} from '../core/twemproxy-config';
import { invalid, validateBoolean, validateDnsLabel, validateEnvVarName, validatePinnedImage, validatePort, validatePositiveInt, validateProps, wholeMebibytes } from '../core/validation';
import { HighAvailabilityDefaults, hardenContainers, labelAndSelect, patternLabels } from '../core/workload-pattern';
import { HighlyAvailable } from '../scaling/highly-available';
import { Ambassador } from '../structural/ambassador';
import { AmbassadorProxy, TwemproxyServer } from '../structural/ambassador-proxy';

/** The most shards: every router keeps a connection to each, and its configuration lists them all. */
const MAX_SHARDS = 256;

/** The Docker Official Images the shards run by default (`docker.io/library/...`). */
const DEFAULT_SHARD_IMAGE: { readonly [protocol: string]: string } = {
  [ShardProtocol.MEMCACHED]: 'memcached:1.6.31-alpine',
  [ShardProtocol.REDIS]: 'redis:7.4.1-alpine',
};

/** Where the shared router reads its configuration. */
const ROUTER_CONFIG_DIR = '/etc/twemproxy';
const ROUTER_CONFIG_FILE = 'nutcracker.yml';
/** twemproxy's stats port. */
const STATS_PORT = 22222;

/**
 * Props of `ShardedService`.
 */
export interface ShardedServiceProps extends HighAvailabilityDefaults {
  /**
   * The twemproxy image of the routers (the shared router and the ambassadors of
   * `attachRouterTo`). twemproxy publishes no official image: build one from your distribution's
   * package (Debian and Ubuntu: `nutcracker`) with `nutcracker` on the PATH, as this project's
   * end-to-end tests do (`ghcr.io/cdk8s-patterns/twemproxy:0.5.0`, see `test/e2e/images/`).
   */
  readonly routerImage: string;

  /**
   * What the shards speak; the routers speak the same to the clients.
   * @default ShardProtocol.MEMCACHED
   */
  readonly protocol?: ShardProtocol;

  /**
   * The number of shards (pods of the StatefulSet). The routers' configuration lists every one
   * of them, so a change rolls the routers, and consistent hashing moves about 1/shards of the
   * keys. Do not scale the StatefulSet by other means (kubectl scale, an autoscaler): the routers
   * would not follow.
   * @default 3
   */
  readonly shards?: number;

  /**
   * The image of the default shard container. The default is the protocol's Docker Official
   * Image (`docker.io/library/memcached` or `redis`), run through its entrypoint with
   * `--memory-limit=<cacheSize> --port=<port> --udp-port=0` (memcached) or `--port <port> --save ''
   * --appendonly no --maxmemory <cacheSize>mb --maxmemory-policy allkeys-lru` (Redis: an LRU
   * cache without persistence). The readiness probes run the image's tools: `sh` and `nc`
   * (`echo version | nc`, the alpine variants have them) for memcached, `redis-cli ping` for Redis.
   * @default 'memcached:1.6.31-alpine' or 'redis:7.4.1-alpine'
   */
  readonly shardImage?: string;

  /**
   * The memory each shard caches (memcached `--memory-limit`, Redis `--maxmemory`), in whole
   * MiB and at most three quarters of the shard container's memory (the rest is for connections
   * and fragmentation: the kernel kills the container at its limit). Only for the default
   * shard container.
   * @default - half the memory of the shard container's preset (64 MiB with ResourcePreset.SMALL)
   */
  readonly cacheSize?: Size;

  /**
   * A shard container of your own instead of the default one (e.g. Redis with persistence on
   * `shardVolumeClaimTemplates`). It must serve the protocol on `shardPort` (or on its only port)
   * and have a readiness probe.
   * @default - the protocol's official image, see `shardImage`
   */
  readonly shardContainer?: kplus.ContainerProps;

  /**
   * The port the shards serve.
   * @default - 11211 (memcached) or 6379 (Redis), or the only port of `shardContainer`
   */
  readonly shardPort?: number;

  /**
   * Per-shard persistent volumes (for a `shardContainer` that persists its data).
   * @default - none: a cache shard starts empty
   */
  readonly shardVolumeClaimTemplates?: VolumeClaimTemplate[];

  /**
   * Resources of the shard container when it sets none (the default container never does).
   * @default ResourcePreset.SMALL
   */
  readonly shardResources?: ResourcePreset;

  /**
   * Paths the shard container may write to under its read-only root filesystem: each gets an
   * emptyDir of its own (64 MiB). The default containers need none.
   * @default - none
   */
  readonly writablePaths?: string[];

  /**
   * How the shard and router containers are locked down (always Pod Security *restricted*).
   * @default - UID/GID 65532, read-only root filesystem, no capabilities
   */
  readonly security?: ContainerSecurityOptions;

  /**
   * `app.kubernetes.io/name` of everything the pattern creates.
   * @default - the construct's id
   */
  readonly appName?: string;

  /**
   * `app.kubernetes.io/part-of` of everything the pattern creates.
   * @default - not set
   */
  readonly partOf?: string;

  /**
   * The hash twemproxy applies to keys before placing them on its ketama ring.
   * @default TwemproxyHash.MD5 - even for sequential keys (see TwemproxyHash.FNV1A_64)
   */
  readonly hash?: TwemproxyHash;

  /**
   * Take a failing shard off the ring for 10 s after two failures, so its keys go to the other
   * shards meanwhile (twemproxy `auto_eject_hosts`). A key may then be cached on two shards and
   * read stale from its own once that shard is back.
   * @default false - a key always goes to its own shard; while that shard is down its requests
   * fail (cache clients count that as a miss)
   */
  readonly ejectFailedShards?: boolean;

  /**
   * How long a request may wait for its shard before the router answers with an error.
   * @default Duration.seconds(1)
   */
  readonly shardTimeout?: Duration;

  /**
   * Run a shared router: a Deployment of twemproxy behind a ClusterIP Service (`endpoint`) that
   * every client can use. Without it, give each client its own router with `attachRouterTo`.
   * @default true
   */
  readonly sharedRouter?: boolean;

  /**
   * Replicas of the shared router. A router holds no state: any replica routes any key the same.
   * @default 2
   */
  readonly routerReplicas?: number;

  /**
   * The port of the shared router (its Service and its container).
   * @default - the protocol's port: 11211 (memcached) or 6379 (Redis)
   */
  readonly routerPort?: number;

  /**
   * Resources of every router container (shared router and ambassadors).
   * @default ResourcePreset.MICRO
   */
  readonly routerResources?: ResourcePreset;
}

/**
 * Options of `ShardedService.attachRouterTo`.
 */
export interface RouterAttachmentOptions {
  /**
   * The environment variable of the application container that receives the router's address,
   * e.g. `MEMCACHED_ADDR` (`localhost:11211`).
   * @default - none: the application is configured some other way
   */
  readonly envVar?: string;

  /**
   * The URL scheme in front of the address, e.g. `redis` gives `redis://localhost:6379`.
   * @default - no scheme
   */
  readonly urlScheme?: string;

  /**
   * The port the router listens on at 127.0.0.1.
   * @default - the protocol's port: 11211 (memcached) or 6379 (Redis)
   */
  readonly listenPort?: number;

  /**
   * twemproxy's stats port, bound to 127.0.0.1 (give each twemproxy of a pod its own).
   * @default 22222
   */
  readonly statsPort?: number;

  /**
   * The router container's name (give each router of a pod its own).
   * @default 'ambassador'
   */
  readonly containerName?: string;

  /**
   * The application container that gets `envVar`.
   * @default - the workload's first container
   */
  readonly mainContainer?: string;

  /**
   * Run the router as a native sidecar (starts before the application, needs Kubernetes 1.29+).
   * @default false
   */
  readonly nativeSidecar?: boolean;
}

/**
 * Sharded service (Burns, *Designing Distributed Systems*): data too big or too busy for one
 * server is split over N shards, and a router sends each key to the one shard that owns it.
 *
 * The shards are a `StatefulService`: a StatefulSet (memcached or Redis, hardened to Pod Security
 * *restricted*, started in parallel) behind a headless Service, so shard `i` has the stable name
 * `<statefulset>-<i>.<headless service>`. The router is twemproxy with consistent hashing
 * (ketama): its configuration lists every shard by that name, in ordinal order, and places it on
 * the ring by its pod name, so a key stays on its shard when the pod moves to another address
 * (twemproxy resolves the name again on every new connection). The configuration follows
 * `shards`; a change gives a new content-hashed ConfigMap and rolls the routers.
 *
 * Names are relative (resolved through the pod's DNS search path in the shards' namespace), so
 * the manifests work in whichever namespace they are applied; clients in other namespaces use
 * the shared router's Service. The headless Service publishes shards before they are ready:
 * the ring, not DNS, decides which shard owns a key, and a name that exists from the pod's first
 * moment spares the router cached negative answers while a shard starts.
 *
 * Routers: a shared Deployment + ClusterIP Service (`endpoint`, the default), and/or an
 * `Ambassador` in a client's pods (`attachRouterTo`), which listens on localhost. Both render the
 * same ring, so they agree on where every key lives. From two replicas the shards and the shared
 * router get a PodDisruptionBudget and topology spread.
 */
export class ShardedService extends Construct implements INetworkClient {
  /** What the shards speak. */
  public readonly protocol: ShardProtocol;
  /** The number of shards. */
  public readonly shardCount: number;
  /** The port the shards serve. */
  public readonly shardPort: number;
  /** The key hash of the routers. */
  public readonly hash: TwemproxyHash;
  /** The shards: StatefulSet, headless Service and (for two or more) their PodDisruptionBudget. */
  public readonly shardSet: StatefulService;
  /** The shards' StatefulSet. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The shards' headless Service (the StatefulSet's `serviceName`). */
  public readonly headlessService: kplus.Service;
  /** Every shard as the routers list it, in ordinal order: stable DNS name, port, pod name. */
  public readonly shardServers: TwemproxyServer[];
  /** Every shard's `host:port`, in ordinal order. */
  public readonly shardAddresses: string[];
  /** The shared router's twemproxy configuration, when `sharedRouter`. */
  public readonly routerConfig?: string;
  /** The shared router's content-hashed, immutable ConfigMap, when `sharedRouter`. */
  public readonly routerConfigMap?: HashedConfigMap;
  /** The shared router's Deployment, when `sharedRouter`. */
  public readonly routerDeployment?: kplus.Deployment;
  /** The shared router's ClusterIP Service, when `sharedRouter`. */
  public readonly routerService?: kplus.Service;
  /** The shared router's PodDisruptionBudget and spread, for two or more replicas. */
  public readonly routerHighAvailability?: HighlyAvailable;
  /** The shared router's port, when `sharedRouter`. */
  public readonly routerPort?: number;
  /** Where clients reach the shared router, `<service>:<port>`, when `sharedRouter`. */
  public readonly endpoint?: string;

  private readonly routerImage: string;
  private readonly routerPreset: ResourcePreset;
  private readonly security?: ContainerSecurityOptions;
  private readonly ejectFailedShards: boolean;
  private readonly shardTimeout: Duration;
  private readonly attached: Ambassador[] = [];

  constructor(scope: Construct, id: string, props: ShardedServiceProps) {
    super(scope, id);
    validateProps(this, props, ['routerImage']);
    this.routerImage = validatePinnedImage(this, 'routerImage', props.routerImage, 'so that every router runs the same twemproxy (the image-pinned rule)');
    this.protocol = props.protocol ?? ShardProtocol.MEMCACHED;
    if (!Object.values(ShardProtocol).includes(this.protocol)) {
      invalid(this, 'protocol', this.protocol, `must be one of ${Object.values(ShardProtocol).join(', ')} (ShardProtocol)`);
    }
    this.hash = props.hash ?? TwemproxyHash.MD5;
    if (!Object.values(TwemproxyHash).includes(this.hash)) invalid(this, 'hash', this.hash, `must be one of ${Object.values(TwemproxyHash).join(', ')} (TwemproxyHash)`);
    this.shardCount = validatePositiveInt(this, 'shards', props.shards ?? 3);
    if (this.shardCount > MAX_SHARDS) {
      invalid(this, 'shards', this.shardCount, `must be at most ${MAX_SHARDS}: every router keeps a connection to each shard and lists them all`);
    }
    for (const field of ['sharedRouter', 'ejectFailedShards', 'highAvailability'] as const) validateBoolean(this, field, props[field]);
    this.ejectFailedShards = props.ejectFailedShards ?? false;
    this.shardTimeout = props.shardTimeout ?? Duration.seconds(1);
    wholeMilliseconds(this, 'shardTimeout', this.shardTimeout);
    validateSecurityOptions(this, 'security', props.security);
    this.security = props.security;
    this.routerPreset = preset(this, 'routerResources', props.routerResources, ResourcePreset.MICRO);
    const shardPreset = preset(this, 'shardResources', props.shardResources, ResourcePreset.SMALL);

    const shard = this.shardContainer(props, shardPreset);
    this.shardPort = shard.port;
    const labels = patternLabels(this, props, 'router');

    // The shards first: their names are the routers' configuration.
    this.shardSet = new StatefulService(this, 'shards', {
      appName: labels.name,
      partOf: props.partOf,
      resources: shardPreset,
      security: props.security,
      writablePaths: props.writablePaths,
      highAvailability: props.highAvailability,
      replicas: this.shardCount,
      // Shards are independent: none waits for another to start or stop.
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      publishNotReadyAddresses: true,
      volumeClaimTemplates: props.shardVolumeClaimTemplates,
      containers: [shard.container],
    });
    this.statefulSet = this.shardSet.statefulSet;
    this.headlessService = this.shardSet.headlessService;
    this.shardServers = this.shardSet.podDnsNames().map((host, i) => ({ host, port: this.shardPort, name: `${this.statefulSet.name}-${i}` }));
    this.shardAddresses = this.shardServers.map(s => `${s.host}:${s.port}`);

    if (props.sharedRouter === false) {
      for (const field of ['routerReplicas', 'routerPort'] as const) {
        if (props[field] !== undefined) invalid(this, field, props[field], 'must be unset without a shared router (sharedRouter: false); attachRouterTo takes the ambassador\'s listenPort');
      }
      return;
    }

    // The shared router.
    const routerReplicas = validatePositiveInt(this, 'routerReplicas', props.routerReplicas ?? 2);
    this.routerPort = validatePort(this, 'routerPort', props.routerPort ?? PROTOCOL_PORT[this.protocol]);
    if (this.routerPort === STATS_PORT) invalid(this, 'routerPort', this.routerPort, `must differ from ${STATS_PORT}, twemproxy's stats port`);
    const pool = {
      pool: 'shards',
      listenAddress: '0.0.0.0',
      listenPort: this.routerPort,
      protocol: this.protocol,
      hash: this.hash,
      servers: this.shardServers,
      autoEjectHosts: this.ejectFailedShards,
      timeoutMs: this.shardTimeout.toMilliseconds({ integral: false }),
    };
    validateTwemproxyPool(this.node.path, pool);
    this.routerConfig = twemproxyConfig(pool);
    this.routerConfigMap = new HashedConfigMap(this, 'router-config', {
      baseName: `${Names.toDnsLabel(this, { maxLen: 40 })}-router`,
      data: { [ROUTER_CONFIG_FILE]: this.routerConfig },
      labels: StandardLabels.of(labels),
    });
    const configVolume = kplus.Volume.fromConfigMap(this, 'router-config-volume', this.routerConfigMap, { name: 'router-config' });
    const portName = PROTOCOL_PORT_NAME[this.protocol];
    this.routerDeployment = new kplus.Deployment(this, 'router', {
      replicas: routerReplicas,
      select: false,
      containers: hardenContainers(this, {
        security: props.security,
        containers: [{
          name: 'twemproxy',
          image: this.routerImage,
          command: ['nutcracker'],
          // The stats server (JSON counters on connect) on the pod's address: the liveness probe's
          // port, and a metrics source; nothing else reaches it under a NetworkSegmentation.
          args: twemproxyArgs(`${ROUTER_CONFIG_DIR}/${ROUTER_CONFIG_FILE}`, STATS_PORT, '0.0.0.0'),
          ports: [{ number: this.routerPort, name: portName }, { number: STATS_PORT, name: 'stats' }],
          // The router accepts clients as soon as it listens; a key's shard answers for itself.
          readiness: kplus.Probe.fromTcpSocket({ port: this.routerPort, periodSeconds: Duration.seconds(5) }),
          liveness: livenessOn(STATS_PORT),
          volumeMounts: [{ path: ROUTER_CONFIG_DIR, volume: configVolume, readOnly: true }],
        }],
      }, this.routerPreset),
    });
    labelAndSelect(this.routerDeployment, labels);
    this.routerService = new kplus.Service(this, 'router-service', {
      ports: [{ port: this.routerPort, targetPort: this.routerPort, name: portName }],
    });
    for (const [k, v] of Object.entries(this.routerDeployment.matchLabels)) this.routerService.selectLabel(k, v);
    StandardLabels.applyTo(this.routerService, labels);
    this.endpoint = `${this.routerService.name}:${this.routerPort}`;
    if (routerReplicas >= 2 && props.highAvailability !== false) {
      this.routerHighAvailability = new HighlyAvailable(this, 'router-high-availability', { workload: this.routerDeployment, replicas: routerReplicas, labels });
    }
  }

  /**
   * Gives a client workload a router of its own: a twemproxy `Ambassador` in its pods that listens
   * on `localhost:<listenPort>`, with the same ring as the shared router (so both place every key on
   * the same shard). The workload must be in the same chart (namespace) as the shards.
   */
  public attachRouterTo(workload: kplus.AbstractPod, options: RouterAttachmentOptions = {}): Ambassador {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) invalid(this, 'attachRouterTo options', options, 'must be an object');
    // Checked before the Ambassador exists: a failed attachment must not leave half a construct behind.
    validateWorkload(this, workload);
    if (workload === this.statefulSet || workload === this.routerDeployment) {
      invalid(this, 'attachRouterTo workload', workload.node.path, 'must be a client of the shards, not the ShardedService\'s own shards or shared router');
    }
    if (this.attached.some(a => a.workload === workload)) {
      invalid(this, 'attachRouterTo workload', workload.node.path, 'already has a router of this ShardedService');
    }
    findMainContainer(this, workload, options.mainContainer);
    if (options.envVar !== undefined) validateEnvVarName(this, 'attachRouterTo envVar', options.envVar);
    if (options.containerName !== undefined) validateDnsLabel(this, 'attachRouterTo containerName', options.containerName);
    const listenPort = validatePort(this, 'attachRouterTo listenPort', options.listenPort ?? PROTOCOL_PORT[this.protocol]);
    const statsPort = validatePort(this, 'attachRouterTo statsPort', options.statsPort ?? STATS_PORT);
    if (listenPort === statsPort) invalid(this, 'attachRouterTo listenPort', listenPort, `must differ from the stats port (${statsPort})`);
    const proxy = AmbassadorProxy.twemproxy({
      image: this.routerImage,
      servers: this.shardServers,
      protocol: this.protocol,
      listenPort,
      hash: this.hash,
      autoEjectHosts: this.ejectFailedShards,
      timeout: this.shardTimeout,
      statsPort,
    });
    const ambassador = new Ambassador(this, `router-${Names.toDnsLabel(workload, { maxLen: 40 })}`, {
      workload,
      proxy,
      envVar: options.envVar,
      urlScheme: options.urlScheme,
      containerName: options.containerName,
      mainContainer: options.mainContainer,
      nativeSidecar: options.nativeSidecar,
      resources: this.routerPreset,
      security: this.security,
    });
    this.attached.push(ambassador);
    return ambassador;
  }

  /** The ambassadors `attachRouterTo` added, in the order they were added. */
  public get routers(): Ambassador[] {
    return [...this.attached];
  }

  /**
   * The flows the routers need (for `NetworkSegmentation.allowFlowsOf`): the shared router's pods
   * and every workload with an attached router reach the shards. Who may reach the shared router
   * is the application's to say (`allowToService(routerService, ...)`).
   */
  public get networkFlows(): NetworkFlow[] {
    const flows: NetworkFlow[] = [];
    if (this.routerDeployment) {
      flows.push(NetworkFlow.toService(this.routerDeployment, this.headlessService, `ShardedService ${this.node.path}: the shared router reaches every shard`));
    }
    for (const a of this.attached) {
      const w = asWorkload(a.workload);
      if (w) flows.push(NetworkFlow.toService(w, this.headlessService, `ShardedService ${this.node.path}: the router in ${w.node.path}'s pods reaches every shard`));
    }
    return flows;
  }

  /** The shard container (the default one, or the user's checked) and the port it serves. */
  private shardContainer(props: ShardedServiceProps, shardPreset: ResourcePreset): { container: kplus.ContainerProps; port: number } {
    if (props.shardContainer !== undefined) {
      for (const field of ['shardImage', 'cacheSize'] as const) {
        if (props[field] !== undefined) invalid(this, field, field === 'cacheSize' ? '(set)' : props[field], 'must be unset with shardContainer: configure the image and its memory in your container');
      }
      validateContainerProps(this, 'shardContainer', props.shardContainer);
      mergeSecurityContext(this, 'shardContainer.securityContext', props.shardContainer.securityContext, props.security);
      const ports = [
        ...(props.shardContainer.ports ?? []).map(p => p.number),
        ...(props.shardContainer.portNumber !== undefined ? [props.shardContainer.portNumber] : []),
      ];
      if (props.shardPort !== undefined) {
        validatePort(this, 'shardPort', props.shardPort);
        if (!ports.includes(props.shardPort)) invalid(this, 'shardPort', props.shardPort, `must be a port of shardContainer: ${ports.join(', ') || 'it has none'}`);
        return { container: { name: 'shard', ...props.shardContainer }, port: props.shardPort };
      }
      if (ports.length !== 1) invalid(this, 'shardContainer.ports', ports, 'must be exactly one port (portNumber or ports), or name the one the routers use in shardPort');
      return { container: { name: 'shard', ...props.shardContainer }, port: ports[0] };
    }

    const port = validatePort(this, 'shardPort', props.shardPort ?? PROTOCOL_PORT[this.protocol]);
    const image = props.shardImage ?? DEFAULT_SHARD_IMAGE[this.protocol];
    validatePinnedImage(this, 'shardImage', image, 'so that every shard runs the same server (the image-pinned rule)');
    const memory = shardPreset.memoryMebibytes;
    const max = Math.floor(memory * 3 / 4);
    const cacheMib = props.cacheSize === undefined ? Math.floor(memory / 2) : wholeMebibytes(this, 'cacheSize', props.cacheSize);
    if (cacheMib > max) {
      invalid(this, 'cacheSize', `${cacheMib}Mi`, `must be at most ${max}Mi, three quarters of the shard container's ${memory}Mi (shardResources): the rest is for connections and fragmentation, and the kernel kills the container at its limit`);
    }
    const liveness = livenessOn(port);
    const ports = [{ number: port, name: PROTOCOL_PORT_NAME[this.protocol] }];
    if (this.protocol === ShardProtocol.MEMCACHED) {
      return {
        port,
        container: {
          name: 'memcached',
          image,
          args: [`--memory-limit=${cacheMib}`, `--port=${port}`, '--udp-port=0'],
          ports,
          // Ready when memcached answers the protocol (`version`), asked with the image's busybox sh
          // and nc; `quit` makes memcached close the connection, so nc ends without waiting.
          readiness: kplus.Probe.fromCommand(['sh', '-c', `printf 'version\\r\\nquit\\r\\n' | nc -w 2 127.0.0.1 ${port} | grep -q '^VERSION '`], {
            periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(3),
          }),
          liveness,
        },
      };
    }
    return {
      port,
      container: {
        name: 'redis',
        image,
        args: ['--port', String(port), '--save', '', '--appendonly', 'no', '--maxmemory', `${cacheMib}mb`, '--maxmemory-policy', 'allkeys-lru'],
        ports,
        readiness: kplus.Probe.fromCommand(['redis-cli', '-p', String(port), 'ping']),
        liveness,
      },
    };
  }
}

/**
 * A TCP liveness probe, more patient than readiness: a server restarts only after it stopped
 * accepting connections for a minute (a cache shard that restarts loses its keys).
 */
function livenessOn(port: number): kplus.Probe {
  return kplus.Probe.fromTcpSocket({ port, initialDelaySeconds: Duration.seconds(10), periodSeconds: Duration.seconds(20) });
}

/** A ResourcePreset prop, or its default. */
function preset(scope: Construct, field: string, value: ResourcePreset | undefined, fallback: ResourcePreset): ResourcePreset {
  if (value !== undefined && !(value instanceof ResourcePreset)) invalid(scope, field, value, 'must be a ResourcePreset, e.g. ResourcePreset.SMALL');
  return value ?? fallback;
}

/** A duration in whole milliseconds, at least 1 ms. */
function wholeMilliseconds(scope: Construct, field: string, duration: Duration): number {
  if (!(duration instanceof Duration)) invalid(scope, field, duration, 'must be a Duration, e.g. Duration.seconds(1)');
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 1) invalid(scope, field, duration, 'must be a whole number of milliseconds, at least 1');
  return ms;
}
