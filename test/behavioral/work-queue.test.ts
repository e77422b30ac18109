import { Chart, Duration, Testing } from 'cdk8s';
import { WorkQueue, WorkQueueMode } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const worker = { image: 'shop/thumbnailer:2.0.0' };

describe('WorkQueue', () => {
  test('creates a Redis queue and Service, and a Job of N workers that get its address', () => {
    const chart = Testing.chart();
    const wq = new WorkQueue(chart, 'thumbnails', { worker, parallelism: 5, producer: { image: 'shop/thumbnail-producer:2.0.0' } });
    const manifests = synth(chart);
    const svc = only(manifests, 'Service');
    const queue = only(manifests, 'Deployment');
    expect(svc.spec.selector).toEqual(queue.spec.selector.matchLabels);
    expect(queue.spec.strategy).toEqual({ type: 'Recreate' });
    expect(container(podSpec(queue), 'redis').securityContext).toMatchObject({ runAsUser: 65532, capabilities: { drop: ['ALL'] } });
    expect(container(podSpec(queue), 'redis').readinessProbe.exec).toEqual({ command: ['redis-cli', 'ping'] });

    const jobs = manifests.filter(m => m.kind === 'Job');
    const workers = jobs.find(j => j.metadata.labels['app.kubernetes.io/component'] === 'worker');
    expect(workers.spec.parallelism).toBe(5);
    expect(workers.spec.completions).toBeUndefined();
    expect(workers.spec.completionMode).toBeUndefined();
    expect(workers.spec.backoffLimit).toBe(4);
    expect(workers.spec.ttlSecondsAfterFinished).toBe(86400);
    expect(podSpec(workers).restartPolicy).toBe('Never');
    const env = container(podSpec(workers), 'worker').env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'QUEUE_URL', value: `redis://${svc.metadata.name}:6379` },
      { name: 'QUEUE_HOST', value: svc.metadata.name },
      { name: 'QUEUE_PORT', value: '6379' },
      { name: 'QUEUE_NAME', value: 'work' },
    ]));
    expect(wq.queueUrl).toBe(`redis://${svc.metadata.name}:6379`);
    const producer = jobs.find(j => j.metadata.labels['app.kubernetes.io/component'] === 'producer');
    expect(container(podSpec(producer), 'producer').env).toEqual(env);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('an existing queue: nothing else is created', () => {
    const chart = Testing.chart();
    new WorkQueue(chart, 'wq', { worker, existingQueue: { host: 'redis.shared.svc.cluster.local', port: 6380 }, queueName: 'images' });
    const manifests = synth(chart);
    expect(manifests.map(m => m.kind)).toEqual(['Job']);
    expect(container(podSpec(manifests[0]), 'worker').env).toContainEqual({ name: 'QUEUE_URL', value: 'redis://redis.shared.svc.cluster.local:6380' });
  });

  test('static split: an Indexed Job and no queue', () => {
    const chart = Testing.chart();
    new WorkQueue(chart, 'wq', { worker, mode: WorkQueueMode.STATIC_INDEXED, completions: 10, parallelism: 4 });
    const manifests = synth(chart);
    expect(manifests.map(m => m.kind)).toEqual(['Job']);
    expect(manifests[0].spec).toMatchObject({ completionMode: 'Indexed', completions: 10, parallelism: 4 });
  });

  test('autoscaling on queue length with a KEDA ScaledJob whose template is the worker Job', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'media' });
    new WorkQueue(chart, 'wq', { worker, autoscaling: { maxReplicaCount: 20, targetQueueLength: 10, pollingInterval: Duration.seconds(15) } });
    const manifests = synth(chart);
    expect(manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'ScaledJob', 'Service']);
    const sj = only(manifests, 'ScaledJob');
    expect(sj.apiVersion).toBe('keda.sh/v1alpha1');
    expect(sj.spec).toMatchObject({ pollingInterval: 15, maxReplicaCount: 20 });
    const svc = only(manifests, 'Service');
    expect(sj.spec.triggers).toEqual([{ type: 'redis', metadata: { address: `${svc.metadata.name}.media.svc.cluster.local:6379`, listName: 'work', listLength: '10' } }]);
    expect(sj.spec.jobTargetRef.parallelism).toBe(1);
    expect(sj.spec.jobTargetRef.template.metadata.labels['cdk8s.io/metadata.addr']).toBeUndefined();
    expect(sj.spec.jobTargetRef.template.spec.containers[0].image).toBe('shop/thumbnailer:2.0.0');
    expect(restrictedViolations([{ kind: 'Job', spec: sj.spec.jobTargetRef }])).toEqual([]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    expect(() => new WorkQueue(chart, 'a', { worker, parallelism: 0 })).toThrow('test/a: invalid parallelism 0: must be a whole number of at least 1');
    expect(() => new WorkQueue(chart, 'b', { worker, mode: WorkQueueMode.STATIC_INDEXED }))
      .toThrow('test/b: invalid completions undefined: is required with mode STATIC_INDEXED: the number of indexed pods');
    expect(() => new WorkQueue(chart, 'c', { worker, completions: 3 }))
      .toThrow('test/c: invalid completions 3: must be unset with mode QUEUE: workers stop when the queue is empty');
    expect(() => new WorkQueue(chart, 'd', { worker, mode: WorkQueueMode.STATIC_INDEXED, completions: 2, producer: worker }))
      .toThrow('test/d: invalid producer "(set)": is only for mode QUEUE: a static split has no queue');
    expect(() => new WorkQueue(chart, 'e', { worker, mode: WorkQueueMode.STATIC_INDEXED, completions: 2, autoscaling: { maxReplicaCount: 2 } }))
      .toThrow('test/e: invalid autoscaling {"maxReplicaCount":2}: is only for mode QUEUE');
    expect(() => new WorkQueue(chart, 'f', { worker, queueName: 'has space' }))
      .toThrow('test/f: invalid queueName "has space": must be 1-128 characters');
    expect(() => new WorkQueue(chart, 'g', { worker, backoffLimit: -1 })).toThrow('test/g: invalid backoffLimit -1: must be a whole number of at least 0');
    expect(() => new WorkQueue(chart, 'h', { worker, existingQueue: { host: 'Bad Host' } })).toThrow('test/h: invalid existingQueue.host "Bad Host": must be a DNS-1123 subdomain');
    expect(() => new WorkQueue(chart, 'i', { worker, existingQueue: { host: 'q.x.svc.cluster.local' }, autoscaling: { maxReplicaCount: 0 } }))
      .toThrow('test/i: invalid autoscaling.maxReplicaCount 0');
    expect(() => new WorkQueue(chart, 'j', { worker, autoscaling: { maxReplicaCount: 2 } }))
      .toThrow('test/j: invalid autoscaling "(set)": needs the chart\'s namespace (ChartProps.namespace) when the pattern creates the queue');
    // cdk8s's own conversion would throw at synth, without naming the construct
    expect(() => new WorkQueue(chart, 'k', { worker, ttlAfterFinished: Duration.millis(1500) }))
      .toThrow('test/k: invalid ttlAfterFinished 1.5s: must be a whole number of seconds, at least 0');
    expect(() => new WorkQueue(chart, 'l', { worker, existingQueue: { host: 'q.x.svc.cluster.local' }, autoscaling: { maxReplicaCount: 2, pollingInterval: Duration.millis(500) } }))
      .toThrow('test/l: invalid autoscaling.pollingInterval 0.5s: must be a whole number of seconds, at least 1');
  });
});

describe('WorkQueue: JavaScript and jsii callers get the library\'s errors', () => {
  const make = (id: string, props: any) => () => new WorkQueue(Testing.chart(), id, props);
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least worker'],
    [{}, 'test/a: invalid worker undefined: is required'],
    [{ worker: null }, 'test/a: invalid worker null: is required'],
    [{ worker: 'shop/thumbnailer:2.0.0' }, 'test/a: invalid worker "shop/thumbnailer:2.0.0": must be container props (kplus.ContainerProps) with at least image'],
    [{ worker: {} }, 'test/a: invalid worker.image undefined: must be a container image reference'],
    [{ worker: { image: 42 } }, 'test/a: invalid worker.image 42: must be a container image reference'],
    [{ worker, producer: { image: '' } }, 'test/a: invalid producer.image "": must be a container image reference'],
    [{ worker, mode: 'fast' }, 'test/a: invalid mode "fast": must be one of queue, static-indexed'],
    [{ worker, parallelism: '5' }, 'test/a: invalid parallelism "5": must be a whole number of at least 1'],
    [{ worker, parallelism: NaN }, 'test/a: invalid parallelism NaN: must be a whole number of at least 1'],
    [{ worker, backoffLimit: '4' }, 'test/a: invalid backoffLimit "4": must be a whole number of at least 0'],
    [{ worker, backoffLimit: Infinity }, 'test/a: invalid backoffLimit Infinity: must be a whole number of at least 0'],
    [{ worker, queueName: 7 }, 'test/a: invalid queueName 7: must be 1-128 characters of letters, digits, ":", ".", "_" and "-"'],
    [{ worker, queueImage: 'redis 7' }, 'test/a: invalid queueImage "redis 7": must be a container image reference'],
    [{ worker, existingQueue: 'redis.shared' }, 'test/a: invalid existingQueue "redis.shared": must be an object with at least host'],
    [{ worker, existingQueue: {} }, 'test/a: invalid existingQueue.host undefined: must be a DNS-1123 subdomain'],
    [{ worker, existingQueue: { host: 'redis.shared', port: '6379' } }, 'test/a: invalid existingQueue.port "6379": must be an integer port number from 1 to 65535'],
    [{ worker, autoscaling: 5 }, 'test/a: invalid autoscaling 5: must be an object with at least maxReplicaCount'],
    [{ worker, existingQueue: { host: 'redis.shared' }, autoscaling: {} }, 'test/a: invalid autoscaling.maxReplicaCount undefined: must be a whole number of at least 1'],
    [{ worker, ttlAfterFinished: 60 }, 'test/a: invalid ttlAfterFinished 60: must be a Duration, e.g. Duration.seconds(30)'],
    [{ worker, existingQueue: { host: 'redis.shared' }, autoscaling: { maxReplicaCount: 2, pollingInterval: 30 } },
      'test/a: invalid autoscaling.pollingInterval 30: must be a Duration, e.g. Duration.seconds(30)'],
  ])('%j', (props, message) => {
    expect(make('a', props)).toThrow(message);
  });

  test('the ScaledJob\'s template Job is built in the app\'s tree but not emitted, and no second App is created', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'media' });
    const wq = new WorkQueue(chart, 'wq', { worker, autoscaling: { maxReplicaCount: 3 } });
    expect(Chart.of(wq.job)).toBe(chart);
    expect(chart.node.findAll()).not.toContain(wq.job);
    expect(app.charts).toEqual([chart]);
    const manifests = synth(chart);
    expect(manifests.filter(m => m.kind === 'Job')).toEqual([]);
    expect(only(manifests, 'ScaledJob').spec.jobTargetRef.template.metadata.labels['app.kubernetes.io/component']).toBe('worker');
  });
});
