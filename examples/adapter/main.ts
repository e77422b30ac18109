/**
 * adapter: a legacy application that only writes a status log gets Prometheus metrics through an
 * exporter container that reads the shared log volume, owns the metrics port, is exposed on the
 * application's Service and is announced with scrape annotations. The exporter is the project's
 * own status-exporter (test/e2e/images/demo): it turns the last logfmt line into gauges.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Adapter, HighlyAvailable, NetworkPeer, NetworkSegmentation, ResourcePreset, RestrictedPods } from '../../src';

/** A legacy app with a Prometheus adapter. */
export class AdapterChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const legacy = new kplus.Deployment(this, 'legacy', {
      replicas: 2,
      containers: [{
        name: 'legacy',
        image: 'ghcr.io/cdk8s-patterns/legacy-billing:3.1.4',
        portNumber: 8080,
        envVariables: { STATUS_LOG: kplus.EnvValue.fromValue('/var/log/billing/status.log') },
        securityContext: { user: 10001, group: 10001 },
        resources: ResourcePreset.MEDIUM.toContainerResources(),
        readiness: kplus.Probe.fromHttpGet('/status', { port: 8080 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
      }],
    });
    const service = legacy.exposeViaService({ name: 'billing', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });

    const adapter = new Adapter(this, 'metrics', {
      workload: legacy,
      container: {
        name: 'exporter',
        image: 'ghcr.io/cdk8s-patterns/status-exporter:1.0.0',
        args: ['--file=/var/log/billing/status.log', '--format=logfmt', '--prefix=billing', '--listen=:7979'],
      },
      metricsPort: 7979,
      metricsPath: '/metrics',
      sharedVolume: { mainMountPath: '/var/log/billing' },
      service,
    });

    new HighlyAvailable(this, 'legacy-ha', { workload: legacy });
    // Zero trust in the namespace: every pod isolated, DNS allowed, and Prometheus (namespace monitoring)
    // scrapes the adapter's port.
    new NetworkSegmentation(this, 'segmentation', { metricsScrapers: [NetworkPeer.namespaceNamed('monitoring')] }).allowFlowsOf(adapter);
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new AdapterChart(app, 'adapter');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
