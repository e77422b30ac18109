// Adapter: the legacy app only writes a logfmt status file; the adapter container beside it turns
// that file into Prometheus metrics on its own port. Proven: the port the pod's scrape annotations
// name is the exporter's containerPort and the Service exposes it; scraping it (on the pod and
// through the Service) gives Prometheus exposition text whose invoices_processed gauge is the
// legacy app's own count (between its GET /status read just before and just after the scrape).
import { expect, parsePrometheusText } from './lib.mjs';

/** The Deployment, its main and exporter containers, and the scrape port/path the annotations announce. */
function layout(t, { deployment, main }) {
  const deploy = t.get('deployments', deployment);
  const tpl = deploy.spec.template;
  const ann = tpl.metadata.annotations || {};
  expect(ann['prometheus.io/scrape'] === 'true', `the pod template's prometheus.io/scrape is ${ann['prometheus.io/scrape']}, not "true"`);
  const port = Number(ann['prometheus.io/port']);
  const metricsPath = ann['prometheus.io/path'] || '/metrics';
  const exporter = tpl.spec.containers.find((c) => (c.ports || []).some((p) => p.containerPort === port));
  expect(exporter, `prometheus.io/port is ${ann['prometheus.io/port']}, which no container of ${deploy.metadata.name} declares`);
  const app = tpl.spec.containers.find((c) => c.name === main);
  expect(app && app !== exporter, `the scrape port ${port} belongs to ${exporter.name}, not to an adapter beside ${main}`);
  return { deploy, port, metricsPath, exporter, appPort: app.ports[0].containerPort };
}

/** The Service port that reaches the exporter's containerPort (targetPort by number or by name). */
function servicePort(t, name, exporter, port) {
  const svc = t.get('services', name);
  const names = new Set((exporter.ports || []).filter((p) => p.containerPort === port && p.name).map((p) => p.name));
  const sp = svc.spec.ports.find((p) => p.targetPort === port || names.has(p.targetPort));
  const shown = svc.spec.ports.map((p) => `${p.port}->${p.targetPort}`).join(', ');
  expect(sp, `Service ${svc.metadata.name} has no port targeting the exporter's containerPort ${port} (${shown})`);
  const a = svc.metadata.annotations?.['prometheus.io/port'];
  expect(a === undefined || Number(a) === port, `Service ${svc.metadata.name}'s prometheus.io/port is ${a}, the exporter listens on ${port}`);
  return { svc, port: sp.port };
}

/** Scrapes a /metrics URL: the samples, or a BehaviorFailure saying what came back. */
async function scrape(t, url) {
  const r = await t.http(url);
  expect(r.status === 200, `GET ${url} answered ${r.status || r.error}: ${r.body.trim().slice(0, 120)}`);
  const type = r.headers.get('content-type') || '';
  expect(type.startsWith('text/plain'), `GET ${url}: Content-Type ${type}, not Prometheus text`);
  return parsePrometheusText(r.body);
}

/** The one `*invoices_processed` sample, with the source_up gauge for the message. */
function invoices(samples, url) {
  const up = samples.find((s) => /(^|_)source_up$/.test(s.name));
  const found = samples.filter((s) => /(^|_)invoices_processed$/.test(s.name));
  const names = samples.map((s) => `${s.name}=${s.value}`).join(' ');
  expect(found.length === 1, `${url} has ${found.length} invoices_processed samples (${up ? `${up.name} ${up.value}` : 'no source_up'}): ${names}`);
  return found[0];
}

const SCRAPE = "the scrape-annotated port (the exporter's, on the Service too) serves the app's own count as Prometheus text";

async function status(t, url) {
  const r = await t.http(url);
  expect(r.status === 200, `the legacy app's GET ${url} answered ${r.status || r.error}`);
  return JSON.parse(r.body).invoices_processed;
}

export default {
  pattern: 'Adapter',
  examples: { adapter: { deployment: 'adapter-legacy-', main: 'legacy', service: 'billing' } },
  checks: [
    {
      name: SCRAPE,
      timeout: 90,
      async run(t, params) {
        const { deploy, port, metricsPath, exporter, appPort } = layout(t, params);
        const { svc, port: svcPort } = servicePort(t, params.service, exporter, port);
        const pods = t.readyPods(deploy);
        expect(pods.length, `no ready pod of ${deploy.metadata.name}`);
        const pod = pods[0];
        const url = t.podUrl(pod, port, metricsPath);
        // /status and the file are written by the same batch: retry (twice) only a scrape that falls between the two.
        let seen;
        for (let attempt = 1; ; attempt++) {
          const before = await status(t, t.podUrl(pod, appPort, '/status'));
          const sample = invoices(await scrape(t, url), url);
          const after = await status(t, t.podUrl(pod, appPort, '/status'));
          expect(sample.value > 0, `${sample.name} is ${sample.value}`);
          seen = { before, value: sample.value, after, name: sample.name };
          if (before <= sample.value && sample.value <= after) break;
          expect(attempt < 3, `${sample.name} ${sample.value}, the app's /status said ${before} just before and ${after} just after`);
          await new Promise((res) => setTimeout(res, 500));
        }
        const viaSvc = `http://${svc.spec.clusterIP}:${svcPort}${metricsPath}`;
        const s2 = invoices(await scrape(t, viaSvc), viaSvc);
        expect(s2.value > 0, `${s2.name} via Service ${svc.metadata.name} is ${s2.value}`);
        return `${exporter.name}:${port}${metricsPath} on ${pod.metadata.name}: ${seen.name} ${seen.value} `
          + `(app /status ${seen.before}..${seen.after}); via Service ${svc.metadata.name}:${svcPort} ${s2.value}`;
      },
    },
  ],
  counterparts: [
    {
      check: SCRAPE,
      breaks: 'the exporter reads a status file the app does not write',
      timeout: 40,
      async break(t, params) {
        const { deploy, exporter } = layout(t, params);
        const i = deploy.spec.template.spec.containers.indexOf(exporter);
        const args = (exporter.args || []).map((a) => (a.startsWith('--file=') ? '--file=/var/log/billing/no-such-status.log' : a));
        expect(args.some((a) => a.includes('no-such')), `the exporter has no --file= argument: ${exporter.args}`);
        t.patch(`deployment/${deploy.metadata.name}`, [{ op: 'replace', path: `/spec/template/spec/containers/${i}/args`, value: args }]);
        t.rollout(`deployment/${deploy.metadata.name}`, 150);
      },
    },
  ],
};
