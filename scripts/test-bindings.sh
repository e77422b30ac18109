#!/usr/bin/env bash
# The bindings, proven (npm run test:bindings): builds the Python package with jsii-pacmak, installs
# it into a clean venv beside the cdk8s, cdk8s-plus-28 and constructs wheels from PyPI (the versions
# node_modules has, so both languages run the same JavaScript), runs test/bindings/app.py and the
# same app in TypeScript (test/bindings/app.ts), and compares their YAML byte for byte. When README.md
# has a ```python block, it is run too and compared with the README's TypeScript quickstart. Java and
# Go are reported: run, or why not (their cdk8s dependencies must be served by the registries).
#
#   bash scripts/test-bindings.sh            # cached package and venv reused when unchanged
#   bash scripts/test-bindings.sh --rebuild  # run jsii-pacmak and make the venv even when cached
#   bash scripts/test-bindings.sh --keep     # keep the work directory (both apps' YAML)
#
# Cache: ${CDK8S_PATTERNS_CACHE:-~/.cache/cdk8s-patterns}/bindings/. The Python package is keyed by
# the content it is built from (.jsii, lib/**/*.js, package.json, the jsii-pacmak version: the wheel
# embeds the JavaScript, which .jsii alone does not describe), the venv by that key and the pins.
# Compiles first (jsii) when lib/ is missing or older than src/. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# The jsii runtime refuses its package cache when a parent directory of it is owned by another user
# (as / is in some sandboxes); the cache only speeds up loading the bundled tarballs.
export JSII_RUNTIME_PACKAGE_CACHE=disabled
export PIP_DISABLE_PIP_VERSION_CHECK=1

REBUILD=0
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) REBUILD=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "test-bindings: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

CACHE="${CDK8S_PATTERNS_CACHE:-$HOME/.cache/cdk8s-patterns}/bindings"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-patterns-bindings-XXXXXX")
LOGS="$WORK/logs"
mkdir -p "$CACHE" "$LOGS"
CHECK_NAME="bindings test"
# shellcheck source=lib/checks.bash
source "$ROOT/scripts/lib/checks.bash"
version_of() { node -p "require('$1/package.json').version"; }
# Compares two output directories: the same files, each byte-identical.
compare_dirs() {
  local what=$1 a=$2 b=$3 f
  local fa fb
  fa=$(cd "$a" && ls | sort | tr '\n' ' '); fb=$(cd "$b" && ls | sort | tr '\n' ' ')
  if [ -z "$fa" ] || [ "$fa" != "$fb" ]; then
    fail "$what: TypeScript wrote [${fa% }], Python wrote [${fb% }]"
    return
  fi
  for f in $fa; do
    if cmp -s "$a/$f" "$b/$f"; then
      pass "$what: $f byte-identical ($(wc -l < "$a/$f") lines, $(grep -c '^kind:' "$a/$f") objects: $(grep '^kind:' "$a/$f" | sort -u | sed 's/kind: //' | tr '\n' ' '))"
    else
      fail "$what: $f differs between TypeScript and Python:"
      diff -u "$a/$f" "$b/$f" | head -n 30 | sed 's/^/  | /'
    fi
  done
}

echo "=== compile ($(elapsed)) ==="
if [ ! -f .jsii ] || [ ! -f lib/index.js ] || [ -n "$(find src -name '*.ts' -newer .jsii -print -quit)" ]; then
  run_logged compile npx projen compile || fatal "npx projen compile (jsii) failed"
  note "compiled src/ into lib/ (lib/ was missing or older than src/)"
else
  note "lib/ and .jsii are newer than src/: not compiled"
fi

echo "=== the Python package (jsii-pacmak) ($(elapsed)) ==="
PACMAK_VERSION=$(version_of jsii-pacmak)
KEY=$( { sha256sum .jsii package.json; find lib -name '*.js' -type f | LC_ALL=C sort | xargs sha256sum; echo "jsii-pacmak $PACMAK_VERSION"; } \
  | sha256sum | cut -c1-16)
PKGDIR="$CACHE/python-$KEY"
if [ "$REBUILD" -eq 1 ] || ! ls "$PKGDIR"/*.whl >/dev/null 2>&1; then
  rm -rf "$PKGDIR" "$WORK/pacmak"
  t0=$(date +%s)
  if run_logged pacmak npx jsii-pacmak -v --target python --outdir "$WORK/pacmak"; then
    mkdir -p "$PKGDIR.tmp"
    find "$WORK/pacmak" \( -name '*.whl' -o -name '*.tar.gz' \) -exec cp {} "$PKGDIR.tmp/" \;
    mv "$PKGDIR.tmp" "$PKGDIR"
    # Keep the three newest packages (a work tree and a CI clone at other commits stay warm) and
    # their venvs; older ones are removed.
    for old in $(ls -1dt "$CACHE"/python-* 2>/dev/null | tail -n +4); do
      rm -rf "$old" "$CACHE/venv-${old##*/python-}"-*
    done
    pass "jsii-pacmak --target python built $(cd "$PKGDIR" && ls *.whl) in $(( $(date +%s) - t0 ))s (cached as $PKGDIR)"
  else
    fatal "jsii-pacmak --target python failed"
  fi
else
  pass "the Python package is cached for this build ($(cd "$PKGDIR" && ls *.whl), key $KEY): jsii-pacmak skipped"
fi
WHEEL=$(ls "$PKGDIR"/*.whl | head -n 1)

echo "=== a clean venv with the package and cdk8s from PyPI ($(elapsed)) ==="
CDK8S_VERSION=$(version_of cdk8s)
PLUS_VERSION=$(version_of cdk8s-plus-28)
CONSTRUCTS_VERSION=$(version_of constructs)
PINS="cdk8s==$CDK8S_VERSION cdk8s-plus-28==$PLUS_VERSION constructs==$CONSTRUCTS_VERSION jsii==$PACMAK_VERSION"
PYTHON=${PYTHON:-python3}
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || fatal "no $PYTHON: the Python binding needs Python 3.10 or newer"
VENV="$CACHE/venv-$KEY-$(echo "$PYVER $PINS" | sha256sum | cut -c1-8)"
if [ "$REBUILD" -eq 1 ] || [ ! -f "$VENV/.complete" ]; then
  rm -rf "$VENV"
  t0=$(date +%s)
  # shellcheck disable=SC2086
  if run_logged venv "$PYTHON" -m venv "$VENV" && run_logged pip "$VENV/bin/python" -m pip install --no-input "$WHEEL" $PINS \
    && run_logged pip-check "$VENV/bin/python" -m pip check; then
    touch "$VENV/.complete"
    pass "venv (Python $PYVER): $(basename "$WHEEL") with $PINS from PyPI in $(( $(date +%s) - t0 ))s; pip check passes"
  else
    rm -rf "$VENV"
    fatal "could not make the venv: pip install $(basename "$WHEEL") $PINS"
  fi
else
  pass "venv (Python $PYVER) with $(basename "$WHEEL") and $PINS is cached: $VENV"
fi

echo "=== the same app in TypeScript and Python ($(elapsed)) ==="
mkdir -p "$WORK/ts" "$WORK/py" "$WORK/readme-ts"
# One ts-node process writes the app and, when the README has a Python quickstart, the README's
# TypeScript quickstart (scripts/readme-quickstart.ts, as npm run synth runs it).
PY_QUICKSTART=$(awk '/^```python$/{c=1; next} c && /^```$/{exit} c{print}' README.md)
ts_driver="process.argv = [process.execPath, '$ROOT/test/bindings/app.ts', '$WORK/ts']; require('$ROOT/test/bindings/app.ts');"
[ -n "$PY_QUICKSTART" ] && ts_driver="$ts_driver require('$ROOT/scripts/readme-quickstart').runQuickstart('$WORK/readme-ts');"
t0=$(date +%s)
if run_logged ts-app npx ts-node --project scripts/tsconfig.json -e "$ts_driver"; then
  pass "test/bindings/app.ts synthesized $(ls "$WORK/ts" | tr '\n' ' ')in $(( $(date +%s) - t0 ))s"
else
  fail "test/bindings/app.ts did not synthesize"
fi
t0=$(date +%s)
if run_logged py-app "$VENV/bin/python" test/bindings/app.py "$WORK/py"; then
  pass "test/bindings/app.py synthesized $(ls "$WORK/py" | tr '\n' ' ')in $(( $(date +%s) - t0 ))s"
else
  fail "test/bindings/app.py did not synthesize"
fi
compare_dirs "app.ts vs app.py" "$WORK/ts" "$WORK/py"

if [ -n "$PY_QUICKSTART" ]; then
  echo "=== the README's Python quickstart ($(elapsed)) ==="
  mkdir -p "$WORK/readme-py"
  printf '%s\n' "$PY_QUICKSTART" > "$WORK/readme-py/main.py"
  # Verbatim: App() writes into dist/ of the working directory.
  if (cd "$WORK/readme-py" && run_logged readme-py "$VENV/bin/python" main.py); then
    pass "the README's \`\`\`python block runs"
    compare_dirs "README quickstart (TypeScript vs Python)" "$WORK/readme-ts" "$WORK/readme-py/dist"
  else
    fail "the README's \`\`\`python block does not run"
  fi
else
  note "README.md has no \`\`\`python block: no Python quickstart to run"
fi

echo "=== Java and Go ($(elapsed)) ==="
# Their builds (jsii-pacmak --target java|go) compile against cdk8s-plus-28's Java and Go bindings; one
# look-up each tells whether the registries here serve them.
if command -v mvn >/dev/null 2>&1; then
  # -U: ask the registry again instead of Maven's cached "not found".
  if mvn -q -B -U dependency:get "-Dartifact=org.cdk8s:cdk8s-plus-28:$PLUS_VERSION" -Dtransitive=false >"$LOGS/maven.log" 2>&1; then
    note "java: not run: org.cdk8s:cdk8s-plus-28:$PLUS_VERSION is served now, but the Java app of this test is not written yet"
  elif grep -qE 'Could not find artifact|was not found' "$LOGS/maven.log"; then
    note "java: not run: the Maven registry has no org.cdk8s:cdk8s-plus-28:$PLUS_VERSION (mvn dependency:get: artifact not found), which the Java binding compiles against"
  else
    note "java: not run: mvn dependency:get org.cdk8s:cdk8s-plus-28:$PLUS_VERSION failed: $(grep -m1 'ERROR' "$LOGS/maven.log" | cut -c1-200)"
  fi
else
  note "java: not run: no mvn on this machine"
fi
if command -v go >/dev/null 2>&1; then
  go_missing=""
  for m in github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2; do
    if ! (cd "$WORK" && GOFLAGS=-mod=mod go list -m -versions "$m") >"$LOGS/go.log" 2>&1; then
      go_missing="$go_missing $m ($(grep -m1 -oE '[0-9]{3} [A-Za-z ]+' "$LOGS/go.log" || echo 'not found'))"
    fi
  done
  if [ -n "$go_missing" ]; then
    note "go: not run: the Go module proxy does not serve$go_missing, which the Go binding builds against"
  else
    note "go: not run: cdk8s-core-go and cdk8s-plus-go are served now, but the Go app of this test is not written yet"
  fi
else
  note "go: not run: no go on this machine"
fi

finish
