import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Singleton, SingletonEviction, SingletonGuarantee } from '../../src';
import { only, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const containers = [{ name: 'cron-master', image: 'shop/cron-master:1.4.0', portNumber: 8080, readiness: kplus.Probe.fromTcpSocket({ port: 8080 }) }];

describe('Singleton', () => {
  test('AVAILABILITY: a Deployment of one replica with Recreate; drains may evict it', () => {
    const chart = Testing.chart();
    const s = new Singleton(chart, 'master', { containers, guarantee: SingletonGuarantee.AVAILABILITY });
    const manifests = synth(chart);
    const dep = only(manifests, 'Deployment');
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
    expect(only(manifests, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: dep.spec.selector.matchLabels } });
    expect(s.statefulSet).toBeUndefined();
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('CONSISTENCY: a StatefulSet of one replica behind its headless Service; BLOCK keeps drains off it', () => {
    const chart = Testing.chart();
    new Singleton(chart, 'master', { containers, guarantee: SingletonGuarantee.CONSISTENCY, eviction: SingletonEviction.BLOCK });
    const manifests = synth(chart);
    const sts = only(manifests, 'StatefulSet');
    const svc = only(manifests, 'Service');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports).toEqual([{ name: 'port-0', port: 8080, targetPort: 8080 }]);
    expect(svc.spec.selector).toMatchObject(sts.spec.selector.matchLabels);
    expect(only(manifests, 'PodDisruptionBudget').spec).toEqual({ minAvailable: 1, selector: { matchLabels: sts.spec.selector.matchLabels } });
    expect(manifests.find(m => m.kind === 'Deployment')).toBeUndefined();
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    expect(() => new Singleton(chart, 'a', { containers, guarantee: 'strong' as any }))
      .toThrow('test/a: invalid guarantee "strong": must be one of availability, consistency');
    expect(() => new Singleton(chart, 'b', { containers: [{ image: 'x/y:1' }], guarantee: SingletonGuarantee.CONSISTENCY }))
      .toThrow('test/b: invalid containers ["main"]: must expose at least one port with guarantee CONSISTENCY');
    expect(() => new Singleton(chart, 'c', { containers, guarantee: SingletonGuarantee.AVAILABILITY, eviction: 'never' as any }))
      .toThrow('test/c: invalid eviction "never": must be one of allow, block');
  });
});

describe('writablePaths (every workload pattern)', () => {
  test('each container gets an emptyDir of its own at each path, the root stays read-only', () => {
    const chart = Testing.chart();
    new Singleton(chart, 'master', {
      containers: [...containers, { name: 'helper', image: 'shop/helper:1.0.0' }],
      guarantee: SingletonGuarantee.AVAILABILITY,
      writablePaths: ['/tmp', '/var/cache/nginx'],
    });
    const manifests = synth(chart);
    const spec = only(manifests, 'Deployment').spec.template.spec;
    for (const c of spec.containers) {
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.volumeMounts).toEqual([
        { mountPath: '/tmp', name: `${c.name}-tmp` },
        { mountPath: '/var/cache/nginx', name: `${c.name}-var-cache-nginx` },
      ]);
    }
    expect(spec.volumes.map((v: any) => v.name).sort()).toEqual(['cron-master-tmp', 'cron-master-var-cache-nginx', 'helper-tmp', 'helper-var-cache-nginx']);
    expect(spec.volumes[0].emptyDir).toEqual({ sizeLimit: '64Mi' });
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const make = (id: string, writablePaths: string[]) =>
      new Singleton(chart, id, { containers, guarantee: SingletonGuarantee.AVAILABILITY, writablePaths });
    expect(() => make('a', ['tmp'])).toThrow('test/a: invalid writablePaths[0] "tmp": must be an absolute path below /, without ".."');
    expect(() => make('b', ['/tmp/../etc'])).toThrow('test/b: invalid writablePaths[0] "/tmp/../etc": must be an absolute path below /, without ".."');
    expect(() => make('c', ['/tmp', '/tmp'])).toThrow('test/c: invalid writablePaths[1] "/tmp": must not repeat a path');
  });
});

describe('Singleton: JavaScript and jsii callers get the library\'s errors', () => {
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least containers, guarantee'],
    [{}, 'test/a: invalid containers undefined: is required'],
    [{ containers }, 'test/a: invalid guarantee undefined: is required'],
    [{ containers: { image: 'shop/cron-master:1.4.0' }, guarantee: SingletonGuarantee.AVAILABILITY }, 'test/a: invalid containers {"image":"shop/cron-master:1.4.0"}: must be a list'],
  ])('%#', (props, message) => {
    expect(() => new Singleton(Testing.chart(), 'a', props as any)).toThrow(message);
  });

  test('CONSISTENCY: the headless Service publishes portNumber and ports, each once', () => {
    const chart = Testing.chart();
    new Singleton(chart, 's', {
      guarantee: SingletonGuarantee.CONSISTENCY,
      containers: [{ name: 'app', image: 'shop/app:1.0.0', portNumber: 8080, ports: [{ number: 9090, name: 'metrics' }], readiness: kplus.Probe.fromTcpSocket({ port: 8080 }) }],
    });
    expect(only(synth(chart), 'Service').spec.ports).toEqual([
      { port: 8080, targetPort: 8080, name: 'port-0' },
      { port: 9090, targetPort: 9090, name: 'metrics' },
    ]);
    const twice = [{ name: 'a', image: 'shop/a:1.0.0', portNumber: 80, readiness: kplus.Probe.fromTcpSocket() }, { name: 'b', image: 'shop/b:1.0.0', portNumber: 80, readiness: kplus.Probe.fromTcpSocket() }];
    expect(() => new Singleton(Testing.chart(), 't', { guarantee: SingletonGuarantee.CONSISTENCY, containers: twice }))
      .toThrow('test/t: invalid containers[b].ports 80: must differ from the ports of container a');
  });
});
