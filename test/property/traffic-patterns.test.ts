import { describeProperties } from './check';
import {
  apiGatewayScenarios, buildPool, externalServiceScenarios, finishPool, networkSegmentationScenarios, PoolScenario, SegmentationScenario,
  stranglerScenarios,
} from './traffic-arbitraries';
import { ApiGateway, ExternalService, NetworkSegmentation, Strangler } from '../../src';


// Traffic patterns: the Services they route to or protect come from a pool of plain cdk8s-plus
// workloads and Services (and ExternalServices) built first; the chart has no namespace or `shop`.
describeProperties('traffic patterns', [
  {
    name: 'ExternalService',
    seed: 1401,
    scenarios: externalServiceScenarios(),
    build: (ctx, s) => { new ExternalService(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
  {
    name: 'ApiGateway',
    seed: 1402,
    scenarios: apiGatewayScenarios(),
    build: (ctx, s: PoolScenario) => {
      buildPool(ctx, s.pool);
      new ApiGateway(ctx.chart, 'x', ctx.materialize(s.props));
      finishPool(ctx);
    },
  },
  {
    name: 'Strangler',
    seed: 1403,
    scenarios: stranglerScenarios(),
    build: (ctx, s: PoolScenario) => {
      buildPool(ctx, s.pool);
      new Strangler(ctx.chart, 'x', ctx.materialize(s.props));
      finishPool(ctx);
    },
  },
  {
    // The construct, then its calls in order (allowToService, allowFromGateway, allowEgress).
    name: 'NetworkSegmentation',
    seed: 1404,
    scenarios: networkSegmentationScenarios(),
    build: (ctx, s: SegmentationScenario) => {
      buildPool(ctx, s.pool);
      const seg = new NetworkSegmentation(ctx.chart, 'x', ctx.materialize(s.props));
      for (const c of s.calls) {
        const a = ctx.materialize<any>(c);
        if (a.call === 'allowToService') seg.allowToService(a.service, a.peers);
        else if (a.call === 'allowFromGateway') seg.allowFromGateway(a.routed, a.peers);
        else seg.allowEgress(a.source, a.destination, a.ports);
      }
    },
  },
]);
