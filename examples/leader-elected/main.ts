/**
 * leader-elected: a controller that runs 2 replicas of which one leads through a Lease, with an
 * Adapter that exports its metrics for Prometheus.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Adapter, LeaderElected, NetworkPeer, NetworkSegmentation } from '../../src';

/** A leader-elected controller with a metrics adapter. */
export class LeaderElectedChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const controller = new LeaderElected(this, 'reconciler', {
      leaseName: 'reconciler-leader',
      recordEvents: true,
      containers: [{
        name: 'reconciler',
        image: 'ghcr.io/cdk8s-patterns/reconciler:0.9.2',
        args: ['--leader-elect', '--leader-elect-lease=$(LEASE_NAME)', '--status-file=/var/run/reconciler/status.json'],
        portNumber: 8081,
        readiness: kplus.Probe.fromHttpGet('/readyz', { port: 8081 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8081 }),
      }],
    });
    const service = controller.deployment.exposeViaService({ name: 'reconciler', ports: [{ port: 8081, targetPort: 8081, name: 'health' }] });
    const adapter = new Adapter(this, 'metrics', {
      workload: controller.deployment,
      container: {
        name: 'exporter',
        image: 'ghcr.io/cdk8s-patterns/status-exporter:1.0.0',
        args: ['--file=/var/run/reconciler/status.json', '--format=json', '--prefix=reconciler', '--listen=:7979'],
      },
      metricsPort: 7979,
      sharedVolume: { mainMountPath: '/var/run/reconciler' },
      service,
    });

    // Zero trust in the namespace: every pod isolated, DNS allowed, the replicas reach the API server (their
    // Lease), and Prometheus (namespace monitoring) scrapes the adapter's port.
    const segmentation = new NetworkSegmentation(this, 'segmentation', { metricsScrapers: [NetworkPeer.namespaceNamed('monitoring')] });
    segmentation.allowFlowsOf(controller);
    segmentation.allowFlowsOf(adapter);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new LeaderElectedChart(app, 'leader-elected');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
