import { describeProperties } from './check';
import { scatterGatherScenarios, ShardedScenario, shardedServiceScenarios } from './distributed-arbitraries';
import { ScatterGather, ShardedService } from '../../src';

// Distributed patterns: a root fanning out to leaves, and shards behind twemproxy routers (shared,
// and attached to a plain cdk8s-plus workload `web`, to the service's own shards, or to a thing that
// is not a workload); the chart has no namespace or the namespace `shop`.
describeProperties('distributed patterns', [
  {
    name: 'ScatterGather',
    seed: 1601,
    scenarios: scatterGatherScenarios(),
    build: (ctx, s) => { new ScatterGather(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'ShardedService',
    seed: 1602,
    scenarios: shardedServiceScenarios(),
    build: (ctx, s: ShardedScenario) => {
      const sharded = new ShardedService(ctx.chart, 'x', ctx.materialize(s.props));
      const workload = s.workload === undefined ? undefined : ctx.materialize(s.workload);
      for (const r of s.routers) {
        const target = r.target === 'shards' ? sharded.statefulSet : workload;
        sharded.attachRouterTo(target, ctx.materialize(r.options));
      }
    },
  },
]);
