import { Testing } from 'cdk8s';
import { Singleton, SingletonEviction, SingletonGuarantee } from '../../src';
import { only, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const containers = [{ name: 'cron-master', image: 'shop/cron-master:1.4.0' }];

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
    expect(svc.spec.selector).toMatchObject(sts.spec.selector.matchLabels);
    expect(only(manifests, 'PodDisruptionBudget').spec).toEqual({ minAvailable: 1, selector: { matchLabels: sts.spec.selector.matchLabels } });
    expect(manifests.find(m => m.kind === 'Deployment')).toBeUndefined();
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });
});
