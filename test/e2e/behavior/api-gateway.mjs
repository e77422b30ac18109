// ApiGateway, Strangler, ExternalService: requests through the cluster's Gateway (Traefik) reach the
// service each route names, and the strangled application's paths that have not moved reach the
// legacy application outside the cluster. The legacy shop is a stand-in HTTP server this module runs
// on the node's address (10.250.0.1:18081), where the example's ExternalService points: traffic
// leaves the cluster's pod network for it, as for a legacy data centre. What each route promises is
// read from the chart; counterparts break the live routes.
import http from 'node:http';
import os from 'node:os';
import gw from './gateway-lib.cjs';
import { BehaviorFailure, expect, readChart } from './lib.mjs';

gw.configure({ BehaviorFailure });

const API_ROUTE = 'microservices-api-route';
const WWW_ROUTE = 'microservices-www-route';
const PER_PATH = 40;

/** Who a Service of the chart is: the name its pods answer with (their --name argument). */
function answerOf(docs, serviceName) {
  const svc = docs.find((d) => d.kind === 'Service' && d.metadata.name === serviceName);
  if (!svc) throw new Error(`Service ${serviceName} is not in the chart`);
  const slice = docs.find((d) => d.kind === 'EndpointSlice' && d.metadata.labels?.['kubernetes.io/service-name'] === serviceName);
  if (slice) return 'legacy-shop';
  const deps = docs.filter((d) => d.kind === 'Deployment' && Object.entries(svc.spec.selector || {}).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v));
  expect(deps.length === 1, `Service ${serviceName} selects ${deps.length} Deployments of the chart, not one`);
  const arg = (deps[0].spec.template.spec.containers[0].args || []).find((a) => a.startsWith('--name='));
  expect(arg, `the Deployment behind ${serviceName} has no --name argument`);
  return arg.slice('--name='.length);
}

/** A chart route's promise: [{ host, path, answer }] per rule (a probe path under each prefix). */
function promises(t, prefix) {
  const docs = readChart(gw.chartInEffect(t.stem));
  const route = gw.inChart(docs, 'HTTPRoute', prefix);
  const host = route.spec.hostnames[0];
  return {
    route: route.metadata.name,
    host,
    rules: route.spec.rules.map((r) => {
      const p = r.matches[0].path.value;
      return { prefix: p, path: `${p.replace(/\/$/, '')}/probe`, answer: answerOf(docs, r.backendRefs[0].name) };
    }),
  };
}

/** The legacy shop stand-in: answers "legacy-shop on <host>" on the node's address while it runs. */
async function withLegacyShop(fn) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`legacy-shop on ${os.hostname()}\n`);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(18081, '10.250.0.1', resolve);
  });
  try {
    return await fn();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Sends PER_PATH requests per rule; fails unless each rule's requests all reach its service. */
async function checkRoutes(t, prefix) {
  const p = promises(t, prefix);
  await gw.waitRouted(t, p.route, p.host, {}, { timeout: 60, pathname: p.rules[0].path });
  const seen = [];
  let ok = true;
  for (const r of p.rules) {
    const got = await gw.sendRequests(p.host, PER_PATH, {}, { pathname: r.path });
    seen.push(`${r.path} → ${gw.formatCounts(got.counts)}`);
    if (got.counts[r.answer] !== PER_PATH) ok = false;
  }
  const detail = `${p.host}: ${seen.join('; ')}`;
  expect(ok, `${detail}: not every request reached the service its route names (${p.rules.map((r) => `${r.prefix} → ${r.answer}`).join(', ')})`);
  return detail;
}

const API_CHECK = `every path of api.shop.test reaches its own service (${PER_PATH} requests a path through the gateway)`;
const WWW_CHECK = 'the strangled path reaches the new service, every other path the legacy shop outside the cluster';

export default {
  pattern: 'ApiGateway, Strangler, ExternalService',
  examples: { microservices: {} },
  checks: [
    { name: API_CHECK, timeout: 120, run: (t) => checkRoutes(t, API_ROUTE) },
    { name: WWW_CHECK, timeout: 120, run: (t) => withLegacyShop(() => checkRoutes(t, WWW_ROUTE)) },
  ],
  counterparts: [
    {
      check: API_CHECK,
      breaks: 'the live API route sends /users to the orders service',
      async break(t) {
        const live = t.get('httproutes', API_ROUTE);
        const users = live.spec.rules.findIndex((r) => r.matches[0].path.value === '/users');
        const orders = live.spec.rules.findIndex((r) => r.matches[0].path.value === '/orders');
        expect(users >= 0 && orders >= 0, `${live.metadata.name} has no /users or /orders rule`);
        t.patch(`httproute/${live.metadata.name}`, [{ op: 'replace', path: `/spec/rules/${users}/backendRefs`, value: live.spec.rules[orders].backendRefs }]);
        await new Promise((r) => setTimeout(r, 3000)); // Traefik's providers' throttle (2 s)
      },
    },
    {
      check: WWW_CHECK,
      breaks: 'the live strangler route loses its /orders rule (everything goes to the legacy shop)',
      async break(t) {
        const live = t.get('httproutes', WWW_ROUTE);
        const i = live.spec.rules.findIndex((r) => r.matches[0].path.value === '/orders');
        expect(i >= 0, `${live.metadata.name} has no /orders rule`);
        t.patch(`httproute/${live.metadata.name}`, [{ op: 'remove', path: `/spec/rules/${i}` }]);
        await new Promise((r) => setTimeout(r, 3000));
      },
    },
  ],
};
