// ImmutableConfigImage: the app serves the content of the configuration image its init container
// copies, and a new configuration image tag (the example's next release) rolls the pods, which then
// serve the new image's content. The configuration images' content is their documented contract
// (test/e2e/images/recipes/config-images.sh): index.html names the environment and the version.
import { expect } from './lib.mjs';

/** The heading the configuration image `ref` serves, from its contract. */
function headingOf(ref) {
  const m = ref.match(/\/config-([a-z]+):([^:@]+)$/);
  expect(m, `unexpected configuration image ${ref}`);
  return `<h1>shop ${m[1]} configuration ${m[2]}</h1>`;
}

function web(t) {
  const deploy = t.get('deployments', 'immutable-config-dev-web-');
  const init = deploy.spec.template.spec.initContainers.find((c) => c.name === 'config-image');
  expect(init, 'the Deployment has no config-image init container');
  return { deploy, image: init.image };
}

/** Every ready pod serves the page of `image`. */
async function allServe(t, deploy, image) {
  const want = headingOf(image);
  const pods = t.readyPods(deploy);
  expect(pods.length > 0, 'no ready web pod');
  for (const p of pods) {
    const r = await t.http(t.podUrl(p, 8080, '/'));
    expect(r.status === 200 && r.body.includes(want), `pod ${p.metadata.name} answered ${r.status || r.error} "${r.body.trim().slice(0, 120)}", not ${want}`);
  }
  return pods;
}

export default {
  pattern: 'ImmutableConfigImage',
  examples: { 'immutable-config-dev': {} },
  checks: [
    {
      name: 'the app serves the content of its configuration image',
      timeout: 60,
      async run(t, p) {
        const { deploy, image } = web(t);
        const pods = await t.eventually('pods serving the configuration image', () => allServe(t, deploy, image), { timeout: p.counterpart ? 5 : 30 });
        return `${pods.length} pods serve ${headingOf(image)} from ${image}`;
      },
    },
    {
      name: 'a new configuration image tag rolls the pods and the new content is served',
      timeout: 180,
      async run(t) {
        const before = web(t);
        const uids = new Set(t.pods(before.deploy).map((x) => x.metadata.uid));
        const next = t.nextRelease();
        const nextImage = next.docs.find((d) => d.kind === 'Deployment').spec.template.spec.initContainers.find((c) => c.name === 'config-image').image;
        expect(nextImage !== before.image, `the next release keeps the configuration image ${nextImage}`);
        t.applyChart(next.file);
        t.rollout(`deployment/${before.deploy.metadata.name}`, 150);
        const { deploy, image } = web(t);
        expect(image === nextImage, `after applying the next release the Deployment runs ${image}, not ${nextImage}`);
        const pods = await t.eventually('pods serving the new configuration', () => allServe(t, deploy, image), { timeout: 30 });
        const reused = pods.filter((x) => uids.has(x.metadata.uid));
        expect(!reused.length, `pods ${reused.map((x) => x.metadata.name).join(', ')} were not replaced`);
        return `${before.image} -> ${image}: ${pods.length} new pods serve ${headingOf(image)}`;
      },
    },
  ],
  counterparts: [
    {
      check: 'the app serves the content of its configuration image',
      breaks: 'the init container writes its own page instead of copying the image\'s',
      timeout: 40,
      async break(t) {
        const { deploy } = web(t);
        const i = deploy.spec.template.spec.initContainers.findIndex((c) => c.name === 'config-image');
        t.patch(`deployment/${deploy.metadata.name}`, [{
          op: 'replace', path: `/spec/template/spec/initContainers/${i}/command`,
          value: ['sh', '-c', 'cp -R /config/. /immutable-config/ && echo "<h1>not from the image</h1>" > /immutable-config/index.html'],
        }]);
        t.rollout(`deployment/${deploy.metadata.name}`, 150);
      },
    },
  ],
};
