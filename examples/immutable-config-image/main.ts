/**
 * immutable-config-image: one web server, two environments. The site's configuration ships as
 * its own image per environment (built `FROM busybox` with the files under /config); an init
 * container copies it into an emptyDir that nginx serves read-only. Dev and prod differ only in
 * the configuration image, and a new configuration image tag rolls the pods.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HighlyAvailable, ImmutableConfigImage, NetworkSegmentation, RestrictedPods } from '../../src';
import { nginxContainer } from '../shared/demo-containers';

/** The configuration image of each environment, pinned to a release tag. */
const CONFIG_IMAGES = {
  dev: 'registry.example.com/shop/config-dev:1.4.0',
  prod: 'registry.example.com/shop/config-prod:1.4.0',
};

/** Props of `ImmutableConfigChart`. */
export interface ImmutableConfigChartProps {
  /** The environment, a key of CONFIG_IMAGES. */
  readonly environment: string;
  /**
   * The configuration image of each environment.
   * @default CONFIG_IMAGES
   */
  readonly images?: Record<string, string>;
}

/** A web server whose configuration comes from an immutable configuration image. */
export class ImmutableConfigChart extends Chart {
  constructor(scope: Construct, id: string, props: ImmutableConfigChartProps) {
    super(scope, id);
    const web = new kplus.Deployment(this, 'web', {
      replicas: 2,
      containers: [nginxContainer(this)],
    });

    new ImmutableConfigImage(this, 'config', {
      workload: web,
      images: props.images ?? CONFIG_IMAGES,
      environment: props.environment,
      mountPath: '/usr/share/nginx/html',
    });

    new HighlyAvailable(this, 'web-ha', { workload: web });
    web.exposeViaService({ name: `web-${props.environment}`, ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    // Zero trust in the namespace: every pod isolated, DNS allowed, nothing else: the web server only serves.
    new NetworkSegmentation(this, 'segmentation');
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app: the same program for dev and for prod. */
export function buildApp(app: App): void {
  new ImmutableConfigChart(app, 'immutable-config-dev', { environment: 'dev' });
  new ImmutableConfigChart(app, 'immutable-config-prod', { environment: 'prod' });
}

/**
 * The next release of the dev chart: only its configuration image tag changes (1.4.0 → 1.5.0).
 * The e2e applies it over the running chart and checks that the pods roll and serve the new
 * configuration (test/e2e/behavior/immutable-config-image.mjs).
 */
export function buildNextApp(app: App): void {
  new ImmutableConfigChart(app, 'immutable-config-dev', {
    environment: 'dev',
    images: { ...CONFIG_IMAGES, dev: 'registry.example.com/shop/config-dev:1.5.0' },
  });
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
