#!/usr/bin/env bash
# One command for all manifest verification (run by `npm run test:e2e`, after `npm run synth`):
#
#   1. schema + policy checks: scripts/setup-tools.sh and test/policy/run.sh, if present;
#   2. build the cluster's binaries, the images the examples run and the cluster add-ons, once,
#      into the cache (scripts/e2e/build-control-plane.sh, test/e2e/images/build.sh,
#      `scripts/e2e/addons/*.sh build`: real CRDs, Traefik, ...);
#   3. start a throw-away cluster with a real node (scripts/e2e/cluster.sh), always stopped by a trap;
#   4. the harness on examples/dist (test/e2e/apply-examples.mjs): every example applied, its
#      pods run on the real node until Ready and stay so, RBAC probed; a real-pods table; then
#      the behavior checks of its patterns (test/e2e/behavior), each with a counterpart that
#      must fail once the behavior is removed;
#   5. the negative self-test on test/e2e/broken (proves the harness can fail);
#   6. stop the cluster.
#
# Counting: the closing line sums the "N passed, N failed" lines of the policy stage and of
# both harness runs (per-check counts, see apply-examples.mjs); a stage that fails without
# such a line (setup-tools, a crash) adds one failure.
# Every stage runs even when an earlier check failed (so one run shows all problems);
# the exit code is non-zero if any stage failed. Extra arguments go to the harness of
# step 4, e.g. `bash scripts/e2e/run.sh --dir /tmp/my-manifests --only web`.
#
# Environment: CDK8S_E2E_SKIP_POLICY=1 skips step 1; CDK8S_E2E_SKIP_NEGATIVE=1 skips step 5;
# CDK8S_PATTERNS_CACHE moves the binary cache; CDK8S_E2E_TIMEOUT sets the per-example
# readiness timeout (s).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO" || exit 2
T0=$SECONDS
failed_stages=()
total_passed=0
total_failed=0

stage() { echo; echo "==================== $* ($((SECONDS - T0))s)"; }

# count_summary LOG RC: add a stage's closing "N passed, N failed" line to the totals; a
# stage without one (it failed early, or its output was cut off) counts as one failure. Only the
# unprefixed closing line counts: a "behavior: ..." line is a part, not the stage's total.
count_summary() {
  local line
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)"
  if [[ -n "$line" ]]; then
    total_passed=$((total_passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")))
    total_failed=$((total_failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")))
    [[ $2 -eq 0 || $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line") -gt 0 ]] || total_failed=$((total_failed + 1))
  else
    echo "no closing 'N passed, N failed' line in $1 (exit $2): counted as one failure"
    total_failed=$((total_failed + 1))
  fi
}

# ---------------------------------------------------------------- 1. schema + policy
if [[ "${CDK8S_E2E_SKIP_POLICY:-}" != 1 ]]; then
  if [[ -f scripts/setup-tools.sh ]]; then
    stage "setup tools (scripts/setup-tools.sh)"
    if ! bash scripts/setup-tools.sh; then
      failed_stages+=("setup-tools")
      total_failed=$((total_failed + 1))
    fi
  fi
  if [[ -f test/policy/run.sh ]]; then
    stage "schema + policy checks (test/policy/run.sh)"
    policy_log="$(mktemp "${TMPDIR:-/tmp}/cdk8s-patterns-policy.XXXXXX")"
    bash test/policy/run.sh --fail-on-stale 2>&1 | tee "$policy_log"
    rc=${PIPESTATUS[0]}
    [[ $rc -eq 0 ]] || failed_stages+=("policy")
    count_summary "$policy_log" "$rc"
    rm -f "$policy_log"
  fi
fi

# ---------------------------------------------------------------- 2. build
stage "build control plane (cached)"
if ! bash scripts/e2e/build-control-plane.sh; then
  echo "run.sh: building the control plane failed; cannot run the cluster tests" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
BIN="$(bash scripts/e2e/build-control-plane.sh --print-bin-dir)"
stage "build images (cached)"
if ! bash test/e2e/images/build.sh; then
  echo "run.sh: building the example images failed; cannot run the pods" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
stage "build add-ons (cached)"
for addon in scripts/e2e/addons/*.sh; do
  [[ -f "$addon" ]] || continue
  if ! bash "$addon" build; then
    echo "run.sh: building the add-on $(basename "$addon" .sh) failed; cannot start the cluster" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
done
export CDK8S_E2E_BIN_DIR="$BIN"
export KUBECTL="$BIN/kubectl"

# ---------------------------------------------------------------- 3. cluster
# A run dir of its own, so this never touches a cluster a developer started by hand.
export CDK8S_E2E_RUN_DIR="${TMPDIR:-/tmp}/cdk8s-patterns-e2e-run.$$"
export KUBECONFIG="$CDK8S_E2E_RUN_DIR/kubeconfig"
LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-patterns-e2e-logs.XXXXXX")"
cleanup() {
  bash "$REPO/scripts/e2e/cluster.sh" stop >/dev/null 2>&1 || true
  rm -rf "$LOGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stage "start cluster"
t=$SECONDS
if ! bash scripts/e2e/cluster.sh start; then
  echo "run.sh: the cluster did not start; see the component logs above" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
echo "cluster started in $((SECONDS - t))s"

# ---------------------------------------------------------------- 4. examples
stage "harness: examples"
node test/e2e/apply-examples.mjs "$@" 2>&1 | tee "$LOGDIR/examples.log"
rc=${PIPESTATUS[0]}
[[ $rc -eq 0 ]] || failed_stages+=("e2e examples")
count_summary "$LOGDIR/examples.log" "$rc"

# ---------------------------------------------------------------- 5. negative self-test
if [[ "${CDK8S_E2E_SKIP_NEGATIVE:-}" != 1 ]]; then
  stage "harness: negative self-test (test/e2e/broken must all fail)"
  node test/e2e/apply-examples.mjs --dir test/e2e/broken --expect-fail --rbac none --timeout 60 --stable 10 2>&1 | tee "$LOGDIR/negative.log"
  rc=${PIPESTATUS[0]}
  [[ $rc -eq 0 ]] || failed_stages+=("e2e negative self-test")
  count_summary "$LOGDIR/negative.log" "$rc"
fi

# ---------------------------------------------------------------- 6. stop (trap)
stage "done"
if [[ ${#failed_stages[@]} -gt 0 ]]; then
  echo "FAILED stages: ${failed_stages[*]}"
fi
echo "total time $((SECONDS - T0))s"
grep -E '^behavior: [0-9]+ passed, [0-9]+ failed' "$LOGDIR/examples.log" | tail -1
echo "e2e: $total_passed passed, $total_failed failed"
[[ ${#failed_stages[@]} -eq 0 ]]
