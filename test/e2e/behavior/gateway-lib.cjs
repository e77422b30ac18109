// Traffic through the e2e cluster's Gateway (Traefik, scripts/e2e/addons/traefik.sh): the helpers
// of the release behavior checks (blue-green-deployment.mjs, canary-deployment.mjs, ab-test.mjs).
//
// CommonJS on purpose: behavior/index.mjs loads every *.mjs of this directory as a behavior
// module, so a library must not end in .mjs. Import it from a module with
//   import gw from './gateway-lib.cjs';
//   gw.configure({ BehaviorFailure });   // lib.mjs's class (ESM, which Node 20.16 cannot require)
//
// The demo http-service answers "<name> on <hostname>" (test/e2e/images/demo/http_service.go); the
// storefront images are that role with --name=storefront-<version> (demo/images.txt), so the part
// before " on " says which release served a request.
//
// Standalone smoke test against a running cluster (prints the counts as JSON):
//   node test/e2e/behavior/gateway-lib.cjs HOST [N] [HEADER:VALUE ...]
'use strict';

const http = require('node:http');
const https = require('node:https');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Traefik's entryPoint `web` (the Gateway listener's port must be the same). */
const GATEWAY_ADDRESS = process.env.CDK8S_E2E_GATEWAY_ADDRESS || '127.0.0.1';
const GATEWAY_PORT = Number(process.env.CDK8S_E2E_GATEWAY_PORT || process.env.TRAEFIK_WEB_PORT || 8000);
const REPO = path.resolve(__dirname, '..', '..', '..');

/** The error class of a behavior that was not observed (lib.mjs's BehaviorFailure, set by configure). */
let Failure = Error;
function configure({ BehaviorFailure }) {
  Failure = BehaviorFailure;
}

/**
 * One GET through the gateway with the Host header `host`; resolves { status, body } or
 * { status: 0, error } (never rejects). A new connection per request (agent: false), so each one is
 * routed on its own, as separate clients would be.
 */
function request(host, { headers = {}, pathname = '/', timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const req = http.request({
      host: GATEWAY_ADDRESS, port: GATEWAY_PORT, path: pathname, method: 'GET', agent: false,
      headers: { ...headers, host }, timeout: timeoutMs,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (e) => resolve({ status: 0, error: e.code || e.message, body }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => resolve({ status: 0, error: e.code || e.message, body: '' }));
    req.end();
  });
}

/** What a response says about who served it: "storefront-1.0.0", "HTTP 503", "error ECONNREFUSED". */
function classify(r) {
  if (r.status === 0) return `error ${r.error}`;
  if (r.status !== 200) return `HTTP ${r.status}`;
  const i = r.body.indexOf(' on ');
  return (i >= 0 ? r.body.slice(0, i) : r.body).trim();
}

/**
 * Sends `n` requests through the gateway with Host `host` and `headers`, `concurrency` at a time.
 * Resolves { total, counts: { "<who served>": n } } (see classify).
 */
async function sendRequests(host, n, headers = {}, { concurrency = 8, pathname = '/' } = {}) {
  const counts = {};
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const who = classify(await request(host, { headers, pathname }));
      counts[who] = (counts[who] || 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { total: n, counts };
}

/** "storefront-1.0.0: 901, storefront-2.0.0: 99" */
function formatCounts(counts) {
  return Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ') || 'nothing';
}

/** The release name a storefront image answers with: ghcr.io/cdk8s-patterns/storefront:2.0.0 → storefront-2.0.0. */
function releaseOfImage(image) {
  const m = String(image).match(/\/([a-z0-9-]+):([^:@/]+)$/);
  if (!m) throw new Error(`cannot tell the release of image ${image}`);
  return `${m[1]}-${m[2]}`;
}

// ------------------------------------------------------------------ the release in effect
// The promise a check measures comes from the chart the harness applied (examples/dist/<stem>.k8s.yaml,
// or examples/dist/next/<stem>.k8s.yaml once a check applied the next release): the live objects are
// what a counterpart breaks, so they cannot be the yardstick. All modules of an example run in one
// process (behavior/run-example.mjs) and share this state.
let inEffect = 'dist';

/** The chart file of the release in effect for `stem`. */
function chartInEffect(stem) {
  return path.join(REPO, 'examples/dist', ...(inEffect === 'next' ? ['next'] : []), `${stem}.k8s.yaml`);
}

/**
 * Applies release `which` ('dist' or 'next') of the example with the harness's field manager, as the
 * harness applied the first release. Asynchronous (kubectl runs while the event loop goes on, so a
 * watchReadyEndpoints poller keeps its interval during the apply). `force`: take back fields a
 * counterpart changed with another manager (kubectl patch), which a plain apply refuses as a conflict.
 */
function applyRelease(t, which, { force = false } = {}) {
  const file = path.join(REPO, 'examples/dist', ...(which === 'next' ? ['next'] : []), `${t.stem}.k8s.yaml`);
  if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO, file)} does not exist (run npm run synth)`);
  const args = ['-n', t.ns, 'apply', '--server-side', ...(force ? ['--force-conflicts'] : []),
    '--field-manager=cdk8s-patterns-e2e', '--validate=strict', '-f', file];
  return new Promise((resolve, reject) => {
    execFile(t.kubectlPath, args, { maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) return reject(new Error(`kubectl ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
      inEffect = which;
      resolve(file);
    });
  });
}

/** The object of `kind` whose name starts with `prefix` in a parsed chart. */
function inChart(docs, kind, prefix) {
  const found = docs.filter((d) => d.kind === kind && d.metadata.name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${kind} named ${prefix}* in the chart, found ${found.length}`);
  return found[0];
}

/**
 * Backends of a chart's HTTPRoute rule, each resolved to the release that serves it:
 * [{ service, weight, release, track }] (the Service's selector → the chart's Deployment → its image).
 */
function backendsOf(docs, rule) {
  return (rule.backendRefs || []).map((b) => {
    const svc = docs.find((d) => d.kind === 'Service' && d.metadata.name === b.name);
    if (!svc) throw new Error(`the route's backend Service ${b.name} is not in the chart`);
    return { service: b.name, weight: b.weight ?? 1, ...releaseOfSelector(docs, svc.spec.selector) };
  });
}

/** The Deployment of a chart that a selector picks: { release, track, deployment }. */
function releaseOfSelector(docs, selector) {
  const deps = docs.filter((d) => d.kind === 'Deployment'
    && Object.entries(selector || {}).every(([k, v]) => d.spec.template.metadata?.labels?.[k] === v));
  if (deps.length !== 1) throw new Error(`selector ${JSON.stringify(selector)} picks ${deps.length} Deployments of the chart, not one`);
  const d = deps[0];
  return {
    deployment: d.metadata.name,
    track: d.spec.template.metadata.labels['release.cdk8s-patterns.io/track'],
    release: releaseOfImage(d.spec.template.spec.containers[0].image),
  };
}

// ------------------------------------------------------------------ waiting for the gateway
/** The condition `type` of the route's status for its (first) parent Gateway. */
function routeCondition(route, type) {
  return (route.status?.parents || []).flatMap((p) => p.conditions || []).find((c) => c.type === type);
}

/**
 * Waits until Traefik has processed the live HTTPRoute `name` at its current generation (Accepted
 * and ResolvedRefs True, observedGeneration current) and the Gateway is Programmed, then until a
 * request for `host` (and `pathname`) is answered with 200. Returns the live route.
 */
async function waitRouted(t, name, host, headers = {}, { timeout = 60, pathname = '/' } = {}) {
  let route;
  await t.eventually(`HTTPRoute ${name} accepted by Traefik`, () => {
    route = t.json(['get', 'httproute', name]);
    const gwName = route.spec.parentRefs[0].name;
    const gwObj = t.json(['get', 'gateway', gwName]);
    const prog = (gwObj.status?.conditions || []).find((c) => c.type === 'Programmed');
    if (prog?.status !== 'True') throw new Failure(`Gateway ${gwName} not Programmed: ${prog?.reason || 'no status'} ${prog?.message || ''}`);
    for (const type of ['Accepted', 'ResolvedRefs']) {
      const c = routeCondition(route, type);
      if (c?.status !== 'True') throw new Failure(`HTTPRoute ${name} ${type}: ${c ? `${c.status} ${c.reason}: ${c.message}` : 'no status yet'}`);
      if ((c.observedGeneration ?? 0) < route.metadata.generation) throw new Failure(`HTTPRoute ${name}: Traefik has not seen generation ${route.metadata.generation} yet`);
    }
    return true;
  }, { timeout, interval: 0.5 });
  await t.eventually(`a 200 from ${host} through the gateway`, async () => {
    const r = await request(host, { headers, pathname });
    if (r.status !== 200) throw new Failure(`GET http://${host}/ via ${GATEWAY_ADDRESS}:${GATEWAY_PORT}: ${r.status || r.error} ${r.body.trim().slice(0, 100)}`);
    return true;
  }, { timeout: 30, interval: 0.5 });
  return route;
}

// ------------------------------------------------------------------ watching a Service
/** The admin credentials of the harness's kubeconfig, for requests to the API server without kubectl. */
function apiCredentials(t) {
  const cfg = JSON.parse(t.run(['config', 'view', '--raw', '--minify', '-o', 'json'], { namespaced: false }));
  const c = cfg.clusters[0].cluster;
  const u = cfg.users[0].user;
  const data = (inline, file) => (inline ? Buffer.from(inline, 'base64') : file ? fs.readFileSync(file) : undefined);
  return {
    server: c.server,
    ca: data(c['certificate-authority-data'], c['certificate-authority']),
    cert: data(u['client-certificate-data'], u['client-certificate']),
    key: data(u['client-key-data'], u['client-key']),
    token: u.token,
  };
}

/** GET `pathname` on the API server; resolves the parsed JSON or null. */
function apiGet(cred, pathname) {
  return new Promise((resolve) => {
    const headers = { accept: 'application/json', ...(cred.token ? { authorization: `Bearer ${cred.token}` } : {}) };
    const req = https.request(new URL(pathname, cred.server), { ca: cred.ca, cert: cred.cert, key: cred.key, headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => { try { resolve(res.statusCode === 200 ? JSON.parse(body) : null); } catch { resolve(null); } });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => resolve(null));
    req.end();
  });
}

/**
 * Polls the ready endpoints of Service `name` every `intervalMs` (straight from the API server, a few
 * ms a request, so the interval holds; async, so requests can run at the same time) until stop() is
 * called; stop() resolves { samples, minReady, zeroSamples, firstZeroAt, maxGapMs }.
 */
function watchReadyEndpoints(t, name, intervalMs = 100) {
  const cred = apiCredentials(t);
  const url = `/apis/discovery.k8s.io/v1/namespaces/${t.ns}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${name}`)}`;
  let stopped = false;
  const samples = [];
  const loop = (async () => {
    while (!stopped) {
      const t0 = Date.now();
      const list = await apiGet(cred, url);
      if (list) {
        const ready = list.items.flatMap((s) => s.endpoints || []).filter((e) => e.conditions?.ready !== false);
        samples.push({ at: Date.now(), ready: new Set(ready.flatMap((e) => e.addresses)).size });
      }
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - t0))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const zeros = samples.filter((s) => s.ready === 0);
      const gaps = samples.slice(1).map((s, i) => s.at - samples[i].at);
      return {
        samples: samples.length, minReady: samples.length ? Math.min(...samples.map((s) => s.ready)) : 0,
        zeroSamples: zeros.length, firstZeroAt: zeros[0]?.at, maxGapMs: gaps.length ? Math.max(...gaps) : 0,
      };
    },
  };
}

/**
 * Sends requests for `host` (`concurrency` at a time, `pauseMs` between one worker's requests, so the
 * event loop stays free for a watchReadyEndpoints poller) until stop(); stop() resolves the counts.
 */
function keepSending(host, headers = {}, { concurrency = 2, pauseMs = 10 } = {}) {
  let stopped = false;
  const counts = {};
  let total = 0;
  const worker = async () => {
    while (!stopped) {
      const who = classify(await request(host, { headers }));
      counts[who] = (counts[who] || 0) + 1;
      total++;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const all = Promise.all(Array.from({ length: concurrency }, worker));
  return { async stop() { stopped = true; await all; return { total, counts }; } };
}

module.exports = {
  configure, GATEWAY_ADDRESS, GATEWAY_PORT, request, classify, sendRequests, formatCounts, releaseOfImage,
  chartInEffect, applyRelease, inChart, backendsOf, releaseOfSelector, routeCondition, waitRouted,
  watchReadyEndpoints, keepSending,
};

if (require.main === module) {
  const [host, n = '1000', ...hs] = process.argv.slice(2);
  if (!host) {
    console.error('usage: node test/e2e/behavior/gateway-lib.cjs HOST [N] [HEADER:VALUE ...]');
    process.exit(2);
  }
  const headers = Object.fromEntries(hs.map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1)]));
  const t0 = Date.now();
  sendRequests(host, Number(n), headers).then((r) => {
    console.log(JSON.stringify({ ...r, secs: (Date.now() - t0) / 1000 }));
  });
}
