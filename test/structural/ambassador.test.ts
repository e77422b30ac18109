import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Ambassador, AmbassadorProxy, ShardProtocol } from '../../src';
import { container, only, podSpec, synth } from '../util';

function setup() {
  const chart = Testing.chart();
  const app = new kplus.Deployment(chart, 'app', { containers: [{ name: 'app', image: 'shop/cart:1.2.0', portNumber: 8080 }] });
  return { chart, app };
}

describe('Ambassador', () => {
  test('twemproxy: the app reaches sharded redis through localhost; config rendered and mounted', () => {
    const { chart, app } = setup();
    const amb = new Ambassador(chart, 'redis', {
      workload: app,
      proxy: AmbassadorProxy.twemproxyRedis({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', servers: ['redis-0.redis:6379', 'redis-1.redis:6379'] }),
      envVar: 'REDIS_URL',
      urlScheme: 'redis',
    });
    const manifests = synth(chart);
    const spec = podSpec(only(manifests, 'Deployment'));
    expect(container(spec, 'app').env).toEqual([{ name: 'REDIS_URL', value: 'redis://localhost:6379' }]);
    const proxy = container(spec, 'ambassador');
    expect(proxy.image).toBe('ghcr.io/cdk8s-patterns/twemproxy:0.5.0');
    expect(proxy.args).toEqual(['--conf-file', '/etc/ambassador/nutcracker.yml', '--stats-addr', '127.0.0.1', '--stats-port', '22222']);
    expect(proxy.volumeMounts).toEqual([{ name: 'ambassador-config', mountPath: '/etc/ambassador', readOnly: true }]);
    const cm = only(manifests, 'ConfigMap');
    expect(spec.volumes).toEqual([{ name: 'ambassador-config', configMap: { name: cm.metadata.name } }]);
    expect(cm.data['nutcracker.yml']).toContain('listen: 127.0.0.1:6379');
    expect(cm.data['nutcracker.yml']).toContain('  - redis-0.redis:6379:1\n  - redis-1.redis:6379:1');
    // The deprecated factory is AmbassadorProxy.twemproxy for Redis, with its defaults (md5, no auto-ejection).
    const same = AmbassadorProxy.twemproxy({
      image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', protocol: ShardProtocol.REDIS, servers: [{ host: 'redis-0.redis', port: 6379 }, { host: 'redis-1.redis', port: 6379 }],
    });
    expect(cm.data['nutcracker.yml']).toBe(same.config);
    expect(same.config).toContain('  hash: md5\n');
    expect(same.config).toContain('  auto_eject_hosts: false\n');
    expect(cm.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'ambassador', 'app.kubernetes.io/managed-by': 'cdk8s-patterns' });
    expect(amb.url).toBe('redis://localhost:6379');
    expect(proxy.securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('envoy: listens on 127.0.0.1 and forwards to the upstream', () => {
    const { chart, app } = setup();
    new Ambassador(chart, 'payments', {
      workload: app,
      proxy: AmbassadorProxy.envoyTcp({ upstreamHost: 'payments.billing.svc.cluster.local', upstreamPort: 443, listenPort: 9443 }),
      envVar: 'PAYMENTS_ADDR',
    });
    const manifests = synth(chart);
    const cfg = only(manifests, 'ConfigMap').data['envoy.yaml'];
    expect(cfg).toContain('socket_address: { address: 127.0.0.1, port_value: 9443 }');
    expect(cfg).toContain('socket_address: { address: payments.billing.svc.cluster.local, port_value: 443 }');
    expect(cfg).not.toContain('admin');
    expect(container(podSpec(only(manifests, 'Deployment')), 'app').env).toEqual([{ name: 'PAYMENTS_ADDR', value: 'localhost:9443' }]);
  });

  test('a change of proxy configuration changes the pod template, rolling the pods', () => {
    const hashFor = (servers: string[]) => {
      const { chart, app } = setup();
      new Ambassador(chart, 'r', { workload: app, proxy: AmbassadorProxy.twemproxyRedis({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', servers }) });
      return only(synth(chart), 'Deployment').spec.template.metadata.annotations['config-hash.cdk8s-patterns.io/ambassador'];
    };
    expect(hashFor(['a:1'])).toMatch(/^[0-9a-f]{16}$/);
    expect(hashFor(['a:1'])).toBe(hashFor(['a:1']));
    expect(hashFor(['a:1'])).not.toBe(hashFor(['a:1', 'b:1']));
  });

  test('native sidecar mode starts the proxy before the app', () => {
    const { chart, app } = setup();
    new Ambassador(chart, 'r', { workload: app, nativeSidecar: true, proxy: AmbassadorProxy.twemproxyRedis({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', servers: ['r:6379'] }) });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(spec.initContainers[0]).toMatchObject({ name: 'ambassador', restartPolicy: 'Always' });
  });

  test('validation messages', () => {
    const { chart, app } = setup();
    expect(() => AmbassadorProxy.twemproxyRedis({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', servers: [] }))
      .toThrow('AmbassadorProxy.twemproxyRedis: invalid servers []: must list at least one host:port');
    expect(() => AmbassadorProxy.twemproxyRedis({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', servers: ['redis'] }))
      .toThrow('AmbassadorProxy.twemproxyRedis: invalid servers "redis": each server must be host:port with a DNS name or IPv4 address');
    expect(() => AmbassadorProxy.envoyTcp({ upstreamHost: 'Bad Host', upstreamPort: 80, listenPort: 8080 }))
      .toThrow('AmbassadorProxy.envoyTcp: invalid upstreamHost "Bad Host": must be a DNS name or IPv4 address');
    expect(() => AmbassadorProxy.envoyTcp({ upstreamHost: 'x', upstreamPort: 80, listenPort: 0 }))
      .toThrow('AmbassadorProxy.envoyTcp: invalid listenPort 0: must be an integer port number from 1 to 65535');
    expect(() => new Ambassador(chart, 'bad', { workload: app, proxy: AmbassadorProxy.twemproxyRedis({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', servers: ['r:1'] }), envVar: '1URL' }))
      .toThrow('test/bad: invalid envVar "1URL": must be an environment variable name');
  });
});
