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
