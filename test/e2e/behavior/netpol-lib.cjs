// Traffic between pods under NetworkPolicies on the e2e cluster: the helpers of the
// NetworkSegmentation behavior checks. Enforcement comes from the `network-policy` add-on
// (scripts/e2e/addons/network-policy.sh: kube-router's policy controller for every node).
//
// CommonJS on purpose: behavior/index.mjs loads every *.mjs of this directory as a behavior
// module, so a library must not end in .mjs. Import it from a module with
//   import np from './netpol-lib.cjs';
//   np.configure({ BehaviorFailure });   // lib.mjs's class (ESM, which Node 20.16 cannot require)
//
// What a check sees (measured on this cluster, see scripts/e2e/addons/README.md):
//   - a connection a policy denies is REJECTed (kube-router answers ICMP port unreachable), so the
//     client sees "connection refused" at once (curl exit 7), not a timeout: probe() says
//     outcome 'refused'; a denied DNS query fails at once too;
//   - a change of a NetworkPolicy, or of a pod's labels, is enforced about 0.05-0.1 s after kubectl
//     returns (kube-router resyncs on every such event); a connection attempt that coincides with
//     the switch may lose its first SYN and complete after TCP's 1 s retransmit. Poll with
//     waitProbe() (probe timeout >= 2 s), never assert right after an apply;
//   - pods of every node are enforced, same-node (bridged) and cross-node (routed) traffic, by pod
//     IP and by Service ClusterIP (policies see the pod IP and port after kube-proxy's DNAT);
//   - traffic from this host (the harness, kubelet probes, Traefik) always reaches pods, as
//     node-to-local-pod traffic does on any cluster: probe FROM a pod (runClient) to test a policy;
//   - the cluster DNS is CoreDNS in pods labelled k8s-app=kube-dns in kube-system, behind the
//     Service 10.96.0.10, as on a kubeadm cluster (scripts/e2e/node.sh): an egress rule to those pods
//     on 53/UDP+TCP (NetworkSegmentation's allowDns) lets DNS through; without it a default-deny
//     egress refuses DNS at once (resolveName fails);
//   - the API server is a host process on the node address, 10.250.0.1:6443 (kubeadm's port), behind
//     the kubernetes Service 10.96.0.1:443; policies see the endpoint after kube-proxy's DNAT, so an
//     egress allow names port 6443 (ipBlock 10.250.0.1/32, or any address on 443 and 6443 as
//     NetworkSegmentation's default apiServer); a default-deny egress refuses it (kube-router filters
//     pod-to-host traffic too).
//
// Standalone smoke test against a running cluster (KUBECONFIG set; prints JSON):
//   node test/e2e/behavior/netpol-lib.cjs NAMESPACE POD URL [TIMEOUT_S] [CONTAINER]
'use strict';

const { execFile, spawnSync } = require('node:child_process');
const path = require('node:path');

/** The client image: curl plus busybox (sh, wget, nc, nslookup, sleep); user curl_user 100:101. */
const CLIENT_IMAGE = process.env.CDK8S_E2E_NETPOL_CLIENT_IMAGE || 'docker.io/curlimages/curl:8.10.1';
const CLIENT_CONTAINER = 'client';
const CLIENT_UID = 100;
const CLIENT_GID = 101;
const REPO = path.resolve(__dirname, '..', '..', '..');

/** The error class of a behavior that was not observed (lib.mjs's BehaviorFailure, set by configure). */
let Failure = Error;
function configure({ BehaviorFailure }) {
  Failure = BehaviorFailure;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const podName = (p) => (typeof p === 'string' ? p : p.metadata.name);

/** kubectl in the namespace of `t`, asynchronously: resolves { code, stdout, stderr } (never rejects). */
function kubectlAsync(t, args, { timeoutMs = 60000 } = {}) {
  return new Promise((resolve) => {
    execFile(t.kubectlPath, ['-n', t.ns, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : (err.killed ? 124 : 1)) : 0;
        resolve({ code, stdout: stdout || '', stderr: (stderr || '').trim(), killed: !!err?.killed });
      });
  });
}

// The probe runs in the client pod: curl when the image has it, else busybox wget. It prints one
// line "RESULT <http status or 000> <exit code> <error text>".
const PROBE_SCRIPT = `
url="$1"; t="$2"
if command -v curl >/dev/null 2>&1; then
  out=$(curl -sS -o /dev/null -w '\\nCODE %{http_code}' --connect-timeout "$t" -m "$t" "$url" 2>&1); rc=$?
  code=$(printf '%s\\n' "$out" | sed -n 's/^CODE \\([0-9]*\\)$/\\1/p' | tail -n 1)
  err=$(printf '%s\\n' "$out" | grep -v '^CODE ')
else
  err=$(wget -q -O /dev/null -T "$t" "$url" 2>&1); rc=$?; code=000; [ $rc -eq 0 ] && code=200
  case "$err" in *"server returned error: HTTP/1."*) code=$(printf '%s' "$err" | sed -n 's/.*HTTP\\/1\\.[01] \\([0-9]*\\).*/\\1/p');; esac
fi
echo "RESULT \${code:-000} $rc $err"
`;

/**
 * Sends one GET to `url` from container `container` of pod `fromPod` (kubectl exec) and says what
 * happened. Resolves { ok, status, outcome, detail, secs }: `ok` when an HTTP response arrived (any
 * status: the connection was allowed); `outcome` is 'http', 'refused' (REJECTed by a policy, or
 * nothing listens), 'timeout' (dropped), 'unreachable' (no route), 'dns' (the name did not
 * resolve), 'failed' (another network error) or 'exec-error' (kubectl exec itself failed).
 * Never rejects. Works from any container with curl or busybox wget and a shell (no files written).
 */
async function probe(t, fromPod, container, url, timeoutSec = 3) {
  const t0 = Date.now();
  const r = await kubectlAsync(t, ['exec', podName(fromPod), '-c', container, '--', 'sh', '-c', PROBE_SCRIPT, 'probe', url, String(timeoutSec)],
    { timeoutMs: (timeoutSec + 30) * 1000 });
  const secs = (Date.now() - t0) / 1000;
  const m = r.stdout.match(/RESULT (\d{3}) (\d+)\s*([\s\S]*)$/);
  if (r.code !== 0 || !m) {
    return { ok: false, status: 0, outcome: 'exec-error', detail: `kubectl exec in ${podName(fromPod)}/${container} failed (exit ${r.code}): ${r.stderr || r.stdout}`.trim().slice(0, 300), secs };
  }
  const status = Number(m[1]);
  const rc = Number(m[2]);
  const err = m[3].trim().replace(/\s+/g, ' ');
  if (status > 0) return { ok: true, status, outcome: 'http', detail: `HTTP ${status} from ${url} in ${secs.toFixed(1)}s`, secs };
  // curl exit codes: 6 resolve, 7 connect, 28 timeout; busybox wget says it in words.
  let outcome = 'failed';
  if (rc === 28 || /timed? ?out/i.test(err)) outcome = 'timeout';
  else if (rc === 6 || /resolve|bad address|not known/i.test(err)) outcome = 'dns';
  else if (/no route|unreachable/i.test(err)) outcome = 'unreachable';
  else if (rc === 7 || /refused|couldn't connect/i.test(err)) outcome = 'refused';
  return { ok: false, status: 0, outcome, detail: `no answer from ${url} (${outcome}, exit ${rc}: ${err.slice(0, 160)}) after ${secs.toFixed(1)}s`, secs };
}

/**
 * Resolves `name` through the pod's DNS servers (busybox nslookup in the pod). Resolves
 * { ok, addresses, detail, secs }; `ok` when an address came back. Never rejects.
 */
async function resolveName(t, fromPod, container, name, timeoutSec = 5) {
  const t0 = Date.now();
  const script = 'if command -v timeout >/dev/null 2>&1; then timeout "$2" nslookup "$1"; else nslookup "$1"; fi';
  const r = await kubectlAsync(t, ['exec', podName(fromPod), '-c', container, '--', 'sh', '-c', script, 'resolve', name, String(timeoutSec)],
    { timeoutMs: (timeoutSec + 30) * 1000 });
  const secs = (Date.now() - t0) / 1000;
  // busybox nslookup tries every search domain and exits 1 when one of them is NXDOMAIN, even
  // with an answer: an answer ("Name:" then "Address:") is what counts.
  const addrs = [...r.stdout.matchAll(/^Name:\s*\S+\s*\nAddress(?: \d+)?:\s*([0-9a-f.:]+)/gm)].map((x) => x[1]);
  if (addrs.length) return { ok: true, addresses: addrs, detail: `${name} → ${addrs.join(', ')} in ${secs.toFixed(1)}s`, secs };
  return { ok: false, addresses: [], detail: `${name} did not resolve (exit ${r.code}) after ${secs.toFixed(1)}s: ${(r.stdout + ' ' + r.stderr).replace(/\s+/g, ' ').trim().slice(0, 200)}`, secs };
}

/**
 * Polls probe() until its `ok` is `want` (true: reachable, false: blocked), for a policy change to
 * take effect. Resolves { secs (until it held), tries, last }; throws a BehaviorFailure on timeout.
 */
async function waitProbe(t, fromPod, container, url, want, { timeout = 30, interval = 0.25, probeTimeout = 2 } = {}) {
  const t0 = Date.now();
  let tries = 0;
  let last;
  for (;;) {
    last = await probe(t, fromPod, container, url, probeTimeout);
    tries++;
    if (last.outcome !== 'exec-error' && last.ok === want) return { secs: (Date.now() - t0) / 1000, tries, last };
    if (Date.now() - t0 >= timeout * 1000) {
      throw new Failure(`${podName(fromPod)} → ${url}: still ${last.ok ? 'reachable' : 'not reachable'} after ${timeout}s (wanted ${want ? 'reachable' : 'blocked'}): ${last.detail}`);
    }
    await sleep(interval * 1000);
  }
}

/** probe() that must reach `url` (a BehaviorFailure otherwise); returns the detail. */
async function expectReachable(t, fromPod, container, url, timeoutSec = 3) {
  const r = await probe(t, fromPod, container, url, timeoutSec);
  if (!r.ok) throw new Failure(`${podName(fromPod)} → ${url} should be allowed: ${r.detail}`);
  return r.detail;
}

/** probe() that must NOT reach `url` (a BehaviorFailure otherwise); returns the detail. */
async function expectBlocked(t, fromPod, container, url, timeoutSec = 3) {
  const r = await probe(t, fromPod, container, url, timeoutSec);
  if (r.outcome === 'exec-error') throw new Error(r.detail);
  if (r.ok) throw new Failure(`${podName(fromPod)} → ${url} should be denied by a NetworkPolicy: ${r.detail}`);
  return r.detail;
}

/** The restricted client pod (Pod Security "restricted"): curl image, `sleep`, a writable /tmp. */
function clientPod(name, labels, { nodeName, image = CLIENT_IMAGE } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      labels: { ...labels, 'e2e.cdk8s-patterns.io/netpol-client': name },
    },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 1,
      restartPolicy: 'Never',
      ...(nodeName ? { nodeName } : {}),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: CLIENT_UID,
        runAsGroup: CLIENT_GID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [{
        name: CLIENT_CONTAINER,
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['sleep', '3600'],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      }],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Mi' } }],
    },
  };
}

/**
 * Starts a short-lived restricted client pod `name` with `labels` in the namespace of `t` (the
 * labels are what the policies under test select), waits until it is Ready and returns its name;
 * its container is CLIENT_CONTAINER ('client'). `nodeName` pins it to a node (to test same-node
 * and cross-node traffic). Delete it with deleteClient (or use withClient).
 */
function runClient(t, name, labels = {}, { nodeName, timeout = 90, image } = {}) {
  t.run(['apply', '--server-side', '--field-manager=cdk8s-patterns-e2e-behavior', '-f', '-'],
    { input: JSON.stringify(clientPod(name, labels, { nodeName, image })) });
  const r = t.kubectl(['wait', '--for=condition=Ready', `pod/${name}`, `--timeout=${timeout}s`]);
  if (r.status !== 0) {
    const st = t.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].state}']).stdout;
    throw new Error(`client pod ${name} not Ready within ${timeout}s: ${r.stderr} (${st})`);
  }
  return name;
}

/** Deletes a client pod (no wait for its end: terminationGracePeriodSeconds is 1). */
function deleteClient(t, name) {
  t.kubectl(['delete', 'pod', name, '--ignore-not-found', '--wait=false', '--grace-period=1']);
}

/** runClient, then `fn(podName)`, then deleteClient whatever happened; resolves what fn resolved. */
async function withClient(t, name, labels, fn, opts) {
  runClient(t, name, labels, opts);
  try {
    return await fn(name);
  } finally {
    deleteClient(t, name);
  }
}

module.exports = {
  configure, CLIENT_IMAGE, CLIENT_CONTAINER, probe, resolveName, waitProbe, expectReachable, expectBlocked,
  clientPod, runClient, deleteClient, withClient, PROBE_SCRIPT,
};

if (require.main === module) {
  const [ns, pod, url, timeout = '3', container = CLIENT_CONTAINER] = process.argv.slice(2);
  if (!url) {
    console.error('usage: node test/e2e/behavior/netpol-lib.cjs NAMESPACE POD URL [TIMEOUT_S] [CONTAINER]');
    process.exit(2);
  }
  let kubectl = process.env.KUBECTL;
  if (!kubectl) {
    const r = spawnSync('bash', [path.join(REPO, 'scripts/e2e/build-control-plane.sh'), '--print-bin-dir'], { encoding: 'utf8' });
    kubectl = path.join(r.stdout.trim(), 'kubectl');
  }
  probe({ ns, kubectlPath: kubectl }, pod, container, url, Number(timeout)).then((r) => console.log(JSON.stringify(r)));
}
