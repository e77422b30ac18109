import Ajv, { ValidateFunction } from 'ajv';

/** Compiled validators, by CRD object and version. */
const COMPILED = new WeakMap<object, Map<string, ValidateFunction>>();

/**
 * Validation of custom resource instances against the CustomResourceDefinitions in the same
 * manifest set, independently of the library's own checker: the version's openAPIV3Schema is
 * compiled with ajv, with `additionalProperties: false` added wherever the API server would
 * prune (a strict apply rejects unknown fields) and the object's `apiVersion`, `kind` and
 * `metadata` allowed at the root, as the API server does.
 */
export function customResourceProblems(crd: any, instance: any): string[] {
  const [group, version] = String(instance.apiVersion).split('/');
  const id = `${instance.kind}/${instance.metadata?.name}`;
  if (crd.spec.group !== group || crd.spec.names.kind !== instance.kind) return [`${id}: not an instance of ${crd.metadata.name}`];
  const v = crd.spec.versions.find((x: any) => x.name === version);
  if (!v) return [`${id}: version ${version} is not defined by ${crd.metadata.name}`];
  if (!v.served) return [`${id}: version ${version} is not served`];
  // Compiling a large CRD's schema takes tens of milliseconds: once per CRD object and version.
  let byVersion = COMPILED.get(crd);
  if (!byVersion) COMPILED.set(crd, byVersion = new Map());
  let validate = byVersion.get(version);
  if (!validate) {
    const root = strict(v.schema.openAPIV3Schema);
    root.properties = { ...root.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
    validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(root);
    byVersion.set(version, validate);
  }
  if (validate(instance)) return [];
  return (validate.errors ?? []).map(e => {
    const extra = e.keyword === 'additionalProperties' ? ` (unknown field "${(e.params as any).additionalProperty}")` : '';
    return `${id}: ${e.instancePath || '/'} ${e.message}${extra}`;
  });
}

function strict(s: any): any {
  if (!s || typeof s !== 'object') return s;
  const out: any = { ...s };
  if (out.nullable) out.type = [out.type, 'null'];
  if (out['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (out['x-kubernetes-int-or-string']) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, strict(v)]));
    if (out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  }
  if (out.additionalProperties && typeof out.additionalProperties === 'object') out.additionalProperties = strict(out.additionalProperties);
  if (out.items) out.items = strict(out.items);
  return out;
}

/**
 * Problems that make a schema non-structural (what `apiextensions.k8s.io/v1` refuses): a node
 * without a type (unless int-or-string or preserve-unknown-fields), both `properties` and
 * `additionalProperties`, an array without `items`.
 */
export function structuralProblems(s: any, path = 'openAPIV3Schema'): string[] {
  const out: string[] = [];
  if (!s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) out.push(`${path}: no type`);
  if (s.properties && s.additionalProperties) out.push(`${path}: both properties and additionalProperties`);
  if (s.type === 'array' && !s.items) out.push(`${path}: array without items`);
  for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...structuralProblems(v, `${path}.properties.${k}`));
  if (s.additionalProperties && typeof s.additionalProperties === 'object') out.push(...structuralProblems(s.additionalProperties, `${path}.additionalProperties`));
  if (s.items) out.push(...structuralProblems(s.items, `${path}.items`));
  return out;
}
