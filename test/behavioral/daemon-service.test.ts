import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { DaemonService, DaemonUpdateStrategy } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const AGENT: kplus.ContainerProps = {
  name: 'agent',
  image: 'prom/node-exporter:v1.8.2',
  ports: [{ number: 9100, name: 'metrics' }],
  readiness: kplus.Probe.fromHttpGet('/', { port: 9100 }),
};

function setup(extra: Partial<ConstructorParameters<typeof DaemonService>[2]> = {}) {
  const chart = Testing.chart();
  const daemon = new DaemonService(chart, 'node-exporter', { containers: [AGENT], ...extra });
  const manifests = synth(chart);
  return { chart, daemon, manifests, ds: only(manifests, 'DaemonSet') };
}

describe('DaemonService', () => {
  test('defaults: selected by stable labels, rolling one node at a time, SMALL resources, no tolerations', () => {
    const { daemon, manifests, ds } = setup();
    expect(manifests.map(m => m.kind)).toEqual(['DaemonSet']);
    expect(ds.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'node-exporter',
      'app.kubernetes.io/instance': expect.stringMatching(/^test-node-exporter-/),
      'app.kubernetes.io/component': 'daemon-service',
    });
    expect(ds.spec.template.metadata.labels).toMatchObject(ds.spec.selector.matchLabels);
    expect(ds.metadata.labels['app.kubernetes.io/managed-by']).toBe('cdk8s-patterns');
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    const spec = podSpec(ds);
    expect(spec.tolerations).toBeUndefined();
    expect(spec.nodeSelector).toBeUndefined();
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container(spec, 'agent').resources.requests).toMatchObject({ cpu: '100m', memory: '128Mi' });
    expect(daemon.service).toBeUndefined();
    expect(daemon.updateStrategy.strategyType).toBe('RollingUpdate');
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('tolerations and nodeSelector reach the pod spec', () => {
    const { ds } = setup({
      tolerations: [
        kplus.NodeTaintQuery.exists('node-role.kubernetes.io/control-plane', { effect: kplus.TaintEffect.NO_SCHEDULE }),
        kplus.NodeTaintQuery.is('dedicated', 'gpu', { effect: kplus.TaintEffect.NO_EXECUTE }),
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux', 'tier': 'edge' },
    });
    const spec = podSpec(ds);
    expect(spec.tolerations).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' },
    ]);
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'tier': 'edge' });
  });

  test('a node agent that tolerates every taint', () => {
    const { ds } = setup({ tolerations: [kplus.NodeTaintQuery.any()] });
    expect(podSpec(ds).tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('update strategies: OnDelete, surge, percentages', () => {
    expect(setup({ updateStrategy: DaemonUpdateStrategy.onDelete() }).ds.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(setup({ updateStrategy: DaemonUpdateStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1) }) }).ds.spec.updateStrategy)
      .toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const percent = DaemonUpdateStrategy.rollingUpdate({ maxUnavailable: kplus.PercentOrAbsolute.percent(20) });
    expect(setup({ updateStrategy: percent }).ds.spec.updateStrategy)
      .toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '20%', maxSurge: 0 } });
  });

  test('nodeLocalService: a Service with internalTrafficPolicy Local that selects the daemon pods', () => {
    const { daemon, manifests, ds } = setup({ nodeLocalService: true });
    const svc = only(manifests, 'Service');
    expect(svc.spec.internalTrafficPolicy).toBe('Local');
    expect(svc.spec.selector).toEqual(ds.spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ name: 'metrics', port: 9100, targetPort: 9100 }]);
    expect(svc.metadata.labels['app.kubernetes.io/component']).toBe('daemon-service');
    expect(daemon.service?.name).toBe(svc.metadata.name);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    expect(() => new DaemonService(chart, 'a', { containers: [{ image: 'x/y:1.0', ports: [{ number: 9100, hostPort: 9100 }] }] }))
      .toThrow('test/a: invalid containers[0].ports[0].hostPort 9100: must be unset: host ports are not allowed by Pod Security "restricted"; use nodeLocalService to reach the daemon on its node');
    expect(() => new DaemonService(chart, 'b', { containers: [{ image: 'x/y:1.0' }], nodeSelector: { 'bad key!': 'x' } }))
      .toThrow('test/b: invalid nodeSelector key "bad key!": must be a label key');
    expect(() => new DaemonService(chart, 'c', { containers: [{ image: 'x/y:1.0' }], nodeSelector: { 'Example.COM/zone': 'a' } }))
      .toThrow('test/c: invalid nodeSelector key prefix "Example.COM": must be a DNS-1123 subdomain');
    expect(() => new DaemonService(chart, 'd', { containers: [{ image: 'x/y:1.0' }], nodeSelector: { tier: 'not valid' } }))
      .toThrow('test/d: invalid nodeSelector["tier"] "not valid": must be a label value');
    expect(() => new DaemonService(chart, 'e', { containers: [{ image: 'x/y:1.0' }], nodeLocalService: true }))
      .toThrow('test/e: invalid nodeLocalService true: needs a container port (portNumber or ports) to route to');
    expect(() => new DaemonService(chart, 'f', { containers: [{ image: 'x/y:1.0', ports: [{ number: 80 }, { number: 81 }], readiness: kplus.Probe.fromTcpSocket() }], nodeLocalService: true }))
      .toThrow('test/f: invalid ports[80].name null: must be set when the pods expose several ports: a Service names each of its ports');
    expect(() => new DaemonService(chart, 'g', { containers: [] }))
      .toThrow('test/g: invalid containers []: must list at least one container');
  });

  test('update strategy validation messages', () => {
    const abs = kplus.PercentOrAbsolute.absolute;
    const pct = kplus.PercentOrAbsolute.percent;
    expect(() => DaemonUpdateStrategy.rollingUpdate({ maxUnavailable: abs(0) }))
      .toThrow('DaemonUpdateStrategy.rollingUpdate: invalid maxUnavailable 0: must be non-zero exactly when maxSurge (0) is zero: a DaemonSet update either removes an old pod first or surges a new one first');
    expect(() => DaemonUpdateStrategy.rollingUpdate({ maxUnavailable: abs(1), maxSurge: abs(1) }))
      .toThrow('DaemonUpdateStrategy.rollingUpdate: invalid maxUnavailable 1: must be non-zero exactly when maxSurge (1) is zero');
    expect(() => DaemonUpdateStrategy.rollingUpdate({ maxUnavailable: pct(150) }))
      .toThrow('DaemonUpdateStrategy.rollingUpdate: invalid maxUnavailable "150%": must be a whole number of at least 0, or a percentage from 0% to 100%');
    expect(() => DaemonUpdateStrategy.rollingUpdate({ maxSurge: abs(-1) }))
      .toThrow('DaemonUpdateStrategy.rollingUpdate: invalid maxSurge -1: must be a whole number of at least 0, or a percentage from 0% to 100%');
  });
});

describe('DaemonService: JavaScript and jsii callers get the library\'s errors', () => {
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least containers'],
    [{}, 'test/a: invalid containers undefined: is required'],
    [{ containers: 'prom/node-exporter:v1.8.2' }, 'test/a: invalid containers "prom/node-exporter:v1.8.2": must be a list'],
    [{ containers: [AGENT], nodeSelector: 'linux' }, 'test/a: invalid nodeSelector "linux": must be an object of node label keys and values'],
    [{ containers: [AGENT], nodeSelector: { 'kubernetes.io/os': 1 } }, 'test/a: invalid nodeSelector["kubernetes.io/os"] 1: must be a label value'],
    [{ containers: [AGENT], nodeSelector: { ['a'.repeat(64)]: 'x' } }, `test/a: invalid nodeSelector key "${'a'.repeat(64)}": must be a label key`],
    [{ containers: [AGENT], updateStrategy: 'OnDelete' }, 'test/a: invalid updateStrategy "OnDelete": must be a DaemonUpdateStrategy: DaemonUpdateStrategy.rollingUpdate() or DaemonUpdateStrategy.onDelete()'],
    [{ containers: [AGENT], tolerations: 'any' }, 'test/a: invalid tolerations "any": must be a list'],
    [{ containers: [AGENT], tolerations: [{ key: 'gpu' }] }, 'test/a: invalid tolerations[0] {"key":"gpu"}: must be a kplus.NodeTaintQuery, e.g. NodeTaintQuery.exists(key) or NodeTaintQuery.any()'],
    [{ containers: [AGENT], nodeLocalService: 'yes' }, 'test/a: invalid nodeLocalService "yes": must be true or false'],
    [{ containers: [AGENT, { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ number: 9100, name: 'proxy' }], readiness: kplus.Probe.fromTcpSocket() }], nodeLocalService: true },
      'test/a: invalid containers[proxy].ports 9100: must differ from the ports of container agent'],
  ])('%#', (props, message) => {
    expect(() => new DaemonService(Testing.chart(), 'a', props as any)).toThrow(message);
  });

  test('DaemonUpdateStrategy.rollingUpdate', () => {
    expect(() => DaemonUpdateStrategy.rollingUpdate('surge' as any)).toThrow('DaemonUpdateStrategy.rollingUpdate: invalid options "surge": must be an object');
    expect(() => DaemonUpdateStrategy.rollingUpdate({ maxSurge: 1 as any }))
      .toThrow('DaemonUpdateStrategy.rollingUpdate: invalid maxSurge 1: must be a kplus.PercentOrAbsolute, e.g. PercentOrAbsolute.absolute(1) or PercentOrAbsolute.percent(10)');
    expect(() => DaemonUpdateStrategy.rollingUpdate({ maxUnavailable: '10%' as any })).toThrow('DaemonUpdateStrategy.rollingUpdate: invalid maxUnavailable "10%": must be a kplus.PercentOrAbsolute');
    // a jsii caller's null is "no options"
    expect(DaemonUpdateStrategy.rollingUpdate(null as any)._toKube()).toEqual(DaemonUpdateStrategy.rollingUpdate()._toKube());
  });
});
