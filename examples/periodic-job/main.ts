/**
 * periodic-job: two CronJobs. `nightly-report` asks the reports service to build yesterday's
 * report at 02:30 Berlin time on weekdays (the chart includes a stand-in reports service, an nginx
 * that accepts the request with 202, so the example runs on its own); `weekly-compaction` compacts 4 storage shards every
 * Sunday at 03:00 UTC as an Indexed Job, 2 shards at a time.
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CompletionMode, HighlyAvailable, NetworkPeer, NetworkSegmentation, PeriodicJob, RestrictedPods } from '../../src';
import { nginxContainer } from '../shared/demo-containers';

/** The stand-in reports service: it queues a daily report on POST and refuses other methods there. */
const REPORTS_CONF = `server {
    listen 8080;
    location = /api/v1/reports/daily {
        limit_except POST { deny all; }
        default_type text/plain;
        return 202 "report for yesterday queued\n";
    }
    location / {
        default_type text/plain;
        return 200 "reports\n";
    }
}
`;

/** A weekday CronJob in a time zone and a weekly Indexed CronJob. */
export class PeriodicJobChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const reports = new kplus.Deployment(this, 'reports', {
      replicas: 2,
      containers: [nginxContainer(this, { name: 'reports', serverConf: REPORTS_CONF })],
    });
    new HighlyAvailable(this, 'reports-ha', { workload: reports });
    const reportsService = reports.exposeViaService({ name: 'reports', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });

    // Defaults: runs never overlap (Forbid), a run more than 5 minutes late is skipped, the
    // last 3 successful and the last failed Job are kept.
    const nightly = new PeriodicJob(this, 'nightly-report', {
      schedule: '30 2 * * MON-FRI',
      timeZone: 'Europe/Berlin',
      backoffLimit: 2,
      activeDeadline: Duration.minutes(30),
      containers: [{
        name: 'trigger',
        image: 'curlimages/curl:8.10.1',
        // Retried: a new pod's first connection can come before the network policies know its
        // address (the CNI adds it within a second), and a Service may be between endpoints.
        args: ['--fail', '--silent', '--show-error', '--retry', '5', '--retry-connrefused', '--retry-delay', '1', '--max-time', '600', '-X', 'POST', 'http://reports/api/v1/reports/daily'],
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
    // Zero trust in the namespace: every pod isolated, DNS allowed, the nightly report's Job reaches the
    // reports service.
    new NetworkSegmentation(this, 'segmentation').allowToService(reportsService, [NetworkPeer.workload(nightly.cronJob)]);
    RestrictedPods.applyTo(this);
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
