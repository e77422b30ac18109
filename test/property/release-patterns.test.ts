import { abTestScenarios, blueGreenScenarios, canaryScenarios, rolloutScenarios } from './arbitraries';
import { describeProperties } from './check';
import { AbTestDeployment, BlueGreenDeployment, CanaryDeployment, Rollout } from '../../src';

// Release patterns: random tracks, strategies, routings and matches give a clear error or valid,
// restricted, deterministic manifests.
describeProperties('release patterns', [
  {
    name: 'Rollout',
    seed: 1301,
    scenarios: rolloutScenarios(),
    build: (ctx, s) => { new Rollout(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'BlueGreenDeployment',
    seed: 1302,
    scenarios: blueGreenScenarios(),
    build: (ctx, s) => { new BlueGreenDeployment(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'CanaryDeployment',
    seed: 1303,
    scenarios: canaryScenarios(),
    build: (ctx, s) => { new CanaryDeployment(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'AbTestDeployment',
    seed: 1304,
    scenarios: abTestScenarios(),
    build: (ctx, s) => { new AbTestDeployment(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
]);
