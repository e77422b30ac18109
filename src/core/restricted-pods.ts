import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { PodSpecFields } from './pod-spec-fields';
import { ContainerSecurityOptions } from './security';

/**
 * Makes every pod under a scope meet Pod Security *restricted*, plain cdk8s-plus workloads
 * included.
 *
 * cdk8s-plus-28 already runs containers as non-root, without privilege escalation and with a
 * read-only root filesystem, but sets neither `capabilities.drop: [ALL]` nor a seccomp profile,
 * so its pods are rejected by a namespace that enforces *restricted*. `RestrictedPods.applyTo`
 * fills both in for every container and init container. It runs when the app synthesizes
 * (cdk8s has no aspects; a validation is the hook that runs before manifests are rendered), so
 * workloads added after the call are covered too. A container the user explicitly made
 * privileged, root or escalating is not silently changed: synthesis fails and names it.
 */
export class RestrictedPods {
  /**
   * Hardens every pod under `scope` (a Chart, an App or any construct) at synthesis. A
   * container's own UID and GID win over `options`; only the first call on a scope counts.
   */
  public static applyTo(scope: IConstruct, options: ContainerSecurityOptions = {}): void {
    if (APPLIED.has(scope)) return;
    APPLIED.add(scope);
    let done = false;
    scope.node.addValidation({
      validate: () => {
        if (done) return [];
        done = true;
        const errors: string[] = [];
        for (const c of scope.node.findAll()) {
          if (c instanceof kplus.AbstractPod) errors.push(...RestrictedPods.harden(c, options));
        }
        return errors;
      },
    });
  }

  private static harden(pod: kplus.AbstractPod, options: ContainerSecurityOptions): string[] {
    const errors: string[] = [];
    const base = PodSpecFields.podSpecPath(pod);
    const obj = ApiObject.of(pod);
    const lists: Array<[string, kplus.Container[]]> = [['containers', pod.containers], ['initContainers', pod.initContainers]];
    for (const [list, containers] of lists) {
      containers.forEach((container, i) => {
        const sc = container.securityContext;
        const where = `${pod.node.path}: container ${container.name}`;
        if (sc.privileged) errors.push(`${where}: securityContext.privileged is true; Pod Security "restricted" forbids it`);
        if (sc.allowPrivilegeEscalation) errors.push(`${where}: securityContext.allowPrivilegeEscalation is true; Pod Security "restricted" forbids it`);
        if (!sc.ensureNonRoot) errors.push(`${where}: securityContext.ensureNonRoot is false; Pod Security "restricted" requires non-root`);
        if (sc.user === 0) errors.push(`${where}: securityContext.user is 0; Pod Security "restricted" requires non-root`);
        const extra = (sc.capabilities?.add ?? []).filter(c => c !== kplus.Capability.NET_BIND_SERVICE);
        if (extra.length > 0) errors.push(`${where}: securityContext.capabilities.add has ${extra.join(', ')}; only NET_BIND_SERVICE is allowed`);
        const add = [...(sc.capabilities?.add ?? []), ...(options.allowNetBindService ? [kplus.Capability.NET_BIND_SERVICE] : [])];
        const hardened: { [key: string]: any } = {
          runAsNonRoot: true,
          runAsUser: sc.user ?? options.runAsUser,
          runAsGroup: sc.group ?? options.runAsGroup,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: options.readOnlyRootFilesystem ?? sc.readOnlyRootFilesystem,
          capabilities: add.length > 0 ? { drop: ['ALL'], add: [...new Set(add)] } : { drop: ['ALL'] },
          seccompProfile: sc.seccompProfile ?? { type: 'RuntimeDefault' },
        };
        for (const k of Object.keys(hardened)) if (hardened[k] === undefined) delete hardened[k];
        obj.addJsonPatch(JsonPatch.add(`${base}/${list}/${i}/securityContext`, hardened));
      });
    }
    return errors;
  }
}

const APPLIED = new WeakSet<IConstruct>();
