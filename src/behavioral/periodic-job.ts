import { Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerKind } from '../core/container-defaults';
import {
  COMPLETION_INDEX_ENV, JobOptions, applyJobCounts, labelJobWorkload, resolveJobOptions, withCompletionIndex,
} from '../core/job-spec-fields';
import { invalid, required, validateList, validateNonNegativeInt, validateProps, wholeSeconds } from '../core/validation';
import { WorkloadPatternProps, hardenContainers, patternLabels } from '../core/workload-pattern';

/**
 * Props of `PeriodicJob`.
 */
export interface PeriodicJobProps extends WorkloadPatternProps, JobOptions {
  /**
   * When to run, in the five-field cron format `minute hour day-of-month month day-of-week`
   * (e.g. `30 2 * * MON-FRI`), or one of `@yearly`, `@annually`, `@monthly`, `@weekly`,
   * `@daily`, `@midnight`, `@hourly` (written out as the five fields). Each field is `*`, a
   * number, a range `a-b`, any of these followed by a step `/n` (`0-30/10`: every 10th from 0
   * to 30), or a comma-separated list; months and days of the week may be given as `JAN`-`DEC`
   * and `SUN`-`SAT` (0 = Sunday).
   */
  readonly schedule: string;

  /**
   * The IANA time zone the schedule is read in, e.g. `Europe/Berlin` (`spec.timeZone`, GA in
   * Kubernetes 1.27). Do not put `TZ=` or `CRON_TZ=` in the schedule instead: Kubernetes
   * rejects it.
   * @default - the time zone of kube-controller-manager (usually UTC)
   */
  readonly timeZone?: string;

  /**
   * What to do when a run is due while the previous one is still running.
   * @default kplus.ConcurrencyPolicy.FORBID - skip the new run
   */
  readonly concurrencyPolicy?: kplus.ConcurrencyPolicy;

  /**
   * How late a run may still start after its scheduled time (after a controller outage, or
   * while `FORBID` waits for the previous run); later runs are skipped and counted as missed.
   * Keep it shorter than the interval between runs. At least 10 seconds.
   * @default Duration.minutes(5)
   */
  readonly startingDeadline?: Duration;

  /**
   * Finished successful Jobs kept (with their pods) for inspection.
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;

  /**
   * Failed Jobs kept (with their pods) for debugging.
   * @default 1
   */
  readonly failedJobsHistoryLimit?: number;

  /**
   * Suspend future runs (running Jobs are not stopped).
   * @default false
   */
  readonly suspend?: boolean;

  /**
   * Delete each finished Job this long after it finishes, instead of keeping a history of
   * them; cannot be combined with the history limits.
   * @default - not set: the history limits decide which Jobs are kept
   */
  readonly ttlAfterFinished?: Duration;
}

/**
 * Periodic job (Kubernetes Patterns, Periodic Job): a CronJob that runs a Job on a schedule.
 *
 * The schedule is validated field by field when the chart is built, not when the API server
 * rejects it. Runs never overlap unless asked (`concurrencyPolicy` FORBID), a run that is
 * more than five minutes late is skipped, and the last 3 successful and the last failed Jobs
 * are kept. The Jobs it creates take the same knobs as `BatchJob` (`completions`,
 * `parallelism`, Indexed mode with `JOB_COMPLETION_INDEX`, `backoffLimit`, `activeDeadline`,
 * `restartPolicy`). The CronJob, its Jobs and their pods carry the standard labels; pods are
 * Pod Security *restricted* and mount no service-account token.
 */
export class PeriodicJob extends Construct {
  /** The environment variable that holds a pod's index in an Indexed Job. */
  public static readonly COMPLETION_INDEX_ENV = COMPLETION_INDEX_ENV;

  /** The CronJob. */
  public readonly cronJob: kplus.CronJob;
  /** The schedule as written into the CronJob (macros such as `@daily` written out). */
  public readonly schedule: string;

  constructor(scope: Construct, id: string, props: PeriodicJobProps) {
    super(scope, id);
    validateProps(this, props, ['containers', 'schedule']);
    validateList(this, 'containers', props.containers).forEach((c, i) => required(this, `containers[${i}]`, c, 'container props with at least image'));
    const cron = parseSchedule(this, props.schedule);
    this.schedule = cron.expressionString;
    const options = resolveJobOptions(this, props);
    if (props.timeZone !== undefined) validateTimeZone(this, props.timeZone);
    const policies = Object.values(kplus.ConcurrencyPolicy) as string[];
    if (props.concurrencyPolicy !== undefined && !policies.includes(props.concurrencyPolicy)) {
      invalid(this, 'concurrencyPolicy', props.concurrencyPolicy, `must be one of ${policies.join(', ')}`);
    }
    if (props.suspend !== undefined && typeof props.suspend !== 'boolean') invalid(this, 'suspend', props.suspend, 'must be true or false');
    const startingDeadline = props.startingDeadline ?? Duration.minutes(5);
    wholeSeconds(this, 'startingDeadline', startingDeadline, 10, 'the CronJob controller checks schedules every 10 seconds');
    const successful = props.successfulJobsHistoryLimit;
    const failed = props.failedJobsHistoryLimit;
    if (successful !== undefined) validateNonNegativeInt(this, 'successfulJobsHistoryLimit', successful);
    if (failed !== undefined) validateNonNegativeInt(this, 'failedJobsHistoryLimit', failed);
    if (props.ttlAfterFinished !== undefined) {
      wholeSeconds(this, 'ttlAfterFinished', props.ttlAfterFinished, 0);
      if (successful !== undefined || failed !== undefined) {
        invalid(this, 'ttlAfterFinished', props.ttlAfterFinished, 'must be unset when successfulJobsHistoryLimit or failedJobsHistoryLimit is set: the TTL would delete the Jobs the history keeps');
      }
    }

    const labels = patternLabels(this, props, 'periodic-job');
    this.cronJob = new kplus.CronJob(this, 'cronjob', {
      schedule: cron,
      timeZone: props.timeZone,
      concurrencyPolicy: props.concurrencyPolicy ?? kplus.ConcurrencyPolicy.FORBID,
      startingDeadline,
      suspend: props.suspend ?? false,
      // cdk8s-plus refuses history limits next to a TTL; its defaults (3 and 1) are ours.
      ...(props.ttlAfterFinished === undefined
        ? { successfulJobsRetained: successful ?? 3, failedJobsRetained: failed ?? 1 }
        : { ttlAfterFinished: props.ttlAfterFinished }),
      containers: withCompletionIndex(hardenContainers(this, props, undefined, ContainerKind.JOB), options),
      backoffLimit: options.backoffLimit,
      activeDeadline: options.activeDeadline,
      restartPolicy: options.restartPolicy,
    });
    labelJobWorkload(this.cronJob, labels);
    applyJobCounts(this.cronJob, options);
  }
}

const MACROS: { [macro: string]: string } = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for the values from `min` on (months, days of the week). */
  readonly names?: string[];
  /** Whether `?` (any) is accepted, as Kubernetes' cron parser does for the day fields. */
  readonly question?: boolean;
}

const FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 0, max: 6, names: DAYS, question: true },
];

const FIELD_SYNTAX = '*, a number, a range a-b, any of these with a step /n, or a comma-separated list of these';

/**
 * Validates a cron schedule the way Kubernetes' parser reads it (robfig/cron `ParseStandard`)
 * and returns it as five fields.
 */
function parseSchedule(scope: Construct, schedule: string): Cron {
  if (typeof schedule !== 'string') invalid(scope, 'schedule', schedule, 'must be a cron schedule string such as "30 2 * * MON-FRI" or "@daily"');
  const trimmed = schedule.trim();
  if (trimmed.startsWith('@')) {
    const expanded = MACROS[trimmed.toLowerCase()];
    if (!expanded) {
      invalid(scope, 'schedule', schedule, `is not a known macro: use one of ${Object.keys(MACROS).join(', ')}, or five fields`);
    }
    return parseSchedule(scope, expanded);
  }
  const parts = trimmed.split(/\s+/);
  if (/^(CRON_)?TZ=/.test(parts[0])) {
    invalid(scope, 'schedule', schedule, 'must not start with TZ= or CRON_TZ= (Kubernetes rejects it): set timeZone instead');
  }
  if (parts.length !== FIELDS.length) {
    invalid(scope, 'schedule', schedule, `must have 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}, or be a macro such as @daily`);
  }
  parts.forEach((part, i) => validateCronField(scope, schedule, FIELDS[i], part));
  const [minute, hour, day, month, weekDay] = parts;
  return Cron.schedule({ minute, hour, day, month, weekDay });
}

function validateCronField(scope: Construct, schedule: string, field: CronField, part: string): void {
  const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
  const sunday = field.name === 'day-of-week' ? ' (0 = Sunday)' : '';
  const fail = (detail: string): never => invalid(scope, 'schedule', schedule,
    `${field.name} field "${part}": ${detail} (allowed: ${field.min}-${field.max}${names}${sunday}, as ${FIELD_SYNTAX})`);
  const value = (text: string): number => {
    const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
    const n = named >= 0 ? field.min + named : /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(n)) fail(`"${text}" is not a number${field.names ? ' or a name' : ''}`);
    if (n < field.min || n > field.max) fail(`${text} is out of range`);
    return n;
  };
  for (const item of part.split(',')) {
    const [base, step, ...rest] = item.split('/');
    if (rest.length > 0) fail(`"${item}" has more than one "/"`);
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) fail(`step "${step}" must be a whole number of at least 1`);
    if (base === '*' || (field.question && base === '?')) continue;
    const bounds = base.split('-');
    if (bounds.length > 2) fail(`"${base}" is not a range a-b`);
    const from = value(bounds[0]);
    if (bounds.length === 2 && value(bounds[1]) < from) fail(`the range ${base} ends before it starts`);
  }
}

/**
 * An IANA time zone name as the API server accepts it (it loads the name from its tz
 * database, case-sensitively).
 */
function validateTimeZone(scope: Construct, timeZone: string): void {
  const allowed = 'must be an IANA time zone name such as Europe/Berlin, America/New_York or Etc/UTC';
  if (typeof timeZone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) invalid(scope, 'timeZone', timeZone, allowed);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return invalid(scope, 'timeZone', timeZone, allowed);
  }
  if (resolved !== timeZone && resolved.toLowerCase() === timeZone.toLowerCase()) {
    invalid(scope, 'timeZone', timeZone, `${allowed}, spelled exactly (did you mean ${resolved}?)`);
  }
}
