// CanaryDeployment: the canary release gets the share of real requests its HTTPRoute weight promises.
// Requests go through the cluster's Gateway (Traefik, scripts/e2e/addons/traefik.sh) with the
// route's host name; each answer names the release that served it (gateway-lib.cjs). The promise
// (the weights, which backend is the canary) is read from the chart in effect, the traffic from the
// running Gateway: a counterpart changes the live route's weight and the measured share must leave
// the tolerance.
import gw from './gateway-lib.cjs';
import { BehaviorFailure, expect, readChart } from './lib.mjs';

gw.configure({ BehaviorFailure });

const ROUTE = 'rollouts-canary-route';
const REQUESTS = 1000;
/** Percentage points the measured canary share may differ from the weight's share. */
const TOLERANCE = 3;

/** What the chart promises: { route, host, stable, canary, share (percent) }. */
function promised(t) {
  const docs = readChart(gw.chartInEffect(t.stem));
  const route = gw.inChart(docs, 'HTTPRoute', ROUTE);
  expect(route.spec.rules.length === 1, `${route.metadata.name} has ${route.spec.rules.length} rules, not one`);
  const backends = gw.backendsOf(docs, route.spec.rules[0]);
  const canary = backends.find((b) => b.track === 'canary');
  const stable = backends.find((b) => b.track === 'stable');
  expect(canary && stable && backends.length === 2, `${route.metadata.name}'s backends are not one stable and one canary track: ${JSON.stringify(backends)}`);
  expect(canary.release !== stable.release, `stable and canary both run ${canary.release}: their traffic cannot be told apart`);
  const share = (100 * canary.weight) / (canary.weight + stable.weight);
  return { route: route.metadata.name, host: route.spec.hostnames[0], stable, canary, share };
}

export default {
  pattern: 'CanaryDeployment',
  examples: { rollouts: {} },
  checks: [
    {
      name: `the canary gets its route weight's share of ${REQUESTS} requests through the gateway (±${TOLERANCE} points)`,
      timeout: 150,
      async run(t) {
        const p = promised(t);
        await gw.waitRouted(t, p.route, p.host);
        const { counts } = await gw.sendRequests(p.host, REQUESTS);
        const other = Object.keys(counts).filter((k) => k !== p.canary.release && k !== p.stable.release);
        expect(!other.length, `${REQUESTS} requests to ${p.host}: ${gw.formatCounts(counts)} (answers from neither release)`);
        const share = (100 * (counts[p.canary.release] || 0)) / REQUESTS;
        expect(Math.abs(share - p.share) <= TOLERANCE,
          `${REQUESTS} requests to ${p.host}: ${gw.formatCounts(counts)}: the canary got ${share.toFixed(1)}%, the route's weights ${p.stable.weight}/${p.canary.weight} promise ${p.share.toFixed(1)}% ±${TOLERANCE}`);
        return `${REQUESTS} requests to ${p.host}: ${gw.formatCounts(counts)}: canary ${share.toFixed(1)}% for weights ${p.stable.weight}/${p.canary.weight} (${p.share.toFixed(1)}% ±${TOLERANCE})`;
      },
    },
  ],
  counterparts: [
    {
      check: `the canary gets its route weight's share of ${REQUESTS} requests through the gateway (±${TOLERANCE} points)`,
      breaks: 'the live HTTPRoute gives the canary weight 50 instead of the chart\'s',
      async break(t) {
        const p = promised(t);
        const live = t.get('httproutes', ROUTE);
        const i = live.spec.rules[0].backendRefs.findIndex((b) => b.name === p.canary.service);
        expect(i >= 0, `the live route has no backend ${p.canary.service}`);
        t.patch(`httproute/${live.metadata.name}`, [{ op: 'replace', path: `/spec/rules/0/backendRefs/${i}/weight`, value: 50 }]);
        await gw.waitRouted(t, live.metadata.name, p.host);
        // Traefik writes the route's status before it applies the new configuration (its providers'
        // throttle is 2 s by default).
        await new Promise((r) => setTimeout(r, 3000));
      },
    },
  ],
};
