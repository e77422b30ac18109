// DistributedLock (LeaderElected with `lock`): replicas that take one lock through their Dapr
// sidecars' lock API. Observed from outside: every replica's GET /lock says whether it holds the
// lock, and the lock itself is a Redis key `lock||<app id>||<resource id>` whose value is the
// owner (the pod's name). Exactly one replica holds it at any time and it is the key's owner;
// deleting the holder hands the lock to another replica (at once when the holder releases it on
// SIGTERM, else after the lock's expiry).
import { createRequire } from 'node:module';
import { BehaviorFailure, expect, sleep } from './lib.mjs';

const require = createRequire(import.meta.url);
const YAML = require('yaml');

/** The Deployment, its worker and daprd containers, the Redis key of its lock and the Redis pod. */
function lockSetup(t, p) {
  const deploy = t.get('deployments', p.deployment);
  const spec = deploy.spec.template.spec;
  const all = [...(spec.initContainers || []), ...spec.containers];
  const worker = all.find((c) => c.name === p.container);
  const daprd = all.find((c) => c.name === 'daprd');
  expect(worker && daprd, `deployment ${deploy.metadata.name} has no ${p.container} or daprd container`);
  const appId = daprd.args[daprd.args.indexOf('--app-id') + 1];
  const resource = (worker.env || []).find((e) => e.name === 'LOCK_RESOURCE_ID')?.value;
  expect(resource, `container ${p.container} has no LOCK_RESOURCE_ID`);
  // The key prefix from the Component daprd loads (keyPrefix: appid | name | none | custom).
  const volume = (daprd.volumeMounts || []).find((m) => m.mountPath === daprd.args[daprd.args.indexOf('--resources-path') + 1]);
  const cmName = spec.volumes.find((v) => v.name === volume?.name)?.configMap?.name;
  expect(cmName, 'daprd has no resources ConfigMap');
  const files = t.json(['get', 'configmap', cmName]).data;
  const component = YAML.parse(Object.values(files)[0]);
  const meta = Object.fromEntries(component.spec.metadata.map((m) => [m.name, m.value]));
  const prefix = meta.keyPrefix ?? 'appid';
  const middle = prefix === 'appid' ? appId : prefix === 'name' ? component.metadata.name : prefix === 'none' ? null : prefix;
  const key = ['lock', ...(middle === null ? [] : [middle]), resource].join('||');
  const redis = t.get('deployments', p.redis);
  return { deploy, key, appId, resource, redis };
}

/** A pod name without the Deployment's name. */
const short = (deploy, name) => (name || '').replace(`${deploy.metadata.name}-`, '…');

/** Every running pod's GET /lock answer ({ pod, holding, ... } or { pod, error }). */
async function lockViews(t, pods, port) {
  return Promise.all(pods.filter((x) => x.status.podIP).map(async (x) => {
    const r = await t.http(t.podUrl(x, port, '/lock'), { timeout: 3 });
    if (r.status !== 200) return { pod: x.metadata.name, holding: false, error: `${r.status || r.error} ${r.body.trim()}` };
    return { pod: x.metadata.name, ...JSON.parse(r.body) };
  }));
}

/** The owner and TTL of the lock's Redis key (redis-cli in the Redis pod; REDISCLI_AUTH is set there). */
function redisLock(t, redis, key) {
  const pod = t.pods(redis).find((x) => x.status.phase === 'Running');
  expect(pod, 'no running Redis pod');
  const owner = t.execOk(pod, 'redis', ['redis-cli', '--raw', 'GET', key]).trim();
  const ttl = Number(t.execOk(pod, 'redis', ['redis-cli', '--raw', 'TTL', key]).trim());
  return { owner, ttl };
}

const ONE_HOLDER = 'exactly one replica holds the lock at any time, and it is the owner of the Redis key';
const FAILOVER = 'deleting the holder hands the lock to another replica (it releases it on SIGTERM)';

export default {
  pattern: 'DistributedLock',
  examples: { 'dapr-lock': { deployment: 'dapr-lock-report-worker-deployment-', container: 'worker', port: 8080, redis: 'dapr-lock-redis-' } },
  checks: [
    {
      name: ONE_HOLDER,
      timeout: 150,
      async run(t, p) {
        const { deploy, key, redis } = lockSetup(t, p);
        const s = (name) => short(deploy, name);
        const want = deploy.spec.replicas;
        await t.eventually('every replica answers GET /lock', async () => {
          const views = await lockViews(t, t.pods(deploy), p.port);
          expect(views.length === want && views.every((v) => !v.error), `${views.length} of ${want} replicas answer: ${views.map((v) => `${s(v.pod)} ${v.error || 'ok'}`).join('; ')}`);
          return true;
        }, { timeout: p.counterpart ? 30 : 90, interval: 2 });
        // Sample every replica twice a second for 25 s (a renewal happens every expiry - margin).
        const t0 = Date.now();
        let samples = 0;
        let single = 0;
        const holders = new Set();
        const checked = [];
        let lastRedis = 0;
        while (Date.now() - t0 < 25_000) {
          const views = await lockViews(t, t.pods(deploy), p.port);
          const now = views.filter((v) => v.holding).map((v) => v.pod);
          samples += 1;
          if (now.length > 1) {
            throw new BehaviorFailure(`${now.length} replicas say they hold the lock at once, ${((Date.now() - t0) / 1000).toFixed(1)}s into the sampling: ${now.map(s).join(', ')} (key ${key})`);
          }
          if (now.length === 1) {
            single += 1;
            holders.add(now[0]);
            if (Date.now() - lastRedis > 5000) {
              // The key's owner must be the replica that says it holds the lock (read right
              // after; a renewal in between deletes and sets the key again for the same owner).
              const r = redisLock(t, redis, key);
              lastRedis = Date.now();
              if (r.owner !== now[0]) {
                const again = (await lockViews(t, t.pods(deploy), p.port)).filter((v) => v.holding).map((v) => v.pod);
                const r2 = redisLock(t, redis, key);
                expect(again.length === 1 && r2.owner === again[0],
                  `${s(now[0])} says it holds the lock but Redis key ${key} names "${s(r.owner)}" (TTL ${r.ttl}s); again: ${again.map(s).join(', ') || 'nobody'} vs "${s(r2.owner)}"`);
              }
              expect(r.ttl > 0, `Redis key ${key} has TTL ${r.ttl}: a Dapr lock always expires`);
              checked.push(`${s(r.owner)} (TTL ${r.ttl}s)`);
            }
          }
          await sleep(500);
        }
        const share = single / samples;
        expect(share >= 0.9, `one replica held the lock in ${single} of ${samples} samples (${Math.round(share * 100)}%), want at least 90%: ${single === 0 ? 'nobody ever held it' : 'long gaps'} (key ${key})`);
        return `${samples} samples over 25s: exactly one holder in ${single} (${Math.round(share * 100)}%), never two; holders ${[...holders].map(s).join(', ')}; `
          + `Redis ${key} owner checked ${checked.length}x: ${checked.join(', ')}`;
      },
    },
    {
      name: FAILOVER,
      timeout: 150,
      async run(t, p) {
        const { deploy, key, redis } = lockSetup(t, p);
        const s = (name) => short(deploy, name);
        const holderNow = async () => (await lockViews(t, t.pods(deploy), p.port)).filter((v) => v.holding).map((v) => v.pod);
        const old = await t.eventually('one holder', async () => {
          const h = await holderNow();
          expect(h.length === 1, `${h.length} holders: ${h.map(s).join(', ')}`);
          return h[0];
        }, { timeout: 30, interval: 1 });
        const before = redisLock(t, redis, key);
        expect(before.owner === old, `${s(old)} holds the lock but Redis says "${s(before.owner)}"`);
        const t0 = Date.now();
        t.run(['delete', 'pod', old, '--wait=false']);
        let next = [];
        while (Date.now() - t0 < 30_000) {
          next = (await holderNow()).filter((x) => x !== old);
          if (next.length) break;
          await sleep(250);
        }
        const secs = (Date.now() - t0) / 1000;
        expect(next.length === 1, `${secs.toFixed(1)}s after deleting the holder ${s(old)}, holders: ${next.map(s).join(', ') || 'none'}`);
        const after = redisLock(t, redis, key);
        expect(after.owner === next[0], `${s(next[0])} took over but Redis key ${key} names "${s(after.owner)}"`);
        // The holder releases on SIGTERM; the worst case (no release) is the 10 s expiry plus a round.
        expect(secs <= 12, `the lock went from ${s(old)} to ${s(next[0])} in ${secs.toFixed(1)}s, more than the 10s expiry and a round`);
        t.rollout(`deployment/${deploy.metadata.name}`, 120);
        return `the lock went from ${s(old)} to ${s(next[0])} ${secs.toFixed(1)}s after the delete; Redis ${key}: "${s(before.owner)}" -> "${s(after.owner)}" (TTL ${after.ttl}s)`;
      },
    },
  ],
  counterparts: [
    {
      check: ONE_HOLDER,
      breaks: "each replica's sidecar gets its own Dapr app id (the pod's name), so each locks a Redis key of its own",
      timeout: 90,
      async break(t, p) {
        const { deploy } = lockSetup(t, p);
        const spec = deploy.spec.template.spec;
        const inInit = (spec.initContainers || []).findIndex((c) => c.name === 'daprd');
        const list = inInit >= 0 ? 'initContainers' : 'containers';
        const i = inInit >= 0 ? inInit : spec.containers.findIndex((c) => c.name === 'daprd');
        const daprd = spec[list][i];
        const at = daprd.args.indexOf('--app-id') + 1;
        const base = `/spec/template/spec/${list}/${i}`;
        t.patch(`deployment/${deploy.metadata.name}`, [
          { op: 'add', path: `${base}/env/-`, value: { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } } },
          { op: 'replace', path: `${base}/args/${at}`, value: '$(POD_NAME)' },
        ]);
        t.rollout(`deployment/${deploy.metadata.name}`, 150);
      },
    },
    {
      check: ONE_HOLDER,
      breaks: 'the workers call a lock store their sidecars do not have (LOCK_URL names "lockstore-typo"), so nobody holds the lock',
      timeout: 90,
      async break(t, p) {
        const { deploy } = lockSetup(t, p);
        const spec = deploy.spec.template.spec;
        const i = spec.containers.findIndex((c) => c.name === p.container);
        const ops = [];
        spec.containers[i].env.forEach((e, j) => {
          if (e.name === 'LOCK_URL' || e.name === 'UNLOCK_URL') {
            ops.push({ op: 'replace', path: `/spec/template/spec/containers/${i}/env/${j}/value`, value: `${e.value}-typo` });
          }
        });
        expect(ops.length === 2, 'the worker has no LOCK_URL and UNLOCK_URL');
        const old = new Set(t.pods(deploy).map((x) => x.metadata.uid));
        // Recreate: the new pods never become Ready (the store never answers), so a rolling
        // update would keep the old ones; replace them all instead.
        t.patch(`deployment/${deploy.metadata.name}`, [...ops, { op: 'replace', path: '/spec/strategy', value: { type: 'Recreate' } }]);
        await t.eventually('only fresh worker pods, each answering GET /lock', async () => {
          const pods = t.pods(deploy, { all: true });
          const fresh = pods.filter((x) => !old.has(x.metadata.uid) && x.status.podIP);
          const views = await lockViews(t, fresh, p.port);
          return pods.every((x) => !old.has(x.metadata.uid)) && fresh.length === deploy.spec.replicas && views.every((v) => !v.error);
        }, { timeout: 120, interval: 2 });
        await sleep(3000);
      },
    },
  ],
};
