import { App, Testing } from 'cdk8s';
import { customResourceProblems, validateWithCustomResources } from './custom-resources';
import { buildApp } from '../../examples/config-watcher/main';
import { only, podSpec, restrictedViolations } from '../util';
import { wiringProblems } from '../wiring';

function manifests(): any[] {
  const app = Testing.app();
  buildApp(app as App);
  return app.charts.flatMap(c => Testing.synth(c));
}

describe('example config-watcher', () => {
  const all = manifests();

  test('every manifest validates: Kubernetes 1.28 objects strictly, the ConfigWatcher against its CRD', () => {
    expect(() => validateWithCustomResources(all)).not.toThrow();
    expect(restrictedViolations(all)).toEqual([]);
    expect(wiringProblems(all)).toEqual([]);
  });

  test('the operator may watch ConfigMaps and ConfigWatchers and delete pods, and nothing else', () => {
    const role = only(all, 'Role');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] },
      { apiGroups: ['k8spatterns.com'], resources: ['configwatchers'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
      { apiGroups: ['k8spatterns.com'], resources: ['configwatchers/status'], verbs: ['get', 'patch', 'update'] },
      { apiGroups: ['k8spatterns.com'], resources: ['configwatchers/finalizers'], verbs: ['update'] },
    ]);
    expect(all.filter(m => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding')).toEqual([]);
    const operator = all.find(m => m.kind === 'Deployment' && m.metadata.labels['app.kubernetes.io/component'] === 'controller');
    expect(operator.spec.replicas).toBe(1);
    expect(podSpec(operator).automountServiceAccountToken).toBe(true);
    expect(podSpec(operator).serviceAccountName).toBe(only(all, 'ServiceAccount').metadata.name);
  });

  test('the sample ConfigWatcher names the web app\'s ConfigMap and selects exactly its pods', () => {
    const cw = only(all, 'ConfigWatcher');
    const crd = only(all, 'CustomResourceDefinition');
    expect(customResourceProblems(crd, cw)).toEqual([]);
    const cm = only(all, 'ConfigMap');
    expect(cw.spec.configMap).toBe(cm.metadata.name);
    const selected = all.filter(m => m.kind === 'Deployment' && Object.entries(cw.spec.podSelector).every(([k, v]) => m.spec.template.metadata.labels[k] === v));
    expect(selected.map(d => d.spec.template.spec.containers[0].env)).toEqual([[{ name: 'MESSAGE', valueFrom: { configMapKeyRef: { key: 'message', name: cm.metadata.name } } }]]);
    expect(selected[0].spec.replicas).toBe(2);
    expect(podSpec(selected[0]).containers[0].securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
    expect(only(all.filter(m => m.metadata.name.includes('webapp')), 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('an invalid ConfigWatcher is rejected by the CRD schema', () => {
    const crd = only(all, 'CustomResourceDefinition');
    const cw = only(all, 'ConfigWatcher');
    expect(customResourceProblems(crd, { ...cw, spec: { configMap: cw.spec.configMap } })).toEqual([
      "ConfigWatcher/webapp-config-watcher: /spec must have required property 'podSelector'",
    ]);
    expect(customResourceProblems(crd, { ...cw, spec: { ...cw.spec, podSelector: { app: 7 } } })).toEqual([
      'ConfigWatcher/webapp-config-watcher: /spec/podSelector/app must be string',
    ]);
    expect(customResourceProblems(crd, { ...cw, spec: { ...cw.spec, configmap: 'typo' } })).toEqual([
      'ConfigWatcher/webapp-config-watcher: /spec must NOT have additional properties (unknown field "configmap")',
    ]);
  });
});
