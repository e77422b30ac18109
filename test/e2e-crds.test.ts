import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

/**
 * The end-to-end cluster installs the REAL third-party CRDs (scripts/e2e/addons/crds.sh: Gateway
 * API and KEDA, from their Go modules) and runs a real Gateway API controller (Traefik,
 * scripts/e2e/addons/traefik.sh); no project-written stand-in CRD is left to validate. What can go
 * wrong offline is a version drift: the e2e installing other CRDs than the pins of
 * scripts/crd-versions.env (from which src/imports is generated and against which the unit tests
 * validate), Traefik built against another Gateway API minor release, or the docs naming other
 * versions than the scripts use. These tests pin that.
 */
const repo = join(__dirname, '..');
const read = (p: string) => readFileSync(join(repo, p), 'utf8');

/** The value of `NAME=value` in scripts/crd-versions.env, or the default of `NAME="${NAME:-value}"` in a script. */
function pinned(file: string, name: string): string {
  const m = read(file).match(new RegExp(`^${name}=(?:"\\$\\{${name}:-([^}]+)\\}"|(v[0-9.]+)\\s*$)`, 'm'));
  if (!m) throw new Error(`${file} does not pin ${name}`);
  return m[1] ?? m[2];
}
const minor = (v: string) => v.split('.').slice(0, 2).join('.');

const gatewayApi = pinned('scripts/crd-versions.env', 'GATEWAY_API_VERSION');
const keda = pinned('scripts/crd-versions.env', 'KEDA_VERSION');
const traefik = pinned('scripts/e2e/addons/traefik.sh', 'TRAEFIK_VERSION');
const traefikGatewayApi = pinned('scripts/e2e/addons/traefik.sh', 'TRAEFIK_GATEWAY_API_VERSION');

test('versions are pinned as vX.Y.Z', () => {
  for (const v of [gatewayApi, keda, traefik, traefikGatewayApi]) expect(v).toMatch(/^v\d+\.\d+\.\d+$/);
});

test('the e2e installs the pinned CRDs, of the release the typed classes in src/imports were generated from', () => {
  const crds = read('scripts/e2e/addons/crds.sh');
  expect(crds).toMatch(/^source "\$E2E_DIR\/\.\.\/crd-versions\.env"$/m);
  expect(crds).not.toMatch(/^(GATEWAY_API|KEDA)_VERSION=/m);
  expect(read('src/imports/gateway-api.ts').split('\n')[0]).toMatch(new RegExp(`sigs\\.k8s\\.io/gateway-api@${gatewayApi.replace(/\./g, '\\.')}(\\s|$)`));
});

test('the Gateway API CRDs are of the minor release Traefik was built against', () => {
  // traefik.sh checks TRAEFIK_GATEWAY_API_VERSION against Traefik's go.mod when it builds.
  expect(minor(gatewayApi)).toBe(minor(traefikGatewayApi));
});

test('the add-ons README names the pinned versions', () => {
  const readme = read('scripts/e2e/addons/README.md');
  expect(readme).toContain(`sigs.k8s.io/gateway-api@${gatewayApi}`);
  expect(readme).toContain(`github.com/kedacore/keda/v2@${keda}`);
  expect(readme).toContain(`github.com/traefik/traefik/v3@${traefik}`);
});

test('no project-written stand-in CRDs remain for the harness to install', () => {
  expect(existsSync(join(repo, 'test/e2e/crds'))).toBe(false);
});
