// ShardedService: keys written through the router land on EVERY shard, each key on exactly one
// shard, the one twemproxy's ketama ring assigns, and read back through the router; the ring is the
// routers' configuration, which lists every pod of the shards' StatefulSet by its stable name.
//
// The harness talks memcached's ASCII protocol from the host (the node): to the shared router's
// ClusterIP (kube-proxy's rules apply to the host's traffic) and to each shard's pod IP, which it
// asks for every key directly (`get`), so "on exactly one shard" is observed, not inferred; the
// node's own traffic reaches the pods under the example's NetworkPolicies too. The placement is
// also predicted here from the configuration alone (twemproxy's ketama over md5: 160 points per
// server named `<name>-<n>`, the key's md5 on the ring), and every key must sit on its predicted
// shard. The client apps (cache-client) are driven over their HTTP API: web through the shared
// router, reports through its own ambassador on localhost; both must place keys the same way.
// The last check applies the next release (four shards): the configuration follows, the routers
// roll, and keys land on all four.
//
// Counterparts: the StatefulSet runs one shard fewer than the routers list (writes to that shard's
// keys fail), and the routers' configuration lists only shard 0 (every key lands on it).
//
// DNS: the routers resolve the shards' names through the cluster DNS (CoreDNS pods, as on kubeadm),
// which only the example's own NetworkSegmentation lets them reach.
import crypto from 'node:crypto';
import net from 'node:net';
import { expect, isReady } from './lib.mjs';

const KEYS = 300;
const PARAMS = {
  statefulSet: 'sharded-cache-cache-shards-statefulset-',
  router: 'sharded-cache-cache-router-',
  routerService: 'sharded-cache-cache-router-service-',
  web: 'sharded-cache-web-',
  reports: 'sharded-cache-reports-',
};
const CHECK = 'keys through the router land on every shard, each on exactly one (the one the ring over the configuration assigns), and read back';

// ---------------------------------------------------------------- memcached over TCP

/**
 * Sends `commands` (each `{ line, data? }`) pipelined on one connection and resolves one reply per
 * command: for `get`, `{ values: Map, error? }`; for `set`, the status line (`STORED`, `SERVER_ERROR ...`).
 */
function memcache(host, port, commands, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const replies = [];
    let buf = Buffer.alloc(0);
    let current = null;
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`memcached ${host}:${port}: no complete answer within ${timeoutMs / 1000}s (${replies.length} of ${commands.length} replies)`)); }, timeoutMs);
    const done = (err) => { clearTimeout(timer); sock.destroy(); if (err) reject(err); else resolve(replies); };
    sock.on('error', (e) => done(new Error(`memcached ${host}:${port}: ${e.code || e.message}`)));
    sock.on('connect', () => {
      sock.write(commands.map((c) => `${c.line}\r\n${c.data !== undefined ? `${c.data}\r\n` : ''}`).join(''));
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const cmd = commands[replies.length];
        if (!cmd) return done();
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = buf.subarray(0, eol).toString();
        if (cmd.line.startsWith('get ')) {
          current ??= { values: new Map() };
          const m = /^VALUE (\S+) \d+ (\d+)$/.exec(line);
          if (m) {
            const n = Number(m[2]);
            if (buf.length < eol + 2 + n + 2) return;
            current.values.set(m[1], buf.subarray(eol + 2, eol + 2 + n).toString());
            buf = buf.subarray(eol + 2 + n + 2);
            continue;
          }
          if (line !== 'END') current.error = line;
          replies.push(current);
          current = null;
        } else {
          replies.push(line);
        }
        buf = buf.subarray(eol + 2);
        if (replies.length === commands.length) return done();
      }
    });
  });
}

const setAll = (host, port, entries) => memcache(host, port, entries.map(([k, v]) => ({ line: `set ${k} 0 0 ${Buffer.byteLength(v)}`, data: v })));
const getAll = (host, port, keys) => memcache(host, port, keys.map((k) => ({ line: `get ${k}` })));

// ---------------------------------------------------------------- twemproxy's ketama, from its configuration

const md5 = (s) => crypto.createHash('md5').update(s).digest();
const word = (d, i) => ((d[3 + i * 4] << 24) | (d[2 + i * 4] << 16) | (d[1 + i * 4] << 8) | d[i * 4]) >>> 0;

/**
 * twemproxy's ketama ring (src/hashkit/nc_ketama.c) over servers of equal weight, by name: returns
 * key → index of the server. Float arithmetic as in C (float32) for the points per server.
 */
function ketama(names) {
  const n = names.length;
  const pct = Math.fround(1 / n);
  const points = Math.floor(Math.fround(Math.fround(Math.fround(pct * 160) / 4) * n) + 1e-10) * 4;
  const ring = [];
  names.forEach((name, idx) => {
    for (let p = 0; p < points / 4; p++) {
      const d = md5(`${name}-${p}`);
      for (let x = 0; x < 4; x++) ring.push({ v: word(d, x), idx });
    }
  });
  ring.sort((a, b) => a.v - b.v);
  return (key) => {
    const h = word(md5(key), 0);
    let lo = 0;
    let hi = ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ring[mid].v < h) lo = mid + 1; else hi = mid;
    }
    return ring[lo === ring.length ? 0 : lo].idx;
  };
}

// ---------------------------------------------------------------- the example as deployed

/** The routers' configuration, from the ConfigMap the shared router's pods mount. */
function routerConfig(t) {
  const d = t.get('deployments', PARAMS.router);
  const cmName = d.spec.template.spec.volumes.find((v) => v.configMap)?.configMap.name;
  expect(cmName, `${d.metadata.name} mounts no ConfigMap`);
  const text = t.json(['get', 'configmap', cmName]).data['nutcracker.yml'];
  const hash = /^\s+hash: (\S+)$/m.exec(text)?.[1];
  const dist = /^\s+distribution: (\S+)$/m.exec(text)?.[1];
  expect(hash === 'md5' && dist === 'ketama', `${cmName}: hash ${hash}, distribution ${dist}; this check predicts md5 ketama`);
  const servers = [...text.matchAll(/^\s+- ([^:\s]+):(\d+):1 (\S+)$/gm)].map((m) => ({ host: m[1], port: Number(m[2]), name: m[3] }));
  expect(servers.length > 0, `${cmName} lists no servers: ${text}`);
  return { deployment: d, configMap: cmName, servers };
}

/** The shards: the StatefulSet and its Ready pods by ordinal. */
async function shards(t, timeout = 90) {
  const sts = t.get('statefulsets', PARAMS.statefulSet);
  const n = sts.spec.replicas;
  const pods = await t.eventually(`${n} shard pods Ready`, () => {
    const ready = t.pods(sts).filter(isReady);
    expect(ready.length === n, `${ready.length} of ${n} shard pods Ready: ${ready.map((p) => p.metadata.name).join(', ') || 'none'}`);
    return ready;
  }, { timeout, interval: 2 });
  const byName = new Map(pods.map((p) => [p.metadata.name, p]));
  return { sts, n, name: sts.metadata.name, service: sts.spec.serviceName, byName };
}

function routerEndpoint(t) {
  const svc = t.get('services', PARAMS.routerService);
  return { host: svc.spec.clusterIP, port: svc.spec.ports[0].port, name: svc.metadata.name };
}

/**
 * Where each of `keys` is, asked of every shard directly: Map key → [{ shard, value }].
 */
async function placement(s, port, keys) {
  const where = new Map(keys.map((k) => [k, []]));
  for (const [name, pod] of s.byName) {
    const replies = await getAll(pod.status.podIP, port, keys);
    replies.forEach((r, i) => {
      expect(!r.error, `shard ${name} answered ${r.error} to get ${keys[i]}`);
      if (r.values.has(keys[i])) where.get(keys[i]).push({ shard: name, value: r.values.get(keys[i]) });
    });
  }
  return where;
}

/**
 * The placement facts for keys written with `expected` values: each key on exactly one shard with
 * its value, on the shard the ring over the configuration's names assigns, and every shard used.
 * Returns "shard 0: n, ..." for the report.
 */
async function assertPlacement(t, s, config, expected) {
  const keys = [...expected.keys()];
  const port = config.servers[0].port;
  const where = await placement(s, port, keys);
  const missing = keys.filter((k) => where.get(k).length === 0);
  const twice = keys.filter((k) => where.get(k).length > 1);
  const wrong = keys.filter((k) => where.get(k).length === 1 && where.get(k)[0].value !== expected.get(k));
  expect(!missing.length, `${missing.length} of ${keys.length} keys are on no shard (e.g. ${missing.slice(0, 3).join(', ')})`);
  expect(!twice.length, `${twice.length} keys are on several shards (e.g. ${twice[0]} on ${where.get(twice[0])?.map((w) => w.shard).join(', ')})`);
  expect(!wrong.length, `${wrong.length} keys hold another value than written (e.g. ${wrong[0]})`);
  const perShard = new Map([...s.byName.keys()].map((n) => [n, 0]));
  for (const k of keys) perShard.set(where.get(k)[0].shard, perShard.get(where.get(k)[0].shard) + 1);
  const spread = [...perShard].map(([n, c]) => `${n.slice(s.name.length + 1) ? `shard ${n.slice(s.name.length + 1)}` : n}: ${c}`).join(', ');
  const unused = [...perShard].filter(([, c]) => c === 0).map(([n]) => n);
  expect(!unused.length, `keys landed on ${s.n - unused.length} of ${s.n} shards (${spread}); none on ${unused.join(', ')}`);
  const ring = ketama(config.servers.map((x) => x.name));
  const off = keys.filter((k) => config.servers[ring(k)].name !== where.get(k)[0].shard);
  expect(!off.length, `${off.length} keys are not on the shard the ring over the configuration assigns (e.g. ${off[0]} on ${where.get(off[0])?.[0].shard}, `
    + `ring says ${config.servers[ring(off[0] ?? keys[0])].name})`);
  return spread;
}

/** The configuration lists every pod of the StatefulSet, in ordinal order, by its stable DNS name. */
function assertConfigFollowsShards(s, config) {
  const expected = Array.from({ length: s.n }, (_, i) => `${s.name}-${i}.${s.service} ${s.name}-${i}`);
  const listed = config.servers.map((x) => `${x.host} ${x.name}`);
  expect(JSON.stringify(listed) === JSON.stringify(expected), `${config.configMap} lists ${listed.length} servers (${listed.join(', ')}), `
    + `the StatefulSet runs ${s.n}: expected ${expected.join(', ')}`);
}

/** Writes KEYS keys through the shared router and checks where they are. */
async function writeAndCheck(t, label) {
  const s = await shards(t);
  t.rollout(`deployment/${t.get('deployments', PARAMS.router).metadata.name}`, 90);
  const config = routerConfig(t);
  const router = routerEndpoint(t);
  const stamp = Date.now();
  const expected = new Map(Array.from({ length: KEYS }, (_, i) => [`${label}-${stamp}-${i}`, `value-${i}-${stamp}`]));
  const stored = await setAll(router.host, router.port, [...expected]);
  const failed = stored.map((r, i) => [[...expected.keys()][i], r]).filter(([, r]) => r !== 'STORED');
  expect(!failed.length, `${failed.length} of ${KEYS} writes through ${router.name} failed, e.g. ${failed.slice(0, 2).map(([k, r]) => `${k}: ${r}`).join('; ')}`);
  const spread = await assertPlacement(t, s, config, expected);
  const back = await getAll(router.host, router.port, [...expected.keys()]);
  const unread = [...expected.keys()].filter((k, i) => back[i].values.get(k) !== expected.get(k));
  expect(!unread.length, `${unread.length} keys do not read back through ${router.name} (e.g. ${unread[0]}: ${back[[...expected.keys()].indexOf(unread[0])]?.error ?? 'missing'})`);
  assertConfigFollowsShards(s, config);
  return { s, config, router, spread };
}

/** A Ready pod of a Deployment, by name prefix. */
function readyPod(t, prefix) {
  const d = t.get('deployments', prefix);
  const pod = t.readyPods(d)[0];
  expect(pod, `${d.metadata.name} has no Ready pod`);
  return { d, pod };
}

export default {
  pattern: 'ShardedService',
  examples: { 'sharded-cache': {} },
  checks: [
    {
      name: CHECK,
      timeout: 150,
      async run(t) {
        const { s, config, router, spread } = await writeAndCheck(t, 'e2e');
        return `${KEYS} keys via ${router.name}:${router.port} → ${spread}; each on exactly one shard, the one md5 ketama over ${config.configMap}'s `
          + `${config.servers.length} servers (${s.name}-0..${s.n - 1}) assigns; all read back`;
      },
    },
    {
      name: 'the shared router (web) and a client\'s own ambassador (reports) place keys alike',
      timeout: 120,
      async run(t) {
              const s = await shards(t);
        const config = routerConfig(t);
        const router = routerEndpoint(t);
        const web = readyPod(t, PARAMS.web);
        const reports = readyPod(t, PARAMS.reports);
        const env = (p, c) => p.spec.containers.find((x) => x.name === c)?.env?.find((e) => e.name === 'MEMCACHED_ADDR')?.value;
        expect(env(reports.pod, 'reports') === 'localhost:11211', `reports' MEMCACHED_ADDR is ${env(reports.pod, 'reports')}, not its ambassador on localhost`);
        expect(reports.pod.spec.containers.some((c) => c.name === 'ambassador'), `${reports.pod.metadata.name} has no ambassador container`);
        expect(env(web.pod, 'web') === `${router.name}:${router.port}`, `web's MEMCACHED_ADDR is ${env(web.pod, 'web')}, not the shared router ${router.name}`);
        const stamp = Date.now();
        const expected = new Map();
        for (const [who, { pod }] of [['web', web], ['reports', reports]]) {
          const prefix = `${who}-${stamp}`;
          const fill = await t.http(t.podUrl(pod, 8080, `/fill?count=60&prefix=${prefix}`), { method: 'POST', timeout: 30 });
          expect(fill.status === 200, `POST /fill on ${pod.metadata.name} answered ${fill.status || fill.error}: ${fill.body.trim()}`);
          for (let i = 0; i < 60; i++) expected.set(`${prefix}:${i}`, String(i));
        }
        const spread = await assertPlacement(t, s, config, expected);
        // Each app reads what the other wrote, through its own router.
        const cross = [['web', web, `reports-${stamp}:7`, '7'], ['reports', reports, `web-${stamp}:9`, '9']];
        for (const [who, { pod }, key, value] of cross) {
          const r = await t.http(t.podUrl(pod, 8080, `/get?key=${encodeURIComponent(key)}`));
          expect(r.status === 200 && r.body.trim() === value, `${who} reading ${key}: ${r.status || r.error} ${r.body.trim()}`);
        }
        const back = await getAll(router.host, router.port, [...expected.keys()]);
        const unread = [...expected.keys()].filter((k, i) => back[i].values.get(k) !== expected.get(k));
        expect(!unread.length, `${unread.length} of the apps' keys do not read back through ${router.name}`);
        return `120 keys via web (shared router) and reports (ambassador on localhost:11211) → ${spread}, each on the ring's shard; each app reads the other's keys`;
      },
    },
    {
      name: 'four shards (the next release): the configuration follows, the routers roll, keys land on all four',
      timeout: 300,
      async run(t) {
        const before = routerConfig(t);
        const next = t.nextRelease();
        t.applyChart(next.file);
        const sts = t.get('statefulsets', PARAMS.statefulSet);
        expect(sts.spec.replicas === 4, `the next release's StatefulSet runs ${sts.spec.replicas} shards, not 4`);
        t.rollout(`statefulset/${sts.metadata.name}`, 120);
        t.rollout(`deployment/${before.deployment.metadata.name}`, 120);
        t.rollout(`deployment/${t.get('deployments', PARAMS.reports).metadata.name}`, 120);
        const { config, spread } = await writeAndCheck(t, 'e2e4');
        expect(config.configMap !== before.configMap, `the routers still mount ${before.configMap}`);
        return `${before.configMap} (${before.servers.length} servers) → ${config.configMap} (${config.servers.length}); ${KEYS} keys → ${spread}`;
      },
    },
  ],
  counterparts: [
    {
      check: CHECK,
      breaks: 'the StatefulSet runs one shard fewer than the routers list',
      timeout: 150,
      async break(t) {
        const sts = t.get('statefulsets', PARAMS.statefulSet);
        t.run(['scale', `statefulset/${sts.metadata.name}`, `--replicas=${sts.spec.replicas - 1}`]);
        t.rollout(`statefulset/${sts.metadata.name}`, 90);
        await t.eventually('the last shard gone', () => t.pods(sts, { all: true }).length === sts.spec.replicas - 1, { timeout: 90, interval: 2 });
      },
    },
    {
      check: CHECK,
      breaks: 'the routers\' configuration lists only shard 0',
      timeout: 150,
      async break(t) {
        const { deployment, configMap, servers } = routerConfig(t);
        // Undo the previous counterpart: every shard the configuration listed runs again.
        const sts = t.get('statefulsets', PARAMS.statefulSet);
        t.run(['scale', `statefulset/${sts.metadata.name}`, `--replicas=${servers.length}`]);
        t.rollout(`statefulset/${sts.metadata.name}`, 90);
        const cm = t.json(['get', 'configmap', configMap]);
        const text = cm.data['nutcracker.yml'].split('\n').filter((l) => !/^\s+- /.test(l) || l.includes(`${servers[0].name}`)).join('\n');
        const one = `${configMap.slice(0, 40)}-only-0`;
        t.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: one, namespace: t.ns }, data: { 'nutcracker.yml': text } });
        const vol = deployment.spec.template.spec.volumes.findIndex((v) => v.configMap?.name === configMap);
        t.patch(`deployment/${deployment.metadata.name}`, [{ op: 'replace', path: `/spec/template/spec/volumes/${vol}/configMap/name`, value: one }]);
        t.rollout(`deployment/${deployment.metadata.name}`, 90);
      },
    },
  ],
};
