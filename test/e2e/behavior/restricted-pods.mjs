// RestrictedPods: every running container of every example runs as the non-root user it declares,
// with no capabilities, no privilege escalation, the runtime's seccomp filter and a read-only root
// filesystem. Read on the host from the container's processes (/proc/<pid>/status), and the root
// filesystem is tried with a real write through /proc/<pid>/root, which must fail with EROFS.
import fs from 'node:fs';
import { containerPids, expect } from './lib.mjs';

/** Fields of /proc/<pid>/status, or null when the process has gone. */
function procStatus(pid) {
  let text;
  try { text = fs.readFileSync(`/proc/${pid}/status`, 'utf8'); } catch { return null; }
  return Object.fromEntries(text.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

/** null when writing into the root filesystem of `pid` is refused as read-only, else what happened. */
function rootWritable(pid) {
  const f = `/proc/${pid}/root/.cdk8s-patterns-e2e-write-probe`;
  try {
    fs.writeFileSync(f, 'x');
  } catch (e) {
    return e.code === 'EROFS' ? null : e.code === 'ENOENT' || e.code === 'ESRCH' ? 'gone' : `write failed with ${e.code}, not EROFS`;
  }
  fs.rmSync(f, { force: true });
  return 'the write succeeded';
}

/** Problems of one running container; [] when it runs restricted. */
function inspect(pod, spec, status) {
  const where = `container ${status.name} of ${pod.metadata.name}`;
  const sc = { ...(pod.spec.securityContext || {}), ...(spec.securityContext || {}) };
  const pids = containerPids(pod, status.containerID);
  if (!pids.length) return [`${where}: no process found on this host (cgroup of ${status.containerID})`];
  const problems = [];
  let seen = 0;
  for (const pid of pids) {
    const st = procStatus(pid);
    if (!st) continue;
    // runc's own bootstrap of an exec probe or `kubectl exec` (runc:[1:CHILD], runc:[2:INIT])
    // joins the container's cgroup as root for a few milliseconds, sets the container's
    // credentials, seccomp filter and no_new_privs, then execs the command: it is the runtime,
    // not a process of the container. Seen once, racing redis's exec readiness probe.
    if (st.Name.startsWith('runc:[')) continue;
    seen++;
    const [ruid, euid] = st.Uid.split(/\s+/).map(Number);
    const egid = Number(st.Gid.split(/\s+/)[1]);
    if (ruid === 0 || euid === 0) problems.push(`${where}: pid ${pid} (${st.Name}) runs as root (Uid ${st.Uid})`);
    if (sc.runAsUser !== undefined && euid !== sc.runAsUser) problems.push(`${where}: pid ${pid} runs as uid ${euid}, declared ${sc.runAsUser}`);
    if (sc.runAsGroup !== undefined && egid !== sc.runAsGroup) problems.push(`${where}: pid ${pid} runs as gid ${egid}, declared ${sc.runAsGroup}`);
    for (const cap of ['CapEff', 'CapPrm', 'CapBnd', 'CapAmb']) {
      if (st[cap] && /[^0]/.test(st[cap])) problems.push(`${where}: pid ${pid} has capabilities ${cap}=${st[cap]}`);
    }
    if (st.NoNewPrivs !== '1') problems.push(`${where}: pid ${pid} may gain privileges (NoNewPrivs ${st.NoNewPrivs})`);
    if (st.Seccomp !== '2') problems.push(`${where}: pid ${pid} has no seccomp filter (Seccomp ${st.Seccomp})`);
    const w = rootWritable(pid);
    if (w && w !== 'gone') problems.push(`${where}: root filesystem is writable (${w} in pid ${pid}'s root)`);
  }
  if (!seen) return [`${where}: its processes exited while being read`];
  return problems;
}

export default {
  pattern: 'RestrictedPods',
  examples: { '*': {} },
  // Every pod of batch-job has completed by the time checks run: no process left to read.
  except: ['batch-job'],
  checks: [
    {
      name: 'every running container is non-root as declared, without capabilities, with a read-only root',
      timeout: 60,
      async run(t) {
        const pods = t.json(['get', 'pods']).items.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running');
        const problems = [];
        let containers = 0;
        for (const pod of pods) {
          const specs = [...(pod.spec.initContainers || []), ...pod.spec.containers];
          for (const status of [...(pod.status.initContainerStatuses || []), ...(pod.status.containerStatuses || [])]) {
            if (!status.state?.running) continue;
            containers++;
            problems.push(...inspect(pod, specs.find((c) => c.name === status.name), status));
          }
        }
        expect(containers > 0, 'no running container to inspect');
        expect(!problems.length, () => `${problems.length} problem(s): ${problems.slice(0, 4).join('; ')}`);
        return `${containers} containers in ${pods.length} pods: non-root as declared, CapEff/CapBnd 0, NoNewPrivs, seccomp, root EROFS`;
      },
    },
  ],
  counterparts: [
    {
      check: 'every running container is non-root as declared, without capabilities, with a read-only root',
      breaks: 'a pod with a writable root filesystem runs beside the others',
      example: 'scalewhale-2-replicas',
      timeout: 30,
      async break(t) {
        const deploy = t.get('deployments', 'scalewhale-2-replicas-whale-');
        const spec = structuredClone(deploy.spec.template.spec);
        for (const c of spec.containers) c.securityContext = { ...c.securityContext, readOnlyRootFilesystem: false };
        t.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'writable-root', labels: { 'e2e-counterpart': 'writable-root' } }, spec });
        t.run(['wait', '--for=condition=Ready', 'pod/writable-root', '--timeout=60s']);
      },
    },
  ],
};
