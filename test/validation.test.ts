import { Testing, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AmbassadorProxy, DisruptionBudget, PodSpecFields, RestrictedPods, Sidecar } from '../src';
import {
  formatValue, validateAbsolutePath, validateDnsLabel, validateDnsSubdomain, validateEnvVarName, validateLabelValue,
  validateNonNegativeInt, validatePort, validatePortName, validatePositiveInt,
} from '../src/core/validation';

const chart = Testing.chart();

describe('input validators name the construct, the field, the value and what is allowed', () => {
  test.each([
    [() => validateDnsLabel(chart, 'name', 'Web_1'), 'test: invalid name "Web_1": must be a DNS-1123 label: at most 63 characters'],
    [() => validateDnsLabel(chart, 'name', 'a'.repeat(64)), `test: invalid name "${'a'.repeat(64)}": must be a DNS-1123 label`],
    [() => validateDnsSubdomain(chart, 'metadata.name', '-web.example'), 'test: invalid metadata.name "-web.example": must be a DNS-1123 subdomain'],
    [() => validateLabelValue(chart, 'label', 'has space'), 'test: invalid label "has space": must be a label value: at most 63 characters'],
    [() => validatePort(chart, 'port', 0), 'test: invalid port 0: must be an integer port number from 1 to 65535'],
    [() => validatePort(chart, 'port', 65536), 'test: invalid port 65536: must be an integer port number from 1 to 65535'],
    [() => validatePort(chart, 'port', 80.5), 'test: invalid port 80.5: must be an integer port number from 1 to 65535'],
    [() => validatePortName(chart, 'portName', 'a-very-long-port-name'), 'test: invalid portName "a-very-long-port-name": must be a port name: at most 15 characters'],
    [() => validatePortName(chart, 'portName', '8080'), 'test: invalid portName "8080": must be a port name'],
    [() => validatePortName(chart, 'portName', 'web--http'), 'test: invalid portName "web--http": must be a port name'],
    [() => validatePositiveInt(chart, 'replicas', 0), 'test: invalid replicas 0: must be a whole number of at least 1'],
    [() => validateNonNegativeInt(chart, 'delay', -1), 'test: invalid delay -1: must be a whole number of at least 0'],
    [() => validateEnvVarName(chart, 'env', '9LIVES'), 'test: invalid env "9LIVES": must be an environment variable name'],
    [() => validateAbsolutePath(chart, 'path', '/a/../b'), 'test: invalid path "/a/../b": must be an absolute path starting with "/" and without ".."'],
  ])('%#', (fn, message) => {
    expect(fn).toThrow(message);
  });

  test.each([
    [() => validatePort(chart, 'port', NaN), 'test: invalid port NaN: must be an integer port number from 1 to 65535'],
    [() => validatePositiveInt(chart, 'replicas', Infinity), 'test: invalid replicas Infinity: must be a whole number of at least 1'],
    [() => validatePortName(chart, 'portName', undefined as unknown as string), 'test: invalid portName undefined: must be a port name'],
  ])('values print as written, not as JSON (%#)', (fn, message) => {
    expect(fn).toThrow(message);
  });

  test('durations print in seconds', () => {
    expect(formatValue(Duration.millis(1500))).toBe('1.5s');
    expect(formatValue(Duration.minutes(2))).toBe('120s');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue('x')).toBe('"x"');
  });

  test('valid values pass through', () => {
    expect(validateDnsLabel(chart, 'n', 'web-1')).toBe('web-1');
    expect(validateDnsSubdomain(chart, 'n', 'web.example')).toBe('web.example');
    expect(validateLabelValue(chart, 'n', 'v1.2_beta')).toBe('v1.2_beta');
    expect(validatePort(chart, 'p', 65535)).toBe(65535);
    expect(validatePortName(chart, 'p', 'http-metrics')).toBe('http-metrics');
    expect(validatePositiveInt(chart, 'p', 1)).toBe(1);
    expect(validateNonNegativeInt(chart, 'p', 0)).toBe(0);
    expect(validateEnvVarName(chart, 'e', 'REDIS_URL')).toBe('REDIS_URL');
    expect(validateAbsolutePath(chart, 'p', '/var/log')).toBe('/var/log');
  });
});

describe('container security settings that break Pod Security "restricted" fail at synth', () => {
  const web = () => {
    const c = Testing.chart();
    return { c, d: new kplus.Deployment(c, 'web', { containers: [{ name: 'web', image: 'x/web:1' }] }) };
  };
  test.each([
    [{ allowPrivilegeEscalation: true }, 'test/s: invalid container.securityContext.allowPrivilegeEscalation true: must be false under Pod Security "restricted"'],
    [{ ensureNonRoot: false }, 'test/s: invalid container.securityContext.ensureNonRoot false: must be true under Pod Security "restricted"'],
    [{ user: 0 }, 'test/s: invalid container.securityContext.user 0: must be a non-zero UID under Pod Security "restricted"'],
    [{ seccompProfile: { type: kplus.SeccompProfileType.UNCONFINED } }, 'test/s: invalid container.securityContext.seccompProfile.type "Unconfined": must be RuntimeDefault or Localhost under Pod Security "restricted"'],
  ])('%j', (securityContext, message) => {
    const { c, d } = web();
    expect(() => new Sidecar(c, 's', { workload: d, container: { name: 's', image: 'x/s:1', securityContext } })).toThrow(message);
  });

  test.each([
    [{ allowPrivilegeEscalation: true }, 'test/web: invalid containers[web].securityContext.allowPrivilegeEscalation true: must be false under Pod Security "restricted"; RestrictedPods.applyTo(test) does not override what a container asks for'],
    [{ ensureNonRoot: false }, 'test/web: invalid containers[web].securityContext.runAsNonRoot false: must be true under Pod Security "restricted"; RestrictedPods.applyTo(test) does not override what a container asks for'],
    [{ user: 0 }, 'test/web: invalid containers[web].securityContext.runAsUser 0: must be a non-zero UID under Pod Security "restricted"; RestrictedPods.applyTo(test) does not override what a container asks for'],
    [{ capabilities: { add: [kplus.Capability.NET_ADMIN] } }, 'test/web: invalid containers[web].securityContext.capabilities.add ["NET_ADMIN"]: may only contain NET_BIND_SERVICE under Pod Security "restricted"; RestrictedPods.applyTo(test) does not override what a container asks for'],
  ])('RestrictedPods refuses %j', (securityContext, message) => {
    const c = Testing.chart();
    new kplus.Deployment(c, 'web', { containers: [{ name: 'web', image: 'x/web:1', securityContext }] });
    RestrictedPods.applyTo(c);
    expect(() => Testing.synth(c)).toThrow(message);
  });
});

describe('other validations', () => {
  test('DisruptionBudget', () => {
    const c = Testing.chart();
    const d = new kplus.Deployment(c, 'web', { containers: [{ image: 'x/web:1' }] });
    expect(() => new DisruptionBudget(c, 'a', { workload: d, replicas: 0 }))
      .toThrow('test/a: invalid replicas 0: must be a whole number of at least 1');
    expect(() => new DisruptionBudget(c, 'b', { workload: d, replicas: 3, maxUnavailable: 3 }))
      .toThrow('test/b: invalid maxUnavailable 3: must be a whole number from 1 to 2 (replicas - 1, or 1 for a single replica)');
    expect(() => new DisruptionBudget(c, 'c', { workload: d, replicas: 3, minAvailable: 4 }))
      .toThrow('test/c: invalid minAvailable 4: must be a whole number from 1 to replicas (3)');
    expect(() => new DisruptionBudget(c, 'e', { workload: d, replicas: 3, minAvailable: 1, maxUnavailable: 1 }))
      .toThrow('test/e: invalid minAvailable 1: must not be set together with maxUnavailable: give one of them');
  });

  test('termination grace period', () => {
    const c = Testing.chart();
    const d = new kplus.Deployment(c, 'web', { containers: [{ image: 'x/web:1' }] });
    expect(() => PodSpecFields.setTerminationGracePeriod(d, Duration.millis(1500)))
      .toThrow('test/web: invalid terminationGracePeriod 1.5s: must be a whole number of seconds, at least 0');
  });

  test('twemproxy server ports', () => {
    expect(() => AmbassadorProxy.twemproxyRedis({ image: 'ghcr.io/cdk8s-patterns/twemproxy:0.5.0', servers: ['redis:70000'] }))
      .toThrow('AmbassadorProxy.twemproxyRedis: invalid servers port 70000: must be an integer port number from 1 to 65535');
  });
});

test('host ports are refused for every container a pattern hardens', () => {
  const c = Testing.chart();
  const d = new kplus.Deployment(c, 'web', { containers: [{ name: 'web', image: 'x/web:1' }] });
  expect(() => new Sidecar(c, 's', { workload: d, container: { name: 's', image: 'x/s:1', ports: [{ number: 80, hostPort: 80 }] } }))
    .toThrow('test/s: invalid container.ports[0].hostPort 80: must be unset: host ports are not allowed by Pod Security "restricted"; use a Service');
});

// The behavioral, advanced and configuration patterns (appended; the imports are here to keep
// this block separate, and ordered after those above).
import * as lib from '../src/index';
// `synth` validates every manifest strictly against Kubernetes 1.28.
const { synth } = jest.requireActual<typeof import('./util')>('./util');

describe('JavaScript and jsii callers of the workload, advanced and configuration patterns get the library\'s errors, never a TypeError', () => {
  type Scope = ReturnType<typeof Testing.chart>;
  interface Pattern {
    readonly name: string;
    readonly make: (scope: Scope, props: any) => unknown;
    readonly props: (scope: Scope) => any;
    readonly fields: string[];
  }
  const containers = [{ name: 'app', image: 'shop/app:1.0.0', portNumber: 8080 }];
  const watches = [{ apiGroup: '', resource: 'configmaps' }];
  const widget = (scope: Scope) => new lib.CustomResourceDefinition(scope, 'crd', {
    group: 'example.com',
    kind: 'Widget',
    versions: [{ name: 'v1', spec: lib.JsonSchema.ofObject({ properties: { size: lib.JsonSchema.ofInteger() } }) }],
  });
  const pattern = (name: string, make: Pattern['make'], props: Pattern['props'], fields: string[]): Pattern => ({ name, make, props, fields });
  const patterns: Pattern[] = [
    pattern('WorkQueue', (s, p) => new lib.WorkQueue(s, 'x', p), () => ({ worker: { image: 'shop/worker:1.0.0' } }),
      ['worker', 'parallelism', 'mode', 'completions', 'producer', 'existingQueue', 'queueName', 'queueImage', 'backoffLimit', 'ttlAfterFinished', 'autoscaling']),
    pattern('BatchJob', (s, p) => new lib.BatchJob(s, 'x', p), () => ({ containers }), ['containers', 'ttlAfterFinished']),
    pattern('PeriodicJob', (s, p) => new lib.PeriodicJob(s, 'x', p), () => ({ containers, schedule: '0 3 * * *' }),
      ['containers', 'schedule', 'timeZone', 'concurrencyPolicy', 'startingDeadline', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'suspend', 'ttlAfterFinished']),
    pattern('DaemonService', (s, p) => new lib.DaemonService(s, 'x', p), () => ({ containers }),
      ['containers', 'updateStrategy', 'tolerations', 'nodeSelector', 'nodeLocalService']),
    pattern('LeaderElected', (s, p) => new lib.LeaderElected(s, 'x', p), () => ({ containers }),
      ['containers', 'replicas', 'leaseName', 'recordEvents', 'electorSidecar', 'highAvailability']),
    pattern('Singleton', (s, p) => new lib.Singleton(s, 'x', p), () => ({ containers, guarantee: lib.SingletonGuarantee.CONSISTENCY }),
      ['containers', 'guarantee', 'eviction']),
    pattern('StatefulService', (s, p) => new lib.StatefulService(s, 'x', p), () => ({ containers }),
      ['containers', 'replicas', 'volumeClaimTemplates', 'podManagementPolicy', 'updateStrategy', 'publishNotReadyAddresses', 'clientService', 'highAvailability']),
    pattern('Controller', (s, p) => new lib.Controller(s, 'x', p), () => ({ containers, watches }),
      ['containers', 'watches', 'writes', 'clusterWide', 'serviceAccountNamespace', 'replication', 'replicas', 'leaseName', 'highAvailability']),
    pattern('Operator', (s, p) => new lib.Operator(s, 'x', p), s => ({ containers, customResources: [widget(s)] }),
      ['containers', 'customResources', 'watches', 'writes', 'clusterWide']),
    pattern('CustomResourceDefinition', (s, p) => new lib.CustomResourceDefinition(s, 'x', p),
      () => ({ group: 'example.com', kind: 'Gadget', versions: [{ name: 'v1', spec: lib.JsonSchema.freeForm() }] }),
      ['group', 'kind', 'plural', 'singular', 'scope', 'versions', 'shortNames', 'categories']),
    pattern('HashedConfigMap', (s, p) => new lib.HashedConfigMap(s, 'x', p), () => ({ data: { a: 'b' } }),
      ['baseName', 'data', 'binaryData', 'labels', 'annotations']),
    pattern('HashedSecret', (s, p) => new lib.HashedSecret(s, 'x', p), () => ({ stringData: { a: 'b' } }),
      ['baseName', 'stringData', 'secretType', 'labels', 'annotations']),
  ];
  const garbage: unknown[] = [undefined, null, 0, -1, 1.5, NaN, '', 'x', [], [null], [{}], {}, true];
  const libraryError = /^test\/x: invalid \S+ .*: .+/s;

  /** Builds the pattern; a failure must be the library's error, and a success must synthesize valid manifests. */
  function check(p: Pattern, change: (props: any) => any): void {
    const scope = Testing.chart();
    let error: unknown;
    try {
      p.make(scope, change(p.props(scope)));
    } catch (e) {
      error = e;
    }
    if (error !== undefined) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).constructor).toBe(Error);
      expect((error as Error).message).toMatch(libraryError);
      return;
    }
    synth(scope);
  }

  test.each(patterns.map(p => [p.name, p] as const))('%s: no props, null, a string, a list', (_, p) => {
    // HashedConfigMap's props are optional: none (or a jsii caller's null) is an empty ConfigMap.
    const optional = p.name === 'HashedConfigMap';
    for (const props of optional ? ['x', []] : [undefined, null, 'x', []]) {
      expect(() => p.make(Testing.chart(), props)).toThrow(libraryError);
    }
  });

  test.each(patterns.map(p => [p.name, p] as const))('%s: each prop set to a value of the wrong type', (_, p) => {
    for (const field of p.fields) {
      for (const value of garbage) {
        try {
          check(p, props => ({ ...props, [field]: value }));
        } catch (e) {
          throw new Error(`${p.name} with ${field} = ${JSON.stringify(value)}: ${(e as Error).message}`);
        }
      }
    }
  });
});
