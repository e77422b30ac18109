# Shared by the repository's check scripts (consumer-test.sh, test-bindings.sh): counting checks,
# running a step with its output in a log, and the closing "N passed, N failed" line that .ci/run
# adds up. Source it after setting CHECK_NAME (e.g. "consumer test"), WORK (a scratch directory,
# removed when every check passed unless KEEP=1) and LOGS (where step logs go).

passed=0
failed=0
start=$(date +%s)

elapsed() { echo "$(( $(date +%s) - start ))s"; }
pass() { passed=$(( passed + 1 )); echo "  ok   $*"; }
fail() { failed=$(( failed + 1 )); echo "  FAIL $*"; }
note() { echo "  --   $*"; }

# run_logged NAME CMD...: runs CMD with its output in $LOGS/NAME.log; shows the log's last lines
# when it fails, and returns its exit status.
run_logged() {
  local log="$LOGS/$1.log" rc; shift
  "$@" >"$log" 2>&1
  rc=$?
  [ "$rc" -eq 0 ] && return 0
  echo "  ---- last lines of $log (exit $rc) ----"; tail -n 40 "$log" | sed 's/^/  | /'; echo "  ----"
  return "$rc"
}

# finish: the closing line; exits 0 only when nothing failed.
finish() {
  echo
  echo "${CHECK_NAME} finished in $(elapsed); work dir: $WORK"
  if [ "$failed" -eq 0 ] && [ "${KEEP:-0}" -eq 0 ]; then rm -rf "$WORK"; fi
  echo "${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# fatal MESSAGE: a failure that makes every later check meaningless.
fatal() { fail "$*"; finish; }
