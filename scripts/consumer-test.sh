#!/usr/bin/env bash
# The user's side (npm run test:consumer): build and pack this package as a release would, check
# the tarball, then install it into a fresh cdk8s TypeScript app made by `cdk8s init
# typescript-app`, run the README quickstart there (extracted from README.md at run time), validate
# the YAML (strict Kubernetes 1.28 schema, Pod Security restricted) and run the validation plugin
# through cdk8s-cli on a passing and a failing chart.
#
#   bash scripts/consumer-test.sh           # temp app removed when every check passed
#   bash scripts/consumer-test.sh --keep    # keep the temp app and tarball for inspection
#
# Needs the npm registry (the default npm cache makes repeated runs fast) and PyPI on the first run
# (scripts/setup-tools.sh --python-only). Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CI=true   # package runs package:js only, never the multi-language package-all
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

KEEP=0
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "consumer-test: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

CACHE="${CDK8S_PATTERNS_CACHE:-$HOME/.cache/cdk8s-patterns}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-patterns-consumer-XXXXXX")
APP="$WORK/shop-app"
LOGS="$WORK/logs"
mkdir -p "$LOGS"
CHECK_NAME="consumer test"
# shellcheck source=lib/checks.bash
source "$ROOT/scripts/lib/checks.bash"

echo "=== build and pack ($(elapsed)) ==="
rm -rf dist/js
run_logged compile npx projen compile || fatal "npx projen compile (jsii) failed"
pass "npx projen compile: jsii compiled src/ into lib/"
run_logged pack npx projen package:js || fatal "npx projen package:js (jsii-pacmak) failed"
TGZ=$(ls "$ROOT"/dist/js/*.tgz 2>/dev/null | head -n 1)
[ -n "$TGZ" ] || fatal "npx projen package:js wrote no tarball into dist/js"
cp "$TGZ" "$WORK/"
TGZ="$WORK/$(basename "$TGZ")"
pass "npx projen package:js packed $(basename "$TGZ")"

echo "=== tarball contents ($(elapsed)) ==="
mkdir -p "$WORK/unpacked"
tar xzf "$TGZ" -C "$WORK/unpacked"
PKG="$WORK/unpacked/package"
tar tzf "$TGZ" | sed 's#^package/##' | sort > "$WORK/files.txt"
missing=""
for f in package.json .jsii README.md LICENSE API.md lib/index.js lib/index.d.ts lib/plugin/index.js lib/plugin/index.d.ts; do
  grep -qxF "$f" "$WORK/files.txt" || missing="$missing $f"
done
[ -z "$missing" ] && pass "tarball has package.json, .jsii, README.md, LICENSE, API.md, lib/ and lib/plugin/" \
  || fail "tarball lacks:$missing"
js=$(grep -c '^lib/.*\.js$' "$WORK/files.txt"); dts=$(grep -c '^lib/.*\.d\.ts$' "$WORK/files.txt")
[ "$js" -gt 0 ] && [ "$js" -eq "$dts" ] && pass "every lib/*.js ships its .d.ts ($js modules)" \
  || fail "lib/ has $js .js files but $dts .d.ts files"
forbidden=$(grep -E '^(src|test|tests|examples|scripts|docs|\.ci|\.projen|coverage|test-reports|node_modules|projenrc|bench)/|\.map$|\.tsbuildinfo$|(^|/)\.env|(^|/)\.npmrc$|\.(pem|key|p12|pfx)$' "$WORK/files.txt" || true)
[ -z "$forbidden" ] && pass "no sources, tests, examples, source maps or key files in the tarball" \
  || fail "tarball ships files it must not: $(echo "$forbidden" | head -n 10 | tr '\n' ' ')"
# tsconfig.json turns tsc's inline source maps off: no lib/*.js embeds the TypeScript source.
inline=$(grep -rlE 'sourceMappingURL|sourcesContent' "$PKG/lib" || true)
[ -z "$inline" ] && pass "no inline source map or embedded source in any lib/*.js" \
  || fail "lib/ files embed source maps: $(echo "$inline" | sed "s#^$PKG/##" | head -n 5 | tr '\n' ' ')"
# A lib/ file without a source is a leftover of a deleted or renamed module (jsii never cleans lib/).
stale=""
while read -r f; do
  src="src/${f#lib/}"; src="${src%.d.ts}"; src="${src%.js}.ts"
  [ -f "$src" ] || stale="$stale $f"
done < <(grep -E '^lib/.*(\.js|\.d\.ts)$' "$WORK/files.txt")
[ -z "$stale" ] && pass "every file in lib/ comes from a module in src/" || fail "stale files in lib/ (no source):$stale"
secrets=$(grep -rlE -- '-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|npm_[A-Za-z0-9]{36}|gh[pousr]_[A-Za-z0-9]{36}|xox[baprs]-[A-Za-z0-9-]{10,}' "$PKG" || true)
[ -z "$secrets" ] && pass "no private keys or tokens in any shipped file (inline source maps included)" \
  || fail "secret-like content in: $secrets"
leaked=$(node -e "const a = JSON.parse(require('fs').readFileSync('$PKG/.jsii', 'utf8')); if (!a.types || !a.types['cdk8s-patterns.RestrictedProfile']) throw new Error('no types in .jsii'); console.log(Object.keys(a.types).filter(t => /plugin|PatternsValidation/i.test(t)).join(' '))" 2>&1) && [ -z "$leaked" ] && pass "the plugin is not part of the jsii API (no plugin type in .jsii)" || fail "plugin types leaked into the jsii assembly: $leaked"
packed=$(stat -c %s "$TGZ"); unpacked=$(du -sb "$PKG" | cut -f1); count=$(wc -l < "$WORK/files.txt")
echo "  size: $(( packed / 1024 )) KiB packed, $(( unpacked / 1024 )) KiB unpacked, $count files"
VERSION=$(node -p "require('$PKG/package.json').version")

echo "=== a fresh cdk8s app: cdk8s init typescript-app ($(elapsed)) ==="
mkdir -p "$APP"
cd "$APP" || fatal "cannot enter $APP"
# cdk8s init scaffolds the template and runs npm install, then `cdk8s import k8s`, which downloads the
# Kubernetes schema from GitHub. Without internet access that last step fails; the app is complete
# without it (the quickstart uses cdk8s-plus-28, not ./imports/k8s), so only that failure is tolerated.
if "$ROOT/node_modules/.bin/cdk8s" init typescript-app --no-check-upgrade >"$LOGS/init.log" 2>&1; then
  pass "cdk8s init typescript-app"
elif grep -q 'Command failed: npm run import' "$LOGS/init.log" && [ -f package.json ] && [ -f cdk8s.yaml ] && [ -x node_modules/.bin/cdk8s ]; then
  pass "cdk8s init typescript-app: scaffolded and npm-installed (its 'cdk8s import k8s' step needs GitHub: skipped)"
else
  tail -n 40 "$LOGS/init.log" | sed 's/^/  | /'
  fatal "cdk8s init typescript-app failed before the app was scaffolded and installed (log: $LOGS/init.log)"
fi
# The template's sample test targets its sample chart, and the k8s import is not used.
rm -rf main.test.ts __snapshots__ imports
sed -i '/^imports:/,/^[^ -]/{/^imports:/d;/^ *- /d}' cdk8s.yaml

# The README's install line, with the packed tarball instead of the registry's cdk8s-patterns.
install_line=$(awk '/^## Install/{f=1} f && /^npm install cdk8s-patterns /{print; exit}' "$ROOT/README.md")
[ -n "$install_line" ] || fatal "README.md: no 'npm install cdk8s-patterns ...' line under ## Install"
read -r -a install_args <<< "${install_line#npm install cdk8s-patterns }"
if run_logged install npm install --no-audit --no-fund "$TGZ" "${install_args[@]}"; then
  pass "README install line: npm install <tarball> ${install_args[*]}"
else
  fatal "npm install of the tarball and its peer dependencies failed"
fi
installed=$(node -p "require('cdk8s-patterns/package.json').version" 2>/dev/null)
[ "$installed" = "$VERSION" ] && pass "node resolves cdk8s-patterns@$installed from the app" || fail "cdk8s-patterns resolves to '$installed', not the packed $VERSION"

echo "=== the README quickstart ($(elapsed)) ==="
# Verbatim: the first ```ts block after "## Quickstart" in README.md.
awk '/^## Quickstart/{q=1} q && /^```ts$/{c=1; next} c && /^```$/{exit} c{print}' "$ROOT/README.md" > main.ts
[ -s main.ts ] || fatal "README.md: no \`\`\`ts block under ## Quickstart"
if run_logged compile-app npm run compile; then
  pass "the README quickstart compiles in the fresh app (tsc --build, the template's tsconfig)"
else
  fatal "the README quickstart no longer compiles against the packed package (see the tsc errors above)"
fi
if run_logged synth npx cdk8s synth --no-check-upgrade; then
  pass "cdk8s synth of the README quickstart"
else
  fatal "the README quickstart no longer synthesizes with cdk8s synth (see above)"
fi
shopt -s nullglob
manifests=(dist/*.yaml)
shopt -u nullglob
[ "${#manifests[@]}" -gt 0 ] && grep -q '^kind: Deployment' "${manifests[@]}" && grep -q '^kind: Service' "${manifests[@]}" \
  && pass "synthesized ${manifests[*]} with a Deployment and a Service" || fail "cdk8s synth wrote no Deployment and Service into dist/"

echo "=== schema and restricted checks ($(elapsed)) ==="
if run_logged setup-tools bash "$ROOT/scripts/setup-tools.sh" --python-only; then
  if run_logged schema "$CACHE/venv/bin/kubernetes-validate" -k 1.28 --strict "${manifests[@]}"; then
    pass "kubernetes-validate -k 1.28 --strict"
  else
    fail "the quickstart's YAML does not validate strictly against Kubernetes 1.28"
  fi
else
  fail "scripts/setup-tools.sh --python-only failed: no schema validator"
fi
# Pod Security restricted with RestrictedProfile from the installed tarball, and the plugin's rule
# engine through its documented subpath cdk8s-patterns/lib/plugin.
cat > check-manifests.js <<'JS'
const fs = require('fs');
const path = require('path');
const yaml = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s/package.json'))] }));
const { RestrictedProfile } = require('cdk8s-patterns');
const { checkManifests } = require('cdk8s-patterns/lib/plugin');
const docs = process.argv.slice(2)
  .flatMap(f => yaml.parseAllDocuments(fs.readFileSync(f, 'utf8')).map(d => d.toJS()))
  .filter(Boolean);
const problems = [];
for (const m of docs) {
  const spec = RestrictedProfile.podSpecOf(m);
  if (spec) problems.push(...RestrictedProfile.violations(spec).map(v => `restricted: ${m.kind}/${m.metadata.name}: ${v}`));
}
problems.push(...checkManifests(docs).map(f => `${f.rule}: ${f.message}`));
problems.forEach(p => console.log(p));
console.log(`${docs.length} objects, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
JS
if run_logged restricted node check-manifests.js "${manifests[@]}"; then
  pass "every pod is restricted (RestrictedProfile from the tarball) and the rule engine finds nothing"
else
  fail "the quickstart's pods are not restricted or break a plugin rule"
fi

echo "=== the validation plugin through cdk8s-cli ($(elapsed)) ==="
# The README's cdk8s.yaml snippet, verbatim: the first ```yaml block under "## Validation plugin".
snippet=$(awk '/^## Validation plugin/{q=1} q && /^```yaml$/{c=1; next} c && /^```$/{exit} c{print}' "$ROOT/README.md")
[ -n "$snippet" ] || fatal "README.md: no \`\`\`yaml block under ## Validation plugin"
cp cdk8s.yaml cdk8s.base.yaml
printf '%s\n' "$snippet" >> cdk8s.yaml
echo "  cdk8s.yaml:"; sed 's/^/  | /' cdk8s.yaml
mkdir -p reports
run_logged plugin-pass npx cdk8s synth --no-check-upgrade --validation-reports-output-file reports/pass.json
rc=$?
status=$(node -p "require('./reports/pass.json').reports[0].summary.status" 2>/dev/null)
[ "$rc" -eq 0 ] && [ "$status" = success ] && pass "the quickstart passes the plugin (exit 0, report status success)" \
  || fail "the quickstart should pass the plugin: exit $rc, report status '$status'"

# A chart with a privileged container and a Service that selects nothing.
cat > bad.ts <<'TS'
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

const app = new App();
const chart = new Chart(app, 'bad');
new kplus.Deployment(chart, 'web', {
  containers: [{
    name: 'main',
    image: 'nginx:1.27.2',
    portNumber: 8080,
    securityContext: { privileged: true, allowPrivilegeEscalation: true },
    readiness: kplus.Probe.fromTcpSocket({ port: 8080 }),
  }],
});
const lonely = new kplus.Service(chart, 'lonely', { ports: [{ port: 80, targetPort: 8080 }] });
lonely.selectLabel('app', 'nobody');
app.synth();
TS
npx cdk8s synth --no-check-upgrade --app 'npx ts-node bad.ts' --validation-reports-output-file reports/fail.json >"$LOGS/plugin-fail.log" 2>&1
rc=$?
[ "$rc" -eq 2 ] && pass "cdk8s synth exits 2 on the failing chart" || fail "cdk8s synth should exit 2 on the failing chart, exited $rc (log: $LOGS/plugin-fail.log)"
rules=$(node -p "require('./reports/fail.json').reports[0].violations.map(v => v.ruleName).join(' ')" 2>/dev/null)
[ "$rules" = "restricted-pod-security service-selects-pods" ] && pass "the JSON report (--validation-reports-output-file) lists exactly: $rules" \
  || fail "the JSON report should list restricted-pod-security and service-selects-pods, lists '$rules'"
sed -n '/Validation Report/,$p' "$LOGS/plugin-fail.log" | sed 's/\x1b\[[0-9;]*m//g' > reports/fail.txt
if grep -qE 'Deployment/bad-web-[a-z0-9-]+: spec\.template\.spec\.containers\[main\]\.securityContext\.privileged must not be true' reports/fail.txt; then
  pass "the report names the Deployment and its privileged field"
else
  fail "the report does not name the privileged container"
fi
if grep -qE 'Service/bad-lonely-[a-z0-9-]+: spec\.selector \{"app":"nobody"\} selects no pod template' reports/fail.txt; then
  pass "the report names the Service whose selector selects nothing"
else
  fail "the report does not name the Service selecting nothing"
fi
grep -q 'Construct Path: bad/web' reports/fail.txt && pass "the report maps the Deployment to its construct path bad/web" \
  || fail "the report has no construct path for the Deployment"
echo "  report excerpt:"
grep -E 'restricted-pod-security|service-selects-pods|Construct Path|privileged|spec\.selector|Status' reports/fail.txt | head -n 12 | sed 's/^/  | /'

# properties.disabledRules in cdk8s.yaml switches those rules off.
cp cdk8s.base.yaml cdk8s.yaml
printf '%s\n' "$snippet" >> cdk8s.yaml
printf '    properties:\n      disabledRules: [restricted-pod-security, service-selects-pods]\n' >> cdk8s.yaml
run_logged plugin-disabled npx cdk8s synth --no-check-upgrade --app 'npx ts-node bad.ts'
rc=$?
[ "$rc" -eq 0 ] && pass "disabledRules in cdk8s.yaml properties lets the failing chart pass (exit 0)" \
  || fail "with both rules disabled the failing chart should pass, exit $rc"

cd "$ROOT" || true
finish
