import { podSpecOfManifest } from './pod-spec';
import type { ContainerSecurityOptions } from './security';
import { sortedJson } from './sorted-json';

/** The seccomp profile types *restricted* allows. */
const ALLOWED_SECCOMP = ['RuntimeDefault', 'Localhost'];

/** The one capability *restricted* lets a container add. */
const NET_BIND_SERVICE = 'NET_BIND_SERVICE';

/**
 * Container settings that break *restricted* and that hardening must not silently undo,
 * because the user asked for them: the one list behind the construct-time check of a
 * container a pattern adds (cdk8s-plus field names) and the synth-time check of
 * `RestrictedPods.applyTo` (manifest field names).
 */
export const REFUSED_SECURITY_SETTINGS: ReadonlyArray<{
  /** The field in the manifest's `securityContext`. */
  readonly field: string;
  /** The same field in cdk8s-plus's `ContainerSecurityContextProps`. */
  readonly plusField: string;
  readonly refused: (value: any) => boolean;
  readonly allowed: string;
}> = [
  { field: 'privileged', plusField: 'privileged', refused: v => v === true, allowed: 'must be false: privileged containers are not allowed by Pod Security "restricted"' },
  { field: 'allowPrivilegeEscalation', plusField: 'allowPrivilegeEscalation', refused: v => v === true, allowed: 'must be false under Pod Security "restricted"' },
  { field: 'runAsNonRoot', plusField: 'ensureNonRoot', refused: v => v === false, allowed: 'must be true under Pod Security "restricted"' },
  { field: 'runAsUser', plusField: 'user', refused: v => v === 0, allowed: 'must be a non-zero UID under Pod Security "restricted"' },
  {
    field: 'capabilities.add',
    plusField: 'capabilities.add',
    refused: v => Array.isArray(v) && v.some(c => c !== NET_BIND_SERVICE),
    allowed: `may only contain ${NET_BIND_SERVICE} under Pod Security "restricted"`,
  },
  {
    field: 'seccompProfile.type',
    plusField: 'seccompProfile.type',
    refused: v => v !== undefined && !ALLOWED_SECCOMP.includes(v),
    allowed: `must be ${ALLOWED_SECCOMP.join(' or ')} under Pod Security "restricted"`,
  },
];

/** A dotted field of an object (`capabilities.add`). */
export function fieldAt(obj: any, dotted: string): any {
  return dotted.split('.').reduce((at, k) => (at === undefined || at === null ? undefined : at[k]), obj);
}

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
    if (podSeccomp !== undefined && !ALLOWED_SECCOMP.includes(podSeccomp)) {
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
      for (const cap of add.filter(a => a !== NET_BIND_SERVICE)) {
        out.push(`${where}.securityContext.capabilities.add must not include ${cap} (only NET_BIND_SERVICE)`);
      }
      const seccomp = sc.seccompProfile?.type ?? podSeccomp;
      if (!ALLOWED_SECCOMP.includes(seccomp)) {
        out.push(`${where}.securityContext.seccompProfile.type must be RuntimeDefault or Localhost (here or on the pod)`);
      }
      for (const p of c.ports ?? []) {
        if (p.hostPort) out.push(`${where}.ports[${p.containerPort}].hostPort must not be set`);
      }
    }
    return out;
  }

  /**
   * A container's `securityContext` (as in a manifest) with everything *restricted* requires
   * filled in: non-root, no privilege escalation, not privileged, every capability dropped
   * (`NET_BIND_SERVICE` kept or added on request), the runtime's default seccomp profile unless
   * one is set. The container's own UID and GID win over `options`; `readOnlyRootFilesystem`
   * in `options` overrides the container's. Settings it cannot fix without overriding the user
   * (privileged, root, escalation, other capabilities) are left for `violations` to report.
   * Its keys are sorted, as cdk8s writes them.
   */
  public static hardenedSecurityContext(securityContext: any, options: ContainerSecurityOptions = {}): any {
    const sc = securityContext ?? {};
    const add: string[] = [...(sc.capabilities?.add ?? []), ...(options.allowNetBindService ? [NET_BIND_SERVICE] : [])];
    const hardened: { [key: string]: any } = {
      ...sc,
      runAsNonRoot: sc.runAsNonRoot ?? true,
      runAsUser: sc.runAsUser ?? options.runAsUser,
      runAsGroup: sc.runAsGroup ?? options.runAsGroup,
      privileged: sc.privileged ?? false,
      allowPrivilegeEscalation: sc.allowPrivilegeEscalation ?? false,
      readOnlyRootFilesystem: options.readOnlyRootFilesystem ?? sc.readOnlyRootFilesystem,
      capabilities: add.length > 0 ? { drop: ['ALL'], add: [...new Set(add)] } : { drop: ['ALL'] },
      seccompProfile: sc.seccompProfile ?? { type: 'RuntimeDefault' },
    };
    return sortedJson(hardened);
  }

  /**
   * The pod spec inside a manifest of any pod-bearing kind, or undefined for other kinds.
   */
  public static podSpecOf(manifest: any): any {
    return podSpecOfManifest(manifest);
  }
}
