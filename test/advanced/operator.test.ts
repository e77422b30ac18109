import { Testing } from 'cdk8s';
import { synthWithCustomResources } from './custom-resources';
import {
  ApiVerb, CustomResourceDefinition, CustomResourceScope, JsonSchema, Operator, OperatorProps,
} from '../../src';
import { only, podSpec, restrictedViolations } from '../util';
import { wiringProblems } from '../wiring';

const containers = [{ name: 'operator', image: 'ghcr.io/example/config-watcher-operator:1.0.0' }];

function crd(chart: any, id: string, extra: { status?: boolean; scope?: CustomResourceScope; kind?: string } = {}) {
  return new CustomResourceDefinition(chart, id, {
    group: 'k8spatterns.com',
    kind: extra.kind ?? 'ConfigWatcher',
    scope: extra.scope,
    versions: [{
      name: 'v1',
      spec: JsonSchema.ofObject({ properties: { configMap: JsonSchema.ofString({ minLength: 1 }), podSelector: JsonSchema.mapOf(JsonSchema.ofString()) }, required: ['configMap'] }),
      status: extra.status === false ? undefined : JsonSchema.ofObject({ properties: { restarts: JsonSchema.ofInteger({ minimum: 0 }) } }),
    }],
  });
}

function setup(extra: Partial<OperatorProps> = {}) {
  const chart = Testing.chart();
  const def = crd(chart, 'crd');
  const operator = new Operator(chart, 'config-watcher', {
    containers,
    customResources: [def],
    watches: [{ apiGroup: '', resource: 'configmaps' }],
    writes: [{ apiGroups: [''], resources: ['pods'], verbs: [ApiVerb.LIST, ApiVerb.DELETE] }],
    ...extra,
  });
  def.newInstance(chart, 'sample', { configMap: 'webapp-config', podSelector: { app: 'webapp' } });
  return { chart, operator, def, manifests: synthWithCustomResources(chart) };
}

describe('Operator', () => {
  test('RBAC on the custom resource plural, its /status and /finalizers, besides the declared watches and writes', () => {
    const { operator, manifests } = setup();
    expect(only(manifests, 'Role').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] },
      { apiGroups: ['k8spatterns.com'], resources: ['configwatchers'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
      { apiGroups: ['k8spatterns.com'], resources: ['configwatchers/status'], verbs: ['get', 'patch', 'update'] },
      { apiGroups: ['k8spatterns.com'], resources: ['configwatchers/finalizers'], verbs: ['update'] },
    ]);
    expect(operator.customResources.map(c => c.name)).toEqual(['configwatchers.k8spatterns.com']);
  });

  test('the CRD, the operator and a sample are one valid set: CRD first, structural, restricted and wired', () => {
    const { manifests } = setup();
    const kinds = manifests.map(m => m.kind);
    expect(kinds.indexOf('CustomResourceDefinition')).toBeLessThan(kinds.indexOf('Deployment'));
    expect(kinds.indexOf('CustomResourceDefinition')).toBeLessThan(kinds.indexOf('ConfigWatcher'));
    const dep = only(manifests, 'Deployment');
    expect(dep.spec.replicas).toBe(1);
    expect(podSpec(dep).automountServiceAccountToken).toBe(true);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('no /status rule for a definition without a status subresource; the CRs alone may be the watches', () => {
    const chart = Testing.chart();
    new Operator(chart, 'op', { containers, customResources: [crd(chart, 'crd', { status: false })] });
    expect(only(synthWithCustomResources(chart), 'Role').rules).toEqual([
      { apiGroups: ['k8spatterns.com'], resources: ['configwatchers'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
      { apiGroups: ['k8spatterns.com'], resources: ['configwatchers/finalizers'], verbs: ['update'] },
    ]);
  });

  test('a cluster-wide operator owns cluster-scoped resources through a ClusterRole', () => {
    const chart = Testing.chart();
    new Operator(chart, 'op', {
      containers,
      clusterWide: true,
      serviceAccountNamespace: 'operators',
      customResources: [crd(chart, 'crd', { scope: CustomResourceScope.CLUSTER, kind: 'Backup' })],
    });
    const manifests = synthWithCustomResources(chart);
    expect(only(manifests, 'ClusterRole').rules.map((r: any) => r.resources[0])).toEqual(['backups', 'backups/status', 'backups/finalizers']);
    expect(only(manifests, 'ClusterRoleBinding').subjects[0].namespace).toBe('operators');
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const def = crd(chart, 'crd');
    expect(() => new Operator(chart, 'a', { containers, customResources: [] }))
      .toThrow('test/a: invalid watches []: must list at least one kind the controller observes');
    expect(() => new Operator(chart, 'b', { containers, watches: [{ apiGroup: '', resource: 'configmaps' }], customResources: [] }))
      .toThrow('test/b: invalid customResources []: must list at least one CustomResourceDefinition (a controller without one is a Controller)');
    const cluster = crd(chart, 'cluster', { scope: CustomResourceScope.CLUSTER, kind: 'Backup' });
    expect(() => new Operator(chart, 'c', { containers, customResources: [def, cluster] }))
      .toThrow('test/c: invalid customResources[1] "backups.k8spatterns.com": is cluster-scoped: only a clusterWide operator can be granted access to it');
  });
});

describe('Operator: JavaScript and jsii callers get the library\'s errors', () => {
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least containers, customResources'],
    [{}, 'test/a: invalid containers undefined: is required'],
    [{ containers }, 'test/a: invalid customResources undefined: is required'],
    [{ containers, customResources: 'configwatchers' }, 'test/a: invalid customResources "configwatchers": must be a list'],
    [{ containers, customResources: [{ plural: 'configwatchers' }] }, 'test/a: invalid customResources[0] {"plural":"configwatchers"}: must be a CustomResourceDefinition of this library'],
  ])('%#', (props, message) => {
    expect(() => new Operator(Testing.chart(), 'a', props as any)).toThrow(message);
  });
});
