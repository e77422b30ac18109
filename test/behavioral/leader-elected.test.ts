import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { LeaderElected } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

function setup(extra: Partial<ConstructorParameters<typeof LeaderElected>[2]> = {}) {
  const chart = Testing.chart();
  const le = new LeaderElected(chart, 'scheduler', {
    containers: [{ name: 'scheduler', image: 'shop/scheduler:1.0.0', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }) }],
    ...extra,
  });
  return { chart, le, manifests: synth(chart) };
}

describe('LeaderElected', () => {
  test('a Role with exactly the lease verbs client-go needs, bound to the pods\' ServiceAccount', () => {
    const { le, manifests } = setup();
    const role = only(manifests, 'Role');
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [le.leaseName], verbs: ['get', 'update'] },
    ]);
    const binding = only(manifests, 'RoleBinding');
    const sa = only(manifests, 'ServiceAccount');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: sa.metadata.name }]);
    const spec = podSpec(only(manifests, 'Deployment'));
    expect(spec.serviceAccountName).toBe(sa.metadata.name);
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('identity and lease reach the containers through the downward API', () => {
    const { le, manifests } = setup();
    const env = container(podSpec(only(manifests, 'Deployment')), 'scheduler').env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'LEASE_NAME', value: le.leaseName },
      { name: 'LEASE_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]));
  });

  test('two replicas by default, selected by stable labels, with a PDB and spread', () => {
    const { manifests } = setup();
    const dep = only(manifests, 'Deployment');
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'scheduler',
      'app.kubernetes.io/instance': expect.stringMatching(/^test-scheduler-/),
      'app.kubernetes.io/component': 'leader-elected',
    });
    expect(only(manifests, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: dep.spec.selector.matchLabels } });
    expect(podSpec(dep).topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
    for (const m of manifests) expect(m.metadata.labels['app.kubernetes.io/managed-by']).toBe('cdk8s-patterns');
  });

  test('events only when asked', () => {
    const { manifests } = setup({ recordEvents: true });
    expect(only(manifests, 'Role').rules).toContainEqual({ apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] });
  });

  test('elector sidecar for applications that do not elect themselves', () => {
    const args = ['--lease=$(LEASE_NAME)', '--namespace=$(LEASE_NAMESPACE)', '--id=$(POD_NAME)', '--http=127.0.0.1:4040'];
    const { manifests } = setup({ electorSidecar: { image: 'registry.example.com/leader-elector:0.6.0', args } });
    const spec = podSpec(only(manifests, 'Deployment'));
    const elector = container(spec, 'leader-elector');
    expect(elector.args).toEqual(args);
    expect(elector.env.map((e: any) => e.name)).toEqual(expect.arrayContaining(['LEASE_NAME', 'LEASE_NAMESPACE', 'POD_NAME', 'POD_NAMESPACE']));
    expect(container(spec, 'scheduler').env).toContainEqual({ name: 'LEADER_ELECTOR_URL', value: 'http://localhost:4040' });
  });

  test('grantLeaseAccess for an existing workload', () => {
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'sa');
    LeaderElected.grantLeaseAccess(chart, 'grant', sa, { leaseName: 'my-controller' });
    const role = only(synth(chart), 'Role');
    expect(role.rules[1].resourceNames).toEqual(['my-controller']);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    expect(() => new LeaderElected(chart, 'a', { containers: [{ image: 'x/y:1' }], replicas: 0 }))
      .toThrow('test/a: invalid replicas 0: must be a whole number of at least 1');
    expect(() => new LeaderElected(chart, 'b', { containers: [{ image: 'x/y:1' }], leaseName: 'Bad_Lease' }))
      .toThrow('test/b: invalid leaseName "Bad_Lease": must be a DNS-1123 subdomain');
    expect(() => new LeaderElected(chart, 'c', { containers: [] }))
      .toThrow('test/c: invalid containers []: must list at least one container');
    expect(() => new LeaderElected(chart, 'd', { containers: [{ name: 'x', image: 'x/y:1' }, { name: 'x', image: 'x/z:1' }] }))
      .toThrow('test/d: invalid containers[1].name "x": must be unique within the pod');
    expect(() => new LeaderElected(chart, 'e', { containers: [{ image: 'x/y:1' }], appName: 'bad name' }))
      .toThrow('test/e: invalid appName "bad name": must be a label value');
  });
});

describe('LeaderElected: JavaScript and jsii callers get the library\'s errors', () => {
  const containers = [{ image: 'shop/scheduler:1.0.0' }];
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least containers'],
    [{}, 'test/a: invalid containers undefined: is required'],
    [{ containers: 'shop/scheduler:1.0.0' }, 'test/a: invalid containers "shop/scheduler:1.0.0": must be a list'],
    [{ containers, replicas: '3' }, 'test/a: invalid replicas "3": must be a whole number of at least 1'],
    [{ containers, leaseName: 5 }, 'test/a: invalid leaseName 5: must be a DNS-1123 subdomain'],
    [{ containers, electorSidecar: 'elector:1.0' }, 'test/a: invalid electorSidecar "elector:1.0": must be an object with at least image and args'],
    [{ containers, electorSidecar: { args: [] } }, 'test/a: invalid electorSidecar.image undefined: must be a container image reference'],
    [{ containers, electorSidecar: { image: 'shop/elector:1.0.0' } }, 'test/a: invalid electorSidecar.args undefined: is required: the elector\'s arguments (a list of strings)'],
    [{ containers, electorSidecar: { image: 'shop/elector:1.0.0', args: '--lock=leases' } }, 'test/a: invalid electorSidecar.args "--lock=leases": must be a list'],
    [{ containers, electorSidecar: { image: 'shop/elector:1.0.0', args: [4040] } }, 'test/a: invalid electorSidecar.args[0] 4040: must be a string'],
    [{ containers, electorSidecar: { image: 'shop/elector:1.0.0', args: [], port: '4040' } }, 'test/a: invalid electorSidecar.port "4040": must be an integer port number from 1 to 65535'],
  ])('%#', (props, message) => {
    expect(() => new LeaderElected(Testing.chart(), 'a', props as any)).toThrow(message);
  });

  test('grantLeaseAccess', () => {
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'sa');
    const grant = (scope: any, id: any, account: any, options: any) => () => LeaderElected.grantLeaseAccess(scope, id, account, options);
    expect(grant(undefined, 'a', sa, { leaseName: 'l' })).toThrow('LeaderElected.grantLeaseAccess: invalid scope undefined: must be a construct in a chart');
    expect(grant(chart, '', sa, { leaseName: 'l' })).toThrow('LeaderElected.grantLeaseAccess(test): invalid id "": must be a non-empty string');
    expect(grant(chart, 'b', 'my-sa', { leaseName: 'l' }))
      .toThrow('test/b: invalid serviceAccount "my-sa": must be a cdk8s-plus ServiceAccount (kplus.ServiceAccount, or ServiceAccount.fromServiceAccountName)');
    expect(grant(chart, 'c', sa, undefined)).toThrow('test/c: invalid options undefined: must be an object with at least leaseName');
    expect(grant(chart, 'd', sa, {})).toThrow('test/d: invalid leaseName undefined: is required: the Lease the ServiceAccount may read and renew');
    expect(grant(chart, 'e', sa, { leaseName: 'Bad Lease' })).toThrow('test/e: invalid leaseName "Bad Lease": must be a DNS-1123 subdomain');
    const imported = kplus.ServiceAccount.fromServiceAccountName(chart, 'imported', 'ci');
    expect(LeaderElected.grantLeaseAccess(chart, 'f', imported, { leaseName: 'l' }).roleBinding).toBeDefined();
  });
});
