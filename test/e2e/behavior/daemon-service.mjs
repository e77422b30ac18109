// DaemonService: the DaemonSet runs exactly one ready memcached on every schedulable node, and its
// Service (internalTrafficPolicy Local) keeps traffic on the client's node: keys set through the
// ClusterIP from this host (kube-proxy runs here as node e2e-node-0) all land in e2e-node-0's
// memcached and in no other, read back from each pod directly by pod IP over the memcached protocol.
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { BehaviorFailure, expect, isReady, sleep } from './lib.mjs';

const KEYS = 20;

/**
 * One memcached text-protocol exchange on a new connection: sends `request`, resolves with the
 * reply once it ends with one of `ends` (a line such as STORED or END), rejects after 3 s.
 */
function memcached(host, port, request, ends) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let reply = '';
    const fail = (why) => { sock.destroy(); reject(new BehaviorFailure(`memcached at ${host}:${port}: ${why}`)); };
    sock.setTimeout(3000, () => fail(`no complete answer within 3s (got "${reply.trim().slice(0, 80)}")`));
    sock.on('error', (e) => fail(e.code || e.message));
    sock.on('connect', () => sock.write(request));
    sock.on('data', (d) => {
      reply += d;
      if (ends.some((e) => reply === `${e}\r\n` || reply.endsWith(`\r\n${e}\r\n`)) || /^(ERROR|CLIENT_ERROR|SERVER_ERROR)/.test(reply)) {
        sock.end();
        resolve(reply);
      }
    });
  });
}

const set = (host, key, value) => memcached(host, 11211, `set ${key} 0 600 ${Buffer.byteLength(value)}\r\n${value}\r\n`, ['STORED', 'NOT_STORED']);

/** The keys of `keys` that the memcached at `host` holds (one multi-get). */
async function held(host, keys) {
  const reply = await memcached(host, 11211, `get ${keys.join(' ')}\r\n`, ['END']);
  return [...reply.matchAll(/^VALUE (\S+) /gm)].map((m) => m[1]);
}

const schedulable = (n) => !n.spec.unschedulable && (n.status.conditions || []).some((c) => c.type === 'Ready' && c.status === 'True');

const CHECK = 'keys set through the node-local Service from a node all land in that node\'s daemon pod';

export default {
  pattern: 'DaemonService',
  examples: {
    'daemon-service': { daemonSet: 'daemon-service-node-cache-daemonset-', service: 'daemon-service-node-cache-service-', hostNode: 'e2e-node-0' },
  },
  checks: [
    {
      name: 'exactly one ready daemon pod runs on every schedulable node',
      timeout: 120,
      async run(t, params) {
        const ds = t.get('daemonsets', params.daemonSet);
        return t.eventually('one ready daemon pod per node', () => {
          const nodes = t.json(['get', 'nodes'], { namespaced: false }).items.filter(schedulable).map((n) => n.metadata.name);
          const pods = t.pods(ds);
          const per = nodes.map((n) => ({ node: n, ready: pods.filter((p) => p.spec.nodeName === n && isReady(p)).length }));
          const elsewhere = pods.filter((p) => !nodes.includes(p.spec.nodeName)).map((p) => `${p.metadata.name} on ${p.spec.nodeName || '-'}`);
          const seen = per.map((x) => `${x.node}: ${x.ready}`).join(', ');
          expect(nodes.length > 1, `only ${nodes.length} schedulable node(s): ${nodes.join(', ')}`);
          expect(per.every((x) => x.ready === 1), `ready daemon pods per node: ${seen}`);
          expect(!elsewhere.length, `daemon pods not on a schedulable node: ${elsewhere.join(', ')}`);
          return `ready daemon pods per node: ${seen} (${pods.length} pods)`;
        }, { timeout: params.counterpart ? 10 : 90 });
      },
    },
    {
      name: CHECK,
      timeout: 60,
      async run(t, params) {
        const svc = t.get('services', params.service);
        const pods = t.pods(t.get('daemonsets', params.daemonSet)).filter(isReady);
        const local = pods.filter((p) => p.spec.nodeName === params.hostNode);
        expect(local.length === 1, `${local.length} ready daemon pods on ${params.hostNode}, the node whose kube-proxy serves this host`);
        expect(pods.length > 1, `only ${pods.length} ready daemon pod: no other node's pod to tell local from spread traffic`);
        const prefix = `e2e-${Date.now().toString(36)}`;
        const keys = Array.from({ length: KEYS }, (_, i) => `${prefix}-${i}`);
        // The first set may wait for kube-proxy to program the Service; the others go straight through.
        await t.eventually(`the Service ${svc.spec.clusterIP} answering`, () => set(svc.spec.clusterIP, keys[0], keys[0]), { timeout: 20 });
        for (const k of keys) {
          const r = await set(svc.spec.clusterIP, k, k);
          expect(r.startsWith('STORED'), `set ${k} through ${svc.spec.clusterIP}: ${r.trim()}`);
        }
        const where = [];
        for (const p of pods) where.push({ node: p.spec.nodeName, ip: p.status.podIP, keys: (await held(p.status.podIP, keys)).length });
        where.sort((a, b) => a.node.localeCompare(b.node));
        const seen = where.map((w) => `${w.node}: ${w.keys}`).join(', ');
        const mine = where.find((w) => w.node === params.hostNode);
        expect(mine.keys === KEYS && where.every((w) => w === mine || w.keys === 0),
          `${KEYS} keys set through ${svc.spec.clusterIP} (internalTrafficPolicy ${svc.spec.internalTrafficPolicy ?? 'Cluster'}) from `
          + `${params.hostNode}, read back from each daemon pod by its IP: ${seen}`);
        return `${KEYS} keys set via ${svc.spec.clusterIP}, new connection each; held by the pod on ${seen}`;
      },
    },
  ],
  counterparts: [
    {
      check: CHECK,
      breaks: 'the Service is patched to internalTrafficPolicy Cluster',
      timeout: 30,
      async break(t, params) {
        const svc = t.get('services', params.service);
        t.patch(`service/${svc.metadata.name}`, [{ op: 'replace', path: '/spec/internalTrafficPolicy', value: 'Cluster' }]);
        // kube-proxy (iptables mode) sends a Local service to its KUBE-SVL- chain, a Cluster one to KUBE-SVC-:
        // wait until this host's rules say Cluster (or 10 s where iptables-save is not available).
        const t0 = Date.now();
        while (Date.now() - t0 < 30000) {
          const r = spawnSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' });
          if (r.error || r.status !== 0) { await sleep(10000); return; }
          const rule = r.stdout.split('\n').find((l) => l.startsWith('-A KUBE-SERVICES ') && l.includes(`-d ${svc.spec.clusterIP}/32`));
          if (rule && / -j KUBE-SVC-/.test(rule)) return;
          await sleep(1000);
        }
        throw new Error(`kube-proxy did not switch ${svc.spec.clusterIP} to Cluster traffic within 30s`);
      },
    },
    // After the Service's counterpart, which needs the pods on the other nodes.
    {
      check: 'exactly one ready daemon pod runs on every schedulable node',
      breaks: 'the DaemonSet\'s nodeSelector is narrowed to one node',
      timeout: 30,
      async break(t, params) {
        const ds = t.get('daemonsets', params.daemonSet);
        const op = { op: 'add', path: '/spec/template/spec/nodeSelector/kubernetes.io~1hostname', value: params.hostNode };
        t.patch(`daemonset/${ds.metadata.name}`, [op]);
        const gone = () => t.pods(ds, { all: true }).every((p) => p.spec.nodeName === params.hostNode);
        await t.eventually('daemon pods gone from the other nodes', gone, { timeout: 120 });
      },
    },
  ],
};
