import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { StatefulService } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const DB: kplus.ContainerProps = {
  name: 'db',
  image: 'postgres:16.4-alpine',
  ports: [{ number: 5432, name: 'postgres' }],
  readiness: kplus.Probe.fromCommand(['pg_isready', '-U', 'postgres']),
  securityContext: { user: 70, group: 70 },
};

function setup(extra: Partial<ConstructorParameters<typeof StatefulService>[2]> = {}) {
  const chart = Testing.chart();
  const svc = new StatefulService(chart, 'orders-db', { containers: [DB], ...extra });
  const manifests = synth(chart);
  return { chart, svc, manifests, sts: only(manifests, 'StatefulSet'), headless: only(manifests, 'Service', svc.headlessService.name) };
}

/**
 * test/wiring.ts only knows pod volumes; a claim template is a volume too (one PVC per pod). Until
 * it learns that, show it the claim templates as volumes, so that every other check still runs.
 */
function withClaimsAsVolumes(manifests: any[]): any[] {
  return manifests.map(m => {
    if (m.kind !== 'StatefulSet' || !m.spec.volumeClaimTemplates) return m;
    const copy = JSON.parse(JSON.stringify(m));
    const spec = copy.spec.template.spec;
    const claims = m.spec.volumeClaimTemplates.map((t: any) => ({ name: t.metadata.name, persistentVolumeClaim: { claimName: t.metadata.name } }));
    spec.volumes = [...(spec.volumes ?? []), ...claims];
    return copy;
  });
}

describe('StatefulService', () => {
  test('serviceName is the headless Service (clusterIP None), which selects exactly the pods by their stable labels', () => {
    const { svc, manifests, sts, headless } = setup();
    expect(manifests.map(m => m.kind).sort()).toEqual(['Service', 'StatefulSet']);
    expect(sts.spec.serviceName).toBe(headless.metadata.name);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 5432 }]);
    expect(headless.spec.publishNotReadyAddresses).toBeUndefined();
    const selector = {
      'app.kubernetes.io/name': 'orders-db',
      'app.kubernetes.io/instance': expect.stringMatching(/^test-orders-db-/),
      'app.kubernetes.io/component': 'stateful-service',
    };
    expect(sts.spec.selector.matchLabels).toEqual(selector);
    expect(sts.spec.template.metadata.labels).toMatchObject(sts.spec.selector.matchLabels);
    // cdk8s-plus's StatefulSet adds its own pod-address label to the selector of its Service.
    expect(headless.spec.selector).toEqual({ ...sts.spec.selector.matchLabels, 'cdk8s.io/metadata.addr': sts.spec.template.metadata.labels['cdk8s.io/metadata.addr'] });
    expect(headless.metadata.labels).toMatchObject(sts.spec.selector.matchLabels);
    expect(sts.spec).toMatchObject({ replicas: 1, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } });
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(podSpec(sts).automountServiceAccountToken).toBe(false);
    expect(svc.highAvailability).toBeUndefined();
    expect(svc.clientService).toBeUndefined();
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('stable network identity: <statefulset>-<ordinal>.<headless service>', () => {
    const { svc, sts, headless } = setup({ replicas: 3 });
    expect(svc.podDnsName(0)).toBe(`${sts.metadata.name}-0.${headless.metadata.name}`);
    expect(svc.podDnsNames()).toEqual([0, 1, 2].map(i => `${sts.metadata.name}-${i}.${headless.metadata.name}`));
    expect(sts.metadata.name.length).toBeLessThanOrEqual(52);
  });

  test('a long construct path still gives a StatefulSet name of at most 52 characters', () => {
    const chart = Testing.chart();
    const svc = new StatefulService(chart, 'a-very-long-stateful-service-name-for-the-orders-database-cluster', { containers: [DB], appName: 'orders-db' });
    expect(only(synth(chart), 'StatefulSet').metadata.name.length).toBeLessThanOrEqual(52);
    expect(svc.statefulSet.name.length).toBeLessThanOrEqual(52);
  });

  test('volumeClaimTemplates: one claim per pod, mounted into the containers it names', () => {
    const { manifests, sts } = setup({
      containers: [DB, { name: 'exporter', image: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0', ports: [{ number: 9187, name: 'metrics' }], readiness: kplus.Probe.fromTcpSocket({ port: 9187 }) }],
      volumeClaimTemplates: [
        { name: 'data', mountPath: '/var/lib/postgresql/data', storage: Size.gibibytes(10), storageClassName: 'fast-ssd' },
        { name: 'wal', mountPath: '/wal', storage: Size.mebibytes(512), accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD], containers: ['db', 'exporter'] },
      ],
    });
    const labels = sts.metadata.labels;
    expect(sts.spec.volumeClaimTemplates).toEqual([
      { metadata: { name: 'data', labels }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '10Gi' } } } },
      { metadata: { name: 'wal', labels }, spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '512Mi' } } } },
    ]);
    const spec = podSpec(sts);
    expect(container(spec, 'db').volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data' }, { name: 'wal', mountPath: '/wal' }]);
    expect(container(spec, 'exporter').volumeMounts).toEqual([{ name: 'wal', mountPath: '/wal' }]);
    expect(spec.volumes).toBeUndefined();
    // Provisioned volumes are root-owned; the containers' group must be able to write them.
    expect(spec.securityContext).toMatchObject({ fsGroup: 65532, fsGroupChangePolicy: 'OnRootMismatch', runAsNonRoot: true });
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(withClaimsAsVolumes(manifests))).toEqual([]);
  });

  test('claim mounts come after the container\'s own mounts, including mounts added after construction', () => {
    const chart = Testing.chart();
    const chartTmp = kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp');
    const svc = new StatefulService(chart, 'orders-db', {
      containers: [{ ...DB, volumeMounts: [{ path: '/tmp', volume: chartTmp }] }],
      volumeClaimTemplates: [{ name: 'data', mountPath: '/var/lib/postgresql/data', storage: Size.gibibytes(1) }],
    });
    svc.statefulSet.containers[0].mount('/run/postgresql', kplus.Volume.fromEmptyDir(chart, 'run', 'run'));
    const spec = podSpec(only(synth(chart), 'StatefulSet'));
    expect(container(spec, 'db').volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'run', mountPath: '/run/postgresql' },
      { name: 'data', mountPath: '/var/lib/postgresql/data' },
    ]);
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['tmp', 'run']);
  });

  test('two or more replicas: a PodDisruptionBudget and spread over nodes and zones', () => {
    const { svc, manifests, sts } = setup({ replicas: 3, podManagementPolicy: kplus.PodManagementPolicy.PARALLEL });
    expect(sts.spec).toMatchObject({ replicas: 3, podManagementPolicy: 'Parallel' });
    expect(only(manifests, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: sts.spec.selector.matchLabels } });
    expect(podSpec(sts).topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    expect(svc.highAvailability).toBeDefined();
    expect(wiringProblems(manifests)).toEqual([]);
    expect(setup({ replicas: 3, highAvailability: false }).manifests.map(m => m.kind)).not.toContain('PodDisruptionBudget');
  });

  test('options: publishNotReadyAddresses, a client Service, OnDelete updates', () => {
    const { svc, manifests, sts, headless } = setup({
      publishNotReadyAddresses: true,
      clientService: true,
      updateStrategy: kplus.StatefulSetUpdateStrategy.onDelete(),
    });
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    const client = only(manifests, 'Service', svc.clientService!.name);
    expect(client.spec.clusterIP).toBeUndefined();
    expect(client.spec.type).toBe('ClusterIP');
    expect(client.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(client.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 5432 }]);
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const vct = (extra: object) => [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1), ...extra }];
    expect(() => new StatefulService(chart, 'a', { containers: [DB], replicas: 0 }))
      .toThrow('test/a: invalid replicas 0: must be a whole number of at least 1');
    expect(() => new StatefulService(chart, 'b', { containers: [{ name: 'db', image: 'x/y:1.0' }] }))
      .toThrow('test/b: invalid containers ["db"]: must expose at least one port (portNumber or ports): the headless Service publishes the pods on it');
    expect(() => new StatefulService(chart, 'c', { containers: [{ name: 'db', image: 'x/y:1.0', ports: [{ number: 80 }, { number: 81, name: 'b' }], readiness: kplus.Probe.fromTcpSocket() }] }))
      .toThrow('test/c: invalid containers[db].ports[80].name null: must be set when the pods expose several ports: a Service names each of its ports');
    expect(() => new StatefulService(chart, 'd', { containers: [DB], volumeClaimTemplates: vct({ name: 'Data' }) }))
      .toThrow('test/d: invalid volumeClaimTemplates[0].name "Data": must be a DNS-1123 label');
    expect(() => new StatefulService(chart, 'e', { containers: [DB], volumeClaimTemplates: [...vct({}), ...vct({ mountPath: '/other' })] }))
      .toThrow('test/e: invalid volumeClaimTemplates[1].name "data": must be unique among the claim templates');
    expect(() => new StatefulService(chart, 'f', { containers: [DB], volumeClaimTemplates: vct({ mountPath: 'data' }) }))
      .toThrow('test/f: invalid volumeClaimTemplates[0].mountPath "data": must be an absolute path starting with "/" and without ".."');
    expect(() => new StatefulService(chart, 'g', { containers: [DB], volumeClaimTemplates: vct({ containers: ['app'] }) }))
      .toThrow('test/g: invalid volumeClaimTemplates[0].containers "app": must name a container of the pod: db');
    expect(() => new StatefulService(chart, 'h', { containers: [DB], volumeClaimTemplates: vct({ containers: [] }) }))
      .toThrow('test/h: invalid volumeClaimTemplates[0].containers []: must name at least one container');
    expect(() => new StatefulService(chart, 'i', { containers: [DB], volumeClaimTemplates: vct({ accessModes: [] }) }))
      .toThrow('test/i: invalid volumeClaimTemplates[0].accessModes []: must list at least one access mode');
    expect(() => new StatefulService(chart, 'j', { containers: [DB], volumeClaimTemplates: vct({ storageClassName: 'Fast SSD' }) }))
      .toThrow('test/j: invalid volumeClaimTemplates[0].storageClassName "Fast SSD": must be a DNS-1123 subdomain');
    expect(() => new StatefulService(chart, 'k', { containers: [DB], volumeClaimTemplates: vct({ storage: Size.kibibytes(0.5) }) }))
      .toThrow('test/k: invalid volumeClaimTemplates[0].storage "0.5KiB": must be a whole number of KiB, at least 1');
    const tmp = kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp');
    expect(() => new StatefulService(chart, 'l', { containers: [{ ...DB, volumeMounts: [{ path: '/data', volume: tmp }] }], volumeClaimTemplates: vct({}) }))
      .toThrow('test/l: invalid volumeClaimTemplates[0].mountPath "/data": must differ from the mount paths of container db: /data is mounted by a container of test/l/statefulset, through cdk8s-plus');
    expect(() => new StatefulService(chart, 'm', { containers: [] }))
      .toThrow('test/m: invalid containers []: must list at least one container');
    const svc = new StatefulService(chart, 'n', { containers: [DB], replicas: 2 });
    expect(() => svc.podDnsName(2)).toThrow('test/n: invalid ordinal 2: must be a whole number from 0 to replicas - 1 (1)');
    expect(() => svc.podDnsName(-1)).toThrow('test/n: invalid ordinal -1: must be a whole number from 0 to replicas - 1 (1)');
  });

  test('a claim template may not shadow a pod volume', () => {
    const chart = Testing.chart();
    const scratch = kplus.Volume.fromEmptyDir(chart, 'scratch', 'data');
    expect(() => new StatefulService(chart, 'db', {
      containers: [{ ...DB, volumeMounts: [{ path: '/scratch', volume: scratch }] }],
      volumeClaimTemplates: [{ name: 'data', mountPath: '/var/lib/data', storage: Size.gibibytes(1) }],
    })).toThrow('test/db: invalid volumeClaimTemplates[0].name "data": must differ from the names of the pod\'s volumes: the claim would silently replace that volume');
  });
});

describe('StatefulService: JavaScript and jsii callers get the library\'s errors', () => {
  const data = { name: 'data', mountPath: '/var/lib/postgresql/data', storage: Size.gibibytes(10) };
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least containers'],
    [{}, 'test/a: invalid containers undefined: is required'],
    [{ containers: 7 }, 'test/a: invalid containers 7: must be a list'],
    [{ containers: [DB], replicas: '2' }, 'test/a: invalid replicas "2": must be a whole number of at least 1'],
    [{ containers: [DB], podManagementPolicy: 'Ordered' }, 'test/a: invalid podManagementPolicy "Ordered": must be one of OrderedReady, Parallel'],
    [{ containers: [DB], updateStrategy: { type: 'OnDelete' } }, 'test/a: invalid updateStrategy {"type":"OnDelete"}: must be a kplus.StatefulSetUpdateStrategy, e.g. StatefulSetUpdateStrategy.rollingUpdate()'],
    [{ containers: [DB], clientService: 'yes' }, 'test/a: invalid clientService "yes": must be true or false'],
    [{ containers: [DB], volumeClaimTemplates: data }, /^test\/a: invalid volumeClaimTemplates \{"name":"data",.*\}: must be a list$/],
    [{ containers: [DB], volumeClaimTemplates: [null] }, 'test/a: invalid volumeClaimTemplates[0] null: must be an object with at least name, mountPath and storage'],
    [{ containers: [DB], volumeClaimTemplates: [{ ...data, name: undefined }] }, 'test/a: invalid volumeClaimTemplates[0].name undefined: must be a DNS-1123 label'],
    [{ containers: [DB], volumeClaimTemplates: [{ ...data, storage: '10Gi' }] }, 'test/a: invalid volumeClaimTemplates[0].storage "10Gi": must be a Size, e.g. Size.gibibytes(10)'],
    [{ containers: [DB], volumeClaimTemplates: [{ ...data, accessModes: 'ReadWriteOnce' }] }, 'test/a: invalid volumeClaimTemplates[0].accessModes "ReadWriteOnce": must be a list'],
    [{ containers: [DB], volumeClaimTemplates: [{ ...data, accessModes: ['RWO'] }] },
      'test/a: invalid volumeClaimTemplates[0].accessModes[0] "RWO": must be one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod'],
    [{ containers: [DB], volumeClaimTemplates: [{ ...data, containers: 'db' }] }, 'test/a: invalid volumeClaimTemplates[0].containers "db": must be a list'],
    [{ containers: [DB], volumeClaimTemplates: [data, { ...data, name: 'wal' }] }, 'test/a: invalid volumeClaimTemplates[1].mountPath "/var/lib/postgresql/data": must differ from the mount paths of container db: /var/lib/postgresql/data is mounted by test/a'],
    [{ containers: [DB, { name: 'exporter', image: 'prometheuscommunity/postgres-exporter:v0.15.0', ports: [{ number: 5432, name: 'metrics' }], readiness: kplus.Probe.fromTcpSocket() }] },
      'test/a: invalid containers[exporter].ports 5432: must differ from the ports of container db: the containers share the pod\'s network, and a Service publishes each port once'],
    [{ containers: [DB, { name: 'exporter', image: 'prometheuscommunity/postgres-exporter:v0.15.0', ports: [{ number: 9187, name: 'postgres' }], readiness: kplus.Probe.fromTcpSocket() }] },
      'test/a: invalid containers[exporter].ports[9187].name "postgres": must differ from the port names of container db: a Service names each port once'],
  ] as Array<[unknown, string | RegExp]>)('%#', (props, message) => {
    expect(() => new StatefulService(Testing.chart(), 'a', props as any)).toThrow(message);
  });

  test('podDnsName refuses a mistyped ordinal', () => {
    const { svc } = setup();
    expect(() => svc.podDnsName('0' as any)).toThrow('test/orders-db: invalid ordinal "0": must be a whole number from 0 to replicas - 1 (0)');
  });
});
