// HighlyAvailable: the PodDisruptionBudget keeps voluntary disruptions of the Deployment within its
// budget. Proven through the Eviction API (what `kubectl drain` and cluster autoscalers use): with
// every replica Ready and the budget's status settled, evicting the Deployment's pods one after the
// other is allowed exactly as many times as the budget allows (maxUnavailable of the replicas), the
// next eviction is refused with 429 "would violate the pod's disruption budget" and that pod keeps
// running; the Deployment then gets back to full availability.
import { expect, isReady } from './lib.mjs';

/** What a PDB's spec demands of `expected` pods: the number that must stay healthy. */
function desiredHealthy(pdb, expected) {
  const scaled = (v) => (typeof v === 'string' && v.endsWith('%') ? Math.ceil((parseInt(v, 10) * expected) / 100) : Number(v));
  if (pdb.spec.minAvailable !== undefined) return scaled(pdb.spec.minAvailable);
  return Math.max(0, expected - scaled(pdb.spec.maxUnavailable));
}

const show = (s = {}) => `allowed ${s.disruptionsAllowed}, healthy ${s.currentHealthy}/desired ${s.desiredHealthy} of ${s.expectedPods} expected`;

/** Waits until every replica is Ready and updated, and no old pod is still terminating. */
async function fullyAvailable(t, prefix, timeout) {
  return t.eventually(`Deployment ${prefix}* fully available`, () => {
    const d = t.get('deployments', prefix);
    const s = d.status || {};
    const all = t.pods(d, { all: true });
    const ready = all.filter((p) => !p.metadata.deletionTimestamp && isReady(p));
    expect(s.observedGeneration >= d.metadata.generation && s.updatedReplicas === d.spec.replicas && s.availableReplicas === d.spec.replicas
      && all.length === d.spec.replicas && ready.length === d.spec.replicas,
    `${d.metadata.name}: ${ready.length} ready of ${all.length} pods, ${s.availableReplicas ?? 0} available, want ${d.spec.replicas}`);
    return d;
  }, { timeout, interval: 2 });
}

/** Waits until the PDB's status reflects its current spec and the Ready pods its selector selects. */
async function settled(t, prefix, timeout) {
  return t.eventually(`PodDisruptionBudget ${prefix}* status settled`, () => {
    const pdb = t.get('poddisruptionbudgets', prefix);
    const s = pdb.status || {};
    const healthy = t.pods(pdb).filter(isReady).length;
    const desired = desiredHealthy(pdb, s.expectedPods ?? 0);
    expect(s.observedGeneration === pdb.metadata.generation && s.currentHealthy === healthy && s.desiredHealthy === desired
      && s.disruptionsAllowed === (s.expectedPods > 0 ? Math.max(0, healthy - desired) : 0),
    `${pdb.metadata.name}: ${show(s)} (generation ${s.observedGeneration}/${pdb.metadata.generation}); its selector has ${healthy} ready pods`);
    return pdb;
  }, { timeout, interval: 2 });
}

/** POSTs a policy/v1 Eviction for a pod: { allowed: true } or { allowed: false, message } (429). */
function evict(t, pod) {
  const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: t.ns } };
  const url = `/api/v1/namespaces/${t.ns}/pods/${pod}/eviction`;
  const r = t.kubectl(['create', '--raw', url, '-f', '-'], { input: JSON.stringify(body), namespaced: false });
  if (r.status === 0) return { allowed: true };
  if (/TooManyRequests|429/.test(r.stderr)) return { allowed: false, message: r.stderr.replace(/^Error from server \(TooManyRequests\):\s*/, '') };
  throw new Error(`eviction of ${pod}: ${r.stderr}`);
}

const EVICT = 'evictions are allowed up to the disruption budget and the next one is refused (429)';

export default {
  pattern: 'HighlyAvailable',
  examples: { adapter: { deployment: 'adapter-legacy-', pdb: 'adapter-legacy-ha-' } },
  checks: [
    {
      name: EVICT,
      timeout: 300,
      async run(t, { deployment, pdb: pdbPrefix }) {
        const deploy = await fullyAvailable(t, deployment, 120);
        const pdb = await settled(t, pdbPrefix, 60);
        const replicas = deploy.spec.replicas;
        const budget = replicas - desiredHealthy(pdb, replicas);
        if (budget < 1 || budget >= replicas) {
          throw new Error(`${pdb.metadata.name} allows ${budget} of ${replicas} pods to be evicted: nothing to test`);
        }
        const pods = t.readyPods(deploy).map((p) => p.metadata.name).sort();
        const evicted = [];
        for (const pod of pods.slice(0, budget)) {
          const r = evict(t, pod);
          expect(r.allowed, `evicting ${pod} was refused though ${pdb.metadata.name} allows ${budget} (${show(pdb.status)}): ${r.message}`);
          evicted.push(pod);
        }
        const next = pods[budget];
        const r = evict(t, next);
        const now = t.get('poddisruptionbudgets', pdbPrefix);
        expect(!r.allowed, `after evicting ${evicted.join(', ')}, evicting ${next} was allowed too: ${budget + 1} of ${replicas} pods `
          + `disrupted at once (budget ${budget}; ${now.metadata.name}: ${show(now.status)})`);
        expect(/disruption budget/.test(r.message), `evicting ${next} was refused, but not by the budget: ${r.message}`);
        const still = t.json(['get', 'pod', next]);
        expect(!still.metadata.deletionTimestamp, `${next} is being deleted although its eviction was refused`);
        const t0 = Date.now();
        await fullyAvailable(t, deployment, 150);
        const after = await settled(t, pdbPrefix, 60);
        return `${pdb.metadata.name} (${show(pdb.status)}): evicted ${evicted.join(', ')}; ${next} refused: "${r.message}"; `
          + `${replicas}/${replicas} available again after ${Math.round((Date.now() - t0) / 1000)}s (${show(after.status)})`;
      },
    },
  ],
  counterparts: [
    {
      check: EVICT,
      breaks: 'the budget\'s selector matches no pod of the Deployment',
      timeout: 40,
      async break(t, { pdb: pdbPrefix }) {
        const pdb = t.get('poddisruptionbudgets', pdbPrefix);
        t.patch(`poddisruptionbudget/${pdb.metadata.name}`, [
          { op: 'replace', path: '/spec/selector', value: { matchLabels: { 'e2e.cdk8s-patterns.io/no-such-label': 'nobody' } } },
        ]);
        await t.eventually('the budget saw its new selector', () => {
          const p = t.get('poddisruptionbudgets', pdbPrefix);
          return p.status?.observedGeneration === p.metadata.generation;
        }, { timeout: 60 });
      },
    },
  ],
};
