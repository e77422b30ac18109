import { Chart, Cron, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  DataImage, DataImageMode, HealthProbe, ImmutableConfigImage, PodSpecFields, ResourcePreset, RestrictedPods, Sidecar, StartupSequence,
} from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const MODEL = 'registry.example.com/models/sentiment:1.0.0';

/** A model server: one container with a port, readiness, and (unless told) no UID of its own. */
function setup(security?: kplus.ContainerSecurityContextProps, podSecurity?: kplus.PodSecurityContextProps) {
  const chart = Testing.chart();
  const server = new kplus.Deployment(chart, 'server', {
    replicas: 2,
    securityContext: podSecurity,
    containers: [{
      name: 'server',
      image: 'shop/model-server:1.0.0',
      portNumber: 8080,
      readiness: kplus.Probe.fromHttpGet('/readyz', { port: 8080 }),
      securityContext: security,
    }],
  });
  return { chart, server };
}

function spec(chart: Chart): any {
  return podSpec(only(synth(chart), 'Deployment'));
}

describe('DataImage, PROCESS_NAMESPACE (the default)', () => {
  test('the data image runs as a native sidecar that links its filesystem; the app reads it through the shared process namespace', () => {
    const { chart, server } = setup({ user: 10001, group: 10001 });
    const data = new DataImage(chart, 'model', { workload: server, image: MODEL, mountPathEnv: 'MODEL_DIR' });
    RestrictedPods.applyTo(chart);
    const manifests = synth(chart);
    const s = podSpec(only(manifests, 'Deployment'));

    expect(s.shareProcessNamespace).toBe(true);
    // A native sidecar: an init container with restartPolicy Always, so it starts before the app
    // and stops after it; not a regular container.
    expect(s.containers.map((c: any) => c.name)).toEqual(['server']);
    expect(s.initContainers.map((c: any) => c.name)).toEqual(['data-image']);
    const sidecar = container(s, 'data-image');
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.image).toBe(MODEL);
    // $$$$ is what Kubernetes turns into $$, the shell's PID in the shared PID namespace.
    expect(sidecar.command).toEqual(['sh', '-c', 'ln -sfn /proc/$$$$/root/models /mnt/models && exec sleep infinity']);
    // The app starts only once the link resolves: the startup probe gates it.
    expect(sidecar.startupProbe).toEqual({ exec: { command: ['sh', '-c', 'test -d /mnt/models/'] }, failureThreshold: 30, initialDelaySeconds: 0, periodSeconds: 1, successThreshold: 1, timeoutSeconds: 1 });
    expect(sidecar.readinessProbe).toBeUndefined();
    expect(sidecar.ports).toBeUndefined();

    // One small emptyDir holds the link: read-write in the data container, read-only in the app.
    expect(s.volumes).toEqual([{ name: 'data-image', emptyDir: { sizeLimit: '1Mi' } }]);
    expect(sidecar.volumeMounts).toEqual([{ name: 'data-image', mountPath: '/mnt' }]);
    const app = container(s, 'server');
    expect(app.volumeMounts).toEqual([{ name: 'data-image', mountPath: '/mnt', readOnly: true }]);
    expect(app.env).toEqual([{ name: 'MODEL_DIR', value: '/mnt/models' }]);

    // Same UID and GID as the app (ptrace-read access), restricted, tiny resources.
    expect(sidecar.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(app.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, capabilities: { drop: ['ALL'] } });
    expect(sidecar.resources).toEqual({
      requests: { 'cpu': '25m', 'memory': '32Mi', 'ephemeral-storage': '1Gi' },
      limits: { 'memory': '32Mi', 'ephemeral-storage': '2Gi' },
    });

    expect(data.mode).toBe(DataImageMode.PROCESS_NAMESPACE);
    expect([data.runAsUser, data.runAsGroup]).toEqual([10001, 10001]);
    expect(data.container.name).toBe('data-image');
    expect(data.volume.name).toBe('data-image');
    expect(data.mainContainer.name).toBe('server');
    expect([data.image, data.sourcePath, data.mountPath]).toEqual([MODEL, '/models', '/mnt/models']);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('UID and GID: the data container follows the app container, then the pod; where neither sets them, both get 65532 (or security), pinned on the app too', () => {
    const ids = (c: any) => [c.securityContext.runAsUser, c.securityContext.runAsGroup];

    const a = setup(undefined, { user: 20000, group: 20001 });
    new DataImage(a.chart, 'model', { workload: a.server, image: MODEL });
    const sa = spec(a.chart);
    expect(ids(container(sa, 'data-image'))).toEqual([20000, 20001]);
    expect(sa.securityContext).toMatchObject({ runAsUser: 20000, runAsGroup: 20001 });

    const b = setup();
    new DataImage(b.chart, 'model', { workload: b.server, image: MODEL });
    const sb = spec(b.chart);
    expect(ids(container(sb, 'data-image'))).toEqual([65532, 65532]);
    expect(ids(container(sb, 'server'))).toEqual([65532, 65532]);

    const c = setup();
    const d = new DataImage(c.chart, 'model', { workload: c.server, image: MODEL, security: { runAsUser: 12000, runAsGroup: 12001 } });
    const sc = spec(c.chart);
    expect(ids(container(sc, 'data-image'))).toEqual([12000, 12001]);
    expect(ids(container(sc, 'server'))).toEqual([12000, 12001]);
    expect([d.runAsUser, d.runAsGroup]).toEqual([12000, 12001]);

    // Only a UID on the app: the GID defaults to it.
    const e = setup({ user: 10001 });
    new DataImage(e.chart, 'model', { workload: e.server, image: MODEL });
    const se = spec(e.chart);
    expect(ids(container(se, 'data-image'))).toEqual([10001, 10001]);
    expect(ids(container(se, 'server'))).toEqual([10001, 10001]);

    // security equal to the app's is fine.
    const f = setup({ user: 10001, group: 10001 });
    new DataImage(f.chart, 'model', { workload: f.server, image: MODEL, security: { runAsUser: 10001, runAsGroup: 10001 } });
    expect(ids(container(spec(f.chart), 'data-image'))).toEqual([10001, 10001]);

    // RestrictedPods' options do not override what the pattern pinned.
    const g = setup();
    new DataImage(g.chart, 'model', { workload: g.server, image: MODEL });
    RestrictedPods.applyTo(g.chart, { runAsUser: 30000, runAsGroup: 30000 });
    const sg = spec(g.chart);
    expect(ids(container(sg, 'data-image'))).toEqual([65532, 65532]);
    expect(ids(container(sg, 'server'))).toEqual([65532, 65532]);
  });

  test('IDs that cannot be aligned fail at synth, naming both containers and their IDs', () => {
    const why = 'The application reads the data through /proc/<pid>/root of the data container, which the kernel allows only with ptrace-read access: '
      + 'under Pod Security "restricted" (no CAP_SYS_PTRACE) that needs the same UID and the same GID; give both containers the same IDs';
    const a = setup({ user: 10001, group: 10001 });
    expect(() => new DataImage(a.chart, 'model', { workload: a.server, image: MODEL, security: { runAsUser: 10002 } }))
      .toThrow(`test/model: invalid security.runAsUser 10002: must equal the application container's IDs: container data-image (UID 10002, GID 10001) and container server (UID 10001, GID 10001) differ. ${why}`);
    const b = setup({ user: 10001, group: 10001 });
    expect(() => new DataImage(b.chart, 'model', { workload: b.server, image: MODEL, security: { runAsGroup: 5000 } }))
      .toThrow('test/model: invalid security.runAsGroup 5000: must equal the application container\'s IDs: container data-image (UID 10001, GID 5000) and container server (UID 10001, GID 10001) differ.');
    // A party that changes the app's UID after the construct: the mutation layer names both ...
    const c = setup({ user: 10001, group: 10001 });
    new DataImage(c.chart, 'model', { workload: c.server, image: MODEL });
    PodSpecFields.setContainerField(c.server, 'server', 'securityContext.runAsUser', 10005);
    expect(() => Testing.synth(c.chart)).toThrow('invalid container server securityContext.runAsUser 10005: conflicts with 10001 set by container server of test/server itself (through cdk8s-plus)');
    // ... and where the app set nothing, the pattern's pin and the other party's value conflict.
    const d = setup();
    new DataImage(d.chart, 'model', { workload: d.server, image: MODEL });
    expect(() => PodSpecFields.setContainerField(d.server, 'server', 'securityContext.runAsUser', 10005))
      .toThrow('test/server (PodSpecFields.setContainerField): invalid container server securityContext.runAsUser 10005: conflicts with 65532 set by test/model on test/server: give the field one value');
    // The last line of defence, on the rendered pod: the IDs came from the pod's security
    // context, and another party gave the app container its own UID afterwards.
    const e = setup(undefined, { user: 20000, group: 20000 });
    new DataImage(e.chart, 'model', { workload: e.server, image: MODEL });
    PodSpecFields.setContainerField(e.server, 'server', 'securityContext.runAsUser', 10009);
    expect(() => Testing.synth(e.chart)).toThrow(`test/model: invalid container data-image runAsUser/runAsGroup "20000:20000": must equal the application container's IDs: container data-image (UID 20000, GID 20000) and container server (UID 10009, GID 20000) differ. ${why}`);
  });

  test('options: paths, command, names, preset, main container', () => {
    const chart = Testing.chart();
    const server = new kplus.Deployment(chart, 'server', {
      containers: [
        { name: 'proxy', image: 'envoyproxy/envoy:v1.31.2' },
        { name: 'server', image: 'shop/model-server:1.0.0', securityContext: { user: 10001, group: 10001 } },
      ],
    });
    new DataImage(chart, 'model', {
      workload: server,
      image: MODEL,
      mainContainer: 'server',
      sourcePath: '/data/weights',
      mountPath: '/var/lib/model/current',
      containerName: 'weights',
      volumeName: 'weights-link',
      resources: ResourcePreset.MICRO,
    });
    const s = spec(chart);
    const w = container(s, 'weights');
    expect(w.command).toEqual(['sh', '-c', 'ln -sfn /proc/$$$$/root/data/weights /var/lib/model/current && exec sleep infinity']);
    expect(w.startupProbe.exec.command).toEqual(['sh', '-c', 'test -d /var/lib/model/current/']);
    expect(w.volumeMounts).toEqual([{ name: 'weights-link', mountPath: '/var/lib/model' }]);
    expect(container(s, 'server').volumeMounts).toEqual([{ name: 'weights-link', mountPath: '/var/lib/model', readOnly: true }]);
    expect(container(s, 'proxy').volumeMounts).toBeUndefined();
    expect(w.resources.requests.memory).toBe('64Mi');
    expect([w.securityContext.runAsUser, w.securityContext.runAsGroup]).toEqual([10001, 10001]);

    const { chart: c2, server: s2 } = setup({ user: 10001, group: 10001 });
    const command = ['sh', '-c', 'ln -sfn /proc/$$$$/root/models /mnt/models && exec /bin/sleep 2147483647'];
    new DataImage(c2, 'model', { workload: s2, image: MODEL, command });
    expect(container(spec(c2), 'data-image').command).toEqual(command);
  });

  test('validation messages', () => {
    const { chart, server } = setup({ user: 10001, group: 10001 });
    const w = { workload: server, image: MODEL };
    expect(() => new DataImage(chart, 'a', { ...w, image: 'shop/model-server:1.0.0' }))
      .toThrow('test/a: invalid image "shop/model-server:1.0.0": must differ from the image of container server: the data ships in its own image, apart from the application');
    expect(() => new DataImage(chart, 'b', { ...w, image: 'models/sentiment' }))
      .toThrow('test/b: invalid image "models/sentiment": must be pinned to a version tag other than "latest" or to a sha256 digest, so that new data is a new image reference and rolls the pods');
    expect(() => new DataImage(chart, 'c', { ...w, mountPath: '/models' }))
      .toThrow('test/c: invalid mountPath "/models": must lie in a directory other than / (e.g. /mnt/models): with DataImageMode.PROCESS_NAMESPACE its parent directory is the emptyDir that holds the link');
    expect(() => new DataImage(chart, 'd', { ...w, sourcePath: '/mnt/models', mountPath: '/mnt/data' }))
      .toThrow('test/d: invalid sourcePath "/mnt/models": must lie outside /mnt, where the data container mounts the emptyDir that holds the link (the mount would hide the data)');
    expect(() => new DataImage(chart, 'e', { ...w, mountPath: '/mnt/my models' }))
      .toThrow('test/e: invalid mountPath "/mnt/my models": must be an absolute path below / of letters, digits and "._+@-" without a trailing "/" (it is a word of the container\'s shell command)');
    expect(() => new DataImage(chart, 'f', { ...w, sourcePath: '/' }))
      .toThrow('test/f: invalid sourcePath "/": must be an absolute path below /');
    expect(() => new DataImage(chart, 'g', { ...w, mountPath: 'models' }))
      .toThrow('test/g: invalid mountPath "models": must be an absolute path starting with "/" and without ".."');
    expect(() => new DataImage(chart, 'h', { ...w, mountPath: '/proc/models' }))
      .toThrow('test/h: invalid mountPath "/proc/models": must lie outside /proc, a kernel filesystem of every container');
    expect(() => new DataImage(chart, 'i', { ...w, sizeLimit: Size.mebibytes(512) }))
      .toThrow('test/i: invalid sizeLimit "512Mi": must be unset with DataImageMode.PROCESS_NAMESPACE: the data stays in the image\'s layers and the emptyDir holds one link (1Mi); sizeLimit caps the copy of DataImageMode.COPY');
    expect(() => new DataImage(chart, 'j', { ...w, security: { allowNetBindService: true } }))
      .toThrow('test/j: invalid security.allowNetBindService true: must be unset or false with DataImageMode.PROCESS_NAMESPACE: the data container serves no port, and a capability the application container lacks denies it the data container\'s /proc/<pid>/root');
    expect(() => new DataImage(chart, 'k', { ...w, command: [] }))
      .toThrow('test/k: invalid command []: must hold at least the executable, as a list of strings (leave it unset for the default)');
    expect(() => new DataImage(chart, 'l', { ...w, command: ['sleep', 'infinity'] }))
      .toThrow('test/l: invalid command ["sleep","infinity"]: must create the link /mnt/models (mountPath) to /proc/<its pid>/root<sourcePath> and keep running; no argument names /mnt/models');
    expect(() => new DataImage(chart, 'm', { ...w, command: ['sh', '-c', 'ln -s /proc/$$/root/models /mnt/models && sleep infinity'] }))
      .toThrow('test/m: invalid command "ln -s /proc/$$/root/models /mnt/models && sleep infinity": must write the shell\'s PID as $$$$: Kubernetes expands $$ in a command to $, so /proc/$$/ reaches the shell as /proc/$/');
    expect(() => new DataImage(chart, 'n', { ...w, mode: 'modelcar' as DataImageMode }))
      .toThrow('test/n: invalid mode "modelcar": must be one of "process-namespace", "copy" (DataImageMode)');
    expect(() => new DataImage(chart, 'o', { ...w, mainContainer: 'api' }))
      .toThrow('test/o: invalid mainContainer "api": must name a container of test/server: server');
    expect(() => new DataImage(chart, 'p', { ...w, containerName: 'server' }))
      .toThrow('test/p: invalid container.name "server": must differ from the pod\'s other container names: server is a container of test/server');
    expect(() => new DataImage(chart, 'q', { ...w, containerName: 'Data' }))
      .toThrow('test/q: invalid containerName "Data": must be a DNS-1123 label');
    expect(() => new DataImage(chart, 'r', { ...w, mountPathEnv: '1DIR' }))
      .toThrow('test/r: invalid mountPathEnv "1DIR": must be an environment variable name');
    expect(() => new DataImage(chart, 's', { workload: server } as any))
      .toThrow('test/s: invalid image undefined: is required');
    const empty = new kplus.Deployment(chart, 'empty');
    expect(() => new DataImage(chart, 't', { workload: empty, image: MODEL }))
      .toThrow('test/t: invalid workload "test/empty": must have at least one container before a pod pattern attaches to it');
    const other = Testing.chart();
    expect(() => new DataImage(other, 'u', w))
      .toThrow('test/u: invalid workload "test/server": must be in the same chart as the pattern');
    // A second data image on the same pod needs its own names and link directory.
    new DataImage(chart, 'v', { ...w, image: 'registry.example.com/models/tokenizer:1.0.0' });
    expect(() => new DataImage(chart, 'x', { ...w, containerName: 'weights' }))
      .toThrow('test/x: invalid mountPath (its parent directory holds the link) "/mnt": must differ from the mount paths of container server: /mnt is mounted by test/v');
  });
});

describe('DataImage, COPY', () => {
  test('an init container copies the data into an emptyDir (sizeLimit) that the app mounts read-only; no process namespace, no UID pin', () => {
    const { chart, server } = setup();
    const data = new DataImage(chart, 'model', { workload: server, image: MODEL, mode: DataImageMode.COPY, mountPathEnv: 'MODEL_DIR' });
    RestrictedPods.applyTo(chart);
    const manifests = synth(chart);
    const s = podSpec(only(manifests, 'Deployment'));
    expect(s.shareProcessNamespace).toBeUndefined();
    const init = container(s, 'data-image');
    expect(s.initContainers).toHaveLength(1);
    expect(init.restartPolicy).toBeUndefined();
    expect(init.command).toEqual(['cp', '-R', '/models/.', '/data-image-copy/']);
    expect(init.startupProbe).toBeUndefined();
    expect(init.volumeMounts).toEqual([{ name: 'data-image', mountPath: '/data-image-copy' }]);
    expect(s.volumes).toEqual([{ name: 'data-image', emptyDir: { sizeLimit: '256Mi' } }]);
    const app = container(s, 'server');
    expect(app.volumeMounts).toEqual([{ name: 'data-image', mountPath: '/mnt/models', readOnly: true }]);
    expect(app.env).toEqual([{ name: 'MODEL_DIR', value: '/mnt/models' }]);
    expect(app.securityContext.runAsUser).toBeUndefined();
    expect(init.securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(data.mode).toBe(DataImageMode.COPY);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('options and validation', () => {
    const { chart, server } = setup();
    new DataImage(chart, 'model', {
      workload: server,
      image: MODEL,
      mode: DataImageMode.COPY,
      mountPath: '/models',
      sizeLimit: Size.mebibytes(32),
      command: ['/bin/unpack', '/data-image-copy'],
      security: { runAsUser: 10001, runAsGroup: 10001 },
    });
    const s = spec(chart);
    expect(container(s, 'data-image').command).toEqual(['/bin/unpack', '/data-image-copy']);
    expect(container(s, 'data-image').securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
    expect(s.volumes).toEqual([{ name: 'data-image', emptyDir: { sizeLimit: '32Mi' } }]);
    expect(container(s, 'server').volumeMounts).toEqual([{ name: 'data-image', mountPath: '/models', readOnly: true }]);

    const b = setup();
    const w = { workload: b.server, image: MODEL, mode: DataImageMode.COPY };
    expect(() => new DataImage(b.chart, 'a', { ...w, sourcePath: '/data-image-copy/models' }))
      .toThrow('test/a: invalid sourcePath "/data-image-copy/models": must lie outside /data-image-copy, where the init container mounts the emptyDir it copies into');
    expect(() => new DataImage(b.chart, 'b', { ...w, sizeLimit: Size.kibibytes(512) }))
      .toThrow('test/b: invalid sizeLimit "0.5Mi": must be a whole number of mebibytes, at least 1');
  });
});

describe('DataImage with other pod patterns', () => {
  type Attach = (c: Chart, w: kplus.Deployment) => void;
  const dataImage: Attach = (c, w) => new DataImage(c, 'model', { workload: w, image: MODEL });
  const others: { [name: string]: Attach } = {
    'Sidecar sharing the process namespace': (c, w) => new Sidecar(c, 'reloader', {
      workload: w, shareProcessNamespace: true, container: { name: 'reloader', image: 'shop/reloader:1.0.0' },
    }),
    'native Sidecar': (c, w) => new Sidecar(c, 'agent', {
      workload: w,
      nativeSidecar: true,
      container: { name: 'agent', image: 'shop/agent:1.0.0' },
      probes: { startup: HealthProbe.exec(['true']) },
    }),
    'ImmutableConfigImage': (c, w) => new ImmutableConfigImage(c, 'config', { workload: w, image: 'shop/config:1.0.0' }),
    'StartupSequence': (c, w) => new StartupSequence(c, 'startup', { workload: w }).addInitStep({ name: 'warm-up', image: 'shop/warm-up:1.0.0' }),
    'COPY DataImage': (c, w) => new DataImage(c, 'tokenizer', {
      workload: w, image: 'registry.example.com/models/tokenizer:1.0.0', mode: DataImageMode.COPY, containerName: 'tokenizer', mountPath: '/mnt/tokenizer',
    }),
  };

  function yaml(first: Attach, second: Attach): string {
    const { chart, server } = setup({ user: 10001, group: 10001 });
    first(chart, server);
    second(chart, server);
    RestrictedPods.applyTo(chart);
    const manifests = synth(chart);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
    return JSON.stringify(manifests);
  }

  test.each(Object.keys(others))('with %s: the same YAML in both orders', (name) => {
    expect(yaml(dataImage, others[name])).toBe(yaml(others[name], dataImage));
  });

  test('ordering: configuration copies, then the data image (native sidecar), then startup steps, then the app', () => {
    const { chart, server } = setup({ user: 10001, group: 10001 });
    others.StartupSequence(chart, server);
    dataImage(chart, server);
    others.ImmutableConfigImage(chart, server);
    others['COPY DataImage'](chart, server);
    const s = spec(chart);
    expect(s.initContainers.map((c: any) => c.name)).toEqual(['config-image', 'tokenizer', 'data-image', 'warm-up']);
    expect(s.containers.map((c: any) => c.name)).toEqual(['server']);
  });

  test('conflicts are named: a process namespace turned off, a mount path taken', () => {
    const a = setup({ user: 10001, group: 10001 });
    PodSpecFields.setPodSpecField(a.server, 'shareProcessNamespace', false);
    expect(() => new DataImage(a.chart, 'model', { workload: a.server, image: MODEL }))
      .toThrow('test/model: invalid shareProcessNamespace true: conflicts with false set by test/server (PodSpecFields.setPodSpecField) on test/server: give the field one value');
    const b = setup({ user: 10001, group: 10001 });
    new Sidecar(b.chart, 'fetcher', {
      workload: b.server, container: { name: 'fetcher', image: 'shop/fetcher:1.0.0' }, sharedVolume: { sidecarMountPath: '/mnt', mainReadOnly: true },
    });
    expect(() => new DataImage(b.chart, 'model', { workload: b.server, image: MODEL }))
      .toThrow('test/model: invalid mountPath (its parent directory holds the link) "/mnt": must differ from the mount paths of container server: /mnt is mounted by test/fetcher');
  });

  test('a Job and a CronJob: the native sidecar does not block completion; the IDs align the same way', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'score', { containers: [{ name: 'score', image: 'shop/batch-scorer:1.0.0', securityContext: { user: 10001, group: 10001 } }] });
    new DataImage(chart, 'model', { workload: job, image: MODEL });
    const cron = new kplus.CronJob(chart, 'nightly', {
      schedule: Cron.daily(),
      containers: [{ name: 'score', image: 'shop/batch-scorer:1.0.0', securityContext: { user: 10001, group: 10001 } }],
    });
    new DataImage(chart, 'cron-model', { workload: cron, image: MODEL });
    const manifests = synth(chart);
    for (const kind of ['Job', 'CronJob']) {
      const s = podSpec(only(manifests, kind));
      expect(s.shareProcessNamespace).toBe(true);
      expect(container(s, 'data-image').restartPolicy).toBe('Always');
      expect(container(s, 'data-image').securityContext.runAsUser).toBe(10001);
    }
  });
});
