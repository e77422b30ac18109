// flask-redis: the Flask web tier counts visits in the Redis store. Proven: a visit through the
// ClusterIP Service `web` and then through the NodePort of `web-nodeport` on every node each raise
// the counter by exactly one, and the `visits` key the app INCRs (examples/flask-redis/app/app.py),
// read with redis-cli in the Redis pod, holds the count the app answered last.
import { expect } from './lib.mjs';

const COUNT = 'visits through the ClusterIP and NodePort Services each add one to the counter kept in Redis';
const NODE_IPS = ['10.250.0.1', '10.250.0.2', '10.250.0.3'];

/** The `visits` key as the Redis container itself has it (0 when unset). */
function stored(t, redisPrefix) {
  const pods = t.readyPods(t.get('deployments', redisPrefix));
  expect(pods.length, `no ready Redis pod (${redisPrefix}*)`);
  const out = t.execOk(pods[0], 'redis', ['redis-cli', '--no-raw', 'GET', 'visits']).trim();
  if (out === '(nil)') return 0;
  const m = out.match(/^"?(\d+)"?$/);
  if (!m) throw new Error(`redis-cli GET visits printed ${out}`);
  return Number(m[1]);
}

/** One visit: the count the app answered. */
async function visit(t, url) {
  const r = await t.http(url);
  const text = r.body.match(/<title>([^<]*)<\/title>/)?.[1] ?? r.body.trim().slice(0, 120);
  expect(r.status === 200, `GET ${url} answered ${r.status || r.error}: ${text}`);
  const m = r.body.match(/Hello from (\S+)! This page has been viewed (\d+) times/);
  expect(m, `GET ${url}: not the visit counter: ${r.body.trim().slice(0, 120)}`);
  return { pod: m[1], n: Number(m[2]) };
}

export default {
  pattern: 'flask-redis',
  examples: { 'flask-redis': { redis: 'flask-redis-redis-', web: 'web', nodePort: 'web-nodeport' } },
  checks: [
    {
      name: COUNT,
      timeout: 60,
      async run(t, params) {
        // Exact names: `web` is also the prefix of `web-nodeport` and `web-lb`.
        const web = t.json(['get', 'service', params.web]);
        const svc = t.json(['get', 'service', params.nodePort]);
        const np = svc.spec.ports[0].nodePort;
        expect(svc.spec.type === 'NodePort' && np, `Service ${svc.metadata.name} is ${svc.spec.type} without a nodePort`);
        const urls = [`http://${web.spec.clusterIP}:${web.spec.ports[0].port}/`, ...NODE_IPS.map((ip) => `http://${ip}:${np}/`)];
        const seen = [];
        let n;
        for (const url of urls) {
          const v = await visit(t, url);
          expect(n === undefined ? v.n > 0 : v.n === n + 1, `GET ${url} (served by ${v.pod}) counted visit ${v.n}, the count before was ${n}`);
          n = v.n;
          seen.push(`${url.replace(/^http:\/\//, '').replace(/\/$/, '')} -> ${v.n} (${v.pod.replace(/.*-/, '')})`);
        }
        const end = stored(t, params.redis);
        expect(end === n, `redis-cli GET visits is ${end}, the app last answered ${n}`);
        return `${seen.join(', ')}; redis-cli GET visits: ${end}`;
      },
    },
  ],
  counterparts: [
    {
      check: COUNT,
      breaks: 'Redis is stopped (its Deployment scaled to 0)',
      timeout: 30,
      async break(t, params) {
        const redis = t.get('deployments', params.redis);
        t.run(['scale', `deployment/${redis.metadata.name}`, '--replicas=0']);
        await t.eventually('Redis stopped', () => t.pods(redis, { all: true }).length === 0, { timeout: 90 });
      },
    },
  ],
};
