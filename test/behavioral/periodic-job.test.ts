import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CompletionMode, JobRestartPolicy, PeriodicJob } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

function setup(extra: Partial<ConstructorParameters<typeof PeriodicJob>[2]> = {}) {
  const chart = Testing.chart();
  const periodic = new PeriodicJob(chart, 'backup', {
    schedule: '30 2 * * *',
    containers: [{ name: 'backup', image: 'shop/backup:1.4.0' }],
    ...extra,
  });
  const manifests = synth(chart);
  return { chart, periodic, manifests, cron: only(manifests, 'CronJob') };
}

function scheduleOf(schedule: string): string {
  const chart = Testing.chart();
  new PeriodicJob(chart, 'p', { schedule, containers: [{ image: 'x/y:1.0' }] });
  return only(synth(chart), 'CronJob').spec.schedule;
}

describe('PeriodicJob', () => {
  test('defaults: Forbid, a five-minute starting deadline, history 3 and 1, not suspended', () => {
    const { periodic, manifests, cron } = setup();
    expect(manifests.map(m => m.kind)).toEqual(['CronJob']);
    expect(cron.spec).toMatchObject({
      schedule: '30 2 * * *',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      suspend: false,
    });
    expect(cron.spec.timeZone).toBeUndefined();
    const jobSpec = cron.spec.jobTemplate.spec;
    expect(jobSpec).toMatchObject({ completions: 1, parallelism: 1, completionMode: 'NonIndexed', backoffLimit: 6 });
    expect(jobSpec.ttlSecondsAfterFinished).toBeUndefined();
    const spec = podSpec(cron);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(periodic.schedule).toBe('30 2 * * *');
    expect(periodic.cronJob).toBeInstanceOf(kplus.CronJob);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('the CronJob, the Jobs it creates and their pods carry the standard labels', () => {
    const { cron } = setup();
    const labels = {
      'app.kubernetes.io/name': 'backup',
      'app.kubernetes.io/instance': expect.stringMatching(/^test-backup-/),
      'app.kubernetes.io/component': 'periodic-job',
      'app.kubernetes.io/managed-by': 'cdk8s-patterns',
    };
    expect(cron.metadata.labels).toEqual(labels);
    expect(cron.spec.jobTemplate.metadata.labels).toEqual(labels);
    expect(cron.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(labels);
    expect(cron.metadata.name.length).toBeLessThanOrEqual(52);
  });

  test('time zone, concurrency policy, starting deadline, history limits and suspend reach the YAML', () => {
    const { cron } = setup({
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: kplus.ConcurrencyPolicy.REPLACE,
      startingDeadline: Duration.minutes(1),
      successfulJobsHistoryLimit: 5,
      failedJobsHistoryLimit: 0,
      suspend: true,
    });
    expect(cron.spec).toMatchObject({
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Replace',
      startingDeadlineSeconds: 60,
      successfulJobsHistoryLimit: 5,
      failedJobsHistoryLimit: 0,
      suspend: true,
    });
  });

  test('the job template takes the BatchJob knobs, Indexed mode included', () => {
    const { cron } = setup({
      completionMode: CompletionMode.INDEXED,
      completions: 4,
      parallelism: 2,
      backoffLimit: 1,
      activeDeadline: Duration.minutes(30),
      restartPolicy: JobRestartPolicy.ON_FAILURE,
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 4,
      parallelism: 2,
      backoffLimit: 1,
      activeDeadlineSeconds: 1800,
    });
    const spec = podSpec(cron);
    expect(spec.restartPolicy).toBe('OnFailure');
    expect(container(spec, 'backup').env).toEqual([{
      name: 'JOB_COMPLETION_INDEX',
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    }]);
  });

  test('a TTL instead of a history', () => {
    const { cron } = setup({ ttlAfterFinished: Duration.hours(2) });
    expect(cron.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBe(7200);
  });

  test('schedules: macros are written out, names, ranges, steps, lists and ? are kept', () => {
    expect(scheduleOf('@daily')).toBe('0 0 * * *');
    expect(scheduleOf('@midnight')).toBe('0 0 * * *');
    expect(scheduleOf('@hourly')).toBe('0 * * * *');
    expect(scheduleOf('@weekly')).toBe('0 0 * * 0');
    expect(scheduleOf('@monthly')).toBe('0 0 1 * *');
    expect(scheduleOf('@yearly')).toBe('0 0 1 1 *');
    expect(scheduleOf('@annually')).toBe('0 0 1 1 *');
    expect(scheduleOf('*/15 * * * *')).toBe('*/15 * * * *');
    expect(scheduleOf('0 9-17/2 * * 1,3,5')).toBe('0 9-17/2 * * 1,3,5');
    expect(scheduleOf('0 6 1,15 JAN-MAR mon-fri')).toBe('0 6 1,15 JAN-MAR mon-fri');
    expect(scheduleOf(' 5/10  0 ? * SUN ')).toBe('5/10 0 ? * SUN');
    expect(scheduleOf('59 23 31 12 6')).toBe('59 23 31 12 6');
  });

  test('every bad schedule field is named with its value and what is allowed', () => {
    const chart = Testing.chart();
    let n = 0;
    const bad = (schedule: string) => () => new PeriodicJob(chart, `p${n++}`, { schedule, containers: [{ image: 'x/y:1.0' }] });
    const syntax = 'as *, a number, a range a-b, any of these with a step /n, or a comma-separated list of these)';
    expect(bad('60 * * * *')).toThrow(`test/p0: invalid schedule "60 * * * *": minute field "60": 60 is out of range (allowed: 0-59, ${syntax}`);
    expect(bad('0 24 * * *')).toThrow('test/p1: invalid schedule "0 24 * * *": hour field "24": 24 is out of range (allowed: 0-23, as *');
    expect(bad('0 0 0 * *')).toThrow('test/p2: invalid schedule "0 0 0 * *": day-of-month field "0": 0 is out of range (allowed: 1-31, as *');
    expect(bad('0 0 * 13 *')).toThrow('test/p3: invalid schedule "0 0 * 13 *": month field "13": 13 is out of range (allowed: 1-12 or JAN-DEC, as *');
    expect(bad('0 0 * * 7')).toThrow('test/p4: invalid schedule "0 0 * * 7": day-of-week field "7": 7 is out of range (allowed: 0-6 or SUN-SAT (0 = Sunday), as *');
    expect(bad('0 0 * * MON-FRY')).toThrow('test/p5: invalid schedule "0 0 * * MON-FRY": day-of-week field "MON-FRY": "FRY" is not a number or a name');
    expect(bad('*/0 * * * *')).toThrow('test/p6: invalid schedule "*/0 * * * *": minute field "*/0": step "0" must be a whole number of at least 1');
    expect(bad('0 17-9 * * *')).toThrow('test/p7: invalid schedule "0 17-9 * * *": hour field "17-9": the range 17-9 ends before it starts');
    expect(bad('1/2/3 * * * *')).toThrow('test/p8: invalid schedule "1/2/3 * * * *": minute field "1/2/3": "1/2/3" has more than one "/"');
    expect(bad('1-2-3 * * * *')).toThrow('test/p9: invalid schedule "1-2-3 * * * *": minute field "1-2-3": "1-2-3" is not a range a-b');
    expect(bad('? * * * *')).toThrow('test/p10: invalid schedule "? * * * *": minute field "?": "?" is not a number');
    expect(bad('1,,2 * * * *')).toThrow('test/p11: invalid schedule "1,,2 * * * *": minute field "1,,2": "" is not a number');
    expect(bad('0 0 * *')).toThrow('test/p12: invalid schedule "0 0 * *": must have 5 fields (minute hour day-of-month month day-of-week), not 4, or be a macro such as @daily');
    expect(bad('0 0 0 * * *')).toThrow('test/p13: invalid schedule "0 0 0 * * *": must have 5 fields');
    expect(bad('')).toThrow('test/p14: invalid schedule "": must have 5 fields');
    expect(bad('@every 5m')).toThrow('test/p15: invalid schedule "@every 5m": is not a known macro: use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, or five fields');
    expect(bad('CRON_TZ=UTC 0 0 * * *')).toThrow('test/p16: invalid schedule "CRON_TZ=UTC 0 0 * * *": must not start with TZ= or CRON_TZ= (Kubernetes rejects it): set timeZone instead');
    expect(bad('TZ=Europe/Berlin 0 0 * * *')).toThrow('test/p17: invalid schedule "TZ=Europe/Berlin 0 0 * * *": must not start with TZ= or CRON_TZ=');
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const base = { schedule: '@daily', containers: [{ image: 'x/y:1.0' }] };
    const tz = 'must be an IANA time zone name such as Europe/Berlin, America/New_York or Etc/UTC';
    expect(() => new PeriodicJob(chart, 'a', { ...base, timeZone: 'Mars/Olympus_Mons' })).toThrow(`test/a: invalid timeZone "Mars/Olympus_Mons": ${tz}`);
    expect(() => new PeriodicJob(chart, 'b', { ...base, timeZone: 'Central European Time' })).toThrow(`test/b: invalid timeZone "Central European Time": ${tz}`);
    expect(() => new PeriodicJob(chart, 'c', { ...base, timeZone: 'europe/berlin' })).toThrow(`test/c: invalid timeZone "europe/berlin": ${tz}, spelled exactly (did you mean Europe/Berlin?)`);
    expect(() => new PeriodicJob(chart, 'd', { ...base, startingDeadline: Duration.seconds(5) }))
      .toThrow('test/d: invalid startingDeadline 5s: must be a whole number of seconds, at least 10: the CronJob controller checks schedules every 10 seconds');
    expect(() => new PeriodicJob(chart, 'e', { ...base, successfulJobsHistoryLimit: -1 }))
      .toThrow('test/e: invalid successfulJobsHistoryLimit -1: must be a whole number of at least 0');
    expect(() => new PeriodicJob(chart, 'f', { ...base, failedJobsHistoryLimit: 0.5 }))
      .toThrow('test/f: invalid failedJobsHistoryLimit 0.5: must be a whole number of at least 0');
    expect(() => new PeriodicJob(chart, 'g', { ...base, ttlAfterFinished: Duration.hours(1), successfulJobsHistoryLimit: 2 }))
      .toThrow('test/g: invalid ttlAfterFinished 3600s: must be unset when successfulJobsHistoryLimit or failedJobsHistoryLimit is set: the TTL would delete the Jobs the history keeps');
    expect(() => new PeriodicJob(chart, 'h', { ...base, completionMode: CompletionMode.INDEXED }))
      .toThrow('test/h: invalid completions undefined: is required with completionMode INDEXED');
    expect(() => new PeriodicJob(chart, 'i', { ...base, completions: 2, parallelism: 4 }))
      .toThrow('test/i: invalid parallelism 4: must be at most completions (2)');
    expect(() => new PeriodicJob(chart, 'j', { ...base, containers: [] }))
      .toThrow('test/j: invalid containers []: must list at least one container');
    expect(() => new PeriodicJob(chart, 'k', { ...base, appName: 'Nightly Backup' }))
      .toThrow('test/k: invalid appName "Nightly Backup": must be a label value');
  });
});

describe('PeriodicJob: JavaScript and jsii callers get the library\'s errors', () => {
  const containers = [{ image: 'shop/cleanup:1.0.0' }];
  const schedule = '0 3 * * *';
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least containers, schedule'],
    [{}, 'test/a: invalid containers undefined: is required'],
    [{ containers }, 'test/a: invalid schedule undefined: is required'],
    [{ containers: { image: 'x:1' }, schedule }, 'test/a: invalid containers {"image":"x:1"}: must be a list'],
    [{ containers, schedule: 5 }, 'test/a: invalid schedule 5: must be a cron schedule string such as "30 2 * * MON-FRI" or "@daily"'],
    [{ containers, schedule, timeZone: 1 }, 'test/a: invalid timeZone 1: must be an IANA time zone name'],
    [{ containers, schedule, concurrencyPolicy: 'Skip' }, 'test/a: invalid concurrencyPolicy "Skip": must be one of Allow, Forbid, Replace'],
    [{ containers, schedule, suspend: 'yes' }, 'test/a: invalid suspend "yes": must be true or false'],
    [{ containers, schedule, startingDeadline: 300 }, 'test/a: invalid startingDeadline 300: must be a Duration, e.g. Duration.seconds(30)'],
    [{ containers, schedule, successfulJobsHistoryLimit: '3' }, 'test/a: invalid successfulJobsHistoryLimit "3": must be a whole number of at least 0'],
  ])('%j', (props, message) => {
    expect(() => new PeriodicJob(Testing.chart(), 'a', props as any)).toThrow(message);
  });
});
