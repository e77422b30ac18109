/**
 * batch-job: two run-to-completion Jobs. `pi` is the single-pod Job from the Kubernetes docs
 * (2,000 digits of pi), which also writes its result to a shared volume that a native sidecar
 * streams to its own log (a log shipper, as a Job would have one); the native sidecar starts
 * first and is stopped after pi finishes, so the Job still completes. `shard-sums` is an Indexed Job of 5 pods, 3 at a time, where each pod
 * sums its own slice of 1..50000, found from JOB_COMPLETION_INDEX.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { BatchJob, CompletionMode, JobRestartPolicy, NetworkSegmentation, ResourcePreset, Sidecar } from '../../src';

/** pi's program: print the digits and write them to the shared results volume. */
const PI = 'my $pi = bpi(2000); print $pi; open(my $f, ">", "/results/pi.txt") or die "cannot write /results/pi.txt: $!"; print $f $pi; close($f) or die';

/**
 * The shipper follows the results file. SIGTERM comes as soon as pi exits: busybox `tail -F` polls
 * once a second, so it gets two more polls to ship the last lines, then exits (as PID 1, `tail`
 * alone would ignore SIGTERM for the whole grace period).
 */
const SHIP = 'trap "sleep 2; exit 0" TERM; tail -n+1 -F /results/pi.txt & wait';

/** A single-pod Job and an Indexed Job. */
export class BatchJobChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Defaults: one pod, restartPolicy Never (a failed pod stays for its logs), 6 retries,
    // deleted a day after it finishes.
    const pi = new BatchJob(this, 'pi', {
      containers: [{
        name: 'pi',
        image: 'perl:5.40.0-slim',
        command: ['perl', '-Mbignum=bpi', '-wle', PI],
      }],
    });
    new Sidecar(this, 'result-shipper', {
      workload: pi.job,
      nativeSidecar: true,
      container: { name: 'result-shipper', image: 'busybox:1.36.1', command: ['sh', '-c', SHIP] },
      sharedVolume: { sidecarMountPath: '/results', sidecarReadOnly: true, sizeLimit: Size.mebibytes(1) },
      resources: ResourcePreset.MICRO,
    });
    // Each index n in 0..4 sums 10000n+1 .. 10000(n+1).
    // Zero trust in the namespace: every pod isolated, DNS allowed, nothing else: the Jobs compute alone.
    new NetworkSegmentation(this, 'segmentation');
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
