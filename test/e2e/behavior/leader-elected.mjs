// LeaderElected: of the replicas, exactly one leads through the coordination.k8s.io Lease (the
// Lease's holder is a current pod and the only one whose /leader says so); killing the leader
// hands the Lease to another pod within the lease duration; and the pods' ServiceAccount can use
// its Lease but nothing else: its token reads the Lease and is refused for Secrets, ConfigMaps and
// the Lease's name in another namespace (real API requests, not `auth can-i`).
import { expect, probeToken, sleep } from './lib.mjs';


/** The leader-elected Deployment, its Lease's name and its ServiceAccount. */
function workload(t, p) {
  const deploy = t.get('deployments', p.deployment);
  const c = deploy.spec.template.spec.containers.find((x) => x.name === p.container);
  const lease = c.env.find((e) => e.name === 'LEASE_NAME')?.value;
  expect(lease, `container ${p.container} has no LEASE_NAME`);
  return { deploy, lease, sa: deploy.spec.template.spec.serviceAccountName };
}

/** A pod name without the Deployment's name: `<hash>-<suffix>`. */
const short = (deploy, name) => (name || '').replace(`${deploy.metadata.name}-`, '…');

/** The Lease's spec, or a BehaviorFailure when it does not exist. */
function leaseSpec(t, name) {
  const r = t.kubectl(['get', 'leases.coordination.k8s.io', name, '-o', 'json']);
  expect(r.status === 0, `no Lease ${name}: ${r.stderr}`);
  return JSON.parse(r.stdout).spec;
}

/** Every running pod's GET :8081/leader answer. */
async function leaderViews(t, pods, port) {
  return Promise.all(pods.filter((p) => p.status.podIP).map(async (p) => {
    const r = await t.http(t.podUrl(p, port, '/leader'));
    expect(r.status === 200, `GET /leader on ${p.metadata.name}: ${r.status || r.error} ${r.body.trim()}`);
    return { pod: p.metadata.name, ...JSON.parse(r.body) };
  }));
}

const ONE_LEADER = 'exactly one pod holds the Lease and says so on /leader';
const FAILOVER = 'deleting the leader hands the Lease to another pod within the lease duration';
const TOKEN = "the ServiceAccount's token may use its Lease and is refused for anything else";

export default {
  pattern: 'LeaderElected',
  examples: { 'leader-elected': { deployment: 'leader-elected-reconciler-deployment-', container: 'reconciler', port: 8081 } },
  checks: [
    {
      name: ONE_LEADER,
      timeout: 120,
      async run(t, p) {
        const { deploy, lease } = workload(t, p);
        const s = (name) => short(deploy, name);
        return t.eventually('one leader', async () => {
          const spec = leaseSpec(t, lease);
          const holder = spec.holderIdentity;
          const pods = t.pods(deploy);
          const names = pods.map((x) => s(x.metadata.name)).join(', ');
          expect(pods.some((x) => x.metadata.name === holder), `Lease ${lease} is held by "${s(holder)}", not by a current pod (${names})`);
          const views = await leaderViews(t, pods, p.port);
          expect(views.length === deploy.spec.replicas, `${views.length} of ${deploy.spec.replicas} pods running (${names})`);
          const leaders = views.filter((v) => v.leader);
          const said = views.map((v) => `${s(v.pod)}: leader=${v.leader} holder=${s(v.holder)}`).join('; ');
          expect(leaders.length === 1, `${leaders.length} pods say they lead (${said})`);
          expect(leaders[0].pod === holder && leaders[0].identity === holder, `Lease held by ${s(holder)}, but another pod leads (${said})`);
          expect(views.every((v) => v.holder === holder), `the pods disagree on the holder (${said})`);
          return `Lease ${lease} held by ${holder} (${spec.leaseTransitions ?? 0} transitions); /leader: ${said}`;
        }, { timeout: p.counterpart ? 15 : 90, interval: 2 });
      },
    },
    {
      name: FAILOVER,
      timeout: 150,
      async run(t, p) {
        const { deploy, lease } = workload(t, p);
        const s = (name) => short(deploy, name);
        const before = leaseSpec(t, lease);
        const old = before.holderIdentity;
        const duration = before.leaseDurationSeconds;
        expect(t.pods(deploy).some((x) => x.metadata.name === old), `Lease ${lease} is held by "${s(old)}", not by a current pod`);
        const t0 = Date.now();
        t.run(['delete', 'pod', old, '--wait=false']);
        let now = before;
        while (Date.now() - t0 < (2 * duration + 10) * 1000) {
          now = leaseSpec(t, lease);
          if (now.holderIdentity && now.holderIdentity !== old) break;
          await sleep(500);
        }
        const secs = (Date.now() - t0) / 1000;
        const holder = now.holderIdentity;
        expect(holder && holder !== old, `${secs.toFixed(1)}s after deleting the leader ${s(old)} the Lease is held by "${s(holder)}"`);
        expect(secs <= duration, `the Lease went from ${s(old)} to ${s(holder)} in ${secs.toFixed(1)}s, more than its ${duration}s duration`);
        const pods = t.pods(deploy).map((x) => x.metadata.name);
        expect(pods.includes(holder), `the new holder ${s(holder)} is not a current pod (${pods.map(s).join(', ')})`);
        t.rollout(`deployment/${deploy.metadata.name}`, 120);
        const views = await leaderViews(t, t.pods(deploy), p.port);
        const leaders = views.filter((v) => v.leader).map((v) => v.pod);
        expect(leaders.length === 1 && leaders[0] === holder, `after the handover to ${s(holder)}, leading: ${leaders.map(s).join(', ') || 'none'}`);
        return `Lease ${lease} went from ${s(old)} to ${s(holder)} in ${secs.toFixed(1)}s after the delete (lease duration ${duration}s, `
          + `transitions ${before.leaseTransitions ?? 0} -> ${now.leaseTransitions ?? 0}); ${s(holder)} alone says it leads`;
      },
    },
    {
      name: TOKEN,
      timeout: 60,
      async run(t, p) {
        const { lease, sa } = workload(t, p);
        const ns = `/namespaces/${t.ns}`;
        return probeToken(t, sa, [
          ['GET its Lease', 'GET', `/apis/coordination.k8s.io/v1${ns}/leases/${lease}`, 200],
          ['list secrets', 'GET', `/api/v1${ns}/secrets`, 403],
          ['get configmap', 'GET', `/api/v1${ns}/configmaps/kube-root-ca.crt`, 403],
          ['list leases', 'GET', `/apis/coordination.k8s.io/v1${ns}/leases`, 403],
          ['GET the Lease in default', 'GET', `/apis/coordination.k8s.io/v1/namespaces/default/leases/${lease}`, 403],
        ]);
      },
    },
  ],
  counterparts: [
    {
      check: TOKEN,
      breaks: 'the ServiceAccount is also bound to the "edit" ClusterRole',
      timeout: 30,
      async break(t, p) {
        const { sa } = workload(t, p);
        t.apply({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'e2e-overprivileged', namespace: t.ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
          subjects: [{ kind: 'ServiceAccount', name: sa, namespace: t.ns }],
        });
      },
    },
    {
      check: ONE_LEADER,
      breaks: "the Lease's RoleBindings are deleted and all pods restarted",
      timeout: 30,
      async break(t, p) {
        const { deploy, sa } = workload(t, p);
        const bindings = t.json(['get', 'rolebindings']).items
          .filter((b) => (b.subjects || []).some((s) => s.kind === 'ServiceAccount' && s.name === sa));
        expect(bindings.length, `no RoleBinding names ServiceAccount ${sa}`);
        for (const b of bindings) t.run(['delete', 'rolebinding', b.metadata.name]);
        const old = new Set(t.pods(deploy).map((x) => x.metadata.uid));
        t.run(['delete', 'pods', '--wait=false', '-l', Object.entries(deploy.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',')]);
        await t.eventually('fresh pods running', () => {
          const fresh = t.pods(deploy).filter((x) => !old.has(x.metadata.uid) && x.status.podIP);
          return fresh.length === deploy.spec.replicas;
        }, { timeout: 90 });
        await sleep(5000);
      },
    },
  ],
};
