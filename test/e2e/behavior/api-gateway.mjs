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

/**
 * What a host's routes promise: [{ prefix, path, answer }] per rule (a probe path under each prefix),
 * over every HTTPRoute of the chart whose name starts with `prefix` (an ApiGateway writes a host
 * set's rules beyond 16 into further HTTPRoutes, `<id>-part-2`, ...).
 */
function promises(t, prefix) {
  const docs = readChart(gw.chartInEffect(t.stem));
  const routes = docs.filter((d) => d.kind === 'HTTPRoute' && d.metadata.name.startsWith(prefix));
  expect(routes.length > 0, `the chart has no HTTPRoute named ${prefix}*`);
  const host = routes[0].spec.hostnames[0];
  for (const r of routes) expect(r.spec.hostnames[0] === host, `${r.metadata.name} answers ${r.spec.hostnames[0]}, not ${host}`);
  return {
    routes: routes.map((r) => ({ name: r.metadata.name, rules: r.spec.rules.length })),
    host,
    rules: routes.flatMap((route) => route.spec.rules.map((r) => {
      const p = r.matches[0].path.value;
      return { prefix: p, path: `${p.replace(/\/$/, '')}/probe`, answer: answerOf(docs, r.backendRefs[0].name) };
    })),
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

/**
 * Sends PER_PATH requests per rule; fails unless each rule's requests all reach its service. The
 * first route must be accepted; a rule of a further route is given 20 s to answer (Traefik merges a
 * new route within its providers' throttle) before its requests are counted.
 */
async function checkRoutes(t, prefix) {
  const p = promises(t, prefix);
  await gw.waitRouted(t, p.routes[0].name, p.host, {}, { timeout: 60, pathname: p.rules[0].path });
  const seen = [];
  const missed = [];
  for (const r of p.rules) {
    try {
      await t.eventually(`${p.host}${r.path} answered by ${r.answer}`, async () => (await gw.sendRequests(p.host, 1, {}, { pathname: r.path })).counts[r.answer] === 1, { timeout: 20, interval: 1 });
    } catch (e) {
      if (!(e instanceof BehaviorFailure)) throw e;
    }
    const got = await gw.sendRequests(p.host, PER_PATH, {}, { pathname: r.path });
    seen.push(`${r.path} → ${gw.formatCounts(got.counts)}`);
    if (got.counts[r.answer] !== PER_PATH) missed.push(`${r.path} → ${gw.formatCounts(got.counts)}, not ${r.answer}`);
  }
  const detail = `${p.host}: ${seen.join('; ')}`;
  // The paths that failed first: with many rules, the whole list would hide them.
  expect(!missed.length, `${p.host}: ${missed.join('; ')}: not every request reached the service its route names (${p.rules.length} paths; ${detail})`);
  return detail;
}

const API_CHECK = `every path of api.shop.test reaches its own service (${PER_PATH} requests a path through the gateway)`;
const WWW_CHECK = 'the strangled path reaches the new service, every other path the legacy shop outside the cluster';
const SPLIT_CHECK = 'the next release\'s 17 paths of api.shop.test, in two HTTPRoutes (an HTTPRoute holds 16 rules), each reach their service';

/** Whether SPLIT_CHECK applied the next release (its counterpart re-runs it on the broken release). */
let nextApplied = false;

export default {
  pattern: 'ApiGateway, Strangler, ExternalService',
  examples: { microservices: {} },
  checks: [
    { name: API_CHECK, timeout: 120, run: (t) => checkRoutes(t, API_ROUTE) },
    { name: WWW_CHECK, timeout: 120, run: (t) => withLegacyShop(() => checkRoutes(t, WWW_ROUTE)) },
    {
      name: SPLIT_CHECK,
      timeout: 300,
      async run(t) {
        if (!nextApplied) {
          await gw.applyRelease(t, 'next');
          nextApplied = true;
        }
        const p = promises(t, API_ROUTE);
        expect(p.routes.length === 2 && p.rules.length === 17, `the next release has ${p.routes.length} HTTPRoutes with ${p.rules.length} rules for api.shop.test, not 2 with 17`);
        const detail = await checkRoutes(t, API_ROUTE);
        return `${p.routes.map((r) => `${r.name} (${r.rules} rules)`).join(' + ')}; ${detail}`;
      },
    },
  ],
  counterparts: [
    {
      check: API_CHECK,
      breaks: 'the live API route sends /users to the orders service',
      async break(t) {
        // The live routes of api.shop.test (one, or two once the next release is in effect).
        const live = promises(t, API_ROUTE).routes.map((r) => t.json(['get', 'httproute', r.name]));
        const ruleOf = (path) => live.flatMap((route) => route.spec.rules.map((r, i) => ({ route, r, i }))).find((x) => x.r.matches[0].path.value === path);
        const users = ruleOf('/users');
        const orders = ruleOf('/orders');
        expect(users && orders, `${live.map((r) => r.metadata.name).join(', ')} have no /users or /orders rule`);
        t.patch(`httproute/${users.route.metadata.name}`, [{ op: 'replace', path: `/spec/rules/${users.i}/backendRefs`, value: orders.r.backendRefs }]);
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
    {
      check: SPLIT_CHECK,
      breaks: 'the second HTTPRoute of api.shop.test is deleted (the release is first restored: the counterparts above patched it)',
      timeout: 300,
      async break(t) {
        await gw.applyRelease(t, 'next', { force: true });
        const second = promises(t, API_ROUTE).routes[1];
        expect(second, 'the next release has no second HTTPRoute for api.shop.test');
        t.run(['delete', 'httproute', second.name]);
        await new Promise((r) => setTimeout(r, 3000));
      },
    },
  ],
};
