import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid, invalidInput, isDnsSubdomain, validateList } from '../core/validation';

/**
 * An RBAC verb. There is deliberately no `*`: name every verb a workload needs.
 */
export enum ApiVerb {
  /** Read one object. */
  GET = 'get',
  /** Read a collection. */
  LIST = 'list',
  /** Stream changes. */
  WATCH = 'watch',
  /** Create objects (cannot be limited by `resourceNames`). */
  CREATE = 'create',
  /** Replace an object. */
  UPDATE = 'update',
  /** Patch an object. */
  PATCH = 'patch',
  /** Delete one object. */
  DELETE = 'delete',
  /** Delete a collection (cannot be limited by `resourceNames`). */
  DELETECOLLECTION = 'deletecollection',
}

/** The verbs that observe a kind: what a controller needs on everything it watches. */
export const READ_VERBS: ApiVerb[] = [ApiVerb.GET, ApiVerb.LIST, ApiVerb.WATCH];

/**
 * One least-privilege RBAC rule: explicit API groups, resources and verbs, never wildcards.
 */
export interface AccessRule {
  /**
   * The API groups (`""` for the core group, `apps`, `k8spatterns.com`, ...).
   */
  readonly apiGroups: string[];

  /**
   * The resources, as plural lower-case names (`pods`, `deployments`), optionally with a
   * subresource (`deployments/scale`, `configwatchers/status`).
   */
  readonly resources: string[];

  /**
   * The verbs.
   */
  readonly verbs: ApiVerb[];

  /**
   * Limit the rule to these object names. Not allowed with `create` or `deletecollection`,
   * which the API server never checks against names.
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
}

/**
 * A kind a controller observes: it receives get, list and watch on it.
 */
export interface WatchedResource {
  /**
   * The API group (`""` for the core group).
   */
  readonly apiGroup: string;

  /**
   * The resource, plural and lower case (`configmaps`).
   */
  readonly resource: string;
}

const RESOURCE = /^[a-z][a-z0-9]*(\/[a-z][a-z0-9]*)?$/;

/**
 * Least-privilege RBAC helpers shared by the patterns that talk to the API server.
 */
export class LeastPrivilege {
  /**
   * Checks rules and returns them unchanged; throws the library's error on a wildcard, an
   * unknown verb, an empty list or a name limit that would not apply.
   *
   * @param scope the construct the rules belong to (for the error's path)
   * @param field the prop the rules came from (for the error)
   * @param rules the rules
   */
  public static validate(scope: Construct, field: string, rules: AccessRule[]): AccessRule[] {
    if (!Construct.isConstruct(scope)) invalidInput('LeastPrivilege.validate', 'scope', scope, 'must be the construct the rules belong to');
    const verbs = Object.values(ApiVerb) as string[];
    validateList(scope, field, rules).forEach((r, i) => {
      const f = `${field}[${i}]`;
      if (r === null || typeof r !== 'object' || Array.isArray(r)) invalid(scope, f, r, 'must be an access rule: an object with apiGroups, resources and verbs');
      if (validateList(scope, `${f}.apiGroups`, r.apiGroups).length === 0) invalid(scope, `${f}.apiGroups`, r.apiGroups, 'must list at least one API group ("" is the core group)');
      for (const g of r.apiGroups) {
        if (g !== '' && !isDnsSubdomain(g)) invalid(scope, `${f}.apiGroups`, g, 'must be an API group name ("" for core), never "*"');
      }
      if (validateList(scope, `${f}.resources`, r.resources).length === 0) invalid(scope, `${f}.resources`, r.resources, 'must list at least one resource');
      for (const res of r.resources) {
        if (typeof res !== 'string' || !RESOURCE.test(res)) invalid(scope, `${f}.resources`, res, 'must be a plural lower-case resource, optionally with "/subresource", never "*"');
      }
      if (validateList(scope, `${f}.verbs`, r.verbs).length === 0) invalid(scope, `${f}.verbs`, r.verbs, 'must list at least one verb');
      for (const v of r.verbs) {
        if (!verbs.includes(v)) invalid(scope, `${f}.verbs`, v, `must be one of ${verbs.join(', ')} (never "*")`);
      }
      if (new Set(r.verbs).size !== r.verbs.length) invalid(scope, `${f}.verbs`, r.verbs, 'must not repeat a verb');
      if (r.resourceNames !== undefined) {
        if (validateList(scope, `${f}.resourceNames`, r.resourceNames).length === 0) invalid(scope, `${f}.resourceNames`, r.resourceNames, 'must list at least one name (leave it out for every object)');
        for (const n of r.resourceNames) {
          if (!isDnsSubdomain(n)) invalid(scope, `${f}.resourceNames`, n, 'must be an object name, never "*"');
        }
        const unnamed = r.verbs.filter(v => v === ApiVerb.CREATE || v === ApiVerb.DELETECOLLECTION);
        if (unnamed.length > 0) invalid(scope, `${f}.verbs`, unnamed, 'cannot be limited by resourceNames: put them in a rule without names');
      }
    });
    return rules;
  }

  /**
   * The rules that let a controller observe kinds: get, list and watch on each.
   */
  public static readRules(scope: Construct, field: string, watches: WatchedResource[]): AccessRule[] {
    if (!Construct.isConstruct(scope)) invalidInput('LeastPrivilege.readRules', 'scope', scope, 'must be the construct the rules belong to');
    return LeastPrivilege.validate(scope, field, validateList(scope, field, watches).map((w, i) => {
      if (w === null || typeof w !== 'object' || Array.isArray(w)) invalid(scope, `${field}[${i}]`, w, 'must be a watched resource: an object with apiGroup and resource');
      if (typeof w.apiGroup !== 'string') invalid(scope, `${field}[${i}].apiGroup`, w.apiGroup, 'must be an API group name ("" for core)');
      return { apiGroups: [w.apiGroup], resources: [w.resource], verbs: READ_VERBS };
    }));
  }

  /**
   * Adds validated rules to a namespaced Role.
   */
  public static grantInRole(role: kplus.Role, rules: AccessRule[]): void {
    if (!(role instanceof kplus.Role)) invalidInput('LeastPrivilege.grantInRole', 'role', role, 'must be a kplus.Role');
    LeastPrivilege.validate(role, 'rules', rules);
    for (const r of rules) role.allow(r.verbs, ...apiResources(r));
  }

  /**
   * Adds validated rules to a ClusterRole.
   */
  public static grantInClusterRole(role: kplus.ClusterRole, rules: AccessRule[]): void {
    if (!(role instanceof kplus.ClusterRole)) invalidInput('LeastPrivilege.grantInClusterRole', 'role', role, 'must be a kplus.ClusterRole');
    LeastPrivilege.validate(role, 'rules', rules);
    for (const r of rules) {
      role.allow(r.verbs, ...apiResources(r).map(res => ({ asApiResource: () => res, asNonApiResource: () => undefined })));
    }
  }
}

function apiResources(r: AccessRule): kplus.IApiResource[] {
  const out: kplus.IApiResource[] = [];
  for (const apiGroup of r.apiGroups) {
    for (const resourceType of r.resources) {
      for (const resourceName of r.resourceNames ?? [undefined]) {
        // cdk8s-plus writes "core" as the empty group.
        out.push({ apiGroup: apiGroup === '' ? 'core' : apiGroup, resourceType, resourceName });
      }
    }
  }
  return out;
}

