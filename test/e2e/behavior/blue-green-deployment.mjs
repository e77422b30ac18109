// BlueGreenDeployment: every request through the Gateway reaches the active color; and switching to
// the other color (the example's next release) is instant and safe: while the next release is
// applied, the active Service's EndpointSlices (polled every 100 ms) never have zero ready
// endpoints, no request through the Gateway fails, and afterwards every request reaches the new
// color. The colors and which is active are read from the chart in effect; the traffic from the
// running Gateway (Traefik). Counterparts: the live active Service selects both colors; the new
// color is not running when the Service switches to it.
import gw from './gateway-lib.cjs';
import { BehaviorFailure, expect, readChart, sleep } from './lib.mjs';

gw.configure({ BehaviorFailure });

const ROUTE = 'rollouts-blue-green-route';
const ACTIVE = 'rollouts-blue-green-active';
const REQUESTS = 300;

/** The blue-green promise of a chart: { route, host, service, active: { release, track, deployment } }. */
function promisedBy(file) {
  const docs = readChart(file);
  const route = gw.inChart(docs, 'HTTPRoute', ROUTE);
  const svc = gw.inChart(docs, 'Service', ACTIVE);
  const refs = route.spec.rules.flatMap((r) => r.backendRefs || []);
  expect(refs.length === 1 && refs[0].name === svc.metadata.name, `${route.metadata.name} routes to ${refs.map((r) => r.name).join(', ')}, not only to the active Service ${svc.metadata.name}`);
  return { route: route.metadata.name, host: route.spec.hostnames[0], service: svc.metadata.name, active: gw.releaseOfSelector(docs, svc.spec.selector) };
}

/** Requests until `n` in a row reach `release` (Traefik applies a change within a few seconds). */
async function untilAllReach(t, host, release, n = 20, timeout = 60) {
  return t.eventually(`every request to ${host} reaches ${release}`, async () => {
    const { counts } = await gw.sendRequests(host, n, {}, { concurrency: 4 });
    expect(counts[release] === n, `${n} requests: ${gw.formatCounts(counts)}`);
    return true;
  }, { timeout, interval: 0.5 });
}

const SWITCH = 'applying the next release switches every request to the other color, with ready endpoints and no failed request throughout';

export default {
  pattern: 'BlueGreenDeployment',
  examples: { rollouts: {} },
  checks: [
    {
      name: `every request through the gateway reaches the active color (${REQUESTS} requests)`,
      timeout: 120,
      async run(t) {
        const p = promisedBy(gw.chartInEffect(t.stem));
        await gw.waitRouted(t, p.route, p.host);
        const { counts } = await gw.sendRequests(p.host, REQUESTS);
        expect(counts[p.active.release] === REQUESTS,
          `${REQUESTS} requests to ${p.host}: ${gw.formatCounts(counts)}; the active color is ${p.active.track} (${p.active.release})`);
        return `${REQUESTS} requests to ${p.host}: ${gw.formatCounts(counts)} (active: ${p.active.track})`;
      },
    },
    {
      name: SWITCH,
      timeout: 180,
      async run(t) {
        const from = promisedBy(gw.chartInEffect(t.stem));
        const to = promisedBy(t.nextRelease().file);
        expect(from.active.release !== to.active.release, `the next release keeps ${from.active.track} (${from.active.release}) active`);
        expect(from.service === to.service, `the active Service changes its name (${from.service} -> ${to.service}): clients would have to follow`);
        await gw.waitRouted(t, from.route, from.host);
        await untilAllReach(t, from.host, from.active.release);
        const endpoints = gw.watchReadyEndpoints(t, from.service, 100);
        const traffic = gw.keepSending(from.host);
        let ep;
        let during;
        try {
          await sleep(1000);
          await gw.applyRelease(t, 'next');
          await untilAllReach(t, from.host, to.active.release, 30, 90);
          await sleep(1000);
        } finally {
          ep = await endpoints.stop();
          during = await traffic.stop();
        }
        const seen = `${from.active.track} (${from.active.release}) -> ${to.active.track} (${to.active.release}): `
          + `${ep.samples} samples of ${from.service}'s EndpointSlices (at most ${ep.maxGapMs} ms apart), at least ${ep.minReady} ready endpoints; `
          + `${during.total} requests during the switch: ${gw.formatCounts(during.counts)}`;
        expect(ep.samples >= 10, `${seen}: too few samples`);
        expect(ep.zeroSamples === 0, `${seen}: ZERO ready endpoints in ${ep.zeroSamples} samples`);
        const failed = Object.keys(during.counts).filter((k) => k !== from.active.release && k !== to.active.release);
        expect(!failed.length, `${seen}: requests failed or reached neither color`);
        const after = await gw.sendRequests(from.host, REQUESTS);
        expect(after.counts[to.active.release] === REQUESTS, `${seen}; afterwards ${REQUESTS} requests: ${gw.formatCounts(after.counts)}, not all ${to.active.release}`);
        return `${seen}; afterwards ${REQUESTS} requests: ${gw.formatCounts(after.counts)}`;
      },
    },
  ],
  counterparts: [
    {
      check: `every request through the gateway reaches the active color (${REQUESTS} requests)`,
      breaks: 'the live active Service selects both colors (its track label removed)',
      async break(t) {
        const p = promisedBy(gw.chartInEffect(t.stem));
        const svc = t.get('services', ACTIVE);
        const key = Object.keys(svc.spec.selector).find((k) => k.endsWith('/track'));
        expect(key, `${svc.metadata.name}'s selector has no track label`);
        t.patch(`service/${svc.metadata.name}`, [{ op: 'remove', path: `/spec/selector/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` }]);
        // until Traefik routes to both colors
        await t.eventually('requests reach both colors', async () => {
          const { counts } = await gw.sendRequests(p.host, 40, {}, { concurrency: 4 });
          return Object.keys(counts).length > 1;
        }, { timeout: 60, interval: 1 });
      },
    },
    {
      check: SWITCH,
      breaks: 'the new color is not running when the active Service switches to it (its Deployment deleted first)',
      timeout: 180,
      async break(t) {
        // Back to the first release (the first color active), then remove the color the next release activates.
        await gw.applyRelease(t, 'dist', { force: true });
        const from = promisedBy(gw.chartInEffect(t.stem));
        const to = promisedBy(t.nextRelease().file);
        await gw.waitRouted(t, from.route, from.host);
        await untilAllReach(t, from.host, from.active.release);
        const dep = t.json(['get', 'deployment', to.active.deployment]);
        t.run(['delete', 'deployment', to.active.deployment, '--cascade=foreground', '--wait=true', '--timeout=90s']);
        const sel = Object.entries(dep.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
        t.run(['delete', 'pods', '-l', sel, '--grace-period=0', '--force', '--ignore-not-found', '--wait=true', '--timeout=60s']);
      },
    },
  ],
};
