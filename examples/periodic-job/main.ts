/**
 * periodic-job: two CronJobs. `nightly-report` asks the reports service to build yesterday's
 * report at 02:30 Berlin time on weekdays; `weekly-compaction` compacts 4 storage shards every
 * Sunday at 03:00 UTC as an Indexed Job, 2 shards at a time.
 */
import { App, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CompletionMode, PeriodicJob } from '../../src';

/** A weekday CronJob in a time zone and a weekly Indexed CronJob. */
export class PeriodicJobChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Defaults: runs never overlap (Forbid), a run more than 5 minutes late is skipped, the
    // last 3 successful and the last failed Job are kept.
    new PeriodicJob(this, 'nightly-report', {
      schedule: '30 2 * * MON-FRI',
      timeZone: 'Europe/Berlin',
      backoffLimit: 2,
      activeDeadline: Duration.minutes(30),
      containers: [{
        name: 'trigger',
        image: 'curlimages/curl:8.10.1',
        args: ['--fail', '--silent', '--show-error', '--max-time', '600', '-X', 'POST', 'http://reports.shop.svc.cluster.local/api/v1/reports/daily'],
      }],
    });
    new PeriodicJob(this, 'weekly-compaction', {
      schedule: '0 3 * * SUN',
      timeZone: 'Etc/UTC',
      completionMode: CompletionMode.INDEXED,
      completions: 4,
      parallelism: 2,
      startingDeadline: Duration.minutes(30),
      successfulJobsHistoryLimit: 1,
      containers: [{
        name: 'compact',
        image: 'busybox:1.36.1',
        command: ['sh', '-c', 'echo "compacting shard $JOB_COMPLETION_INDEX of 4"'],
      }],
    });
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new PeriodicJobChart(app, 'periodic-job');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
