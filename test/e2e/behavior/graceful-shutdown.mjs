// GracefulShutdown: deleting a pod runs the preStop hook first, so SIGTERM reaches the app only
// after the preStop sleep (endpoints are drained meanwhile), and the pod is gone before its
// termination grace period ends (the app stopped on SIGTERM and was not killed). Observed on a
// real deletion: the app's own `shutdown: SIGTERM received` log line (ms timestamp, the host's
// clock) against the moment the host asked for the deletion.
import { expect, sleep } from './lib.mjs';

const SIGTERM = /shutdown: SIGTERM received/;

/** Seconds of a sleep operand as the demo's `sleep` reads it (`10`, `1.5`, `2s`, `3m`, `1h`, `1d`); NaN otherwise. */
function sleepOperand(s) {
  const m = String(s).match(/^(\d+(?:\.\d+)?)([smhd]?)$/);
  return m ? Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]] : NaN;
}

/** The preStop pause of a container: the kubelet's sleep action, or an exec of `sleep N...`; null when it has none. */
function preStopSeconds(container) {
  const hook = container.lifecycle?.preStop;
  if (hook?.sleep) return Number(hook.sleep.seconds);
  const cmd = hook?.exec?.command;
  if (cmd && /(^|\/)sleep$/.test(cmd[0])) {
    const secs = cmd.slice(1).reduce((a, x) => a + sleepOperand(x), 0);
    if (!Number.isNaN(secs)) return secs;
  }
  return null;
}

/** ms of a demo log line's leading `<RFC3339 ms>` timestamp. */
function stampOf(line) {
  const m = line.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s/);
  expect(m, `the log line "${line.slice(0, 100)}" has no leading timestamp`);
  return Date.parse(m[1]);
}

export default {
  pattern: 'GracefulShutdown',
  // preStopSeconds: what examples/startup-sequence/main.ts declares (preStopSleepSeconds: 10); the pod spec's own
  // value is used when it has a preStop hook, this one when the hook is gone.
  examples: { 'startup-sequence': { deployment: 'startup-sequence-api-', container: 'api', preStopSeconds: 10 } },
  checks: [
    {
      name: 'a deleted pod gets SIGTERM only after its preStop sleep and is gone within its grace period',
      timeout: 180,
      async run(t, { deployment, container, preStopSeconds: declared }) {
        const deploy = t.get('deployments', deployment);
        const pods = t.readyPods(deploy);
        expect(pods.length, `no ready pod of ${deploy.metadata.name}`);
        const pod = pods[0];
        const name = pod.metadata.name;
        const spec = pod.spec.containers.find((c) => c.name === container);
        const hook = preStopSeconds(spec);
        const pause = hook ?? declared;
        const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
        const hookSays = hook === null ? `the pod has no preStop sleep; the example declares ${declared}s` : `preStop sleep ${hook}s`;

        const log = t.follow(pod, container);
        await t.eventually(`${name}/${container}'s log stream`, () => log.lines().length > 0, { timeout: 30, interval: 0.5 });
        expect(!log.lines().some((l) => SIGTERM.test(l.line)), `${name} logged a SIGTERM before it was deleted`);
        const deletedAt = Date.now();
        t.run(['delete', 'pod', name, '--wait=false']);

        // Poll the pod until it is gone, noting the container's last state; stop at once when SIGTERM came too soon.
        const afterPause = (line) => {
          const after = stampOf(line) - deletedAt;
          expect(after >= pause * 1000, `SIGTERM reached the app ${after} ms after the deletion of ${name}, `
            + `before the ${pause}s preStop sleep (${hookSays})`);
          return after;
        };
        let goneAt = null;
        let sigterm = null;
        let lastState = null;
        while (!goneAt) {
          sigterm ??= log.lines().find((l) => SIGTERM.test(l.line));
          if (sigterm) afterPause(sigterm.line);
          const out = t.run(['get', 'pod', name, '--ignore-not-found', '-o', 'json']).trim();
          if (!out) goneAt = Date.now();
          else lastState = JSON.parse(out).status?.containerStatuses?.find((c) => c.name === container)?.state?.terminated ?? lastState;
          expect(goneAt || Date.now() - deletedAt < (grace + 30) * 1000, `${name} still exists ${grace + 30}s after its deletion`);
          if (!goneAt) await sleep(500);
        }
        // The stream ends with the container's log; lines still in the pipe are read before it is stopped.
        await Promise.race([log.done, sleep(5000)]);
        log.stop();
        sigterm ??= log.lines().find((l) => SIGTERM.test(l.line));
        expect(sigterm, `${name} was deleted and is gone, but its app never logged "shutdown: SIGTERM received"`);
        const sigAfter = afterPause(sigterm.line);
        const goneAfter = goneAt - deletedAt;
        expect(goneAfter < grace * 1000, `${name} was gone only ${goneAfter} ms after the deletion, beyond its ${grace}s grace period`);
        expect(!lastState || lastState.exitCode === 0, `${name}'s ${container} ended with exit ${lastState?.exitCode} (${lastState?.reason}), not 0`);

        // The Deployment replaces the pod; the next checks need it whole again.
        const whole = () => t.readyPods(deploy).length >= deploy.spec.replicas;
        await t.eventually(`${deploy.metadata.name} available again`, whole, { timeout: 150, interval: 2 });
        t.rollout(`deployment/${deploy.metadata.name}`, 60);
        const exit = lastState ? `, exit ${lastState.exitCode}` : '';
        return `${hookSays}: SIGTERM ${sigAfter} ms after the deletion, pod gone after ${goneAfter} ms (grace ${grace}s${exit}); replaced`;
      },
    },
  ],
  counterparts: [
    {
      check: 'a deleted pod gets SIGTERM only after its preStop sleep and is gone within its grace period',
      breaks: 'the preStop hook is removed from the Deployment',
      timeout: 40,
      async break(t, { deployment, container }) {
        const deploy = t.get('deployments', deployment);
        const i = deploy.spec.template.spec.containers.findIndex((c) => c.name === container);
        t.patch(`deployment/${deploy.metadata.name}`, [{ op: 'remove', path: `/spec/template/spec/containers/${i}/lifecycle/preStop` }]);
        t.rollout(`deployment/${deploy.metadata.name}`, 170);
      },
    },
  ],
};
