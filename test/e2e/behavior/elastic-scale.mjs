// ElasticScale: a HorizontalPodAutoscaler on CPU (autoscaling/v2, metrics from metrics-server,
// scripts/e2e/addons/metrics-server.sh) scales the Deployment out under load and back in when the
// load stops. Proven end to end: the resource metrics API reports the pods' CPU and the HPA its
// current utilization; then CPU load through the Service (GET /burn?ms=N of the demo http-service
// role, each request on a new connection so kube-proxy spreads it) makes the HPA want more replicas
// and the Deployment get them Ready, the new pods answer too; after the load stops, the replica
// count goes back to minReplicas once the scale-down stabilization window has passed.
// Counterpart: without the HPA the same load leaves the Deployment at its replica count.
import http from 'node:http';
import { BehaviorFailure, expect, sleep } from './lib.mjs';

const SCALE = 'under CPU load the HPA scales the Deployment above minReplicas, and back to minReplicas after the load';

/** The HPAs of the namespace that target the Deployment. */
function hpasFor(t, deploy) {
  return t.json(['get', 'horizontalpodautoscalers.v2.autoscaling']).items
    .filter((h) => h.spec.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef?.name === deploy.metadata.name);
}

/** The CPU utilization the HPA reports (percent of the request), or undefined. */
function hpaCpu(hpa) {
  const m = (hpa?.status?.currentMetrics || []).find((x) => x.type === 'Resource' && x.resource?.name === 'cpu');
  return m?.resource?.current?.averageUtilization;
}

const hpaCondition = (hpa, type) => (hpa?.status?.conditions || []).find((c) => c.type === type);

/** The resource metrics API's samples of these pods: { name: millicores }. */
function podMetrics(t, pods) {
  const r = t.kubectl(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${t.ns}/pods`], { namespaced: false });
  if (r.status !== 0) throw new BehaviorFailure(`the resource metrics API does not answer (is metrics-server running?): ${r.stderr}`);
  const names = new Set(pods.map((p) => p.metadata.name));
  const out = {};
  for (const item of JSON.parse(r.stdout).items || []) {
    if (!names.has(item.metadata.name)) continue;
    out[item.metadata.name] = item.containers.reduce((sum, c) => sum + millicores(c.usage.cpu), 0);
  }
  return out;
}

function millicores(q) {
  const m = String(q).match(/^([0-9.]+)(n|u|m)?$/);
  if (!m) return NaN;
  return Number(m[1]) * ({ n: 1e-6, u: 1e-3, m: 1 }[m[2]] ?? 1000);
}

/** One GET on a new connection (kube-proxy picks a backend per connection); never throws. */
function getOnce(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (e) => resolve({ status: 0, body: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve({ status: 0, body: e.code || e.message }));
  });
}

/**
 * `workers` loops of GET url, each followed by `pauseMs`, until stop() or `maxSeconds`. Counts the
 * answers and the pods (hostnames) that answered `burned N ms on <host>`.
 */
function startLoad(url, { workers, pauseMs, maxSeconds }) {
  const stats = { ok: 0, failed: 0, lastError: '', hosts: new Set() };
  let stopped = false;
  const deadline = Date.now() + maxSeconds * 1000;
  const loop = async () => {
    while (!stopped && Date.now() < deadline) {
      const r = await getOnce(url, 5000);
      const m = r.status === 200 && r.body.match(/^burned \d+ ms on (\S+)/);
      if (m) {
        stats.ok++;
        stats.hosts.add(m[1]);
      } else {
        stats.failed++;
        stats.lastError = `${r.status || 'no answer'} ${r.body.trim().slice(0, 80)}`;
        await sleep(500);
      }
      if (pauseMs) await sleep(pauseMs);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return { stats, stop: async () => { stopped = true; await done; } };
}

/** Deployment and HPA state: `4 (1 ready) HPA 298%→4` (CPU utilization → desired replicas). */
function observe(t, prefix, hpaName) {
  const d = t.get('deployments', prefix);
  const hpa = hpaName ? t.json(['get', 'horizontalpodautoscalers.v2.autoscaling', hpaName]) : null;
  const s = { spec: d.spec.replicas, replicas: d.status?.replicas ?? 0, ready: d.status?.readyReplicas ?? 0, hpa, deploy: d };
  s.text = `${s.spec} (${s.ready} ready)${hpa ? ` HPA ${hpaCpu(hpa) ?? '?'}%→${hpa.status?.desiredReplicas ?? '?'}` : ''}`;
  s.key = `${s.spec}/${s.replicas}/${s.ready}/${hpa?.status?.desiredReplicas}`;
  return s;
}

export default {
  pattern: 'ElasticScale',
  examples: {
    elastic: {
      deployment: 'elastic-web', service: 'elastic-web', port: 80,
      // about three quarters of a CPU in all: 3 loops of 100 ms of CPU and 300 ms of pause (the
      // machine has 2); with 2 loops, on a machine busy with the other examples, the pods got only
      // 62m of CPU and the HPA asked for a second pod 65 s into the load
      workers: 3, burnMs: 100, pauseMs: 300,
      // the HPA wanted more replicas 13-25 s into the load on a quiet machine (metric resolution
      // 10 s, HPA sync period 15 s); 120 s leaves room for a busy one, and is what the counterpart waits
      metricsTimeout: 90, scaleUpTimeout: 120,
    },
  },
  checks: [
    {
      name: SCALE,
      timeout: 480,
      async run(t, p) {
        const deploy = t.get('deployments', p.deployment);
        const hpas = hpasFor(t, deploy);
        if (hpas.length > 1) throw new Error(`${hpas.length} HPAs target ${deploy.metadata.name}: ${hpas.map((h) => h.metadata.name).join(', ')}`);
        const hpa0 = hpas[0];
        const hpaName = hpa0?.metadata.name;
        // Without an HPA (the counterpart) the bar is the replica count the Deployment has now.
        const min = hpa0 ? (hpa0.spec.minReplicas ?? 1) : deploy.spec.replicas;
        const window = hpa0?.spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300;
        let about = `no HPA targets ${deploy.metadata.name}`;
        if (hpa0) {
          const cpu = (hpa0.spec.metrics || []).find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
          if (!cpu) throw new Error(`${hpaName} has no CPU resource metric: nothing to drive with /burn`);
          if ((hpa0.spec.maxReplicas ?? 0) <= min) throw new Error(`${hpaName}: maxReplicas ${hpa0.spec.maxReplicas} <= minReplicas ${min}: nothing to scale`);
          about = `${hpaName} (${min}..${hpa0.spec.maxReplicas}, cpu ${cpu.resource.target?.averageUtilization ?? cpu.resource.target?.averageValue}${cpu.resource.target?.averageUtilization ? '%' : ''}, down window ${window}s)`;
        }

        // 1. Idle at the minimum, with metrics: metrics-server reports the pods' CPU, the HPA its utilization.
        const t0 = Date.now();
        const idle = await t.eventually(`${deploy.metadata.name} idle at ${min} Ready replica(s) with CPU metrics`, () => {
          const s = observe(t, p.deployment, hpaName);
          expect(s.spec === min && s.replicas === min && s.ready === min, `${about}: ${s.text}, want ${min}`);
          const pods = t.readyPods(s.deploy);
          const usage = podMetrics(t, pods);
          expect(Object.keys(usage).length === pods.length, `the resource metrics API has CPU samples for ${Object.keys(usage).length} of ${pods.length} pods`);
          if (s.hpa) {
            const active = hpaCondition(s.hpa, 'ScalingActive');
            expect(hpaCpu(s.hpa) !== undefined && active?.status === 'True',
              `${hpaName} reports no CPU utilization yet (ScalingActive ${active?.status ?? '?'}: ${active?.message ?? 'no status'})`);
          }
          return { s, usage };
        }, { timeout: p.metricsTimeout, interval: 3 });
        const usage = Object.values(idle.usage).map((m) => `${Math.round(m)}m`).join('/');
        // The timeline, in seconds since the load started: each change of the replicas or of the HPA's wish.
        const timeline = [`idle ${idle.s.text}, pods ${usage} CPU (metrics ${Math.round((Date.now() - t0) / 1000)}s)`];
        let last = idle.s;
        let tLoad = Date.now();
        const at = () => `+${Math.round((Date.now() - tLoad) / 1000)}s`;
        const record = (s) => {
          if (s.key !== last.key) timeline.push(`${at()} ${s.text}`);
          last = s;
          return s;
        };

        // 2. Load through the Service, until the Deployment has more than min replicas Ready.
        const url = t.serviceUrl(p.service, p.port, `/burn?ms=${p.burnMs}`);
        const load = startLoad(url, { workers: p.workers, pauseMs: p.pauseMs, maxSeconds: p.scaleUpTimeout + 60 });
        tLoad = Date.now();
        timeline.push(`load ${p.workers}x/burn?ms=${p.burnMs}`);
        let top;
        try {
          try {
            top = await t.eventually(`more than ${min} Ready replica(s) under load`, () => {
              const s = record(observe(t, p.deployment, hpaName));
              expect(s.ready > min && (!s.hpa || s.hpa.status?.desiredReplicas > min), () => `now ${s.text}`);
              return s;
            }, { timeout: p.scaleUpTimeout, interval: 2 });
          } catch (e) {
            if (!(e instanceof BehaviorFailure)) throw e;
            throw new BehaviorFailure(`${about}: under load for ${at().slice(1)} (${load.stats.ok} answers, ${load.stats.failed} failed) the Deployment stayed at `
              + `${last.ready} Ready replica(s), minimum ${min}: ${e.message}; ${timeline.join('; ')}`);
          }
          // The Service sends the load to the new replicas too (a new connection per request).
          await t.eventually('the load answered by more than one pod', () => {
            record(observe(t, p.deployment, hpaName));
            expect(load.stats.hosts.size > 1, `answers from ${[...load.stats.hosts].join(', ') || 'no pod'} only (${load.stats.failed} failed${load.stats.lastError ? `, last: ${load.stats.lastError}` : ''})`);
            return true;
          }, { timeout: 30, interval: 2 });
        } finally {
          await load.stop();
        }
        const tOff = Date.now();
        timeline.push(`load off ${at()} (${load.stats.ok} answers from ${load.stats.hosts.size} pods, ${load.stats.failed} failed)`);

        // 3. Back to the minimum once the stabilization window has passed.
        await t.eventually(`back to ${min} replica(s) after the load (down window ${window}s)`, () => {
          const s = record(observe(t, p.deployment, hpaName));
          expect(s.spec === min && s.replicas === min && s.ready === min && (!s.hpa || s.hpa.status?.desiredReplicas === min),
            () => `${about}: now ${s.text}; ${timeline.join('; ')}`);
          return s;
        }, { timeout: window + 150, interval: 3 });
        return `${about}: ${timeline.join('; ')} = ${Math.round((Date.now() - tOff) / 1000)}s after the load (peak ${top.text})`;
      },
    },
  ],
  counterparts: [
    {
      check: SCALE,
      breaks: 'the HorizontalPodAutoscaler is deleted',
      // idle with metrics (seconds) + the check's scale-up wait under load (scaleUpTimeout)
      timeout: 200,
      async break(t, { deployment }) {
        const deploy = t.get('deployments', deployment);
        const hpas = hpasFor(t, deploy);
        if (!hpas.length) throw new Error(`no HPA targets ${deploy.metadata.name}`);
        for (const h of hpas) t.run(['delete', 'horizontalpodautoscalers.v2.autoscaling', h.metadata.name, '--wait=true']);
      },
    },
  ],
};
