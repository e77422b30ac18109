import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parse } from 'yaml';
import {
  Ambassador, AmbassadorProxy, DaprSidecarMode, DistributedLock, DistributedLockSidecar, LeaderElected, NetworkSegmentation, ResourcePreset,
  RestrictedPods, Singleton, SingletonGuarantee,
} from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const APP = { name: 'app', image: 'shop/app:1.0.0', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }) };

/** A plain cdk8s-plus Deployment with the lock sidecar. */
function attached(lock: DistributedLock = DistributedLock.daprRedis({ redisHost: 'redis:6379' }), extra: object = {}) {
  const chart = Testing.chart();
  const deployment = new kplus.Deployment(chart, 'web', { containers: [APP] });
  const sidecar = new DistributedLockSidecar(chart, 'lock', { workload: deployment, distributedLock: lock, appId: 'web', resourceId: 'nightly-report', ...extra });
  RestrictedPods.applyTo(chart); // the plain cdk8s-plus container too; daprd is hardened by the pattern
  return { chart, deployment, sidecar, manifests: synth(chart) };
}

const envOf = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('DistributedLock.daprRedis', () => {
  test('defaults: Dapr 1.18.3\'s daprd image, store "lockstore", the usual ports, app-id key prefix', () => {
    const lock = DistributedLock.daprRedis({ redisHost: 'redis' });
    expect(DistributedLock.DAPR_VERSION).toBe('1.18.3');
    expect(lock.image).toBe('docker.io/daprio/daprd:1.18.3');
    expect(lock.mode).toBe(DaprSidecarMode.STANDALONE);
    expect(lock.componentType).toBe('lock.redis');
    expect([lock.storeName, lock.redisAddress, lock.keyPrefix, lock.enableTls, lock.startupTimeoutSeconds]).toEqual(['lockstore', 'redis:6379', 'appid', false, 60]);
    expect([lock.httpPort, lock.grpcPort, lock.publicPort, lock.metricsPort, lock.internalGrpcPort]).toEqual([3500, 50001, 3501, 9090, 50002]);
    expect(lock.lockUrl).toBe('http://localhost:3500/v1.0-alpha1/lock/lockstore');
    expect(lock.unlockUrl).toBe('http://localhost:3500/v1.0-alpha1/unlock/lockstore');
  });

  test('the Redis key as Dapr builds it for each keyPrefix', () => {
    const key = (keyPrefix: string) => DistributedLock.daprRedis({ redisHost: 'redis', storeName: 'locks', keyPrefix }).redisKey('web', 'job');
    expect(key('appid')).toBe('lock||web||job');
    expect(key('name')).toBe('lock||locks||job');
    expect(key('none')).toBe('lock||job');
    expect(key('shop')).toBe('lock||shop||job');
  });

  test.each([
    [undefined, 'DistributedLock.daprRedis: invalid options undefined: must be an object with at least redisHost'],
    [{}, 'DistributedLock.daprRedis: invalid redisHost undefined: is required: the Redis server as host or host:port, e.g. redis:6379'],
    [{ redisHost: 'redis:0' }, 'DistributedLock.daprRedis: invalid redisHost "redis:0": must be host or host:port with a DNS name or an IPv4 address and a port from 1 to 65535, e.g. redis:6379'],
    [{ redisHost: 'Redis_Host:6379' }, 'invalid redisHost "Redis_Host:6379": must be host or host:port'],
    [{ redisHost: 'redis://redis:6379' }, 'invalid redisHost "redis://redis:6379": must be host or host:port'],
    [{ redisHost: 'redis', mode: 'sidecar' }, 'DistributedLock.daprRedis: invalid mode "sidecar": must be one of standalone, control-plane'],
    [{ redisHost: 'redis', storeName: 'Lock_Store' }, 'DistributedLock.daprRedis: invalid storeName "Lock_Store": must be a DNS-1123 label'],
    [{ redisHost: 'redis', keyPrefix: 'a||b' }, 'DistributedLock.daprRedis: invalid keyPrefix "a||b": must be appid, name, none or a custom prefix'],
    [{ redisHost: 'redis', enableTls: 'yes' }, 'DistributedLock.daprRedis: invalid enableTls "yes": must be true or false'],
    [{ redisHost: 'redis', startupTimeout: Duration.millis(1500) }, 'DistributedLock.daprRedis: invalid startupTimeout 1.5s: must be a whole number of seconds, at least 1'],
    [{ redisHost: 'redis', startupTimeout: 60 }, 'DistributedLock.daprRedis: invalid startupTimeout 60: must be a Duration, e.g. Duration.seconds(30)'],
    [{ redisHost: 'redis', redisPasswordSecret: 'redis-auth' }, 'DistributedLock.daprRedis: invalid redisPasswordSecret "redis-auth": must be a cdk8s-plus Secret'],
    [{ redisHost: 'redis', redisPasswordKey: 'password' }, 'DistributedLock.daprRedis: invalid redisPasswordKey "password": needs redisPasswordSecret'],
    [{ redisHost: 'redis', image: 'daprio/daprd:latest' }, 'DistributedLock.daprRedis: invalid image "daprio/daprd:latest": must be pinned to a version tag (not latest) or a sha256 digest'],
    [{ redisHost: 'redis', httpPort: 0 }, 'DistributedLock.daprRedis: invalid httpPort 0: must be an integer port number from 1 to 65535'],
    [{ redisHost: 'redis', metricsPort: 3500 }, 'DistributedLock.daprRedis: invalid metricsPort 3500: must differ from httpPort (3500)'],
    [{ redisHost: 'redis', grpcPort: 50002 }, 'DistributedLock.daprRedis: invalid grpcPort 50002: must differ from daprd\'s internal gRPC port (50002)'],
    [{ redisHost: 'redis', mode: DaprSidecarMode.CONTROL_PLANE, httpPort: 3600 },
      'DistributedLock.daprRedis: invalid httpPort 3600: must be 3500 (or unset) with mode CONTROL_PLANE: Dapr\'s sidecar injector always uses 3500'],
  ])('validation %#', (options, message) => {
    expect(() => DistributedLock.daprRedis(options as any)).toThrow(message);
  });

  test('a bad Secret key', () => {
    const chart = Testing.chart();
    const secret = kplus.Secret.fromSecretName(chart, 's', 'redis-auth');
    expect(() => DistributedLock.daprRedis({ redisHost: 'redis', redisPasswordSecret: secret, redisPasswordKey: 'pass word' }))
      .toThrow('DistributedLock.daprRedis: invalid redisPasswordKey "pass word": must be a Secret key');
  });
});

describe('DistributedLockSidecar (standalone daprd)', () => {
  test('daprd runs /daprd in standalone mode: APIs on localhost, health and metrics on the pod, resources from the ConfigMap', () => {
    const { manifests } = attached();
    const spec = podSpec(only(manifests, 'Deployment'));
    const daprd = container(spec, 'daprd');
    expect(daprd.image).toBe('docker.io/daprio/daprd:1.18.3');
    expect(daprd.command).toEqual(['/daprd']);
    expect(daprd.args).toEqual([
      '--mode', 'standalone', '--app-id', 'web', '--resources-path', '/etc/dapr/resources',
      '--dapr-http-port', '3500', '--dapr-grpc-port', '50001', '--dapr-listen-addresses', '[::1],127.0.0.1',
      '--dapr-internal-grpc-port', '50002', '--dapr-internal-grpc-listen-address', '127.0.0.1',
      '--dapr-public-port', '3501', '--metrics-port', '9090',
    ]);
    expect(daprd.ports).toEqual([{ containerPort: 3501, name: 'dapr-public' }, { containerPort: 9090, name: 'dapr-metrics' }]);
    expect(daprd.startupProbe).toMatchObject({ httpGet: { path: '/v1.0/healthz/outbound', port: 3501 }, periodSeconds: 1, failureThreshold: 60 });
    expect(daprd.readinessProbe).toMatchObject({ httpGet: { path: '/v1.0/healthz', port: 3501 }, periodSeconds: 5 });
    expect(daprd.livenessProbe).toMatchObject({ tcpSocket: { port: 3501 }, periodSeconds: 10 });
    expect(daprd.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 65532,
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(daprd.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '256Mi', 'ephemeral-storage': '1Gi' },
      limits: { 'memory': '256Mi', 'ephemeral-storage': '2Gi' },
    });
    expect(envOf(daprd)).toEqual({ GOMEMLIMIT: '230MiB' });
    // Resources from the ConfigMap, read-only.
    const cm = only(manifests, 'ConfigMap');
    const mount = daprd.volumeMounts.find((m: any) => m.mountPath === '/etc/dapr/resources');
    expect(mount.readOnly).toBe(true);
    expect(spec.volumes.find((v: any) => v.name === mount.name).configMap.name).toBe(cm.metadata.name);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('the Component file: lock.redis on the Redis host, the key prefix, no password; daprd waits 60 s for Redis at start', () => {
    const { manifests, sidecar } = attached();
    const data = only(manifests, 'ConfigMap').data;
    expect(Object.keys(data)).toEqual(['lockstore.yaml']);
    expect(parse(data['lockstore.yaml'])).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'lockstore' },
      spec: {
        type: 'lock.redis',
        version: 'v1',
        initTimeout: '60s',
        metadata: [
          { name: 'redisHost', value: 'redis:6379' },
          { name: 'keyPrefix', value: 'appid' },
          { name: 'enableTLS', value: 'false' },
          { name: 'redisMaxRetries', value: '60' },
          { name: 'redisMaxRetryInterval', value: '2s' },
        ],
      },
    });
    expect(sidecar.componentYaml).toBe(data['lockstore.yaml']);
  });

  test('the password reaches daprd alone, from the Secret, and the Component refers to it by envRef', () => {
    const chart = Testing.chart();
    const secret = new kplus.Secret(chart, 'redis-auth', { stringData: { password: 'not-in-the-configmap' } });
    const deployment = new kplus.Deployment(chart, 'web', { containers: [APP] });
    new DistributedLockSidecar(chart, 'lock', {
      workload: deployment,
      distributedLock: DistributedLock.daprRedis({
        redisHost: 'redis.shared.svc.cluster.local', redisPasswordSecret: secret, redisPasswordKey: 'password', enableTls: true, startupTimeout: Duration.minutes(2),
      }),
    });
    const manifests = synth(chart);
    const spec = podSpec(only(manifests, 'Deployment'));
    expect(envOf(container(spec, 'daprd')).REDIS_PASSWORD).toEqual({ secretKeyRef: { name: secret.name, key: 'password' } });
    expect(envOf(container(spec, 'app')).REDIS_PASSWORD).toBeUndefined();
    const yaml = only(manifests, 'ConfigMap').data['lockstore.yaml'];
    expect(yaml).not.toContain('not-in-the-configmap');
    expect(parse(yaml).spec.initTimeout).toBe('120s');
    expect(parse(yaml).spec.metadata).toEqual([
      { name: 'redisHost', value: 'redis.shared.svc.cluster.local:6379' },
      { name: 'redisPassword', envRef: 'REDIS_PASSWORD' },
      { name: 'keyPrefix', value: 'appid' },
      { name: 'enableTLS', value: 'true' },
      { name: 'redisMaxRetries', value: '120' },
      { name: 'redisMaxRetryInterval', value: '2s' },
    ]);
  });

  test('the application learns where the lock API is, who it is and which lock to take', () => {
    const { manifests, sidecar } = attached();
    const env = envOf(container(podSpec(only(manifests, 'Deployment')), 'app'));
    expect(env).toEqual({
      DAPR_HTTP_PORT: '3500',
      DAPR_GRPC_PORT: '50001',
      LOCK_STORE_NAME: 'lockstore',
      LOCK_URL: 'http://localhost:3500/v1.0-alpha1/lock/lockstore',
      UNLOCK_URL: 'http://localhost:3500/v1.0-alpha1/unlock/lockstore',
      LOCK_OWNER: { fieldRef: { fieldPath: 'metadata.name' } },
      LOCK_RESOURCE_ID: 'nightly-report',
    });
    expect(sidecar.redisKey()).toBe('lock||web||nightly-report');
    expect(sidecar.redisKey('other')).toBe('lock||web||other');
  });

  test('a Component change rolls the pods (hash annotation)', () => {
    const hash = (keyPrefix: string) => podAnnotations(attached(DistributedLock.daprRedis({ redisHost: 'redis', keyPrefix })).manifests)['config-hash.cdk8s-patterns.io/daprd'];
    expect(hash('appid')).toMatch(/^[0-9a-f]{16}$/);
    expect(hash('appid')).toBe(hash('appid'));
    expect(hash('name')).not.toBe(hash('appid'));
  });

  test('a native sidecar: an init container with restartPolicy Always, whose startup probe gates the application', () => {
    const { manifests } = attached(undefined, { nativeSidecar: true });
    const spec = podSpec(only(manifests, 'Deployment'));
    expect(spec.containers.map((c: any) => c.name)).toEqual(['app']);
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['daprd', 'Always']]);
    expect(spec.initContainers[0].startupProbe.httpGet.path).toBe('/v1.0/healthz/outbound');
    expect(restrictedViolations(manifests)).toEqual([]);
  });

  test('the app id defaults to one derived from the construct path (the same for every replica)', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const s = new DistributedLockSidecar(chart, 'lock', { workload: deployment, distributedLock: DistributedLock.daprRedis({ redisHost: 'redis' }) });
    expect(s.appId).toMatch(/^test-lock-[0-9a-f]{8}$/);
    const args = container(podSpec(only(synth(chart), 'Deployment')), 'daprd').args;
    expect(args[args.indexOf('--app-id') + 1]).toBe(s.appId);
  });

  test('the flow to Redis, for NetworkSegmentation: ingress on the Redis pods from the workload, egress from it', () => {
    const chart = Testing.chart();
    const redis = new kplus.Deployment(chart, 'redis', { containers: [{ image: 'redis:7.4.1-alpine', portNumber: 6379, readiness: kplus.Probe.fromTcpSocket({ port: 6379 }) }] });
    redis.exposeViaService({ name: 'redis', ports: [{ port: 6379, targetPort: 6379 }] });
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const sidecar = new DistributedLockSidecar(chart, 'lock', { workload: web, distributedLock: DistributedLock.daprRedis({ redisHost: 'redis:6379' }) });
    expect(sidecar.networkFlows.map(f => [f.kind, f.host, f.port])).toEqual([['host', 'redis', 6379]]);
    new NetworkSegmentation(chart, 'seg').allowFlowsOf(sidecar);
    const ms = synth(chart);
    const selector = (name: string) => ms.find(m => m.kind === 'Deployment' && m.metadata.name.includes(name)).spec.selector.matchLabels;
    const netpols = ms.filter(m => m.kind === 'NetworkPolicy');
    expect(netpols.find(p => p.spec.policyTypes[0] === 'Ingress' && p.spec.podSelector.matchLabels && JSON.stringify(p.spec.podSelector.matchLabels) === JSON.stringify(selector('redis'))).spec.ingress)
      .toEqual([{ from: [{ podSelector: { matchLabels: selector('web') } }], ports: [{ port: 6379, protocol: 'TCP' }] }]);
    expect(netpols.some(p => p.spec.policyTypes[0] === 'Egress' && JSON.stringify(p.spec.podSelector.matchLabels) === JSON.stringify(selector('web')))).toBe(true);
  });

  test('composes with an Ambassador in either order into the same pod', () => {
    const build = (lockFirst: boolean) => {
      const chart = Testing.chart();
      const deployment = new kplus.Deployment(chart, 'web', { containers: [APP] });
      const lock = () => new DistributedLockSidecar(chart, 'lock', { workload: deployment, distributedLock: DistributedLock.daprRedis({ redisHost: 'redis' }), appId: 'web' });
      const amb = () => new Ambassador(chart, 'cache', {
        workload: deployment, envVar: 'CACHE_URL', proxy: AmbassadorProxy.envoyTcp({ upstreamHost: 'memcached', upstreamPort: 11211, listenPort: 11211 }),
      });
      if (lockFirst) { lock(); amb(); } else { amb(); lock(); }
      return synth(chart).filter(m => m.kind === 'Deployment');
    };
    const [a, b] = [build(true), build(false)];
    expect(a).toEqual(b);
    const spec = podSpec(a[0]);
    expect(spec.containers.map((c: any) => c.name).sort()).toEqual(['ambassador', 'app', 'daprd']);
    // Only the application gets the lock variables, not the other helper.
    expect(envOf(container(spec, 'ambassador')).LOCK_URL).toBeUndefined();
  });

  test.each([
    ['distributedLock', { distributedLock: 'redis:6379' }, 'test/lock: invalid distributedLock "redis:6379": must be a DistributedLock, e.g. DistributedLock.daprRedis({ redisHost: \'redis:6379\' })'],
    ['appId', { appId: 'web.app' }, 'test/lock: invalid appId "web.app": must be a DNS-1123 label of at most 58 characters (a-z, 0-9 and "-"): Dapr names the app\'s Service <appId>-dapr and refuses dots'],
    ['resourceId', { resourceId: 'a||b' }, 'test/lock: invalid resourceId "a||b": must be a non-empty string of at most 253 characters without "||" (Dapr\'s key separator)'],
    ['containers', { containers: ['worker'] }, 'test/lock: invalid containers "worker": must name an application container of test/web: app'],
    ['workload', { workload: 'web' }, 'test/lock: invalid workload "web": must be a cdk8s-plus Deployment'],
  ])('validation: %s', (_field, extra, message) => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [APP] });
    expect(() => new DistributedLockSidecar(chart, 'lock', { workload: deployment, distributedLock: DistributedLock.daprRedis({ redisHost: 'redis' }), ...extra } as any))
      .toThrow(message);
  });

  test('a port daprd takes on localhost cannot be the application\'s', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ ...APP, portNumber: 3500, readiness: kplus.Probe.fromHttpGet('/ready', { port: 3500 }) }] });
    expect(() => new DistributedLockSidecar(chart, 'lock', { workload: deployment, distributedLock: DistributedLock.daprRedis({ redisHost: 'redis' }) }))
      .toThrow('test/lock: invalid lock ports (httpPort, grpcPort, 50002) 3500: must not be used by another container of the pod (they share one network namespace): container app (a container of test/web) has port 3500');
  });
});

function podAnnotations(manifests: any[]): { [k: string]: string } {
  return only(manifests, 'Deployment').spec.template.metadata.annotations ?? {};
}

describe('DistributedLockSidecar (Dapr control plane)', () => {
  const cpLock = (chart: any) => DistributedLock.daprRedis({
    redisHost: 'redis:6379', mode: DaprSidecarMode.CONTROL_PLANE, redisPasswordSecret: kplus.Secret.fromSecretName(chart, 's', 'redis-auth'),
  });

  test('annotations for the injector and a Component custom resource (valid against Dapr 1.18.3\'s CRD), no daprd container here', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [APP] });
    new DistributedLockSidecar(chart, 'lock', { workload: deployment, distributedLock: cpLock(chart), appId: 'web', nativeSidecar: true, resources: ResourcePreset.SMALL });
    const manifests = synth(chart); // strict: the Component against the real CRD
    expect(podSpec(only(manifests, 'Deployment')).containers.map((c: any) => c.name)).toEqual(['app']);
    expect(podAnnotations(manifests)).toEqual({
      'dapr.io/enabled': 'true',
      'dapr.io/app-id': 'web',
      'dapr.io/grpc-port': '50001',
      'dapr.io/metrics-port': '9090',
      'dapr.io/sidecar-seccomp-profile-type': 'RuntimeDefault',
      'dapr.io/sidecar-cpu-request': '100m',
      'dapr.io/sidecar-memory-request': '128Mi',
      'dapr.io/sidecar-memory-limit': '128Mi',
      'dapr.io/env': 'GOMEMLIMIT=115MiB',
      'dapr.io/enable-native-sidecar': 'true',
    });
    const component = only(manifests, 'Component');
    expect(component.apiVersion).toBe('dapr.io/v1alpha1');
    expect(component.metadata.name).toBe('lockstore');
    expect(component.spec).toEqual({
      type: 'lock.redis',
      version: 'v1',
      initTimeout: '60s',
      metadata: [
        { name: 'redisHost', value: 'redis:6379' },
        { name: 'redisPassword', secretKeyRef: { name: 'redis-auth', key: 'redis-password' } },
        { name: 'keyPrefix', value: 'appid' },
        { name: 'enableTLS', value: 'false' },
        { name: 'redisMaxRetries', value: '60' },
        { name: 'redisMaxRetryInterval', value: '2s' },
      ],
    });
    expect(component.scopes).toEqual(['web']);
    expect(envOf(container(podSpec(only(manifests, 'Deployment')), 'app')).LOCK_URL).toBe('http://localhost:3500/v1.0-alpha1/lock/lockstore');
  });

  test('two workloads on one lock share its Component (both app ids in scopes); another lock of the same name is refused', () => {
    const chart = Testing.chart();
    const lock = cpLock(chart);
    const a = new kplus.Deployment(chart, 'a', { containers: [APP] });
    const b = new kplus.Deployment(chart, 'b', { containers: [APP] });
    new DistributedLockSidecar(chart, 'lock-b', { workload: b, distributedLock: lock, appId: 'bravo' });
    new DistributedLockSidecar(chart, 'lock-a', { workload: a, distributedLock: lock, appId: 'alpha' });
    expect(only(synth(chart), 'Component').scopes).toEqual(['alpha', 'bravo']);
    const c = new kplus.Deployment(chart, 'c', { containers: [APP] });
    expect(() => new DistributedLockSidecar(chart, 'lock-c', { workload: c, distributedLock: DistributedLock.daprRedis({ redisHost: 'other', mode: DaprSidecarMode.CONTROL_PLANE }) }))
      .toThrow('test/lock-c: invalid distributedLock.storeName "lockstore": must differ from the store of another DistributedLock in this chart (test/lock-b/component): a namespace has one Component per name; share that DistributedLock instead');
  });

  test('what the injector sets cannot be set here', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const lock = cpLock(chart);
    expect(() => new DistributedLockSidecar(chart, 'lock', { workload: d, distributedLock: lock, writableTmp: true }))
      .toThrow('test/lock: invalid writableTmp true: must be unset with mode CONTROL_PLANE: the control plane adds and configures daprd');
    expect(() => new DistributedLockSidecar(chart, 'lock2', { workload: d, distributedLock: lock, security: { runAsUser: 1000 } }))
      .toThrow('test/lock2: invalid security "(set)": must be unset with mode CONTROL_PLANE: the injector sets daprd\'s probes and security context');
  });
});

describe('LeaderElected with a lock', () => {
  function setup(extra: object = {}) {
    const chart = Testing.chart();
    const le = new LeaderElected(chart, 'scheduler', {
      leaseName: 'scheduler-leader',
      replicas: 3,
      containers: [{ name: 'scheduler', image: 'shop/scheduler:1.0.0', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }) }],
      distributedLock: DistributedLock.daprRedis({ redisHost: 'redis:6379' }),
      ...extra,
    });
    return { chart, le, manifests: synth(chart) };
  }

  test('the lock replaces the Lease: no Role, no RoleBinding, no token; the sidecar and the lock variables instead', () => {
    const { le, manifests } = setup();
    expect(manifests.filter(m => ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(m.kind))).toEqual([]);
    expect(le.role).toBeUndefined();
    expect(le.roleBinding).toBeUndefined();
    const spec = podSpec(only(manifests, 'Deployment'));
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe(only(manifests, 'ServiceAccount').metadata.name);
    const env = envOf(container(spec, 'scheduler'));
    expect(env.LEASE_NAME).toBeUndefined();
    expect(env).toMatchObject({
      POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
      LOCK_RESOURCE_ID: 'scheduler-leader',
      LOCK_URL: 'http://localhost:3500/v1.0-alpha1/lock/lockstore',
      LOCK_OWNER: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    expect(container(spec, 'daprd').args).toContain('standalone');
    expect(le.lockSidecar!.redisKey()).toBe(`lock||${le.lockSidecar!.appId}||scheduler-leader`);
    expect(only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('its network flow is the lock store, not the API server', () => {
    const { le } = setup();
    expect(le.networkFlows.map(f => [f.kind, f.host, f.port])).toEqual([['host', 'redis', 6379]]);
  });

  test('lockSidecar: native, app id, resource id, resources', () => {
    const { le, manifests } = setup({ lockSidecar: { nativeSidecar: true, appId: 'scheduler', resourceId: 'cron', resources: ResourcePreset.SMALL } });
    const spec = podSpec(only(manifests, 'Deployment'));
    const daprd = container(spec, 'daprd');
    expect(daprd.restartPolicy).toBe('Always');
    expect(daprd.args.slice(2, 4)).toEqual(['--app-id', 'scheduler']);
    expect(daprd.resources.requests.memory).toBe('128Mi');
    expect(envOf(container(spec, 'scheduler')).LOCK_RESOURCE_ID).toBe('cron');
    expect(le.lockSidecar!.redisKey()).toBe('lock||scheduler||cron');
  });

  test.each([
    [{ electorSidecar: { image: 'shop/elector:1.0.0', args: [] } }, 'test/s: invalid electorSidecar "(set)": must be unset with distributedLock: the lock sidecar replaces the Lease elector'],
    [{ recordEvents: true }, 'test/s: invalid recordEvents true: must be unset with distributedLock: the pods get no API access'],
    [{ distributedLock: 'redis' }, 'test/s: invalid distributedLock "redis": must be a DistributedLock'],
    [{ distributedLock: undefined, lockSidecar: { nativeSidecar: true } }, 'test/s: invalid lockSidecar {"nativeSidecar":true}: needs distributedLock: it says how the lock sidecar is attached'],
  ])('validation %#', (extra, message) => {
    expect(() => new LeaderElected(Testing.chart(), 's', {
      containers: [{ image: 'shop/scheduler:1.0.0' }], distributedLock: DistributedLock.daprRedis({ redisHost: 'redis' }), ...extra,
    } as any)).toThrow(message);
  });
});

describe('Singleton with a lock', () => {
  test.each([SingletonGuarantee.AVAILABILITY, SingletonGuarantee.CONSISTENCY])('%s: the sidecar beside the one pod, the headless Service unchanged', (guarantee) => {
    const chart = Testing.chart();
    const s = new Singleton(chart, 'ledger', { guarantee, containers: [APP], distributedLock: DistributedLock.daprRedis({ redisHost: 'redis:6379' }) });
    const manifests = synth(chart);
    const workload = only(manifests, guarantee === SingletonGuarantee.CONSISTENCY ? 'StatefulSet' : 'Deployment');
    const spec = podSpec(workload);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['app', 'daprd']);
    expect(envOf(container(spec, 'app')).LOCK_RESOURCE_ID).toBe(s.lockSidecar!.resourceId);
    expect(s.lockSidecar!.resourceId).toMatch(/^test-ledger-[0-9a-f]{8}$/);
    if (guarantee === SingletonGuarantee.CONSISTENCY) expect(only(manifests, 'Service').spec.ports).toEqual([{ name: 'port-0', port: 8080, targetPort: 8080 }]);
    expect(s.networkFlows.map(f => f.host)).toEqual(['redis']);
    expect(restrictedViolations(manifests)).toEqual([]);
  });

  test('no lock: no flows; lockSidecar alone is refused', () => {
    const s = new Singleton(Testing.chart(), 'x', { guarantee: SingletonGuarantee.AVAILABILITY, containers: [APP] });
    expect(s.networkFlows).toEqual([]);
    expect(() => new Singleton(Testing.chart(), 'y', { guarantee: SingletonGuarantee.AVAILABILITY, containers: [APP], lockSidecar: { appId: 'y' } }))
      .toThrow('test/y: invalid lockSidecar {"appId":"y"}: needs distributedLock: it says how the lock sidecar is attached');
    expect(() => new Singleton(Testing.chart(), 'z', { guarantee: SingletonGuarantee.AVAILABILITY, containers: [APP], distributedLock: {} as any }))
      .toThrow('test/z: invalid distributedLock {}: must be a DistributedLock');
  });
});
