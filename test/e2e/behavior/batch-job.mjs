// BatchJob: the Jobs complete with their declared completions and parallelism, each index of an
// Indexed Job once and with the right result; and a Job with a native sidecar (pi's result
// shipper) completes: the sidecar starts before the main container, runs beside it, ships its
// output and is stopped once the main container has finished.
import { condition, expect, ms } from './lib.mjs';

/** The Job the native-sidecar check looks at, per namespace (a counterpart points it at its copy). */
const sidecarJob = new Map();

/** The largest number of the Job's pods whose main containers ran at the same time. */
function maxOverlap(pods, container) {
  const spans = pods.map((p) => (p.status.containerStatuses || []).find((s) => s.name === container)?.state?.terminated)
    .filter(Boolean).map((t) => [ms(t.startedAt), ms(t.finishedAt)]);
  let max = 0;
  for (const [start] of spans) max = Math.max(max, spans.filter(([s, f]) => s <= start && start <= f).length);
  return max;
}

/** What an index of shard-sums must print: the sum of 10000n+1 .. 10000(n+1). */
const shardSum = (n) => String(10000 * 10000 * n + (10000 * 10001) / 2);

function checkJob(t, job) {
  const id = `Job ${job.metadata.name}`;
  const { completions = 1, parallelism = 1, completionMode } = job.spec;
  const failed = condition(job, 'Failed');
  expect(!failed, () => `${id} failed: ${failed.reason} ${failed.message || ''}`);
  expect(condition(job, 'Complete'), `${id} is not Complete`);
  expect(job.status.succeeded === completions, `${id}: ${job.status.succeeded} succeeded, declared completions ${completions}`);
  const pods = t.jobPods(job.metadata.name).filter((p) => p.status.phase === 'Succeeded');
  const main = job.spec.template.spec.containers[0].name;
  expect(pods.length === completions, `${id}: ${pods.length} pods succeeded, declared completions ${completions}`);
  const overlap = maxOverlap(pods, main);
  expect(overlap <= parallelism, `${id}: ${overlap} pods ran at once, declared parallelism ${parallelism}`);
  let extra = '';
  if (completionMode === 'Indexed') {
    const want = completions === 1 ? '0' : `0-${completions - 1}`;
    expect(job.status.completedIndexes === want, `${id}: completed indexes ${job.status.completedIndexes}, expected ${want}`);
    const byIndex = new Map(pods.map((p) => [Number(p.metadata.annotations['batch.kubernetes.io/job-completion-index']), p]));
    expect(byIndex.size === completions, `${id}: ${byIndex.size} distinct indexes among ${pods.length} succeeded pods`);
    if (main === 'sum') {
      for (const [n, p] of byIndex) {
        const out = t.run(['logs', p.metadata.name, '-c', main]).trim();
        expect(out === shardSum(n), `${id}: index ${n} printed ${out}, expected ${shardSum(n)}`);
      }
      extra = `, every index's sum right`;
    }
  }
  return `${job.metadata.name}: ${completions}/${completions} (parallelism ${parallelism}, at most ${overlap} at once${extra})`;
}

export default {
  pattern: 'BatchJob',
  examples: { 'batch-job': {} },
  checks: [
    {
      name: 'every Job completes with its declared completions and parallelism',
      timeout: 90,
      async run(t) {
        const jobs = t.json(['get', 'jobs']).items;
        expect(jobs.length > 0, 'no Job in the example');
        return jobs.map((j) => checkJob(t, j)).join('; ');
      },
    },
    {
      name: 'a Job with a native sidecar completes; the sidecar ran before, beside and until the end of the main container',
      timeout: 120,
      async run(t, p) {
        const name = sidecarJob.get(t.ns) ?? t.get('jobs', 'batch-job-pi-job-').metadata.name;
        const complete = () => {
          const job = t.json(['get', 'job', name]);
          expect(condition(job, 'Complete'),
            `Job ${name} is not Complete (${job.status.active || 0} active, ${job.status.succeeded || 0} succeeded)`);
          return job;
        };
        const job = await t.eventually(`Job ${name} complete`, complete, { timeout: p.counterpart ? 10 : 60 });
        const sidecars = (job.spec.template.spec.initContainers || []).filter((c) => c.restartPolicy === 'Always');
        expect(sidecars.length === 1, `Job ${name} has ${sidecars.length} native sidecars`);
        const pod = t.jobPods(name).find((x) => x.status.phase === 'Succeeded');
        expect(pod, `Job ${name} has no succeeded pod`);
        const side = pod.status.initContainerStatuses.find((s) => s.name === sidecars[0].name)?.state?.terminated;
        const main = pod.status.containerStatuses[0].state.terminated;
        expect(side && main, 'the sidecar or the main container has not terminated');
        expect(ms(side.startedAt) <= ms(main.startedAt), `the sidecar started at ${side.startedAt}, after the main container (${main.startedAt})`);
        expect(ms(side.finishedAt) >= ms(main.finishedAt), `the sidecar stopped at ${side.finishedAt}, before the main container finished (${main.finishedAt})`);
        const result = t.run(['logs', pod.metadata.name, '-c', 'pi']).trim();
        const shipped = t.run(['logs', pod.metadata.name, '-c', sidecars[0].name]);
        expect(result.startsWith('3.14159') && shipped.includes(result), `the sidecar's log does not hold pi's result: "${shipped.slice(0, 80)}"`);
        return `${name} Complete; ${sidecars[0].name} ${side.startedAt} .. ${side.finishedAt} (exit ${side.exitCode}) around pi ${main.startedAt} .. ${main.finishedAt}; shipped pi's ${result.length} characters`;
      },
    },
  ],
  counterparts: [
    {
      check: 'every Job completes with its declared completions and parallelism',
      breaks: 'one index of an Indexed Job fails',
      timeout: 30,
      async break(t) {
        const job = t.get('jobs', 'batch-job-shard-sums-job-');
        const spec = structuredClone(job.spec.template.spec);
        spec.containers[0].command = ['sh', '-c', '[ "$JOB_COMPLETION_INDEX" != 3 ] || exit 1; echo 0'];
        spec.restartPolicy = 'Never';
        t.apply({
          apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'shard-sums-broken-index' },
          spec: { completionMode: 'Indexed', completions: 5, parallelism: 3, backoffLimit: 0, template: { spec } },
        });
        t.run(['wait', '--for=condition=Failed', 'job/shard-sums-broken-index', '--timeout=90s']);
      },
    },
    {
      check: 'a Job with a native sidecar completes; the sidecar ran before, beside and until the end of the main container',
      breaks: 'the same sidecar is a regular container of the Job',
      timeout: 40,
      async break(t) {
        const job = t.get('jobs', 'batch-job-pi-job-');
        const spec = structuredClone(job.spec.template.spec);
        const side = spec.initContainers.find((c) => c.restartPolicy === 'Always');
        spec.initContainers = spec.initContainers.filter((c) => c !== side);
        delete side.restartPolicy;
        spec.containers.push(side);
        t.apply({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi-classic-sidecar' }, spec: { backoffLimit: 0, template: { spec } } });
        sidecarJob.set(t.ns, 'pi-classic-sidecar');
        // pi itself finishes; the Job would complete now if the sidecar did not hold it.
        await t.eventually('pi finished in the copy', () => t.pods({ 'batch.kubernetes.io/job-name': 'pi-classic-sidecar' })
          .some((x) => (x.status.containerStatuses || []).some((s) => s.name === 'pi' && s.state?.terminated)), { timeout: 90 });
      },
    },
  ],
};
