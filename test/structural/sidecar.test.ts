import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HealthProbe, ResourcePreset, Sidecar } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';

function setup() {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', {
    containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27', portNumber: 8080 }],
  });
  return { chart, web };
}

describe('Sidecar', () => {
  test('classic: a second container shares an emptyDir with the main one', () => {
    const { chart, web } = setup();
    const sc = new Sidecar(chart, 'git-sync', {
      workload: web,
      container: { name: 'git-sync', image: 'registry.k8s.io/git-sync/git-sync:v4.2.4', args: ['--repo=https://example.com/site.git', '--root=/content'] },
      sharedVolume: { sidecarMountPath: '/content', mainMountPath: '/usr/share/nginx/html', mainReadOnly: true },
    });
    const manifests = synth(chart);
    const spec = podSpec(only(manifests, 'Deployment'));
    expect(spec.containers.map((c: any) => c.name)).toEqual(['web', 'git-sync']);
    expect(spec.volumes).toEqual([{ name: 'git-sync-shared', emptyDir: { sizeLimit: '256Mi' } }]);
    expect(container(spec, 'git-sync').volumeMounts).toEqual([{ name: 'git-sync-shared', mountPath: '/content', readOnly: false }]);
    expect(container(spec, 'web').volumeMounts).toEqual([{ name: 'git-sync-shared', mountPath: '/usr/share/nginx/html', readOnly: true }]);
    expect(sc.sharedVolume?.name).toBe('git-sync-shared');
    expect(sc.container.name).toBe('git-sync');
  });

  test('the sidecar is restricted, sized from a preset and probed', () => {
    const { chart, web } = setup();
    new Sidecar(chart, 'shipper', {
      workload: web,
      container: { name: 'shipper', image: 'fluent/fluent-bit:3.1.9' },
      resources: ResourcePreset.SMALL,
      probes: { readiness: HealthProbe.http('/api/v1/health', { port: 2020 }) },
      writableTmp: true,
    });
    const c = container(podSpec(only(synth(chart), 'Deployment')), 'shipper');
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources).toEqual({ requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '1Gi' }, limits: { 'memory': '128Mi', 'ephemeral-storage': '2Gi' } });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/api/v1/health', port: 2020, scheme: 'HTTP' });
    expect(c.volumeMounts).toEqual([{ name: 'shipper-tmp', mountPath: '/tmp' }]);
  });

  test('native: an init container with restartPolicy Always, before the app starts', () => {
    const { chart, web } = setup();
    new Sidecar(chart, 'proxy', {
      workload: web,
      nativeSidecar: true,
      container: { name: 'proxy', image: 'envoyproxy/envoy:v1.31.2' },
      probes: { startup: HealthProbe.tcp({ port: 15000 }) },
    });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(spec.containers.map((c: any) => c.name)).toEqual(['web']);
    expect(spec.initContainers).toHaveLength(1);
    expect(spec.initContainers[0]).toMatchObject({ name: 'proxy', restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 15000 } } });
  });

  test('shareProcessNamespace as an option', () => {
    const { chart, web } = setup();
    new Sidecar(chart, 's', { workload: web, container: { image: 'x/reloader:1' }, shareProcessNamespace: true });
    expect(podSpec(only(synth(chart), 'Deployment')).shareProcessNamespace).toBe(true);
  });

  test('does not touch the security of the main container, which stays the user\'s', () => {
    const { chart, web } = setup();
    new Sidecar(chart, 's', { workload: web, container: { image: 'x/y:1' } });
    const violations = restrictedViolations(synth(chart));
    expect(violations.every(v => v.includes('containers[web]'))).toBe(true);
  });

  test('validation messages', () => {
    const { chart, web } = setup();
    expect(() => new Sidecar(chart, 'a', { workload: web, container: { name: 'web', image: 'x/y:1' } }))
      .toThrow('test/a: invalid container.name "web": must differ from the pod\'s other container names: web');
    expect(() => new Sidecar(chart, 'b', { workload: web, mainContainer: 'api', container: { image: 'x/y:1' } }))
      .toThrow('test/b: invalid mainContainer "api": must name a container of test/web: web');
    expect(() => new Sidecar(chart, 'c', { workload: web, container: { name: 'c', image: 'x/y:1' }, sharedVolume: { sidecarMountPath: 'data' } }))
      .toThrow('test/c: invalid sharedVolume mount path "data": must be an absolute path starting with "/" and without ".."');
    expect(() => new Sidecar(chart, 'd', { workload: web, container: { name: 'Bad_Name', image: 'x/y:1' } }))
      .toThrow('test/d: invalid container.name "Bad_Name": must be a DNS-1123 label');
    expect(() => new Sidecar(chart, 'e', { workload: web, container: { name: 'e', image: 'x/y:1', securityContext: { privileged: true } } }))
      .toThrow('test/e: invalid container.securityContext.privileged true: must be false: privileged containers are not allowed by Pod Security "restricted"');
    expect(() => new Sidecar(chart, 'f', { workload: web, container: { name: 'f', image: 'x/y:1', securityContext: { capabilities: { add: [kplus.Capability.SYS_ADMIN] } } } }))
      .toThrow('test/f: invalid container.securityContext.capabilities.add ["SYS_ADMIN"]: may only contain NET_BIND_SERVICE under Pod Security "restricted"');
    const empty = new kplus.Deployment(chart, 'empty');
    expect(() => new Sidecar(chart, 'g', { workload: empty, container: { image: 'x/y:1' } }))
      .toThrow('test/g: invalid workload "test/empty": must have at least one container before a pod pattern attaches to it');
  });
});
