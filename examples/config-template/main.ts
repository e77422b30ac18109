/**
 * config-template: one nginx configuration template, two parameter sets. An init container
 * (gomplate) renders the template with the parameters of the environment into an emptyDir that
 * nginx reads as its `conf.d` directory. Templates and parameters live in immutable,
 * content-hashed ConfigMaps, so changing either rolls the pods.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ConfigTemplate, HighlyAvailable, NetworkSegmentation, RestrictedPods } from '../../src';
import { nginxContainer } from '../shared/demo-containers';

/** The server block, in gomplate syntax: parameters are under `.params`. */
const SERVER_CONF = `server {
    listen 8080;
    server_name {{ .params.serverName }};
    access_log /dev/stdout {{ .params.logFormat }};
    location = /healthz {
        access_log off;
        return 200 "ok\\n";
    }
    location / {
        default_type text/plain;
        return 200 "{{ .params.banner }}\\n";
    }
}
`;

/** The parameters of each environment. */
const PARAMETER_SETS = {
  dev: { serverName: 'shop.dev.example.com', logFormat: 'main', banner: 'DEVELOPMENT' },
  prod: { serverName: 'shop.example.com', logFormat: 'combined', banner: 'shop' },
};

/** Props of `ConfigTemplateChart`. */
export interface ConfigTemplateChartProps {
  /** The environment, a key of PARAMETER_SETS. */
  readonly environment: string;
  /**
   * The parameters of each environment.
   * @default PARAMETER_SETS
   */
  readonly parameterSets?: Record<string, Record<string, string>>;
}

/** nginx configured from a template rendered at pod start. */
export class ConfigTemplateChart extends Chart {
  constructor(scope: Construct, id: string, props: ConfigTemplateChartProps) {
    super(scope, id);
    const web = new kplus.Deployment(this, 'web', {
      replicas: 2,
      containers: [nginxContainer(this, { readinessPath: '/healthz' })],
    });

    new ConfigTemplate(this, 'nginx-conf', {
      workload: web,
      templates: { 'default.conf': SERVER_CONF },
      parameterSets: props.parameterSets ?? PARAMETER_SETS,
      environment: props.environment,
      mountPath: '/etc/nginx/conf.d',
    });

    new HighlyAvailable(this, 'web-ha', { workload: web });
    web.exposeViaService({ name: `web-${props.environment}`, ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    // Zero trust in the namespace: every pod isolated, DNS allowed, nothing else: the web server only serves.
    new NetworkSegmentation(this, 'segmentation');
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app: the same template for dev and for prod. */
export function buildApp(app: App): void {
  new ConfigTemplateChart(app, 'config-template-dev', { environment: 'dev' });
  new ConfigTemplateChart(app, 'config-template-prod', { environment: 'prod' });
}

/**
 * The next release of the dev chart: one parameter changes (the banner). Its parameters
 * ConfigMap gets a new content-hashed name, so applying it rolls the pods, which render the new
 * value (test/e2e/behavior/config-template.mjs).
 */
export function buildNextApp(app: App): void {
  new ConfigTemplateChart(app, 'config-template-dev', {
    environment: 'dev',
    parameterSets: { ...PARAMETER_SETS, dev: { ...PARAMETER_SETS.dev, banner: 'DEVELOPMENT, next release' } },
  });
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
