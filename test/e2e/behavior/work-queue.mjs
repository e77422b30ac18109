// WorkQueue: a producer Job fills a Redis list and a workers Job (parallelism 4) drains it, so that every item
// is processed exactly once (Redis counters, the `done` set, the empty list and the workers' own logs
// agree item by item); and the static split, an Indexed Job, runs each of its indexes exactly once
// (`status.completedIndexes` and one `report shard <i> done` log line per index).
import { condition, expect } from './lib.mjs';

// What a counterpart points the checks at, by namespace (the checks get a shallow copy of the params).
const targets = new Map();
const target = (t) => targets.get(t.ns) ?? {};

const env = (job, name) => job.spec.template.spec.containers[0].env?.find((e) => e.name === name)?.value;
const conditions = (job) => (job.status?.conditions || []).filter((c) => c.status === 'True').map((c) => c.type).join(', ') || 'none';

/** Every pod a Job ran (also failed ones) with its log. */
function jobLogs(t, job) {
  const pods = t.jobPods(job.metadata.name);
  const container = job.spec.template.spec.containers[0].name;
  return pods.map((p) => ({ pod: p, log: t.run(['logs', p.metadata.name, '-c', container]) }));
}

/** Replies of redis-cli, one line per command, run in the queue's own Redis container. */
function redis(t, params, commands) {
  const pod = t.readyPods(t.get('deployments', params.queue))[0];
  expect(pod, 'the queue has no ready Redis pod');
  const out = t.execOk(pod, 'redis', ['redis-cli'], { input: `${commands.join('\n')}\n` }).split('\n');
  return commands.map((_, i) => out[i]?.trim() ?? '');
}

/** "0-3,5,7-8" → [0, 1, 2, 3, 5, 7, 8] */
function parseIndexes(s) {
  return (s || '').split(',').filter(Boolean).flatMap((r) => {
    const [a, b = a] = r.split('-').map(Number);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** A Job's spec for a copy: no selector, no labels the Job controller adds. */
function copyOf(job, name, { env: override = {}, spec = {} } = {}) {
  const added = /^(batch\.kubernetes\.io\/|controller-uid|job-name)/;
  const own = (labels) => Object.fromEntries(Object.entries(labels || {}).filter(([k]) => !added.test(k)));
  const template = structuredClone(job.spec.template);
  template.metadata = { labels: own(template.metadata?.labels) };
  for (const c of template.spec.containers) {
    for (const e of c.env || []) if (e.name in override) e.value = override[e.name];
  }
  const { selector, template: _, manualSelector, ...rest } = job.spec;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: own(job.metadata.labels) },
    spec: { ...rest, ...spec, template },
  };
}

async function completed(t, name, timeout) {
  await t.eventually(`Job ${name} complete`, () => {
    const job = t.json(['get', 'job', name]);
    expect(!condition(job, 'Failed'), `Job ${name} failed`);
    return condition(job, 'Complete');
  }, { timeout });
}

const QUEUE_CHECK = 'every item the producer queued was processed exactly once by the worker pool';
const INDEX_CHECK = 'the Indexed Job ran every index exactly once';

export default {
  pattern: 'WorkQueue',
  examples: {
    'work-queue': {
      queue: 'work-queue-thumbnails-queue-',
      producer: 'work-queue-thumbnails-producer-',
      workers: 'work-queue-thumbnails-workers-',
      reports: 'work-queue-reports-workers-',
    },
  },
  checks: [
    {
      name: QUEUE_CHECK,
      timeout: 90,
      async run(t, params) {
        const queue = target(t).queue ?? env(t.get('jobs', params.workers), 'QUEUE_NAME');
        const jobs = t.json(['get', 'jobs']).items.filter((j) => env(j, 'QUEUE_NAME') === queue);
        const byRole = (role) => jobs.filter((j) => j.metadata.labels?.['app.kubernetes.io/component'] === role);
        const [produced, processed, duplicates, done, left] = redis(t, params, [
          `GET ${queue}:produced`, `GET ${queue}:processed`, `GET ${queue}:duplicates`, `SCARD ${queue}:done`, `LLEN ${queue}`]);
        const n = Number(produced);
        expect(produced !== '' && n > 0, `queue ${queue}: nothing was produced (${queue}:produced is "${produced}")`);
        const seen = `queue ${queue}: ${n} produced, ${processed || 'no'} processed, ${duplicates || 'no'} duplicates, `
          + `${done} in ${queue}:done, ${left} left in the list`;
        expect(Number(processed) === n && duplicates === '0' && Number(done) === n && left === '0', seen);

        const [producer] = byRole('producer');
        expect(producer && condition(producer, 'Complete'), `queue ${queue}: no Complete producer Job (${producer ? conditions(producer) : 'none'})`);
        const workers = byRole('worker');
        expect(workers.length === 1, `queue ${queue}: ${workers.length} worker Jobs drain it (${workers.map((j) => j.metadata.name).join(', ')})`);
        expect(condition(workers[0], 'Complete'), `workers Job ${workers[0].metadata.name} is not Complete (conditions: ${conditions(workers[0])})`);

        // The workers' own account: each item named by exactly one `processed <item>` line.
        const prefix = producer.spec.template.spec.containers[0].args?.find((a) => a.startsWith('--bucket='))?.slice(9) ?? queue;
        const counts = new Map();
        const perPod = [];
        for (const { pod, log } of jobLogs(t, workers[0])) {
          const items = [...log.matchAll(/: processed (\S+)$/gm)].map((m) => m[1]);
          perPod.push(items.length);
          for (const i of items) counts.set(i, (counts.get(i) || 0) + 1);
          expect(!/DUPLICATE/.test(log), `worker ${pod.metadata.name} logged a DUPLICATE item`);
        }
        const expected = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
        const missing = expected.filter((i) => !counts.has(i));
        const twice = [...counts].filter(([, c]) => c > 1).map(([i, c]) => `${i} x${c}`);
        const extra = [...counts.keys()].filter((i) => !expected.includes(i));
        expect(!missing.length && !twice.length && !extra.length, `the workers' logs name ${counts.size} of ${n} items: `
          + `missing ${missing.slice(0, 5).join(', ') || 'none'}${missing.length > 5 ? ` (+${missing.length - 5})` : ''}, `
          + `more than once ${twice.slice(0, 5).join(', ') || 'none'}, unknown ${extra.slice(0, 5).join(', ') || 'none'}`);
        return `${queue}: ${n} produced = ${processed} processed = ${done} done, ${duplicates} duplicates, ${left} left; `
          + `${perPod.length} workers' logs name ${prefix}-0..${n - 1} once each (${perPod.join('+')})`;
      },
    },
    {
      name: INDEX_CHECK,
      timeout: 60,
      async run(t, params) {
        const job = target(t).reports ? t.json(['get', 'job', target(t).reports]) : t.get('jobs', params.reports);
        const name = job.metadata.name;
        const n = job.spec.completions;
        expect(job.spec.completionMode === 'Indexed' && n > 0, `Job ${name} is not an Indexed Job with completions`);
        const completedIdx = parseIndexes(job.status?.completedIndexes);
        const notCompleted = Array.from({ length: n }, (_, i) => i).filter((i) => !completedIdx.includes(i));
        expect(!notCompleted.length, `Job ${name} (conditions: ${conditions(job)}): completedIndexes "${job.status?.completedIndexes ?? ''}" `
          + `of ${n}, indexes ${notCompleted.join(', ')} not completed`);
        expect(condition(job, 'Complete'), `Job ${name} is not Complete (conditions: ${conditions(job)})`);
        const done = new Map();
        const logs = jobLogs(t, job);
        for (const { log } of logs) {
          for (const m of log.matchAll(/report shard (\d+) done$/gm)) done.set(Number(m[1]), (done.get(Number(m[1])) || 0) + 1);
        }
        const wrong = Array.from({ length: n }, (_, i) => i).filter((i) => done.get(i) !== 1).map((i) => `${i}: ${done.get(i) || 0}x`);
        const outside = [...done.keys()].filter((i) => i >= n);
        expect(!wrong.length && !outside.length, `"report shard <i> done" over ${logs.length} pods of ${name}: ${wrong.join(', ') || ''}`
          + `${outside.length ? ` outside 0..${n - 1}: ${outside.join(', ')}` : ''}`);
        return `${name}: completedIndexes ${job.status.completedIndexes} of ${n}, "report shard <i> done" once per index over ${logs.length} pods`;
      },
    },
  ],
  counterparts: [
    {
      check: QUEUE_CHECK,
      breaks: 'a copy of the producer fills another queue that no worker pool drains',
      timeout: 30,
      async break(t, params) {
        const producer = t.get('jobs', params.producer);
        const queue = `${env(producer, 'QUEUE_NAME')}-unserved`;
        t.apply(copyOf(producer, 'counterpart-producer', { env: { QUEUE_NAME: queue } }));
        await completed(t, 'counterpart-producer', 120);
        targets.set(t.ns, { ...target(t), queue });
      },
    },
    {
      check: INDEX_CHECK,
      breaks: 'a copy of the Indexed Job is declared complete once indexes 0-3 succeeded (successPolicy)',
      timeout: 30,
      async break(t, params) {
        const job = t.get('jobs', params.reports);
        t.apply(copyOf(job, 'counterpart-reports', { spec: { parallelism: 1, successPolicy: { rules: [{ succeededIndexes: '0-3' }] } } }));
        await completed(t, 'counterpart-reports', 150);
        targets.set(t.ns, { ...target(t), reports: 'counterpart-reports' });
      },
    },
  ],
};
