import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { PodMutations } from './pod-mutations';
import { ContainerSecurityOptions, validateSecurityOptions } from './security';
import { invalidInput } from './validation';

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
   * container's own UID and GID win over `options`; a second call on the same scope is ignored,
   * and calls on nested scopes with different options fail, naming both.
   */
  public static applyTo(scope: IConstruct, options: ContainerSecurityOptions = {}): void {
    if (!Construct.isConstruct(scope)) invalidInput('RestrictedPods.applyTo', 'scope', scope, 'must be a construct: a Chart, an App or any construct');
    validateSecurityOptions('RestrictedPods.applyTo', 'options', options ?? {});
    if (APPLIED.has(scope)) return;
    APPLIED.add(scope);
    // The pods are found when the app synthesizes, so workloads added after this call are
    // covered; each is handed to the pod mutations, which harden it as they render it.
    scope.node.addValidation({
      validate: () => {
        for (const c of scope.node.findAll()) {
          if (c instanceof kplus.AbstractPod) PodMutations.of(c).restrict(`RestrictedPods.applyTo(${scope.node.path || '<app>'})`, options ?? {});
        }
        return [];
      },
    });
  }
}

const APPLIED = new WeakSet<IConstruct>();
