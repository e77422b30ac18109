// PeriodicJob: the CronJobs are what the example declares (schedule, time zone, Forbid, starting
// deadline, history limits, the Job's retry and completion settings), and the Jobs they make run:
// a Job created from weekly-compaction (`kubectl create job --from=cronjob/...`, owned by the
// CronJob as a scheduled one would be) completes all its indexes, each pod seeing its own
// JOB_COMPLETION_INDEX; a Job from nightly-report completes, its trigger's POST accepted by the
// chart's reports service; and the CronJob controller deletes the finished Jobs beyond successfulJobsHistoryLimit.
import { condition, expect } from './lib.mjs';

const DECLARED = 'the CronJobs carry the schedule, time zone, concurrency policy, deadlines and limits the example declares';
const COMPLETES = 'a Job created from weekly-compaction completes every index';
const ENDS = 'a Job created from nightly-report completes: the reports service accepted its request';
const HISTORY = 'the CronJob controller deletes finished Jobs beyond successfulJobsHistoryLimit';

/** The CronJob of a PeriodicJob, by its `app.kubernetes.io/name`. */
function cronJob(t, name) {
  const items = t.json(['get', 'cronjobs', '-l', `app.kubernetes.io/name=${name}`]).items;
  if (items.length !== 1) throw new Error(`expected one CronJob labelled app.kubernetes.io/name=${name}, found ${items.length}`);
  return items[0];
}

/** Creates a Job from a CronJob as `kubectl create job --from` does (owned by the CronJob); returns its name. */
function jobFrom(t, cj, short) {
  const name = `${short}-e2e-${Date.now().toString(36)}`;
  t.run(['create', 'job', `--from=cronjob/${cj.metadata.name}`, name]);
  return name;
}

const lastLine = (t, pod) => t.kubectl(['logs', pod.metadata.name]).stdout.trim().split('\n').pop() || '(no log)';

/** One line on a Job's state and its pods, for failure messages. */
function jobState(t, name) {
  const job = t.json(['get', 'job', name]);
  const pods = t.jobPods(name);
  const failed = pods.filter((p) => p.status.phase === 'Failed');
  const exit = failed[0]?.status.containerStatuses?.[0]?.state?.terminated?.exitCode;
  const why = failed.length ? `; a failed pod exited ${exit} after logging "${lastLine(t, failed[0])}"` : '';
  const conds = (job.status?.conditions || []).filter((c) => c.status === 'True').map((c) => `${c.type}/${c.reason}`).join(',');
  return `job ${name}: ${job.status?.succeeded ?? 0}/${job.spec.completions} succeeded, ${job.status?.failed ?? 0} failed`
    + `, ${pods.length} pods${conds ? `, ${conds}` : ''}${why}`;
}

/** Waits until a Job is Complete; fails at once when it Failed. */
async function complete(t, name, timeout) {
  const job = await t.eventually(`${name} Complete`, () => {
    const j = t.json(['get', 'job', name]);
    expect(condition(j, 'Complete') || condition(j, 'Failed'), () => jobState(t, name));
    return j;
  }, { timeout, interval: 1 });
  expect(!condition(job, 'Failed'), () => jobState(t, name));
  return job;
}

export default {
  pattern: 'PeriodicJob',
  // What examples/periodic-job/main.ts declares (the PeriodicJob defaults: Forbid, a 5 minute starting deadline,
  // 3 successful and 1 failed Job kept), per CronJob.
  examples: {
    'periodic-job': {
      cronJobs: {
        'nightly-report': {
          schedule: '30 2 * * MON-FRI', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, suspend: false,
          job: { backoffLimit: 2, activeDeadlineSeconds: 1800, completions: 1, parallelism: 1 },
        },
        'weekly-compaction': {
          schedule: '0 3 * * SUN', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 1800,
          successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1, suspend: false,
          job: { completionMode: 'Indexed', completions: 4, parallelism: 2 },
        },
      },
      // what each weekly-compaction pod logs, with its index
      compactionLog: 'compacting shard {index} of 4',
    },
  },
  checks: [
    {
      name: DECLARED,
      timeout: 30,
      async run(t, { cronJobs }) {
        const seen = [];
        for (const [name, want] of Object.entries(cronJobs)) {
          const cj = cronJob(t, name);
          const { job, ...top } = want;
          for (const [k, v] of Object.entries(top)) {
            expect(cj.spec[k] === v, `${name}: spec.${k} is ${JSON.stringify(cj.spec[k])}, the example declares ${JSON.stringify(v)}`);
          }
          for (const [k, v] of Object.entries(job)) {
            const got = cj.spec.jobTemplate.spec[k];
            expect(got === v, `${name}: jobTemplate.spec.${k} is ${JSON.stringify(got)}, the example declares ${JSON.stringify(v)}`);
          }
          seen.push(`${name} "${cj.spec.schedule}" ${cj.spec.timeZone} ${cj.spec.concurrencyPolicy}`);
        }
        return seen.join('; ');
      },
    },
    {
      name: COMPLETES,
      timeout: 150,
      async run(t, { cronJobs, compactionLog, counterpart }) {
        const cj = cronJob(t, 'weekly-compaction');
        const name = jobFrom(t, cj, 'weekly-compaction');
        const t0 = Date.now();
        const job = await complete(t, name, counterpart ? 25 : 120);
        const secs = ((Date.now() - t0) / 1000).toFixed(0);
        const n = job.spec.completions;
        expect(n === cronJobs['weekly-compaction'].job.completions, `${name} wants ${n} completions`);
        expect(job.status.succeeded === n, `${name} is Complete with ${job.status.succeeded} of ${n} succeeded`);
        expect(job.status.completedIndexes === (n > 1 ? `0-${n - 1}` : '0'), `${name}: completed indexes "${job.status.completedIndexes}"`);
        // each index ran in a pod of its own and saw its JOB_COMPLETION_INDEX
        const want = (i) => compactionLog.replace('{index}', i);
        const done = t.jobPods(name).filter((p) => p.status.phase === 'Succeeded');
        for (let i = 0; i < n; i++) {
          const pod = done.find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === String(i));
          expect(pod, `${name}: no succeeded pod for index ${i}`);
          const log = t.run(['logs', pod.metadata.name]);
          expect(log.includes(want(i)), `${name}: the pod of index ${i} logged "${log.trim()}", not "${want(i)}"`);
        }
        return `${name} Complete in ${secs}s: ${job.status.succeeded}/${n} succeeded, indexes ${job.status.completedIndexes}, `
          + `each pod logged its own index ("${want(0)}" ...)`;
      },
    },
    {
      name: ENDS,
      timeout: 180,
      async run(t, { cronJobs }) {
        const cj = cronJob(t, 'nightly-report');
        const limit = cronJobs['nightly-report'].job.backoffLimit;
        const name = jobFrom(t, cj, 'nightly-report');
        const job = await complete(t, name, 120);
        const pods = t.jobPods(name);
        expect(pods.length <= limit + 1, `${name} took ${pods.length} pods; backoffLimit ${limit} allows ${limit + 1}`);
        const done = pods.find((p) => p.status.phase === 'Succeeded');
        const said = lastLine(t, done);
        expect(said === 'report for yesterday queued', `${name}'s trigger logged "${said}", not the reports service's answer`);
        return `${name} Complete (${job.status.succeeded} succeeded, ${pods.length} pod(s)); the trigger got "${said}"`;
      },
    },
    {
      name: HISTORY,
      timeout: 180,
      async run(t, { cronJobs, counterpart }) {
        const cj = cronJob(t, 'weekly-compaction');
        const keep = cronJobs['weekly-compaction'].successfulJobsHistoryLimit;
        // keep + 1 Jobs, one after the other: once the last completed, the first is beyond the limit
        const made = [];
        for (let i = 0; i <= keep; i++) {
          made.push(jobFrom(t, cj, 'weekly-compaction'));
          await complete(t, made[i], counterpart ? 30 : 120);
        }
        const owned = () => t.json(['get', 'jobs']).items
          .filter((j) => j.metadata.ownerReferences?.some((o) => o.uid === cj.metadata.uid) && condition(j, 'Complete'))
          .map((j) => j.metadata.name);
        const left = await t.eventually(`the CronJob's history down to ${keep}`, () => {
          const names = owned();
          expect(names.length <= keep && !names.includes(made[0]),
            `${names.length} successful Jobs kept (${names.join(', ')}), the example's limit is ${keep}`);
          return names;
        }, { timeout: counterpart ? 15 : 60, interval: 2 });
        expect(left.includes(made[made.length - 1]), `the newest Job ${made[made.length - 1]} was deleted too (kept: ${left.join(', ')})`);
        return `made ${made.join(', ')}: ${made[0]} deleted by the CronJob controller, kept ${left.join(', ')} (limit ${keep})`;
      },
    },
  ],
  counterparts: [
    {
      check: HISTORY,
      breaks: 'weekly-compaction\'s successfulJobsHistoryLimit is raised to 3',
      timeout: 60,
      async break(t) {
        const cj = cronJob(t, 'weekly-compaction');
        t.patch(`cronjob/${cj.metadata.name}`, [{ op: 'replace', path: '/spec/successfulJobsHistoryLimit', value: 3 }]);
      },
    },
    {
      check: COMPLETES,
      breaks: 'weekly-compaction\'s command exits 1',
      timeout: 40,
      async break(t) {
        const cj = cronJob(t, 'weekly-compaction');
        const cmd = ['sh', '-c', 'echo "compacting shard $JOB_COMPLETION_INDEX of 4"; exit 1'];
        t.patch(`cronjob/${cj.metadata.name}`, [{ op: 'replace', path: '/spec/jobTemplate/spec/template/spec/containers/0/command', value: cmd }]);
      },
    },
  ],
};
