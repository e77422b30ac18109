import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GracefulShutdown, HighlyAvailable, NetworkPeer, NetworkSegmentation, ScatterGather, ScatterGatherProps, Sidecar } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const ROOT: kplus.ContainerProps = {
  image: 'ghcr.io/cdk8s-patterns/search-root:1.0.0',
  portNumber: 8080,
  readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
  securityContext: { user: 10001, group: 10001 },
};
const LEAF: kplus.ContainerProps = {
  image: 'ghcr.io/cdk8s-patterns/search-leaf:1.0.0',
  ports: [{ number: 9090, name: 'search' }],
  readiness: kplus.Probe.fromHttpGet('/ready', { port: 9090 }),
  securityContext: { user: 10001, group: 10001 },
};

function setup(extra: Partial<ScatterGatherProps> = {}) {
  const chart = Testing.chart();
  const sg = new ScatterGather(chart, 'search', { root: ROOT, leaf: LEAF, ...extra });
  const manifests = synth(chart);
  const sts = only(manifests, 'StatefulSet');
  const deployment = only(manifests, 'Deployment');
  return {
    chart,
    sg,
    manifests,
    sts,
    deployment,
    headless: only(manifests, 'Service', sg.leafService.name),
    rootService: only(manifests, 'Service', sg.rootService.name),
  };
}

/** A container's env as name → value (or the fieldRef path). */
function env(c: any): { [name: string]: string } {
  return Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]));
}

describe('ScatterGather', () => {
  test('the root\'s environment lists every leaf by its stable DNS name under the headless Service', () => {
    const { sg, sts, deployment, headless } = setup();
    const root = env(container(podSpec(deployment), 'root'));
    const name = sts.metadata.name;
    const svc = headless.metadata.name;
    expect(root).toEqual({
      LEAF_ADDRESSES: `${name}-0.${svc}:9090,${name}-1.${svc}:9090,${name}-2.${svc}:9090`,
      LEAF_COUNT: '3',
      LEAF_SERVICE: svc,
      LEAF_PORT: '9090',
      LEAF_TIMEOUT_MS: '2000',
    });
    expect(sg.leafAddresses).toEqual(root.LEAF_ADDRESSES.split(','));
    expect(sg.leafAddresses).toEqual(sg.leafSet.podDnsNames().map(h => `${h}:9090`));
    expect(sg.leafCount).toBe(3);
    expect(sg.leafPort).toBe(9090);
    expect(sg.leafTimeout.toMilliseconds()).toBe(2000);
  });

  test.each([1, 2, 5, 12])('the root follows the leaf count (%i leaves)', (leaves) => {
    const { sts, deployment, headless } = setup({ leaves });
    expect(sts.spec.replicas).toBe(leaves);
    const root = env(container(podSpec(deployment), 'root'));
    expect(root.LEAF_COUNT).toBe(String(leaves));
    expect(root.LEAF_ADDRESSES.split(',')).toEqual(Array.from({ length: leaves }, (_, i) => `${sts.metadata.name}-${i}.${headless.metadata.name}:9090`));
    expect(env(container(podSpec(sts), 'leaf')).LEAF_COUNT).toBe(String(leaves));
  });

  test('each leaf knows its ordinal (the pod-index label), its pod name and the leaf count', () => {
    const { sts } = setup();
    expect(container(podSpec(sts), 'leaf').env).toEqual([
      { name: 'LEAF_INDEX', valueFrom: { fieldRef: { fieldPath: 'metadata.labels[\'apps.kubernetes.io/pod-index\']' } } },
      { name: 'LEAF_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'LEAF_COUNT', value: '3' },
    ]);
  });

  test('leaves: a StatefulSet whose serviceName is the headless Service selecting exactly its pods, started in parallel', () => {
    const { sg, sts, headless, manifests } = setup();
    expect(sts.spec.serviceName).toBe(headless.metadata.name);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBeUndefined(); // a leaf that is not ready has no DNS record
    expect(headless.spec.ports).toEqual([{ name: 'search', port: 9090, targetPort: 9090 }]);
    expect(sts.spec.template.metadata.labels).toMatchObject(sts.spec.selector.matchLabels);
    const { 'cdk8s.io/metadata.addr': addr, ...selector } = headless.spec.selector;
    expect(selector).toEqual(sts.spec.selector.matchLabels);
    expect(addr).toBe(sts.spec.template.metadata.labels['cdk8s.io/metadata.addr']);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sg.leafStatefulSet).toBe(sg.leafSet.statefulSet);
    expect(sg.leafService).toBe(sg.leafSet.headlessService);
    expect(manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'PodDisruptionBudget', 'Service', 'Service', 'StatefulSet']);
  });

  test('root: a Deployment behind a ClusterIP Service on its port; its selector matches its pods and no leaf', () => {
    const { sg, sts, deployment, rootService } = setup();
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'search',
      'app.kubernetes.io/instance': expect.stringMatching(/^test-search-/),
      'app.kubernetes.io/component': 'root',
    });
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(rootService.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(rootService.spec.type).toBe('ClusterIP');
    expect(rootService.spec.clusterIP).toBeUndefined();
    expect(rootService.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080 }]);
    expect(rootService.metadata.labels).toMatchObject({ ...deployment.spec.selector.matchLabels, 'app.kubernetes.io/managed-by': 'cdk8s-patterns' });
    // The two selectors never pick each other's pods.
    const matches = (sel: any, labels: any) => Object.entries(sel).every(([k, v]) => labels[k] === v);
    expect(matches(deployment.spec.selector.matchLabels, sts.spec.template.metadata.labels)).toBe(false);
    expect(matches(sts.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(false);
    expect(sg.rootDeployment.replicas).toBe(2);
  });

  test('ports: rootPort and leafPort pick one of several, servicePort renames the entry point', () => {
    const { deployment, rootService, sg } = setup({
      root: { ...ROOT, portNumber: undefined, ports: [{ number: 8080, name: 'api' }, { number: 9100, name: 'metrics' }] },
      leaf: { ...LEAF, ports: [{ number: 9090, name: 'search' }, { number: 9101, name: 'metrics' }] },
      rootPort: 8080,
      leafPort: 9090,
      servicePort: 80,
    });
    expect(rootService.spec.ports).toEqual([{ name: 'api', port: 80, targetPort: 8080 }]);
    expect(env(container(podSpec(deployment), 'root')).LEAF_PORT).toBe('9090');
    expect(sg.leafAddresses.every(a => a.endsWith(':9090'))).toBe(true);
  });

  test('leafTimeout is the root\'s LEAF_TIMEOUT_MS', () => {
    const { deployment } = setup({ leafTimeout: Duration.millis(750) });
    expect(env(container(podSpec(deployment), 'root')).LEAF_TIMEOUT_MS).toBe('750');
  });

  test('restricted pods, no service-account token, the containers\' own user kept, wired', () => {
    const { manifests, sts, deployment } = setup();
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
    for (const [w, name] of [[deployment, 'root'], [sts, 'leaf']]) {
      const spec = podSpec(w);
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(container(spec, name).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: 10001,
        runAsNonRoot: true,
        runAsUser: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container(spec, name).resources.requests).toBeDefined();
    }
  });

  test('high availability: a PDB and spread for the root and for the leaves; none for one replica or when turned off', () => {
    const { sg, manifests, sts, deployment } = setup();
    const pdbs = manifests.filter(m => m.kind === 'PodDisruptionBudget');
    expect(pdbs.map(p => p.spec.selector.matchLabels))
      .toEqual(expect.arrayContaining([sts.spec.selector.matchLabels, deployment.spec.selector.matchLabels]));
    for (const w of [sts, deployment]) {
      expect(podSpec(w).topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    }
    expect(sg.rootHighAvailability).toBeDefined();
    expect(sg.leafSet.highAvailability).toBeDefined();

    const single = setup({ leaves: 1, rootReplicas: 1 });
    expect(single.manifests.map(m => m.kind)).not.toContain('PodDisruptionBudget');
    expect(single.sg.rootHighAvailability).toBeUndefined();
    const off = setup({ highAvailability: false });
    expect(off.manifests.map(m => m.kind)).not.toContain('PodDisruptionBudget');
  });

  test('appName, partOf and per-leaf claims are passed on', () => {
    const { sts, deployment } = setup({
      appName: 'catalog-search',
      partOf: 'shop',
      leafVolumeClaimTemplates: [{ name: 'index', mountPath: '/var/lib/index', storage: Size.gibibytes(2) }],
    });
    for (const w of [sts, deployment]) {
      expect(w.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'catalog-search', 'app.kubernetes.io/part-of': 'shop' });
    }
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['index']);
    expect(container(podSpec(sts), 'leaf').volumeMounts).toEqual([{ name: 'index', mountPath: '/var/lib/index' }]);
  });

  test('composition: pod patterns attach to the root and the leaves, NetworkSegmentation allows root → leaves from the wiring', () => {
    const chart = Testing.chart();
    const sg = new ScatterGather(chart, 'search', { root: ROOT, leaf: LEAF, highAvailability: false });
    new GracefulShutdown(chart, 'drain', { workload: sg.rootDeployment, preStopSleepSeconds: 3 });
    new Sidecar(chart, 'indexer', {
      workload: sg.leafStatefulSet,
      container: { image: 'ghcr.io/cdk8s-patterns/indexer:1.0.0' },
      sharedVolume: { sidecarMountPath: '/index', mainMountPath: '/var/lib/index', mainReadOnly: true },
    });
    new HighlyAvailable(chart, 'root-ha', { workload: sg.rootDeployment, maxUnavailable: 1 });
    const seg = new NetworkSegmentation(chart, 'zero-trust');
    seg.allowFlowsOf(sg);
    seg.allowToService(sg.rootService, [NetworkPeer.namespaceNamed('web')]);
    const manifests = synth(chart);
    const sts = only(manifests, 'StatefulSet');
    const deployment = only(manifests, 'Deployment');
    expect(container(podSpec(deployment), 'root').lifecycle.preStop).toEqual({ exec: { command: ['sleep', '3'] } });
    expect(podSpec(sts).containers.map((c: any) => c.name)).toEqual(['leaf', expect.any(String)]);
    expect(container(podSpec(sts), 'leaf').volumeMounts).toEqual([expect.objectContaining({ mountPath: '/var/lib/index', readOnly: true })]);
    expect(manifests.filter(m => m.kind === 'PodDisruptionBudget')).toHaveLength(1);

    expect(sg.networkFlows.map(f => [f.kind, f.source, f.service])).toEqual([['service', sg.rootDeployment, sg.leafService]]);
    const policies = manifests.filter(m => m.kind === 'NetworkPolicy');
    const toLeaves = policies.find(p => p.spec.policyTypes[0] === 'Ingress' && p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === 'stateful-service');
    // The leaves' pods as the headless Service selects them.
    expect(toLeaves.spec.podSelector.matchLabels).toEqual(only(manifests, 'Service', sg.leafService.name).spec.selector);
    expect(sts.spec.template.metadata.labels).toMatchObject(toLeaves.spec.podSelector.matchLabels);
    expect(toLeaves.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: deployment.spec.selector.matchLabels } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    const rootEgress = policies.find(p => p.spec.policyTypes[0] === 'Egress' && p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === 'root');
    expect(rootEgress.spec.egress).toEqual([{ to: [{ podSelector: toLeaves.spec.podSelector }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    const toRoot = policies.find(p => p.spec.policyTypes[0] === 'Ingress' && p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === 'root');
    expect(toRoot.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(restrictedViolations(manifests)).toEqual([]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const make = (id: string, extra: Partial<ScatterGatherProps>) => () => new ScatterGather(chart, id, { root: ROOT, leaf: LEAF, ...extra });
    expect(make('a', { leaves: 0 })).toThrow('test/a: invalid leaves 0: must be a whole number of at least 1');
    expect(make('b', { leaves: 1001 })).toThrow('test/b: invalid leaves 1001: must be at most 1000: the root\'s LEAF_ADDRESSES lists every leaf');
    expect(make('c', { leaves: 2.5 })).toThrow('test/c: invalid leaves 2.5: must be a whole number of at least 1');
    expect(make('d', { rootReplicas: 0 })).toThrow('test/d: invalid rootReplicas 0: must be a whole number of at least 1');
    expect(make('e', { leaf: { ...LEAF, ports: undefined } }))
      .toThrow('test/e: invalid leaf.ports []: must be exactly one port (portNumber or ports), or name the one the root sends requests to in leafPort');
    expect(make('f', { root: { ...ROOT, ports: [{ number: 9100, name: 'metrics' }] } }))
      .toThrow('test/f: invalid root.ports [9100,8080]: must be exactly one port (portNumber or ports), or name the one the root Service publishes in rootPort');
    expect(make('g', { leafPort: 8080 })).toThrow('test/g: invalid leafPort 8080: must be a port of the leaf container: 9090');
    expect(make('h', { rootPort: 70000 })).toThrow('test/h: invalid rootPort 70000: must be an integer port number from 1 to 65535');
    expect(make('i', { servicePort: 0 })).toThrow('test/i: invalid servicePort 0: must be an integer port number from 1 to 65535');
    expect(make('j', { leafTimeout: Duration.millis(0.5) })).toThrow('test/j: invalid leafTimeout "0.5ms": must be a whole number of milliseconds, at least 1');
    expect(make('k', { root: { ...ROOT, envVariables: { LEAF_ADDRESSES: kplus.EnvValue.fromValue('x:1') } } }))
      .toThrow('test/k: invalid root.envVariables "LEAF_ADDRESSES": must not set LEAF_ADDRESSES, LEAF_COUNT, LEAF_SERVICE, LEAF_PORT, LEAF_TIMEOUT_MS: the pattern sets them from the leaves it creates');
    expect(make('l', { leaf: { ...LEAF, envVariables: { LEAF_INDEX: kplus.EnvValue.fromValue('0') } } }))
      .toThrow('test/l: invalid leaf.envVariables "LEAF_INDEX": must not set LEAF_INDEX, LEAF_NAME, LEAF_COUNT: the pattern sets them from the leaves it creates');
    expect(make('m', { leaf: { ...LEAF, readiness: undefined } }))
      .toThrow('test/m: invalid leaf.readiness undefined: must be given for a container that serves ports');
    expect(make('n', { root: { ...ROOT, image: 'search-root:latest' } }))
      .toThrow('test/n: invalid root.image "search-root:latest": must be pinned');
    expect(make('o', { root: { ...ROOT, securityContext: { user: 0 } } }))
      .toThrow('test/o: invalid root.securityContext.user 0');
    expect(make('p', { appName: 'Search Engine' })).toThrow('test/p: invalid appName "Search Engine": must be a label value');
    expect(make('q', { highAvailability: 'yes' as any })).toThrow('test/q: invalid highAvailability "yes": must be true or false');
  });
});

describe('ScatterGather: JavaScript and jsii callers get the library\'s errors', () => {
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least root, leaf'],
    [{ leaf: LEAF }, 'test/a: invalid root undefined: is required'],
    [{ root: ROOT }, 'test/a: invalid leaf undefined: is required'],
    [{ root: 'nginx', leaf: LEAF }, 'test/a: invalid root "nginx": must be container props with at least an image'],
    [{ root: ROOT, leaf: LEAF, leaves: '3' }, 'test/a: invalid leaves "3": must be a whole number of at least 1'],
    [{ root: ROOT, leaf: LEAF, leafTimeout: 2000 }, 'test/a: invalid leafTimeout 2000: must be a Duration, e.g. Duration.seconds(2)'],
    [{ root: ROOT, leaf: LEAF, leafPort: '9090' }, 'test/a: invalid leafPort "9090": must be an integer port number from 1 to 65535'],
  ])('%j', (props, message) => {
    const chart = Testing.chart();
    expect(() => new ScatterGather(chart, 'a', props as any)).toThrow(message);
  });
});
