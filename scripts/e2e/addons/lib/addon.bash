# shellcheck shell=bash
# Shared helpers for the cluster add-ons in scripts/e2e/addons/<name>.sh (sourced, not run;
# it lives in lib/ so that the `addons/*.sh` glob of cluster.sh and run.sh does not pick it up).
#
# Interface of every add-on script:   bash scripts/e2e/addons/<name>.sh build|start|stop
#   build  idempotent; caches under $CACHE/addons/<name>/ with a version stamp (2nd run instant)
#   start  run by `cluster.sh start` once the node is Ready, with CDK8S_E2E_RUN_DIR, KUBECONFIG
#          (admin) and CDK8S_E2E_BIN_DIR (kubectl, ...) set; PID in $RUN_DIR/pids/<name>.pid, log in
#          $RUN_DIR/logs/<name>.log; returns once the add-on is ready, non-zero on failure
#   stop   kills by PID and removes what start created; safe when never started
#
# Before sourcing, set ADDON (the add-on's name).

: "${ADDON:?set ADDON before sourcing addon.bash}"
ADDONS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E_DIR="$(cd "$ADDONS_DIR/.." && pwd)"
CACHE="${CDK8S_PATTERNS_CACHE:-$HOME/.cache/cdk8s-patterns}"
# shellcheck disable=SC2034 # used by the add-on scripts that source this file
ADDON_CACHE="$CACHE/addons/$ADDON"
RUN_DIR="${CDK8S_E2E_RUN_DIR:-${TMPDIR:-/tmp}/cdk8s-patterns-e2e}"
PIDS="$RUN_DIR/pids"
LOGS="$RUN_DIR/logs"

log() { echo "addon $ADDON: $*" >&2; }
die() {
  printf 'addon %s: ERROR: %b\n' "$ADDON" "$*" >&2
  exit 1
}

# Go settings shared with build-control-plane.sh: the toolchain on PATH, no cgo, 2 jobs.
go_env() {
  command -v go >/dev/null || die "go is not on PATH"
  export GOTOOLCHAIN=local CGO_ENABLED=0
  export GOFLAGS="${GOFLAGS:--p=2}"
}

# stamp_ok FILE VERSION / write_stamp FILE VERSION: an artifact is current when its stamp matches.
stamp_ok() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }
write_stamp() { echo "$2" >"$1"; }

# go_module_dir MODULE@VERSION: downloads the module through the Go module proxy
# (`go mod download -json`) and prints its read-only directory in the module cache.
go_module_dir() {
  local out dir
  go_env
  out="$(cd "${TMPDIR:-/tmp}" && GOFLAGS=-mod=mod go mod download -json "$1" 2>&1)" ||
    die "go mod download $1 failed:\n$out"
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$out")"
  [[ -n "$dir" && -d "$dir" ]] || die "go mod download $1 printed no directory:\n$out"
  echo "$dir"
}

# kubectl_ ARGS...: the cluster's kubectl with the admin kubeconfig.
kubectl_() {
  local bin="${CDK8S_E2E_BIN_DIR:-$(bash "$E2E_DIR/build-control-plane.sh" --print-bin-dir)}"
  "$bin/kubectl" --kubeconfig "${KUBECONFIG:-$RUN_DIR/kubeconfig}" "$@"
}

# launch ARGS...: the add-on's host process in its own session, log and PID under the run dir.
launch() {
  mkdir -p "$PIDS" "$LOGS"
  setsid "$@" >"$LOGS/$ADDON.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$ADDON.pid"
}

is_running() { [[ -f "$PIDS/$ADDON.pid" ]] && kill -0 "$(cat "$PIDS/$ADDON.pid")" 2>/dev/null; }

# stop_process: TERM the PID recorded by launch, KILL after 5 s; no-op when there is none.
stop_process() {
  local f="$PIDS/$ADDON.pid" pid i
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

# wait_until DESC TIMEOUT_S CMD...: poll CMD; fail early when the add-on's process died
# (only if it has one), with the end of its log.
wait_until() {
  local desc="$1" timeout="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -f "$PIDS/$ADDON.pid" ]] && ! is_running; then
      die "the process exited while waiting for $desc; end of $LOGS/$ADDON.log:\n$(tail -25 "$LOGS/$ADDON.log" 2>/dev/null)"
    fi
    ((SECONDS < deadline)) || die "timed out after ${timeout}s waiting for $desc; end of $LOGS/$ADDON.log:\n$(tail -25 "$LOGS/$ADDON.log" 2>/dev/null)"
    sleep 0.3
  done
}

# cluster_up: true when the run dir holds a kubeconfig of a reachable API server.
cluster_up() { [[ -f "${KUBECONFIG:-$RUN_DIR/kubeconfig}" ]] && kubectl_ get --raw /readyz >/dev/null 2>&1; }

# addon_main "$@": runs the add-on's build, start or stop function, or a command of its own that
# it defines as cmd_<name> (crds.sh's `dir`); anything else prints the usage and exits 2.
addon_main() {
  case "${1:-}" in
    build | start | stop) "$1" ;;
    *)
      if [[ -n "${1:-}" ]] && declare -F "cmd_$1" >/dev/null; then
        "cmd_$1"
      else
        echo "usage: $0 build|start|stop$(declare -F | sed -n 's/^declare -f cmd_/|/p' | tr -d '\n')" >&2
        exit 2
      fi
      ;;
  esac
}
