import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StandardLabels, StandardLabelsProps } from './labels';
import { setManifestField } from './manifest-fields';
import { invalid, validateNonNegativeInt, validatePositiveInt, wholeSeconds } from './validation';

/**
 * How a Job counts its completions.
 */
export enum CompletionMode {
  /** Pods are interchangeable: the Job completes after `completions` successful pods. */
  NON_INDEXED = 'NonIndexed',
  /**
   * Each pod gets an index from 0 to `completions - 1` (in `JOB_COMPLETION_INDEX` and the
   * `batch.kubernetes.io/job-completion-index` annotation); the Job completes when every index
   * has succeeded once. GA since Kubernetes 1.24.
   */
  INDEXED = 'Indexed',
}

/**
 * What happens to a Job's pod when a container fails. (`Always` is not allowed for Jobs.)
 */
export enum JobRestartPolicy {
  /**
   * A failed pod stays (with its logs) for debugging and a new pod is started; every new pod
   * counts against `backoffLimit`.
   */
  NEVER = 'Never',
  /**
   * The kubelet restarts the failed container in the same pod: faster, but the failed
   * container's logs are replaced, and the pod is deleted when `backoffLimit` is reached.
   */
  ON_FAILURE = 'OnFailure',
}

/**
 * How a Job runs its pods: the knobs shared by `BatchJob` and the job template of `PeriodicJob`.
 */
export interface JobOptions {
  /**
   * Successful pods the Job needs (with `CompletionMode.INDEXED`: the number of indexes, and
   * required).
   * @default 1
   */
  readonly completions?: number;

  /**
   * Pods running at once; at most `completions`.
   * @default 1
   */
  readonly parallelism?: number;

  /**
   * Whether pods are interchangeable or each works on its own index.
   * @default CompletionMode.NON_INDEXED
   */
  readonly completionMode?: CompletionMode;

  /**
   * Retries (failed pods, or container restarts with `ON_FAILURE`) before the Job fails.
   * @default 6 - the Kubernetes default, written out
   */
  readonly backoffLimit?: number;

  /**
   * The longest the Job may run, retries included, before it is failed and its pods stopped.
   * @default - no deadline
   */
  readonly activeDeadline?: Duration;

  /**
   * What happens to a pod whose container fails.
   * @default JobRestartPolicy.NEVER - failed pods are kept for debugging
   */
  readonly restartPolicy?: JobRestartPolicy;
}

/**
 * The one place where this library writes Job-spec fields that cdk8s-plus-28 does not model
 * (`completions`, `parallelism`, `completionMode`, and the job template's labels of a CronJob).
 * Every field is written with `setManifestField`, at `/spec` of a Job or
 * `/spec/jobTemplate/spec` of a CronJob. Each is a field the Kubernetes 1.28 `JobSpec` knows, so
 * cdk8s-plus's typed serializer keeps it.
 */
export class JobSpecFields {
  /**
   * The JSON-pointer path of the Job spec inside a Job's or CronJob's manifest.
   */
  public static jobSpecPath(workload: kplus.Workload): string {
    const kind = ApiObject.of(workload).kind;
    switch (kind) {
      case 'Job': return '/spec';
      case 'CronJob': return '/spec/jobTemplate/spec';
      default: return invalid(workload, 'workload kind', kind, 'must be Job or CronJob');
    }
  }

  /**
   * Sets any Job-spec field (use the typed methods where one exists). The field must be one
   * Kubernetes 1.28 knows: cdk8s-plus's typed serializer silently drops unknown names.
   */
  public static setJobSpecField(workload: kplus.Workload, field: string, value: any): void {
    setManifestField(workload, `${JobSpecFields.jobSpecPath(workload)}/${field}`, value);
  }

  /** Successful pods the Job needs (`completions`). */
  public static setCompletions(workload: kplus.Workload, completions: number): void {
    JobSpecFields.setJobSpecField(workload, 'completions', validatePositiveInt(workload, 'completions', completions));
  }

  /** Pods running at once (`parallelism`). */
  public static setParallelism(workload: kplus.Workload, parallelism: number): void {
    JobSpecFields.setJobSpecField(workload, 'parallelism', validatePositiveInt(workload, 'parallelism', parallelism));
  }

  /** `NonIndexed` or `Indexed` (`completionMode`). */
  public static setCompletionMode(workload: kplus.Workload, mode: CompletionMode): void {
    JobSpecFields.setJobSpecField(workload, 'completionMode', mode);
  }

  /**
   * Labels of the Jobs a CronJob creates (`/spec/jobTemplate/metadata/labels`): cdk8s-plus
   * labels only the CronJob and its pods.
   */
  public static setJobTemplateLabels(cronJob: kplus.CronJob, labels: { [key: string]: string }): void {
    setManifestField(cronJob, '/spec/jobTemplate/metadata', { labels: { ...labels } });
  }
}

/**
 * `JobOptions` validated, with every default filled in.
 */
export interface ResolvedJobOptions {
  readonly completions: number;
  readonly parallelism: number;
  readonly completionMode: CompletionMode;
  readonly backoffLimit: number;
  readonly activeDeadline?: Duration;
  readonly restartPolicy: kplus.RestartPolicy;
}

/** Kubernetes caps `completions` and `parallelism` of an Indexed Job at 10^5. */
const MAX_INDEXED = 100000;

/**
 * Validates `JobOptions` and fills in the defaults.
 */
export function resolveJobOptions(scope: Construct, options: JobOptions): ResolvedJobOptions {
  const completionMode = options.completionMode ?? CompletionMode.NON_INDEXED;
  if (!Object.values(CompletionMode).includes(completionMode)) {
    invalid(scope, 'completionMode', completionMode, `must be one of ${Object.values(CompletionMode).join(', ')} (CompletionMode)`);
  }
  if (options.restartPolicy !== undefined && !Object.values(JobRestartPolicy).includes(options.restartPolicy)) {
    invalid(scope, 'restartPolicy', options.restartPolicy, `must be one of ${Object.values(JobRestartPolicy).join(', ')} (JobRestartPolicy)`);
  }
  if (completionMode === CompletionMode.INDEXED && options.completions === undefined) {
    invalid(scope, 'completions', undefined, 'is required with completionMode INDEXED: the number of indexes (0 to completions - 1)');
  }
  const completions = validatePositiveInt(scope, 'completions', options.completions ?? 1);
  const parallelism = validatePositiveInt(scope, 'parallelism', options.parallelism ?? 1);
  if (completionMode === CompletionMode.INDEXED && completions > MAX_INDEXED) {
    invalid(scope, 'completions', completions, `must be at most ${MAX_INDEXED} with completionMode INDEXED (a Kubernetes limit)`);
  }
  if (parallelism > completions) {
    invalid(scope, 'parallelism', parallelism, `must be at most completions (${completions}): more pods than completions never run; for workers that drain a queue use WorkQueue`);
  }
  const backoffLimit = validateNonNegativeInt(scope, 'backoffLimit', options.backoffLimit ?? 6);
  if (options.activeDeadline) wholeSeconds(scope, 'activeDeadline', options.activeDeadline, 1);
  const restartPolicy = options.restartPolicy === JobRestartPolicy.ON_FAILURE ? kplus.RestartPolicy.ON_FAILURE : kplus.RestartPolicy.NEVER;
  return { completions, parallelism, completionMode, backoffLimit, activeDeadline: options.activeDeadline, restartPolicy };
}

/**
 * Writes `completions`, `parallelism` and `completionMode` into a Job or CronJob.
 */
export function applyJobCounts(workload: kplus.Workload, options: ResolvedJobOptions): void {
  JobSpecFields.setCompletions(workload, options.completions);
  JobSpecFields.setParallelism(workload, options.parallelism);
  JobSpecFields.setCompletionMode(workload, options.completionMode);
}

/** The annotation the Job controller puts the completion index in. */
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
/** The variable the Job controller sets to the completion index. */
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/**
 * In Indexed mode, passes the completion index to every container explicitly, from the pod's
 * annotation through the downward API (the Job controller sets the same variable itself, but
 * skips containers that already have it; written out, the contract is visible in the manifest).
 * A container's own `JOB_COMPLETION_INDEX` wins.
 */
export function withCompletionIndex(containers: kplus.ContainerProps[], options: ResolvedJobOptions): kplus.ContainerProps[] {
  if (options.completionMode !== CompletionMode.INDEXED) return containers;
  const index = kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_ANNOTATION, { key: COMPLETION_INDEX_ANNOTATION });
  return containers.map(c => ({ ...c, envVariables: { [COMPLETION_INDEX_ENV]: index, ...c.envVariables } }));
}

/**
 * Labels a Job or CronJob and its pods (Jobs select their pods by a controller-generated
 * label, so there is no selector to set); for a CronJob, also the Jobs it creates.
 */
export function labelJobWorkload(workload: kplus.Job | kplus.CronJob, labels: StandardLabelsProps): void {
  const all = StandardLabels.of(labels);
  for (const [k, v] of Object.entries(all)) {
    workload.metadata.addLabel(k, v);
    workload.podMetadata.addLabel(k, v);
  }
  if (workload instanceof kplus.CronJob) JobSpecFields.setJobTemplateLabels(workload, all);
}
