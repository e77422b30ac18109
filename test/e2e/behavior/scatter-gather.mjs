// ScatterGather: a query to the root returns the merged answer of EVERY leaf. The search example's
// root lists its leaves in LEAF_ADDRESSES (`<statefulset>-<i>.<headless>:<port>`, written by the
// pattern); each leaf serves partition LEAF_INDEX of LEAF_COUNT of the demo corpus (document d on
// leaf d mod LEAF_COUNT). The query is sent the way the example's NetworkSegmentation allows it:
// from a frontend pod of namespace search-web (app.kubernetes.io/name=search-frontend) to the root
// Service, so the root → leaves flow runs under the enforced default deny. The check wants every
// leaf of LEAF_ADDRESSES among the answers, in its place (leaf i answers partition i), the
// partitions disjoint and together the whole corpus, every hit from the leaf that holds it, and
// LEAF_COUNT equal to the StatefulSet's replicas. The counterpart scales the StatefulSet down by
// one: the root reports that leaf missing and the check fails.
import np from './netpol-lib.cjs';
import { BehaviorFailure, expect } from './lib.mjs';

np.configure({ BehaviorFailure });

const WEB_NS = 'search-web';
const FRONTEND = { 'app.kubernetes.io/name': 'search-frontend' };
/** A word of every document of the demo corpus (test/e2e/images/demo/search.go). */
const QUERY = 'pattern';
const CHECK = 'a query to the root returns the merged answer of every leaf, each partition once';

/** A context for another namespace (same kubectl, log and helpers). */
function inNamespace(t, ns) {
  return Object.assign(Object.create(Object.getPrototypeOf(t)), t, { ns });
}

function ensureNamespace(t, ns) {
  const manifest = {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'app.kubernetes.io/managed-by': 'cdk8s-patterns-e2e' } },
  };
  t.run(['apply', '-f', '-'], { input: JSON.stringify(manifest), namespaced: false });
}

/** What the pattern wrote into the root: the leaves it asks, by name, in ordinal order. */
function rootConfig(t, params) {
  const d = t.get('deployments', params.root);
  const c = d.spec.template.spec.containers.find((x) => x.name === 'root');
  const env = Object.fromEntries((c?.env || []).filter((e) => 'value' in e).map((e) => [e.name, e.value]));
  expect(env.LEAF_ADDRESSES && env.LEAF_COUNT, `${d.metadata.name}: no LEAF_ADDRESSES/LEAF_COUNT in container root`);
  const addresses = env.LEAF_ADDRESSES.split(',');
  const count = Number(env.LEAF_COUNT);
  expect(addresses.length === count, `${d.metadata.name}: LEAF_COUNT ${count}, but ${addresses.length} LEAF_ADDRESSES`);
  return { deployment: d.metadata.name, addresses, count, names: addresses.map((a) => a.split('.')[0]) };
}

/** The root's answer to QUERY, asked from the frontend pod; a BehaviorFailure unless it is JSON. */
function ask(web, pod, url) {
  const r = web.exec(pod, np.CLIENT_CONTAINER, ['curl', '-sS', '-m', '10', '-w', '\n%{http_code}', url]);
  expect(r.status === 0, `${WEB_NS}/${pod} → ${url}: curl exit ${r.status}: ${r.stderr.trim().slice(0, 200)}`);
  const lines = r.stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  const body = lines.join('\n');
  let ans;
  try { ans = JSON.parse(body); } catch { ans = null; }
  expect(ans, `${url}: HTTP ${status}, not JSON: ${body.slice(0, 200)}`);
  return { status, ans };
}

/** Checks one answer; returns a summary, or fails saying what is wrong. */
function judge(cfg, params, status, ans) {
  const missing = (ans.by_leaf || []).filter((l) => l.error).map((l) => `${l.address.split('.')[0]} (${l.error.slice(-160)})`);
  expect(!ans.partial && !missing.length, `the root answered partially (HTTP ${status}): answered ${ans.answered?.join(', ') || 'none'}; missing ${missing.join('; ')}`);
  expect(status === 200, `HTTP ${status} from the root`);
  expect(ans.leaves === cfg.count, `the root asked ${ans.leaves} leaves, LEAF_COUNT is ${cfg.count}`);
  expect(JSON.stringify(ans.answered) === JSON.stringify(cfg.names), `answered ${ans.answered.join(', ')}; expected every leaf: ${cfg.names.join(', ')}`);
  const seen = new Map();
  ans.by_leaf.forEach((l, i) => {
    expect(l.index === i && l.leaf === cfg.names[i], `by_leaf[${i}] is ${l.leaf} (index ${l.index}), expected ${cfg.names[i]}`);
    expect(l.documents?.length > 0, `leaf ${l.leaf} searched no documents`);
    for (const id of l.documents) {
      expect(id % cfg.count === i, `leaf ${l.leaf} (index ${i}) holds document ${id}, which belongs to partition ${id % cfg.count}`);
      expect(!seen.has(id), `document ${id} is on ${seen.get(id)} and ${l.leaf}`);
      seen.set(id, l.leaf);
    }
  });
  expect(seen.size === params.corpus && ans.documents === params.corpus, `the leaves searched ${seen.size} documents (root: ${ans.documents}), the corpus has ${params.corpus}`);
  // QUERY is in every document: every document is a hit, from the leaf that holds it.
  expect(ans.hits.length === params.corpus, `${ans.hits.length} hits for "${QUERY}", expected ${params.corpus} (every document)`);
  for (const h of ans.hits) {
    expect(h.leaf_index === h.id % cfg.count && h.leaf === cfg.names[h.leaf_index], `hit ${h.id} came from ${h.leaf} (index ${h.leaf_index})`);
  }
  const per = cfg.names.map((n, i) => `${n.replace(/.*-(\d+)$/, 'leaf $1')}: [${ans.by_leaf[i].documents.join(',')}]`);
  return `answered ${cfg.names.map((n) => n.replace(/.*-(\d+)$/, '-$1')).join(', ')} of ${cfg.count}; ${ans.hits.length} hits merged from ${per.join(', ')}`;
}

async function run(t, params) {
  const cfg = rootConfig(t, params);
  const svc = t.get('services', params.rootService);
  const url = `http://${svc.spec.clusterIP}:${svc.spec.ports[0].port}/search?q=${QUERY}`;
  const web = inNamespace(t, WEB_NS);
  ensureNamespace(t, WEB_NS);
  try {
    return await np.withClient(web, 'search-frontend', FRONTEND, async (pod) => {
      const t0 = Date.now();
      let last;
      const summary = await t.eventually('an answer from every leaf', () => {
        last = ask(web, pod, url);
        return judge(cfg, params, last.status, last.ans);
      }, { timeout: params.counterpart ? 20 : 60, interval: 2 });
      const sts = t.get('statefulsets', params.statefulSet);
      expect(sts.spec.replicas === cfg.count, `LEAF_COUNT ${cfg.count} of ${cfg.deployment}, but ${sts.spec.replicas} replicas of ${sts.metadata.name}`);
      return `${WEB_NS} frontend → root ${svc.spec.clusterIP}:${svc.spec.ports[0].port} ?q=${QUERY}: HTTP ${last.status} after ${((Date.now() - t0) / 1000).toFixed(1)}s, `
        + `${summary}; LEAF_COUNT ${cfg.count} = replicas of ${sts.metadata.name}`;
    });
  } finally {
    t.kubectl(['delete', 'namespace', WEB_NS, '--wait=false', '--ignore-not-found'], { namespaced: false });
  }
}

export default {
  pattern: 'ScatterGather',
  examples: {
    search: {
      root: 'search-engine-root-',
      rootService: 'search-engine-root-service-',
      statefulSet: 'search-engine-leaves-statefulset-',
      corpus: 12,
    },
  },
  checks: [{ name: CHECK, timeout: 240, run }],
  counterparts: [
    {
      check: CHECK,
      breaks: 'the last leaf is gone (the leaf StatefulSet scaled down by one)',
      async break(t, params) {
        const sts = t.get('statefulsets', params.statefulSet);
        const n = sts.spec.replicas;
        t.run(['scale', `statefulset/${sts.metadata.name}`, `--replicas=${n - 1}`]);
        t.run(['wait', '--for=delete', `pod/${sts.metadata.name}-${n - 1}`, '--timeout=90s']);
        // The check's previous run deletes WEB_NS; it must be gone before the check creates it again.
        await t.eventually(`namespace ${WEB_NS} deleted`, () => {
          expect(t.kubectl(['get', 'namespace', WEB_NS], { namespaced: false }).status !== 0, `namespace ${WEB_NS} still exists`);
          return true;
        }, { timeout: 120, interval: 2 });
      },
    },
  ],
};
