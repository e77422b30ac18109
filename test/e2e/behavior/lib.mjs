// The behavior checks' toolkit: what a check needs to drive an example on the real nodes and
// observe what its pattern promises. A check is a short script of actions and assertions; it
// fails by throwing (`expect`, `eventually`'s timeout, a kubectl error), with a message that
// says what was observed.
//
// The harness runs on the host of the e2e nodes (scripts/e2e/node.sh), so pod IPs, ClusterIPs
// (kube-proxy's iptables rules apply to the host's own traffic), node ports, the cluster DNS
// and the containers' /proc entries are all reachable from here.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const YAML = require('yaml');

/** The repository's root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The field manager of the harness's own applies: re-applying a chart updates what it applied. */
export const FIELD_MANAGER = 'cdk8s-patterns-e2e';

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/** A behavior that was not observed (as opposed to an error in the check itself). */
export class BehaviorFailure extends Error {}

/** Throws a BehaviorFailure with `message` unless `condition` holds. */
export function expect(condition, message) {
  if (!condition) throw new BehaviorFailure(typeof message === 'function' ? message() : message);
}

/** Prometheus text exposition format → [{ name, labels, value }]; comments and blank lines skipped. */
export function parsePrometheusText(text) {
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)(?:\s+\d+)?$/);
    if (!m) throw new BehaviorFailure(`not Prometheus exposition text: line "${line.slice(0, 80)}"`);
    const labels = {};
    for (const l of (m[2] || '').slice(1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') throw new BehaviorFailure(`not Prometheus exposition text: value "${m[3]}" in "${line.slice(0, 80)}"`);
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

/** One example's namespace, seen by a check. */
export class BehaviorContext {
  /**
   * @param {object} o
   * @param {string} o.ns the example's namespace
   * @param {string} o.stem the example's chart file stem
   * @param {string} o.kubectl path of kubectl
   * @param {(msg: string) => void} o.log
   */
  constructor({ ns, stem, kubectl, log }) {
    this.ns = ns;
    this.stem = stem;
    this.kubectlPath = kubectl;
    this.log = log;
    this.children = new Set();
  }

  /** Runs kubectl; `-n <ns>` is added unless the args name a namespace or `-A`. */
  kubectl(args, { input, namespaced = true } = {}) {
    // -n goes first: after `exec ... --` it would be part of the command.
    const full = namespaced && !args.some((a) => a === '-n' || a === '-A' || a.startsWith('--namespace')) ? ['-n', this.ns, ...args] : args;
    const r = spawnSync(this.kubectlPath, full, { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw new Error(`cannot run kubectl: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout || '', stderr: (r.stderr || '').trim() };
  }

  /** kubectl that must succeed; returns stdout. */
  run(args, opts) {
    const r = this.kubectl(args, opts);
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr || `exit ${r.status}`}`);
    return r.stdout;
  }

  json(args, opts) {
    return JSON.parse(this.run([...args, '-o', 'json'], opts));
  }

  /** The one object of `kind` whose name starts with `prefix` (names carry cdk8s hashes). */
  get(kind, prefix) {
    const items = this.json(['get', kind]).items.filter((o) => o.metadata.name.startsWith(prefix));
    if (items.length !== 1) throw new Error(`expected one ${kind} named ${prefix}*, found ${items.length}: ${items.map((o) => o.metadata.name).join(', ') || 'none'}`);
    return items[0];
  }

  /** Pods selected by a workload's `spec.selector.matchLabels` (or a label map), not being deleted unless `all`. */
  pods(workloadOrLabels, { all = false } = {}) {
    const labels = workloadOrLabels?.spec?.selector?.matchLabels ?? workloadOrLabels?.spec?.selector ?? workloadOrLabels;
    const sel = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    return this.json(['get', 'pods', '-l', sel]).items.filter((p) => all || !p.metadata.deletionTimestamp);
  }

  /** Every pod a Job created, finished and terminating ones included. */
  jobPods(jobName) {
    return this.pods({ 'batch.kubernetes.io/job-name': jobName }, { all: true });
  }

  readyPods(workload) {
    return this.pods(workload).filter(isReady);
  }

  /** Runs a command in a container; returns { status, stdout, stderr }. */
  exec(pod, container, argv, { input } = {}) {
    return this.kubectl(['exec', ...(input !== undefined ? ['-i'] : []), podName(pod), '-c', container, '--', ...argv], { input });
  }

  /** exec that must exit 0; returns stdout. */
  execOk(pod, container, argv, opts) {
    const r = this.exec(pod, container, argv, opts);
    if (r.status !== 0) throw new Error(`exec in ${podName(pod)}/${container} "${argv.join(' ')}": exit ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  /** An HTTP request from the host; never throws for HTTP statuses. Returns { status, body } or { error }. */
  async http(url, { method = 'GET', timeout = 10, body } = {}) {
    try {
      const res = await fetch(url, { method, body, signal: AbortSignal.timeout(timeout * 1000) });
      return { status: res.status, body: await res.text(), headers: res.headers };
    } catch (e) {
      return { status: 0, error: e.cause?.code || e.cause?.message || e.message, body: '' };
    }
  }

  /** `http://<pod IP>:<port><path>` */
  podUrl(pod, port, pathname = '/') {
    return `http://${pod.status.podIP}:${port}${pathname}`;
  }

  /** `http://<ClusterIP>:<port><path>` of a Service by name (prefix). */
  serviceUrl(name, port, pathname = '/') {
    const svc = this.get('services', name);
    return `http://${svc.spec.clusterIP}:${port}${pathname}`;
  }

  /**
   * Retries `fn` until it returns a truthy value without throwing; returns that value. On timeout
   * the last failure is rethrown (prefixed with `what` and the time waited).
   */
  async eventually(what, fn, { timeout = 60, interval = 1 } = {}) {
    const t0 = Date.now();
    let last = null;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
        last = null;
      } catch (e) {
        if (!(e instanceof BehaviorFailure)) throw e;
        last = e;
      }
      if (Date.now() - t0 >= timeout * 1000) {
        throw new BehaviorFailure(`${what}: not within ${timeout}s${last ? `: ${last.message}` : ''}`);
      }
      await sleep(interval * 1000);
    }
  }

  /** Waits for a Deployment / StatefulSet / DaemonSet rollout to finish. */
  rollout(kindSlashName, timeout = 120) {
    const r = this.kubectl(['rollout', 'status', kindSlashName, `--timeout=${timeout}s`]);
    if (r.status !== 0) throw new BehaviorFailure(`rollout of ${kindSlashName} did not finish within ${timeout}s: ${r.stderr || r.stdout.trim().split('\n').pop()}`);
  }

  /** JSON patch (a list of operations) on an object. */
  patch(kindSlashName, ops) {
    this.run(['patch', kindSlashName, '--type=json', '-p', JSON.stringify(ops)]);
  }

  /** Follows a container's log in the background; `lines()` gives what arrived, `stop()` ends it. */
  follow(pod, container) {
    const child = spawn(this.kubectlPath, ['logs', '-f', podName(pod), '-c', container, '-n', this.ns], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    let buf = '';
    const received = [];
    child.stdout.on('data', (d) => {
      buf += d;
      const parts = buf.split('\n');
      buf = parts.pop();
      for (const l of parts) received.push({ at: Date.now(), line: l });
    });
    const done = new Promise((res) => child.on('close', res));
    return {
      lines: () => received,
      done,
      stop: () => { child.kill(); this.children.delete(child); },
    };
  }

  /** Applies a JSON manifest (server-side) in the namespace. */
  apply(obj) {
    this.run(['apply', '--server-side', '--field-manager=cdk8s-patterns-e2e-behavior', '-f', '-'], { input: JSON.stringify(obj) });
  }

  /**
   * The next release of this example (examples/dist/next/<stem>.k8s.yaml, written by the
   * example's `buildNextApp`): its path and parsed documents.
   */
  nextRelease() {
    const file = path.join(REPO, 'examples/dist/next', `${this.stem}.k8s.yaml`);
    if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO, file)} does not exist (the example needs buildNextApp; run npm run synth)`);
    return { file, docs: readChart(file) };
  }

  /** Applies a chart file over the running example, as the harness applied the first release. */
  applyChart(file) {
    this.run(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--validate=strict', '-f', file]);
  }

  /** Ends background processes a check started. */
  close() {
    for (const c of this.children) c.kill();
    this.children.clear();
  }
}

/** The documents of a synthesized chart, parsed. */
export function readChart(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
}

/** The API server of the harness's kubeconfig: { server, ca, insecure }. */
function apiServer(t) {
  const cfg = JSON.parse(t.run(['config', 'view', '--raw', '--minify', '-o', 'json'], { namespaced: false }));
  const c = cfg.clusters[0].cluster;
  const caFile = c['certificate-authority'];
  const ca = c['certificate-authority-data'] ? Buffer.from(c['certificate-authority-data'], 'base64') : caFile ? fs.readFileSync(caFile) : undefined;
  return { server: c.server, ca, insecure: !ca && c['insecure-skip-tls-verify'] === true };
}

/** One API request with a bearer token; resolves { status, body } (status 0: no answer). */
function apiAs({ server, ca, insecure }, token, method, pathname) {
  return new Promise((resolve) => {
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const req = https.request(new URL(pathname, server), { method, ca, rejectUnauthorized: !insecure, headers, timeout: 10000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
    req.end();
  });
}

/** Runs [what, method, path, wanted status] probes with the ServiceAccount's token; fails on any other answer. */
export async function probeToken(t, sa, probes) {
  const api = apiServer(t);
  const token = t.run(['create', 'token', sa]).trim();
  const seen = [];
  for (const [what, method, pathname, want] of probes) {
    const r = await apiAs(api, token, method, pathname);
    if (r.status === 0) throw new Error(`${method} ${api.server}${pathname}: ${r.body}`);
    const reason = [200, 403].includes(r.status) ? '' : ` ${r.body.replace(/\s+/g, ' ').slice(0, 100)}`;
    seen.push({ ok: r.status === want, text: `${what} ${r.status}${r.status === want ? '' : ` (want ${want})${reason}`}` });
  }
  const wrong = seen.filter((s) => !s.ok);
  expect(!wrong.length, `ServiceAccount ${sa}'s token: ${wrong.map((s) => s.text).join(', ')}`);
  return seen.map((s) => s.text).join(', ');
}

export const podName = (p) => (typeof p === 'string' ? p : p.metadata.name);
/** An object's condition of `type` when its status is True (a Job's Complete or Failed), else undefined. */
export const condition = (obj, type) => (obj.status?.conditions || []).find((c) => c.type === type && c.status === 'True');
export const isReady = (p) => (p.status?.conditions || []).some((c) => c.type === 'Ready' && c.status === 'True');
export const ms = (iso) => new Date(iso).getTime();

/**
 * The processes of a running container, read on the host: the kubelets use the cgroupfs driver
 * with cgroup roots /k8se2e-<i> (scripts/e2e/node.sh), so a container's PIDs are in
 * <hierarchy>/k8se2e-<i>/kubepods/[<qos>/]pod<pod uid>/<container id>/cgroup.procs.
 * Returns [] when the container's cgroup is not on this host.
 */
export function containerPids(pod, containerId) {
  const id = String(containerId).replace(/^[a-z]+:\/\//, '');
  for (const hierarchy of ['/sys/fs/cgroup/pids', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    let roots;
    try { roots = fs.readdirSync(hierarchy).filter((d) => d.startsWith('k8se2e')); } catch { continue; }
    for (const root of roots) {
      for (const qos of ['', 'burstable', 'besteffort']) {
        const f = path.join(hierarchy, root, 'kubepods', qos, `pod${pod.metadata.uid}`, id, 'cgroup.procs');
        if (fs.existsSync(f)) return fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map(Number);
      }
    }
  }
  return [];
}
