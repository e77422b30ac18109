import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Adapter, BatchJob, CompletionMode, GracefulShutdown, LeaderElected, ResourcePreset, Sidecar } from '../src';
import { only, podSpec, synth } from './util';
import { formatValue } from '../src/core/validation';

/**
 * Container fields the API server validates, checked for every container a pattern adds or
 * hardens, and the shared options of the workload patterns: each fails with the construct's
 * path, the field, the value and what is allowed.
 */
function sidecar(container: any, extra: any = {}): () => void {
  return () => {
    const chart = Testing.chart();
    const w = new kplus.Deployment(chart, 'app', { containers: [{ name: 'app', image: 'shop/api:1.4.2' }] });
    new Sidecar(chart, 's', { workload: w, container, ...extra });
  };
}

function leader(props: any): () => void {
  return () => new LeaderElected(Testing.chart(), 'le', { containers: [{ name: 'c', image: 'x/c:1' }], ...props });
}

describe('container fields', () => {
  test.each([
    [{ image: '' }, 'test/s: invalid container.image "": must be a container image reference such as "nginx:1.27.2"'],
    [{ image: 'x/y:1 ' }, 'test/s: invalid container.image "x/y:1 ": must be a container image reference'],
    [{ image: 42 }, 'test/s: invalid container.image 42: must be a container image reference'],
    [{ image: 'x/y:1', ports: [{ number: 0 }] }, 'test/s: invalid container.ports[0].number 0: must be an integer port number from 1 to 65535'],
    [{ image: 'x/y:1', ports: [{ number: 65536 }] }, 'test/s: invalid container.ports[0].number 65536: must be an integer port number from 1 to 65535'],
    [{ image: 'x/y:1', ports: [{ number: 80.5 }] }, 'test/s: invalid container.ports[0].number 80.5: must be an integer port number from 1 to 65535'],
    [{ image: 'x/y:1', ports: [{ number: NaN }] }, 'test/s: invalid container.ports[0].number NaN: must be an integer port number from 1 to 65535'],
    [{ image: 'x/y:1', ports: [{ number: 80, name: 'a-very-long-port-name' }] }, 'test/s: invalid container.ports[0].name "a-very-long-port-name": must be a port name: at most 15 characters'],
    [{ image: 'x/y:1', ports: [{ number: 80, name: 'HTTP' }] }, 'test/s: invalid container.ports[0].name "HTTP": must be a port name'],
    [{ image: 'x/y:1', ports: [{ number: 80 }, { number: 80 }] }, 'test/s: invalid container.ports[1].number 80: must not repeat a port of the container'],
    [{ image: 'x/y:1', ports: [{ number: 80, name: 'web' }, { number: 81, name: 'web' }] }, 'test/s: invalid container.ports[1].name "web": must not repeat a port name of the container'],
    [{ image: 'x/y:1', ports: [{ number: 80 }], portNumber: 80 }, 'test/s: invalid container.portNumber 80: must not repeat a number of ports (give it once)'],
    [{ image: 'x/y:1', ports: 'http' }, 'test/s: invalid container.ports "http": must be a list'],
    [{ image: 'x/y:1', envVariables: { '1BAD': kplus.EnvValue.fromValue('x') } }, 'test/s: invalid container.envVariables "1BAD": must be an environment variable name'],
    [{ image: 'x/y:1', envVariables: { 'a b': kplus.EnvValue.fromValue('x') } }, 'test/s: invalid container.envVariables "a b": must be an environment variable name'],
    [{ image: 'x/y:1', restartPolicy: 'OnFailure' }, 'test/s: invalid container.restartPolicy "OnFailure": must be unset: only a native sidecar has one (Always), and the pattern sets it'],
    [null, 'test/s: invalid props null: must be an object with at least workload, container'],
  ])('%j', (container, message) => {
    const run = container === null ? () => new Sidecar(Testing.chart(), 's', null as any) : sidecar(container);
    expect(run).toThrow(message);
  });

  test('mount paths repeat in one container', () => {
    const chart = Testing.chart();
    const v = kplus.Volume.fromEmptyDir(chart, 'v', 'v');
    expect(sidecar({ image: 'x/y:1', volumeMounts: [{ path: '/a', volume: v }, { path: '/a', volume: v }] }))
      .toThrow('test/s: invalid container.volumeMounts[1].path "/a": must not repeat a mount path of the container');
  });
});

describe('options shared by the patterns', () => {
  test.each([
    [{ resources: 'small' }, 'test/le: invalid resources "small": must be a ResourcePreset, e.g. ResourcePreset.SMALL'],
    [{ security: 'restricted' }, 'test/le: invalid security "restricted": must be ContainerSecurityOptions (an object), or unset'],
    [{ security: { runAsUser: 0 } }, 'test/le: invalid security.runAsUser 0: must be a whole number from 1 to 2147483647 (UID 0 is root, which Pod Security "restricted" forbids)'],
    [{ security: { runAsGroup: 1.5 } }, 'test/le: invalid security.runAsGroup 1.5: must be a whole number from 0 to 2147483647'],
    [{ security: { readOnlyRootFilesystem: 'yes' } }, 'test/le: invalid security.readOnlyRootFilesystem "yes": must be true or false'],
    [{ partOf: 'Shop Front' }, 'test/le: invalid partOf "Shop Front": must be a label value'],
    [{ writablePaths: '/tmp' }, 'test/le: invalid writablePaths "/tmp": must be a list'],
    [{ containers: [null] }, 'test/le: invalid containers[0] null: is required: container props with at least image'],
  ])('%j', (props, message) => {
    expect(leader(props)).toThrow(message);
  });

  test('a writable path whose volume name a container already uses', () => {
    const chart = Testing.chart();
    const v = kplus.Volume.fromEmptyDir(chart, 'v', 'c-tmp');
    expect(() => new LeaderElected(chart, 'le', { containers: [{ name: 'c', image: 'x/c:1', volumeMounts: [{ path: '/cache', volume: v }] }], writablePaths: ['/tmp'] }))
      .toThrow('test/le: invalid writablePaths[0] "/tmp": needs a volume named c-tmp, which a container\'s volumeMounts already use: rename that volume');
  });

  test('job options outside their enums', () => {
    const job = (opts: any) => () => new BatchJob(Testing.chart(), 'j', { containers: [{ image: 'x/j:1' }], ...opts });
    expect(job({ completionMode: 'Sometimes' })).toThrow('test/j: invalid completionMode "Sometimes": must be one of NonIndexed, Indexed (CompletionMode)');
    expect(job({ restartPolicy: 'Always' })).toThrow('test/j: invalid restartPolicy "Always": must be one of Never, OnFailure (JobRestartPolicy)');
    expect(job({ completionMode: CompletionMode.INDEXED, completions: 2, resources: ResourcePreset.SMALL })).not.toThrow();
  });

  test('a Duration of NaN prints without throwing', () => {
    expect(formatValue(Duration.seconds(NaN))).toBe('a Duration that is not a number of seconds');
  });
});

describe('an Adapter owns its one port', () => {
  const adapter = (container: any) => () => {
    const chart = Testing.chart();
    const w = new kplus.Deployment(chart, 'app', { containers: [{ name: 'app', image: 'shop/api:1.4.2' }] });
    new Adapter(chart, 'a', { workload: w, container, metricsPort: 9113 });
    return synth(chart);
  };

  test('container ports are refused, a portNumber equal to metricsPort is the same port', () => {
    expect(adapter({ image: 'nginx/nginx-prometheus-exporter:1.3.0', ports: [{ number: 9113 }] }))
      .toThrow('test/a: invalid container.ports [{"number":9113}]: must be unset: the adapter owns its one port, metricsPort');
    expect(adapter({ image: 'nginx/nginx-prometheus-exporter:1.3.0', portNumber: 9000 }))
      .toThrow('test/a: invalid container.portNumber 9000: must be unset or equal to metricsPort (9113): the adapter owns its one port');
    const spec = podSpec(only(adapter({ image: 'nginx/nginx-prometheus-exporter:1.3.0', portNumber: 9113 })(), 'Deployment'));
    expect(spec.containers.find((c: any) => c.name === 'adapter').ports).toEqual([{ containerPort: 9113, name: 'metrics' }]);
  });
});

test('what cdk8s-plus cannot render fails with the workload\'s path', () => {
  const chart = Testing.chart();
  const w = new kplus.Deployment(chart, 'app', {});
  new GracefulShutdown(chart, 'g', { workload: w, containers: ['app'] });
  expect(() => Testing.synth(chart))
    .toThrow('test/app: invalid pod spec "(as written through cdk8s-plus)": cdk8s-plus cannot render it: PodSpec must have at least 1 container');
});
