/**
 * config-watcher: the operator from Kubernetes Patterns (Operator chapter). A `ConfigWatcher`
 * custom resource connects a ConfigMap with the pods that read it; the operator watches
 * ConfigMaps and ConfigWatchers in its namespace and deletes the selected pods when the
 * ConfigMap changes, so their Deployment recreates them with the new configuration.
 *
 * The chart holds the CustomResourceDefinition, the operator (ServiceAccount, Role with exactly
 * the verbs it needs, singleton Deployment), a web app of two replicas that reads its message
 * from the ConfigMap, and a sample ConfigWatcher for it.
 */
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ApiVerb, CustomResourceDefinition, HighlyAvailable, JsonSchema, NetworkSegmentation, Operator, PrinterColumnType, ResourcePreset, RestrictedPods,
} from '../../src';

const PART_OF = 'config-watcher';

/** The ConfigWatcher kind, its operator, and a web app it restarts. */
export class ConfigWatcherChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const configWatcher = new CustomResourceDefinition(this, 'crd', {
      group: 'k8spatterns.com',
      kind: 'ConfigWatcher',
      shortNames: ['cw'],
      partOf: PART_OF,
      versions: [{
        name: 'v1',
        spec: JsonSchema.ofObject({
          properties: {
            configMap: JsonSchema.ofString({
              description: 'Name of the ConfigMap to monitor for changes',
              minLength: 1,
              maxLength: 253,
              pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
            }),
            podSelector: JsonSchema.mapOf(JsonSchema.ofString(), {
              description: 'Labels of the pods to restart when the ConfigMap changes',
              minProperties: 1,
            }),
          },
          required: ['configMap', 'podSelector'],
        }),
        status: JsonSchema.ofObject({
          properties: {
            restarts: JsonSchema.ofInteger({ description: 'Pods restarted so far', minimum: 0 }),
            lastRestart: JsonSchema.ofString({ description: 'When pods were last restarted', format: 'date-time' }),
          },
        }),
        printerColumns: [
          { name: 'ConfigMap', jsonPath: '.spec.configMap', description: 'The ConfigMap watched' },
          { name: 'Restarts', jsonPath: '.status.restarts', columnType: PrinterColumnType.INTEGER },
          { name: 'Age', jsonPath: '.metadata.creationTimestamp', columnType: PrinterColumnType.DATE },
        ],
      }],
    });

    const operator = new Operator(this, 'operator', {
      customResources: [configWatcher],
      // It reacts to ConfigMap changes ...
      watches: [{ apiGroup: '', resource: 'configmaps' }],
      // ... by finding and deleting the selected pods; nothing else.
      writes: [{ apiGroups: [''], resources: ['pods'], verbs: [ApiVerb.LIST, ApiVerb.DELETE] }],
      partOf: PART_OF,
      resources: ResourcePreset.SMALL,
      containers: [{
        name: 'config-watcher',
        image: 'ghcr.io/cdk8s-patterns/config-watcher-operator:1.0.0',
        args: ['--namespace=$(WATCH_NAMESPACE)', '--health-port=8081'],
        portNumber: 8081,
        readiness: kplus.Probe.fromHttpGet('/readyz', { port: 8081 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8081 }),
      }],
    });

    // The application: reads its message from the ConfigMap at start, so it needs a restart
    // to see a change.
    const config = new kplus.ConfigMap(this, 'webapp-config', {
      data: { message: 'Welcome to Kubernetes Patterns !' },
    });
    const podLabels = { 'app.kubernetes.io/name': 'webapp', 'app.kubernetes.io/part-of': PART_OF };
    const webapp = new kplus.Deployment(this, 'webapp', {
      replicas: 2,
      select: false,
      containers: [{
        name: 'app',
        image: 'ghcr.io/cdk8s-patterns/mini-http-server:1.0.0',
        portNumber: 8080,
        envVariables: { MESSAGE: kplus.EnvValue.fromConfigMap(config, 'message') },
        securityContext: { user: 10101, group: 10101 },
        resources: ResourcePreset.SMALL.toContainerResources(),
        readiness: kplus.Probe.fromHttpGet('/', { port: 8080 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
        volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'webapp-tmp', 'tmp', { sizeLimit: Size.mebibytes(16) }) }],
      }],
    });
    for (const [k, v] of Object.entries(podLabels)) {
      webapp.metadata.addLabel(k, v);
      webapp.podMetadata.addLabel(k, v);
    }
    webapp.select(kplus.LabelSelector.of({ labels: podLabels }));
    webapp.exposeViaService({ name: 'webapp', ports: [{ port: 8080, targetPort: 8080, name: 'http' }] });
    new HighlyAvailable(this, 'webapp-ha', { workload: webapp });

    // The custom resource that ties them together; checked against the schema at synth.
    configWatcher.newInstance(this, 'webapp-watcher', { configMap: config.name, podSelector: podLabels }, { name: 'webapp-config-watcher' });

    // Zero trust in the namespace: every pod isolated, DNS allowed, and the operator reaches the API server.
    new NetworkSegmentation(this, 'segmentation').allowFlowsOf(operator);
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new ConfigWatcherChart(app, 'config-watcher');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
