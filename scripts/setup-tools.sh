#!/usr/bin/env bash
# Installs the offline verification tools (schema validator and policy scanners) into a cache
# outside the repo, so clones stay small and nothing binary is ever committed.
#
#   bash scripts/setup-tools.sh                # venv + kube-score + Polaris + Helm
#   bash scripts/setup-tools.sh --python-only  # venv only (what `npm test` needs for the schemas)
#   bash scripts/setup-tools.sh --force        # reinstall everything
#
# Cache: ${CDK8S_PATTERNS_CACHE:-$HOME/.cache/cdk8s-patterns}
#   venv/                   Python: kubernetes-validate (K8s JSON schemas, strict), checkov, jsonschema, PyYAML
#   bin/kube-score, bin/polaris, bin/helm
#   k8s-schemas-1.28        one line: the v1.28.0-local-strict schema directory (no globbing needed)
#   k8s-schemas             one line: the directory of every version's v1.N.0-local-strict schemas
#   logs/                   install logs, shown on failure
#
# Idempotent and fast when warm: every component has a stamp file holding exactly what was
# installed; when the stamps match the pins below nothing but a few file reads happens.
# Changing a pin changes the stamp, so the component is reinstalled.
#
# Only package registries are reachable here (PyPI, Go module proxy): nothing is downloaded
# from release pages.
set -euo pipefail

PYTHON_ONLY=0
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --python-only) PYTHON_ONLY=1 ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "setup-tools: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

CACHE="${CDK8S_PATTERNS_CACHE:-$HOME/.cache/cdk8s-patterns}"
VENV="$CACHE/venv"
BIN="$CACHE/bin"
LOGS="$CACHE/logs"
PYTHON="${PYTHON:-python3}"
mkdir -p "$CACHE" "$BIN" "$LOGS"

# ---- pins -------------------------------------------------------------------------------------
# Top-level Python tools. kubernetes-validate 1.37.0 ships local-strict schemas for 1.25-1.37.
# checkov 3.3.30 installs and runs on Python 3.11 here (checked), offline with --skip-download.
PY_REQUIREMENTS="kubernetes-validate==1.37.0
checkov==3.3.30
jsonschema==4.26.0
PyYAML==6.0.3"
# Whole dependency set, frozen from a working install, so a new transitive release cannot
# change scanner results or break the install between two runs.
PY_CONSTRAINTS="aiodns==3.6.1
aiohappyeyeballs==2.7.1
aiohttp==3.14.5
aiomultiprocess==0.9.1
aiosignal==1.4.0
annotated-types==0.8.0
argcomplete==3.7.2
asteval==1.0.6
attrs==26.1.0
bc-detect-secrets==1.5.52
bc-jsonpath-ng==1.6.1
bc-python-hcl2==0.4.3
beartype==0.23.1
beautifulsoup4==4.15.0
boolean.py==5.0
boto3==1.35.49
botocore==1.35.99
cached-property==2.0.1
cachetools==5.5.2
certifi==2026.10.18
cffi==2.1.1
charset-normalizer==3.5.2
checkov==3.3.30
click==8.5.1
click-option-group==0.5.9
cloudsplaining==0.7.0
colorama==0.4.6
ConfigArgParse==1.9.0
contextlib2==21.6.0
cyclonedx-python-lib==7.6.2
decorator==5.3.1
defusedxml==0.7.1
docker==7.2.0
dockerfile-parse==2.0.1
dpath==2.1.3
ecdsa==0.19.2
frozenlist==1.8.0
gitdb==4.0.12
GitPython==3.2.1
idna==3.20
importlib_metadata==7.2.1
importlib_resources==7.1.0
Jinja2==3.1.6
jmespath==1.1.0
jsonschema==4.26.0
jsonschema-specifications==2025.9.1
junit-xml==1.9
kubernetes-validate==1.37.0
lark==1.3.1
license-expression==30.4.4
Markdown==3.11.3
MarkupSafe==3.0.4
multidict==7.2.1
networkx==2.6.3
numpy==2.4.6
orjson==3.13.0
packageurl-python==0.13.4
packaging==23.2
platformdirs==4.14.7
ply==3.11
policy_sentry==0.13.2
prettytable==3.18.0
propcache==0.5.4
py-serializable==1.1.2
pycares==4.11.0
pycep-parser==0.5.1
pycparser==3.12
pydantic==2.14.3
pydantic_core==2.50.4
pyparsing==3.3.3
python-dateutil==2.9.0.post0
PyYAML==6.0.3
rdflib==7.6.0
referencing==0.37.0
regex==2026.11.15
requests==2.34.2
rpds-py==2026.9.1
rustworkx==0.18.1
s3transfer==0.10.4
schema==0.7.5
semantic-version==2.10.0
six==1.17.0
smmap==5.0.3
sortedcontainers==2.4.0
soupsieve==4.1.2
spdx-tools==0.8.5
tabulate==0.9.0
termcolor==2.3.0
tqdm==4.70.1
typing-inspection==0.4.5
typing_extensions==4.16.0
unidiff==1.0.1
uritools==6.1.5
urllib3==2.8.0
wcwidth==0.9.4
xmltodict==1.0.4
yarl==1.25.1
zipp==4.1.2"

KUBE_SCORE_MODULE="github.com/zegl/kube-score/cmd/kube-score"
KUBE_SCORE_VERSION="v1.20.0"

# Polaris: its go.mod says github.com/fairwindsops/polaris (no /v10), so release tags are not
# Go versions and the proxy refuses version lists; only exact pseudo-versions it has cached are
# served. This one is the commit of release 9.6.4 (2025-06-17), the newest release served here
# (10.x commits are refused). Its dependency insights-plugins/plugins/workloads@2025-06-13 is not
# served either; it is only used for uploading to the vendor's SaaS, so we replace it with the
# served 2023-06-01 version (the API Polaris uses is unchanged).
# The checksum database does not know these fairwindsops versions, so GONOSUMDB is needed; we
# compensate by pinning their hashes in go.sum ourselves (checked against the release's git tree).
POLARIS_MODULE="github.com/fairwindsops/polaris"
POLARIS_VERSION="v0.0.0-20250617115810-813d9c0a2aaf" # release 9.6.4
POLARIS_GOMOD="module cdk8s-patterns.local/tools/polaris

go 1.24.4

require github.com/fairwindsops/polaris $POLARIS_VERSION

replace github.com/fairwindsops/insights-plugins/plugins/workloads => github.com/fairwindsops/insights-plugins/plugins/workloads v0.0.0-20230601204422-5c789e15990c
"
POLARIS_GOSUM="github.com/fairwindsops/controller-utils v0.3.4 h1:t1qulL2GVDVUJTIE4icpBy3KnsxFTavnNAbFnd60blc=
github.com/fairwindsops/controller-utils v0.3.4/go.mod h1:9/hOHX70/LG40RgtFAjtXFiMWEpItqm6Scf+obRFB2Y=
github.com/fairwindsops/insights-plugins/plugins/workloads v0.0.0-20230601204422-5c789e15990c h1:js6wazy/7V7cZI43affIa2FymWZ61rOp/H26HEE3ChY=
github.com/fairwindsops/insights-plugins/plugins/workloads v0.0.0-20230601204422-5c789e15990c/go.mod h1:bNIBr22uoqvgi3JzUg7Hg9QidCsvXWAhquNQRyDGJCo=
github.com/fairwindsops/polaris $POLARIS_VERSION h1:isJnAp1+1IdT/ipZTXfp7vRTgrW/ameDwTQBRse+a7A=
github.com/fairwindsops/polaris $POLARIS_VERSION/go.mod h1:43a/AMYau+5V34nAFN4biTNquP8ZaqIOd4N19XcLS7U=
"

# Helm 3 (helm template renders the examples' charts, test/helm): its module builds with plain
# `go install` (no replace directives); the version string is set as Helm's release build does.
HELM_MODULE="helm.sh/helm/v3"
HELM_VERSION="v3.22.0"

# ---- helpers ----------------------------------------------------------------------------------
log() { echo "setup-tools: $*" >&2; }
fail() {
  # $1 = what failed, $2 = log file (optional): name the component and show the end of its log.
  echo "setup-tools: FAILED: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    echo "---- last lines of $2 ----" >&2
    tail -n 25 "$2" >&2
    echo "----" >&2
  fi
  exit 1
}
stamp_matches() { [ "$FORCE" = 0 ] && [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# ---- Python venv ------------------------------------------------------------------------------
PY_STAMP_FILE="$VENV/.cdk8s-patterns-stamp"
# The stamp holds the interpreter version and a hash of the whole pinned set; a venv whose
# python no longer runs (interpreter upgraded or removed) is rebuilt too.
setup_python() {
  local hash pyver
  hash="$(printf '%s\n--\n%s\n' "$PY_REQUIREMENTS" "$PY_CONSTRAINTS" | sha256sum | cut -c1-16)"
  if [ "$FORCE" = 0 ] && [ -f "$PY_STAMP_FILE" ] && [ "$(cut -d' ' -f2 "$PY_STAMP_FILE")" = "$hash" ] \
     && "$VENV/bin/python" -c '' 2>/dev/null; then
    return 0
  fi
  command -v "$PYTHON" >/dev/null 2>&1 || fail "Python interpreter '$PYTHON' not found (set PYTHON=...)"
  pyver="$("$PYTHON" -c 'import sys; print("py%d.%d.%d" % sys.version_info[:3])')" \
    || fail "running the Python interpreter '$PYTHON'"
  local logf="$LOGS/python.log"
  log "installing Python tools into $VENV (about 30-60 s) ..."
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV" >"$logf" 2>&1 || fail "creating the Python venv $VENV with $PYTHON" "$logf"
  local req con
  req="$(mktemp)"; con="$(mktemp)"
  printf '%s\n' "$PY_REQUIREMENTS" >"$req"
  printf '%s\n' "$PY_CONSTRAINTS" >"$con"
  if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/pip" install --no-input -r "$req" -c "$con" >>"$logf" 2>&1; then
    rm -f "$req" "$con"
    fail "pip install of ${PY_REQUIREMENTS//$'\n'/ } into $VENV" "$logf"
  fi
  rm -f "$req" "$con"
  # Prove the tools import before declaring success.
  "$VENV/bin/python" -c 'import kubernetes_validate, jsonschema, yaml' >>"$logf" 2>&1 \
    || fail "importing kubernetes_validate/jsonschema/yaml in $VENV" "$logf"
  "$VENV/bin/checkov" --version >>"$logf" 2>&1 || fail "running checkov --version from $VENV" "$logf"
  printf '%s %s\n' "$pyver" "$hash" >"$PY_STAMP_FILE"
  rm -f "$CACHE/k8s-schemas-1.28"
}

# Writes the 1.28 strict schema directory to $CACHE/k8s-schemas-1.28 (computed once per install).
schemas_128() {
  local f="$CACHE/k8s-schemas-1.28" dir=""
  if [ -f "$f" ]; then dir="$(cat "$f")"; fi
  if [ -z "$dir" ] || [ ! -f "$dir/deployment-apps-v1.json" ]; then
    dir="$("$VENV/bin/python" -c '
import os, kubernetes_validate
print(os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema", "v1.28.0-local-strict"))')" \
      || fail "locating the kubernetes-validate package in $VENV"
    [ -f "$dir/deployment-apps-v1.json" ] || fail "no Kubernetes 1.28 local-strict schemas at $dir"
    printf '%s\n' "$dir" >"$f"
  fi
  SCHEMA_DIR="$dir"
  # Every version's schemas sit beside 1.28's (scripts/k8s-versions.ts, the version matrix).
  local root
  root="$(dirname "$dir")"
  if [ ! -f "$CACHE/k8s-schemas" ] || [ "$(cat "$CACHE/k8s-schemas")" != "$root" ]; then
    printf '%s\n' "$root" >"$CACHE/k8s-schemas"
  fi
}

# ---- Go tools ---------------------------------------------------------------------------------
need_go() {
  command -v go >/dev/null 2>&1 || fail "the Go toolchain (go) is not on PATH; it is needed to build kube-score and Polaris"
}

setup_kube_score() {
  local stamp="$BIN/.kube-score-stamp" want="$KUBE_SCORE_MODULE@$KUBE_SCORE_VERSION"
  if stamp_matches "$stamp" "$want" && [ -x "$BIN/kube-score" ]; then return 0; fi
  need_go
  local logf="$LOGS/kube-score.log"
  log "building kube-score $KUBE_SCORE_VERSION (about 1 min cold) ..."
  rm -f "$BIN/kube-score" "$stamp"
  GOTOOLCHAIN=local GOBIN="$BIN" go install "$want" >"$logf" 2>&1 \
    || fail "go install $want" "$logf"
  "$BIN/kube-score" version >>"$logf" 2>&1 || fail "running the freshly built $BIN/kube-score" "$logf"
  printf '%s\n' "$want" >"$stamp"
}

setup_polaris() {
  local stamp="$BIN/.polaris-stamp" src="$CACHE/src/polaris" want
  want="$(printf '%s\n%s' "$POLARIS_GOMOD" "$POLARIS_GOSUM" | sha256sum | cut -c1-16) $POLARIS_MODULE@$POLARIS_VERSION"
  if stamp_matches "$stamp" "$want" && [ -x "$BIN/polaris" ]; then return 0; fi
  need_go
  local logf="$LOGS/polaris.log"
  log "building Polaris 9.6.4 ($POLARIS_VERSION; about 3-5 min cold) ..."
  rm -rf "$src" "$BIN/polaris" "$stamp"
  mkdir -p "$src"
  printf '%s' "$POLARIS_GOMOD" >"$src/go.mod"
  printf '%s' "$POLARIS_GOSUM" >"$src/go.sum"
  # -mod=mod lets go add the remaining (sum-database-verified) go.sum lines; the fairwindsops
  # lines above are checked against what the proxy serves.
  (cd "$src" && GOTOOLCHAIN=local GONOSUMDB=github.com/fairwindsops GOFLAGS="${GOFLAGS:-} -mod=mod" \
     go build -trimpath -o "$BIN/polaris" "$POLARIS_MODULE") >"$logf" 2>&1 \
    || fail "go build $POLARIS_MODULE@$POLARIS_VERSION (wrapper module $src)" "$logf"
  "$BIN/polaris" version >>"$logf" 2>&1 || fail "running the freshly built $BIN/polaris" "$logf"
  printf '%s\n' "$want" >"$stamp"
}

setup_helm() {
  local stamp="$BIN/.helm-stamp" want="$HELM_MODULE/cmd/helm@$HELM_VERSION"
  if stamp_matches "$stamp" "$want" && [ -x "$BIN/helm" ]; then return 0; fi
  need_go
  local logf="$LOGS/helm.log"
  log "building Helm $HELM_VERSION (about 4 min cold) ..."
  rm -f "$BIN/helm" "$stamp"
  GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -mod=mod" GOBIN="$BIN" go install -trimpath \
    -ldflags "-X $HELM_MODULE/internal/version.version=$HELM_VERSION" "$want" >"$logf" 2>&1 \
    || fail "go install $want" "$logf"
  "$BIN/helm" version --short >>"$logf" 2>&1 || fail "running the freshly built $BIN/helm" "$logf"
  printf '%s\n' "$want" >"$stamp"
}

# ---- main -------------------------------------------------------------------------------------
# Concurrent callers (jest's setup and the policy run) must not install the same thing twice at
# once; one lock per part, so `--python-only` never waits for a Go build.
exec 8>"$CACHE/.lock-python"
flock 8
setup_python
schemas_128
flock -u 8
if [ "$PYTHON_ONLY" = 0 ]; then
  exec 9>"$CACHE/.lock-go"
  flock 9
  setup_kube_score
  setup_polaris
  setup_helm
  flock -u 9
fi
if [ "$PYTHON_ONLY" = 0 ]; then
  log "ready: $VENV, $BIN/kube-score, $BIN/polaris, $BIN/helm"
else
  log "ready: $VENV"
fi
# Last line on stdout: the Kubernetes 1.28 strict schema directory (also in $CACHE/k8s-schemas-1.28).
echo "$SCHEMA_DIR"
