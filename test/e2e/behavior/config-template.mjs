// ConfigTemplate (with HashedConfigMap): the app serves the value rendered from the chart's
// parameters, and a changed parameter (the example's next release) gets a new content-hashed
// ConfigMap name, so applying it rolls the pods, which render and serve the new value.
import path from 'node:path';
import { expect, readChart, REPO } from './lib.mjs';

/** The banner that the chart file's parameters ConfigMap declares. */
function declaredBanner(docs) {
  const params = docs.filter((d) => d.kind === 'ConfigMap' && d.data?.['params.json']);
  expect(params.length === 1, `expected one parameters ConfigMap in the chart, found ${params.length}`);
  return { banner: JSON.parse(params[0].data['params.json']).banner, configMap: params[0].metadata.name };
}

/** Every ready pod of the web Deployment answers `banner` on /. */
async function allServe(t, banner) {
  const pods = t.readyPods(t.get('deployments', 'config-template-dev-web-'));
  expect(pods.length > 0, 'no ready web pod');
  for (const p of pods) {
    const r = await t.http(t.podUrl(p, 8080, '/'));
    expect(r.status === 200 && r.body.trim() === banner, `pod ${p.metadata.name} answered ${r.status || r.error} "${r.body.trim()}", not the declared "${banner}"`);
  }
  return pods;
}

/** Which release is running in each namespace (the rollout check moves it to the next one). */
const running = new Map();

export default {
  pattern: 'ConfigTemplate, HashedConfigMap',
  examples: { 'config-template-dev': {} },
  checks: [
    {
      name: 'the app serves the value rendered from the chart\'s parameters',
      timeout: 60,
      async run(t, p) {
        const file = running.get(t.ns) ?? path.join(REPO, 'examples/dist', `${t.stem}.k8s.yaml`);
        const { banner, configMap } = declaredBanner(readChart(file));
        const pods = await t.eventually('pods serving the declared banner', () => allServe(t, banner), { timeout: p.counterpart ? 5 : 30 });
        return `${pods.length} pods serve "${banner}" from ${configMap}`;
      },
    },
    {
      name: 'a changed parameter rolls the pods and the new value is served',
      timeout: 180,
      async run(t) {
        const before = new Set(t.pods(t.get('deployments', 'config-template-dev-web-')).map((p) => p.metadata.uid));
        const next = t.nextRelease();
        const { banner, configMap } = declaredBanner(next.docs);
        const old = declaredBanner(readChart(path.join(REPO, 'examples/dist', `${t.stem}.k8s.yaml`)));
        expect(configMap !== old.configMap, `the changed parameters kept the ConfigMap name ${configMap}`);
        t.applyChart(next.file);
        running.set(t.ns, next.file);
        const deploy = t.get('deployments', 'config-template-dev-web-');
        t.rollout(`deployment/${deploy.metadata.name}`, 150);
        const pods = await t.eventually('pods serving the new banner', () => allServe(t, banner), { timeout: 30 });
        const reused = pods.filter((p) => before.has(p.metadata.uid));
        expect(!reused.length, `pods ${reused.map((p) => p.metadata.name).join(', ')} were not replaced`);
        const immutable = t.json(['get', 'configmap', configMap]).immutable;
        expect(immutable === true, `ConfigMap ${configMap} is not immutable`);
        return `ConfigMap ${old.configMap} -> ${configMap}; ${pods.length} new pods serve "${banner}"`;
      },
    },
  ],
  counterparts: [
    {
      check: 'the app serves the value rendered from the chart\'s parameters',
      breaks: 'the pods render parameters other than the chart\'s',
      timeout: 40,
      async break(t) {
        const deploy = t.get('deployments', 'config-template-dev-web-');
        t.apply({
          apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tampered-params' },
          data: { 'params.json': JSON.stringify({ banner: 'TAMPERED', logFormat: 'main', serverName: 'x' }) },
        });
        const i = deploy.spec.template.spec.volumes.findIndex((v) => /-params-/.test(v.configMap?.name ?? ''));
        expect(i >= 0, 'no parameters volume in the Deployment');
        t.patch(`deployment/${deploy.metadata.name}`, [{ op: 'replace', path: `/spec/template/spec/volumes/${i}/configMap/name`, value: 'tampered-params' }]);
        t.rollout(`deployment/${deploy.metadata.name}`, 150);
      },
    },
  ],
};
