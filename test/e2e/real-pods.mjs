// Real-pod checks of the e2e harness (apply-examples.mjs): the examples run on a real kubelet
// with a real container runtime, so "Ready" means processes started and passed their probes.
//
// - estimateCpuMillis: what an example's pods request, so examples run side by side only as far
//   as the node's CPU allows (the scheduler would leave the rest Pending, and a wait for
//   readiness would then time out for the wrong reason);
// - CapacityGate: admits examples first come, first served while their requests fit;
// - podStates / watchStable: every pod Ready with running containers (or a Job pod Succeeded),
//   zero restarts, and it stays so for a window after Ready;
// - podReport: the row of the real-pods table (pods, OK, restarts, why a pod did not run).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// `yaml` is a devDependency of the repository (npm ci runs before the e2e).
const YAML = require('yaml');

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/** "250m" / "1" / "0.5" → millicores. */
export function cpuMillis(q) {
  if (q === undefined || q === null) return 0;
  const s = String(q);
  if (s.endsWith('m')) return Number(s.slice(0, -1));
  return Math.round(Number(s) * 1000);
}

/** A pod template's CPU request as the scheduler counts it: max(containers + sidecars, any init step). */
export function podCpuMillis(spec) {
  const req = (c) => cpuMillis(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
  const inits = spec.initContainers || [];
  const sidecars = inits.filter((c) => c.restartPolicy === 'Always').reduce((a, c) => a + req(c), 0);
  const main = (spec.containers || []).reduce((a, c) => a + req(c), 0) + sidecars;
  let initPeak = 0;
  let running = 0;
  for (const c of inits) {
    if (c.restartPolicy === 'Always') running += req(c);
    else initPeak = Math.max(initPeak, running + req(c));
  }
  return Math.max(main, initPeak);
}

/** The CPU an example's pods request at once (Deployments and StatefulSets at full scale, Jobs at their parallelism). */
export function estimateCpuMillis(yamlText) {
  let total = 0;
  for (const doc of YAML.parseAllDocuments(yamlText)) {
    const o = doc.toJS();
    if (!o || typeof o !== 'object') continue;
    const spec = o.spec || {};
    const tmpl = spec.template?.spec;
    if (!tmpl) continue;
    let n = 0;
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'ReplicaSet') n = spec.replicas ?? 1;
    else if (o.kind === 'DaemonSet') n = 1;
    else if (o.kind === 'Job') n = Math.min(spec.parallelism ?? 1, spec.completions ?? Infinity);
    total += n * podCpuMillis(tmpl);
  }
  return total;
}

/** Admits work while the sum of admitted requests fits the capacity; one item at a time always runs. */
export class CapacityGate {
  constructor(capacity) {
    this.capacity = capacity;
    this.used = 0;
    this.queue = [];
  }

  acquire(amount) {
    return new Promise((resolve) => {
      this.queue.push({ amount, resolve });
      this.pump();
    });
  }

  release(amount) {
    this.used -= amount;
    this.pump();
  }

  pump() {
    // First come, first served: a big example is not overtaken forever by small ones.
    while (this.queue.length && (this.used === 0 || this.used + this.queue[0].amount <= this.capacity)) {
      const next = this.queue.shift();
      this.used += next.amount;
      next.resolve();
    }
  }
}

const isJobPod = (p) => (p.metadata.ownerReferences || []).some((r) => r.kind === 'Job');
const allStatuses = (p) => [...(p.status?.initContainerStatuses || []), ...(p.status?.containerStatuses || [])];
export const restartsOf = (p) => allStatuses(p).reduce((a, s) => a + (s.restartCount || 0), 0);

/** Why a pod is not (yet) fine, or null when it is Ready with running containers / Succeeded. */
export function podProblem(p) {
  const st = p.status || {};
  if (st.phase === 'Succeeded') return null;
  const ready = (st.conditions || []).some((c) => c.type === 'Ready' && c.status === 'True');
  const statuses = allStatuses(p);
  const waiting = statuses.find((s) => s.state?.waiting);
  const crashed = statuses.find((s) => s.state?.terminated && s.state.terminated.exitCode !== 0);
  const lastCrash = statuses.find((s) => s.lastState?.terminated && s.lastState.terminated.exitCode !== 0);
  const describe = (s, t) => `container ${s.name} ${t.reason || 'terminated'} (exit ${t.exitCode})${t.message ? `: ${String(t.message).trim().split('\n').slice(-2).join(' | ')}` : ''}`;
  if (st.phase === 'Failed') return crashed ? describe(crashed, crashed.state.terminated) : `pod Failed: ${st.reason || ''} ${st.message || ''}`.trim();
  if (crashed) return describe(crashed, crashed.state.terminated);
  if (waiting) {
    const w = waiting.state.waiting;
    const last = lastCrash ? `; last run: ${describe(lastCrash, lastCrash.lastState.terminated)}` : '';
    return `container ${waiting.name} ${w.reason || 'waiting'}${w.message ? `: ${w.message.split('\n')[0]}` : ''}${last}`;
  }
  if (st.phase === 'Pending') {
    const sched = (st.conditions || []).find((c) => c.type === 'PodScheduled' && c.status !== 'True');
    return sched ? `not scheduled: ${sched.message || sched.reason}` : 'Pending';
  }
  if (!ready) {
    const notRunning = (p.status?.containerStatuses || []).filter((s) => !s.state?.running).map((s) => s.name);
    if (notRunning.length) return `containers not running: ${notRunning.join(', ')}`;
    const c = (st.conditions || []).find((x) => x.type === 'ContainersReady' && x.status !== 'True');
    return `not Ready${c?.message ? ` (${c.message})` : ''}`;
  }
  if (isJobPod(p)) return null;
  const notRunning = (p.status?.containerStatuses || []).filter((s) => !s.state?.running).map((s) => s.name);
  return notRunning.length ? `containers not running: ${notRunning.join(', ')}` : null;
}

/** The pods of a namespace that are not being deleted. */
export function livePods(kubectlJson, ns) {
  return kubectlJson(['get', 'pods', '-n', ns]).items.filter((p) => !p.metadata.deletionTimestamp);
}

/** A problem that waiting cannot fix: a crash, a failed pod or an image that cannot be pulled. */
function isHard(p) {
  if (p.status?.phase === 'Failed') return true;
  return allStatuses(p).some((s) => (s.state?.terminated && s.state.terminated.exitCode !== 0)
    || ['CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RunContainerError'].includes(s.state?.waiting?.reason));
}

/**
 * Watches every pod for `seconds`: a restart or a hard problem (crash, failed pod, pull error)
 * ends the watch at once. A pod that is only not Ready yet (a controller created it during the
 * window: an HPA scaling to its minimum, a Job's next pod) must become fine within `grace`
 * seconds after the window.
 */
export async function watchStable(kubectlJson, ns, seconds, grace = 60) {
  const t0 = Date.now();
  for (;;) {
    const pods = livePods(kubectlJson, ns);
    const hard = [];
    const soft = [];
    for (const p of pods) {
      const r = restartsOf(p);
      if (r > 0) hard.push(`pod ${p.metadata.name} restarted (${r} restart${r > 1 ? 's' : ''}): ${podProblem(p) || lastTermination(p)}`);
      else {
        const why = podProblem(p);
        if (why) (isHard(p) ? hard : soft).push(`pod ${p.metadata.name}: ${why}`);
      }
    }
    if (hard.length) return { ok: false, problems: hard };
    const elapsed = (Date.now() - t0) / 1000;
    if (elapsed >= seconds && !soft.length) return { ok: true, problems: [] };
    if (elapsed >= seconds + grace) return { ok: false, problems: soft };
    await sleep(5000);
  }
}

export function lastTermination(p) {
  const s = allStatuses(p).find((x) => x.lastState?.terminated);
  if (!s) return 'no last state';
  const t = s.lastState.terminated;
  return `container ${s.name} last ${t.reason || 'terminated'} (exit ${t.exitCode})`;
}

/** The real-pods table row of an example: counts and the reason of every pod that is not fine. */
export function podReport(kubectlJson, ns) {
  const pods = livePods(kubectlJson, ns);
  const rows = { total: pods.length, ok: 0, restarts: 0, problems: [] };
  for (const p of pods) {
    const r = restartsOf(p);
    rows.restarts += r;
    const why = podProblem(p);
    if (!why && r === 0) rows.ok++;
    else rows.problems.push(`${p.metadata.name}: ${why || lastTermination(p)}`);
  }
  return rows;
}
