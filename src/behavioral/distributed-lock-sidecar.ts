import { createHash } from 'crypto';
import { ApiObject, Chart, Duration, Lazy, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DaprSidecarMode, DistributedLock } from './distributed-lock';
import { ContainerProbes, HealthProbe } from '../core/health-probe';
import { StandardLabels } from '../core/labels';
import { INetworkClient, NetworkFlow, asWorkload } from '../core/network-flow';
import { PodAttachmentProps, attachHelperContainer, validateWorkload } from '../core/pod-attachment';
import { PodMutations } from '../core/pod-mutations';
import { ResourcePreset } from '../core/resource-preset';
import { invalid, validateDnsSubdomain, validateList, validateProps } from '../core/validation';

/** Where daprd reads its resources (the lock store's Component) in standalone mode. */
export const DAPR_RESOURCES_PATH = '/etc/dapr/resources';

/** The variable through which daprd receives the Redis password (a Component `envRef`; not DAPR_*, which Dapr refuses). */
const PASSWORD_ENV = 'REDIS_PASSWORD';

/** Variables every application container of a workload with a lock sidecar receives. */
export const LOCK_ENV = {
  /** Dapr's HTTP port (the name Dapr's SDKs read). */
  DAPR_HTTP_PORT: 'DAPR_HTTP_PORT',
  /** Dapr's gRPC port (the name Dapr's SDKs read). */
  DAPR_GRPC_PORT: 'DAPR_GRPC_PORT',
  /** The lock store's name. */
  LOCK_STORE_NAME: 'LOCK_STORE_NAME',
  /** `http://localhost:<port>/v1.0-alpha1/lock/<store>`. */
  LOCK_URL: 'LOCK_URL',
  /** `http://localhost:<port>/v1.0-alpha1/unlock/<store>`. */
  UNLOCK_URL: 'UNLOCK_URL',
  /** The pod's name (downward API): a lock owner unique to the pod. */
  LOCK_OWNER: 'LOCK_OWNER',
  /** The lock's resource id, when the pattern knows it. */
  LOCK_RESOURCE_ID: 'LOCK_RESOURCE_ID',
};

/**
 * How `LeaderElected` and `Singleton` attach the lock sidecar (their `lockSidecar` prop).
 */
export interface LockSidecarOptions {
  /**
   * Run daprd as a native sidecar (an init container with `restartPolicy: Always`, Kubernetes
   * 1.29+): it is ready before the application starts (its startup probe gates it) and stops
   * after the application, which can then still release its lock on SIGTERM.
   * @default false - a regular container, started and stopped with the application
   */
  readonly nativeSidecar?: boolean;

  /**
   * The Dapr app id of the pods (part of the lock's Redis key with `keyPrefix` `appid`).
   * @default - derived from the construct path
   */
  readonly appId?: string;

  /**
   * The lock's resource id (`LOCK_RESOURCE_ID`).
   * @default - LeaderElected: its `leaseName`; Singleton: derived from the construct path
   */
  readonly resourceId?: string;

  /**
   * Resources of the daprd container.
   * @default - 100m CPU, 256 MiB
   */
  readonly resources?: ResourcePreset;
}

/**
 * Props of `DistributedLockSidecar`.
 */
export interface DistributedLockSidecarProps extends PodAttachmentProps {
  /**
   * The lock store and its sidecar, e.g. `DistributedLock.daprRedis({ redisHost: 'redis:6379' })`.
   */
  readonly distributedLock: DistributedLock;

  /**
   * The Dapr app id of the pods. With the default `keyPrefix` (`appid`) the Redis key of a lock
   * is `lock||<appId>||<resourceId>`, so every replica that competes for a lock must have the
   * same app id, and workloads with different app ids never contend.
   * @default - derived from the construct path (the same for every replica of the workload)
   */
  readonly appId?: string;

  /**
   * The lock the application takes, given to it as `LOCK_RESOURCE_ID`.
   * @default - none: the application names its locks itself
   */
  readonly resourceId?: string;

  /**
   * The containers that receive the lock's variables (`LOCK_URL`, `UNLOCK_URL`, ...).
   * @default - every application container (not the helpers other patterns added)
   */
  readonly containers?: string[];

  /**
   * Probes of the daprd container (standalone mode).
   * @default - startup: GET /v1.0/healthz/outbound on publicPort every second for up to 60 s;
   * readiness: GET /v1.0/healthz every 5 s; liveness: TCP connect to publicPort every 10 s
   */
  readonly probes?: ContainerProbes;
}

/** The Components this library created per chart (control-plane mode), by store name. */
const COMPONENTS = new WeakMap<Chart, Map<string, { lock: DistributedLock; component: ApiObject; appIds: string[] }>>();

/**
 * The lock API sidecar (Dapr's distributed lock, *Kubernetes Patterns*, "Singleton Service"):
 * `daprd` beside the application, which takes and releases named locks with plain HTTP calls on
 * localhost while the sidecar talks to the lock store (Redis). Attach it to any workload, or give
 * the `DistributedLock` to `LeaderElected` or `Singleton` as `distributedLock`.
 *
 * Standalone mode (the default) adds a `daprd` container (`/daprd --mode standalone`) whose
 * resources directory is a ConfigMap with the lock store's Component; its APIs listen on
 * localhost only, its health and metrics on the pod's address. Control-plane mode annotates
 * the pods for Dapr's sidecar injector and creates the Component custom resource.
 *
 * Application containers receive `DAPR_HTTP_PORT`, `DAPR_GRPC_PORT`, `LOCK_STORE_NAME`,
 * `LOCK_URL`, `UNLOCK_URL`, `LOCK_OWNER` (the pod's name) and, when given, `LOCK_RESOURCE_ID`.
 * daprd gets 100m CPU and 256 MiB (Dapr's production guidelines suggest 100m and 250Mi) and
 * `GOMEMLIMIT` at 90% of its memory, unless `resources` says otherwise.
 */
export class DistributedLockSidecar extends Construct implements INetworkClient {
  /** The lock store and sidecar settings. */
  public readonly distributedLock: DistributedLock;
  /** The Dapr app id of the pods. */
  public readonly appId: string;
  /** The lock's resource id, when one was given. */
  public readonly resourceId?: string;
  /** The workload the sidecar was added to. */
  public readonly workload: kplus.AbstractPod;
  /** The daprd container (standalone mode). */
  public readonly container?: kplus.Container;
  /** The ConfigMap with the lock store's Component (standalone mode). */
  public readonly configMap?: kplus.ConfigMap;
  /** The Component custom resource (control-plane mode; shared by the sidecars of one store). */
  public readonly component?: ApiObject;
  /** The Component as daprd reads it (standalone mode: the ConfigMap's file). */
  public readonly componentYaml?: string;

  /** daprd takes locks in Redis (for `NetworkSegmentation.allowFlowsOf`). */
  public get networkFlows(): NetworkFlow[] {
    const w = asWorkload(this.workload);
    return w ? [NetworkFlow.toHost(w, this.distributedLock.redisHost, this.distributedLock.redisPort,
      `DistributedLockSidecar ${this.node.path}: daprd takes locks in Redis ${this.distributedLock.redisAddress}`)] : [];
  }

  constructor(scope: Construct, id: string, props: DistributedLockSidecarProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'distributedLock']);
    this.workload = validateWorkload(this, props.workload);
    if (!(props.distributedLock instanceof DistributedLock)) invalid(this, 'distributedLock', props.distributedLock, 'must be a DistributedLock, e.g. DistributedLock.daprRedis({ redisHost: \'redis:6379\' })');
    const lock = this.distributedLock = props.distributedLock;
    this.appId = props.appId ?? Names.toDnsLabel(this, { maxLen: 58 });
    if (typeof this.appId !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,56}[a-z0-9])?$/.test(this.appId)) {
      invalid(this, 'appId', this.appId, 'must be a DNS-1123 label of at most 58 characters (a-z, 0-9 and "-"): Dapr names the app\'s Service <appId>-dapr and refuses dots');
    }
    if (props.resourceId !== undefined) {
      if (typeof props.resourceId !== 'string' || props.resourceId.length === 0 || props.resourceId.includes('||') || props.resourceId.length > 253) {
        invalid(this, 'resourceId', props.resourceId, 'must be a non-empty string of at most 253 characters without "||" (Dapr\'s key separator)');
      }
      this.resourceId = props.resourceId;
    }
    const targets = appContainers(this, props.workload, props.containers);
    const mutations = PodMutations.of(props.workload);
    const resources = props.resources ?? ResourcePreset.custom(100, 256);

    if (lock.mode === DaprSidecarMode.STANDALONE) {
      const yaml = this.componentYaml = standaloneComponentYaml(lock);
      this.configMap = new kplus.ConfigMap(this, 'resources', { data: { [`${lock.storeName}.yaml`]: yaml } });
      StandardLabels.applyTo(this.configMap, { name: Names.toLabelValue(props.workload), component: 'dapr-lock' });
      const secret = lock.redisPasswordSecret;
      const probes = props.probes ?? {
        startup: HealthProbe.http('/v1.0/healthz/outbound', { port: lock.publicPort, period: Duration.seconds(1), failureThreshold: 60 }),
        readiness: HealthProbe.http('/v1.0/healthz', { port: lock.publicPort, period: Duration.seconds(5), timeout: Duration.seconds(2) }),
        liveness: HealthProbe.tcp({ port: lock.publicPort, period: Duration.seconds(10), failureThreshold: 3 }),
      };
      const memory = resources.memoryMebibytes;
      this.container = attachHelperContainer(this, { ...props, resources }, {
        name: 'daprd',
        image: lock.image!,
        command: ['/daprd'],
        args: [
          '--mode', 'standalone',
          '--app-id', this.appId,
          '--resources-path', DAPR_RESOURCES_PATH,
          '--dapr-http-port', String(lock.httpPort),
          '--dapr-grpc-port', String(lock.grpcPort),
          '--dapr-listen-addresses', '[::1],127.0.0.1',
          '--dapr-internal-grpc-port', String(lock.internalGrpcPort),
          '--dapr-internal-grpc-listen-address', '127.0.0.1',
          '--dapr-public-port', String(lock.publicPort),
          '--metrics-port', String(lock.metricsPort),
        ],
        ports: [{ number: lock.publicPort, name: 'dapr-public' }, { number: lock.metricsPort, name: 'dapr-metrics' }],
        envVariables: {
          GOMEMLIMIT: kplus.EnvValue.fromValue(`${Math.floor(memory * 0.9)}MiB`),
          ...(secret ? { [PASSWORD_ENV]: kplus.EnvValue.fromSecretValue({ secret, key: lock.redisPasswordKey }) } : {}),
        },
      }, {
        name: 'daprd',
        probes,
        ports: { localPorts: [lock.httpPort, lock.grpcPort, lock.internalGrpcPort], localPortField: 'lock ports (httpPort, grpcPort, 50002)' },
      });
      const volume = kplus.Volume.fromConfigMap(this, 'resources-volume', this.configMap, { name: `${this.container.name}-resources` });
      mutations.mount(this, 'resources path', this.container, DAPR_RESOURCES_PATH, volume, { readOnly: true });
      // The Component changes: roll the pods (daprd reloads a changed file too, but every
      // replica must agree on the store at once).
      const hash = createHash('sha256').update(yaml).digest('hex').slice(0, 16);
      mutations.addAnnotation(this.node.path, `config-hash.cdk8s-patterns.io/${this.container.name}`, hash);
    } else {
      for (const flag of ['writableTmp', 'shareProcessNamespace'] as const) {
        if (props[flag] !== undefined) invalid(this, flag, props[flag], 'must be unset with mode CONTROL_PLANE: the control plane adds and configures daprd');
      }
      if (props.probes !== undefined || props.security !== undefined) {
        invalid(this, props.probes !== undefined ? 'probes' : 'security', '(set)', 'must be unset with mode CONTROL_PLANE: the injector sets daprd\'s probes and security context (Helm values and dapr.io/* annotations)');
      }
      const cpu = `${resources.cpuMillis}m`;
      const memory = `${resources.memoryMebibytes}Mi`;
      const annotations: { [key: string]: string } = {
        'dapr.io/enabled': 'true',
        'dapr.io/app-id': this.appId,
        'dapr.io/grpc-port': String(lock.grpcPort),
        'dapr.io/metrics-port': String(lock.metricsPort),
        'dapr.io/sidecar-seccomp-profile-type': 'RuntimeDefault',
        'dapr.io/sidecar-cpu-request': cpu,
        'dapr.io/sidecar-memory-request': memory,
        'dapr.io/sidecar-memory-limit': memory,
        'dapr.io/env': `GOMEMLIMIT=${Math.floor(resources.memoryMebibytes * 0.9)}MiB`,
        ...(props.nativeSidecar ? { 'dapr.io/enable-native-sidecar': 'true' } : {}),
        ...(lock.image ? { 'dapr.io/sidecar-image': lock.image } : {}),
      };
      for (const [k, v] of Object.entries(annotations)) mutations.addAnnotation(this.node.path, k, v);
      this.component = controlPlaneComponent(this, lock, this.appId);
    }

    const env: { [name: string]: kplus.EnvValue } = {
      [LOCK_ENV.DAPR_HTTP_PORT]: kplus.EnvValue.fromValue(String(lock.httpPort)),
      [LOCK_ENV.DAPR_GRPC_PORT]: kplus.EnvValue.fromValue(String(lock.grpcPort)),
      [LOCK_ENV.LOCK_STORE_NAME]: kplus.EnvValue.fromValue(lock.storeName),
      [LOCK_ENV.LOCK_URL]: kplus.EnvValue.fromValue(lock.lockUrl),
      [LOCK_ENV.UNLOCK_URL]: kplus.EnvValue.fromValue(lock.unlockUrl),
      [LOCK_ENV.LOCK_OWNER]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
      ...(this.resourceId !== undefined ? { [LOCK_ENV.LOCK_RESOURCE_ID]: kplus.EnvValue.fromValue(this.resourceId) } : {}),
    };
    for (const c of targets) {
      for (const [name, value] of Object.entries(env)) mutations.addEnv(this, 'lock variables', c, name, value);
    }
  }

  /**
   * The Redis key of the lock `resourceId` (default: this sidecar's) as Dapr 1.18 writes it:
   * where to look to see who holds it.
   */
  public redisKey(resourceId?: string): string {
    const id = resourceId ?? this.resourceId;
    if (id === undefined) invalid(this, 'resourceId', id, 'is needed to name the key: pass one, or give the sidecar a resourceId');
    return this.distributedLock.redisKey(this.appId, id);
  }
}

/** The application containers that receive the lock variables. */
function appContainers(scope: Construct, workload: kplus.AbstractPod, names?: string[]): kplus.Container[] {
  const app = workload.containers.filter(c => !PodMutations.isHelper(workload, c.name));
  if (names === undefined) {
    if (app.length === 0) invalid(scope, 'workload', workload.node.path, 'must have at least one container before a pod pattern attaches to it');
    return app;
  }
  validateList(scope, 'containers', names);
  if (names.length === 0) invalid(scope, 'containers', names, 'must name at least one container (leave it unset for every application container)');
  return names.map(n => {
    const found = app.find(c => c.name === n);
    if (!found) invalid(scope, 'containers', n, `must name an application container of ${workload.node.path}: ${app.map(c => c.name).join(', ')}`);
    return found;
  });
}

/** The Component's metadata items other than the password. */
function commonMetadata(lock: DistributedLock): Array<{ name: string; value: string }> {
  return [
    { name: 'redisHost', value: lock.redisAddress },
    { name: 'keyPrefix', value: lock.keyPrefix },
    { name: 'enableTLS', value: String(lock.enableTls) },
    // Keep trying to reach Redis for startupTimeout instead of exiting at start (see DaprRedisLockOptions).
    { name: 'redisMaxRetries', value: String(Math.max(3, lock.startupTimeoutSeconds)) },
    { name: 'redisMaxRetryInterval', value: '2s' },
  ];
}

/** The Component file of standalone mode; the password comes from daprd's environment. */
function standaloneComponentYaml(lock: DistributedLock): string {
  const q = (s: string) => JSON.stringify(s);
  const items = commonMetadata(lock).map(m => [`    - name: ${m.name}`, `      value: ${q(m.value)}`]);
  if (lock.redisPasswordSecret) items.splice(1, 0, ['    - name: redisPassword', `      envRef: ${PASSWORD_ENV}`]);
  return [
    `# Dapr ${DistributedLock.DAPR_VERSION}: the lock store daprd loads`,
    'apiVersion: dapr.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${lock.storeName}`,
    'spec:',
    `  type: ${lock.componentType}`,
    '  version: v1',
    `  initTimeout: ${lock.startupTimeoutSeconds}s`,
    '  metadata:',
    ...items.flat(),
    '',
  ].join('\n');
}

/**
 * The Component custom resource of control-plane mode, one per store name in a chart: sidecars
 * that share the same DistributedLock share it (each app id in `scopes`); another lock with the
 * same store name is an error.
 */
function controlPlaneComponent(scope: DistributedLockSidecar, lock: DistributedLock, appId: string): ApiObject {
  const chart = Chart.of(scope);
  let byStore = COMPONENTS.get(chart);
  if (!byStore) COMPONENTS.set(chart, byStore = new Map());
  const existing = byStore.get(lock.storeName);
  if (existing) {
    if (existing.lock !== lock) {
      invalid(scope, 'distributedLock.storeName', lock.storeName, `must differ from the store of another DistributedLock in this chart (${existing.component.node.path}): a namespace has one Component per name; share that DistributedLock instead`);
    }
    if (!existing.appIds.includes(appId)) existing.appIds.push(appId);
    return existing.component;
  }
  validateDnsSubdomain(scope, 'distributedLock.storeName', lock.storeName);
  const appIds = [appId];
  const password = lock.redisPasswordSecret
    ? [{ name: 'redisPassword', secretKeyRef: { name: lock.redisPasswordSecret.name, key: lock.redisPasswordKey } }]
    : [];
  const [host, ...rest] = commonMetadata(lock);
  const component = new ApiObject(scope, 'component', {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Component',
    metadata: { name: lock.storeName },
    spec: { type: lock.componentType, version: 'v1', initTimeout: `${lock.startupTimeoutSeconds}s`, metadata: [host, ...password, ...rest] },
    // Every app id that uses the store loads it; other Dapr apps of the namespace do not.
    scopes: Lazy.any({ produce: () => [...appIds].sort() }),
  });
  StandardLabels.applyTo(component, { name: lock.storeName, component: 'dapr-lock' });
  byStore.set(lock.storeName, { lock, component, appIds });
  return component;
}
