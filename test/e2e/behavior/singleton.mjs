// Singleton (out-of-application locking): a rollout never has two Ready instances. Both variants
// are rolled (a pod-template annotation is changed) while a watch on their pods counts the Ready
// ones, terminating pods included: the availability variant (Deployment, Recreate) and the
// consistency variant (StatefulSet of one) each have at most one Ready pod at every moment, and
// the rollout ends with exactly one, a new one. The watch sees every change of every pod in the
// order the API server made it, so a moment with two Ready pods cannot slip between two polls.
import { spawn } from 'node:child_process';
import { expect, isReady, sleep } from './lib.mjs';

const TEMPLATE = '{.type}|{.object.metadata.uid}|{.object.metadata.name}|{.object.metadata.deletionTimestamp}'
  + '|{.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}';

/**
 * Watches a workload's pods (`kubectl get -w`) and tracks how many are Ready at once, terminating
 * ones included. Resolves once the initial list arrived.
 */
async function watchReady(t, workload) {
  const sel = Object.entries(workload.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  const args = ['get', 'pods', '-n', t.ns, '-l', sel, '-w', '--output-watch-events', '-o', `jsonpath=${TEMPLATE}`];
  const child = spawn(t.kubectlPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  t.children.add(child);
  const pods = new Map(); // uid -> { name, ready }
  const w = { max: 0, maxAt: '', events: 0, zeroSince: null, gaps: [], stderr: '' };
  const t0 = Date.now();
  let buf = '';
  let first;
  const started = new Promise((res) => { first = res; });
  child.stderr.on('data', (d) => { w.stderr += d; });
  child.stdout.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const line of lines) {
      const [type, uid, name, , ready] = line.split('|');
      if (!uid) continue;
      w.events++;
      if (type === 'DELETED') pods.delete(uid);
      else pods.set(uid, { name, ready: ready === 'True' });
      const up = [...pods.values()].filter((p) => p.ready);
      if (up.length > w.max) {
        w.max = up.length;
        w.maxAt = `${up.map((p) => p.name.replace(`${workload.metadata.name}-`, '…')).join(' and ')} at +${((Date.now() - t0) / 1000).toFixed(1)}s`;
      }
      if (!up.length && w.zeroSince === null) w.zeroSince = Date.now();
      if (up.length && w.zeroSince !== null) { w.gaps.push((Date.now() - w.zeroSince) / 1000); w.zeroSince = null; }
      first();
    }
  });
  child.on('close', () => first());
  await Promise.race([started, sleep(20000)]);
  expect(w.events, `no pod seen by the watch of ${sel}: ${w.stderr.trim()}`);
  w.stop = () => { child.kill(); t.children.delete(child); };
  return w;
}

/** Rolls the workload and watches its Ready pods throughout. */
async function rollWatched(t, kind, prefix) {
  const wl = t.get(kind, prefix);
  const name = `${kind === 'deployments' ? 'deployment' : 'statefulset'}/${wl.metadata.name}`;
  const before = t.readyPods(wl);
  expect(before.length === 1, `${before.length} Ready pods of ${name} before the rollout`);
  const w = await watchReady(t, wl);
  try {
    const mark = { spec: { template: { metadata: { annotations: { 'e2e.cdk8s-patterns.io/rolled-at': new Date().toISOString() } } } } };
    t.run(['patch', name, '--type=merge', '-p', JSON.stringify(mark)]);
    // done when the one pod left is a new, Ready one (an old one may still be terminating
    // after `rollout status`); fails at once when the watch saw two Ready pods
    const deadline = Date.now() + 150000;
    for (;;) {
      expect(w.max <= 1, () => `${w.max} pods of ${name} were Ready at once during its rollout (${w.maxAt})`);
      const all = t.pods(wl, { all: true });
      const [only] = all;
      if (all.length === 1 && isReady(only) && !only.metadata.deletionTimestamp && only.metadata.uid !== before[0].metadata.uid) break;
      const seen = all.map((x) => `${x.metadata.name}${isReady(x) ? ' Ready' : ''}${x.metadata.deletionTimestamp ? ' terminating' : ''}`);
      expect(Date.now() < deadline, `the rollout of ${name} did not end with one new Ready pod within 150s: ${seen.join(', ')}`);
      await sleep(300);
    }
    t.rollout(name, 60);
    await sleep(1000);
  } finally {
    w.stop();
  }
  expect(w.max <= 1, `${w.max} pods of ${name} were Ready at once during its rollout (${w.maxAt})`);
  const after = t.pods(wl).filter(isReady);
  expect(after.length === 1, `${after.length} Ready pods of ${name} after its rollout`);
  expect(after[0].metadata.uid !== before[0].metadata.uid, `the Ready pod after the rollout of ${name} is the old one`);
  const gap = w.gaps.length ? `, no Ready pod for ${w.gaps.map((g) => `${g.toFixed(1)}s`).join(' + ')}` : '';
  return `${name}: at most ${w.max} Ready pod at a time over ${w.events} pod events${gap}; `
    + `then exactly one Ready pod (${after[0].metadata.name.replace(`${wl.metadata.name}-`, '…')}, new)`;
}

const DEPLOYMENT = 'a rollout of the Recreate Deployment never has two Ready pods';

export default {
  pattern: 'Singleton',
  examples: {
    singleton: { deployment: 'singleton-report-scheduler-deployment-', statefulset: 'singleton-ledger-writer-statefulset-' },
  },
  checks: [
    {
      name: DEPLOYMENT,
      timeout: 240,
      run: (t, p) => rollWatched(t, 'deployments', p.deployment),
    },
    {
      name: 'a rollout of the one-replica StatefulSet never has two Ready pods',
      timeout: 240,
      run: (t, p) => rollWatched(t, 'statefulsets', p.statefulset),
    },
  ],
  counterparts: [
    {
      check: DEPLOYMENT,
      breaks: 'the Deployment rolls with RollingUpdate maxSurge 1, maxUnavailable 0',
      timeout: 45,
      async break(t, p) {
        const d = t.get('deployments', p.deployment);
        const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
        t.run(['patch', `deployment/${d.metadata.name}`, '--type=merge', '-p', JSON.stringify({ spec: { strategy } })]);
      },
    },
  ],
};
