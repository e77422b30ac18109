import { baseWorkload } from './arbitraries';
import { describeProperties, Failure } from './check';
import {
  afterPattern, elasticScaleScenarios, eventDrivenScaleScenarios, predictableDemandsScenarios, PriorityScenario, priorityClassScenarios,
  ScalingScenario,
} from './scaling-arbitraries';
import { ElasticScale, EventDrivenScale, PredictableDemands, PriorityClass } from '../../src';

/**
 * The scenario made the scaled workload with a container that requests no CPU or no memory
 * (to reach the library's request checks): the wiring rules flag that container, whatever the
 * pattern does with it.
 */
const requestLess = (f: Failure, s: ScalingScenario): boolean =>
  f.kind === 'wiring' && /^wiring \[(container-requests|memory-limit)\]/.test(f.key) && (s.workload?.containers.some(c => c.requests !== 'preset') ?? false);


// Scaling patterns: autoscalers of a plain cdk8s-plus Deployment or StatefulSet (`web`), the
// namespace's quota and limits, and priority classes given to workloads; the chart has no
// namespace, or `jobs` / `shop`.
describeProperties('scaling patterns', [
  {
    name: 'ElasticScale',
    seed: 1501,
    scenarios: elasticScaleScenarios(),
    build: (ctx, s: ScalingScenario) => {
      new ElasticScale(ctx.chart, 'x', ctx.materialize(s.props));
      afterPattern(ctx, s.workload);
    },
    exempt: requestLess,
  },
  {
    name: 'EventDrivenScale',
    seed: 1502,
    scenarios: eventDrivenScaleScenarios(),
    build: (ctx, s: ScalingScenario) => {
      new EventDrivenScale(ctx.chart, 'x', ctx.materialize(s.props));
      afterPattern(ctx, s.workload);
    },
    exempt: requestLess,
  },
  {
    name: 'PredictableDemands',
    seed: 1503,
    scenarios: predictableDemandsScenarios(),
    build: (ctx, s) => { new PredictableDemands(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    // Workloads `w0`, `w1` first; the class; assignTo; an existing class given to w0 (sometimes, before the class or last).
    name: 'PriorityClass',
    seed: 1504,
    scenarios: priorityClassScenarios(),
    build: (ctx, s: PriorityScenario) => {
      const workloads = s.workloads.map((spec, i) => ctx.materialize(baseWorkload(spec, `w${i}`)));
      if (s.existing !== undefined && !s.existingLast) PriorityClass.assignExisting(workloads[0], s.existing as string);
      const pc = new PriorityClass(ctx.chart, 'x', ctx.materialize(s.props));
      for (const a of s.assignTo) pc.assignTo((typeof a === 'number' ? workloads[a % workloads.length] : a) as any);
      if (s.existing !== undefined && s.existingLast) PriorityClass.assignExisting(workloads[0], s.existing as string);
    },
  },
]);
