/**
 * singleton: two out-of-application singletons with the trade-off made explicit. A report
 * scheduler favours availability (Deployment, Recreate); a ledger writer favours consistency
 * (StatefulSet: never two writers) and keeps node drains from evicting it.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetworkSegmentation, Singleton, SingletonEviction, SingletonGuarantee } from '../../src';

/** An availability singleton and a consistency singleton. */
export class SingletonChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new Singleton(this, 'report-scheduler', {
      guarantee: SingletonGuarantee.AVAILABILITY,
      containers: [{
        name: 'scheduler',
        image: 'ghcr.io/cdk8s-patterns/report-scheduler:1.1.0',
        portNumber: 8080,
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
      }],
    });
    new Singleton(this, 'ledger-writer', {
      guarantee: SingletonGuarantee.CONSISTENCY,
      eviction: SingletonEviction.BLOCK,
      containers: [{
        name: 'writer',
        image: 'ghcr.io/cdk8s-patterns/ledger-writer:3.0.2',
        portNumber: 8080,
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
      }],
    });
    // Zero trust in the namespace: every pod isolated, DNS allowed, nothing else: neither singleton calls out.
    new NetworkSegmentation(this, 'segmentation');
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new SingletonChart(app, 'singleton');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
