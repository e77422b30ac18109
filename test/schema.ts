import { existsSync, readFileSync, readdirSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import { customResourceProblems } from './advanced/custom-resource-schema';
import { realCrdFor } from './go-modules';

/**
 * Strict validation of manifests against the Kubernetes 1.28 JSON schemas (unknown fields are
 * errors), using the "local-strict" schemas that the PyPI package kubernetes-validate ships.
 * `scripts/setup-tools.sh --python-only` installs it into a cached venv and records the path.
 */
const ID_BASE = 'https://schemas.cdk8s-patterns.local';

function schemaDir(): string {
  if (process.env.K8S_SCHEMA_DIR) return process.env.K8S_SCHEMA_DIR;
  const cache = process.env.CDK8S_PATTERNS_CACHE ?? join(homedir(), '.cache', 'cdk8s-patterns');
  const pointer = join(cache, 'k8s-schemas-1.28');
  if (existsSync(pointer)) return readFileSync(pointer, 'utf8').trim();
  throw new Error(`Kubernetes 1.28 schemas not found (${pointer} is missing): run "bash scripts/setup-tools.sh --python-only" first`);
}

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();
let files: Set<string> | undefined;

function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const dir = schemaDir();
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const defs = JSON.parse(readFileSync(join(dir, '_definitions.json'), 'utf8'));
    ajv.addSchema({ ...defs, $id: `${ID_BASE}/api/_definitions.json` });
    files = new Set(readdirSync(dir));
  }
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const groupPart = group ? `-${group.split('.')[0]}` : '';
  const file = `${kind.toLowerCase()}${groupPart}-${version}.json`;
  if (!files!.has(file)) return undefined;
  let v = validators.get(file);
  if (!v) {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    v = ajv.compile({ ...schema, $id: `${ID_BASE}/api/${file}` });
    validators.set(file, v);
  }
  return v;
}

/**
 * Kinds that are not part of Kubernetes 1.28 and have no schema here. Gateway API and KEDA
 * objects are validated strictly against their real CRDs (test/go-modules.ts); Prometheus
 * Operator objects are not validated.
 */
const NO_SCHEMA_GROUPS = ['monitoring.coreos.com'];

/**
 * Validates every manifest strictly against Kubernetes 1.28; throws one error listing every
 * problem with kind, name and JSON path.
 */
export function validateManifests(manifests: any[]): void {
  const problems: string[] = [];
  // Instances of CustomResourceDefinitions in the same set are validated against them.
  const crds = manifests.filter(m => m?.kind === 'CustomResourceDefinition' && String(m?.apiVersion).startsWith('apiextensions.k8s.io/'));
  for (const m of manifests) {
    const id = `${m?.kind}/${m?.metadata?.name}`;
    if (!m?.apiVersion || !m?.kind) {
      problems.push(`${id}: missing apiVersion or kind`);
      continue;
    }
    const crd = crds.find(c => String(m.apiVersion).split('/')[0] === c.spec?.group && m.kind === c.spec?.names?.kind);
    if (crd) {
      problems.push(...customResourceProblems(crd, m));
      continue;
    }
    const real = realCrdFor(m.apiVersion, m.kind);
    if (real) {
      problems.push(...customResourceProblems(real, m));
      continue;
    }
    const v = validatorFor(m.apiVersion, m.kind);
    if (!v) {
      const group = m.apiVersion.split('/')[0];
      if (NO_SCHEMA_GROUPS.includes(group)) continue;
      problems.push(`${id}: no Kubernetes 1.28 schema for ${m.apiVersion} ${m.kind}`);
      continue;
    }
    if (!v(m)) {
      for (const e of v.errors ?? []) {
        const extra = e.keyword === 'additionalProperties' ? ` (unknown field "${(e.params as any).additionalProperty}")` : '';
        problems.push(`${id}: ${e.instancePath || '/'} ${e.message}${extra}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`Kubernetes 1.28 strict schema validation failed:\n  ${[...new Set(problems)].join('\n  ')}`);
  }
}
