import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

/**
 * Files of Go modules from the module cache (downloaded through the Go module proxy on first
 * use): the real CRDs of third-party APIs this library writes instances of, at the versions
 * pinned in scripts/crd-versions.env.
 */

/** The pins of scripts/crd-versions.env. */
export const CRD_VERSIONS: { readonly [key: string]: string } = Object.fromEntries(
  readFileSync(join(__dirname, '..', 'scripts', 'crd-versions.env'), 'utf8').split('\n')
    .filter(l => /^[A-Z_]+=/.test(l)).map(l => l.split('=', 2) as [string, string]),
);

let caches: string[] | undefined;
function moduleCaches(): string[] {
  if (!caches) {
    const goEnv = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
    caches = [goEnv.status === 0 ? goEnv.stdout.trim() : undefined, process.env.GOMODCACHE,
      process.env.GOPATH && join(process.env.GOPATH, 'pkg', 'mod'), join(homedir(), 'go', 'pkg', 'mod')].filter((c): c is string => !!c);
  }
  return caches;
}

/** A file of `module@version` (downloaded if missing); fails saying how to get it. */
export function goModuleFile(moduleAtVersion: string, path: string): string {
  const find = () => moduleCaches().map(c => join(c, moduleAtVersion, path)).find(f => existsSync(f));
  let file = find();
  if (!file) {
    spawnSync('go', ['mod', 'download', '-json', moduleAtVersion], { encoding: 'utf8', timeout: 180_000, cwd: homedir() });
    file = find();
  }
  if (!file) throw new Error(`${path} of ${moduleAtVersion} not found: run "go mod download -json ${moduleAtVersion}" (needs go and the Go module proxy)`);
  return file;
}

const REAL_CRDS: { readonly [group: string]: (plural: string) => [string, string] } = {
  'gateway.networking.k8s.io': p => [`sigs.k8s.io/gateway-api@${CRD_VERSIONS.GATEWAY_API_VERSION}`, `config/crd/standard/gateway.networking.k8s.io_${p}.yaml`],
  'keda.sh': p => [`github.com/kedacore/keda/v2@${CRD_VERSIONS.KEDA_VERSION}`, `config/crd/bases/keda.sh_${p}.yaml`],
  'security.istio.io': () => [`istio.io/api@${CRD_VERSIONS.ISTIO_API_VERSION}`, 'kubernetes/customresourcedefinitions.gen.yaml'],
  'dapr.io': p => [`github.com/dapr/dapr@${CRD_VERSIONS.DAPR_VERSION}`, `charts/dapr/crds/${p}.yaml`],
};
const loaded = new Map<string, any>();

/**
 * The real CRD of a third-party kind this library writes (Gateway API, KEDA, Istio, Dapr), or undefined for
 * other groups. The plural is the lower-cased kind plus "s", as for every kind of both APIs.
 */
export function realCrdFor(apiVersion: string, kind: string): any | undefined {
  const group = String(apiVersion).split('/')[0];
  const where = REAL_CRDS[group];
  if (!where) return undefined;
  const [mod, path] = where(`${String(kind).toLowerCase()}s`);
  const key = `${mod}/${path}#${kind}`;
  if (!loaded.has(key)) {
    // A file holds one CRD, or (Istio) all of them: pick the kind's.
    const docs = parseAllDocuments(readFileSync(goModuleFile(mod, path), 'utf8')).map(d => d.toJS()).filter(Boolean);
    loaded.set(key, docs.find(d => d.spec?.group === group && d.spec?.names?.kind === kind) ?? docs[0]);
  }
  return loaded.get(key);
}
