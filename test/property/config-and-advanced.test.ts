import {
  baseWorkload, ConfigScenario, CrdScenario, crdScenarios, disruptionBudgetScenarios, hashedConfigMapScenarios, hashedSecretScenarios,
  RestrictedScenario, restrictedPodsScenarios,
} from './arbitraries';
import { describeProperties } from './check';
import { CustomResourceDefinition, DisruptionBudget, HashedConfigMap, HashedSecret, ResourcePreset, RestrictedPods } from '../../src';

describeProperties('configuration, custom resources and pod security', [
  {
    name: 'HashedConfigMap',
    seed: 1201,
    scenarios: hashedConfigMapScenarios(),
    build: (ctx, s: ConfigScenario) => { new HashedConfigMap(ctx.chart, s.id, ctx.materialize(s.props)); },
  },
  {
    name: 'HashedSecret',
    seed: 1202,
    scenarios: hashedSecretScenarios(),
    build: (ctx, s: ConfigScenario) => { new HashedSecret(ctx.chart, s.id, ctx.materialize(s.props)); },
  },
  {
    name: 'CustomResourceDefinition',
    seed: 1203,
    scenarios: crdScenarios(),
    build: (ctx, s: CrdScenario) => {
      const crd = new CustomResourceDefinition(ctx.chart, 'x', ctx.materialize(s.props));
      if (s.instance) crd.newInstance(ctx.chart, 'instance', s.instance.spec as any, { version: s.instance.version as any, name: s.instance.name as any });
    },
  },
  {
    // Plain cdk8s-plus workloads (`w0`, `w1`) whose containers set any security context; applyTo
    // on the chart, or on the one workload.
    name: 'RestrictedPods.applyTo',
    seed: 1204,
    scenarios: restrictedPodsScenarios(),
    build: (ctx, s: RestrictedScenario) => {
      const specs = s.scope === 'workload' ? s.workloads.slice(0, 1) : s.workloads;
      let next = 0;
      const workloads = specs.map((spec, i) => {
        const contexts = s.securityContexts.slice(next, next + spec.containers.length);
        next += spec.containers.length;
        return ctx.materialize(baseWorkload(spec, `w${i}`, contexts));
      });
      if (s.initContainer) {
        workloads[0].addInitContainer({
          name: 'init',
          image: 'busybox:1.36',
          resources: ResourcePreset.SMALL.toContainerResources(),
          securityContext: s.securityContexts[3] as any,
        });
      }
      const scope = s.scope === 'chart' ? ctx.chart : s.scope === 'workload' ? workloads[0] : undefined;
      RestrictedPods.applyTo(scope as any, ctx.materialize(s.props));
    },
  },
  {
    name: 'DisruptionBudget',
    seed: 1205,
    scenarios: disruptionBudgetScenarios(),
    build: (ctx, s) => { new DisruptionBudget(ctx.chart, 'x', ctx.materialize(s.props)); },
  },
]);
