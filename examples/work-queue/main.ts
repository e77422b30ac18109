/**
 * work-queue: a producer fills a Redis queue with image names, and 4 workers take items until
 * the queue is empty; a second, static split renders 8 report shards as an Indexed Job. A second
 * chart scales its workers on queue length with a KEDA ScaledJob (KEDA must be installed; the
 * chart needs its namespace so that KEDA can reach the queue by its full DNS name).
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkPeer, NetworkSegmentation, WorkQueue, WorkQueueMode } from '../../src';

/** A queue-fed worker pool and a static split. */
export class WorkQueueChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const thumbnails = new WorkQueue(this, 'thumbnails', {
      worker: { image: 'ghcr.io/cdk8s-patterns/thumbnailer:2.0.0', args: ['--drain'] },
      producer: { image: 'ghcr.io/cdk8s-patterns/thumbnail-producer:2.0.0', args: ['--bucket=uploads'] },
      parallelism: 4,
      queueName: 'thumbnails',
    });
    new WorkQueue(this, 'reports', {
      worker: { image: 'ghcr.io/cdk8s-patterns/report-shard:1.3.0' },
      mode: WorkQueueMode.STATIC_INDEXED,
      completions: 8,
      parallelism: 4,
    });
    // Zero trust in the namespace: every pod isolated, DNS allowed, the thumbnail producer and workers reach
    // their queue; the indexed report shards need no network.
    new NetworkSegmentation(this, 'segmentation').allowFlowsOf(thumbnails);
  }
}

/** Workers scaled by KEDA on the length of the queue. */
export class AutoscaledWorkQueueChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: id });
    const transcode = new WorkQueue(this, 'transcode', {
      worker: { image: 'ghcr.io/cdk8s-patterns/transcoder:1.1.0' },
      producer: { image: 'ghcr.io/cdk8s-patterns/transcode-producer:1.1.0' },
      queueName: 'videos',
      autoscaling: { maxReplicaCount: 10, targetQueueLength: 5 },
    });
    // Zero trust in the namespace: every pod isolated, DNS allowed, producer and workers reach the queue,
    // and KEDA's scaler (namespace keda) reads its length.
    const segmentation = new NetworkSegmentation(this, 'segmentation');
    segmentation.allowFlowsOf(transcode);
    segmentation.allowToService(transcode.queueService!, [NetworkPeer.namespaceNamed('keda')]);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new WorkQueueChart(app, 'work-queue');
  new AutoscaledWorkQueueChart(app, 'work-queue-keda');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
