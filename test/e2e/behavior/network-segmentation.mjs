// NetworkSegmentation: on the real nodes (kube-router enforcing NetworkPolicies, the
// network-policy add-on), the namespace's pods are isolated: a pod of the namespace without an
// allowance reaches no service pod; pods of namespace shop-web labelled as the storefront reach
// orders, as the example allows, and not users; a pod of shop-web without the label reaches
// nothing. Probes run from short-lived restricted client pods (curl), never from the host: the
// node's own traffic (kubelet probes, the gateway on the host) always reaches its pods. The
// counterpart deletes the example's policies: the same probes then get through.
import np from './netpol-lib.cjs';
import { BehaviorFailure, expect, isReady } from './lib.mjs';

np.configure({ BehaviorFailure });

const WEB_NS = 'shop-web';
const STOREFRONT = { 'app.kubernetes.io/name': 'storefront' };
const CHECK = 'pods are isolated: only the allowed namespace and labels reach orders, nothing reaches users';

/** A context for another namespace (same kubectl, log and helpers). */
function inNamespace(t, ns) {
  return Object.assign(Object.create(Object.getPrototypeOf(t)), t, { ns });
}

/** The URL of one Ready pod of the Deployment `prefix*` (its container port). */
function podUrl(t, prefix) {
  const d = t.get('deployments', prefix);
  const pod = t.pods(d).find(isReady);
  expect(pod, `${d.metadata.name} has no Ready pod`);
  const port = d.spec.template.spec.containers[0].ports[0].containerPort;
  return `http://${pod.status.podIP}:${port}/`;
}

function ensureNamespace(t, ns) {
  const manifest = {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'app.kubernetes.io/managed-by': 'cdk8s-patterns-e2e' } },
  };
  t.run(['apply', '-f', '-'], { input: JSON.stringify(manifest), namespaced: false });
}

async function run(t) {
  const orders = podUrl(t, 'microservices-orders');
  const users = podUrl(t, 'microservices-users');
  const web = inNamespace(t, WEB_NS);
  ensureNamespace(t, WEB_NS);
  const seen = [];
  try {
    await np.withClient(t, 'netpol-probe', { app: 'netpol-probe' }, async (pod) => {
      seen.push(`same namespace, no allowance → orders: ${await np.expectBlocked(t, pod, np.CLIENT_CONTAINER, orders)}`);
      seen.push(`→ users: ${await np.expectBlocked(t, pod, np.CLIENT_CONTAINER, users)}`);
    });
    await np.withClient(web, 'storefront', STOREFRONT, async (pod) => {
      // A new pod's first connections can precede kube-router adding its address to the policy's
      // allowed set (one .ci/run in six saw a refusal): allowed means reachable within 10 s.
      const w = await np.waitProbe(web, pod, np.CLIENT_CONTAINER, orders, true, { timeout: 10 });
      seen.push(`${WEB_NS} storefront → orders: HTTP ${w.last.status} after ${w.secs.toFixed(1)}s (${w.tries} tries)`);
      seen.push(`→ users: ${await np.expectBlocked(web, pod, np.CLIENT_CONTAINER, users)}`);
    });
    await np.withClient(web, 'other', { app: 'other' }, async (pod) => {
      seen.push(`${WEB_NS} unlabelled → orders: ${await np.expectBlocked(web, pod, np.CLIENT_CONTAINER, orders)}`);
    });
  } finally {
    t.kubectl(['delete', 'namespace', WEB_NS, '--wait=false', '--ignore-not-found'], { namespaced: false });
  }
  return seen.join('; ');
}

export default {
  pattern: 'NetworkSegmentation',
  examples: { microservices: {} },
  checks: [{ name: CHECK, timeout: 300, run }],
  counterparts: [
    {
      check: CHECK,
      breaks: 'the example\'s NetworkPolicies are deleted',
      async break(t) {
        t.run(['delete', 'networkpolicies', '--all']);
        // Wait until WEB_NS is gone from the check's previous run, so the check can create it again.
        await t.eventually(`namespace ${WEB_NS} deleted`, () => {
          expect(t.kubectl(['get', 'namespace', WEB_NS], { namespaced: false }).status !== 0, `namespace ${WEB_NS} still exists`);
          return true;
        }, { timeout: 120, interval: 2 });
      },
    },
  ],
};
