import {
  batchJobScenarios, controllerScenarios, daemonServiceScenarios, leaderElectedScenarios, operatorScenarios, periodicJobScenarios,
  singletonScenarios, statefulServiceScenarios, workQueueScenarios,
} from './arbitraries';
import { describeProperties } from './check';
import {
  BatchJob, Controller, DaemonService, LeaderElected, Operator, PeriodicJob, Singleton, StatefulService, WorkQueue,
} from '../../src';

// Workload patterns create their workloads from the user's container props; the chart has no
// namespace or the namespace `shop`.
describeProperties('workload patterns', [
  {
    name: 'LeaderElected',
    seed: 1001,
    scenarios: leaderElectedScenarios(),
    build: (ctx, s) => { new LeaderElected(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'WorkQueue',
    seed: 1002,
    scenarios: workQueueScenarios(),
    build: (ctx, s) => { new WorkQueue(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'Singleton',
    seed: 1003,
    scenarios: singletonScenarios(),
    build: (ctx, s) => { new Singleton(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'BatchJob',
    seed: 1004,
    scenarios: batchJobScenarios(),
    build: (ctx, s) => { new BatchJob(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'PeriodicJob',
    seed: 1005,
    scenarios: periodicJobScenarios(),
    build: (ctx, s) => { new PeriodicJob(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'DaemonService',
    seed: 1006,
    scenarios: daemonServiceScenarios(),
    build: (ctx, s) => { new DaemonService(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'StatefulService',
    seed: 1007,
    scenarios: statefulServiceScenarios(),
    build: (ctx, s) => { new StatefulService(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'Controller',
    seed: 1008,
    scenarios: controllerScenarios(),
    build: (ctx, s) => { new Controller(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'Operator',
    seed: 1009,
    scenarios: operatorScenarios(),
    build: (ctx, s) => { new Operator(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
]);
