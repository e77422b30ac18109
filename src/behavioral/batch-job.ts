import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerKind } from '../core/container-defaults';
import {
  COMPLETION_INDEX_ENV, CompletionMode, JobOptions, applyJobCounts, labelJobWorkload, resolveJobOptions, withCompletionIndex,
} from '../core/job-spec-fields';
import { required, validateList, validateProps, wholeSeconds } from '../core/validation';
import { WorkloadPatternProps, hardenContainers, patternLabels } from '../core/workload-pattern';

/**
 * Props of `BatchJob`.
 */
export interface BatchJobProps extends WorkloadPatternProps, JobOptions {
  /**
   * Delete the finished Job and its pods this long after it completes or fails
   * (`ttlSecondsAfterFinished`); `Duration.seconds(0)` deletes it at once.
   * @default Duration.days(1) - a day to read the logs
   */
  readonly ttlAfterFinished?: Duration;
}

/**
 * Batch job (Kubernetes Patterns, Batch Job): a Job that runs its pods to completion, once.
 *
 * Three shapes, from the same props:
 * - a single pod (the defaults: `completions` 1, `parallelism` 1);
 * - a fixed completion count: `completions` N successful pods, `parallelism` of them at once;
 * - an Indexed Job (`completionMode: CompletionMode.INDEXED`, `completions` N): each pod works
 *   on its own index from 0 to N - 1 and reads it from the `JOB_COMPLETION_INDEX` environment
 *   variable (also passed explicitly from the pod's `batch.kubernetes.io/job-completion-index`
 *   annotation), e.g. to process the N-th slice of a file.
 *
 * For workers that drain a queue (`completions` unset), use `WorkQueue`. Every field
 * cdk8s-plus-28's Job lacks (`completions`, `parallelism`, `completionMode`) is written by
 * `JobSpecFields`. Pods are Pod Security *restricted*, mount no service-account token, and
 * carry the standard labels, as does the Job.
 */
export class BatchJob extends Construct {
  /** The environment variable that holds a pod's index in an Indexed Job. */
  public static readonly COMPLETION_INDEX_ENV = COMPLETION_INDEX_ENV;

  /** The Job. */
  public readonly job: kplus.Job;
  /** Successful pods the Job needs. */
  public readonly completions: number;
  /** Pods running at once. */
  public readonly parallelism: number;
  /** Whether the pods are indexed. */
  public readonly completionMode: CompletionMode;

  constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id);
    validateProps(this, props, ['containers']);
    validateList(this, 'containers', props.containers).forEach((c, i) => required(this, `containers[${i}]`, c, 'container props with at least image'));
    const options = resolveJobOptions(this, props);
    const ttl = props.ttlAfterFinished ?? Duration.days(1);
    wholeSeconds(this, 'ttlAfterFinished', ttl, 0);
    this.completions = options.completions;
    this.parallelism = options.parallelism;
    this.completionMode = options.completionMode;

    const labels = patternLabels(this, props, 'batch-job');
    this.job = new kplus.Job(this, 'job', {
      containers: withCompletionIndex(hardenContainers(this, props, undefined, ContainerKind.JOB), options),
      backoffLimit: options.backoffLimit,
      activeDeadline: options.activeDeadline,
      ttlAfterFinished: ttl,
      restartPolicy: options.restartPolicy,
    });
    labelJobWorkload(this.job, labels);
    applyJobCounts(this.job, options);
  }
}
