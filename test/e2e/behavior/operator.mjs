// Operator (Controller): the config-watcher operator acts on its custom resource. Changing the
// ConfigMap a ConfigWatcher names makes the operator delete the pods the ConfigWatcher selects;
// their Deployment recreates them, and the new pods serve the new message (the app reads it only
// at start, so nothing else would make them see it). The operator records the restarts in the
// ConfigWatcher's status and its log. Its ServiceAccount's token may do what the operator needs
// (list pods, read ConfigMaps and ConfigWatchers) and is refused for anything else (Secrets,
// deleting ConfigMaps, other namespaces): real API requests, mutations as dry runs.
import { expect, isReady, probeToken } from './lib.mjs';

/** The ConfigWatcher, the webapp pods it selects, and the operator Deployment. */
function parts(t, p) {
  const cw = t.json(['get', 'configwatchers.k8spatterns.com', p.watcher]);
  return { cw, operator: t.get('deployments', p.operator) };
}

const RESTART = 'changing the watched ConfigMap restarts the selected pods, which serve the new message';
const TOKEN = "the operator's token may list pods and is refused for anything outside its Role";

export default {
  pattern: 'Operator',
  examples: { 'config-watcher': { watcher: 'webapp-config-watcher', operator: 'config-watcher-operator-deployment-', port: 8080 } },
  checks: [
    {
      name: RESTART,
      timeout: 200,
      async run(t, p) {
        const { cw, operator } = parts(t, p);
        const sel = cw.spec.podSelector;
        const before = t.pods(sel);
        expect(before.length, `no pod matches the ConfigWatcher's podSelector ${JSON.stringify(sel)}`);
        const old = new Set(before.map((x) => x.metadata.uid));
        const restarts = cw.status?.restarts ?? 0;
        const message = `changed by the e2e check at ${new Date().toISOString()}`;
        const t0 = Date.now();
        t.run(['patch', `configmap/${cw.spec.configMap}`, '--type=merge', '-p', JSON.stringify({ data: { message } })]);
        await t.eventually('old pods deleted', () => {
          const left = t.pods(sel).filter((x) => old.has(x.metadata.uid));
          expect(!left.length, `${left.length} of ${before.length} pods (${left.map((x) => x.metadata.name).join(', ')}) `
            + `still running after configmap/${cw.spec.configMap} changed`);
          return true;
        }, { timeout: p.counterpart ? 20 : 90, interval: 0.5 });
        const deleted = ((Date.now() - t0) / 1000).toFixed(1);
        const served = await t.eventually('new pods serve the new message', async () => {
          const fresh = t.pods(sel).filter((x) => isReady(x) && !old.has(x.metadata.uid));
          expect(fresh.length >= before.length, `${fresh.length} of ${before.length} new pods Ready`);
          for (const pod of fresh) {
            const r = await t.http(t.podUrl(pod, p.port, '/'));
            expect(r.status === 200 && r.body.trim() === message, `new pod ${pod.metadata.name} serves ${r.status || r.error} "${r.body.trim()}"`);
          }
          return fresh.length;
        }, { timeout: 120, interval: 2 });
        const status = await t.eventually('ConfigWatcher status', () => {
          const st = t.json(['get', 'configwatchers.k8spatterns.com', p.watcher]).status || {};
          const want = restarts + before.length;
          expect((st.restarts ?? 0) >= want, `ConfigWatcher status.restarts is ${st.restarts}, not ${want} (${restarts} + ${before.length})`);
          const recent = new Date(st.lastRestart).getTime() >= Math.floor(t0 / 1000) * 1000;
          expect(recent, `ConfigWatcher status.lastRestart ${st.lastRestart} is before the change`);
          return st;
        }, { timeout: 30 });
        const log = t.run(['logs', `deployment/${operator.metadata.name}`]);
        const unlogged = before.filter((x) => !log.includes(`restart: deleted pod ${x.metadata.name}`));
        expect(!unlogged.length, `the operator's log does not say it deleted ${unlogged.map((x) => x.metadata.name).join(', ')}`);
        return `the ${before.length} pods were deleted ${deleted}s after the ConfigMap change; ${served} new pods serve "${message}"; `
          + `ConfigWatcher status.restarts ${restarts} -> ${status.restarts}, lastRestart ${status.lastRestart}; the operator logged each deletion`;
      },
    },
    {
      name: TOKEN,
      timeout: 60,
      async run(t, p) {
        const { cw, operator } = parts(t, p);
        const ns = `/namespaces/${t.ns}`;
        const cm = `/api/v1${ns}/configmaps/${cw.spec.configMap}`;
        return probeToken(t, operator.spec.template.spec.serviceAccountName, [
          ['list pods', 'GET', `/api/v1${ns}/pods`, 200],
          ['get its configmap', 'GET', cm, 200],
          ['list configwatchers', 'GET', `/apis/k8spatterns.com/v1${ns}/configwatchers`, 200],
          ['list secrets', 'GET', `/api/v1${ns}/secrets`, 403],
          ['delete its configmap (dry run)', 'DELETE', `${cm}?dryRun=All`, 403],
          ['delete the operator Deployment (dry run)', 'DELETE', `/apis/apps/v1${ns}/deployments/${operator.metadata.name}?dryRun=All`, 403],
          ['list pods in kube-system', 'GET', '/api/v1/namespaces/kube-system/pods', 403],
        ]);
      },
    },
  ],
  counterparts: [
    {
      check: RESTART,
      breaks: 'the operator is scaled to 0',
      timeout: 40,
      async break(t, p) {
        const { operator } = parts(t, p);
        t.run(['scale', `deployment/${operator.metadata.name}`, '--replicas=0']);
        await t.eventually('operator stopped', () => t.pods(operator, { all: true }).length === 0, { timeout: 60 });
      },
    },
    {
      check: TOKEN,
      breaks: 'the operator\'s ServiceAccount is also bound to the "edit" ClusterRole',
      timeout: 30,
      async break(t, p) {
        const { operator } = parts(t, p);
        t.apply({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'e2e-overprivileged', namespace: t.ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
          subjects: [{ kind: 'ServiceAccount', name: operator.spec.template.spec.serviceAccountName, namespace: t.ns }],
        });
      },
    },
  ],
};
