'use strict';
// Variant (b): the same objects as patterns.cjs, written by hand with cdk8s-plus-28, L1 classes for
// what cdk8s-plus lacks (PodDisruptionBudget) and JSON patches for the fields it lacks
// (topologySpreadConstraints, Job parallelism). The construct tree mirrors the patterns' one so
// that cdk8s derives the same object names.
const { App, Chart, ApiObject, Duration, JsonPatch, Names, Size } = require('cdk8s');
const kplus = require('cdk8s-plus-28');
const { k8s, Cpu } = kplus;
const { Construct } = require('constructs');
const spec = require('./spec.cjs');

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-patterns' };
const restricted = (extra) => ({
  ensureNonRoot: true,
  readOnlyRootFilesystem: true,
  privileged: false,
  allowPrivilegeEscalation: false,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  ...extra,
});
const helperSecurity = restricted({ user: 65532, group: 65532 });
const resources = (cpuMillis, memMiB) => ({
  cpu: { request: Cpu.millis(cpuMillis) },
  memory: { request: Size.mebibytes(memMiB), limit: Size.mebibytes(memMiB) },
  ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
});
const probeTiming = (period, timeout) => ({
  initialDelaySeconds: Duration.seconds(0),
  periodSeconds: Duration.seconds(period),
  timeoutSeconds: Duration.seconds(timeout),
  successThreshold: 1,
  failureThreshold: 3,
});
const spread = (matchLabels) => ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map(topologyKey => ({
  labelSelector: { matchLabels: { ...matchLabels } }, maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway',
}));
function pdb(scope, labels, matchLabels) {
  // Same tree as the patterns (<scope>/disruption-budget/Resource), so the same name.
  new k8s.KubePodDisruptionBudget(new Construct(scope, 'disruption-budget'), 'Resource', {
    metadata: { labels },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...matchLabels } } },
  });
}
function standardLabels(name, instance, component) {
  return { 'app.kubernetes.io/component': component, 'app.kubernetes.io/instance': instance, ...MANAGED_BY, 'app.kubernetes.io/name': name };
}

spec.run((n) => {
  const app = new App();
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < n; i++) {
    const name = spec.name(i);
    const shared = kplus.Volume.fromEmptyDir(chart, `${name}-shared`, 'log-shipper-shared', { sizeLimit: Size.mebibytes(256) });
    const deployment = new kplus.Deployment(chart, name, {
      replicas: 2,
      containers: [{
        ...spec.appContainer(i),
        securityContext: restricted({}),
        volumeMounts: [{ path: '/var/log/app', volume: shared, readOnly: false }],
      }, {
        name: 'log-shipper',
        image: 'registry.example/fluent-bit:3.1.9',
        resources: resources(50, 64),
        securityContext: helperSecurity,
        volumeMounts: [{ path: '/var/log/app', volume: shared, readOnly: true }],
      }, {
        name: 'adapter',
        image: 'registry.example/exporter:0.15.0',
        ports: [{ number: spec.METRICS_PORT, name: 'metrics' }],
        readiness: kplus.Probe.fromHttpGet('/metrics', { port: spec.METRICS_PORT, ...probeTiming(10, 5) }),
        liveness: kplus.Probe.fromTcpSocket({ port: spec.METRICS_PORT, ...probeTiming(20, 1) }),
        resources: resources(50, 64),
        securityContext: helperSecurity,
      }],
    });
    deployment.podMetadata.addAnnotation('prometheus.io/path', '/metrics');
    deployment.podMetadata.addAnnotation('prometheus.io/port', String(spec.METRICS_PORT));
    deployment.podMetadata.addAnnotation('prometheus.io/scrape', 'true');
    ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', spread(deployment.matchLabels)));
    const own = Names.toLabelValue(deployment);
    pdb(new Construct(chart, `${name}-ha`), standardLabels(own, own, 'disruption-budget'), deployment.matchLabels);

    const extra = spec.extra(i);
    if (extra === 'work-queue') {
      const q = new Construct(chart, `${name}-queue`);
      const labels = standardLabels(`${name}-queue`, Names.toLabelValue(q), 'worker');
      const job = new kplus.Job(q, 'workers', {
        metadata: { labels },
        backoffLimit: 4,
        ttlAfterFinished: Duration.days(1),
        containers: [{
          name: 'worker',
          image: 'registry.example/worker:2.0.0',
          envVariables: {
            QUEUE_URL: kplus.EnvValue.fromValue('redis://queue.shared.svc:6379'),
            QUEUE_HOST: kplus.EnvValue.fromValue('queue.shared.svc'),
            QUEUE_PORT: kplus.EnvValue.fromValue('6379'),
            QUEUE_NAME: kplus.EnvValue.fromValue('work'),
          },
          resources: resources(250, 256),
          securityContext: helperSecurity,
        }],
      });
      for (const [k, v] of Object.entries(labels)) job.podMetadata.addLabel(k, v);
      ApiObject.of(job).addJsonPatch(JsonPatch.add('/spec/parallelism', 3));
    } else if (extra === 'leader-elected') {
      const le = new Construct(chart, `${name}-leader`);
      const instance = Names.toLabelValue(le);
      const labels = standardLabels(`${name}-leader`, instance, 'leader-elected');
      const select = { 'app.kubernetes.io/component': 'leader-elected', 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/name': `${name}-leader` };
      const leaseName = Names.toDnsLabel(le);
      const sa = new kplus.ServiceAccount(le, 'service-account', { automountToken: false, metadata: { labels } });
      const role = new kplus.Role(new Construct(le, 'lease-access'), 'role', { metadata: { labels } });
      role.allow(['create'], kplus.ApiResource.LEASES);
      role.allow(['get', 'update'], { apiGroup: 'coordination.k8s.io', resourceType: 'leases', resourceName: leaseName });
      const binding = role.bind(sa);
      for (const [k, v] of Object.entries(labels)) binding.metadata.addLabel(k, v);
      const d = new kplus.Deployment(le, 'deployment', {
        replicas: 2,
        select: false,
        metadata: { labels },
        podMetadata: { labels },
        serviceAccount: sa,
        automountServiceAccountToken: true,
        containers: [{
          name: 'main',
          image: 'registry.example/reconciler:0.9.2',
          envVariables: {
            LEASE_NAME: kplus.EnvValue.fromValue(leaseName),
            LEASE_NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
            POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
            POD_NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
          },
          resources: resources(250, 256),
          securityContext: helperSecurity,
        }],
      });
      d.select(kplus.LabelSelector.of({ labels: select }));
      ApiObject.of(d).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', spread(select)));
      pdb(new Construct(le, 'high-availability'), labels, select);
    }
  }
  return app.synthYaml();
});
