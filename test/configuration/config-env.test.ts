import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ConfigEnv, HashedConfigMap, HashedSecret } from '../../src';
import { only, podSpec, synth } from '../util';

function setup() {
  const chart = Testing.chart();
  const pod = new kplus.Deployment(chart, 'app', { containers: [{ name: 'app', image: 'k8spatterns/random-generator:1.0' }] });
  return { chart, pod, c: pod.containers[0] };
}

describe('ConfigEnv', () => {
  test('envFrom with a prefix for Secrets and ConfigMaps', () => {
    const { chart, c } = setup();
    const cm = new HashedConfigMap(chart, 'random-generator-config', { data: { SEED: '432576345' } });
    const secret = new HashedSecret(chart, 'random-generator-secret', { stringData: { seed: 's' } });
    c.env.copyFrom(ConfigEnv.fromConfigMap(cm, 'RANDOM_'));
    c.env.copyFrom(ConfigEnv.fromSecret(secret, 'SECRET_'));
    c.env.copyFrom(ConfigEnv.fromSecret(secret));
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(spec.containers[0].envFrom).toEqual([
      { configMapRef: { name: cm.name }, prefix: 'RANDOM_' },
      { secretRef: { name: secret.name }, prefix: 'SECRET_' },
      { secretRef: { name: secret.name } },
    ]);
  });

  test('downward API: pod facts by fieldRef, own requests and limits by resourceFieldRef', () => {
    const { chart, c } = setup();
    ConfigEnv.addDownwardApi(c, { podName: 'POD_NAME', podNamespace: 'POD_NAMESPACE', podIp: 'IP', nodeName: 'NODE', serviceAccountName: 'SA', cpuRequest: 'CPU_REQ', cpuLimit: 'CPU_LIMIT', memoryRequest: 'MEM_REQ', memoryLimit: 'MEM_LIMIT' });
    const env = podSpec(only(synth(chart), 'Deployment')).containers[0].env;
    const byName = Object.fromEntries(env.map((e: any) => [e.name, e.valueFrom]));
    expect(byName.POD_NAME).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(byName.POD_NAMESPACE).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(byName.IP).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    expect(byName.NODE).toEqual({ fieldRef: { fieldPath: 'spec.nodeName' } });
    expect(byName.SA).toEqual({ fieldRef: { fieldPath: 'spec.serviceAccountName' } });
    expect(byName.CPU_REQ).toEqual({ resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } });
    expect(byName.CPU_LIMIT).toEqual({ resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } });
    expect(byName.MEM_REQ).toEqual({ resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } });
    expect(byName.MEM_LIMIT).toEqual({ resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } });
  });

  test('validation messages', () => {
    const { chart, c } = setup();
    const cm = new HashedConfigMap(chart, 'cm', { data: { a: '1' } });
    expect(() => ConfigEnv.fromConfigMap(cm, '1X')).toThrow('ConfigEnv.fromConfigMap: invalid prefix "1X": must be a non-empty start of an environment variable name');
    expect(() => ConfigEnv.fromSecret(new HashedSecret(chart, 's', { stringData: { a: '1' } }), '')).toThrow('ConfigEnv.fromSecret: invalid prefix "": must be a non-empty start');
    expect(() => ConfigEnv.addDownwardApi(c, {})).toThrow('ConfigEnv.addDownwardApi(app): invalid options {}: must name at least one variable to set');
    expect(() => ConfigEnv.addDownwardApi(c, { podName: 'POD NAME' })).toThrow('ConfigEnv.addDownwardApi(app): invalid variable name "POD NAME": must be an environment variable name');
    c.env.addVariable('POD_NAME', kplus.EnvValue.fromValue('x'));
    expect(() => ConfigEnv.addDownwardApi(c, { podName: 'POD_NAME' })).toThrow('ConfigEnv.addDownwardApi(app): invalid variable name "POD_NAME": must be set only once in the container');
  });
});

describe('ConfigEnv: JavaScript and jsii callers get the library\'s errors', () => {
  test.each([
    [() => ConfigEnv.fromSecret('db-credentials' as any), 'ConfigEnv.fromSecret: invalid secret "db-credentials": must be a cdk8s-plus Secret (kplus.Secret, HashedSecret or Secret.fromSecretName)'],
    [() => ConfigEnv.fromConfigMap(undefined as any), 'ConfigEnv.fromConfigMap: invalid configMap undefined: must be a cdk8s-plus ConfigMap (kplus.ConfigMap, HashedConfigMap or ConfigMap.fromConfigMapName)'],
    [() => ConfigEnv.fromConfigMap(kplus.ConfigMap.fromConfigMapName(Testing.chart(), 'cm', 'app'), 5 as any),
      'ConfigEnv.fromConfigMap: invalid prefix 5: must be a non-empty start of an environment variable name'],
    [() => ConfigEnv.addDownwardApi(undefined as any, { podName: 'POD_NAME' }), 'ConfigEnv.addDownwardApi: invalid container undefined: must be a kplus.Container, e.g. deployment.containers[0]'],
    [() => ConfigEnv.addDownwardApi({ name: 'app' } as any, { podName: 'POD_NAME' }), 'ConfigEnv.addDownwardApi: invalid container {"name":"app"}: must be a kplus.Container'],
    [() => ConfigEnv.addDownwardApi(setup().c, undefined as any), 'ConfigEnv.addDownwardApi(app): invalid options undefined: must be an object naming at least one variable to set'],
    [() => ConfigEnv.addDownwardApi(setup().c, { podName: 5 as any }), 'ConfigEnv.addDownwardApi(app): invalid variable name 5: must be an environment variable name'],
  ])('%#', (fn, message) => {
    expect(fn).toThrow(message);
  });

  test('a jsii caller\'s null prefix or option is "not set"', () => {
    const { chart, c } = setup();
    const secret = kplus.Secret.fromSecretName(chart, 'secret', 'db');
    c.env.copyFrom(ConfigEnv.fromSecret(secret, null as any));
    ConfigEnv.addDownwardApi(c, { podName: 'POD_NAME', nodeName: null as any });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'db' } }]);
    expect(spec.containers[0].env.map((e: any) => e.name)).toEqual(['POD_NAME']);
  });
});
