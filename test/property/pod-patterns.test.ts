import * as fc from 'fast-check';
import {
  adapterScenarios, ambassadorScenarios, baseWorkload, BaseWorkloadSpec, baseWorkloadSpec, configTemplateScenarios, dataImageScenarios,
  gracefulShutdownScenarios, highlyAvailableScenarios, immutableConfigImageScenarios, sidecarScenarios, StartupScenario, startupSequenceScenarios,
} from './arbitraries';
import { describeProperties, evaluate, PatternProperty } from './check';
import { Adapter, Ambassador, ConfigTemplate, DataImage, GracefulShutdown, HighlyAvailable, ImmutableConfigImage, Sidecar, StartupSequence } from '../../src';

// Pod patterns attach to a plain cdk8s-plus workload (`web`: a Deployment most of the time, also a
// StatefulSet, DaemonSet, Job, CronJob or Pod) that is itself valid and restricted.
describeProperties('pod patterns', [
  {
    name: 'Sidecar',
    seed: 1101,
    scenarios: sidecarScenarios(),
    build: (ctx, s) => { new Sidecar(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'Ambassador',
    seed: 1102,
    scenarios: ambassadorScenarios(),
    build: (ctx, s) => { new Ambassador(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'Adapter',
    seed: 1103,
    scenarios: adapterScenarios(),
    build: (ctx, s) => { new Adapter(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'StartupSequence',
    seed: 1104,
    scenarios: startupSequenceScenarios(),
    build: (ctx, s: StartupScenario) => {
      const sequence = new StartupSequence(ctx.chart, 'x', ctx.materialize(s.props));
      for (const step of s.steps) {
        if (step.kind === 'init') sequence.addInitStep(ctx.materialize(step.container));
        else sequence.addNativeSidecar(ctx.materialize(step.container), ctx.materialize(step.options));
      }
    },
  },
  {
    name: 'GracefulShutdown',
    seed: 1105,
    scenarios: gracefulShutdownScenarios(),
    build: (ctx, s) => { new GracefulShutdown(ctx.chart, 'x', ctx.materialize(s.props)); },
    // sleepAction writes lifecycle.preStop.sleep, a Kubernetes 1.30 field, as documented; the
    // 1.28 schema does not know it (the only exemption of the suite).
    exempt: (f, s) => f.kind === 'schema' && (s.props as any)?.sleepAction === true && f.detail.includes('(unknown field "sleep")'),
  },
  {
    name: 'HighlyAvailable',
    seed: 1106,
    scenarios: highlyAvailableScenarios(),
    build: (ctx, s) => { new HighlyAvailable(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'ImmutableConfigImage',
    seed: 1107,
    scenarios: immutableConfigImageScenarios(),
    build: (ctx, s) => { new ImmutableConfigImage(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'ConfigTemplate',
    seed: 1108,
    scenarios: configTemplateScenarios(),
    build: (ctx, s) => { new ConfigTemplate(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'DataImage',
    seed: 1109,
    scenarios: dataImageScenarios(),
    build: (ctx, s) => { new DataImage(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
]);

// The workloads above must be valid on their own, or their findings would be blamed on the patterns.
test('the plain workloads the pod patterns attach to are valid on their own', () => {
  const workloads: PatternProperty<{ props: BaseWorkloadSpec }> = {
    name: 'workload',
    seed: 1100,
    scenarios: baseWorkloadSpec.map(spec => ({ props: spec })),
    build: (ctx, s) => { ctx.materialize(baseWorkload(s.props)); },
  };
  for (const s of fc.sample(workloads.scenarios, { seed: workloads.seed, numRuns: 300 })) {
    expect({ spec: s.props, failures: evaluate(workloads, s).failures.map(f => f.detail) }).toEqual({ spec: s.props, failures: [] });
  }
});
