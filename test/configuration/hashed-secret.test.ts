import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HashedSecret, RestrictedPods } from '../../src';
import { only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

function build(password: string): any[] {
  const chart = Testing.chart();
  const secret = new HashedSecret(chart, 'db-credentials', { stringData: { username: 'app', password } });
  const api = new kplus.Deployment(chart, 'api', {
    replicas: 2,
    containers: [{
      name: 'api',
      image: 'shop/api:1.4.2',
      securityContext: { user: 10101, group: 10101 },
      envVariables: { DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) },
    }],
  });
  api.containers[0].mount('/etc/db', kplus.Volume.fromSecret(chart, 'creds', secret, { name: 'db-credentials' }), { readOnly: true });
  RestrictedPods.applyTo(chart);
  return synth(chart);
}

describe('HashedSecret', () => {
  test('immutable, named <base>-<10-char hash>; content and type change the name; references follow', () => {
    const a = build('s3cret');
    const b = build('n3w-s3cret');
    const sa = only(a, 'Secret');
    const sb = only(b, 'Secret');
    expect(sa.immutable).toBe(true);
    expect(sa.metadata.name).toMatch(/^db-credentials-[a-z0-9]{10}$/);
    expect(sb.metadata.name).not.toBe(sa.metadata.name);
    const spec = podSpec(only(b, 'Deployment'));
    expect(spec.volumes[0].secret.secretName).toBe(sb.metadata.name);
    expect(spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe(sb.metadata.name);
    expect(restrictedViolations(b)).toEqual([]);
    expect(wiringProblems(b)).toEqual([]);

    const typed = new HashedSecret(Testing.chart(), 'db-credentials', { stringData: { username: 'app', password: 's3cret' }, secretType: 'kubernetes.io/basic-auth' });
    expect(typed.name).not.toBe(sa.metadata.name);
    const again = new HashedSecret(Testing.chart(), 'db-credentials', { stringData: { password: 's3cret', username: 'app' } });
    expect(again.name).toBe(sa.metadata.name);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const s = new HashedSecret(chart, 's', { stringData: { a: '1' } });
    expect(() => s.addStringData('b', '2'))
      .toThrow('test/s: invalid addStringData key "b": cannot add data to a HashedSecret after construction: its name is a hash of its content; pass every entry in props.stringData');
    expect(() => new HashedSecret(chart, 'x', { baseName: '-x', stringData: {} }))
      .toThrow('test/x: invalid baseName "-x": must be a DNS-1123 subdomain');
    expect(() => new HashedSecret(chart, 'y', { stringData: { 'a/b': '1' } }))
      .toThrow('test/y: invalid data key "a/b": must be at most 253 characters');
  });
});

describe('HashedSecret: JavaScript and jsii callers get the library\'s errors', () => {
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least stringData'],
    [{}, 'test/a: invalid stringData undefined: is required'],
    [{ stringData: null }, 'test/a: invalid stringData null: is required'],
    [{ stringData: 'password=s3cret' }, 'test/a: invalid stringData "password=s3cret": must be an object of keys and string values'],
    [{ stringData: { port: 5432 } }, 'test/a: invalid stringData["port"] "(number)": must be a string'],
    [{ stringData: { a: 'b' }, secretType: 5 }, 'test/a: invalid secretType 5: must be a non-empty string such as "Opaque" or "kubernetes.io/basic-auth"'],
    [{ stringData: { a: 'b' }, labels: ['app'] }, 'test/a: invalid labels ["app"]: must be an object of keys and string values'],
    [{ stringData: { a: 'b' }, labels: { app: 'has space' } }, 'test/a: invalid labels["app"] "has space": must be a label value'],
    [{ stringData: { a: 'b' }, annotations: { '-x': 'note' } }, 'test/a: invalid annotations key "-x": must be a label key'],
    [{ stringData: {}, secretType: 'kubernetes.io/basic-auth' }, 'test/a: invalid stringData []: must have at least one of the keys username, password for secretType kubernetes.io/basic-auth'],
    [{ stringData: { 'tls.crt': 'cert' }, secretType: 'kubernetes.io/tls' }, 'test/a: invalid stringData ["tls.crt"]: must have the keys tls.crt and tls.key for secretType kubernetes.io/tls'],
    [{ stringData: { 'tls.key': 'key' }, secretType: 'kubernetes.io/tls' }, 'test/a: invalid stringData ["tls.key"]: must have the keys tls.crt and tls.key for secretType kubernetes.io/tls'],
    [{ stringData: { id: 'x' }, secretType: 'kubernetes.io/ssh-auth' }, 'test/a: invalid stringData ["id"]: must have the key ssh-privatekey for secretType kubernetes.io/ssh-auth'],
    [{ stringData: { '.dockerconfigjson': '{"auths":' }, secretType: 'kubernetes.io/dockerconfigjson' },
      'test/a: invalid stringData[".dockerconfigjson"] "(not shown)": must be JSON for secretType kubernetes.io/dockerconfigjson'],
    [{ stringData: { token: 'x' }, secretType: 'kubernetes.io/service-account-token' }, 'test/a: invalid secretType "kubernetes.io/service-account-token": must not be kubernetes.io/service-account-token'],
  ])('%j', (props, message) => {
    expect(() => new HashedSecret(Testing.chart(), 'a', props as any)).toThrow(message);
  });

  test('typed Secrets with their required keys synthesize', () => {
    const chart = Testing.chart();
    new HashedSecret(chart, 'basic', { stringData: { password: 's3cret' }, secretType: 'kubernetes.io/basic-auth' });
    new HashedSecret(chart, 'tls', { stringData: { 'tls.crt': 'cert', 'tls.key': 'key' }, secretType: 'kubernetes.io/tls' });
    new HashedSecret(chart, 'registry', { stringData: { '.dockerconfigjson': '{"auths":{}}' }, secretType: 'kubernetes.io/dockerconfigjson' });
    expect(synth(chart).map(m => m.type)).toEqual(['kubernetes.io/basic-auth', 'kubernetes.io/tls', 'kubernetes.io/dockerconfigjson']);
  });
});
