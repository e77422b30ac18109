import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HighlyAvailable } from '../../src';
import { only, podSpec, synth } from '../util';
import { wiringProblems } from '../wiring';

describe('HighlyAvailable', () => {
  test('a PDB selecting exactly the pods, and a soft spread over nodes and zones', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { replicas: 3, containers: [{ image: 'x/web:1' }] });
    const ha = new HighlyAvailable(chart, 'ha', { workload: web });
    const manifests = synth(chart);
    const dep = only(manifests, 'Deployment');
    const pdb = only(manifests, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: dep.spec.selector.matchLabels } });
    expect(podSpec(dep).topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: dep.spec.selector.matchLabels } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: dep.spec.selector.matchLabels } },
    ]);
    expect(ha.replicas).toBe(3);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('StatefulSets, hard spread over nodes only, and a larger budget', () => {
    const chart = Testing.chart();
    const sts = new kplus.StatefulSet(chart, 'db', { replicas: 5, containers: [{ image: 'x/db:1', portNumber: 5432 }] });
    new HighlyAvailable(chart, 'ha', { workload: sts, maxUnavailable: 2, spreadOverZones: false, hardSpread: true });
    const manifests = synth(chart);
    expect(only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(2);
    expect(podSpec(only(manifests, 'StatefulSet')).topologySpreadConstraints).toEqual([
      expect.objectContaining({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }),
    ]);
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const one = new kplus.Deployment(chart, 'one', { replicas: 1, containers: [{ image: 'x/y:1' }] });
    expect(() => new HighlyAvailable(chart, 'a', { workload: one }))
      .toThrow('test/a: invalid replicas 1: must be at least 2: one replica cannot be highly available (use Singleton for one)');
    const ds = new kplus.DaemonSet(chart, 'ds', { containers: [{ image: 'x/y:1' }] });
    expect(() => new HighlyAvailable(chart, 'b', { workload: ds }))
      .toThrow('test/b: invalid replicas undefined: must be given: test/ds does not set replicas');
    const two = new kplus.Deployment(chart, 'two', { replicas: 2, containers: [{ image: 'x/y:1' }] });
    expect(() => new HighlyAvailable(chart, 'c', { workload: two, replicas: 5 }))
      .toThrow('test/c: invalid replicas 5: must equal the replicas of test/two (2)');
  });
});
