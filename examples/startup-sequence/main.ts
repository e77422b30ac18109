/**
 * startup-sequence: a container chain. Before the API starts, a native-sidecar telemetry agent
 * comes up and passes its startup probe, then an init step waits for the database and a second one runs
 * the schema migrations. On shutdown a preStop sleep drains traffic within a 40 s grace period,
 * and the native sidecar stops only after the API. Native sidecars need Kubernetes 1.29+.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  GracefulShutdown, HealthProbe, HighlyAvailable, NetworkPeer, NetworkSegmentation, ResourcePreset, RestrictedPods, StartupSequence,
} from '../../src';

/** An API whose pods start in a declared order and stop gracefully. */
export class StartupSequenceChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A demo credential; in a real app the Secret comes from a secret manager, not the chart.
    const credentials = new kplus.Secret(this, 'postgres-credentials', { stringData: { password: 'change-me' } });
    const db = new kplus.Deployment(this, 'postgres', {
      replicas: 1,
      containers: [{
        name: 'postgres',
        image: 'postgres:16.4-alpine',
        portNumber: 5432,
        envVariables: {
          POSTGRES_PASSWORD_FILE: kplus.EnvValue.fromValue('/run/secrets/postgres/password'),
          PGDATA: kplus.EnvValue.fromValue('/var/lib/postgresql/data/pgdata'),
          POSTGRES_DB: kplus.EnvValue.fromValue('orders'),
        },
        securityContext: { user: 10070, group: 10070 },
        resources: ResourcePreset.MEDIUM.toContainerResources(),
        // -U: without it libpq looks the user name up in /etc/passwd, which has no entry for
        // the pod's UID, and pg_isready answers "no attempt".
        readiness: kplus.Probe.fromCommand(['pg_isready', '-h', '127.0.0.1', '-U', 'postgres']),
        liveness: kplus.Probe.fromTcpSocket({ port: 5432 }),
        volumeMounts: [
          { path: '/var/lib/postgresql/data', volume: kplus.Volume.fromEmptyDir(this, 'pgdata', 'pgdata') },
          { path: '/var/run/postgresql', volume: kplus.Volume.fromEmptyDir(this, 'pgrun', 'pgrun') },
          // The image's entrypoint gives a UID missing from /etc/passwd a passwd entry through
          // nss_wrapper, in files it creates with mktemp: /tmp must be writable.
          { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'pgtmp', 'pgtmp', { sizeLimit: Size.mebibytes(16) }) },
          { path: '/run/secrets/postgres', volume: kplus.Volume.fromSecret(this, 'pgsecret', credentials, { name: 'credentials' }), readOnly: true },
        ],
      }],
    });
    const dbService = db.exposeViaService({ name: 'postgres', ports: [{ port: 5432, targetPort: 5432, name: 'postgres' }] });
    // What the API and its migrations connect with; the password is the Secret, mounted as a file.
    const dbEnv = {
      DATABASE_URL: kplus.EnvValue.fromValue(`postgres://postgres@${dbService.name}:5432/orders?sslmode=disable`),
      DATABASE_PASSWORD_FILE: kplus.EnvValue.fromValue('/run/secrets/postgres/password'),
    };
    const dbSecret = { path: '/run/secrets/postgres', volume: kplus.Volume.fromSecret(this, 'api-db-secret', credentials, { name: 'db-credentials' }), readOnly: true };

    const api = new kplus.Deployment(this, 'api', {
      replicas: 2,
      containers: [{
        name: 'api',
        image: 'ghcr.io/cdk8s-patterns/orders-api:2.0.1',
        portNumber: 8080,
        envVariables: dbEnv,
        volumeMounts: [dbSecret],
        securityContext: { user: 10001, group: 10001 },
        resources: ResourcePreset.SMALL.toContainerResources(),
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
      }],
    });

    const startup = new StartupSequence(this, 'startup', { workload: api });
    startup.addNativeSidecar({
      name: 'telemetry-agent',
      image: 'ghcr.io/cdk8s-patterns/telemetry-agent:1.0.0',
      portNumber: 13133,
      resources: ResourcePreset.MICRO.toContainerResources(),
    }, {
      startupProbe: HealthProbe.http('/', { port: 13133, period: Duration.seconds(2), failureThreshold: 30 }),
      readiness: HealthProbe.http('/', { port: 13133 }),
      liveness: HealthProbe.tcp({ port: 13133 }),
    });
    startup.addInitStep({
      name: 'wait-for-db',
      image: 'postgres:16.4-alpine',
      command: ['sh', '-c', `until pg_isready -h ${dbService.name} -p 5432 -U postgres; do sleep 2; done`],
    });
    startup.addInitStep({
      name: 'migrate',
      image: 'ghcr.io/cdk8s-patterns/orders-api:2.0.1',
      command: ['/app/migrate', 'up'],
      envVariables: dbEnv,
      volumeMounts: [dbSecret],
    });

    new GracefulShutdown(this, 'shutdown', { workload: api, terminationGracePeriod: Duration.seconds(40), preStopSleepSeconds: 10 });
    new HighlyAvailable(this, 'api-ha', { workload: api });
    api.exposeViaService({ name: 'api', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    // Zero trust in the namespace: every pod isolated, DNS allowed, the API (and its wait-for-database init
    // step) reaches Postgres.
    new NetworkSegmentation(this, 'segmentation').allowToService(dbService, [NetworkPeer.workload(api)]);
    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new StartupSequenceChart(app, 'startup-sequence');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
