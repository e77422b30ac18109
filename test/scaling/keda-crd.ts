import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

/**
 * KEDA's own ScaledObject CRD (v2.21.0), from the Go module cache: the ScaledObjects this
 * library writes must be instances of it (strictly: unknown fields are errors).
 */
const KEDA = 'github.com/kedacore/keda/v2@v2.21.0';
export function kedaScaledObjectCrd(): any {
  const caches = [process.env.GOMODCACHE, process.env.GOPATH && join(process.env.GOPATH, 'pkg', 'mod'), join(homedir(), 'go', 'pkg', 'mod')];
  const goEnv = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  if (goEnv.status === 0) caches.unshift(goEnv.stdout.trim());
  const find = () => caches.filter((c): c is string => !!c).map(c => join(c, KEDA, 'config', 'crd', 'bases', 'keda.sh_scaledobjects.yaml')).find(f => existsSync(f));
  let file = find();
  if (!file) {
    spawnSync('go', ['mod', 'download', '-json', KEDA], { encoding: 'utf8', timeout: 120_000, cwd: homedir() });
    file = find();
  }
  if (!file) throw new Error(`KEDA's CRD not found: run "go mod download -json ${KEDA}" (needs go and the Go module proxy)`);
  return parseAllDocuments(readFileSync(file, 'utf8'))[0].toJS();
}
