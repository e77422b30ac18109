/**
 * Checks pod specs against the Pod Security Standard *restricted* (Kubernetes 1.28 rules).
 *
 * The patterns emit restricted pods by construction; this checker is how the tests, and any
 * user, prove it for whole charts, plain cdk8s-plus workloads included.
 */
export class RestrictedProfile {
  /**
   * Every violation in a pod spec (the `spec` of a Pod or the `template.spec` of a workload),
   * as messages naming the container and field; empty when the pod is restricted.
   */
  public static violations(podSpec: any): string[] {
    const out: string[] = [];
    const spec = podSpec ?? {};
    const podSc = spec.securityContext ?? {};
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (spec[f]) out.push(`spec.${f} must not be true`);
    }
    for (const v of spec.volumes ?? []) {
      const allowed = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
      const kinds = Object.keys(v).filter(k => k !== 'name');
      for (const k of kinds) {
        if (!allowed.includes(k)) out.push(`volume ${v.name}: type ${k} is not allowed (allowed: ${allowed.join(', ')})`);
      }
    }
    if (podSc.runAsUser === 0) out.push('spec.securityContext.runAsUser must not be 0');
    const podSeccomp = podSc.seccompProfile?.type;
    if (podSeccomp !== undefined && !['RuntimeDefault', 'Localhost'].includes(podSeccomp)) {
      out.push(`spec.securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not ${podSeccomp}`);
    }
    const all = [
      ...(spec.initContainers ?? []).map((c: any) => ({ c, where: `initContainers[${c.name}]` })),
      ...(spec.containers ?? []).map((c: any) => ({ c, where: `containers[${c.name}]` })),
      ...(spec.ephemeralContainers ?? []).map((c: any) => ({ c, where: `ephemeralContainers[${c.name}]` })),
    ];
    for (const { c, where } of all) {
      const sc = c.securityContext ?? {};
      if (sc.privileged) out.push(`${where}.securityContext.privileged must not be true`);
      if (sc.allowPrivilegeEscalation !== false) out.push(`${where}.securityContext.allowPrivilegeEscalation must be false`);
      const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
      if (nonRoot !== true) out.push(`${where}.securityContext.runAsNonRoot must be true (here or on the pod)`);
      if (sc.runAsUser === 0) out.push(`${where}.securityContext.runAsUser must not be 0`);
      const drop: string[] = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) out.push(`${where}.securityContext.capabilities.drop must include ALL`);
      const add: string[] = sc.capabilities?.add ?? [];
      for (const cap of add.filter(a => a !== 'NET_BIND_SERVICE')) {
        out.push(`${where}.securityContext.capabilities.add must not include ${cap} (only NET_BIND_SERVICE)`);
      }
      const seccomp = sc.seccompProfile?.type ?? podSeccomp;
      if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) {
        out.push(`${where}.securityContext.seccompProfile.type must be RuntimeDefault or Localhost (here or on the pod)`);
      }
      for (const p of c.ports ?? []) {
        if (p.hostPort) out.push(`${where}.ports[${p.containerPort}].hostPort must not be set`);
      }
    }
    return out;
  }

  /**
   * The pod spec inside a manifest of any pod-bearing kind, or undefined for other kinds.
   */
  public static podSpecOf(manifest: any): any {
    switch (manifest?.kind) {
      case 'Pod': return manifest.spec;
      case 'CronJob': return manifest.spec?.jobTemplate?.spec?.template?.spec;
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'Job':
      case 'ReplicationController':
        return manifest.spec?.template?.spec;
      default: return undefined;
    }
  }
}
