/**
 * model-server: a sentiment model served over HTTP, with the model shipped as its own image
 * (KServe's "modelcar"). The model image (busybox plus /models/model.json) runs beside the server
 * as a native sidecar and links its filesystem into a small emptyDir; with the shared process
 * namespace the server reads the model straight out of the model container, nothing copied, and
 * starts only once the model is visible. Both containers run as 10001:10001: reading another
 * container's /proc/<pid>/root under Pod Security "restricted" needs the same UID and GID.
 * A second chart serves the same model through the alternative for small data: an init
 * container copies it into an emptyDir.
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DataImage, DataImageMode, HighlyAvailable, NetworkSegmentation, ResourcePreset, RestrictedPods } from '../../src';

/** The model, as its own image, pinned to its release. */
const MODEL_IMAGE = 'ghcr.io/cdk8s-patterns/sentiment-model:1.0.0';

/** Props of `ModelServerChart`. */
export interface ModelServerChartProps {
  /**
   * How the server gets at the model.
   * @default DataImageMode.PROCESS_NAMESPACE
   */
  readonly mode?: DataImageMode;
}

/** Two replicas of the model server, the model from its data image. */
export class ModelServerChart extends Chart {
  constructor(scope: Construct, id: string, props: ModelServerChartProps = {}) {
    super(scope, id);
    const server = new kplus.Deployment(this, 'server', {
      replicas: 2,
      containers: [{
        name: 'model-server',
        image: 'ghcr.io/cdk8s-patterns/model-server:1.0.0',
        portNumber: 8080,
        // The image's USER, written down: the model container gets the same IDs.
        securityContext: { user: 10001, group: 10001 },
        resources: ResourcePreset.SMALL.toContainerResources(),
        // Ready only once the model is loaded; alive as long as the HTTP server answers.
        readiness: kplus.Probe.fromHttpGet('/readyz', { port: 8080, periodSeconds: Duration.seconds(2) }),
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      }],
    });

    new DataImage(this, 'model', {
      workload: server,
      image: MODEL_IMAGE,
      mode: props.mode,
      mountPathEnv: 'MODEL_DIR',
    });

    new HighlyAvailable(this, 'server-ha', { workload: server });
    server.exposeViaService({ name: id, ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    // Zero trust in the namespace: every pod isolated, DNS allowed, nothing else: the server
    // only serves, and the model is in the pod.
    new NetworkSegmentation(this, 'segmentation');
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app: the model through the process namespace, and copied. */
export function buildApp(app: App): void {
  new ModelServerChart(app, 'model-server');
  new ModelServerChart(app, 'model-server-copy', { mode: DataImageMode.COPY });
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
