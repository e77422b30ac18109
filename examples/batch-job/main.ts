/**
 * batch-job: two run-to-completion Jobs. `pi` is the single-pod Job from the Kubernetes docs
 * (2,000 digits of pi); `shard-sums` is an Indexed Job of 5 pods, 3 at a time, where each pod
 * sums its own slice of 1..50000, found from JOB_COMPLETION_INDEX.
 */
import { App, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BatchJob, CompletionMode, JobRestartPolicy } from '../../src';

/** A single-pod Job and an Indexed Job. */
export class BatchJobChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Defaults: one pod, restartPolicy Never (a failed pod stays for its logs), 6 retries,
    // deleted a day after it finishes.
    new BatchJob(this, 'pi', {
      containers: [{
        name: 'pi',
        image: 'perl:5.40.0-slim',
        command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'],
      }],
    });
    // Each index n in 0..4 sums 10000n+1 .. 10000(n+1).
    new BatchJob(this, 'shard-sums', {
      completionMode: CompletionMode.INDEXED,
      completions: 5,
      parallelism: 3,
      restartPolicy: JobRestartPolicy.ON_FAILURE,
      backoffLimit: 2,
      activeDeadline: Duration.minutes(10),
      ttlAfterFinished: Duration.hours(1),
      containers: [{
        name: 'sum',
        image: 'busybox:1.36.1',
        command: ['sh', '-c', 'seq $((JOB_COMPLETION_INDEX * 10000 + 1)) $(((JOB_COMPLETION_INDEX + 1) * 10000)) | awk \'{ s += $1 } END { print s }\''],
      }],
    });
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new BatchJobChart(app, 'batch-job');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
