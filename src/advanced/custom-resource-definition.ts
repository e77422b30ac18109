import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { JsonSchema } from './json-schema';
import { StandardLabels } from '../core/labels';
import {
  invalid, invalidInput, isDns1035Label, isDnsSubdomain, validateDnsSubdomain, validateList, validateNonNegativeInt, validateProps,
} from '../core/validation';
import { patternLabels } from '../core/workload-pattern';

/**
 * Whether custom resources live in a namespace or in the whole cluster.
 */
export enum CustomResourceScope {
  /** One object per namespace and name (the default; least privilege is possible). */
  NAMESPACED = 'Namespaced',
  /** Cluster-wide objects; only ClusterRoles can grant access to them. */
  CLUSTER = 'Cluster',
}

/**
 * How `kubectl get` formats a printer column.
 */
export enum PrinterColumnType {
  /** Text. */
  STRING = 'string',
  /** A whole number. */
  INTEGER = 'integer',
  /** A number. */
  NUMBER = 'number',
  /** true / false. */
  BOOLEAN = 'boolean',
  /** A timestamp, printed as an age (`5m`). */
  DATE = 'date',
}

/**
 * An extra column of `kubectl get` (`additionalPrinterColumns`).
 */
export interface PrinterColumn {
  /** The column header. */
  readonly name: string;

  /** A simple JSON path into the object, starting with "." (`.spec.configMap`). */
  readonly jsonPath: string;

  /**
   * How the value is printed.
   * @default PrinterColumnType.STRING
   */
  readonly columnType?: PrinterColumnType;

  /**
   * What the column shows.
   * @default - none
   */
  readonly description?: string;

  /**
   * 0 shows the column always, higher numbers only with `-o wide`.
   * @default 0
   */
  readonly priority?: number;
}

/**
 * One version of a custom resource. Its `openAPIV3Schema` is an object of `spec` (required)
 * and, when given, `status`.
 */
export interface CustomResourceVersion {
  /** The version name (`v1`, `v1beta1`). */
  readonly name: string;

  /** The schema of `.spec`; an object schema. */
  readonly spec: JsonSchema;

  /**
   * The schema of `.status`. When given, the status subresource is enabled for this version:
   * users cannot change status through the main resource and controllers write it through
   * `/status`.
   * @default - no status and no status subresource
   */
  readonly status?: JsonSchema;

  /**
   * Whether objects are stored in this version. Exactly one version is the storage version.
   * @default - true when there is only one version
   */
  readonly storage?: boolean;

  /**
   * Whether the API serves this version.
   * @default true
   */
  readonly served?: boolean;

  /**
   * Extra `kubectl get` columns.
   * @default - none
   */
  readonly printerColumns?: PrinterColumn[];

  /**
   * Mark the version deprecated, with the warning clients receive.
   * @default - not deprecated
   */
  readonly deprecationWarning?: string;
}

/**
 * Props of `CustomResourceDefinition`.
 */
export interface CustomResourceDefinitionProps {
  /** The API group, a domain with at least one dot (`k8spatterns.com`). */
  readonly group: string;

  /** The kind, in CamelCase (`ConfigWatcher`). */
  readonly kind: string;

  /**
   * The plural resource name used in URLs and RBAC.
   * @default - the kind in lower case plus "s" (give it for irregular plurals)
   */
  readonly plural?: string;

  /**
   * The singular resource name.
   * @default - the kind in lower case
   */
  readonly singular?: string;

  /**
   * Namespaced or cluster-wide objects.
   * @default CustomResourceScope.NAMESPACED
   */
  readonly scope?: CustomResourceScope;

  /** The versions; exactly one is the storage version, and it is served. */
  readonly versions: CustomResourceVersion[];

  /**
   * Short names for kubectl (`cw`).
   * @default - none
   */
  readonly shortNames?: string[];

  /**
   * Categories for `kubectl get <category>` (`all`).
   * @default - none
   */
  readonly categories?: string[];

  /**
   * `app.kubernetes.io/name` of the definition.
   * @default - the plural
   */
  readonly appName?: string;

  /**
   * `app.kubernetes.io/part-of` of the definition.
   * @default - not set
   */
  readonly partOf?: string;
}

/**
 * Options of `CustomResourceDefinition.newInstance`.
 */
export interface CustomResourceInstanceOptions {
  /**
   * The object's name.
   * @default - derived from the construct path
   */
  readonly name?: string;

  /**
   * The version to write the object in; it must be served.
   * @default - the storage version
   */
  readonly version?: string;
}

const KIND = /^[A-Z][A-Za-z0-9]*$/;

/**
 * A CustomResourceDefinition (`apiextensions.k8s.io/v1`; Kubernetes Patterns, Operator): a new
 * kind with a structural schema written through `JsonSchema`, exactly one storage version,
 * printer columns, short names, categories and a status subresource for versions that declare a
 * status. `newInstance` writes a custom resource that is checked against the schema at synth.
 */
export class CustomResourceDefinition extends Construct {
  private static rootSchema(v: CustomResourceVersion): JsonSchema {
    return JsonSchema.ofObject({
      properties: v.status ? { spec: v.spec, status: v.status } : { spec: v.spec },
      required: ['spec'],
    });
  }

  /** The L1 object. */
  public readonly apiObject: k8s.KubeCustomResourceDefinition;
  /** The API group. */
  public readonly group: string;
  /** The kind. */
  public readonly kind: string;
  /** The plural resource name (for URLs and RBAC). */
  public readonly plural: string;
  /** The singular resource name. */
  public readonly singular: string;
  /** The scope of the custom resources. */
  public readonly resourceScope: CustomResourceScope;
  /** The storage version's name. */
  public readonly storageVersion: string;
  /** `<group>/<storage version>`, the apiVersion of new instances. */
  public readonly apiVersion: string;
  /** The definition's name, `<plural>.<group>`. */
  public readonly name: string;
  /** Whether any version has the status subresource. */
  public readonly hasStatusSubresource: boolean;

  private readonly versions: CustomResourceVersion[];

  constructor(scope: Construct, id: string, props: CustomResourceDefinitionProps) {
    super(scope, id);
    validateProps(this, props, ['group', 'kind', 'versions']);
    this.group = validateDnsSubdomain(this, 'group', props.group);
    if (!this.group.includes('.')) invalid(this, 'group', props.group, 'must be a domain with at least one dot (e.g. "example.com")');
    if (typeof props.kind !== 'string' || props.kind.length > 63 || !KIND.test(props.kind)) invalid(this, 'kind', props.kind, 'must be CamelCase: a capital letter followed by letters and digits, at most 63 characters');
    this.kind = props.kind;
    this.plural = name1035(this, 'plural', props.plural ?? `${props.kind.toLowerCase()}s`);
    this.singular = name1035(this, 'singular', props.singular ?? props.kind.toLowerCase());
    if (this.plural === this.singular) invalid(this, 'plural', this.plural, 'must differ from the singular');
    optionalList(this, 'shortNames', props.shortNames).forEach((n, i) => name1035(this, `shortNames[${i}]`, n));
    optionalList(this, 'categories', props.categories).forEach((n, i) => name1035(this, `categories[${i}]`, n));
    if (props.scope !== undefined && !Object.values(CustomResourceScope).includes(props.scope)) {
      invalid(this, 'scope', props.scope, `must be one of ${Object.values(CustomResourceScope).join(', ')}`);
    }
    this.resourceScope = props.scope ?? CustomResourceScope.NAMESPACED;
    this.name = validateDnsSubdomain(this, 'plural', `${this.plural}.${this.group}`);

    this.versions = validateList(this, 'versions', props.versions);
    if (props.versions.length === 0) invalid(this, 'versions', [], 'must list at least one version');
    const single = props.versions.length === 1;
    const seen = new Set<string>();
    props.versions.forEach((v, i) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) invalid(this, `versions[${i}]`, v, 'must be an object with at least name and spec');
      name1035(this, `versions[${i}].name`, v.name);
      if (seen.has(v.name)) invalid(this, `versions[${i}].name`, v.name, 'must be unique');
      seen.add(v.name);
      if (!(v.spec instanceof JsonSchema)) invalid(this, `versions[${i}].spec`, v.spec, 'must be a JsonSchema (JsonSchema.ofObject, mapOf or freeForm)');
      if (v.spec.jsonType !== 'object') invalid(this, `versions[${i}].spec`, v.spec.jsonType, 'must be an object schema (JsonSchema.ofObject, mapOf or freeForm)');
      if (v.status !== undefined && !(v.status instanceof JsonSchema)) invalid(this, `versions[${i}].status`, v.status, 'must be a JsonSchema (JsonSchema.ofObject, mapOf or freeForm)');
      if (v.status && v.status.jsonType !== 'object') invalid(this, `versions[${i}].status`, v.status.jsonType, 'must be an object schema (JsonSchema.ofObject, mapOf or freeForm)');
      for (const flag of ['storage', 'served'] as const) {
        if (v[flag] !== undefined && typeof v[flag] !== 'boolean') invalid(this, `versions[${i}].${flag}`, v[flag], 'must be true or false');
      }
      if (v.deprecationWarning !== undefined && typeof v.deprecationWarning !== 'string') {
        invalid(this, `versions[${i}].deprecationWarning`, v.deprecationWarning, 'must be a string: the warning clients receive');
      }
      optionalList(this, `versions[${i}].printerColumns`, v.printerColumns).forEach((c, j) => {
        const f = `versions[${i}].printerColumns[${j}]`;
        if (c === null || typeof c !== 'object' || Array.isArray(c)) invalid(this, f, c, 'must be an object with at least name and jsonPath');
        if (typeof c.name !== 'string') invalid(this, `${f}.name`, c.name, 'must be a string: the column header');
        if (c.name.trim().length === 0) invalid(this, `${f}.name`, c.name, 'must not be empty');
        if (typeof c.jsonPath !== 'string' || !c.jsonPath.startsWith('.')) invalid(this, `${f}.jsonPath`, c.jsonPath, 'must be a JSON path starting with "." (e.g. ".spec.replicas")');
        const types = Object.values(PrinterColumnType) as string[];
        if (c.columnType !== undefined && !types.includes(c.columnType)) invalid(this, `${f}.columnType`, c.columnType, `must be one of ${types.join(', ')}`);
        if (c.description !== undefined && typeof c.description !== 'string') invalid(this, `${f}.description`, c.description, 'must be a string');
        if (c.priority !== undefined) validateNonNegativeInt(this, `${f}.priority`, c.priority);
      });
    });
    const storage = props.versions.filter(v => v.storage ?? single);
    if (storage.length !== 1) {
      invalid(this, 'versions', storage.map(v => v.name), 'must mark exactly one version as storage (storage: true)');
    }
    if (storage[0].served === false) invalid(this, `versions[${props.versions.indexOf(storage[0])}].served`, false, 'must be true for the storage version');
    this.storageVersion = storage[0].name;
    this.apiVersion = `${this.group}/${this.storageVersion}`;
    this.hasStatusSubresource = props.versions.some(v => v.status !== undefined);

    this.apiObject = new k8s.KubeCustomResourceDefinition(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        group: this.group,
        scope: this.resourceScope,
        names: {
          kind: this.kind,
          listKind: `${this.kind}List`,
          plural: this.plural,
          singular: this.singular,
          shortNames: props.shortNames && props.shortNames.length > 0 ? props.shortNames : undefined,
          categories: props.categories && props.categories.length > 0 ? props.categories : undefined,
        },
        versions: props.versions.map(v => ({
          name: v.name,
          served: v.served ?? true,
          storage: v === storage[0],
          deprecated: v.deprecationWarning !== undefined ? true : undefined,
          deprecationWarning: v.deprecationWarning,
          schema: { openApiv3Schema: CustomResourceDefinition.rootSchema(v)._props },
          subresources: v.status ? { status: {} } : undefined,
          additionalPrinterColumns: v.printerColumns && v.printerColumns.length > 0 ? v.printerColumns.map(c => ({
            name: c.name,
            jsonPath: c.jsonPath,
            type: c.columnType ?? PrinterColumnType.STRING,
            description: c.description,
            priority: c.priority,
          })) : undefined,
        })),
      },
    });
    StandardLabels.applyTo(this.apiObject, patternLabels(this, { appName: props.appName ?? this.plural, partOf: props.partOf }, 'custom-resource-definition'));
  }

  /**
   * The `openAPIV3Schema` of a version as JSON.
   * @param version the version's name
   * @default - the storage version
   */
  public schemaOf(version?: string): any {
    if (version !== undefined && version !== null && typeof version !== 'string') invalid(this, 'version', version, 'must be a version name');
    return CustomResourceDefinition.rootSchema(this.version(version ?? this.storageVersion, 'version')).toJson();
  }

  /**
   * A custom resource of this kind, with the given spec. The spec is checked against the
   * version's schema here, so an object the API server would reject is never synthesized.
   *
   * @param scope where the object is created
   * @param id its construct id
   * @param spec the `.spec` content
   */
  public newInstance(scope: Construct, id: string, spec: { [key: string]: any }, options: CustomResourceInstanceOptions = {}): ApiObject {
    const opts = options ?? {};
    if (!Construct.isConstruct(scope)) invalidInput(`${this.node.path}.newInstance`, 'scope', scope, 'must be a construct in a chart');
    if (typeof id !== 'string' || id.length === 0) invalidInput(`${this.node.path}.newInstance(${scope.node.path})`, 'id', id, 'must be a non-empty string');
    const where = `${scope.node.path}/${id}`;
    if (typeof opts !== 'object' || Array.isArray(opts)) invalidInput(where, 'options', opts, 'must be an object');
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      invalidInput(where, 'spec', spec, `must be an object: the .spec of the ${this.kind}`);
    }
    if (opts.version !== undefined && typeof opts.version !== 'string') invalidInput(where, 'version', opts.version, 'must be a version name');
    const v = this.version(opts.version ?? this.storageVersion, 'version', where);
    if (v.served === false) invalidInput(where, 'version', v.name, 'must be a served version');
    if (opts.name !== undefined && !isDnsSubdomain(opts.name)) {
      invalidInput(where, 'name', opts.name, 'must be a DNS-1123 subdomain');
    }
    const problems = v.spec.violations(spec, 'spec');
    if (problems.length > 0) invalidInput(where, 'spec', spec, `must follow the ${this.kind} ${v.name} schema: ${problems.join('; ')}`);
    const obj = new ApiObject(scope, id, {
      apiVersion: `${this.group}/${v.name}`,
      kind: this.kind,
      metadata: opts.name !== undefined ? { name: opts.name } : {},
      spec,
    });
    // The definition must exist before its objects.
    obj.node.addDependency(this);
    return obj;
  }

  private version(name: string, field: string, where?: string): CustomResourceVersion {
    const v = this.versions.find(x => x.name === name);
    if (!v) invalidInput(where ?? this.node.path, field, name, `must be one of ${this.versions.map(x => x.name).join(', ')}`);
    return v;
  }
}

function name1035(scope: Construct, field: string, value: string): string {
  if (!isDns1035Label(value)) {
    invalid(scope, field, value, 'must be a lower-case DNS-1035 label: at most 63 characters of a-z, 0-9 and "-", starting with a letter');
  }
  return value;
}

/** An optional list prop: none is empty, anything else must be a list. */
function optionalList<T>(scope: Construct, field: string, value: T[] | undefined): T[] {
  return value === undefined ? [] : validateList(scope, field, value);
}
