import { Cron, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BatchJob, CompletionMode, JobRestartPolicy, JobSpecFields } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

function setup(extra: Partial<ConstructorParameters<typeof BatchJob>[2]> = {}) {
  const chart = Testing.chart();
  const batch = new BatchJob(chart, 'report', {
    containers: [{ name: 'report', image: 'shop/report:2.3.1', args: ['--month=2024-05'] }],
    ...extra,
  });
  const manifests = synth(chart);
  return { chart, batch, manifests, job: only(manifests, 'Job') };
}

describe('BatchJob', () => {
  test('defaults: one pod, Never restarts, backoffLimit 6, deleted a day after it finishes', () => {
    const { batch, manifests, job } = setup();
    expect(manifests.map(m => m.kind)).toEqual(['Job']);
    expect(job.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      completionMode: 'NonIndexed',
      backoffLimit: 6,
      ttlSecondsAfterFinished: 86400,
    });
    expect(job.spec.activeDeadlineSeconds).toBeUndefined();
    const spec = podSpec(job);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container(spec, 'report').env).toBeUndefined();
    expect(batch.job).toBeInstanceOf(kplus.Job);
    expect([batch.completions, batch.parallelism, batch.completionMode]).toEqual([1, 1, CompletionMode.NON_INDEXED]);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('the Job and its pods carry the standard labels; Jobs have no user selector', () => {
    const { job } = setup({ partOf: 'billing' });
    const expected = {
      'app.kubernetes.io/name': 'report',
      'app.kubernetes.io/instance': expect.stringMatching(/^test-report-/),
      'app.kubernetes.io/component': 'batch-job',
      'app.kubernetes.io/part-of': 'billing',
      'app.kubernetes.io/managed-by': 'cdk8s-patterns',
    };
    expect(job.metadata.labels).toEqual(expected);
    expect(job.spec.template.metadata.labels).toMatchObject(expected);
    expect(job.spec.selector).toBeUndefined();
  });

  test('a fixed completion count: completions, parallelism, OnFailure, backoffLimit, deadline and TTL reach the YAML', () => {
    const { job } = setup({
      completions: 12,
      parallelism: 4,
      restartPolicy: JobRestartPolicy.ON_FAILURE,
      backoffLimit: 2,
      activeDeadline: Duration.hours(1),
      ttlAfterFinished: Duration.seconds(0),
    });
    expect(job.spec).toMatchObject({
      completions: 12,
      parallelism: 4,
      completionMode: 'NonIndexed',
      backoffLimit: 2,
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 0,
    });
    expect(podSpec(job).restartPolicy).toBe('OnFailure');
  });

  test('Indexed: completionMode Indexed with completions, and JOB_COMPLETION_INDEX from the index annotation', () => {
    const { batch, job, manifests } = setup({ completionMode: CompletionMode.INDEXED, completions: 5, parallelism: 5 });
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 5, parallelism: 5 });
    expect(container(podSpec(job), 'report').env).toEqual([{
      name: 'JOB_COMPLETION_INDEX',
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    }]);
    expect(BatchJob.COMPLETION_INDEX_ENV).toBe('JOB_COMPLETION_INDEX');
    expect(batch.completionMode).toBe(CompletionMode.INDEXED);
    expect(restrictedViolations(manifests)).toEqual([]);
  });

  test('Indexed: a container\'s own JOB_COMPLETION_INDEX and other variables are kept', () => {
    const { job } = setup({
      completionMode: CompletionMode.INDEXED,
      completions: 3,
      containers: [{
        name: 'report',
        image: 'shop/report:2.3.1',
        envVariables: { JOB_COMPLETION_INDEX: kplus.EnvValue.fromValue('7'), SHARDS: kplus.EnvValue.fromValue('3') },
      }],
    });
    expect(container(podSpec(job), 'report').env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', value: '7' },
      { name: 'SHARDS', value: '3' },
    ]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const c = [{ image: 'x/y:1.0' }];
    expect(() => new BatchJob(chart, 'a', { containers: c, completions: 0 }))
      .toThrow('test/a: invalid completions 0: must be a whole number of at least 1');
    expect(() => new BatchJob(chart, 'b', { containers: c, completionMode: CompletionMode.INDEXED }))
      .toThrow('test/b: invalid completions undefined: is required with completionMode INDEXED: the number of indexes (0 to completions - 1)');
    expect(() => new BatchJob(chart, 'c', { containers: c, completions: 2, parallelism: 3 }))
      .toThrow('test/c: invalid parallelism 3: must be at most completions (2): more pods than completions never run; for workers that drain a queue use WorkQueue');
    expect(() => new BatchJob(chart, 'd', { containers: c, parallelism: 1.5 }))
      .toThrow('test/d: invalid parallelism 1.5: must be a whole number of at least 1');
    expect(() => new BatchJob(chart, 'e', { containers: c, completionMode: CompletionMode.INDEXED, completions: 100001 }))
      .toThrow('test/e: invalid completions 100001: must be at most 100000 with completionMode INDEXED (a Kubernetes limit)');
    expect(() => new BatchJob(chart, 'f', { containers: c, backoffLimit: -1 }))
      .toThrow('test/f: invalid backoffLimit -1: must be a whole number of at least 0');
    expect(() => new BatchJob(chart, 'g', { containers: c, activeDeadline: Duration.millis(1500) }))
      .toThrow('test/g: invalid activeDeadline 1.5s: must be a whole number of seconds, at least 1');
    expect(() => new BatchJob(chart, 'h', { containers: c, activeDeadline: Duration.seconds(0) }))
      .toThrow('test/h: invalid activeDeadline 0s: must be a whole number of seconds, at least 1');
    expect(() => new BatchJob(chart, 'i', { containers: c, ttlAfterFinished: Duration.millis(500) }))
      .toThrow('test/i: invalid ttlAfterFinished 0.5s: must be a whole number of seconds, at least 0');
    expect(() => new BatchJob(chart, 'j', { containers: [] }))
      .toThrow('test/j: invalid containers []: must list at least one container');
    expect(() => new BatchJob(chart, 'k', { containers: [{ image: 'x/y:1', securityContext: { privileged: true } }] }))
      .toThrow('test/k: invalid containers[0].securityContext.privileged true: must be false');
  });
});

describe('JobSpecFields', () => {
  test('each field reaches the YAML of a plain Job and of a CronJob\'s job template', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'job', { containers: [{ image: 'x/y:1.0' }] });
    const cron = new kplus.CronJob(chart, 'cron', { schedule: Cron.daily(), containers: [{ image: 'x/y:1.0' }] });
    for (const w of [job, cron]) {
      JobSpecFields.setCompletions(w, 4);
      JobSpecFields.setParallelism(w, 2);
      JobSpecFields.setCompletionMode(w, CompletionMode.INDEXED);
      JobSpecFields.setJobSpecField(w, 'suspend', true);
    }
    JobSpecFields.setJobTemplateLabels(cron, { team: 'data' });
    const manifests = Testing.synth(chart);
    const expected = { completions: 4, parallelism: 2, completionMode: 'Indexed', suspend: true };
    expect(only(manifests, 'Job').spec).toMatchObject(expected);
    const cronJob = only(manifests, 'CronJob');
    expect(cronJob.spec.jobTemplate.spec).toMatchObject(expected);
    expect(cronJob.spec.jobTemplate.metadata).toEqual({ labels: { team: 'data' } });
    expect(JobSpecFields.jobSpecPath(job)).toBe('/spec');
    expect(JobSpecFields.jobSpecPath(cron)).toBe('/spec/jobTemplate/spec');
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const dep = new kplus.Deployment(chart, 'web', { containers: [{ image: 'x/y:1.0' }] });
    expect(() => JobSpecFields.setCompletions(dep, 2)).toThrow('test/web: invalid workload kind "Deployment": must be Job or CronJob');
    const job = new kplus.Job(chart, 'job', { containers: [{ image: 'x/y:1.0' }] });
    expect(() => JobSpecFields.setParallelism(job, 0)).toThrow('test/job: invalid parallelism 0: must be a whole number of at least 1');
    expect(() => JobSpecFields.setCompletions(job, -2)).toThrow('test/job: invalid completions -2: must be a whole number of at least 1');
  });
});

describe('BatchJob: JavaScript and jsii callers get the library\'s errors', () => {
  const containers = [{ image: 'shop/report:1.0.0' }];
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least containers'],
    [null, 'test/a: invalid props null: must be an object with at least containers'],
    [{}, 'test/a: invalid containers undefined: is required'],
    [{ containers: 'shop/report:1.0.0' }, 'test/a: invalid containers "shop/report:1.0.0": must be a list'],
    [{ containers, completions: '3' }, 'test/a: invalid completions "3": must be a whole number of at least 1'],
    [{ containers, ttlAfterFinished: 3600 }, 'test/a: invalid ttlAfterFinished 3600: must be a Duration, e.g. Duration.seconds(30)'],
  ])('%j', (props, message) => {
    expect(() => new BatchJob(Testing.chart(), 'a', props as any)).toThrow(message);
  });
});
