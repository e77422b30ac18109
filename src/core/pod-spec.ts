/**
 * Where a manifest of each pod-bearing kind keeps its pod template: the one table that every
 * reader and writer of pod specs in this library uses (the mutation layer, the restricted
 * profile, the validation plugin).
 */
const TEMPLATE_PATHS: { readonly [kind: string]: readonly string[] } = {
  Pod: [],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
};

/** The path of the object holding `metadata` and `spec` of the pods, or undefined for other kinds. */
export function podTemplatePath(kind: string | undefined): readonly string[] | undefined {
  return kind === undefined ? undefined : TEMPLATE_PATHS[kind];
}

/** The pod spec inside a manifest, or undefined when the kind has none (or it is missing). */
export function podSpecOfManifest(manifest: any): any {
  const path = podTemplatePath(manifest?.kind);
  if (path === undefined) return undefined;
  return walk(manifest, path)?.spec;
}

/**
 * The pod template's metadata inside a manifest (the Pod's own metadata for a Pod); with
 * `create`, missing objects on the way are created.
 */
export function podMetadataOfManifest(manifest: any, create = false): any {
  const path = podTemplatePath(manifest?.kind);
  if (path === undefined) return undefined;
  const template = walk(manifest, path, create);
  if (template === undefined) return undefined;
  if (template.metadata === undefined && create) template.metadata = {};
  return template.metadata;
}

/** The field-path prefix of the pod spec, as error messages and findings print it (`spec.template.spec.`). */
export function podSpecFieldPrefix(kind: string): string {
  const path = podTemplatePath(kind) ?? ['spec', 'template'];
  return [...path, 'spec', ''].join('.');
}

function walk(root: any, path: readonly string[], create = false): any {
  let at = root;
  for (const key of path) {
    if (at === undefined || at === null) return undefined;
    if (at[key] === undefined && create) at[key] = {};
    at = at[key];
  }
  return at;
}
