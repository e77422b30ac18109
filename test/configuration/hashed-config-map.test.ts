import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HashedConfigMap, RestrictedPods } from '../../src';
import { only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

/** A Deployment that uses a hashed ConfigMap as a volume, as envFrom and as one env value. */
function build(data: { [key: string]: string }): any[] {
  const chart = Testing.chart();
  const cm = new HashedConfigMap(chart, 'app-config', { data });
  const web = new kplus.Deployment(chart, 'web', {
    replicas: 2,
    containers: [{
      name: 'web',
      image: 'nginxinc/nginx-unprivileged:1.27.2-alpine',
      portNumber: 8080,
      readiness: kplus.Probe.fromHttpGet('/', { port: 8080 }),
      securityContext: { user: 10101, group: 10101 },
      envFrom: [kplus.Env.fromConfigMap(cm, 'APP_')],
      envVariables: { LOG_LEVEL: kplus.EnvValue.fromConfigMap(cm, 'LOG_LEVEL') },
    }],
  });
  web.containers[0].mount('/etc/app', kplus.Volume.fromConfigMap(chart, 'config-volume', cm, { name: 'app-config' }), { readOnly: true });
  RestrictedPods.applyTo(chart);
  return synth(chart);
}

/** Every leaf path of a JSON value that differs between two values. */
function diffPaths(a: any, b: any, path = ''): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b ? [] : [path];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap(k => diffPaths(a[k], b[k], `${path}/${k}`));
}

describe('HashedConfigMap', () => {
  test('immutable, named <base>-<10-char hash>, content as given', () => {
    const cm = only(build({ 'LOG_LEVEL': 'info', 'app.properties': 'a=1\n' }), 'ConfigMap');
    expect(cm.immutable).toBe(true);
    expect(cm.metadata.name).toMatch(/^app-config-[a-z0-9]{10}$/);
    expect(cm.data).toEqual({ 'LOG_LEVEL': 'info', 'app.properties': 'a=1\n' });
  });

  test('the hash is deterministic and ignores insertion order', () => {
    const a = new HashedConfigMap(Testing.chart(), 'c', { data: { x: '1', y: '2' } });
    const b = new HashedConfigMap(Testing.chart(), 'c', { data: { y: '2', x: '1' } });
    expect(a.name).toBe(b.name);
    expect(a.contentHash).toHaveLength(10);
    expect(a.contentHash).toMatch(/^[b-z2-9]+$/);
    const c = new HashedConfigMap(Testing.chart(), 'c', { data: { x: '1', y: '3' } });
    expect(c.name).not.toBe(a.name);
    const bin = new HashedConfigMap(Testing.chart(), 'c', { data: { x: '1' }, binaryData: { y: 'Mg==' } });
    expect(bin.name).not.toBe(a.name);
    expect(new HashedConfigMap(Testing.chart(), 'c', { baseName: 'other', data: { x: '1', y: '2' } }).name).toMatch(/^other-/);
  });

  test('PROOF: a change of content changes the name and the pod template that references it, and nothing else', () => {
    const before = build({ LOG_LEVEL: 'info', GREETING: 'hello' });
    const after = build({ LOG_LEVEL: 'debug', GREETING: 'hello' });
    const oldName = only(before, 'ConfigMap').metadata.name;
    const newName = only(after, 'ConfigMap').metadata.name;
    expect(newName).not.toBe(oldName);

    expect(after.map(m => m.kind)).toEqual(before.map(m => m.kind));
    const changed = before.flatMap((m, i) => diffPaths(m, after[i]).map(p => `${m.kind}${p}`));
    expect(changed.sort()).toEqual([
      'ConfigMap/data/LOG_LEVEL',
      'ConfigMap/metadata/name',
      'Deployment/spec/template/spec/containers/0/env/0/valueFrom/configMapKeyRef/name',
      'Deployment/spec/template/spec/containers/0/envFrom/0/configMapRef/name',
      'Deployment/spec/template/spec/volumes/0/configMap/name',
    ]);
    // every changed reference now names the new ConfigMap
    const spec = podSpec(only(after, 'Deployment'));
    expect(spec.volumes[0].configMap.name).toBe(newName);
    expect(spec.containers[0].envFrom[0]).toEqual({ configMapRef: { name: newName }, prefix: 'APP_' });
    expect(spec.containers[0].env[0].valueFrom.configMapKeyRef.name).toBe(newName);
    expect(restrictedViolations(after)).toEqual([]);
    expect(wiringProblems(after)).toEqual([]);
  });

  test('adding data after construction is refused', () => {
    const cm = new HashedConfigMap(Testing.chart(), 'c', { data: { x: '1' } });
    expect(() => cm.addData('y', '2'))
      .toThrow('test/c: invalid addData key "y": cannot add data to a HashedConfigMap after construction: its name is a hash of its content; pass every entry in props.data');
    expect(() => cm.addBinaryData('z', 'Mg=='))
      .toThrow('test/c: invalid addBinaryData key "z": cannot add data to a HashedConfigMap after construction: its name is a hash of its content; pass every entry in props.binaryData');
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    expect(() => new HashedConfigMap(chart, 'Bad_Id', { data: { x: '1' } }))
      .toThrow('test/Bad_Id: invalid baseName "Bad_Id": must be a DNS-1123 subdomain of at most 242 characters (a-z, 0-9, "-" and "."), so that "<baseName>-<10-character hash>" is a valid name; pass baseName when the construct id is not one');
    expect(() => new HashedConfigMap(chart, 'a', { data: { 'bad key': '1' } }))
      .toThrow('test/a: invalid data key "bad key": must be at most 253 characters of A-Z, a-z, 0-9, "-", "_" and "."');
    expect(() => new HashedConfigMap(chart, 'b', { data: { x: '1' }, binaryData: { x: 'Mg==' } }))
      .toThrow('test/b: invalid data key "x": must appear only once across data and binaryData');
    expect(() => new HashedConfigMap(chart, 'c', { data: { x: 'y'.repeat(1024 * 1024) } }))
      .toThrow('test/c: invalid data size 1048577: must be at most 1048576 bytes (1 MiB, the API server\'s object limit)');
  });
});

describe('HashedConfigMap: JavaScript and jsii callers get the library\'s errors', () => {
  test('annotation values may be any text, label values may be empty', () => {
    const chart = Testing.chart();
    new HashedConfigMap(chart, 'a', { labels: { 'example.com/team': '' }, annotations: { 'example.com/note': 'any text, even: this!' } });
    expect(only(synth(chart), 'ConfigMap').metadata.annotations).toEqual({ 'example.com/note': 'any text, even: this!' });
  });

  test('props are optional: none, null and {} make an empty ConfigMap named after the id', () => {
    for (const props of [undefined, null, {}]) {
      const chart = Testing.chart();
      const cm = new HashedConfigMap(chart, 'app-config', props as any);
      expect(cm.name).toMatch(/^app-config-[a-z0-9]{10}$/);
    }
  });

  test.each([
    ['settings', 'test/a: invalid props "settings": must be an object'],
    [{ baseName: 5 }, 'test/a: invalid baseName 5: must be a DNS-1123 subdomain of at most 242 characters'],
    [{ data: 'LOG_LEVEL=debug' }, 'test/a: invalid data "LOG_LEVEL=debug": must be an object of keys and string values'],
    [{ data: { PORT: 8080 } }, 'test/a: invalid data["PORT"] 8080: must be a string'],
    [{ binaryData: ['aGk='] }, 'test/a: invalid binaryData ["aGk="]: must be an object of keys and string values'],
    [{ labels: 'app=web' }, 'test/a: invalid labels "app=web": must be an object of keys and string values'],
    [{ annotations: { revision: 3 } }, 'test/a: invalid annotations["revision"] 3: must be a string'],
    [{ labels: { app: 'x'.repeat(64) } }, `test/a: invalid labels["app"] "${'x'.repeat(64)}": must be a label value: at most 63 characters`],
    [{ labels: { 'has space': 'shop' } }, 'test/a: invalid labels key "has space": must be a label key: an optional DNS subdomain and "/", then at most 63 characters'],
    [{ labels: { 'Example.com/team': 'shop' } }, 'test/a: invalid labels key "Example.com/team": must be a label key'],
    [{ annotations: { 'x/': 'note' } }, 'test/a: invalid annotations key "x/": must be a label key'],
    [{ binaryData: { 'logo.png': 'not base64!' } }, 'test/a: invalid binaryData["logo.png"] "not base64!": must be base64-encoded bytes (standard alphabet, padded)'],
    [{ data: { '..': 'x' } }, 'test/a: invalid data key "..": must be at most 253 characters of A-Z, a-z, 0-9, "-", "_" and ".", and not ".", ".." or starting with ".."'],
    [{ data: { '..data': 'x' } }, 'test/a: invalid data key "..data": must be at most 253 characters'],
    [{ binaryData: { '.': 'aGk=' } }, 'test/a: invalid data key ".": must be at most 253 characters'],
  ])('%j', (props, message) => {
    expect(() => new HashedConfigMap(Testing.chart(), 'a', props as any)).toThrow(message);
  });
});
