import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Adapter, AmbassadorProxy, HighlyAvailable, NetworkSegmentation, ResourcePreset, RestrictedPods, ShardProtocol, ShardedService,
  ShardedServiceProps, Sidecar, TwemproxyHash,
} from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const ROUTER_IMAGE = 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0';

function setup(extra: Partial<ShardedServiceProps> = {}) {
  const chart = Testing.chart();
  const cache = new ShardedService(chart, 'cache', { routerImage: ROUTER_IMAGE, ...extra });
  const manifests = synth(chart);
  return { chart, cache, manifests };
}

/** The `servers` lines of a twemproxy configuration. */
function servers(config: string): string[] {
  return config.split('\n').filter(l => l.startsWith('  - '));
}

/** The labels of a workload's pods satisfy a selector. */
function selects(selector: { [k: string]: string }, labels: { [k: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A client the routers serve: the cache-client demo app. */
function client(chart: Chart, id = 'web'): kplus.Deployment {
  return new kplus.Deployment(chart, id, {
    replicas: 2,
    containers: [{
      name: id,
      image: 'ghcr.io/cdk8s-patterns/cache-client:1.0.0',
      portNumber: 8080,
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      securityContext: { user: 10001, group: 10001 },
    }],
  });
}

describe('ShardedService', () => {
  test('shards: a StatefulSet behind a headless Service that publishes them before they are ready', () => {
    const { cache, manifests } = setup();
    const sts = only(manifests, 'StatefulSet');
    const headless = only(manifests, 'Service', cache.headlessService.name);
    expect(sts.spec.serviceName).toBe(headless.metadata.name);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(headless.spec.ports).toEqual([{ name: 'memcache', port: 11211, targetPort: 11211 }]);
    expect(sts.spec).toMatchObject({ replicas: 3, podManagementPolicy: 'Parallel' });
    const podLabels = sts.spec.template.metadata.labels;
    expect(selects(sts.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(selects(headless.spec.selector, podLabels)).toBe(true);
    const memcached = container(podSpec(sts), 'memcached');
    expect(memcached.image).toBe('memcached:1.6.31-alpine');
    expect(memcached.args).toEqual(['--memory-limit=64', '--port=11211', '--udp-port=0']);
    expect(memcached.ports).toEqual([{ containerPort: 11211, name: 'memcache' }]);
    expect(memcached.readinessProbe.exec.command).toEqual(['sh', '-c', 'printf \'version\\r\\nquit\\r\\n\' | nc -w 2 127.0.0.1 11211 | grep -q \'^VERSION \'']);
    expect(memcached.livenessProbe.tcpSocket).toEqual({ port: 11211 });
    expect(memcached.resources.limits.memory).toBe('128Mi');
    expect(podSpec(sts).automountServiceAccountToken).toBe(false);
    expect(cache.shardCount).toBe(3);
    expect(cache.shardPort).toBe(11211);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('the router configuration lists exactly every ordinal, by stable DNS name, named after its pod', () => {
    for (const shards of [1, 3, 5]) {
      const { cache, manifests } = setup({ shards });
      const sts = only(manifests, 'StatefulSet');
      const svc = cache.headlessService.name;
      const expected = Array.from({ length: shards }, (_, i) => `  - ${sts.metadata.name}-${i}.${svc}:11211:1 ${sts.metadata.name}-${i}`);
      const cm = only(manifests, 'ConfigMap');
      expect(servers(cm.data['nutcracker.yml'])).toEqual(expected);
      expect(sts.spec.replicas).toBe(shards);
      expect(cache.shardAddresses).toEqual(Array.from({ length: shards }, (_, i) => `${sts.metadata.name}-${i}.${svc}:11211`));
      expect(cache.shardServers.map(s => s.name)).toEqual(Array.from({ length: shards }, (_, i) => `${sts.metadata.name}-${i}`));
    }
  });

  test('the shared router: twemproxy with ketama over md5, without ejection, behind a ClusterIP Service', () => {
    const { cache, manifests } = setup();
    const cm = only(manifests, 'ConfigMap');
    expect(cm.immutable).toBe(true);
    expect(cm.data['nutcracker.yml']).toBe(cache.routerConfig);
    expect(cache.routerConfig).toMatch(/^shards:\n {2}listen: 0\.0\.0\.0:11211\n {2}hash: md5\n {2}distribution: ketama\n {2}redis: false\n {2}timeout: 1000\n {2}auto_eject_hosts: false\n {2}servers:\n/);
    const deploy = only(manifests, 'Deployment');
    expect(deploy.spec.replicas).toBe(2);
    const spec = podSpec(deploy);
    const router = container(spec, 'twemproxy');
    expect(router.image).toBe(ROUTER_IMAGE);
    expect(router.command).toEqual(['nutcracker']);
    expect(router.args).toEqual(['--conf-file', '/etc/twemproxy/nutcracker.yml', '--stats-addr', '0.0.0.0', '--stats-port', '22222']);
    expect(router.ports).toEqual([{ containerPort: 11211, name: 'memcache' }, { containerPort: 22222, name: 'stats' }]);
    expect(router.readinessProbe.tcpSocket).toEqual({ port: 11211 });
    expect(router.livenessProbe.tcpSocket).toEqual({ port: 22222 });
    expect(router.volumeMounts).toEqual([{ name: 'router-config', mountPath: '/etc/twemproxy', readOnly: true }]);
    expect(spec.volumes).toEqual([{ name: 'router-config', configMap: { name: cm.metadata.name } }]);
    expect(router.resources.limits.memory).toBe('64Mi');
    const svc = only(manifests, 'Service', cache.routerService!.name);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'memcache', port: 11211, targetPort: 11211 }]);
    const routerPods = deploy.spec.template.metadata.labels;
    const shardPods = only(manifests, 'StatefulSet').spec.template.metadata.labels;
    expect(selects(deploy.spec.selector.matchLabels, routerPods)).toBe(true);
    expect(selects(svc.spec.selector, routerPods)).toBe(true);
    expect(selects(svc.spec.selector, shardPods)).toBe(false);
    expect(selects(only(manifests, 'StatefulSet').spec.selector.matchLabels, routerPods)).toBe(false);
    expect(cache.endpoint).toBe(`${svc.metadata.name}:11211`);
  });

  test('a change of shards changes the content-hashed ConfigMap and so the router pod template', () => {
    const routerFor = (shards: number) => {
      const { manifests } = setup({ shards });
      return { cm: only(manifests, 'ConfigMap').metadata.name, volume: podSpec(only(manifests, 'Deployment')).volumes[0].configMap.name };
    };
    const three = routerFor(3);
    expect(three.volume).toBe(three.cm);
    expect(routerFor(3)).toEqual(three);
    const four = routerFor(4);
    expect(four.cm).not.toBe(three.cm);
    expect(four.volume).toBe(four.cm);
  });

  test('PodDisruptionBudgets select exactly the shards and exactly the routers', () => {
    const { manifests, cache } = setup();
    const pdbs = manifests.filter(m => m.kind === 'PodDisruptionBudget');
    expect(pdbs).toHaveLength(2);
    const shardPods = only(manifests, 'StatefulSet').spec.template.metadata.labels;
    const routerPods = only(manifests, 'Deployment').spec.template.metadata.labels;
    const forShards = pdbs.filter(p => selects(p.spec.selector.matchLabels, shardPods));
    const forRouters = pdbs.filter(p => selects(p.spec.selector.matchLabels, routerPods));
    expect(forShards).toHaveLength(1);
    expect(forRouters).toHaveLength(1);
    expect(forShards[0]).not.toBe(forRouters[0]);
    expect(forShards[0].spec.maxUnavailable).toBe(1);
    expect(cache.shardSet.highAvailability).toBeDefined();
    expect(cache.routerHighAvailability).toBeDefined();
    const single = setup({ shards: 1, routerReplicas: 1 });
    expect(single.manifests.filter(m => m.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(setup({ highAvailability: false }).manifests.filter(m => m.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('redis: the official image as an LRU cache, redis-cli readiness, a Redis pool', () => {
    const { cache, manifests } = setup({ protocol: ShardProtocol.REDIS, cacheSize: Size.mebibytes(80) });
    const redis = container(podSpec(only(manifests, 'StatefulSet')), 'redis');
    expect(redis.image).toBe('redis:7.4.1-alpine');
    expect(redis.args).toEqual(['--port', '6379', '--save', '', '--appendonly', 'no', '--maxmemory', '80mb', '--maxmemory-policy', 'allkeys-lru']);
    expect(redis.readinessProbe.exec.command).toEqual(['redis-cli', '-p', '6379', 'ping']);
    expect(cache.routerConfig).toContain('  listen: 0.0.0.0:6379\n');
    expect(cache.routerConfig).toContain('  redis: true\n');
    expect(servers(cache.routerConfig!)[0]).toMatch(/:6379:1 \S+-0$/);
    expect(only(manifests, 'Service', cache.routerService!.name).spec.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 6379 }]);
    expect(restrictedViolations(manifests)).toEqual([]);
  });

  test('options: hash, ejection, timeout, ports, image, cache size, router replicas and resources', () => {
    const { cache, manifests } = setup({
      hash: TwemproxyHash.MURMUR,
      ejectFailedShards: true,
      shardTimeout: Duration.millis(250),
      shardPort: 11311,
      routerPort: 11411,
      shardImage: 'memcached:1.6.31',
      shardResources: ResourcePreset.MEDIUM,
      cacheSize: Size.mebibytes(192),
      routerReplicas: 3,
      routerResources: ResourcePreset.SMALL,
      appName: 'sessions',
      partOf: 'shop',
    });
    expect(cache.routerConfig).toContain('  hash: murmur\n');
    expect(cache.routerConfig).toContain('  auto_eject_hosts: true\n  server_retry_timeout: 10000\n  server_failure_limit: 2\n');
    expect(cache.routerConfig).toContain('  timeout: 250\n');
    expect(cache.routerConfig).toContain('  listen: 0.0.0.0:11411\n');
    expect(servers(cache.routerConfig!).every(l => /:11311:1 /.test(l))).toBe(true);
    const memcached = container(podSpec(only(manifests, 'StatefulSet')), 'memcached');
    expect(memcached.image).toBe('memcached:1.6.31');
    expect(memcached.args).toEqual(['--memory-limit=192', '--port=11311', '--udp-port=0']);
    expect(memcached.resources.limits.memory).toBe('256Mi');
    const deploy = only(manifests, 'Deployment');
    expect(deploy.spec.replicas).toBe(3);
    expect(container(podSpec(deploy), 'twemproxy').resources.limits.memory).toBe('128Mi');
    for (const m of manifests) expect(m.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'sessions', 'app.kubernetes.io/part-of': 'shop' });
  });

  test('a shard container of your own: its port, probes and claims', () => {
    const { cache, manifests } = setup({
      protocol: ShardProtocol.REDIS,
      shardContainer: {
        name: 'redis',
        image: 'redis:7.4.1-alpine',
        args: ['--appendonly', 'yes'],
        ports: [{ number: 6379, name: 'redis' }, { number: 9121, name: 'metrics' }],
        readiness: kplus.Probe.fromCommand(['redis-cli', 'ping']),
        securityContext: { user: 999, group: 1000 },
      },
      shardPort: 6379,
      shardVolumeClaimTemplates: [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1) }],
    });
    const sts = only(manifests, 'StatefulSet');
    const redis = container(podSpec(sts), 'redis');
    expect(redis.args).toEqual(['--appendonly', 'yes']);
    expect(redis.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 1000, readOnlyRootFilesystem: true });
    expect(redis.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data']);
    expect(cache.shardPort).toBe(6379);
    expect(servers(cache.routerConfig!).every(l => /:6379:1 /.test(l))).toBe(true);
    expect(restrictedViolations(manifests)).toEqual([]);
  });

  test('without a shared router: only the shards; clients attach routers of their own', () => {
    const { cache, manifests } = setup({ sharedRouter: false });
    expect(manifests.map(m => m.kind).sort()).toEqual(['PodDisruptionBudget', 'Service', 'StatefulSet']);
    expect(cache.routerDeployment).toBeUndefined();
    expect(cache.routerService).toBeUndefined();
    expect(cache.routerConfigMap).toBeUndefined();
    expect(cache.endpoint).toBeUndefined();
    expect(cache.networkFlows).toEqual([]);
  });

  test('attachRouterTo: a twemproxy ambassador on localhost with the shared router\'s ring', () => {
    const chart = Testing.chart();
    const cache = new ShardedService(chart, 'cache', { routerImage: ROUTER_IMAGE });
    const web = client(chart);
    const amb = cache.attachRouterTo(web, { envVar: 'MEMCACHED_ADDR' });
    RestrictedPods.applyTo(chart);
    const manifests = synth(chart);
    const spec = podSpec(only(manifests, 'Deployment', web.name));
    expect(container(spec, 'web').env).toEqual([{ name: 'MEMCACHED_ADDR', value: 'localhost:11211' }]);
    const router = container(spec, 'ambassador');
    expect(router.image).toBe(ROUTER_IMAGE);
    expect(router.args).toEqual(['--conf-file', '/etc/ambassador/nutcracker.yml', '--stats-addr', '127.0.0.1', '--stats-port', '22222']);
    expect(router.ports).toBeUndefined();
    expect(router.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const config = only(manifests, 'ConfigMap', amb.configMap.name).data['nutcracker.yml'];
    expect(config).toContain('  listen: 127.0.0.1:11211\n');
    expect(servers(config)).toEqual(servers(cache.routerConfig!));
    expect(config.replace(/^ambassador:\n {2}listen: [^\n]+/, '')).toBe(cache.routerConfig!.replace(/^shards:\n {2}listen: [^\n]+/, ''));
    expect(spec.volumes).toEqual([{ name: 'ambassador-config', configMap: { name: amb.configMap.name } }]);
    expect(cache.routers).toEqual([amb]);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('attachRouterTo: listen port, container name, native sidecar, Redis URL', () => {
    const chart = Testing.chart();
    const cache = new ShardedService(chart, 'cache', { routerImage: ROUTER_IMAGE, protocol: ShardProtocol.REDIS, sharedRouter: false });
    const web = client(chart);
    const amb = cache.attachRouterTo(web, {
      envVar: 'REDIS_URL', urlScheme: 'redis', listenPort: 16379, statsPort: 22223, containerName: 'redis-router', nativeSidecar: true,
    });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(spec.initContainers[0].args).toEqual(['--conf-file', '/etc/ambassador/nutcracker.yml', '--stats-addr', '127.0.0.1', '--stats-port', '22223']);
    expect(amb.url).toBe('redis://localhost:16379');
    expect(container(spec, 'web').env).toEqual([{ name: 'REDIS_URL', value: 'redis://localhost:16379' }]);
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['redis-router', 'Always']]);
    expect(amb.configMap.data!['nutcracker.yml']).toContain('  redis: true\n');
  });

  test('network flows: the shared router and every client with a router reach the shards', () => {
    const chart = Testing.chart();
    const cache = new ShardedService(chart, 'cache', { routerImage: ROUTER_IMAGE });
    const reports = client(chart, 'reports');
    cache.attachRouterTo(reports);
    expect(cache.networkFlows.map(f => [f.source, f.service]))
      .toEqual([[cache.routerDeployment, cache.headlessService], [reports, cache.headlessService]]);
    const segmentation = new NetworkSegmentation(chart, 'zero-trust');
    segmentation.allowFlowsOf(cache);
    const manifests = synth(chart);
    const policies = manifests.filter(m => m.kind === 'NetworkPolicy');
    const shardPods = only(manifests, 'StatefulSet').spec.template.metadata.labels;
    const ingress = policies.filter(p => p.spec.policyTypes.includes('Ingress') && Object.keys(p.spec.podSelector).length > 0);
    expect(ingress.map(p => selects(p.spec.podSelector.matchLabels, shardPods))).toEqual([true, true]);
    expect(ingress.flatMap(p => p.spec.ingress[0].ports)).toEqual([{ port: 11211, protocol: 'TCP' }, { port: 11211, protocol: 'TCP' }]);
    const senders = [only(manifests, 'Deployment', cache.routerDeployment!.name), only(manifests, 'Deployment', reports.name)];
    for (const sender of senders) {
      const egress = policies.filter(p => p.spec.policyTypes.includes('Egress') && p.spec.podSelector.matchLabels
        && selects(p.spec.podSelector.matchLabels, sender.spec.template.metadata.labels));
      expect(egress.map(p => selects(p.spec.egress[0].to[0].podSelector.matchLabels, shardPods))).toEqual([true]);
    }
  });

  test('composes with other pod patterns, in either order, on the clients and on the shards', () => {
    const build = (routerFirst: boolean) => {
      const chart = Testing.chart();
      const cache = new ShardedService(chart, 'cache', { routerImage: ROUTER_IMAGE });
      const web = client(chart);
      const steps = [
        () => cache.attachRouterTo(web, { envVar: 'MEMCACHED_ADDR' }),
        () => new Sidecar(chart, 'logs', {
          workload: web,
          container: { name: 'shipper', image: 'fluent/fluent-bit:3.1.9' },
          sharedVolume: { sidecarMountPath: '/logs', mainMountPath: '/var/log/app', sidecarReadOnly: true },
        }),
        () => new HighlyAvailable(chart, 'web-ha', { workload: web }),
      ];
      (routerFirst ? steps : [...steps].reverse()).forEach(s => s());
      // An exporter beside every shard (memcached_exporter reads the shard on localhost).
      new Adapter(chart, 'shard-metrics', {
        workload: cache.statefulSet,
        container: { name: 'exporter', image: 'quay.io/prometheus/memcached-exporter:v0.14.4', args: ['--memcached.address=127.0.0.1:11211'] },
        metricsPort: 9150,
      });
      RestrictedPods.applyTo(chart);
      return synth(chart);
    };
    const a = build(true);
    const b = build(false);
    expect(a.map(m => JSON.stringify(m)).sort()).toEqual(b.map(m => JSON.stringify(m)).sort());
    const web = podSpec(a.find(m => m.kind === 'Deployment' && m.spec.template.spec.containers.some((c: any) => c.name === 'web')));
    expect(web.containers.map((c: any) => c.name).sort()).toEqual(['ambassador', 'shipper', 'web']);
    expect(podSpec(only(a, 'StatefulSet')).containers.map((c: any) => c.name)).toEqual(['memcached', 'exporter']);
    expect(restrictedViolations(a)).toEqual([]);
    expect(wiringProblems(a)).toEqual([]);
  });

  describe('validation', () => {
    const make = (props: any, chart = Testing.chart()) => () => new ShardedService(chart, 'cache', props);
    const ok = { routerImage: ROUTER_IMAGE };

    test.each([
      [{}, 'test/cache: invalid routerImage undefined: is required'],
      [{ routerImage: 'twemproxy' }, 'test/cache: invalid routerImage "twemproxy": must be pinned to a version tag other than "latest" or to a sha256 digest, so that every router runs the same twemproxy (the image-pinned rule)'],
      [{ ...ok, protocol: 'mongodb' }, 'test/cache: invalid protocol "mongodb": must be one of memcached, redis (ShardProtocol)'],
      [{ ...ok, hash: 'sha1' }, 'test/cache: invalid hash "sha1": must be one of md5, crc32a, fnv1a_32, fnv1a_64, murmur, hsieh, jenkins, one_at_a_time (TwemproxyHash)'],
      [{ ...ok, shards: 0 }, 'test/cache: invalid shards 0: must be a whole number of at least 1'],
      [{ ...ok, shards: 2.5 }, 'test/cache: invalid shards 2.5: must be a whole number of at least 1'],
      [{ ...ok, shards: 257 }, 'test/cache: invalid shards 257: must be at most 256: every router keeps a connection to each shard and lists them all'],
      [{ ...ok, sharedRouter: 'yes' }, 'test/cache: invalid sharedRouter "yes": must be true or false'],
      [{ ...ok, ejectFailedShards: 1 }, 'test/cache: invalid ejectFailedShards 1: must be true or false'],
      [{ ...ok, shardTimeout: Duration.millis(0) }, 'test/cache: invalid shardTimeout 0s: must be a whole number of milliseconds, at least 1'],
      [{ ...ok, shardTimeout: 1000 }, 'test/cache: invalid shardTimeout 1000: must be a Duration, e.g. Duration.seconds(1)'],
      [{ ...ok, routerResources: 'small' }, 'test/cache: invalid routerResources "small": must be a ResourcePreset, e.g. ResourcePreset.SMALL'],
      [{ ...ok, shardResources: {} }, 'test/cache: invalid shardResources {}: must be a ResourcePreset, e.g. ResourcePreset.SMALL'],
      [{ ...ok, shardImage: 'memcached' }, 'test/cache: invalid shardImage "memcached": must be pinned to a version tag other than "latest" or to a sha256 digest, so that every shard runs the same server (the image-pinned rule)'],
      [{ ...ok, shardPort: 0 }, 'test/cache: invalid shardPort 0: must be an integer port number from 1 to 65535'],
      [{ ...ok, cacheSize: Size.mebibytes(97) }, 'test/cache: invalid cacheSize "97Mi": must be at most 96Mi, three quarters of the shard container\'s 128Mi (shardResources): the rest is for connections and fragmentation, and the kernel kills the container at its limit'],
      [{ ...ok, cacheSize: Size.kibibytes(1536) }, 'test/cache: invalid cacheSize "1.5Mi": must be a whole number of mebibytes, at least 1'],
      [{ ...ok, routerPort: 70000 }, 'test/cache: invalid routerPort 70000: must be an integer port number from 1 to 65535'],
      [{ ...ok, routerPort: 22222 }, 'test/cache: invalid routerPort 22222: must differ from 22222, twemproxy\'s stats port'],
      [{ ...ok, routerReplicas: 0 }, 'test/cache: invalid routerReplicas 0: must be a whole number of at least 1'],
      [{ ...ok, sharedRouter: false, routerReplicas: 2 }, 'test/cache: invalid routerReplicas 2: must be unset without a shared router (sharedRouter: false); attachRouterTo takes the ambassador\'s listenPort'],
      [{ ...ok, sharedRouter: false, routerPort: 11211 }, 'test/cache: invalid routerPort 11211: must be unset without a shared router (sharedRouter: false); attachRouterTo takes the ambassador\'s listenPort'],
      [{ ...ok, appName: 'Sessions Cache' }, 'test/cache: invalid appName "Sessions Cache": must be a label value'],
    ])('%j', (props, message) => {
      expect(make(props)).toThrow(message);
    });

    test('a shard container of your own excludes the default container\'s options, and must say its port', () => {
      const redis = { image: 'redis:7.4.1-alpine', portNumber: 6379, readiness: kplus.Probe.fromCommand(['redis-cli', 'ping']) };
      expect(make({ ...ok, shardContainer: redis, shardImage: 'redis:7.4.1' }))
        .toThrow('test/cache: invalid shardImage "redis:7.4.1": must be unset with shardContainer: configure the image and its memory in your container');
      expect(make({ ...ok, shardContainer: redis, cacheSize: Size.mebibytes(64) }))
        .toThrow('test/cache: invalid cacheSize "(set)": must be unset with shardContainer: configure the image and its memory in your container');
      expect(make({ ...ok, shardContainer: redis, shardPort: 6380 }))
        .toThrow('test/cache: invalid shardPort 6380: must be a port of shardContainer: 6379');
      expect(make({ ...ok, shardContainer: { ...redis, portNumber: undefined, ports: [{ number: 6379 }, { number: 9121, name: 'metrics' }] } }))
        .toThrow('test/cache: invalid shardContainer.ports [6379,9121]: must be exactly one port (portNumber or ports), or name the one the routers use in shardPort');
      expect(make({ ...ok, shardContainer: { ...redis, readiness: undefined } }))
        .toThrow('test/cache: invalid shardContainer.readiness undefined: must be given for a container that serves ports');
      expect(make({ ...ok, shardContainer: { ...redis, securityContext: { user: 0 } } }))
        .toThrow(/^test\/cache: invalid shardContainer\.securityContext/);
    });

    test('attachRouterTo: a client once, not the pattern\'s own pods, a valid port, in the same chart', () => {
      const app = Testing.app();
      const chart = new Chart(app, 'shop');
      const cache = new ShardedService(chart, 'cache', ok);
      const web = client(chart);
      expect(() => cache.attachRouterTo(web, { listenPort: 0 }))
        .toThrow('shop/cache: invalid attachRouterTo listenPort 0: must be an integer port number from 1 to 65535');
      expect(() => cache.attachRouterTo(web, { listenPort: 22222 }))
        .toThrow('shop/cache: invalid attachRouterTo listenPort 22222: must differ from the stats port (22222)');
      expect(() => cache.attachRouterTo(web, { statsPort: 0 }))
        .toThrow('shop/cache: invalid attachRouterTo statsPort 0: must be an integer port number from 1 to 65535');
      expect(() => cache.attachRouterTo(cache.statefulSet))
        .toThrow('shop/cache: invalid attachRouterTo workload "shop/cache/shards/statefulset": must be a client of the shards, not the ShardedService\'s own shards or shared router');
      expect(() => cache.attachRouterTo({} as any))
        .toThrow('shop/cache: invalid workload {}: must be a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod');
      expect(() => cache.attachRouterTo(web, { envVar: '1ADDR' }))
        .toThrow('shop/cache: invalid attachRouterTo envVar "1ADDR": must be an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit');
      expect(() => cache.attachRouterTo(web, { containerName: 'Router' }))
        .toThrow('shop/cache: invalid attachRouterTo containerName "Router": must be a DNS-1123 label');
      expect(() => cache.attachRouterTo(web, { mainContainer: 'api' }))
        .toThrow('shop/cache: invalid mainContainer "api": must name a container of shop/web: web');
      cache.attachRouterTo(web);
      expect(() => cache.attachRouterTo(web)).toThrow('shop/cache: invalid attachRouterTo workload "shop/web": already has a router of this ShardedService');
      const other = new Chart(app, 'ops');
      expect(() => cache.attachRouterTo(client(other, 'batch')))
        .toThrow('shop/cache: invalid workload "ops/batch": must be in the same chart as the pattern, shop, not in ops: create the pattern in the workload\'s chart');
    });
  });
});

describe('AmbassadorProxy.twemproxy', () => {
  const image = ROUTER_IMAGE;
  test('renders one pool on 127.0.0.1 with named servers, md5 ketama, no ejection by default', () => {
    const proxy = AmbassadorProxy.twemproxy({ image, servers: [{ host: 'cache-0.cache', port: 11211, name: 'cache-0' }, { host: '10.0.0.7', port: 11311 }] });
    expect(proxy.config).toBe([
      'ambassador:', '  listen: 127.0.0.1:11211', '  hash: md5', '  distribution: ketama', '  redis: false', '  timeout: 1000',
      '  auto_eject_hosts: false', '  servers:', '  - cache-0.cache:11211:1 cache-0', '  - 10.0.0.7:11311:1', '',
    ].join('\n'));
    expect(proxy.listenPort).toBe(11211);
    expect(proxy.args('/etc/x')).toEqual(['--conf-file', '/etc/x/nutcracker.yml', '--stats-addr', '127.0.0.1', '--stats-port', '22222']);
    expect(proxy.upstreams).toEqual(['cache-0.cache:11211', '10.0.0.7:11311']);
    expect(AmbassadorProxy.twemproxy({ image, protocol: ShardProtocol.REDIS, servers: [{ host: 'r', port: 6379 }] }).listenPort).toBe(6379);
  });

  test.each([
    [{ image, servers: [] }, 'AmbassadorProxy.twemproxy: invalid servers []: must list at least one server'],
    [{ image: '', servers: [{ host: 'a', port: 1 }] }, 'AmbassadorProxy.twemproxy: invalid image "": must be a container image reference with nutcracker on the PATH (twemproxy publishes no official image)'],
    [{ image, servers: [{ host: 'A_B', port: 1 }] }, 'AmbassadorProxy.twemproxy: invalid servers[0].host "A_B": must be a DNS name or IPv4 address (lower case, without a port)'],
    [{ image, servers: [{ host: 'a', port: 0 }] }, 'AmbassadorProxy.twemproxy: invalid servers[0].port 0: must be an integer port number from 1 to 65535'],
    [{ image, servers: [{ host: 'a', port: 1, name: 'x y' }] }, 'AmbassadorProxy.twemproxy: invalid servers[0].name "x y": must be 1 to 63 characters'],
    [{ image, servers: [{ host: 'a', port: 1, name: 's' }, { host: 'b', port: 1, name: 's' }] }, 'AmbassadorProxy.twemproxy: invalid servers[1] "s": must have a name (or host) of its own'],
    [{ image, servers: [{ host: 'a', port: 11211 }, { host: 'a', port: 11211 }] }, 'AmbassadorProxy.twemproxy: invalid servers[1] "a": must have a name (or host) of its own'],
    [{ image, protocol: 'http', servers: [{ host: 'a', port: 1 }] }, 'AmbassadorProxy.twemproxy: invalid protocol "http": must be one of memcached, redis (ShardProtocol)'],
    [{ image, hash: 'sha1', servers: [{ host: 'a', port: 1 }] }, 'AmbassadorProxy.twemproxy: invalid hash "sha1": must be one of'],
    [{ image, listenPort: 70000, servers: [{ host: 'a', port: 1 }] }, 'AmbassadorProxy.twemproxy: invalid listenPort 70000: must be an integer port number from 1 to 65535'],
    [{ image, statsPort: 11211, servers: [{ host: 'a', port: 1 }] }, 'AmbassadorProxy.twemproxy: invalid statsPort 11211: must differ from listenPort (11211)'],
    [{ image, timeout: Duration.millis(0.5), servers: [{ host: 'a', port: 1 }] }, 'AmbassadorProxy.twemproxy: invalid timeout 0.5: must be a whole number of milliseconds, at least 1'],
  ])('%j', (options, message) => {
    expect(() => AmbassadorProxy.twemproxy(options as any)).toThrow(message);
  });
});
