// AbTestDeployment: requests that carry the variant header reach B, and only B; all other requests
// reach A, and only A. Sent through the cluster's Gateway (Traefik) with the route's host name; the
// header, its value and which backend is which are read from the chart in effect, the traffic from
// the running Gateway. A counterpart removes the header match from the live route.
import gw from './gateway-lib.cjs';
import { BehaviorFailure, expect, readChart } from './lib.mjs';

gw.configure({ BehaviorFailure });

const ROUTE = 'rollouts-ab-route';
const REQUESTS = 300;

/** What the chart promises: { route, host, header: { name, value }, a, b }. */
function promised(t) {
  const docs = readChart(gw.chartInEffect(t.stem));
  const route = gw.inChart(docs, 'HTTPRoute', ROUTE);
  const withHeader = route.spec.rules.filter((r) => (r.matches || []).some((m) => m.headers?.length));
  const without = route.spec.rules.filter((r) => !(r.matches || []).some((m) => m.headers?.length));
  expect(withHeader.length === 1 && without.length === 1, `${route.metadata.name}: expected one rule with a header match and one without, found ${withHeader.length} and ${without.length}`);
  const h = withHeader[0].matches.find((m) => m.headers?.length).headers;
  expect(h.length === 1 && (h[0].type ?? 'Exact') === 'Exact', `${route.metadata.name}: the variant rule matches ${JSON.stringify(h)}, not one exact header`);
  const [b] = gw.backendsOf(docs, withHeader[0]);
  const [a] = gw.backendsOf(docs, without[0]);
  expect(a.release !== b.release, `A and B both run ${a.release}: their traffic cannot be told apart`);
  return { route: route.metadata.name, host: route.spec.hostnames[0], header: { name: h[0].name, value: h[0].value }, a, b };
}

export default {
  pattern: 'AbTestDeployment',
  examples: { rollouts: {} },
  checks: [
    {
      name: `every request with the variant header reaches B, every other request A (${REQUESTS} each through the gateway)`,
      timeout: 120,
      async run(t) {
        const p = promised(t);
        const hv = `${p.header.name}: ${p.header.value}`;
        await gw.waitRouted(t, p.route, p.host);
        const withH = await gw.sendRequests(p.host, REQUESTS, { [p.header.name]: p.header.value });
        const withoutH = await gw.sendRequests(p.host, REQUESTS);
        const otherValue = await gw.sendRequests(p.host, 50, { [p.header.name]: `not-${p.header.value}` });
        const seen = `with "${hv}": ${gw.formatCounts(withH.counts)}; without: ${gw.formatCounts(withoutH.counts)}; with another value: ${gw.formatCounts(otherValue.counts)}`;
        expect(withH.counts[p.b.release] === REQUESTS, `requests to ${p.host} ${seen}: not all "${hv}" requests reached B (${p.b.release})`);
        expect(withoutH.counts[p.a.release] === REQUESTS, `requests to ${p.host} ${seen}: not all requests without the header reached A (${p.a.release})`);
        expect(otherValue.counts[p.a.release] === 50, `requests to ${p.host} ${seen}: a different header value did not reach A (${p.a.release})`);
        return `requests to ${p.host} ${seen}`;
      },
    },
  ],
  counterparts: [
    {
      check: `every request with the variant header reaches B, every other request A (${REQUESTS} each through the gateway)`,
      breaks: 'the live HTTPRoute\'s variant rule loses its header match',
      async break(t) {
        const p = promised(t);
        const live = t.get('httproutes', ROUTE);
        const i = live.spec.rules.findIndex((r) => (r.matches || []).some((m) => m.headers?.length));
        expect(i >= 0, `the live route ${live.metadata.name} has no header match`);
        const ops = live.spec.rules[i].matches.map((m, j) => (m.headers ? { op: 'remove', path: `/spec/rules/${i}/matches/${j}/headers` } : null)).filter(Boolean);
        t.patch(`httproute/${live.metadata.name}`, ops);
        await gw.waitRouted(t, live.metadata.name, p.host);
        await new Promise((r) => setTimeout(r, 3000)); // Traefik's providers' throttle (2 s)
      },
    },
  ],
};
