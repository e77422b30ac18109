#!/usr/bin/env bash
# Schema + policy gate over synthesized manifests (see check.py for what is checked and counted).
#
#   test/policy/run.sh [options] [DIR]       DIR defaults to examples/dist (every DIR/*.k8s.yaml)
#     --no-self-test    skip the negative test (by default it also runs: test/policy/broken
#                       must be rejected for the promised reasons, counted as one check)
#     --expect-fail     only assert that DIR is rejected (e.g. run.sh --expect-fail test/policy/broken)
#     --fail-on-stale   exemptions that match nothing fail the run (default: warning)
#     -v, --verbose     also list the findings that were exempted
#
# Tools come from scripts/setup-tools.sh (installed on first use into the cache outside the
# repo). Last line of output: "N passed, N failed"; exit status 0 only when nothing failed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="${CDK8S_PATTERNS_CACHE:-$HOME/.cache/cdk8s-patterns}"

SELF_TEST=1
ARGS=()
DIR=""
for arg in "$@"; do
  case "$arg" in
    --no-self-test) SELF_TEST=0 ;;
    --expect-fail) SELF_TEST=0; ARGS+=("$arg") ;;
    --fail-on-stale|-v|--verbose) ARGS+=("$arg") ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option: $arg" >&2; exit 2 ;;
    *) [ -z "$DIR" ] || { echo "run.sh: only one DIR may be given" >&2; exit 2; }; DIR="$arg" ;;
  esac
done
DIR="${DIR:-$ROOT/examples/dist}"

# setup-tools prints the 1.28 schema directory as its last line; its progress goes to stderr.
SCHEMAS="$(bash "$ROOT/scripts/setup-tools.sh" | tail -n 1)"

if [ "$SELF_TEST" = 1 ]; then
  ARGS+=(--self-test "$HERE/broken")
fi

exec "$CACHE/venv/bin/python" "$HERE/check.py" \
  --schemas "$SCHEMAS" \
  --checkov "$CACHE/venv/bin/checkov" \
  --kube-score "$CACHE/bin/kube-score" \
  --polaris "$CACHE/bin/polaris" \
  --exemptions "$HERE/exemptions.yaml" \
  --crd-dir "$(bash "$ROOT/scripts/e2e/addons/crds.sh" dir)" \
  ${ARGS[@]+"${ARGS[@]}"} "$DIR"
