/**
 * sidecar: two classic sidecars beside a web server. A content sidecar renders the site's page
 * every 10 s into a shared volume that nginx serves read-only; a log-streaming sidecar follows
 * the access log nginx writes to a second shared volume and prints it on its own stdout (the
 * streaming-sidecar pattern of the Kubernetes logging docs), where a node's log agent picks it up.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HealthProbe, HighlyAvailable, NetworkSegmentation, ResourcePreset, RestrictedPods, Sidecar } from '../../src';
import { nginxContainer } from '../shared/demo-containers';

/** The content sidecar's loop: write the page to a temp file and rename it, so nginx never serves half a page. */
const RENDER_LOOP = [
  'while true; do',
  '  printf "<h1>Today\'s specials</h1>\\n<p>rendered %s by %s</p>\\n" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$HOSTNAME" > /content/.index.html',
  '  mv /content/.index.html /content/index.html',
  '  sleep 10',
  'done',
].join('\n');

/** The log streamer is ready once nginx's access log is there to follow, alive while it follows it. */
const LOG_STREAMER_PROBES = {
  readiness: HealthProbe.exec(['test', '-r', '/var/log/nginx/access.log']),
  liveness: HealthProbe.exec(['pidof', 'tail']),
};

/** A web server with content and log-streaming sidecars. */
export class SidecarChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const web = new kplus.Deployment(this, 'web', {
      replicas: 2,
      containers: [nginxContainer(this)],
    });

    new Sidecar(this, 'content', {
      workload: web,
      container: { name: 'content', image: 'busybox:1.36.1', command: ['sh', '-c', RENDER_LOOP] },
      sharedVolume: { sidecarMountPath: '/content', mainMountPath: '/usr/share/nginx/html', mainReadOnly: true, sizeLimit: Size.mebibytes(16) },
      probes: {
        readiness: HealthProbe.exec(['test', '-s', '/content/index.html']),
        // Alive while it keeps rendering: the page is younger than a minute.
        liveness: HealthProbe.exec(['sh', '-c', 'test -n "$(find /content/index.html -mmin -1)"'], { period: Duration.seconds(30) }),
      },
    });

    new Sidecar(this, 'log-streamer', {
      workload: web,
      container: { name: 'access-log', image: 'busybox:1.36.1', command: ['tail', '-n+1', '-F', '/var/log/nginx/access.log'] },
      sharedVolume: { sidecarMountPath: '/var/log/nginx', sidecarReadOnly: true, sizeLimit: Size.mebibytes(64) },
      resources: ResourcePreset.MICRO,
      probes: LOG_STREAMER_PROBES,
    });

    new HighlyAvailable(this, 'web-ha', { workload: web });
    web.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    // Zero trust in the namespace: every pod isolated, DNS allowed, nothing else: the web server only serves.
    new NetworkSegmentation(this, 'segmentation');
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
