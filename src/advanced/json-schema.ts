import { k8s } from 'cdk8s-plus-28';
import { invalidInput } from '../core/validation';

/**
 * Options every schema node accepts.
 */
export interface SchemaOptions {
  /**
   * What the field means (shown by `kubectl explain`).
   * @default - none
   */
  readonly description?: string;

  /**
   * Accept `null` as well as the type (`nullable: true`).
   * @default false
   */
  readonly nullable?: boolean;
}

/**
 * Options of `JsonSchema.ofString`.
 */
export interface StringSchemaOptions extends SchemaOptions {
  /**
   * The only values allowed (`enum`).
   * @default - any string
   */
  readonly allowedValues?: string[];

  /**
   * A regular expression the value must match (ECMA 262 / RE2 subset; anchor it yourself).
   * @default - none
   */
  readonly pattern?: string;

  /** @default - no lower bound */
  readonly minLength?: number;

  /** @default - no upper bound */
  readonly maxLength?: number;

  /**
   * A format the API server knows (e.g. `date-time`, `uri`, `hostname`).
   * @default - none
   */
  readonly format?: string;

  /**
   * The value the API server fills in when the field is absent.
   * @default - none
   */
  readonly defaultValue?: string;
}

/**
 * Options of `JsonSchema.ofInteger` and `JsonSchema.ofNumber`.
 */
export interface NumberSchemaOptions extends SchemaOptions {
  /** @default - no lower bound */
  readonly minimum?: number;

  /** @default - no upper bound */
  readonly maximum?: number;

  /**
   * The value the API server fills in when the field is absent.
   * @default - none
   */
  readonly defaultValue?: number;
}

/**
 * Options of `JsonSchema.ofBoolean`.
 */
export interface BooleanSchemaOptions extends SchemaOptions {
  /**
   * The value the API server fills in when the field is absent.
   * @default - none
   */
  readonly defaultValue?: boolean;
}

/**
 * Options of `JsonSchema.ofObject`.
 */
export interface ObjectSchemaOptions extends SchemaOptions {
  /**
   * The fields, by name. Unknown fields are pruned by the API server (and rejected by a strict
   * apply).
   */
  readonly properties: { [name: string]: JsonSchema };

  /**
   * The fields that must be present; each must be one of `properties`.
   * @default - none
   */
  readonly required?: string[];
}

/**
 * Options of `JsonSchema.arrayOf`.
 */
export interface ArraySchemaOptions extends SchemaOptions {
  /** @default - no lower bound */
  readonly minItems?: number;

  /** @default - no upper bound */
  readonly maxItems?: number;

  /**
   * Treat the array as a set of scalars (`x-kubernetes-list-type: set`): items must be unique.
   * @default false - an atomic list
   */
  readonly set?: boolean;
}

/**
 * Options of `JsonSchema.mapOf`.
 */
export interface MapSchemaOptions extends SchemaOptions {
  /** @default - no lower bound */
  readonly minProperties?: number;

  /** @default - no upper bound */
  readonly maxProperties?: number;
}

/**
 * A node of a *structural* OpenAPI v3 schema, as `apiextensions.k8s.io/v1` CustomResourceDefinitions
 * require: every node has a type, objects list their properties (or are maps of one value
 * schema), arrays have one item schema. Build it with the static factories instead of writing
 * JSON, so a schema the API server would refuse cannot be written.
 */
export class JsonSchema {
  /** A string. */
  public static ofString(options: StringSchemaOptions = {}): JsonSchema {
    const where = 'JsonSchema.ofString';
    options = optionsOf(where, options);
    if (options.allowedValues !== undefined) listOf(where, 'allowedValues', options.allowedValues, 'string');
    for (const field of ['pattern', 'format'] as const) {
      if (options[field] !== undefined && typeof options[field] !== 'string') invalidInput(where, field, options[field], 'must be a string');
    }
    lengthBounds(where, 'minLength', 'maxLength', options.minLength, options.maxLength);
    if (options.pattern !== undefined) {
      try {
        new RegExp(options.pattern);
      } catch {
        invalidInput(where, 'pattern', options.pattern, 'must be a valid regular expression');
      }
      if (!isRe2Compatible(options.pattern)) {
        invalidInput(where, 'pattern', options.pattern, 'must be an RE2 expression, as the API server compiles it: no lookahead, lookbehind or backreferences');
      }
    }
    if (options.allowedValues !== undefined && options.allowedValues.length === 0) {
      invalidInput(where, 'allowedValues', [], 'must list at least one value (leave it out to allow any string)');
    }
    const s = new JsonSchema({
      ...base(where, options),
      type: 'string',
      enum: options.allowedValues,
      pattern: options.pattern,
      minLength: options.minLength,
      maxLength: options.maxLength,
      format: options.format,
      default: options.defaultValue,
    });
    if (options.defaultValue !== undefined) {
      const problems = s.violations(options.defaultValue, 'defaultValue');
      if (problems.length > 0) invalidInput(where, 'defaultValue', options.defaultValue, `must itself be valid: ${problems.join('; ')}`);
    }
    return s;
  }

  /** A whole number. */
  public static ofInteger(options: NumberSchemaOptions = {}): JsonSchema {
    return JsonSchema.numeric('integer', optionsOf('JsonSchema.ofInteger', options));
  }

  /** A number (integer or decimal). */
  public static ofNumber(options: NumberSchemaOptions = {}): JsonSchema {
    return JsonSchema.numeric('number', optionsOf('JsonSchema.ofNumber', options));
  }

  /** `true` or `false`. */
  public static ofBoolean(options: BooleanSchemaOptions = {}): JsonSchema {
    const where = 'JsonSchema.ofBoolean';
    options = optionsOf(where, options);
    if (options.defaultValue !== undefined && typeof options.defaultValue !== 'boolean') invalidInput(where, 'defaultValue', options.defaultValue, 'must be true or false');
    return new JsonSchema({ ...base(where, options), type: 'boolean', default: options.defaultValue });
  }

  /** An object with known fields. */
  public static ofObject(options: ObjectSchemaOptions): JsonSchema {
    const where = 'JsonSchema.ofObject';
    if (options === undefined || options === null) invalidInput(where, 'options', options, 'is required: an object with at least properties');
    options = optionsOf(where, options);
    const props = options.properties;
    if (props === null || typeof props !== 'object' || Array.isArray(props)) {
      invalidInput(where, 'properties', props, 'must be an object of field names and JsonSchemas');
    }
    const names = Object.keys(props);
    for (const n of names) {
      if (!(props[n] instanceof JsonSchema)) invalidInput(where, `properties["${n}"]`, props[n], 'must be a JsonSchema (JsonSchema.ofString, ofObject, ...)');
    }
    if (options.required !== undefined) listOf(where, 'required', options.required, 'string');
    for (const n of names) {
      if (n.length === 0) invalidInput(where, 'properties', n, 'property names must not be empty');
    }
    for (const r of options.required ?? []) {
      if (!names.includes(r)) invalidInput(where, 'required', r, `must name one of the properties (${names.join(', ') || 'none'})`);
    }
    if (new Set(options.required ?? []).size !== (options.required ?? []).length) {
      invalidInput(where, 'required', options.required, 'must not list a property twice');
    }
    const properties: { [name: string]: k8s.JsonSchemaProps } = {};
    for (const n of names) properties[n] = props[n]._props;
    return new JsonSchema({
      ...base(where, options),
      type: 'object',
      properties,
      required: options.required && options.required.length > 0 ? [...options.required] : undefined,
    });
  }

  /** An array whose items all follow one schema. */
  public static arrayOf(items: JsonSchema, options: ArraySchemaOptions = {}): JsonSchema {
    const where = 'JsonSchema.arrayOf';
    if (!(items instanceof JsonSchema)) invalidInput(where, 'items', items, 'must be a JsonSchema (JsonSchema.ofString, ofObject, ...)');
    options = optionsOf(where, options);
    if (options.set !== undefined && typeof options.set !== 'boolean') invalidInput(where, 'set', options.set, 'must be true or false');
    lengthBounds(where, 'minItems', 'maxItems', options.minItems, options.maxItems);
    if (options.set && !['string', 'integer', 'number', 'boolean'].includes(items._props.type ?? '')) {
      invalidInput(where, 'set', options.set, 'requires scalar items (string, integer, number or boolean)');
    }
    return new JsonSchema({
      ...base(where, options),
      type: 'array',
      items: items.toJson(),
      minItems: options.minItems,
      maxItems: options.maxItems,
      xKubernetesListType: options.set ? 'set' : undefined,
    });
  }

  /** An object used as a map: any keys, every value following one schema (e.g. a label selector). */
  public static mapOf(values: JsonSchema, options: MapSchemaOptions = {}): JsonSchema {
    const where = 'JsonSchema.mapOf';
    if (!(values instanceof JsonSchema)) invalidInput(where, 'values', values, 'must be a JsonSchema (JsonSchema.ofString, ofObject, ...)');
    options = optionsOf(where, options);
    lengthBounds(where, 'minProperties', 'maxProperties', options.minProperties, options.maxProperties);
    return new JsonSchema({
      ...base(where, options),
      type: 'object',
      additionalProperties: values.toJson(),
      minProperties: options.minProperties,
      maxProperties: options.maxProperties,
    });
  }

  /**
   * An object whose content the API server keeps without checking it
   * (`x-kubernetes-preserve-unknown-fields`). Use sparingly: nothing in it is validated.
   */
  public static freeForm(options: SchemaOptions = {}): JsonSchema {
    return new JsonSchema({ ...base('JsonSchema.freeForm', optionsOf('JsonSchema.freeForm', options)), type: 'object', xKubernetesPreserveUnknownFields: true });
  }

  /** An integer or a string such as `"25%"` (`x-kubernetes-int-or-string`). */
  public static intOrString(options: SchemaOptions = {}): JsonSchema {
    return new JsonSchema({ ...base('JsonSchema.intOrString', optionsOf('JsonSchema.intOrString', options)), xKubernetesIntOrString: true });
  }

  private static numeric(type: string, options: NumberSchemaOptions): JsonSchema {
    const where = type === 'integer' ? 'JsonSchema.ofInteger' : 'JsonSchema.ofNumber';
    for (const [field, v] of [['minimum', options.minimum], ['maximum', options.maximum], ['defaultValue', options.defaultValue]] as const) {
      if (v !== undefined && (!Number.isFinite(v) || (type === 'integer' && !Number.isInteger(v)))) {
        invalidInput(where, field, v, type === 'integer' ? 'must be a whole number' : 'must be a finite number');
      }
    }
    if (options.minimum !== undefined && options.maximum !== undefined && options.minimum > options.maximum) {
      invalidInput(where, 'maximum', options.maximum, `must be at least minimum (${options.minimum})`);
    }
    const s = new JsonSchema({ ...base(where, options), type, minimum: options.minimum, maximum: options.maximum, default: options.defaultValue });
    if (options.defaultValue !== undefined) {
      const problems = s.violations(options.defaultValue, 'defaultValue');
      if (problems.length > 0) invalidInput(where, 'defaultValue', options.defaultValue, `must itself be valid: ${problems.join('; ')}`);
    }
    return s;
  }

  /** @internal */
  public readonly _props: k8s.JsonSchemaProps;

  private constructor(props: k8s.JsonSchemaProps) {
    this._props = props;
  }

  /** The JSON type of this node (`string`, `object`, ...; empty for int-or-string). */
  public get jsonType(): string {
    return this._props.type ?? '';
  }

  /** The schema as the API server stores it (plain JSON, `x-kubernetes-*` keys included). */
  public toJson(): any {
    return k8s.toJson_JsonSchemaProps(this._props);
  }

  /**
   * What is wrong with a value under this schema, one message per problem (empty when valid),
   * following the API server's rules for the keywords this builder writes. Unknown fields of
   * objects are reported, as a strict apply does.
   *
   * @param value the value to check
   * @param path the name of the value in messages
   */
  public violations(value: any, path: string = 'value'): string[] {
    return check(this.toJson(), value, path);
  }
}

/** The options of a factory: none (undefined or a jsii caller's null) is empty, anything else must be an object. */
function optionsOf<T extends SchemaOptions>(where: string, options: T | undefined | null): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== 'object' || Array.isArray(options)) invalidInput(where, 'options', options, 'must be an object');
  return options;
}

/** A list of values of one JSON type. */
function listOf(where: string, field: string, value: unknown, type: string): void {
  if (!Array.isArray(value)) invalidInput(where, field, value, `must be a list of ${type}s`);
  value.forEach((v, i) => {
    if (typeof v !== type) invalidInput(where, `${field}[${i}]`, v, `must be a ${type}`);
  });
}

/**
 * Whether a valid ECMAScript pattern also compiles as RE2 (Go's regexp, which the API server
 * uses for `pattern`): RE2 has no lookaround and no backreferences.
 */
function isRe2Compatible(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<'))) return false;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '(' && /^\?(=|!|<=|<!)/.test(pattern.slice(i + 1, i + 4))) {
      return false;
    }
  }
  return true;
}

function base(where: string, options: SchemaOptions): k8s.JsonSchemaProps {
  if (options.description !== undefined && typeof options.description !== 'string') invalidInput(where, 'description', options.description, 'must be a string');
  if (options.nullable !== undefined && typeof options.nullable !== 'boolean') invalidInput(where, 'nullable', options.nullable, 'must be true or false');
  return { description: options.description, nullable: options.nullable || undefined };
}

function lengthBounds(where: string, minField: string, maxField: string, min?: number, max?: number): void {
  for (const [field, v] of [[minField, min], [maxField, max]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) invalidInput(where, field, v, 'must be a whole number of at least 0');
  }
  if (min !== undefined && max !== undefined && min > max) invalidInput(where, maxField, max, `must be at least ${minField} (${min})`);
}

function typeOf(v: any): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function check(s: any, v: any, path: string): string[] {
  if (v === null) return s.nullable ? [] : [`${path}: must not be null`];
  if (s['x-kubernetes-int-or-string']) {
    return ['integer', 'string'].includes(typeOf(v)) ? [] : [`${path}: must be an integer or a string`];
  }
  const t = typeOf(v);
  const ok = s.type === t || (s.type === 'number' && t === 'integer');
  if (!ok) return [`${path}: must be of type ${s.type}, not ${t}`];
  const out: string[] = [];
  if (s.enum && !s.enum.includes(v)) out.push(`${path}: must be one of ${JSON.stringify(s.enum)}`);
  if (t === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength) out.push(`${path}: must be at least ${s.minLength} characters long`);
    if (s.maxLength !== undefined && v.length > s.maxLength) out.push(`${path}: must be at most ${s.maxLength} characters long`);
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) out.push(`${path}: must match ${s.pattern}`);
  }
  if (t === 'integer' || t === 'number') {
    if (s.minimum !== undefined && v < s.minimum) out.push(`${path}: must be at least ${s.minimum}`);
    if (s.maximum !== undefined && v > s.maximum) out.push(`${path}: must be at most ${s.maximum}`);
  }
  if (t === 'array') {
    if (s.minItems !== undefined && v.length < s.minItems) out.push(`${path}: must have at least ${s.minItems} items`);
    if (s.maxItems !== undefined && v.length > s.maxItems) out.push(`${path}: must have at most ${s.maxItems} items`);
    if (s['x-kubernetes-list-type'] === 'set' && new Set(v).size !== v.length) out.push(`${path}: must not repeat an item`);
    v.forEach((item: any, i: number) => out.push(...check(s.items, item, `${path}[${i}]`)));
  }
  if (t === 'object' && !s['x-kubernetes-preserve-unknown-fields']) {
    const keys = Object.keys(v);
    if (s.minProperties !== undefined && keys.length < s.minProperties) out.push(`${path}: must have at least ${s.minProperties} entries`);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties) out.push(`${path}: must have at most ${s.maxProperties} entries`);
    for (const r of s.required ?? []) {
      if (v[r] === undefined) out.push(`${path}.${r}: is required`);
    }
    for (const k of keys) {
      if (v[k] === undefined) continue;
      const child = s.properties?.[k] ?? s.additionalProperties;
      if (child === undefined) out.push(`${path}.${k}: is not a declared field`);
      else out.push(...check(child, v[k], `${path}.${k}`));
    }
  }
  return out;
}
