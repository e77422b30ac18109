'use strict';
// Variant (b): the same objects as patterns.cjs, written by hand with cdk8s-plus-28, L1 classes for
// what cdk8s-plus lacks (PodDisruptionBudget, NetworkPolicy; the Gateway API's Gateway and
// HTTPRoute as plain ApiObjects) and JSON patches for the fields it lacks
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
// The selector of standard labels: all but managed-by.
const selectorOf = (labels) => {
  const s = { ...labels };
  delete s['app.kubernetes.io/managed-by'];
  return s;
};
// The exporter container and its scrape annotations, as every Adapter in this app adds them.
const adapterContainer = () => ({
  name: 'adapter',
  image: 'registry.example/exporter:0.15.0',
  ports: [{ number: spec.METRICS_PORT, name: 'metrics' }],
  readiness: kplus.Probe.fromHttpGet('/metrics', { port: spec.METRICS_PORT, ...probeTiming(10, 5) }),
  liveness: kplus.Probe.fromTcpSocket({ port: spec.METRICS_PORT, ...probeTiming(20, 1) }),
  resources: resources(50, 64),
  securityContext: helperSecurity,
});
function scrapeAnnotations(workload) {
  workload.podMetadata.addAnnotation('prometheus.io/path', '/metrics');
  workload.podMetadata.addAnnotation('prometheus.io/port', String(spec.METRICS_PORT));
  workload.podMetadata.addAnnotation('prometheus.io/scrape', 'true');
}

// Releases: a track is <release>/<track>/deployment (+ high-availability from 2 replicas), its pods
// labelled and selected by the release's labels plus the track label.
const TRACK = 'release.cdk8s-patterns.io/track';
function releaseTrack(release, track, labels, replicas, container, extraContainers = []) {
  const scope = new Construct(release, track);
  const own = { ...labels, [TRACK]: track };
  const select = { ...selectorOf(labels), [TRACK]: track };
  const d = new kplus.Deployment(scope, 'deployment', {
    replicas,
    select: false,
    metadata: { labels: own },
    podMetadata: { labels: own },
    containers: [{ ...container, resources: resources(250, 256), securityContext: helperSecurity }, ...extraContainers],
  });
  d.select(kplus.LabelSelector.of({ labels: select }));
  if (replicas >= 2) {
    ApiObject.of(d).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', spread(select)));
    pdb(new Construct(scope, 'high-availability'), labels, select);
  }
  return { scope, deployment: d };
}
// A Service on port 80 to the tracks' 8080, selecting one track's pods; with its selector, for
// the network policy to it.
function trackService(scope, id, labels, track) {
  const service = new kplus.Service(scope, id, {
    metadata: { labels: { ...labels, [TRACK]: track } },
    ports: [{ name: 'http', port: 80, targetPort: spec.APP_PORT }],
  });
  const select = { ...selectorOf(labels), [TRACK]: track };
  for (const [k, v] of Object.entries(select)) service.selectLabel(k, v);
  return { service, select };
}
const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const prefixMatch = (value) => [{ path: { type: 'PathPrefix', value } }];
function httpRoute(scope, id, labels, parentRef, hostnames, rules) {
  return new ApiObject(scope, id, {
    apiVersion: GATEWAY_API,
    kind: 'HTTPRoute',
    metadata: { labels },
    spec: { parentRefs: [parentRef], hostnames, rules },
  });
}

spec.run((n) => {
  const app = new App();
  const chart = new Chart(app, 'bench');
  const egress = []; // [workload, pod selector, destination, egress rule] of the workload patterns' flows, in order
  const canaryServices = [];
  const blueGreens = [];
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
      }, adapterContainer()],
    });
    scrapeAnnotations(deployment);
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
      // The queue is outside the chart: egress to its port, to any address (a DNS name).
      egress.push([job, selectorOf(labels), 'queue.shared.svc', { ports: [{ port: k8s.IntOrString.fromNumber(6379), protocol: 'TCP' }] }]);
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
      egress.push([d, select, 'api-server', {
        to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
        ports: [443, 6443].map(port => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
      }]);
    } else if (extra === 'canary') {
      // Canary: stable (2 replicas) and canary (1) tracks, both with the exporter, a Service each,
      // an HTTPRoute with weighted backends on the shared Gateway.
      const release = new Construct(chart, `${name}-canary`);
      const labels = standardLabels(name, Names.toLabelValue(release), 'server');
      const stable = releaseTrack(release, 'stable', labels, 2, spec.appContainer(i), [adapterContainer()]);
      const canary = releaseTrack(release, 'canary', labels, 1, { ...spec.appContainer(i), image: spec.nextImage(i) }, [adapterContainer()]);
      const stableService = trackService(stable.scope, 'service', labels, 'stable');
      const canaryService = trackService(canary.scope, 'service', labels, 'canary');
      httpRoute(release, 'route', labels, { name: spec.SHARED_GATEWAY.name, namespace: spec.SHARED_GATEWAY.namespace }, [spec.hostname(name)], [{
        matches: prefixMatch('/'),
        backendRefs: [
          { name: stableService.service.name, port: 80, weight: 100 - spec.CANARY_WEIGHT },
          { name: canaryService.service.name, port: 80, weight: spec.CANARY_WEIGHT },
        ],
      }]);
      scrapeAnnotations(stable.deployment);
      scrapeAnnotations(canary.deployment);
      canaryServices.push(stableService, canaryService);
    } else if (extra === 'blue-green') {
      // Blue-green: blue and green tracks (2 replicas each), the active Service on blue, the preview on green.
      const release = new Construct(chart, `${name}-release`);
      const labels = standardLabels(name, Names.toLabelValue(release), 'server');
      releaseTrack(release, 'blue', labels, 2, spec.appContainer(i));
      releaseTrack(release, 'green', labels, 2, { ...spec.appContainer(i), image: spec.nextImage(i) });
      const active = trackService(release, 'active', labels, 'blue');
      const preview = trackService(release, 'preview', labels, 'green');
      blueGreens.push({ name, active, preview });
    }
  }

  // Per chart: the API gateway (a Gateway of class traefik, HTTP on 80) with one HTTPRoute per
  // host: /<name> of the first blue-green services to their active Service (api host) and to their
  // preview Service (preview host).
  const routed = blueGreens.slice(0, spec.API_ROUTES);
  const gatewayBackends = [];
  if (routed.length > 0) {
    const api = new Construct(chart, 'api');
    const labels = standardLabels('api', Names.toLabelValue(api), 'api-gateway');
    const gateway = new ApiObject(api, 'gateway', {
      apiVersion: GATEWAY_API,
      kind: 'Gateway',
      metadata: { labels },
      spec: {
        gatewayClassName: 'traefik',
        listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }],
      },
    });
    const rule = (prefix, backend) => ({ matches: prefixMatch(prefix), backendRefs: [{ name: backend.service.name, port: 80 }] });
    httpRoute(api, 'route', labels, { name: gateway.name }, [spec.API_HOST], routed.map(r => rule(`/${r.name}`, r.active)));
    httpRoute(api, 'route-1', labels, { name: gateway.name }, [spec.PREVIEW_HOST], routed.map(r => rule(`/${r.name}`, r.preview)));
    for (const r of routed) gatewayBackends.push(r.active, r.preview);
  }

  // Per chart: network segmentation. Deny all, allow DNS, the workload patterns' egress, and the
  // gateway's pods to the routed backends (canaries first, then the API gateway's).
  const seg = new Construct(chart, 'segmentation');
  const segLabels = standardLabels('segmentation', Names.toLabelValue(seg), 'network-policy');
  const policy = (id, policySpec) => new k8s.KubeNetworkPolicy(seg, id, { metadata: { labels: segLabels }, spec: policySpec });
  policy('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  policy('allow-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
    }],
  });
  for (const [workload, select, to, rule] of egress) {
    policy(`allow-${workload.name}-to-${to}`, { podSelector: { matchLabels: select }, policyTypes: ['Egress'], egress: [rule] });
  }
  const gatewayPods = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': spec.GATEWAY_PODS.namespace } },
    podSelector: { matchLabels: { ...spec.GATEWAY_PODS.labels } },
  };
  for (const { service, select } of [...canaryServices, ...gatewayBackends]) {
    policy(`allow-to-${service.name}`, {
      podSelector: { matchLabels: select },
      policyTypes: ['Ingress'],
      ingress: [{ from: [gatewayPods], ports: [{ port: k8s.IntOrString.fromNumber(spec.APP_PORT), protocol: 'TCP' }] }],
    });
  }
  return app.synthYaml();
});
