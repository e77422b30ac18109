import { ApiObject, Chart, Duration, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerKind } from '../core/container-defaults';
import { HealthProbe } from '../core/health-probe';
import { CompletionMode, JobSpecFields, labelJobWorkload } from '../core/job-spec-fields';
import { StandardLabels, StandardLabelsProps } from '../core/labels';
import { INetworkClient, NetworkFlow } from '../core/network-flow';
import { setProbes } from '../core/pod-spec-fields';
import { ResourcePreset } from '../core/resource-preset';
import {
  invalid, validateDnsSubdomain, validateImage, validateNonNegativeInt, validatePort, validatePositiveInt, validateProps, wholeSeconds,
} from '../core/validation';
import { WorkloadOptions, hardenContainers, labelAndSelect, patternLabels } from '../core/workload-pattern';

/**
 * How the workers share the work.
 */
export enum WorkQueueMode {
  /**
   * Workers take items from the queue until it is empty (a Job with `parallelism` N and
   * `completions` unset: the Job completes when any worker exits successfully and none runs).
   */
  QUEUE = 'queue',
  /**
   * A static split: an Indexed Job of `completions` pods; each reads its share from
   * `JOB_COMPLETION_INDEX` (0 to completions - 1). No queue is created.
   */
  STATIC_INDEXED = 'static-indexed',
}

/**
 * A queue the pattern does not create.
 */
export interface ExistingQueueOptions {
  /** The queue's DNS name, e.g. `redis.shared.svc.cluster.local`. */
  readonly host: string;
  /**
   * The queue's port.
   * @default 6379
   */
  readonly port?: number;
}

/**
 * Queue-length autoscaling with a KEDA `ScaledJob` (KEDA must be installed in the cluster).
 */
export interface WorkQueueAutoscaling {
  /**
   * The most worker Jobs KEDA runs at once.
   */
  readonly maxReplicaCount: number;

  /**
   * Items per worker KEDA aims for.
   * @default 5
   */
  readonly targetQueueLength?: number;

  /**
   * How often KEDA checks the queue.
   * @default Duration.seconds(30)
   */
  readonly pollingInterval?: Duration;
}

/**
 * Props of `WorkQueue`.
 */
export interface WorkQueueProps extends WorkloadOptions {
  /**
   * The worker container: it takes items from the queue (`QUEUE_URL`, `QUEUE_NAME`) and exits
   * successfully when the queue is empty. The pattern does the queueing.
   */
  readonly worker: kplus.ContainerProps;

  /**
   * Worker pods running at once (with `autoscaling`: per Job that KEDA starts).
   * @default 3, or 1 with `autoscaling` (KEDA then scales the number of Jobs)
   */
  readonly parallelism?: number;

  /**
   * How the work is shared.
   * @default WorkQueueMode.QUEUE
   */
  readonly mode?: WorkQueueMode;

  /**
   * Pods of an Indexed Job (`mode: STATIC_INDEXED` only, where it is required).
   * @default - none
   */
  readonly completions?: number;

  /**
   * A producer container that fills the queue, run once as its own Job.
   * @default - none: something else fills the queue
   */
  readonly producer?: kplus.ContainerProps;

  /**
   * Use an existing queue instead of creating one.
   * @default - a Redis queue (Deployment with Recreate and a ClusterIP Service) is created
   */
  readonly existingQueue?: ExistingQueueOptions;

  /**
   * The Redis list the items are kept in.
   * @default 'work'
   */
  readonly queueName?: string;

  /**
   * Redis image of the created queue. The default is the Docker Official Image
   * (`docker.io/library/redis`); its entrypoint runs `redis-server` with the arguments
   * `--appendonly yes --save '' --protected-mode no`.
   * @default 'redis:7.4.1-alpine'
   */
  readonly queueImage?: string;

  /**
   * Retries of a failed worker pod before the Job fails.
   * @default 4
   */
  readonly backoffLimit?: number;

  /**
   * Delete the finished Jobs and their pods after this long.
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;

  /**
   * Scale the workers on queue length with a KEDA ScaledJob instead of a fixed Job. When the
   * pattern creates the queue, the chart needs a namespace so KEDA can reach the queue by its
   * full DNS name.
   * @default - a Job with `parallelism` workers
   */
  readonly autoscaling?: WorkQueueAutoscaling;
}

/** Environment variables the workers and the producer receive. */
export const QUEUE_ENV = { URL: 'QUEUE_URL', HOST: 'QUEUE_HOST', PORT: 'QUEUE_PORT', NAME: 'QUEUE_NAME' };

/**
 * Work queue (Burns & Oppenheimer; Designing Distributed Systems): a queue and a pool of
 * workers that each take items until the queue is empty. The user supplies only the worker (and
 * producer) image; the pattern creates a secure Redis queue with its Service (unless given one),
 * passes its address to every worker, and runs the workers as a Job, an Indexed Job for a static
 * split, or a KEDA ScaledJob that scales on queue length.
 */
export class WorkQueue extends Construct implements INetworkClient {
  /** The worker Job (in autoscaling mode the template of the ScaledJob, not emitted itself). */
  public readonly job: kplus.Job;
  /** The producer Job, when a producer was given. */
  public readonly producerJob?: kplus.Job;
  /** The queue's Deployment, when the pattern created the queue. */
  public readonly queueDeployment?: kplus.Deployment;
  /** The queue's Service, when the pattern created the queue. */
  public readonly queueService?: kplus.Service;
  /** The KEDA ScaledJob, in autoscaling mode. */
  public readonly scaledJob?: ApiObject;
  /** The queue's address as the workers see it, e.g. `redis://thumbnails-queue:6379`. */
  public readonly queueUrl: string;

  private readonly queueAddress?: { host: string; port: number };

  /**
   * The workers and the producer reach the queue (for `NetworkSegmentation.allowFlowsOf`): the
   * queue's Service when the pattern created it, else the existing queue's host.
   */
  public get networkFlows(): NetworkFlow[] {
    const a = this.queueAddress;
    if (!a) return [];
    const clients: Array<[string, kplus.Workload]> = [['workers', this.job]];
    if (this.producerJob) clients.push(['producer', this.producerJob]);
    return clients.map(([who, w]) => this.queueService
      ? NetworkFlow.toService(w, this.queueService, `WorkQueue ${this.node.path}: the ${who} use the queue`)
      : NetworkFlow.toHost(w, a.host, a.port, `WorkQueue ${this.node.path}: the ${who} use the queue`));
  }

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    validateProps(this, props, ['worker']);
    validateContainer(this, 'worker', props.worker);
    if (props.producer !== undefined) validateContainer(this, 'producer', props.producer);
    const mode = props.mode ?? WorkQueueMode.QUEUE;
    if (!Object.values(WorkQueueMode).includes(mode)) invalid(this, 'mode', mode, `must be one of ${Object.values(WorkQueueMode).join(', ')}`);
    if (props.autoscaling !== undefined) validateObject(this, 'autoscaling', props.autoscaling, 'must be an object with at least maxReplicaCount');
    const parallelism = validatePositiveInt(this, 'parallelism', props.parallelism ?? (props.autoscaling ? 1 : 3));
    const backoffLimit = validateNonNegativeInt(this, 'backoffLimit', props.backoffLimit ?? 4);
    const queueName = props.queueName ?? 'work';
    if (typeof queueName !== 'string' || !/^[A-Za-z0-9:._-]{1,128}$/.test(queueName)) {
      invalid(this, 'queueName', queueName, 'must be 1-128 characters of letters, digits, ":", ".", "_" and "-"');
    }
    if (props.queueImage !== undefined) validateImage(this, 'queueImage', props.queueImage);
    if (props.existingQueue !== undefined) validateObject(this, 'existingQueue', props.existingQueue, 'must be an object with at least host');
    if (mode === WorkQueueMode.STATIC_INDEXED) {
      if (props.completions === undefined) invalid(this, 'completions', undefined, 'is required with mode STATIC_INDEXED: the number of indexed pods');
      validatePositiveInt(this, 'completions', props.completions);
      if (props.autoscaling) invalid(this, 'autoscaling', props.autoscaling, 'is only for mode QUEUE: an Indexed Job has a fixed number of pods');
      const queueOnly = { producer: props.producer, existingQueue: props.existingQueue, queueName: props.queueName, queueImage: props.queueImage };
      for (const [field, value] of Object.entries(queueOnly)) {
        if (value !== undefined) invalid(this, field, '(set)', 'is only for mode QUEUE: a static split has no queue');
      }
    } else if (props.completions !== undefined) {
      invalid(this, 'completions', props.completions, 'must be unset with mode QUEUE: workers stop when the queue is empty');
    }

    const base = patternLabels(this, props, 'worker');
    const labels = (component: string): StandardLabelsProps => ({ ...base, component });

    // The queue.
    let env: { [name: string]: kplus.EnvValue } = {};
    if (mode === WorkQueueMode.QUEUE) {
      let host: string;
      let port: number;
      if (props.existingQueue) {
        host = validateDnsSubdomain(this, 'existingQueue.host', props.existingQueue.host);
        port = validatePort(this, 'existingQueue.port', props.existingQueue.port ?? 6379);
      } else {
        const queue = this.createRedisQueue(props.queueImage ?? 'redis:7.4.1-alpine', labels('queue'));
        this.queueDeployment = queue.deployment;
        this.queueService = queue.service;
        host = queue.service.name;
        port = 6379;
      }
      this.queueUrl = `redis://${host}:${port}`;
      this.queueAddress = { host, port };
      env = {
        [QUEUE_ENV.URL]: kplus.EnvValue.fromValue(this.queueUrl),
        [QUEUE_ENV.HOST]: kplus.EnvValue.fromValue(host),
        [QUEUE_ENV.PORT]: kplus.EnvValue.fromValue(String(port)),
        [QUEUE_ENV.NAME]: kplus.EnvValue.fromValue(queueName),
      };
    } else {
      this.queueUrl = '';
    }

    // The workers: in autoscaling mode the Job is only a template for the ScaledJob. It is built
    // in this construct, with the same helpers and the app's resolvers, and then taken out of the
    // construct tree, so that it is not emitted on its own.
    const ttlAfterFinished = props.ttlAfterFinished ?? Duration.days(1);
    wholeSeconds(this, 'ttlAfterFinished', ttlAfterFinished, 0);
    const workerProps = { ...props, containers: [{ name: 'worker', ...props.worker, envVariables: { ...env, ...props.worker.envVariables } }] };
    this.job = new kplus.Job(this, 'workers', {
      select: false,
      containers: hardenContainers(this, workerProps, undefined, ContainerKind.JOB),
      backoffLimit,
      ttlAfterFinished,
      restartPolicy: kplus.RestartPolicy.NEVER,
    });
    if (props.autoscaling) this.node.tryRemoveChild(this.job.node.id);
    labelJobWorkload(this.job, labels('worker'));
    if (mode === WorkQueueMode.STATIC_INDEXED) {
      JobSpecFields.setCompletionMode(this.job, CompletionMode.INDEXED);
      JobSpecFields.setCompletions(this.job, props.completions!);
    }
    JobSpecFields.setParallelism(this.job, parallelism);
    const jobObj = ApiObject.of(this.job);

    if (props.autoscaling) {
      this.scaledJob = this.createScaledJob(props.autoscaling, jobObj, queueName, labels('worker'));
    }

    if (props.producer) {
      const producerProps = { ...props, containers: [{ name: 'producer', ...props.producer, envVariables: { ...env, ...props.producer.envVariables } }] };
      this.producerJob = new kplus.Job(this, 'producer', {
        select: false,
        containers: hardenContainers(this, producerProps, ResourcePreset.SMALL, ContainerKind.JOB),
        backoffLimit,
        ttlAfterFinished,
        restartPolicy: kplus.RestartPolicy.NEVER,
      });
      labelJobWorkload(this.producerJob, labels('producer'));
    }
  }

  private createRedisQueue(image: string, labels: StandardLabelsProps): { deployment: kplus.Deployment; service: kplus.Service } {
    const data = kplus.Volume.fromEmptyDir(this, 'queue-data', 'data', { sizeLimit: Size.gibibytes(1) });
    const redis: kplus.ContainerProps = {
      name: 'redis',
      image,
      // The append-only file on the emptyDir survives container restarts. Protected mode
      // would refuse the workers: the queue has no password and is reached only in-cluster.
      args: ['--appendonly', 'yes', '--save', '', '--protected-mode', 'no'],
      ports: [{ number: 6379, name: 'redis' }],
      volumeMounts: [{ path: '/data', volume: data }],
    };
    const deployment = new kplus.Deployment(this, 'queue', {
      replicas: 1,
      select: false,
      // One writer at a time: never two Redis pods with half the queue each.
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: hardenContainers(this, { containers: [redis] }, ResourcePreset.SMALL, ContainerKind.REGULAR, true),
    });
    labelAndSelect(deployment, labels);
    setProbes(this, deployment, 'redis', {
      readiness: HealthProbe.exec(['redis-cli', 'ping'], { period: Duration.seconds(5) }),
      liveness: HealthProbe.tcp({ port: 6379 }),
    });
    const service = new kplus.Service(this, 'queue-service', { ports: [{ port: 6379, targetPort: 6379, name: 'redis' }] });
    for (const [k, v] of Object.entries(StandardLabels.selector(labels))) service.selectLabel(k, v);
    StandardLabels.applyTo(service, labels);
    return { deployment, service };
  }

  private createScaledJob(auto: WorkQueueAutoscaling, jobObj: ApiObject, queueName: string, labels: StandardLabelsProps): ApiObject {
    validatePositiveInt(this, 'autoscaling.maxReplicaCount', auto.maxReplicaCount);
    const target = validatePositiveInt(this, 'autoscaling.targetQueueLength', auto.targetQueueLength ?? 5);
    // KEDA polls from its own namespace: a queue the pattern created needs its full DNS name.
    let address = this.queueUrl.replace('redis://', '');
    if (this.queueService) {
      const namespace = Chart.of(this).namespace;
      if (!namespace) {
        invalid(this, 'autoscaling', '(set)', 'needs the chart\'s namespace (ChartProps.namespace) when the pattern creates the queue: KEDA resolves the queue address from its own namespace; or pass existingQueue with a full DNS name');
      }
      address = `${this.queueService.name}.${namespace}.svc.cluster.local:6379`;
    }
    return new ApiObject(this, 'scaled-job', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledJob',
      metadata: { labels: StandardLabels.of(labels) },
      spec: {
        jobTargetRef: Lazy.any({ produce: () => jobTemplateSpec(jobObj) }),
        pollingInterval: wholeSeconds(this, 'autoscaling.pollingInterval', auto.pollingInterval ?? Duration.seconds(30), 1),
        maxReplicaCount: auto.maxReplicaCount,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        triggers: [{ type: 'redis', metadata: { address, listName: queueName, listLength: String(target) } }],
      },
    });
  }
}

/**
 * The worker Job's spec as a ScaledJob template, without the address label cdk8s-plus gives
 * the pods (it names a Job that is never deployed).
 */
function jobTemplateSpec(job: ApiObject): any {
  const spec = job.toJson().spec;
  delete spec?.template?.metadata?.labels?.['cdk8s.io/metadata.addr'];
  return spec;
}

/** A props field that must be an object (JavaScript callers may pass a string, a list or null). */
function validateObject(scope: Construct, field: string, value: unknown, allowed: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalid(scope, field, value, allowed);
}

/** A container of the pattern's own (`worker`, `producer`): an object with an image. */
function validateContainer(scope: Construct, field: string, props: kplus.ContainerProps): void {
  validateObject(scope, field, props, 'must be container props (kplus.ContainerProps) with at least image');
  validateImage(scope, `${field}.image`, props.image);
}
