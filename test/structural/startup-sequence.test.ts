import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GracefulShutdown, HealthProbe, Sidecar, StartupSequence } from '../../src';
import { validateManifests } from '../schema';
import { container, only, podSpec, synth } from '../util';

function setup() {
  const chart = Testing.chart();
  const app = new kplus.Deployment(chart, 'app', { containers: [{ name: 'app', image: 'shop/api:2.0', portNumber: 8080 }] });
  return { chart, app };
}

describe('StartupSequence', () => {
  test('init steps and native sidecars start in the declared order', () => {
    const { chart, app } = setup();
    const seq = new StartupSequence(chart, 'startup', { workload: app });
    seq.addNativeSidecar({ name: 'vault-agent', image: 'hashicorp/vault:1.17.6' }, { startupProbe: HealthProbe.tcp({ port: 8200 }) });
    seq.addInitStep({ name: 'wait-db', image: 'busybox:1.36', command: ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'] });
    seq.addInitStep({ name: 'migrate', image: 'shop/migrate:2.0' });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['vault-agent', 'wait-db', 'migrate']);
    expect(seq.steps).toEqual(['vault-agent', 'wait-db', 'migrate']);
    expect(container(spec, 'vault-agent')).toMatchObject({ restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 8200 } } });
    expect(container(spec, 'migrate').restartPolicy).toBeUndefined();
    expect(container(spec, 'migrate').startupProbe).toBeUndefined();
    expect(container(spec, 'migrate').resources).toEqual({ requests: { 'cpu': '25m', 'memory': '32Mi', 'ephemeral-storage': '1Gi' }, limits: { 'memory': '32Mi', 'ephemeral-storage': '2Gi' } });
  });

  test('validation messages', () => {
    const { chart, app } = setup();
    const seq = new StartupSequence(chart, 's', { workload: app });
    expect(() => seq.addInitStep({ image: 'x/y:1' })).toThrow('test/s: invalid step 1 name undefined: every step needs a container name');
    expect(() => seq.addInitStep({ name: 'app', image: 'x/y:1' })).toThrow('test/s: invalid step 1 name "app": must differ from the pod\'s other container names: app');
    expect(() => seq.addInitStep({ name: 'x', image: 'x/y:1', restartPolicy: kplus.ContainerRestartPolicy.ALWAYS }))
      .toThrow('test/s: invalid container.restartPolicy "Always": must be unset for an init step; use addNativeSidecar()');
  });
});

describe('GracefulShutdown', () => {
  test('preStop sleep on every application container and the grace period', () => {
    const { chart, app } = setup();
    new GracefulShutdown(chart, 'shutdown', { workload: app, terminationGracePeriod: Duration.seconds(40), preStopSleepSeconds: 10 });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(spec.terminationGracePeriodSeconds).toBe(40);
    expect(container(spec, 'app').lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
  });

  test('sleepAction pauses with the kubelet, no sleep program needed in the image', () => {
    const { chart, app } = setup();
    new GracefulShutdown(chart, 'shutdown', { workload: app, terminationGracePeriod: Duration.seconds(20), preStopSleepSeconds: 8, sleepAction: true });
    // A Kubernetes 1.30 field: the 1.28 schema the other tests use does not know it.
    const manifests = Testing.synth(chart);
    expect(() => validateManifests(manifests)).toThrow('/lifecycle/preStop must NOT have additional properties (unknown field "sleep")');
    const spec = podSpec(only(manifests, 'Deployment'));
    expect(spec.terminationGracePeriodSeconds).toBe(20);
    expect(container(spec, 'app').lifecycle).toEqual({ preStop: { sleep: { seconds: 8 } } });
  });

  test('sleepAction validation messages', () => {
    const { chart, app } = setup();
    expect(() => new GracefulShutdown(chart, 'a', { workload: app, sleepAction: true, preStopCommand: ['drain'] }))
      .toThrow('test/a: invalid sleepAction true: must not be combined with preStopCommand: give one way to drain');
    expect(() => new GracefulShutdown(chart, 'b', { workload: app, sleepAction: true, preStopSleepSeconds: 0 }))
      .toThrow('test/b: invalid preStopSleepSeconds 0: must be at least 1 with sleepAction (Kubernetes before 1.33 rejects a sleep of 0)');
  });

  test('the sleep must fit in the grace period', () => {
    const { chart, app } = setup();
    expect(() => new GracefulShutdown(chart, 'g', { workload: app, terminationGracePeriod: Duration.seconds(5), preStopSleepSeconds: 5 }))
      .toThrow('test/g: invalid preStopSleepSeconds 5: must be shorter than terminationGracePeriod (5s)');
    expect(() => new GracefulShutdown(chart, 'h', { workload: app, preStopSleepSeconds: -1 }))
      .toThrow('test/h: invalid preStopSleepSeconds -1: must be a whole number of at least 0');
    // cdk8s's own conversion would throw without naming the construct
    expect(() => new GracefulShutdown(chart, 'i', { workload: app, terminationGracePeriod: Duration.millis(1500) }))
      .toThrow('test/i: invalid terminationGracePeriod 1.5s: must be a whole number of seconds, at least 1');
  });
});

describe('GracefulShutdown with other hooks and helpers', () => {
  test('keeps a postStart hook, skips helper containers, refuses to replace a preStop', () => {
    const chart = Testing.chart();
    const app = new kplus.Deployment(chart, 'app', {
      containers: [{ name: 'app', image: 'shop/api:2.0', lifecycle: { postStart: kplus.Handler.fromCommand(['touch', '/tmp/started']) } }],
    });
    new Sidecar(chart, 'helper', { workload: app, container: { name: 'helper', image: 'x/helper:1' } });
    new GracefulShutdown(chart, 'g', { workload: app });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(container(spec, 'app').lifecycle).toEqual({
      postStart: { exec: { command: ['touch', '/tmp/started'] } },
      preStop: { exec: { command: ['sleep', '5'] } },
    });
    expect(container(spec, 'helper').lifecycle).toBeUndefined();

    const other = new kplus.Deployment(chart, 'other', {
      containers: [{ name: 'o', image: 'x/o:1', lifecycle: { preStop: kplus.Handler.fromCommand(['drain']) } }],
    });
    new GracefulShutdown(chart, 'h', { workload: other });
    expect(() => Testing.synth(chart))
      .toThrow('test/h: invalid container o lifecycle.preStop {"exec":{"command":["sleep","5"]}}: conflicts with {"exec":{"command":["drain"]}} set by container o of test/other itself (through cdk8s-plus): give the field one value');
  });
});
