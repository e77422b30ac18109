import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { validateWorkload } from '../core/pod-attachment';
import { podSpecOfManifest } from '../core/pod-spec';
import { formatValue, invalid } from '../core/validation';

/** Which construct scales a workload, and with what (for the one-autoscaler-per-workload rule). */
const SCALED = new WeakMap<kplus.Workload, { readonly by: string; readonly what: string }>();

/** What a workload's scale target reference is. */
export interface ScaleTargetRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * Takes a workload for an autoscaler (`what`, e.g. "a HorizontalPodAutoscaler"): it must be a
 * cdk8s-plus Deployment or StatefulSet in the scope's chart, scaled by nothing else, and leave
 * its replicas unset. Marks it as autoscaled, so cdk8s-plus omits `spec.replicas`.
 */
export function claimScaleTarget(scope: Construct, workload: kplus.Workload, what: string): ScaleTargetRef {
  const allowed = 'a cdk8s-plus Deployment or StatefulSet (the kinds with a scale subresource that cdk8s-plus can leave unscaled)';
  validateWorkload(scope, workload, allowed);
  if (!(workload instanceof kplus.Deployment || workload instanceof kplus.StatefulSet)) {
    invalid(scope, 'workload', `${workload.constructor?.name} ${workload.node.path}`, `must be ${allowed}`);
  }
  const other = SCALED.get(workload);
  if (other) {
    invalid(scope, 'workload', workload.node.path, `already has ${other.what} from ${other.by}: one autoscaler per workload, two would fight over its replicas`
      + (other.what !== what ? ' (a KEDA ScaledObject creates its own HorizontalPodAutoscaler: give KEDA a cpu or memory trigger instead of an HPA metric)' : ''));
  }
  if (workload.replicas !== undefined) {
    invalid(scope, 'workload.replicas', workload.replicas,
      `must be unset on ${workload.node.path}: ${what} of ${scope.node.path} owns the replica count, and every apply of a manifest with spec.replicas would reset it to ${workload.replicas}; remove replicas from ${workload.node.path}`);
  }
  SCALED.set(workload, { by: scope.node.path, what });
  workload.markHasAutoscaler();
  scope.node.addValidation({ validate: () => otherAutoscalers(scope, workload) });
  const target = workload.toScalingTarget();
  return { apiVersion: target.apiVersion, kind: target.kind, name: target.name };
}

/** A `kplus.HorizontalPodAutoscaler` on the same workload, created before or after ours. */
function otherAutoscalers(scope: Construct, workload: kplus.Workload): string[] {
  return Chart.of(workload).node.findAll()
    .filter((c): c is kplus.HorizontalPodAutoscaler => c instanceof kplus.HorizontalPodAutoscaler && (c.target as unknown) === workload)
    .map(c => message(scope, 'workload', workload.node.path, `already has a HorizontalPodAutoscaler from ${c.node.path}: one autoscaler per workload, two would fight over its replicas; remove one`));
}

/** A resource whose requests a metric or trigger is measured against. */
export interface RequestDemand {
  /** `cpu` or `memory`. */
  readonly resource: string;
  /** The one container measured; all of them when undefined. */
  readonly container?: string;
  /** The field that asks (e.g. `metrics[0]`), and how it reads in the message. */
  readonly field: string;
  readonly description: string;
  /** Why the request is needed, for the message. */
  readonly why: string;
}

/**
 * The containers of the rendered pod that lack a request for a resource a metric or trigger is
 * measured against, as error messages. Runs at validation time, on the pod as rendered (with
 * the containers other pod patterns add), so it sees what the API server will see. A limit
 * counts: the API server copies a container's limit into its missing request.
 */
export function missingRequests(scope: Construct, workload: kplus.Workload, demands: RequestDemand[]): string[] {
  if (demands.length === 0) return [];
  let spec: any;
  try {
    spec = podSpecOfManifest(ApiObject.of(workload).toJson());
  } catch {
    return []; // the workload's own validation reports why it cannot render
  }
  // Native sidecars (restartPolicy Always) run beside the application, and recent HPA versions count them.
  const containers: any[] = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []).filter((c: any) => c.restartPolicy === 'Always')];
  const problems: string[] = [];
  for (const d of demands) {
    const measured = d.container === undefined ? containers : containers.filter(c => c.name === d.container);
    if (d.container !== undefined && measured.length === 0) {
      problems.push(message(scope, `${d.field}.container`, d.container, `must name a container of ${workload.node.path}: ${containers.map(c => c.name).join(', ') || '(none)'}`));
      continue;
    }
    for (const c of measured) {
      const has = c.resources?.requests?.[d.resource] !== undefined || c.resources?.limits?.[d.resource] !== undefined;
      if (!has) {
        problems.push(message(scope, d.field, d.description,
          `needs a ${d.resource} request on container ${c.name} of ${workload.node.path}, which has none: ${d.why}; give the container resources.${d.resource}.request (a ResourcePreset sets one)`));
      }
    }
  }
  return problems;
}

/** The library's error message, as a validation result instead of an exception. */
export function message(scope: Construct, field: string, value: unknown, allowed: string): string {
  return `${scope.node.path}: invalid ${field} ${formatValue(value)}: ${allowed}`;
}
