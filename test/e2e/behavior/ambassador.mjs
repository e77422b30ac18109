// Ambassador: the app reaches the sharded Redis only through its localhost proxy (twemproxy).
import { expect } from './lib.mjs';

const KEYS = 60;
const GROUPS = 6;

/** The app's Redis address and a ready app pod. */
function app(t) {
  const deploy = t.get('deployments', 'ambassador-app-');
  const container = deploy.spec.template.spec.containers.find((c) => c.name === 'app');
  const url = container.env.find((e) => e.name === 'REDIS_URL')?.value;
  expect(/^redis:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(url), `the app's REDIS_URL is ${url}, not the localhost ambassador`);
  const pods = t.readyPods(deploy);
  expect(pods.length, 'no ready app pod');
  return { pod: pods[0], url };
}

/** Keys with `prefix` on each shard, read with redis-cli in the shard's own container. */
function keysPerShard(t, prefix) {
  const shards = t.pods(t.get('statefulsets', 'ambassador-redis-'));
  return shards.map((p) => ({
    shard: p.metadata.name,
    keys: t.execOk(p, 'redis', ['redis-cli', '--scan', '--pattern', `${prefix}-*`]).split('\n').filter(Boolean).length,
  }));
}

export default {
  pattern: 'Ambassador',
  examples: { ambassador: {} },
  checks: [
    {
      name: 'writes through the localhost proxy land on more than one shard and read back',
      timeout: 60,
      async run(t) {
        const { pod, url } = app(t);
        // Keys come in groups of 10 from differently prefixed fills, so that the spread does not
        // hinge on the hash of one prefix (md5 on the ketama ring spreads even sequential keys).
        const prefix = `e2e-${Date.now()}`;
        for (let g = 0; g < GROUPS; g++) {
          const fill = await t.http(t.podUrl(pod, 8080, `/fill?count=${KEYS / GROUPS}&prefix=${prefix}-${g}`), { method: 'POST' });
          expect(fill.status === 200, `POST /fill on ${pod.metadata.name} answered ${fill.status || fill.error}: ${fill.body.trim()}`);
        }
        const shards = keysPerShard(t, prefix);
        const total = shards.reduce((a, s) => a + s.keys, 0);
        const used = shards.filter((s) => s.keys > 0);
        const spread = shards.map((s) => `${s.shard.replace(/.*-/, 'shard ')}: ${s.keys}`).join(', ');
        expect(total === KEYS, `${KEYS} keys written through ${url}, ${total} found on the shards (${spread})`);
        expect(used.length > 1, `all keys landed on one shard (${spread}): the proxy does not shard`);
        const back = await t.http(t.podUrl(pod, 8080, `/get?key=${prefix}-3:7`));
        expect(back.status === 200 && back.body.trim() === '7', `reading ${prefix}-3:7 back through the proxy: ${back.status || back.error} ${back.body.trim()}`);
        return `${KEYS} keys via ${url} spread ${spread}`;
      },
    },
    {
      name: 'with the upstream shards stopped, the same request fails',
      timeout: 150,
      async run(t) {
        const { pod } = app(t);
        const sts = t.get('statefulsets', 'ambassador-redis-');
        const replicas = sts.spec.replicas;
        t.run(['scale', `statefulset/${sts.metadata.name}`, '--replicas=0']);
        try {
          await t.eventually('shards stopped', () => t.pods(sts, { all: true }).length === 0, { timeout: 60 });
          const r = await t.http(t.podUrl(pod, 8080, '/get?key=any'));
          expect(r.status >= 500, `with no shard running the app still answered ${r.status}: ${r.body.trim()}`);
          return `answered ${r.status} ${r.body.trim().slice(0, 80)}`;
        } finally {
          t.run(['scale', `statefulset/${sts.metadata.name}`, `--replicas=${replicas}`]);
          t.rollout(`statefulset/${sts.metadata.name}`, 90);
        }
      },
    },
  ],
  counterparts: [
    {
      check: 'writes through the localhost proxy land on more than one shard and read back',
      breaks: 'the shards behind the proxy are stopped',
      timeout: 30,
      async break(t) {
        const sts = t.get('statefulsets', 'ambassador-redis-');
        t.run(['scale', `statefulset/${sts.metadata.name}`, '--replicas=0']);
        await t.eventually('shards stopped', () => t.pods(sts, { all: true }).length === 0, { timeout: 60 });
      },
    },
  ],
};
