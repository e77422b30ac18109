import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ImmutableConfigImage, ResourcePreset, RestrictedPods, Sidecar } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const IMAGES = { dev: 'shop/config-dev:7', prod: 'shop/config-prod:7' };

function setup() {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', {
    replicas: 2,
    containers: [
      { name: 'web', image: 'shop/web:1.4.2', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/', { port: 8080 }), securityContext: { user: 10101, group: 10101 } },
      { name: 'worker', image: 'shop/worker:1.4.2', securityContext: { user: 10101, group: 10101 } },
    ],
  });
  return { chart, web };
}

function build(environment: string): any[] {
  const { chart, web } = setup();
  new ImmutableConfigImage(chart, 'config', { workload: web, images: IMAGES, environment });
  RestrictedPods.applyTo(chart);
  return synth(chart);
}

describe('ImmutableConfigImage', () => {
  test('an init container from the config image copies it into an emptyDir; every app container mounts it read-only', () => {
    const { chart, web } = setup();
    const cfg = new ImmutableConfigImage(chart, 'config', { workload: web, image: 'shop/config-prod:7' });
    const manifests = synth(chart);
    const spec = podSpec(only(manifests, 'Deployment'));
    expect(spec.initContainers).toHaveLength(1);
    const init = spec.initContainers[0];
    expect(init).toMatchObject({
      name: 'config-image',
      image: 'shop/config-prod:7',
      command: ['cp', '-R', '/config/.', '/immutable-config/'],
      volumeMounts: [{ name: 'config-image', mountPath: '/immutable-config' }],
    });
    expect(init.image).not.toBe(container(spec, 'web').image);
    expect(spec.volumes).toEqual([{ name: 'config-image', emptyDir: { sizeLimit: '64Mi' } }]);
    for (const name of ['web', 'worker']) {
      expect(container(spec, name).volumeMounts).toEqual([{ name: 'config-image', mountPath: '/config', readOnly: true }]);
    }
    expect(init.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(init.resources.requests).toEqual({ 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '1Gi' });
    expect(cfg.image).toBe('shop/config-prod:7');
    expect(cfg.mountPath).toBe('/config');
    expect(cfg.volume.name).toBe('config-image');
    RestrictedPods.applyTo(chart);
    const hardened = synth(chart);
    expect(restrictedViolations(hardened)).toEqual([]);
    expect(wiringProblems(hardened)).toEqual([]);
  });

  test('the init container alone is restricted, without RestrictedPods', () => {
    const { chart, web } = setup();
    new ImmutableConfigImage(chart, 'config', { workload: web, image: 'shop/config-prod:7' });
    const violations = restrictedViolations(synth(chart));
    expect(violations.filter(v => v.includes('config-image'))).toEqual([]);
  });

  test('per-environment images: environment picks one; a new config image changes only the pod template image', () => {
    const dev = build('dev');
    const prod = build('prod');
    expect(podSpec(only(dev, 'Deployment')).initContainers[0].image).toBe('shop/config-dev:7');
    expect(podSpec(only(prod, 'Deployment')).initContainers[0].image).toBe('shop/config-prod:7');
    // the pod template differs (so the Deployment rolls), and nothing else does
    const devJson = JSON.stringify(dev);
    const prodJson = JSON.stringify(prod);
    expect(prodJson).not.toBe(devJson);
    expect(prodJson.replace('shop/config-prod:7', 'shop/config-dev:7')).toBe(devJson);
    expect(restrictedViolations(prod)).toEqual([]);
    expect(wiringProblems(prod)).toEqual([]);
  });

  test('options: named containers, source and mount paths, command, names, size, preset', () => {
    const { chart, web } = setup();
    new ImmutableConfigImage(chart, 'config', {
      workload: web,
      image: 'shop/config@sha256:' + 'a'.repeat(64),
      containers: ['worker'],
      sourcePath: '/etc/shop/',
      mountPath: '/etc/shop',
      initContainerName: 'shop-config',
      volumeName: 'shop-config-files',
      sizeLimit: Size.mebibytes(8),
      resources: ResourcePreset.NANO,
    });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    const init = container(spec, 'shop-config');
    expect(init.command).toEqual(['cp', '-R', '/etc/shop/.', '/immutable-config/']);
    expect(container(spec, 'worker').volumeMounts).toEqual([{ name: 'shop-config-files', mountPath: '/etc/shop', readOnly: true }]);
    expect(container(spec, 'web').volumeMounts).toBeUndefined();
    expect(spec.volumes).toEqual([{ name: 'shop-config-files', emptyDir: { sizeLimit: '8Mi' } }]);

    const { chart: c2, web: w2 } = setup();
    new ImmutableConfigImage(c2, 'config', { workload: w2, image: 'shop/config:1', copyCommand: ['/bin/install-config', '/immutable-config'] });
    expect(container(podSpec(only(synth(c2), 'Deployment')), 'config-image').command).toEqual(['/bin/install-config', '/immutable-config']);
  });

  test('helper containers added by other pod patterns are not given the configuration', () => {
    const { chart, web } = setup();
    new Sidecar(chart, 'shipper', { workload: web, container: { name: 'shipper', image: 'fluent/fluent-bit:3.1.9' } });
    new ImmutableConfigImage(chart, 'config', { workload: web, image: 'shop/config:1' });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(container(spec, 'shipper').volumeMounts).toBeUndefined();
    expect(container(spec, 'web').volumeMounts).toHaveLength(1);
  });

  test('validation messages', () => {
    const { chart, web } = setup();
    const w = { workload: web };
    expect(() => new ImmutableConfigImage(chart, 'a', { ...w, image: 'shop/web:1.4.2' }))
      .toThrow('test/a: invalid image "shop/web:1.4.2": must differ from the image of container web: the configuration ships in its own image, apart from the application');
    expect(() => new ImmutableConfigImage(chart, 'b', { ...w, image: 'shop/config' }))
      .toThrow('test/b: invalid image "shop/config": must be pinned to a version tag other than "latest" or to a sha256 digest, so that a new configuration is a new image reference and rolls the pods');
    expect(() => new ImmutableConfigImage(chart, 'c', { ...w, image: 'registry:5000/shop/config:latest' }))
      .toThrow('test/c: invalid image "registry:5000/shop/config:latest": must be pinned');
    expect(() => new ImmutableConfigImage(chart, 'd', { ...w, images: IMAGES, environment: 'staging' }))
      .toThrow('test/d: invalid environment "staging": must be one of the keys of images: dev, prod');
    expect(() => new ImmutableConfigImage(chart, 'e', { ...w, images: IMAGES }))
      .toThrow('test/e: invalid environment null: must be one of the keys of images: dev, prod');
    expect(() => new ImmutableConfigImage(chart, 'f', { ...w, image: 'shop/config:1', environment: 'dev' }))
      .toThrow('test/f: invalid image "shop/config:1": must not be combined with images or environment: give one image, or per-environment images and the environment to use');
    expect(() => new ImmutableConfigImage(chart, 'g', w))
      .toThrow('test/g: invalid image undefined: must be given, or images with environment');
    expect(() => new ImmutableConfigImage(chart, 'h', { ...w, images: {}, environment: 'dev' }))
      .toThrow('test/h: invalid images {}: must map at least one environment to an image');
    expect(() => new ImmutableConfigImage(chart, 'i', { ...w, image: 'shop/config:1', sourcePath: 'config' }))
      .toThrow('test/i: invalid sourcePath "config": must be an absolute path starting with "/" and without ".."');
    expect(() => new ImmutableConfigImage(chart, 'j', { ...w, image: 'shop/config:1', sourcePath: '/immutable-config/x' }))
      .toThrow('test/j: invalid sourcePath "/immutable-config/x": must lie outside /immutable-config, where the init container mounts the emptyDir it copies into');
    expect(() => new ImmutableConfigImage(chart, 'k', { ...w, image: 'shop/config:1', mountPath: 'etc' }))
      .toThrow('test/k: invalid mountPath "etc": must be an absolute path starting with "/" and without ".."');
    expect(() => new ImmutableConfigImage(chart, 'l', { ...w, image: 'shop/config:1', copyCommand: [] }))
      .toThrow('test/l: invalid copyCommand []: must hold at least the executable (leave it unset for cp -R)');
    expect(() => new ImmutableConfigImage(chart, 'm', { ...w, image: 'shop/config:1', containers: ['api'] }))
      .toThrow('test/m: invalid containers "api": must name a container of test/web: web, worker');
    expect(() => new ImmutableConfigImage(chart, 'n', { ...w, image: 'shop/config:1', containers: [] }))
      .toThrow('test/n: invalid containers []: must name at least one container (leave it unset for all of them)');
    expect(() => new ImmutableConfigImage(chart, 'o', { ...w, image: 'shop/config:1', initContainerName: 'web' }))
      .toThrow('test/o: invalid initContainerName "web": must differ from the pod\'s other container names: web is a container of test/web');
    expect(() => new ImmutableConfigImage(chart, 'p', { ...w, image: 'shop/config:1', initContainerName: 'Config' }))
      .toThrow('test/p: invalid initContainerName "Config": must be a DNS-1123 label');
    expect(() => new ImmutableConfigImage(chart, 'q', { ...w, image: 'shop/config:1', volumeName: 'x_y' }))
      .toThrow('test/q: invalid volumeName "x_y": must be a DNS-1123 label');
    const empty = new kplus.Deployment(chart, 'empty');
    expect(() => new ImmutableConfigImage(chart, 'r', { workload: empty, image: 'shop/config:1' }))
      .toThrow('test/r: invalid workload "test/empty": must have at least one container before a pod pattern attaches to it');
    new ImmutableConfigImage(chart, 's', { ...w, image: 'shop/config:1', initContainerName: 'cfg-s' });
    expect(() => new ImmutableConfigImage(chart, 't', { ...w, image: 'shop/config:2', initContainerName: 'cfg-t', volumeName: 'cfg-s' }))
      .toThrow('test/t: invalid volumeName "cfg-s": must differ from the pod\'s other volume names: cfg-s is test/s');
    expect(() => new ImmutableConfigImage(chart, 'u', { ...w, image: 'shop/config:1', initContainerName: 'cfg-u' }))
      .toThrow('test/u: invalid image "shop/config:1": must differ from the image of container cfg-s');
  });
});
