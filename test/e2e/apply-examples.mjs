#!/usr/bin/env node
// End-to-end harness: applies every synthesized example chart to a REAL control plane
// (scripts/e2e/cluster.sh) and checks that the API server accepts it, that the
// workloads become ready, and that the generated RBAC grants what it should and no more.
//
// Why a real API server: schema validators miss semantic errors (selector vs template
// labels, strict unknown-field rejection, PodSecurity "restricted", RBAC evaluation);
// only the API server and the controllers can prove a chart actually works.
//
// Plain Node ESM, no dependencies (runs before/without `npm ci`). YAML is never parsed
// here: documents are split on `---` lines only to put CustomResourceDefinitions first;
// everything else comes back from the server as JSON.
//
// Usage:
//   node test/e2e/apply-examples.mjs [--dir DIR] [--rbac FILE|none] [--crds DIR]
//        [--timeout SEC] [--only SUBSTRING] [--keep] [--expect-fail] [--no-behavior]
//
//   --dir DIR       charts to test, every DIR/*.k8s.yaml (default examples/dist)
//   --rbac FILE     RBAC expectations keyed by chart file stem
//                   (default test/e2e/rbac-expectations.json when --dir is the default)
//   --crds DIR      extra CRDs installed cluster-wide first (default none: the real Gateway API and
//                   KEDA CRDs are installed when the cluster starts, scripts/e2e/addons/crds.sh)
//   --timeout SEC   readiness timeout per example (default 120, env CDK8S_E2E_TIMEOUT)
//   --keep          keep the per-example namespaces (debugging)
//   --no-behavior   skip the behavior checks (test/e2e/behavior; env CDK8S_E2E_SKIP_BEHAVIOR=1)
//   --expect-fail   negative self-test: every chart in DIR must FAIL, with the check and
//                   message given in DIR/expected-failures.json
//
// Environment: KUBECONFIG (default: the one cluster.sh writes), KUBECTL (default: the
// kubectl built by scripts/e2e/build-control-plane.sh).
//
// Checks and counting: each example contributes up to three checks, "apply",
// "readiness" and "rbac" (rbac only when the chart has ServiceAccounts or expectations), plus
// one per behavior check and counterpart of the patterns it shows (test/e2e/behavior/index.mjs),
// run once the example is Ready and stable; their own line is `behavior: N passed, N failed`.
// A check that cannot run because an earlier one failed is "skipped". The last line is
// `N passed, N failed` (`, N skipped` appended when non-zero) counting those checks.
// Exit code: 0 when nothing failed, 1 otherwise, 2 for usage/environment errors.
//
// RBAC expectations file format (test/e2e/rbac-expectations.json):
//   { "<chart file stem>": [
//       { "serviceAccount": "leader",
//         "allowed": ["get leases", "create leases"],
//         "denied":  ["list secrets", "get leases -n other-ns"] } ] }
// A probe is `VERB RESOURCE[/NAME] [-n NS | -A] [--subresource SUB]`, checked with
// `kubectl auth can-i ... --as=system:serviceaccount:NS:SA` (with the SA's groups); the
// namespace defaults to the example's. Every ServiceAccount in a chart is also probed
// automatically for DENIED "list secrets" and "list secrets -A", unless the same probe is
// listed under "allowed" for it. A stem or ServiceAccount in the file that does not exist
// is an error (stale expectations).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { behaviorsFor, loadBehaviors, runBehaviorsInChild, staleExamples } from './behavior/index.mjs';
import { CapacityGate, estimateCpuMillis, lastTermination, podProblem, podReport, restartsOf, watchStable } from './real-pods.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIELD_MANAGER = 'cdk8s-patterns-e2e';
const AUTO_DENIED = ['list secrets', 'list secrets -A'];

// ------------------------------------------------------------------ options
function usage(msg) {
  if (msg) console.error(`apply-examples: ${msg}`);
  console.error('usage: node test/e2e/apply-examples.mjs [--dir DIR] [--rbac FILE|none] [--crds DIR] [--timeout SEC] [--only STR] [--keep] [--expect-fail]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    dir: null, rbac: undefined, crds: null,
    timeout: Number(process.env.CDK8S_E2E_TIMEOUT || 240), only: null, keep: false, expectFail: false,
    stable: Number(process.env.CDK8S_E2E_STABLE_SECONDS ?? 60),
    behavior: process.env.CDK8S_E2E_SKIP_BEHAVIOR !== '1',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--dir') o.dir = path.resolve(val());
    else if (a === '--rbac') o.rbac = val();
    else if (a === '--crds') o.crds = path.resolve(val());
    else if (a === '--timeout') o.timeout = Number(val());
    else if (a === '--only') o.only = val();
    else if (a === '--stable') o.stable = Number(val());
    else if (a === '--keep') o.keep = true;
    else if (a === '--expect-fail') o.expectFail = true;
    else if (a === '--no-behavior') o.behavior = false;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!(o.timeout > 0)) usage('--timeout must be a positive number of seconds');
  const defaultDir = path.join(REPO, 'examples/dist');
  if (!o.dir) o.dir = defaultDir;
  if (o.rbac === undefined) {
    o.rbac = o.dir === defaultDir ? path.join(REPO, 'test/e2e/rbac-expectations.json') : null;
    if (o.rbac && !fs.existsSync(o.rbac)) o.rbac = null;
  } else if (o.rbac === 'none') o.rbac = null;
  else o.rbac = path.resolve(o.rbac);
  return o;
}

// ------------------------------------------------------------------ kubectl
function findKubectl() {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  let bin = process.env.CDK8S_E2E_BIN_DIR;
  if (!bin) {
    const r = spawnSync('bash', [path.join(REPO, 'scripts/e2e/build-control-plane.sh'), '--print-bin-dir'], { encoding: 'utf8' });
    if (r.status === 0) bin = r.stdout.trim();
  }
  if (bin && fs.existsSync(path.join(bin, 'kubectl'))) return path.join(bin, 'kubectl');
  console.error('apply-examples: WARNING: built kubectl not found, using kubectl from PATH');
  return 'kubectl';
}

const KUBECTL = findKubectl();
if (!process.env.KUBECONFIG) {
  const def = path.join(process.env.CDK8S_E2E_RUN_DIR || path.join(process.env.TMPDIR || '/tmp', 'cdk8s-patterns-e2e'), 'kubeconfig');
  if (fs.existsSync(def)) process.env.KUBECONFIG = def;
}

function kubectl(args, { input } = {}) {
  const r = spawnSync(KUBECTL, args, { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`cannot run ${KUBECTL}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout || '', stderr: (r.stderr || '').trim() };
}

function kubectlJson(args) {
  const r = kubectl([...args, '-o', 'json']);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Repo-relative path for files inside the repo, absolute otherwise. */
const displayPath = (p) => (path.resolve(p).startsWith(`${REPO}${path.sep}`) ? path.relative(REPO, p) : path.resolve(p));
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const secs = (t0) => Math.round((Date.now() - t0) / 1000);
const firstLines = (s, n = 6) => s.split('\n').filter(Boolean).slice(0, n).join('\n    ');

// ------------------------------------------------------------------ manifests
/** Split a multi-document YAML file on `---` lines (no YAML parsing needed). */
function splitDocs(text) {
  return text.split(/^---[ \t]*(?:#.*)?$/m).filter((d) => /^[A-Za-z]/m.test(d.replace(/^\s*#.*$/gm, '')));
}
const joinDocs = (docs) => docs.map((d) => `---\n${d.replace(/^[ \t]*\r?\n/, '')}`).join('\n');
const isCrdDoc = (d) => /^kind:\s*["']?CustomResourceDefinition["']?\s*$/m.test(d) && /^apiVersion:\s*["']?apiextensions\.k8s\.io\//m.test(d);

/** File stem → DNS-1123 label (≤ 63 chars), unique within this run. */
const usedNs = new Map();
function namespaceFor(stem) {
  const hash = createHash('sha1').update(stem).digest('hex').slice(0, 8);
  let ns = stem.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (!ns) ns = `e2e-${hash}`;
  if (ns === 'default' || ns.startsWith('kube-')) ns = `e2e-${ns}`;
  if (ns.length > 63) ns = `${ns.slice(0, 54).replace(/-+$/, '')}-${hash}`;
  if (usedNs.has(ns) && usedNs.get(ns) !== stem) ns = `${ns.slice(0, 54).replace(/-+$/, '')}-${hash}`;
  usedNs.set(ns, stem);
  return ns;
}

/** `kubectl -o name` key for an object: "deployment.apps/web", "service/web". */
function keyOf(obj) {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  return `${obj.kind.toLowerCase()}${group ? `.${group}` : ''}/${obj.metadata.name}`;
}
const cond = (obj, type) => (obj.status?.conditions || []).find((c) => c.type === type);
const cpuOf = (q) => (String(q).endsWith('m') ? Number(String(q).slice(0, -1)) : Number(q) * 1000);
const labelsMatch = (selector, labels = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

// ------------------------------------------------------------------ steps
async function ensureNamespace(ns) {
  if (kubectl(['get', 'namespace', ns]).status === 0) {
    const d = kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=120s']);
    if (d.status !== 0) throw new Error(`cannot delete leftover namespace ${ns}: ${d.stderr}`);
  }
  const manifest = JSON.stringify({
    apiVersion: 'v1', kind: 'Namespace',
    metadata: {
      name: ns,
      labels: {
        'app.kubernetes.io/managed-by': FIELD_MANAGER,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'latest',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': 'latest',
      },
    },
  });
  const r = kubectl(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], { input: manifest });
  if (r.status !== 0) throw new Error(`cannot create namespace ${ns}: ${r.stderr}`);
  // Pods are rejected until the ServiceAccount controller has created "default".
  const t0 = Date.now();
  while (kubectl(['get', 'serviceaccount', 'default', '-n', ns]).status !== 0) {
    if (Date.now() - t0 > 30000) throw new Error(`ServiceAccount ${ns}/default was not created within 30s (is kube-controller-manager running?)`);
    await sleep(250);
  }
}

/** "Kind/name" of a YAML document, read with two regexes (for messages only). */
function docLabel(doc) {
  const kind = doc.match(/^kind:\s*["']?([A-Za-z0-9]+)/m)?.[1] || '?';
  const name = doc.match(/^metadata:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*["']?([^"'\s#]+)/m)?.[1] || '?';
  return `${kind}/${name}`;
}

/**
 * kubectl prints warnings without saying which object caused them: re-apply each
 * document alone as a server-side dry run to name the culprits.
 */
function attributeWarnings(docs, ns, tmp) {
  const out = [];
  docs.forEach((doc, i) => {
    const f = path.join(tmp, `doc-${i}.yaml`);
    fs.writeFileSync(f, joinDocs([doc]));
    const r = kubectl(['apply', '--server-side', '--dry-run=server', `--field-manager=${FIELD_MANAGER}`, '--validate=strict', '-n', ns, '-f', f, '-o', 'name']);
    if (r.stderr) out.push(`${docLabel(doc)}: ${firstLines(r.stderr, 4)}`);
  });
  return out;
}

/** Server-side apply; any rejection or any stderr output (warnings) is a failure. */
function apply(file, ns, docs, tmp) {
  const r = kubectl(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--validate=strict', '-n', ns, '-f', file, '-o', 'name']);
  const names = r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  if (r.status !== 0) return { ok: false, names, reason: `rejected by the API server:\n    ${firstLines(r.stderr, 12)}` };
  if (r.stderr) {
    const who = attributeWarnings(docs, ns, tmp);
    const detail = who.length ? who.join('\n    ') : firstLines(r.stderr, 12);
    return { ok: false, names, reason: `applied with warnings (warnings are failures):\n    ${detail}` };
  }
  return { ok: true, names };
}

async function installCrds(file, names) {
  const crds = names.filter((n) => n.startsWith('customresourcedefinition.'));
  if (!crds.length) return null;
  const r = kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...crds]);
  return r.status === 0 ? null : `CustomResourceDefinitions in ${file} not Established within 60s: ${r.stderr}`;
}

const READY_KINDS = 'deployments.apps,statefulsets.apps,daemonsets.apps,jobs.batch,cronjobs.batch,services,endpointslices.discovery.k8s.io,pods';

/** One readiness evaluation: returns { pending: [msg], fatal: [msg] }. */
function evaluate(items, applied, elapsedS, settle) {
  const pending = [];
  const fatal = [];
  const pods = items.filter((o) => o.kind === 'Pod');
  const slices = items.filter((o) => o.kind === 'EndpointSlice');
  let workloadsPending = 0;
  for (const o of items) {
    if (!applied.has(keyOf(o))) continue;
    const id = `${o.kind}/${o.metadata.name}`;
    const st = o.status || {};
    const gen = o.metadata.generation || 0;
    const observed = (st.observedGeneration || 0) >= gen;
    if (o.kind === 'Deployment') {
      const want = o.spec.replicas ?? 1;
      const avail = cond(o, 'Available');
      const ok = observed && (st.updatedReplicas || 0) >= want && (st.readyReplicas || 0) >= want
        && (st.availableReplicas || 0) >= want && (want === 0 || avail?.status === 'True');
      if (!ok) {
        workloadsPending++;
        const prog = cond(o, 'Progressing');
        const why = [avail?.message, prog?.status === 'False' ? prog.message : null, cond(o, 'ReplicaFailure')?.message].filter(Boolean).join('; ');
        pending.push(`${id} not Available after ${elapsedS}s: ${st.readyReplicas || 0}/${want} ready, ${st.updatedReplicas || 0}/${want} updated${why ? ` (${why})` : ''}`);
      }
    } else if (o.kind === 'StatefulSet') {
      const want = o.spec.replicas ?? 1;
      if (!(observed && (st.readyReplicas || 0) >= want && (st.updatedReplicas ?? want) >= want)) {
        workloadsPending++;
        pending.push(`${id} not ready after ${elapsedS}s: ${st.readyReplicas || 0}/${want} ready`);
      }
    } else if (o.kind === 'DaemonSet') {
      const want = st.desiredNumberScheduled || 0;
      if (!(observed && (st.numberReady || 0) >= want && (st.updatedNumberScheduled || 0) >= want)) {
        workloadsPending++;
        pending.push(`${id} not ready after ${elapsedS}s: ${st.numberReady || 0}/${want} ready`);
      }
    } else if (o.kind === 'Pod') {
      // bare Pods only (Pods created by controllers are not in the applied set)
      if (!(st.phase === 'Succeeded' || cond(o, 'Ready')?.status === 'True')) {
        if (st.phase === 'Failed') fatal.push(`${id} Failed: ${st.reason || ''} ${st.message || ''}`.trim());
        else {
          workloadsPending++;
          pending.push(`${id} not Ready after ${elapsedS}s: phase ${st.phase || 'Unknown'}`);
        }
      }
    } else if (o.kind === 'Job') {
      const failed = cond(o, 'Failed');
      if (failed?.status === 'True') fatal.push(`${id} Failed: ${failed.reason || ''} ${failed.message || ''}`.trim());
      else if (cond(o, 'Complete')?.status !== 'True') {
        workloadsPending++;
        pending.push(`${id} not Complete after ${elapsedS}s: ${st.succeeded || 0} succeeded, ${st.active || 0} active, ${st.failed || 0} failed`);
      }
    }
  }
  for (const o of items) {
    if (o.kind !== 'Service' || !applied.has(keyOf(o))) continue;
    const sel = o.spec.selector || {};
    if (!Object.keys(sel).length || o.spec.type === 'ExternalName') continue;
    const mine = slices.filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === o.metadata.name);
    const ready = mine.flatMap((s) => s.endpoints || []).filter((e) => e.conditions?.ready !== false);
    if (ready.length) continue;
    const selStr = Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
    const matching = pods.filter((p) => labelsMatch(sel, p.metadata.labels));
    const msg = `Service/${o.metadata.name} has no ready endpoints after ${elapsedS}s: selector ${selStr} matches ${matching.length} Pod(s)`;
    // Once every workload is ready, a selector that matches no Pod at all will never
    // get endpoints: fail now instead of waiting for the timeout.
    if (!matching.length && workloadsPending === 0 && settle) fatal.push(`${msg} (no workload in the chart creates such Pods)`);
    else pending.push(msg);
  }
  return { pending, fatal };
}

function diagnostics(ns, items) {
  const out = [];
  const pods = items.filter((o) => o.kind === 'Pod' && !(o.status?.conditions || []).some((c) => c.type === 'Ready' && c.status === 'True'));
  for (const p of pods.slice(0, 6)) {
    const conds = (p.status?.conditions || []).filter((c) => c.status !== 'True').map((c) => `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`);
    const why = podProblem(p);
    out.push(`pod ${p.metadata.name}: ${p.status?.phase || 'Unknown'}${why ? `: ${why}` : ''}${restartsOf(p) ? `, ${restartsOf(p)} restart(s)` : ''}${conds.length ? ` (${conds.join('; ')})` : ''}`);
  }
  if (pods.length > 6) out.push(`... and ${pods.length - 6} more not-ready pods`);
  try {
    const ev = kubectlJson(['get', 'events', '-n', ns]).items
      .filter((e) => e.type === 'Warning')
      .sort((a, b) => String(a.lastTimestamp || a.eventTime).localeCompare(String(b.lastTimestamp || b.eventTime)))
      .slice(-8);
    for (const e of ev) out.push(`event ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.reason}: ${e.message}`);
  } catch (e) {
    out.push(`(could not list events: ${e.message})`);
  }
  return out;
}

async function waitReady(ns, applied, timeoutS) {
  const t0 = Date.now();
  let firstSettled = null;
  for (;;) {
    const items = kubectlJson(['get', READY_KINDS, '-n', ns]).items;
    const elapsed = secs(t0);
    // "settle": give controllers a few seconds after workloads are ready before
    // declaring a Service's selector hopeless.
    const { pending, fatal } = evaluate(items, applied, elapsed, firstSettled !== null && Date.now() - firstSettled > 5000);
    // On a real node a pod that restarted or failed will not come good by waiting: a crash is a failure.
    for (const p of items.filter((o) => o.kind === 'Pod' && !o.metadata.deletionTimestamp)) {
      // Every image is served by the loopback registry: a pull error will not heal by waiting.
      const pull = [...(p.status?.initContainerStatuses || []), ...(p.status?.containerStatuses || [])]
        .find((c) => ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'].includes(c.state?.waiting?.reason));
      if (pull) fatal.push(`pod ${p.metadata.name}: ${podProblem(p)}`);
      else if (restartsOf(p) > 0 || p.status?.phase === 'Failed') fatal.push(`pod ${p.metadata.name} ${p.status?.phase === 'Failed' ? 'failed' : `restarted ${restartsOf(p)} time(s)`}: ${podProblem(p) || lastTermination(p)}`);
    }
    if (fatal.length) return { ok: false, secs: elapsed, reasons: fatal, diag: diagnostics(ns, items) };
    if (!pending.length) return { ok: true, secs: elapsed };
    if (firstSettled === null && pending.every((m) => m.startsWith('Service/'))) firstSettled = Date.now();
    if (elapsed >= timeoutS) return { ok: false, secs: elapsed, reasons: pending, diag: diagnostics(ns, items) };
    await sleep(1000);
  }
}

// ------------------------------------------------------------------ RBAC
function parseProbe(probe) {
  const t = probe.trim().split(/\s+/);
  if (t.length < 2) throw new Error(`bad RBAC probe "${probe}": expected "VERB RESOURCE [-n NS|-A] [--subresource SUB]"`);
  const args = [t[0], t[1]];
  let nsGiven = false;
  for (let i = 2; i < t.length; i++) {
    const a = t[i];
    if ((a === '-n' || a === '--namespace') && t[i + 1]) { args.push('-n', t[++i]); nsGiven = true; }
    else if (a.startsWith('--namespace=')) { args.push(a); nsGiven = true; }
    else if (a === '-A' || a === '--all-namespaces') { args.push('-A'); nsGiven = true; }
    else if (a === '--subresource' && t[i + 1]) args.push(`--subresource=${t[++i]}`);
    else if (a.startsWith('--subresource=')) args.push(a);
    else throw new Error(`bad RBAC probe "${probe}": unsupported token "${a}"`);
  }
  return { args, nsGiven };
}
const normProbe = (p) => p.trim().split(/\s+/).join(' ');

function canI(ns, sa, probe) {
  const { args, nsGiven } = parseProbe(probe);
  const r = kubectl(['auth', 'can-i', ...args, ...(nsGiven ? [] : ['-n', ns]),
    `--as=system:serviceaccount:${ns}:${sa}`, '--as-group=system:serviceaccounts', `--as-group=system:serviceaccounts:${ns}`]);
  const answer = r.stdout.trim();
  // can-i exits 0 for "yes" and 1 for "no"; anything else, or a warning such as
  // "the server doesn't have a resource type", is an error in the probe itself.
  if (r.stderr || !((r.status === 0 && answer === 'yes') || (r.status === 1 && answer === 'no'))) {
    throw new Error(`kubectl auth can-i ${probe} as ${sa}: exit ${r.status}, stdout "${answer}", stderr "${r.stderr}"`);
  }
  return answer === 'yes';
}

function rbacChecks(ns, names, expectations) {
  const sas = names.filter((n) => n.startsWith('serviceaccount/')).map((n) => n.slice('serviceaccount/'.length));
  const failures = [];
  let total = 0;
  const bySa = new Map(sas.map((s) => [s, { allowed: [], denied: [] }]));
  for (const e of expectations || []) {
    if (!bySa.has(e.serviceAccount)) {
      failures.push(`RBAC expectations name ServiceAccount "${e.serviceAccount}" but the chart has ${sas.length ? sas.join(', ') : 'none'} (stale expectations)`);
      continue;
    }
    bySa.get(e.serviceAccount).allowed.push(...(e.allowed || []));
    bySa.get(e.serviceAccount).denied.push(...(e.denied || []));
  }
  for (const [sa, exp] of bySa) {
    const allowedSet = new Set(exp.allowed.map(normProbe));
    const denied = [...exp.denied, ...AUTO_DENIED.filter((p) => !allowedSet.has(p) && !exp.denied.map(normProbe).includes(p))];
    for (const [probe, want] of [...exp.allowed.map((p) => [p, true]), ...denied.map((p) => [p, false])]) {
      total++;
      try {
        const got = canI(ns, sa, probe);
        if (got !== want) failures.push(`RBAC: ServiceAccount ${ns}/${sa} should be ${want ? 'ALLOWED' : 'DENIED'} "${probe}" but is ${got ? 'allowed' : 'denied'}`);
      } catch (err) {
        failures.push(`RBAC probe error: ${err.message}`);
      }
    }
  }
  return { total, passed: total - failures.filter((f) => f.startsWith('RBAC:') || f.startsWith('RBAC probe')).length, failures, applicable: total > 0 || (expectations || []).length > 0 };
}

/**
 * Frees the cluster's local PersistentVolumes that the deleted namespace's claims had bound, as
 * the local volume provisioner would: their directory emptied and the claim reference removed, so
 * the next example (or run on a reused cluster) can bind them again. Only the volumes that
 * scripts/e2e/node.sh creates (label e2e.cdk8s-patterns.io/local-volume) are touched.
 */
function recycleVolumes(ns) {
  let pvs;
  try { pvs = kubectlJson(['get', 'pv', '-l', 'e2e.cdk8s-patterns.io/local-volume=true']).items; } catch { return; }
  for (const pv of pvs) {
    if (pv.status?.phase !== 'Released' || pv.spec.claimRef?.namespace !== ns) continue;
    const dir = pv.spec.local?.path;
    if (!dir || !/\/volumes\/pv-\d+$/.test(dir) || !fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    kubectl(['patch', 'pv', pv.metadata.name, '--type=json', '-p', '[{"op":"remove","path":"/spec/claimRef"}]']);
  }
}

// ------------------------------------------------------------------ one example
async function runExample(file, opts, expectations, gate, behaviors) {
  const stem = path.basename(file).replace(/\.k8s\.ya?ml$|\.ya?ml$/, '');
  const ns = namespaceFor(stem);
  const res = { stem, file: displayPath(file), ns, objects: 0, readySecs: null, rbac: null, checks: {}, failures: [], pods: null, behavior: [] };
  const fail = (check, msg) => { res.checks[check] = 'fail'; res.failures.push({ check, msg }); };
  const say = (m) => console.log(`[${stem}] ${m}`);
  const text = fs.readFileSync(file, 'utf8');
  const cpu = estimateCpuMillis(text);
  await gate.acquire(cpu);
  say(`${res.file} -> namespace ${ns} (pods request ${cpu}m CPU; ${gate.used}m of ${gate.capacity}m admitted)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-e2e-'));
  let names = [];
  // Cleanup deletes what the chart created except CRDs (they may be shared with
  // the cluster's add-ons or other charts; deleting one would delete every custom resource).
  let cleanupFile = file;
  try {
    await ensureNamespace(ns);
    const docs = splitDocs(text);
    const crdDocs = docs.filter(isCrdDoc);
    const rest = docs.filter((d) => !isCrdDoc(d));
    if (crdDocs.length) cleanupFile = null;
    // apply
    if (crdDocs.length) {
      const crdFile = path.join(tmp, 'crds.yaml');
      fs.writeFileSync(crdFile, joinDocs(crdDocs));
      const a = apply(crdFile, ns, crdDocs, tmp);
      if (!a.ok) fail('apply', `${res.file}: CustomResourceDefinitions ${a.reason}`);
      else {
        names.push(...a.names);
        const e = await installCrds(res.file, a.names);
        if (e) fail('apply', e);
      }
    }
    if (res.checks.apply !== 'fail') {
      if (rest.length) {
        const restFile = crdDocs.length ? path.join(tmp, 'rest.yaml') : file;
        if (crdDocs.length) fs.writeFileSync(restFile, joinDocs(rest));
        cleanupFile = restFile;
        const a = apply(restFile, ns, rest, tmp);
        names.push(...a.names);
        if (!a.ok) fail('apply', `${res.file}: ${a.reason}`);
      }
      if (!names.length && res.checks.apply !== 'fail') fail('apply', `${res.file}: contains no Kubernetes objects`);
    }
    res.objects = names.length;
    if (res.checks.apply === 'fail') {
      res.checks.readiness = 'skipped';
      if (expectations?.length || names.some((n) => n.startsWith('serviceaccount/'))) res.checks.rbac = 'skipped';
      res.behaviorSkipped = behaviorsFor(behaviors, stem).reduce((a, b) => a + b.mod.checks.length, 0);
      return res;
    }
    res.checks.apply = 'pass';
    say(`applied ${names.length} object(s)`);
    // readiness, then every pod stays Ready (or Succeeded) with zero restarts for the window
    const w = await waitReady(ns, new Set(names), opts.timeout);
    res.readySecs = w.secs;
    if (w.ok) {
      say(`ready in ${w.secs}s; watching the pods for ${opts.stable}s`);
      const st = await watchStable(kubectlJson, ns, opts.stable);
      if (st.ok) res.checks.readiness = 'pass';
      else fail('readiness', `${res.file}: not stable within ${opts.stable}s of Ready:\n    ${st.problems.join('\n    ')}`);
    } else {
      const detail = w.diag.length ? `\n    ${w.diag.join('\n    ')}` : '';
      fail('readiness', `${res.file}: ${w.reasons.join('\n    ')}${detail}`);
    }
    try { res.pods = podReport(kubectlJson, ns); } catch (e) { res.pods = { total: 0, ok: 0, restarts: 0, problems: [`cannot list pods: ${e.message}`] }; }
    // rbac
    const r = rbacChecks(ns, names, expectations);
    if (r.applicable) {
      res.rbac = r;
      if (r.failures.length) fail('rbac', `${res.file}: ${r.failures.join('\n    ')}`);
      else res.checks.rbac = 'pass';
      say(`RBAC probes ${r.passed}/${r.total} passed`);
    }
    // behavior: what the patterns promise, observed on the running pods
    if (res.checks.readiness === 'pass') {
      if (behaviorsFor(behaviors, stem).length) res.behavior = await runBehaviorsInChild(stem, { ns, kubectl: KUBECTL, log: say });
      for (const b of res.behavior.filter((x) => !x.ok)) res.failures.push({ check: 'behavior', msg: `${res.file}: ${b.pattern}: ${b.name}: ${b.detail}` });
    } else {
      res.behaviorSkipped = behaviorsFor(behaviors, stem).reduce((a, b) => a + b.mod.checks.length, 0);
    }
  } catch (err) {
    const check = res.checks.apply ? (res.checks.readiness ? 'rbac' : 'readiness') : 'apply';
    fail(check, `${res.file}: ${err.message}`);
    for (const c of ['apply', 'readiness']) if (!res.checks[c]) res.checks[c] = 'skipped';
  } finally {
    for (const f of res.failures) say(`FAIL [${f.check}] ${f.msg}`);
    if (!opts.keep) {
      if (cleanupFile) kubectl(['delete', '-n', ns, '-f', cleanupFile, '--ignore-not-found', '--wait=false']);
      kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
      // The checks are done: do not wait out grace periods (a shell loop as PID 1 ignores
      // SIGTERM for 30 s) before the next example gets the CPU.
      kubectl(['delete', 'pods', '--all', '-n', ns, '--grace-period=0', '--force', '--ignore-not-found', '--wait=false']);
      const t0 = Date.now();
      while (kubectl(['get', 'namespace', ns]).status === 0 && Date.now() - t0 < 90000) await sleep(2000);
      recycleVolumes(ns);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    gate.release(cpu);
  }
  return res;
}

// ------------------------------------------------------------------ main
function printTable(rows, header) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!process.env.KUBECONFIG) usage('KUBECONFIG is not set and no cluster kubeconfig found; run: bash scripts/e2e/cluster.sh start');
  const ready = kubectl(['get', '--raw', '/readyz']);
  if (ready.status !== 0) usage(`the API server is not ready (${ready.stderr}); run: bash scripts/e2e/cluster.sh start`);
  // Safety: this creates and DELETES namespaces; only ever run it against the throw-away
  // cluster of scripts/e2e/cluster.sh, which leaves this marker.
  if (kubectl(['get', 'configmap', 'cdk8s-patterns-e2e-cluster', '-n', 'kube-system']).status !== 0) {
    usage(`the cluster of KUBECONFIG=${process.env.KUBECONFIG} was not started by scripts/e2e/cluster.sh (no ConfigMap kube-system/cdk8s-patterns-e2e-cluster); refusing to run`);
  }
  if (!fs.existsSync(opts.dir)) usage(`directory ${opts.dir} does not exist${opts.dir.endsWith('examples/dist') ? ' (run: npm run synth)' : ''}`);
  let files = fs.readdirSync(opts.dir).filter((f) => /\.k8s\.ya?ml$/.test(f)).sort().map((f) => path.join(opts.dir, f));
  if (opts.only) files = files.filter((f) => path.basename(f).includes(opts.only));
  if (!files.length) usage(`no *.k8s.yaml files in ${opts.dir}`);
  const globalFailures = [];

  // Cluster-wide CRDs (e.g. Gateway API) provided as files.
  if (opts.crds && fs.existsSync(opts.crds) && fs.readdirSync(opts.crds).some((f) => /\.ya?ml$/.test(f))) {
    const r = kubectl(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', opts.crds, '-o', 'name']);
    if (r.status !== 0) globalFailures.push(`installing CRDs from ${opts.crds} failed: ${r.stderr}`);
    else {
      const e = await installCrds(opts.crds, r.stdout.split('\n').filter(Boolean));
      if (e) globalFailures.push(e);
      else console.log(`installed ${r.stdout.split('\n').filter(Boolean).length} CRDs from ${displayPath(opts.crds)}`);
    }
  }

  // RBAC expectations; stems without a chart file are stale.
  let rbac = {};
  if (opts.rbac) {
    try { rbac = JSON.parse(fs.readFileSync(opts.rbac, 'utf8')); } catch (e) { usage(`cannot read ${opts.rbac}: ${e.message}`); }
    const stems = new Set(fs.readdirSync(opts.dir).filter((f) => /\.k8s\.ya?ml$/.test(f)).map((f) => f.replace(/\.k8s\.ya?ml$/, '')));
    for (const stem of Object.keys(rbac)) {
      if (!stems.has(stem)) globalFailures.push(`${displayPath(opts.rbac)}: stale expectations for "${stem}": no ${stem}.k8s.yaml in ${displayPath(opts.dir)}`);
      else if (!Array.isArray(rbac[stem]) || !rbac[stem].every((e) => typeof e?.serviceAccount === 'string'
        && ['allowed', 'denied'].every((k) => e[k] === undefined || (Array.isArray(e[k]) && e[k].every((p) => typeof p === 'string'))))) {
        globalFailures.push(`${displayPath(opts.rbac)}: "${stem}" must map to a list of { "serviceAccount": string, "allowed": [string], "denied": [string] }`);
        rbac[stem] = [];
      }
    }
  }

  let expected = {};
  if (opts.expectFail) {
    const ef = path.join(opts.dir, 'expected-failures.json');
    try { expected = JSON.parse(fs.readFileSync(ef, 'utf8')); } catch (e) { usage(`--expect-fail needs ${ef}: ${e.message}`); }
    for (const f of files) if (!expected[path.basename(f).replace(/\.k8s\.ya?ml$/, '')]) globalFailures.push(`${path.basename(f)} has no entry in ${ef}`);
  }

  // Behavior modules, for the examples of examples/dist only.
  let behaviors = [];
  if (opts.behavior && !opts.expectFail && opts.dir === path.join(REPO, 'examples/dist')) {
    try { behaviors = await loadBehaviors(); } catch (e) { usage(e.message); }
    const stems = new Set(fs.readdirSync(opts.dir).filter((f) => /\.k8s\.ya?ml$/.test(f)).map((f) => f.replace(/\.k8s\.ya?ml$/, '')));
    globalFailures.push(...staleExamples(behaviors, stems));
  }

  // Examples run side by side as far as the real node's CPU allows (requests, as the scheduler counts).
  const nodes = kubectlJson(['get', 'nodes']).items.filter((n) => (n.status?.conditions || []).some((c) => c.type === 'Ready' && c.status === 'True'));
  if (!nodes.length) usage('the cluster has no Ready node');
  const gate = new CapacityGate(Math.floor(nodes.reduce((a, n) => a + cpuOf(n.status.allocatable.cpu), 0) * 0.95));
  for (const n of nodes) console.log(`node ${n.metadata.name}: ${n.status.allocatable.cpu} CPU allocatable; ${n.status.nodeInfo.kubeletVersion}, ${n.status.nodeInfo.containerRuntimeVersion}`);
  const results = await Promise.all(files.map((f) => {
    const stem = path.basename(f).replace(/\.k8s\.ya?ml$/, '');
    return runExample(f, opts, Array.isArray(rbac[stem]) ? rbac[stem] : [], gate, behaviors);
  }));

  console.log('');
  let passed = 0;
  let failed = globalFailures.length;
  let skipped = 0;
  if (!opts.expectFail) {
    const rows = results.map((r) => {
      for (const v of Object.values(r.checks)) { if (v === 'pass') passed++; else if (v === 'fail') failed++; else skipped++; }
      return [r.stem, r.objects, r.readySecs === null ? '-' : (r.checks.readiness === 'pass' ? `${r.readySecs}s` : `NO (${r.readySecs}s)`),
        r.rbac ? `${r.rbac.passed}/${r.rbac.total}` : '-', r.failures.length ? `FAIL (${[...new Set(r.failures.map((x) => x.check))].join(', ')})` : 'PASS'];
    });
    printTable(rows, ['example', 'objects applied', 'ready in', 'RBAC probes', 'result']);
    if (behaviors.length) {
      // The behavior table: what each pattern promises, observed on the running pods.
      console.log('');
      const bRows = results.flatMap((r) => r.behavior.map((b) => [r.stem, b.pattern, b.name, b.ok ? 'ok' : 'FAIL', b.detail.slice(0, 160)]));
      printTable(bRows, ['example', 'pattern', 'behavior check (counterparts: "fails when ...")', 'result', 'observed']);
      const bPassed = results.reduce((a, r) => a + r.behavior.filter((b) => b.ok).length, 0);
      const bFailed = results.reduce((a, r) => a + r.behavior.filter((b) => !b.ok).length, 0);
      const bSkipped = results.reduce((a, r) => a + (r.behaviorSkipped || 0), 0);
      passed += bPassed;
      failed += bFailed;
      skipped += bSkipped;
      const counter = results.reduce((a, r) => a + r.behavior.filter((b) => b.kind === 'counterpart').length, 0);
      console.log(`behavior: ${bPassed} passed, ${bFailed} failed${bSkipped ? `, ${bSkipped} skipped (example not ready)` : ''} (${counter} of them counterparts that must fail when the behavior is removed)`);
    }
    // The real-pods table: every pod of every example, as the kubelet ran it.
    console.log('');
    let podsTotal = 0;
    let podsOk = 0;
    const podRows = results.map((r) => {
      const p = r.pods || { total: 0, ok: 0, restarts: 0, problems: [r.checks.apply === 'pass' ? 'no pod report' : 'not applied'] };
      podsTotal += p.total;
      podsOk += p.ok;
      return [r.stem, p.total, p.ok, p.restarts, p.problems.length ? p.problems.join('; ').slice(0, 300) : '-'];
    });
    printTable(podRows, ['example', 'pods', 'Ready + running (or Succeeded)', 'restarts', 'pods that did not run, and why']);
    console.log(`real pods: ${podsOk} of ${podsTotal} example pods Ready with running containers (0 not run: reasons in the table)`);
    const all = [...globalFailures, ...results.flatMap((r) => r.failures.map((x) => x.msg))];
    if (all.length) {
      console.log('\nFailures:');
      for (const m of all) console.log(`  - ${m}`);
    }
  } else {
    // Negative self-test: each broken chart must fail at the expected check with a
    // message matching the expected pattern.
    const rows = results.map((r) => {
      const exp = expected[r.stem];
      if (!exp) return [r.stem, '-', '-', 'no expectation'];
      const re = new RegExp(exp.message, 'is');
      const hit = r.failures.find((x) => x.check === exp.check && re.test(x.msg));
      if (hit) passed++; else failed++;
      const got = r.failures.length ? r.failures.map((x) => `${x.check}: ${x.msg.split('\n').slice(0, 2).join(' ').slice(0, 160)}`).join(' | ') : 'PASSED (harness did not fail it!)';
      if (!hit) globalFailures.push(`${r.file}: expected a "${exp.check}" failure matching /${exp.message}/is, got: ${got}`);
      return [r.stem, `${exp.check} /${exp.message}/`, hit ? 'failed as expected' : 'WRONG', got.slice(0, 140)];
    });
    printTable(rows, ['broken chart', 'expected failure', 'result', 'harness said']);
    if (globalFailures.length) {
      console.log('\nFailures:');
      for (const m of globalFailures) console.log(`  - ${m}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  exitAfterFlush(failed ? 1 : 0);
}

/**
 * Exits once stdout and stderr have taken everything written so far: process.exit() right after
 * a long table cut the output off mid-table in a CI run (the pipe to tee had not taken it all),
 * and with it the closing "N passed, N failed" line that run.sh counts.
 */
function exitAfterFlush(code) {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main().catch((err) => {
  console.error(`apply-examples: ${err.stack || err.message}`);
  exitAfterFlush(1);
});
