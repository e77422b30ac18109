// StatefulService: every replica of the etcd StatefulSet has an identity of its own that outlives its
// pod: a claim of its own bound to a volume of its own, and a stable DNS name under the headless
// Service (`<pod>.<service>.<ns>.svc.cluster.local`, answered by the cluster DNS with that pod's IP);
// and a replaced pod comes back as the same etcd member on the same claim, with the data it had
// (a key written through pod 0 is read locally from the new pod 0, without asking the quorum).
import dns from 'node:dns';
import { expect, isReady } from './lib.mjs';

/** The cluster DNS: the Service kube-system/kube-dns (scripts/e2e/node.sh), reached from the host through kube-proxy. */
const CLUSTER_DNS = '10.96.0.10:53';

/** The addresses the cluster DNS gives for `name` ([] for NXDOMAIN and the like). */
async function resolve(name) {
  const r = new dns.promises.Resolver({ timeout: 2000, tries: 2 });
  r.setServers([CLUSTER_DNS]);
  try {
    return await r.resolve4(name);
  } catch (e) {
    return [`${e.code || e.message}`];
  }
}

function statefulSet(t, params) {
  const sts = t.get('statefulsets', params.statefulSet);
  const claim = sts.spec.volumeClaimTemplates?.[0]?.metadata.name;
  expect(claim, `StatefulSet ${sts.metadata.name} has no volumeClaimTemplates`);
  return { sts, name: sts.metadata.name, claim, service: sts.spec.serviceName };
}

const dnsName = (t, s, pod) => `${pod}.${s.service}.${t.ns}.svc.cluster.local`;
const pvcOf = (t, s, pod) => t.kubectl(['get', 'pvc', `${s.claim}-${pod}`, '-o', 'json']);

/** etcdctl in the member's own container (its client URL listens on 127.0.0.1:2379 too). */
const etcdctl = (t, pod, args) => t.exec(pod, 'etcd', ['etcdctl', '--command-timeout=5s', ...args]);

/** The member ID as etcd prints it (a uint64: kept as text, a JS number would round it). */
function memberId(t, pod) {
  const r = etcdctl(t, pod, ['endpoint', 'status', '-w', 'json']);
  const id = r.stdout.match(/"member_id":(\d+)/)?.[1];
  expect(r.status === 0 && id, `etcdctl endpoint status on ${pod}: exit ${r.status}: ${(r.stderr || r.stdout).trim().slice(0, 160)}`);
  return id;
}

/** Pod `name` once it is Ready and not `notUid`; a clear failure with its state when it is not within `timeout`. */
async function readyPod(t, name, { notUid, timeout }) {
  let state = 'absent';
  try {
    return await t.eventually(`pod ${name} Ready`, () => {
      const r = t.kubectl(['get', 'pod', name, '-o', 'json']);
      if (r.status !== 0) { state = 'absent'; return false; }
      const p = JSON.parse(r.stdout);
      const cs = p.status?.containerStatuses?.[0];
      const waiting = cs?.state?.waiting;
      const last = cs?.lastState?.terminated;
      state = `${p.metadata.uid === notUid ? 'the old pod, ' : ''}phase ${p.status?.phase}${waiting ? `, ${waiting.reason}` : ''}`
        + `${cs?.restartCount ? `, ${cs.restartCount} restarts` : ''}${last ? ` (last exit ${last.exitCode})` : ''}`
        + `${p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status !== 'True')?.message ?? ''}`;
      return p.metadata.uid !== notUid && isReady(p) && !p.metadata.deletionTimestamp ? p : false;
    }, { timeout, interval: 2 });
  } catch (e) {
    // Why the container exited, from the last line of its previous run (etcd logs JSON).
    const prev = /restarts/.test(state) ? t.kubectl(['logs', name, '-c', 'etcd', '--previous', '--tail=1']).stdout.trim() : '';
    let why = prev;
    try { const l = JSON.parse(prev); why = `${l.msg}${l.error ? `: ${l.error}` : ''}`; } catch { /* not JSON: the line as it is */ }
    e.message = `${e.message}: ${state}${why ? `; it said: ${why.slice(0, 160)}` : ''}`;
    throw e;
  }
}

const RESTART_CHECK = 'a replaced pod comes back as the same member on the same claim, with its data';

export default {
  pattern: 'StatefulService',
  examples: { 'stateful-service': { statefulSet: 'stateful-service-etcd-statefulset-' } },
  checks: [
    {
      name: 'each replica has a claim and volume of its own and a stable DNS name resolving to its pod',
      timeout: 90,
      async run(t, params) {
        const s = statefulSet(t, params);
        const n = s.sts.spec.replicas;
        const seen = [];
        for (let i = 0; i < n; i++) {
          const pod = `${s.name}-${i}`;
          const p = await readyPod(t, pod, { timeout: 60 });
          const vol = p.spec.volumes.find((v) => v.name === s.claim)?.persistentVolumeClaim?.claimName;
          expect(vol === `${s.claim}-${pod}`, `pod ${pod} mounts claim ${vol ?? 'none'}, not ${s.claim}-${pod}`);
          const r = pvcOf(t, s, pod);
          expect(r.status === 0, `pod ${pod}: claim ${s.claim}-${pod} not found`);
          const pvc = JSON.parse(r.stdout);
          expect(pvc.status.phase === 'Bound' && pvc.spec.volumeName, `claim ${pvc.metadata.name} is ${pvc.status.phase}, not Bound`);
          const name = dnsName(t, s, pod);
          const ips = await t.eventually(`${name} resolving to ${p.status.podIP}`, async () => {
            const a = await resolve(name);
            expect(a.length === 1 && a[0] === p.status.podIP, `${name} resolves to ${a.join(', ') || 'nothing'}, pod ${pod} has ${p.status.podIP}`);
            return a;
          }, { timeout: 30 });
          seen.push({ pod, pv: pvc.spec.volumeName, ip: ips[0] });
        }
        const pvs = new Set(seen.map((x) => x.pv));
        expect(pvs.size === n, `${n} replicas share volumes: ${seen.map((x) => `${x.pod}: ${x.pv}`).join(', ')}`);
        return `claims on ${seen.map((x) => x.pv).join(', ')} (distinct); <pod>.<headless svc>.${t.ns}.svc.cluster.local → `
          + `${seen.map((x) => x.ip).join(', ')}`;
      },
    },
    {
      name: RESTART_CHECK,
      timeout: 180,
      async run(t, params) {
        const short = params.counterpart ? 25 : 120;
        const s = statefulSet(t, params);
        const pod = `${s.name}-0`;
        const before = await readyPod(t, pod, { timeout: short });
        const key = `e2e-${Date.now()}`;
        const value = `written via ${pod} ${before.metadata.uid}`;
        const put = etcdctl(t, pod, ['put', key, value]);
        expect(put.status === 0 && put.stdout.trim() === 'OK', `etcdctl put via ${pod}: exit ${put.status}: ${(put.stderr || put.stdout).trim()}`);
        const id = memberId(t, pod);
        const pvc = JSON.parse(pvcOf(t, s, pod).stdout);

        t.run(['delete', 'pod', pod, '--wait=true', '--timeout=90s']);
        const after = await readyPod(t, pod, { notUid: before.metadata.uid, timeout: short });
        const r = pvcOf(t, s, pod);
        const pvcNow = r.status === 0 ? JSON.parse(r.stdout) : null;
        expect(pvcNow?.metadata.uid === pvc.metadata.uid, `the new ${pod} has claim ${s.claim}-${pod} ${pvcNow ? `uid ${pvcNow.metadata.uid} `
          + `on ${pvcNow.spec.volumeName}` : 'missing'}, the old one had uid ${pvc.metadata.uid} on ${pvc.spec.volumeName}`);
        const idNow = memberId(t, pod);
        expect(idNow === id, `the new ${pod} is etcd member ${idNow}, the old one was ${id}`);
        const get = etcdctl(t, pod, ['get', key, '--consistency=s', '--print-value-only']);
        expect(get.status === 0 && get.stdout.trim() === value, `serializable get ${key} on the new ${pod}: `
          + `${get.status ? `exit ${get.status}: ${get.stderr}` : `"${get.stdout.trim()}"`}, written before: "${value}"`);
        const name = dnsName(t, s, pod);
        await t.eventually(`${name} resolving to the new pod's ${after.status.podIP}`, async () => {
          const a = await resolve(name);
          expect(a.length === 1 && a[0] === after.status.podIP, `${name} resolves to ${a.join(', ') || 'nothing'}`);
          return true;
        }, { timeout: 30 });
        return `pod 0 replaced (uid ${before.metadata.uid.slice(0, 8)} → ${after.metadata.uid.slice(0, 8)}): same member ${id}, `
          + `same claim ${pvc.metadata.uid.slice(0, 8)} (${pvc.spec.volumeName}), local read of ${key} OK, DNS → ${after.status.podIP}`;
      },
    },
  ],
  counterparts: [
    {
      check: RESTART_CHECK,
      breaks: 'pod 0 is replaced together with its claim (the volume lost)',
      timeout: 60,
      async break(t, params) {
        const s = statefulSet(t, params);
        const pod = `${s.name}-0`;
        const old = JSON.parse(pvcOf(t, s, pod).stdout);
        // The claim stays Terminating while pod 0 uses it; the controller makes a new claim for the new pod 0.
        t.run(['delete', 'pvc', `${s.claim}-${pod}`, '--wait=false']);
        t.run(['delete', 'pod', pod, '--wait=true', '--timeout=90s']);
        await t.eventually(`a new claim for ${pod}`, () => {
          const r = pvcOf(t, s, pod);
          return r.status === 0 && JSON.parse(r.stdout).metadata.uid !== old.metadata.uid;
        }, { timeout: 90 });
      },
    },
  ],
};
