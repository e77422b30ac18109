import { tmpdir } from 'os';
import { App, Chart, Cron, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  HealthProbe, PodSpecFields, ResourcePreset, RestrictedPods, RestrictedProfile, StandardLabels, TopologyKey,
} from '../src';
import { container, only, podSpec, restrictedViolations, synth } from './util';

function web(chart: Chart, id = 'web'): kplus.Deployment {
  return new kplus.Deployment(chart, id, {
    containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27', portNumber: 8080 }],
  });
}

describe('StandardLabels', () => {
  test('carry every recommended key; selectors only the stable ones', () => {
    const props = { name: 'shop', instance: 'shop-eu', component: 'api', partOf: 'store' };
    expect(StandardLabels.of(props)).toEqual({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/instance': 'shop-eu',
      'app.kubernetes.io/component': 'api',
      'app.kubernetes.io/part-of': 'store',
      'app.kubernetes.io/managed-by': 'cdk8s-patterns',
    });
    expect(StandardLabels.selector(props)).toEqual({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/instance': 'shop-eu',
      'app.kubernetes.io/component': 'api',
    });
  });
});

describe('ResourcePreset', () => {
  test('requests with a memory limit equal to the request and no CPU limit by default', () => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'd', {
      containers: [{ image: 'x/y:1', resources: ResourcePreset.SMALL.toContainerResources() }],
    });
    const c = podSpec(only(synth(chart), 'Deployment')).containers[0];
    expect(c.resources).toEqual({ requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '1Gi' }, limits: { 'memory': '128Mi', 'ephemeral-storage': '2Gi' } });
  });

  test('CPU limit on request', () => {
    expect(ResourcePreset.MEDIUM.toContainerResources({ cpuLimit: true }).cpu?.limit?.amount).toBe('250m');
  });

  test('custom sizes are validated', () => {
    expect(() => ResourcePreset.custom(0, 64)).toThrow('ResourcePreset.custom: invalid cpuMillis 0: must be a whole number of at least 1');
    expect(() => ResourcePreset.custom(10, 1.5)).toThrow('ResourcePreset.custom: invalid memoryMebibytes 1.5: must be a whole number of at least 1');
  });
});

describe('RestrictedPods', () => {
  test('plain cdk8s-plus workloads are not restricted until hardened', () => {
    const chart = Testing.chart();
    web(chart);
    expect(restrictedViolations(synth(chart))).toEqual(expect.arrayContaining([
      expect.stringContaining('capabilities.drop must include ALL'),
      expect.stringContaining('seccompProfile.type must be RuntimeDefault or Localhost'),
    ]));
  });

  test('drop ALL and RuntimeDefault reach the YAML of every kind of pod, init containers included', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const d = web(chart);
    d.addInitContainer({ name: 'init', image: 'busybox:1.36' });
    new kplus.Job(chart, 'job', { containers: [{ image: 'x/job:1' }] });
    new kplus.CronJob(chart, 'cron', { schedule: cdk8sCron(), containers: [{ image: 'x/cron:1' }] });
    new kplus.StatefulSet(chart, 'sts', { containers: [{ image: 'x/sts:1' }], service: new kplus.Service(chart, 'svc', { clusterIP: 'None', ports: [{ port: 80 }] }) });
    new kplus.DaemonSet(chart, 'ds', { containers: [{ image: 'x/ds:1' }] });
    new kplus.Pod(chart, 'pod', { containers: [{ image: 'x/pod:1' }] });
    RestrictedPods.applyTo(chart, { runAsUser: 10001, runAsGroup: 10001 });
    const manifests = synth(chart);
    expect(restrictedViolations(manifests)).toEqual([]);
    const c = container(podSpec(only(manifests, 'Deployment')), 'init');
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podSpec(only(manifests, 'CronJob')).containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('NET_BIND_SERVICE only on request', () => {
    const chart = Testing.chart();
    web(chart);
    RestrictedPods.applyTo(chart, { allowNetBindService: true });
    const c = podSpec(only(synth(chart), 'Deployment')).containers[0];
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
  });

  test('a privileged container fails synthesis, naming the construct and container', () => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'bad', { containers: [{ name: 'root', image: 'x/y:1', securityContext: { privileged: true } }] });
    RestrictedPods.applyTo(chart);
    expect(() => Testing.synth(chart)).toThrow('test/bad: invalid containers[root].securityContext.privileged true: must be false: privileged containers are not allowed by Pod Security "restricted"'+'; RestrictedPods.applyTo(test) does not override what a container asks for');
  });

  test('covers workloads added after the call', () => {
    const chart = Testing.chart();
    RestrictedPods.applyTo(chart);
    web(chart);
    expect(restrictedViolations(synth(chart))).toEqual([]);
  });

  test('the profile checker catches host namespaces, hostPath and added capabilities', () => {
    const v = RestrictedProfile.violations({
      hostNetwork: true,
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
      containers: [{ name: 'a', securityContext: { capabilities: { add: ['SYS_ADMIN'] } }, ports: [{ containerPort: 80, hostPort: 80 }] }],
    });
    expect(v).toEqual(expect.arrayContaining([
      'spec.hostNetwork must not be true',
      'volume h: type hostPath is not allowed (allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)',
      'containers[a].securityContext.capabilities.add must not include SYS_ADMIN (only NET_BIND_SERVICE)',
      'containers[a].ports[80].hostPort must not be set',
      'containers[a].securityContext.allowPrivilegeEscalation must be false',
    ]));
  });
});

describe('PodSpecFields: fields cdk8s-plus-28 lacks reach the YAML', () => {
  test('shareProcessNamespace, terminationGracePeriodSeconds, topologySpreadConstraints', () => {
    const chart = Testing.chart();
    const d = web(chart);
    PodSpecFields.shareProcessNamespace(d);
    PodSpecFields.setTerminationGracePeriod(d, Duration.seconds(45));
    PodSpecFields.addTopologySpread(d, { topologyKey: TopologyKey.HOSTNAME });
    PodSpecFields.addTopologySpread(d, { topologyKey: TopologyKey.ZONE, maxSkew: 2, hard: true });
    const dep = only(synth(chart), 'Deployment');
    const spec = podSpec(dep);
    expect(spec.shareProcessNamespace).toBe(true);
    expect(spec.terminationGracePeriodSeconds).toBe(45);
    expect(spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: dep.spec.selector.matchLabels } },
      { maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: dep.spec.selector.matchLabels } },
    ]);
  });

  test('gRPC, HTTP, TCP and exec probes with their defaults', () => {
    const chart = Testing.chart();
    const d = web(chart);
    PodSpecFields.setProbes(d, 'web', {
      readiness: HealthProbe.grpc({ port: 9090, service: 'shop.v1.Api' }),
      liveness: HealthProbe.http('/healthz', { port: 8080, successThreshold: 2 }),
      startup: HealthProbe.tcp({ port: 8080, period: Duration.seconds(5), failureThreshold: 24 }),
    });
    const c = podSpec(only(synth(chart), 'Deployment')).containers[0];
    expect(c.readinessProbe).toEqual({
      grpc: { port: 9090, service: 'shop.v1.Api' }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1,
    });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
    expect(c.livenessProbe.successThreshold).toBe(1);
    expect(c.startupProbe).toMatchObject({ tcpSocket: { port: 8080 }, periodSeconds: 5, failureThreshold: 24 });
    expect(HealthProbe.tcp({ port: 1, period: Duration.seconds(5), failureThreshold: 24 }).startupBudgetSeconds).toBe(120);
    expect(HealthProbe.exec(['pg_isready']).toJson().exec).toEqual({ command: ['pg_isready'] });
  });

  test('the pod spec path follows the kind', () => {
    const chart = Testing.chart();
    const cron = new kplus.CronJob(chart, 'cron', { schedule: cdk8sCron(), containers: [{ image: 'x/y:1' }] });
    const pod = new kplus.Pod(chart, 'pod', { containers: [{ image: 'x/y:1' }] });
    PodSpecFields.shareProcessNamespace(cron);
    PodSpecFields.shareProcessNamespace(pod);
    const m = synth(chart);
    expect(podSpec(only(m, 'CronJob')).shareProcessNamespace).toBe(true);
    expect(only(m, 'Pod').spec.shareProcessNamespace).toBe(true);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const d = web(chart);
    // Names resolve when the pod renders (a pattern may add the container later): a name the
    // pod never gets fails the synth, before any file is written.
    const other = Testing.chart();
    PodSpecFields.setProbes(web(other), 'nope', { readiness: HealthProbe.tcp({ port: 80 }) });
    expect(() => Testing.synth(other))
      .toThrow('test/web (PodSpecFields.setProbes): invalid container name "nope": must name a container of test/web: web');
    expect(() => PodSpecFields.addTopologySpread(d, { topologyKey: TopologyKey.ZONE, maxSkew: 0 }))
      .toThrow('test/web (PodSpecFields.addTopologySpread): invalid topologySpread.maxSkew 0: must be a whole number of at least 1');
    PodSpecFields.addTopologySpread(d, { topologyKey: TopologyKey.ZONE });
    // The same spread again is the same contribution; another one over the same key conflicts.
    PodSpecFields.addTopologySpread(d, { topologyKey: TopologyKey.ZONE });
    expect(() => PodSpecFields.addTopologySpread(d, { topologyKey: TopologyKey.ZONE, maxSkew: 2 }))
      .toThrow(/^test\/web \(PodSpecFields.addTopologySpread\): invalid topologySpreadConstraints\[topology.kubernetes.io\/zone\] \{.*"maxSkew":2.*\}: conflicts with \{.*"maxSkew":1.*\} set by test\/web \(PodSpecFields.addTopologySpread\) on test\/web: give the field one value$/);
    expect(() => PodSpecFields.setPreStop(d, 'web', []))
      .toThrow('test/web (PodSpecFields.setPreStop): invalid preStop of container web []: give at least the program to run, as a list of strings');
    expect(() => HealthProbe.tcp({ port: 70000 })).toThrow('HealthProbe.tcp: invalid port 70000: must be an integer port number from 1 to 65535');
    expect(() => HealthProbe.http('/', { port: 80, failureThreshold: 0 })).toThrow('HealthProbe.http: invalid failureThreshold 0: must be a whole number of at least 1');
    expect(() => HealthProbe.exec([])).toThrow('HealthProbe.exec: invalid command []: must give at least the program to run');
  });
});

function cdk8sCron(): Cron {
  return Cron.daily();
}

test('App-level synth runs the hardening too', () => {
  const app = new App({ outdir: tmpdir() });
  const chart = new Chart(app, 'x');
  web(chart);
  RestrictedPods.applyTo(app);
  const yaml = app.synthYaml();
  expect(yaml).toContain('- ALL');
  expect(yaml).toContain('RuntimeDefault');
});

test('probe timing is validated', () => {
  expect(() => HealthProbe.tcp({ port: 80, period: Duration.millis(500) }))
    .toThrow('HealthProbe.tcp: invalid period 0.5s: must be a whole number of seconds, at least 1');
  expect(() => HealthProbe.http('/', { port: 80, timeout: Duration.seconds(0) }))
    .toThrow('HealthProbe.http: invalid timeout 0s: must be a whole number of seconds, at least 1');
});

test('custom presets size ephemeral storage too', () => {
  const r = ResourcePreset.custom(300, 384, 8).toContainerResources();
  expect(r.ephemeralStorage?.request?.toGibibytes()).toBe(1);
  expect(r.ephemeralStorage?.limit?.toGibibytes()).toBe(8);
  expect(() => ResourcePreset.custom(300, 384, 0.5)).toThrow('ResourcePreset.custom: invalid ephemeralStorageGibibytes 0.5: must be a whole number of at least 1');
});
