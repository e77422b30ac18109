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
