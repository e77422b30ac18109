// StartupSequence: an api pod's containers start in the declared order. The native sidecar
// (telemetry-agent, an init container with restartPolicy Always) is up before the first init step
// starts and keeps running alongside the api; each init step (wait-for-db, then migrate) starts only
// after the previous one finished with exit 0; the api starts only after migrate finished.
// Read from the pods' container statuses (startedAt / finishedAt, 1 s resolution, compared with <=)
// and from the containers' logs with the runtime's timestamps (`kubectl logs --timestamps`,
// sub-ms): a step's first line must come after the previous step's last line.
import { expect } from './lib.mjs';

// Extra pods the check also looks at, by namespace: the counterpart's copy of the api pod.
const EXTRA_PODS = new Map();

/** Microseconds since the epoch of an RFC3339 time with any fraction. */
function micros(iso) {
  const m = iso.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/);
  if (!m) throw new Error(`not an RFC3339 UTC time: ${iso}`);
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] || '').padEnd(6, '0').slice(0, 6));
}
const iso = (us) => new Date(Math.floor(us / 1000)).toISOString();

/** A container's log lines with the runtime's timestamps: [{ us, line }]. */
function logLines(t, pod, container) {
  return t.run(['logs', pod, '-c', container, '--timestamps']).split('\n').filter(Boolean).map((l) => {
    const sp = l.indexOf(' ');
    return { us: micros(l.slice(0, sp)), line: l.slice(sp + 1) };
  });
}

/** The status of a container by name, wherever the pod lists it; `where` says which list. */
function statusOf(pod, name) {
  const init = (pod.status?.initContainerStatuses || []).find((c) => c.name === name);
  if (init) return { ...init, where: 'init' };
  const main = (pod.status?.containerStatuses || []).find((c) => c.name === name);
  return main ? { ...main, where: 'containers' } : null;
}

/** What is missing before a pod's startup history can be judged; '' when complete. */
function incomplete(pod, order) {
  for (const step of order) {
    const s = statusOf(pod, step.name);
    if (!s) return `${step.name} has no status`;
    if ((step.kind === 'sidecar' || step.kind === 'main') && !s.state?.running) return `${step.name} is not running (${JSON.stringify(s.state)})`;
    if (step.kind === 'step' && !s.state?.terminated) return `${step.name} has not finished (${JSON.stringify(s.state)})`;
  }
  return '';
}

/** Asserts the startup order of one pod; returns a summary. */
function judge(t, pod, order) {
  const name = pod.metadata.name;
  const logs = Object.fromEntries(order.map((s) => [s.name, logLines(t, name, s.name)]));
  const started = (s) => statusOf(pod, s.name).state[s.kind === 'step' ? 'terminated' : 'running'].startedAt;
  const first = (s) => logs[s.name][0];
  const last = (s) => logs[s.name][logs[s.name].length - 1];
  const notes = [];
  let prev = null;
  for (const step of order) {
    const st = statusOf(pod, step.name);
    if (step.kind === 'sidecar') {
      const next = order[order.indexOf(step) + 1];
      const main = order.find((s) => s.kind === 'main');
      const sc = `${name}: sidecar ${step.name}`;
      expect(st.where === 'init' && st.started === true, `${sc} is not a started init container (${st.where}, started ${st.started})`);
      expect(st.restartCount === 0, `${sc} restarted ${st.restartCount} times, so it did not run throughout`);
      expect(started(step) <= started(next), `${sc} started at ${started(step)}, after ${next.name} (${started(next)})`);
      if (first(step) && first(next)) {
        const [a, b] = [first(step), first(next)];
        expect(a.us < b.us, `${name}: ${next.name} logged at ${iso(b.us)}, before ${sc}'s first line (${iso(a.us)})`);
      }
      expect(started(step) <= started(main), `${sc} (running since ${started(step)}) started after ${main.name} (${started(main)})`);
      const lead = first(step) && first(next) ? `${((first(next).us - first(step).us) / 1e6).toFixed(1)} s` : `(${started(step)})`;
      notes.push(`${step.name} up ${lead} before ${next.name}, still running`);
      continue;
    }
    if (prev) {
      const done = statusOf(pod, prev.name).state.terminated;
      expect(done.exitCode === 0, `${name}: ${prev.name} exited ${done.exitCode} (${done.reason})`);
      expect(done.finishedAt <= started(step), `${name}: ${step.name} started at ${started(step)}, before ${prev.name} ended (${done.finishedAt})`);
      if (last(prev) && first(step)) {
        const [a, b] = [first(step), last(prev)];
        expect(b.us < a.us, `${step.name}'s first log line (${iso(a.us)}) came before ${prev.name}'s last (${iso(b.us)}) in ${name}: `
          + `they ran at the same time ("${a.line.slice(0, 70)}" / "${b.line.slice(0, 70)}")`);
        notes.push(`${step.name} +${((first(step).us - last(prev).us) / 1000).toFixed(0)} ms after ${prev.name}`);
      } else {
        notes.push(`${step.name} at ${started(step)} after ${prev.name} ended ${done.finishedAt} (no log to compare)`);
      }
    }
    if (step.kind === 'step') {
      const done = st.state.terminated;
      expect(done.exitCode === 0, `${name}: init step ${step.name} exited ${done.exitCode} (${done.reason})`);
    }
    prev = step;
  }
  return `pod …${name.slice(-5)}: ${notes.join(', ')}`;
}

export default {
  pattern: 'StartupSequence',
  // order: what examples/startup-sequence/main.ts declares: the native sidecar, the init steps, the api.
  examples: {
    'startup-sequence': {
      deployment: 'startup-sequence-api-',
      order: [
        { name: 'telemetry-agent', kind: 'sidecar' },
        { name: 'wait-for-db', kind: 'step' },
        { name: 'migrate', kind: 'step' },
        { name: 'api', kind: 'main' },
      ],
    },
  },
  checks: [
    {
      name: 'the native sidecar, the init steps and the api start in the declared order',
      timeout: 150,
      async run(t, { deployment, order }) {
        const deploy = t.get('deployments', deployment);
        const spec = deploy.spec.template.spec;
        const declared = [...(spec.initContainers || []).map((c) => `${c.name}${c.restartPolicy === 'Always' ? '(sidecar)' : ''}`),
          ...spec.containers.map((c) => c.name)];
        const want = order.map((s) => `${s.name}${s.kind === 'sidecar' ? '(sidecar)' : ''}`);
        expect(declared.join(' ') === want.join(' '), `${deploy.metadata.name} declares ${declared.join(', ')}, not ${want.join(', ')}`);

        // Every ready pod of the Deployment (plus the counterpart's copy), once all its steps have run.
        const names = () => [...t.readyPods(deploy).map((p) => p.metadata.name), ...(EXTRA_PODS.get(t.ns) || [])];
        const pods = await t.eventually('pods with a complete startup history', () => {
          const ps = names().map((n) => t.json(['get', 'pod', n]));
          expect(ps.length >= deploy.spec.replicas, `${ps.length} ready pods of ${deploy.metadata.name}, want ${deploy.spec.replicas}`);
          const open = ps.map((p) => [p.metadata.name, incomplete(p, order)]).filter(([, why]) => why);
          expect(!open.length, () => open.map(([n, why]) => `${n}: ${why}`).join('; '));
          return ps;
        }, { timeout: 90, interval: 2 });
        return pods.map((p) => judge(t, p, order)).join('; ');
      },
    },
  ],
  counterparts: [
    {
      check: 'the native sidecar, the init steps and the api start in the declared order',
      breaks: 'a copy of the api pod runs migrate as a regular container, alongside the api',
      timeout: 40,
      async break(t, { deployment }) {
        const deploy = t.get('deployments', deployment);
        const spec = structuredClone(deploy.spec.template.spec);
        const i = spec.initContainers.findIndex((c) => c.name === 'migrate');
        spec.containers.push(...spec.initContainers.splice(i, 1));
        // OnFailure: migrate exits 0 once and stays terminated (with Always it would be restarted forever).
        spec.restartPolicy = 'OnFailure';
        const name = 'startup-sequence-e2e-migrate-alongside';
        t.apply({
          apiVersion: 'v1',
          kind: 'Pod',
          // The api pod's labels: the example's NetworkSegmentation lets only its pods reach Postgres.
          metadata: { name, labels: { ...deploy.spec.template.metadata.labels, 'e2e.cdk8s-patterns.io/behavior': 'startup-order-broken' } },
          spec,
        });
        EXTRA_PODS.set(t.ns, [name]);
        await t.eventually(`${name} ran migrate and the api`, () => {
          const p = t.json(['get', 'pod', name]);
          return statusOf(p, 'migrate')?.state?.terminated && statusOf(p, 'api')?.state?.running;
        }, { timeout: 120, interval: 2 });
      },
    },
  ],
};
