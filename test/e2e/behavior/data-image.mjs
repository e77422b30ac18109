// DataImage: the model server answers predictions computed from the model that ships in its data
// image (ghcr.io/cdk8s-patterns/sentiment-model, whose /models/model.json is
// test/e2e/images/files/sentiment-model/model.json), in a namespace that enforces Pod Security
// "restricted".
// - model-server (PROCESS_NAMESPACE): the model is read through the shared process namespace: the
//   file the server loaded resolves to /proc/<pid>/root/models/model.json where <pid> is, in the
//   pod's PID namespace, the process of the running data-image container (found from the host
//   through the container's cgroup and its /proc/<host pid>/status NSpid line); the server's
//   checksum equals that of the file read inside the data container; both containers run with
//   the same UID and GID; the server loaded the model on its first attempt (the native sidecar's
//   startup probe held it back until the link resolved).
// - model-server-copy (COPY): the server reads the init container's copy at /mnt/models.
// Predictions: for a set of texts, every pod's /predict label and score equal bias + the weights
// of the text's tokens, computed here from the model file.
// Counterparts (on model-server): the data container runs with another UID than the server (the
// kernel then refuses /proc/<pid>/root: "permission denied"), or the pod stops sharing its
// process namespace (the link then points at a PID of the server's own namespace): the server
// never loads the model and the check fails.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BehaviorFailure, REPO, containerPids, expect, isReady } from './lib.mjs';

const DATA = 'data-image';
const SERVER = 'model-server';
const MODEL_FILE = path.join(REPO, 'test/e2e/images/files/sentiment-model/model.json');
const TEXTS = [
  'Excellent service, fast and friendly!',
  "Terrible. The parcel was late and broken, I wouldn't recommend them.",
  'It was fine',
  'the parcel arrived',
];

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** The model server's tokenizer and score (demo/model_server.go), from the model file. */
function expected(model, text) {
  const tokens = text.toLowerCase().split(/[^a-z']+/).filter(Boolean);
  let score = model.bias;
  for (const tok of tokens) if (Object.hasOwn(model.weights, tok)) score += model.weights[tok];
  return { label: score >= 0 ? 'positive' : 'negative', score, tokens: tokens.length };
}

function server(t) {
  return t.get('deployments', `${t.stem}-server-`);
}

function statusOf(pod, name) {
  return [...(pod.status?.initContainerStatuses || []), ...(pod.status?.containerStatuses || [])].find((c) => c.name === name);
}

function containerSpec(pod, name) {
  return [...(pod.spec.initContainers || []), ...pod.spec.containers].find((c) => c.name === name);
}

/** A container's UID and GID: its own, else the pod's. */
function ids(pod, name) {
  const c = containerSpec(pod, name)?.securityContext || {};
  const p = pod.spec.securityContext || {};
  return `${c.runAsUser ?? p.runAsUser}:${c.runAsGroup ?? p.runAsGroup}`;
}

/** The PID, in the pod's PID namespace, of the running data container's process. */
function dataPid(pod) {
  const st = statusOf(pod, DATA);
  expect(st?.state?.running && st.containerID, `pod ${pod.metadata.name}: container ${DATA} is not running: ${JSON.stringify(st?.state)}`);
  const hostPids = containerPids(pod, st.containerID);
  expect(hostPids.length > 0, `pod ${pod.metadata.name}: no process of container ${DATA} found under the node's cgroups`);
  // NSpid lists the PID in every namespace from the host's down to the pod's.
  return hostPids.map((h) => {
    const line = fs.readFileSync(`/proc/${h}/status`, 'utf8').split('\n').find((l) => l.startsWith('NSpid:'));
    return Number(line.trim().split(/\s+/).pop());
  });
}

/** Everything the check asserts for one pod; returns a summary. */
async function checkPod(t, pod, p, model, fileSha) {
  const name = pod.metadata.name;
  const info = await t.http(t.podUrl(pod, 8080, '/model'));
  expect(info.status === 200, `pod ${name}: GET /model answered ${info.status || info.error}: ${info.body.trim().slice(0, 200)}`);
  expect(isReady(pod), () => `pod ${name} is not Ready (${(pod.status?.conditions || []).map((c) => `${c.type}=${c.status}`).join(' ')})`);
  const m = JSON.parse(info.body);
  expect(m.sha256 === fileSha && m.version === model.version && m.name === model.name,
    `pod ${name}: the server loaded ${m.name} ${m.version} sha256 ${m.sha256}, not the image's ${model.name} ${model.version} ${fileSha}`);
  expect(m.file === '/mnt/models/model.json', `pod ${name}: the server read ${m.file}, not /mnt/models/model.json (MODEL_DIR)`);
  let how;
  if (p.mode === 'process-namespace') {
    expect(pod.spec.shareProcessNamespace === true, `pod ${name} does not share its process namespace`);
    expect(ids(pod, DATA) === ids(pod, SERVER), `pod ${name}: ${DATA} runs as ${ids(pod, DATA)}, ${SERVER} as ${ids(pod, SERVER)}`);
    const inImage = t.execOk(pod, DATA, ['cat', '/models/model.json']);
    expect(sha256(inImage) === fileSha, `pod ${name}: /models/model.json in the data container has sha256 ${sha256(inImage)}, the image's contract says ${fileSha}`);
    const pids = dataPid(pod);
    const linked = m.resolved.match(/^\/proc\/(\d+)\/root\/models\/model\.json$/);
    expect(linked && pids.includes(Number(linked[1])), `pod ${name}: the server read ${m.resolved}, not /proc/<pid>/root/models/model.json of the data container's process (PIDs ${pids.join(', ')})`);
    expect(m.attempts === 1, `pod ${name}: the server needed ${m.attempts} attempts to load the model: it started before the model was visible`);
    how = `through /proc/${linked[1]}/root of ${DATA} (uid:gid ${ids(pod, DATA)} both), first attempt`;
  } else {
    expect(m.resolved === '/mnt/models/model.json', `pod ${name}: the server read ${m.resolved}, not the copy at /mnt/models/model.json`);
    const init = statusOf(pod, DATA);
    expect(init?.state?.terminated?.exitCode === 0, `pod ${name}: the copy init container did not finish with exit 0: ${JSON.stringify(init?.state)}`);
    how = 'from the init container\'s copy';
  }
  for (const text of TEXTS) {
    const r = await t.http(t.podUrl(pod, 8080, `/predict?text=${encodeURIComponent(text)}`));
    expect(r.status === 200, `pod ${name}: GET /predict answered ${r.status || r.error}: ${r.body.trim().slice(0, 200)}`);
    const got = JSON.parse(r.body);
    const want = expected(model, text);
    expect(got.label === want.label && got.score === want.score && got.tokens === want.tokens && got.sha256 === fileSha,
      `pod ${name}: "${text}" → ${got.label} ${got.score} (${got.tokens} tokens, model ${got.sha256}), the model says ${want.label} ${want.score} (${want.tokens} tokens)`);
  }
  return `${name} ${how}`;
}

async function run(t, p) {
  const modelText = fs.readFileSync(MODEL_FILE, 'utf8');
  const model = JSON.parse(modelText);
  const fileSha = sha256(modelText);
  const ns = t.json(['get', 'namespace', t.ns], { namespaced: false });
  const enforce = ns.metadata.labels?.['pod-security.kubernetes.io/enforce'];
  expect(enforce === 'restricted', `namespace ${t.ns} enforces Pod Security "${enforce}", not "restricted"`);
  const deploy = server(t);
  const seen = await t.eventually('every model server pod serving the image\'s model', async () => {
    const pods = t.pods(deploy);
    expect(pods.length > 0, 'no model server pod');
    const out = [];
    for (const pod of pods) out.push(await checkPod(t, pod, p, model, fileSha));
    return out;
  }, { timeout: p.counterpart ? 20 : 30, interval: 2 });
  return `${TEXTS.length} predictions each as the model ${model.name} ${model.version} (sha256 ${fileSha.slice(0, 12)}) computes them, under restricted: ${seen.join('; ')}`;
}

/** Patches the model server's Deployment (Recreate: no old pod keeps serving) and waits for the new pods to run. */
async function breakWith(t, ops, why) {
  const deploy = server(t);
  const i = deploy.spec.template.spec.initContainers.findIndex((c) => c.name === DATA);
  expect(i >= 0, `${deploy.metadata.name} has no ${DATA} init container`);
  t.patch(`deployment/${deploy.metadata.name}`, [{ op: 'replace', path: '/spec/strategy', value: { type: 'Recreate' } }, ...ops(i)]);
  const generation = t.json(['get', `deployment/${deploy.metadata.name}`]).metadata.generation;
  await t.eventually(`the model server's pods ${why} and running`, () => {
    const d = t.json(['get', `deployment/${deploy.metadata.name}`]);
    const all = t.pods(d, { all: true });
    const fresh = all.filter((x) => !x.metadata.deletionTimestamp && statusOf(x, SERVER)?.state?.running);
    if (d.status.observedGeneration < generation || d.status.updatedReplicas !== d.spec.replicas || all.length !== fresh.length || fresh.length !== d.spec.replicas) {
      throw new BehaviorFailure(`${fresh.length} of ${d.spec.replicas} new pods running, ${all.length - fresh.length} others`);
    }
    return true;
  }, { timeout: 150, interval: 2 });
}

export default {
  pattern: 'DataImage',
  examples: {
    'model-server': { mode: 'process-namespace' },
    'model-server-copy': { mode: 'copy' },
  },
  checks: [
    {
      name: 'the server answers predictions computed from the model in its data image, under restricted',
      timeout: 90,
      run,
    },
  ],
  counterparts: [
    {
      check: 'the server answers predictions computed from the model in its data image, under restricted',
      breaks: 'the data container runs with another UID than the server (10002, GID unchanged)',
      timeout: 40,
      async break(t) {
        await breakWith(t, (i) => [{ op: 'replace', path: `/spec/template/spec/initContainers/${i}/securityContext/runAsUser`, value: 10002 }], 'with the data container as UID 10002');
      },
    },
    {
      check: 'the server answers predictions computed from the model in its data image, under restricted',
      breaks: 'the pod stops sharing its process namespace (same UIDs again)',
      timeout: 40,
      async break(t) {
        const pod = t.pods(server(t))[0];
        const uid = containerSpec(pod, SERVER).securityContext.runAsUser;
        await breakWith(t, (i) => [
          { op: 'replace', path: `/spec/template/spec/initContainers/${i}/securityContext/runAsUser`, value: uid },
          { op: 'replace', path: '/spec/template/spec/shareProcessNamespace', value: false },
        ], 'without a shared process namespace');
      },
    },
  ],
};
