// Sidecar: helper containers extend the main container through shared volumes. Proven on one pod:
// (a) nginx (the main container) serves the page the content sidecar renders into their shared
// volume, naming the pod, and the render time it shows advances as the sidecar re-renders it;
// (b) a request with a path nobody else uses shows up in the log-streaming sidecar's own log
// (`kubectl logs -c access-log`), which it can only have read from the access log nginx wrote to
// their second shared volume.
import { expect } from './lib.mjs';

const SERVE = 'nginx serves the page the content sidecar renders, and it is re-rendered';
const STREAM = 'a request to nginx appears in the access-log sidecar\'s own log';

/** The Deployment, one ready pod and the main container's port. */
function web(t, { deployment, main }) {
  const deploy = t.get('deployments', deployment);
  const pods = t.readyPods(deploy);
  expect(pods.length, `no ready pod of ${deploy.metadata.name}`);
  const port = deploy.spec.template.spec.containers.find((c) => c.name === main).ports[0].containerPort;
  return { deploy, pod: pods[0], port };
}

/** GET / on the pod's nginx: the render time and host the page names. */
async function page(t, pod, port) {
  const url = t.podUrl(pod, port, '/');
  const r = await t.http(url);
  const text = r.body.match(/<title>([^<]*)<\/title>/)?.[1] ?? r.body.trim().slice(0, 120);
  expect(r.status === 200, `GET ${url} (nginx on ${pod.metadata.name}) answered ${r.status || r.error}: ${text}`);
  const m = r.body.match(/rendered (\S+) by (\S+?)</);
  expect(m, `GET ${url} served a page that is not the sidecar's: ${r.body.trim().slice(0, 120)}`);
  return { at: m[1], by: m[2] };
}

/**
 * Replaces, in the pod template, the mount of `volume` in `container` with a fresh emptyDir that
 * no other container mounts (optionally replacing a readiness probe so that the pods still get
 * Ready), and waits for the rollout.
 */
function unshare(t, deploy, container, volume, probes = {}) {
  const cs = deploy.spec.template.spec.containers;
  const ci = cs.findIndex((c) => c.name === container);
  const mi = (cs[ci]?.volumeMounts || []).findIndex((m) => m.name === volume);
  if (mi < 0) throw new Error(`${container} does not mount ${volume}`);
  const ops = [
    { op: 'add', path: '/spec/template/spec/volumes/-', value: { name: `${volume}-unshared`, emptyDir: {} } },
    { op: 'replace', path: `/spec/template/spec/containers/${ci}/volumeMounts/${mi}/name`, value: `${volume}-unshared` },
  ];
  for (const [name, probe] of Object.entries(probes)) {
    ops.push({ op: 'replace', path: `/spec/template/spec/containers/${cs.findIndex((c) => c.name === name)}/readinessProbe`, value: probe });
  }
  t.patch(`deployment/${deploy.metadata.name}`, ops);
  t.rollout(`deployment/${deploy.metadata.name}`, 150);
}

export default {
  pattern: 'Sidecar',
  examples: { sidecar: { deployment: 'sidecar-web-', main: 'nginx', content: 'content', logs: 'access-log' } },
  checks: [
    {
      name: SERVE,
      timeout: 90,
      async run(t, params) {
        const { pod, port } = web(t, params);
        const first = await page(t, pod, port);
        expect(first.by === pod.metadata.name, `nginx on ${pod.metadata.name} serves a page rendered by ${first.by}`);
        // The sidecar renders every 10 s; the page nginx serves must follow.
        const next = await t.eventually('a newer render served', async () => {
          const p = await page(t, pod, port);
          expect(p.at > first.at, `still "rendered ${p.at}"`);
          return p;
        }, { timeout: 45, interval: 2 });
        return `${pod.metadata.name}: "rendered ${first.at} by ${first.by}", then "rendered ${next.at}"`;
      },
    },
    {
      name: STREAM,
      timeout: 60,
      async run(t, params) {
        const { pod, port } = web(t, params);
        const unique = `/e2e-sidecar-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
        const r = await t.http(t.podUrl(pod, port, unique));
        expect(r.status > 0, `GET ${unique} on ${pod.metadata.name}: ${r.error}`);
        const line = await t.eventually(`${unique} in ${params.logs}'s log`, () => {
          const out = t.run(['logs', pod.metadata.name, '-c', params.logs, '--tail=500']);
          const hit = out.split('\n').find((l) => l.includes(unique));
          expect(hit, `kubectl logs ${pod.metadata.name} -c ${params.logs} (${out.split('\n').filter(Boolean).length} lines) has no ${unique}; `
            + `last: ${out.trim().split('\n').pop()?.slice(0, 120)}`);
          return hit;
        }, { timeout: 20 });
        return `GET ${unique} (${r.status}) on ${pod.metadata.name} -> ${params.logs}: ${line.trim().slice(0, 110)}`;
      },
    },
  ],
  counterparts: [
    {
      check: SERVE,
      breaks: 'the content sidecar writes to its own emptyDir instead of the one nginx serves',
      timeout: 30,
      async break(t, params) {
        // nginx then serves an empty directory (403 on /): its HTTP readiness probe would keep the
        // new pods unready and the old ones serving, so it becomes a TCP probe for this break.
        const probe = { tcpSocket: { port: 8080 }, periodSeconds: 5, failureThreshold: 3 };
        unshare(t, t.get('deployments', params.deployment), params.content, 'content-shared', { [params.main]: probe });
      },
    },
    {
      check: STREAM,
      breaks: 'the access-log sidecar follows its own emptyDir instead of the one nginx logs to',
      timeout: 30,
      async break(t, params) {
        // Its readiness probe (the access log exists) can never pass then: it becomes "tail runs".
        const probe = { exec: { command: ['pidof', 'tail'] }, periodSeconds: 5, failureThreshold: 3 };
        unshare(t, t.get('deployments', params.deployment), params.logs, 'access-log-shared', { [params.logs]: probe });
      },
    },
  ],
};
