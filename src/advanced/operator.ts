import { Construct } from 'constructs';
import { AccessRule, ApiVerb } from './access-rule';
import { Controller, ControllerProps } from './controller';
import { CustomResourceDefinition, CustomResourceScope } from './custom-resource-definition';
import { invalid, validateList } from '../core/validation';

/**
 * Props of `Operator`.
 */
export interface OperatorProps extends ControllerProps {
  /**
   * The custom resources the operator reconciles. It may read, watch, patch and update them,
   * write their `/status` and set their `/finalizers`; never create or delete them.
   */
  readonly customResources: CustomResourceDefinition[];
}

/** Verbs an operator has on its custom resources (finalizers are added by patch or update). */
export const CUSTOM_RESOURCE_VERBS = [ApiVerb.GET, ApiVerb.LIST, ApiVerb.WATCH, ApiVerb.PATCH, ApiVerb.UPDATE];
/** Verbs on the `/status` subresource. */
export const STATUS_VERBS = [ApiVerb.GET, ApiVerb.PATCH, ApiVerb.UPDATE];
/** Verbs on the `/finalizers` subresource (needed to set owner references that block deletion). */
export const FINALIZER_VERBS = [ApiVerb.UPDATE];

/**
 * Operator (Kubernetes Patterns): a `Controller` plus the CustomResourceDefinitions it owns.
 * Besides the controller's declared watches and writes it receives get, list, watch, patch and
 * update on each custom resource's plural, get, patch and update on `<plural>/status` (for
 * definitions with a status subresource) and update on `<plural>/finalizers`. A namespaced
 * operator cannot own cluster-scoped resources.
 */
export class Operator extends Controller {
  /** The custom resources the operator reconciles. */
  public readonly customResources: CustomResourceDefinition[];

  constructor(scope: Construct, id: string, props: OperatorProps) {
    super(scope, id, props);
    if (validateList(this, 'customResources', props.customResources).length === 0) {
      invalid(this, 'customResources', [], 'must list at least one CustomResourceDefinition (a controller without one is a Controller)');
    }
    const rules: AccessRule[] = [];
    props.customResources.forEach((crd, i) => {
      if (!(crd instanceof CustomResourceDefinition)) {
        invalid(this, `customResources[${i}]`, crd, 'must be a CustomResourceDefinition of this library');
      }
      if (crd.resourceScope === CustomResourceScope.CLUSTER && !this.clusterWide) {
        invalid(this, `customResources[${i}]`, crd.name, 'is cluster-scoped: only a clusterWide operator can be granted access to it');
      }
      const apiGroups = [crd.group];
      rules.push({ apiGroups, resources: [crd.plural], verbs: CUSTOM_RESOURCE_VERBS });
      if (crd.hasStatusSubresource) rules.push({ apiGroups, resources: [`${crd.plural}/status`], verbs: STATUS_VERBS });
      rules.push({ apiGroups, resources: [`${crd.plural}/finalizers`], verbs: FINALIZER_VERBS });
    });
    this.grant(...rules);
    this.customResources = [...props.customResources];
    for (const crd of this.customResources) this.deployment.node.addDependency(crd);
  }

  /**
   * An Operator also needs its custom resources.
   * @internal
   */
  protected _requiredProps(): string[] {
    return [...super._requiredProps(), 'customResources'];
  }
}
