/**
 * sidecar: two classic sidecars beside a web server. A git-sync sidecar keeps the site's content
 * fresh in a shared volume that nginx serves read-only; a Fluent Bit sidecar ships the access
 * log nginx writes to a second shared volume.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HealthProbe, HighlyAvailable, ResourcePreset, RestrictedPods, Sidecar } from '../../src';
import { nginxContainer } from '../shared/demo-containers';

/** A web server with content-sync and log-shipping sidecars. */
export class SidecarChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const web = new kplus.Deployment(this, 'web', {
      replicas: 2,
      containers: [nginxContainer(this)],
    });

    new Sidecar(this, 'git-sync', {
      workload: web,
      container: {
        name: 'git-sync',
        image: 'registry.k8s.io/git-sync/git-sync:v4.3.0',
        args: ['--repo=https://github.com/kubernetes/website', '--ref=main', '--root=/git', '--link=html', '--period=60s', '--depth=1', '--http-bind=:2020'],
        portNumber: 2020,
      },
      sharedVolume: { sidecarMountPath: '/git', mainMountPath: '/usr/share/nginx/html', mainReadOnly: true },
      writableTmp: true,
      probes: {
        readiness: HealthProbe.http('/', { port: 2020 }),
        liveness: HealthProbe.tcp({ port: 2020 }),
      },
    });

    new Sidecar(this, 'log-shipper', {
      workload: web,
      container: {
        name: 'fluent-bit',
        image: 'fluent/fluent-bit:3.1.9',
        args: ['-i', 'tail', '-p', 'path=/var/log/nginx/access.log', '-o', 'stdout', '-H', '-P', '2021'],
        portNumber: 2021,
      },
      sharedVolume: { sidecarMountPath: '/var/log/nginx', sidecarReadOnly: true },
      resources: ResourcePreset.MICRO,
      probes: {
        readiness: HealthProbe.http('/api/v1/health', { port: 2021 }),
        liveness: HealthProbe.tcp({ port: 2021 }),
      },
    });

    new HighlyAvailable(this, 'web-ha', { workload: web });
    web.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new SidecarChart(app, 'sidecar');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
