import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ApiVerb, Controller, ControllerProps, ControllerReplication, LeastPrivilege } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const containers = [{ name: 'reconciler', image: 'ghcr.io/example/expose-controller:1.2.0' }];
const watches = [{ apiGroup: 'apps', resource: 'deployments' }, { apiGroup: '', resource: 'services' }];
const writes = [{ apiGroups: [''], resources: ['services'], verbs: [ApiVerb.CREATE, ApiVerb.PATCH, ApiVerb.DELETE] }];

function setup(extra: Partial<ControllerProps> = {}, namespace?: string) {
  const chart = new Chart(Testing.app(), 'test', { namespace });
  const controller = new Controller(chart, 'expose', { containers, watches, writes, ...extra });
  return { chart, controller, manifests: synth(chart) };
}

describe('Controller', () => {
  test('a namespaced Role with get/list/watch on watched kinds and exactly the declared writes', () => {
    const { controller, manifests } = setup();
    const role = only(manifests, 'Role');
    expect(role.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['services'], verbs: ['create', 'patch', 'delete'] },
    ]);
    const sa = only(manifests, 'ServiceAccount');
    expect(sa.automountServiceAccountToken).toBe(false);
    const binding = only(manifests, 'RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: sa.metadata.name }]);
    expect(manifests.filter(m => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding')).toEqual([]);
    expect(controller.accessRules.map(r => r.verbs)).toEqual([['get', 'list', 'watch'], ['get', 'list', 'watch'], ['create', 'patch', 'delete']]);
    // No wildcard anywhere.
    for (const r of role.rules) expect(JSON.stringify(r)).not.toContain('*');
  });

  test('a singleton Deployment (1 replica, Recreate) that mounts a token and learns its namespace', () => {
    const { controller, manifests } = setup();
    const dep = only(manifests, 'Deployment');
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
    const spec = podSpec(dep);
    expect(spec.serviceAccountName).toBe(only(manifests, 'ServiceAccount').metadata.name);
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(container(spec, 'reconciler').env).toEqual([
      { name: 'WATCH_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    expect(only(manifests, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: dep.spec.selector.matchLabels } });
    expect(dep.spec.selector.matchLabels['app.kubernetes.io/component']).toBe('controller');
    expect(controller.replication).toBe(ControllerReplication.SINGLETON);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
    for (const m of manifests) expect(m.metadata.labels['app.kubernetes.io/managed-by']).toBe('cdk8s-patterns');
  });

  test('leader-elected replicas reuse the lease access of LeaderElected', () => {
    const { controller, manifests } = setup({ replication: ControllerReplication.LEADER_ELECTED, leaseName: 'expose-leader' });
    const dep = only(manifests, 'Deployment');
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.strategy.type).toBe('RollingUpdate');
    const roles = manifests.filter(m => m.kind === 'Role');
    expect(roles).toHaveLength(2);
    expect(roles.map(r => r.rules)).toContainEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['expose-leader'], verbs: ['get', 'update'] },
    ]);
    const sa = only(manifests, 'ServiceAccount').metadata.name;
    for (const b of manifests.filter(m => m.kind === 'RoleBinding')) expect(b.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: sa }]);
    expect(container(podSpec(dep), 'reconciler').env).toEqual(expect.arrayContaining([
      { name: 'LEASE_NAME', value: 'expose-leader' },
      { name: 'LEASE_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'WATCH_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]));
    expect(podSpec(dep).topologySpreadConstraints).toHaveLength(2);
    expect(only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(controller.leaseName).toBe('expose-leader');
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('cluster-wide: a ClusterRole bound to the ServiceAccount in the given namespace, watching all namespaces', () => {
    const { controller, manifests } = setup({ clusterWide: true, serviceAccountNamespace: 'platform' });
    expect(manifests.filter(m => m.kind === 'Role' || m.kind === 'RoleBinding')).toEqual([]);
    const role = only(manifests, 'ClusterRole');
    expect(role.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: [], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['services'], resourceNames: [], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['services'], resourceNames: [], verbs: ['create', 'patch', 'delete'] },
    ]);
    const binding = only(manifests, 'ClusterRoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: only(manifests, 'ServiceAccount').metadata.name, namespace: 'platform' }]);
    expect(container(podSpec(only(manifests, 'Deployment')), 'reconciler').env[0]).toEqual({ name: 'WATCH_NAMESPACE', value: '' });
    expect(controller.clusterWide).toBe(true);
  });

  test('cluster-wide in a chart with a namespace needs no serviceAccountNamespace', () => {
    const { manifests } = setup({ clusterWide: true }, 'ops');
    expect(only(manifests, 'ClusterRoleBinding').subjects[0].namespace).toBe('ops');
    expect(only(manifests, 'ServiceAccount').metadata.namespace).toBe('ops');
  });

  test('resourceNames narrow a rule; grant adds rules later', () => {
    const { chart, controller } = setup({
      writes: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['expose-state'], verbs: [ApiVerb.GET, ApiVerb.UPDATE] }],
    });
    controller.grant({ apiGroups: ['events.k8s.io'], resources: ['events'], verbs: [ApiVerb.CREATE] });
    const rules = only(synth(chart), 'Role').rules;
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['configmaps'], resourceNames: ['expose-state'], verbs: ['get', 'update'] });
    expect(rules).toContainEqual({ apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] });
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const make = (id: string, p: Partial<ControllerProps>) => () => new Controller(chart, id, { containers, watches, ...p });
    expect(make('a', { watches: [] })).toThrow('test/a: invalid watches []: must list at least one kind the controller observes');
    expect(make('b', { replicas: 2 })).toThrow('test/b: invalid replicas 2: must be 1 (or unset) for a SINGLETON controller: use replication LEADER_ELECTED for standbys');
    expect(make('c', { leaseName: 'x' })).toThrow('test/c: invalid leaseName "x": is only used with replication LEADER_ELECTED');
    expect(make('d', { replication: 'active-active' as any })).toThrow('test/d: invalid replication "active-active": must be one of singleton, leader-elected');
    expect(make('e', { replication: ControllerReplication.LEADER_ELECTED, replicas: 0 })).toThrow('test/e: invalid replicas 0: must be a whole number of at least 1');
    expect(make('f', { clusterWide: true }))
      .toThrow('test/f: invalid serviceAccountNamespace undefined: must be set for a clusterWide controller in a chart without a namespace: the ClusterRoleBinding must name the ServiceAccount\'s namespace');
    expect(make('g', { serviceAccountNamespace: 'ops' })).toThrow('test/g: invalid serviceAccountNamespace "ops": is only used with clusterWide: a namespaced controller is bound in its own namespace');
    expect(make('h', { clusterWide: true, serviceAccountNamespace: 'Ops' })).toThrow('test/h: invalid serviceAccountNamespace "Ops": must be a DNS-1123 label');
    expect(make('i', { watches: [{ apiGroup: '*', resource: 'pods' }] })).toThrow('test/i: invalid watches[0].apiGroups "*": must be an API group name ("" for core), never "*"');
    expect(make('j', { watches: [{ apiGroup: '', resource: '*' }] })).toThrow('test/j: invalid watches[0].resources "*": must be a plural lower-case resource, optionally with "/subresource", never "*"');
    expect(make('k', { writes: [{ apiGroups: [''], resources: ['pods'], verbs: ['*' as any] }] })).toThrow('test/k: invalid writes[0].verbs "*": must be one of get, list, watch, create, update, patch, delete, deletecollection (never "*")');
    expect(make('l', { writes: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] })).toThrow('test/l: invalid writes[0].verbs []: must list at least one verb');
    expect(make('m', { writes: [{ apiGroups: [], resources: ['pods'], verbs: [ApiVerb.GET] }] })).toThrow('test/m: invalid writes[0].apiGroups []: must list at least one API group ("" is the core group)');
    expect(make('n', { writes: [{ apiGroups: [''], resources: [], verbs: [ApiVerb.GET] }] })).toThrow('test/n: invalid writes[0].resources []: must list at least one resource');
    expect(make('o', { writes: [{ apiGroups: [''], resources: ['pods/*'], verbs: [ApiVerb.GET] }] })).toThrow('test/o: invalid writes[0].resources "pods/*"');
    expect(make('p', { writes: [{ apiGroups: [''], resources: ['pods'], verbs: [ApiVerb.GET, ApiVerb.GET] }] })).toThrow('test/p: invalid writes[0].verbs ["get","get"]: must not repeat a verb');
    expect(make('q', { writes: [{ apiGroups: [''], resources: ['pods'], verbs: [ApiVerb.CREATE, ApiVerb.GET], resourceNames: ['a'] }] }))
      .toThrow('test/q: invalid writes[0].verbs ["create"]: cannot be limited by resourceNames: put them in a rule without names');
    expect(make('r', { writes: [{ apiGroups: [''], resources: ['pods'], verbs: [ApiVerb.GET], resourceNames: [] }] }))
      .toThrow('test/r: invalid writes[0].resourceNames []: must list at least one name (leave it out for every object)');
    expect(make('s', { writes: [{ apiGroups: [''], resources: ['pods'], verbs: [ApiVerb.GET], resourceNames: ['*'] }] }))
      .toThrow('test/s: invalid writes[0].resourceNames "*": must be an object name, never "*"');
    expect(make('t', { containers: [] })).toThrow('test/t: invalid containers []: must list at least one container');
    expect(make('u', { appName: 'bad name' })).toThrow('test/u: invalid appName "bad name": must be a label value');
    const ns = new Chart(Testing.app(), 'test', { namespace: 'ops' });
    expect(() => new Controller(ns, 'v', { containers, watches, clusterWide: true, serviceAccountNamespace: 'other' }))
      .toThrow('test/v: invalid serviceAccountNamespace "other": must equal the chart\'s namespace "ops", where the ServiceAccount is created');
    const c = new Controller(Testing.chart(), 'w', { containers, watches });
    expect(() => c.grant({ apiGroups: [''], resources: ['secrets'], verbs: ['*' as any] })).toThrow('test/w: invalid grant[0].verbs "*"');
  });

  test('LeastPrivilege grants into a plain cdk8s-plus Role and ClusterRole', () => {
    const chart = Testing.chart();
    const role = new kplus.Role(chart, 'role');
    const clusterRole = new kplus.ClusterRole(chart, 'cluster-role');
    const rule = { apiGroups: ['apps', ''], resources: ['deployments'], verbs: [ApiVerb.GET], resourceNames: ['a', 'b'] };
    LeastPrivilege.grantInRole(role, [rule]);
    LeastPrivilege.grantInClusterRole(clusterRole, [rule]);
    const manifests = synth(chart);
    expect(only(manifests, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['a'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['b'], verbs: ['get'] },
      { apiGroups: [''], resources: ['deployments'], resourceNames: ['a'], verbs: ['get'] },
      { apiGroups: [''], resources: ['deployments'], resourceNames: ['b'], verbs: ['get'] },
    ]);
    expect(only(manifests, 'ClusterRole').rules).toHaveLength(4);
    expect(() => LeastPrivilege.grantInRole(role, [{ apiGroups: [''], resources: ['*'], verbs: [ApiVerb.GET] }])).toThrow('test/role: invalid rules[0].resources "*"');
    expect(LeastPrivilege.readRules(chart, 'watches', [{ apiGroup: '', resource: 'pods' }])).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
  });
});

describe('Controller: JavaScript and jsii callers get the library\'s errors', () => {
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least containers'],
    [{}, 'test/a: invalid containers undefined: is required'],
    [{ containers: containers[0], watches }, 'test/a: invalid containers {"name":"reconciler","image":"ghcr.io/example/expose-controller:1.2.0"}: must be a list'],
    [{ containers, watches: 'deployments' }, 'test/a: invalid watches "deployments": must be a list'],
    [{ containers, watches: [null] }, 'test/a: invalid watches[0] null: must be a watched resource: an object with apiGroup and resource'],
    [{ containers, watches: [{ resource: 'deployments' }] }, 'test/a: invalid watches[0].apiGroup undefined: must be an API group name ("" for core)'],
    [{ containers, watches: [{ apiGroup: 'apps', resource: 5 }] }, 'test/a: invalid watches[0].resources 5: must be a plural lower-case resource'],
    [{ containers, watches, writes: { apiGroups: [''] } }, 'test/a: invalid writes {"apiGroups":[""]}: must be a list'],
    [{ containers, watches, writes: ['services'] }, 'test/a: invalid writes[0] "services": must be an access rule: an object with apiGroups, resources and verbs'],
    [{ containers, watches, writes: [{ apiGroups: '', resources: ['services'], verbs: ['get'] }] }, 'test/a: invalid writes[0].apiGroups "": must be a list'],
    [{ containers, watches, writes: [{ apiGroups: [''], resources: ['services'] }] }, 'test/a: invalid writes[0].verbs undefined: must be a list'],
    [{ containers, watches, writes: [{ apiGroups: [''], resources: ['services'], verbs: ['get'], resourceNames: 'web' }] }, 'test/a: invalid writes[0].resourceNames "web": must be a list'],
    [{ containers, watches, writes: [{ apiGroups: [''], resources: ['services'], verbs: ['get'], resourceNames: ['web..1'] }] },
      'test/a: invalid writes[0].resourceNames "web..1": must be an object name, never "*"'],
    [{ containers, watches, writes: [{ apiGroups: ['Apps'], resources: ['deployments'], verbs: ['get'] }] }, 'test/a: invalid writes[0].apiGroups "Apps": must be an API group name ("" for core), never "*"'],
    [{ containers, watches, clusterWide: 'yes' }, 'test/a: invalid clusterWide "yes": must be true or false'],
    [{ containers, watches, replication: ControllerReplication.LEADER_ELECTED, replicas: '2' }, 'test/a: invalid replicas "2": must be a whole number of at least 1'],
  ])('%#', (props, message) => {
    expect(() => new Controller(Testing.chart(), 'a', props as any)).toThrow(message);
  });

  test('LeastPrivilege and grant', () => {
    const { chart, controller: c } = setup();
    expect(() => c.grant(null as any)).toThrow('test/expose: invalid grant[0] null: must be an access rule');
    expect(() => LeastPrivilege.validate(undefined as any, 'rules', [])).toThrow('LeastPrivilege.validate: invalid scope undefined: must be the construct the rules belong to');
    expect(() => LeastPrivilege.readRules(chart, 'watches', 'pods' as any)).toThrow('test: invalid watches "pods": must be a list');
    const clusterRole = new kplus.ClusterRole(chart, 'cluster-role');
    expect(() => LeastPrivilege.grantInRole(clusterRole as any, [])).toThrow('LeastPrivilege.grantInRole: invalid role test/cluster-role: must be a kplus.Role');
    expect(() => LeastPrivilege.grantInClusterRole(new kplus.Role(chart, 'role') as any, [])).toThrow('LeastPrivilege.grantInClusterRole: invalid role test/role: must be a kplus.ClusterRole');
  });
});
