/**
 * rollouts: one web application, the storefront, released the five ways of the microservice
 * operations talks, side by side in one namespace:
 * - recreate:   stop every old pod, then start the new ones (Rollout + ReleaseStrategy.recreate());
 * - ramped:     replace pods one at a time at full capacity (ReleaseStrategy.ramped());
 * - blue-green: two full Deployments, the active Service picks one color (BlueGreenDeployment);
 * - canary:     10% of requests to the new version (CanaryDeployment, HTTPRoute weights);
 * - A/B:        requests with `x-variant: b` to B, all others to A (AbTestDeployment).
 * External traffic enters through a Gateway API Gateway (class `traefik`; its listener port 8000
 * is Traefik's `web` entry point, as Traefik's Helm chart installs it). The next release
 * (`buildNextApp`) moves recreate and ramped to 2.0.0 and switches blue-green to green.
 */
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AbTestDeployment, BlueGreenColor, BlueGreenDeployment, CanaryDeployment, HighlyAvailable, NetworkPeer, NetworkSegmentation,
  ReleaseStrategy, ReleaseTrackProps, RequestMatch, ResourcePreset, RestrictedPods, Rollout, StandardLabels, TrafficRouting,
} from '../../src';

const IMAGE = 'ghcr.io/cdk8s-patterns/storefront';
const GATEWAY = 'storefront';

/** The storefront's container at a version. */
function storefront(version: string): kplus.ContainerProps {
  return {
    name: 'storefront',
    image: `${IMAGE}:${version}`,
    portNumber: 8080,
    securityContext: { user: 10001, group: 10001 },
    resources: ResourcePreset.MICRO.toContainerResources(),
    readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
    liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
  };
}

const track = (version: string, replicas?: number): ReleaseTrackProps => ({ containers: [storefront(version)], replicas });

/** A plain cdk8s-plus Deployment of the storefront, released with a strategy. */
function plainRelease(scope: Construct, id: string, version: string, replicas: number, strategy: ReleaseStrategy): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, id, { replicas, containers: [storefront(version)] });
  for (const [k, v] of Object.entries(StandardLabels.of({ name: 'storefront', instance: id, component: 'server' }))) {
    deployment.metadata.addLabel(k, v);
    deployment.podMetadata.addLabel(k, v);
  }
  new Rollout(scope, `${id}-rollout`, { workload: deployment, strategy });
  if (replicas >= 2) new HighlyAvailable(scope, `${id}-ha`, { workload: deployment });
  return deployment;
}

/** Which versions a release of the storefront runs. */
export interface RolloutsVersions {
  /** The version of the recreate and ramped Deployments. */
  readonly plain: string;
  /** The blue-green color that serves. */
  readonly active: BlueGreenColor;
}

/** The storefront released five ways. */
export class RolloutsChart extends Chart {
  constructor(scope: Construct, id: string, versions: RolloutsVersions) {
    super(scope, id);
    // The entry point: one Gateway for the three routed releases (the platform team's, usually).
    new ApiObject(this, 'gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: GATEWAY, labels: StandardLabels.of({ name: 'storefront', instance: 'storefront-gateway', component: 'gateway' }) },
      spec: {
        gatewayClassName: 'traefik',
        listeners: [{ name: 'http', port: 8000, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }],
      },
    });
    const gateway = (host: string) => TrafficRouting.gatewayApi({ gatewayName: GATEWAY, listenerName: 'http', hostnames: [host] });

    plainRelease(this, 'recreate', versions.plain, 1, ReleaseStrategy.recreate());
    plainRelease(this, 'ramped', versions.plain, 2, ReleaseStrategy.ramped({
      maxSurge: kplus.PercentOrAbsolute.absolute(1),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      minReady: Duration.seconds(5),
    }));

    const blueGreen = new BlueGreenDeployment(this, 'blue-green', {
      appName: 'storefront',
      blue: track('1.0.0'),
      green: track('2.0.0'),
      active: versions.active,
      routing: gateway('blue-green.storefront.test'),
    });

    const canary = new CanaryDeployment(this, 'canary', {
      appName: 'storefront',
      stable: track('1.0.0'),
      canary: track('2.0.0'),
      weight: 10,
      routing: gateway('canary.storefront.test'),
    });

    const ab = new AbTestDeployment(this, 'ab', {
      appName: 'storefront',
      a: track('1.0.0'),
      b: track('2.0.0', 2),
      match: RequestMatch.header('x-variant', 'b'),
      routing: gateway('ab.storefront.test'),
    });

    // Zero trust in the namespace: every pod isolated, DNS allowed, and the gateway's pods (namespace
    // traefik) reach the three routed releases. (The e2e runs Traefik on the node, whose traffic
    // to local pods NetworkPolicies do not filter.)
    const segmentation = new NetworkSegmentation(this, 'segmentation');
    for (const routed of [blueGreen, canary, ab]) segmentation.allowFromGateway(routed, [NetworkPeer.namespaceNamed('traefik')]);
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's chart to an app: 1.0.0 everywhere, blue active. */
export function buildApp(app: App): void {
  new RolloutsChart(app, 'rollouts', { plain: '1.0.0', active: BlueGreenColor.BLUE });
}

/** The next release: recreate and ramped move to 2.0.0, blue-green switches to green. */
export function buildNextApp(app: App): void {
  new RolloutsChart(app, 'rollouts', { plain: '2.0.0', active: BlueGreenColor.GREEN });
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
