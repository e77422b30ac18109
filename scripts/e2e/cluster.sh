#!/usr/bin/env bash
# Start/stop a throw-away, real Kubernetes control plane on loopback for end-to-end tests.
#
#   bash scripts/e2e/cluster.sh start    # prints `export KUBECONFIG=...`
#   bash scripts/e2e/cluster.sh status
#   bash scripts/e2e/cluster.sh stop     # kills every process, removes the run dir
#
# Why a real control plane: only the API server performs the semantic checks that
# schema validation misses (selector vs template labels, strict field validation,
# PodSecurity "restricted" admission, RBAC evaluation for `kubectl auth can-i`), and
# only the controllers turn Deployments/Jobs/Services into ReplicaSets, Pods and
# EndpointSlices, and only a real kubelet with a real container runtime proves that the pods
# start, stay up and pass their probes.
#
# Components (binaries from scripts/e2e/build-control-plane.sh):
#   etcd, kube-apiserver (RBAC+Node authz, PodSecurity admission, SA token issuing),
#   kube-controller-manager (all default controllers, SA token signing), kube-scheduler,
#   and real nodes (scripts/e2e/node.sh): containerd + runc, the kubelet, kube-proxy,
#   a CNI bridge and local PersistentVolumes, running the images that test/e2e/images/build.sh
#   built; CoreDNS runs in pods (Deployment kube-system/coredns, Service kube-dns at 10.96.0.10,
#   the kubelets' clusterDNS), as kubeadm deploys it, and `start` waits until it answers.
# etcd binds to 127.0.0.1, the API server and the node to the node address (an address on a
# bridge of its own, so pods can reach the API server). The API server listens on port 6443 as on
# a kubeadm cluster (so a NetworkPolicy can name "10.250.0.1/32 port 6443" as it would name the
# control plane there; `start` fails when the port is taken), everything else on free ports.
# Certificates/keys are generated with openssl into the run dir. Logs: $RUN_DIR/logs/<component>.log.
#
# Add-ons (scripts/e2e/addons/<name>.sh build|start|stop, see scripts/e2e/addons/README.md): once
# the node is Ready, `start` runs every add-on's `start` in name order (the real Gateway API and
# KEDA CRDs, Traefik as the Gateway API controller, ...); `stop` runs their `stop` in reverse order
# before it stops the node. They must have been built (`run.sh` does it; by hand:
# `for a in scripts/e2e/addons/*.sh; do bash "$a" build; done`).
#
# Environment:
#   CDK8S_E2E_RUN_DIR   run dir (default ${TMPDIR:-/tmp}/cdk8s-patterns-e2e)
#   CDK8S_E2E_BIN_DIR   binaries (default: from build-control-plane.sh --print-bin-dir)
#   CDK8S_PATTERNS_CACHE  cache of the built binaries and images (default ~/.cache/cdk8s-patterns)
#   CDK8S_E2E_ADDONS    names of the add-ons to start, space-separated (default: all; "none": none)
#   CDK8S_E2E_API_PORT  the API server's port on the node address (default 6443, kubeadm's)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/e2e/node.sh
source "$HERE/node.sh"
RUN_DIR="${CDK8S_E2E_RUN_DIR:-${TMPDIR:-/tmp}/cdk8s-patterns-e2e}"
BIN="${CDK8S_E2E_BIN_DIR:-$(bash "$HERE/build-control-plane.sh" --print-bin-dir)}"
CACHE="${CDK8S_PATTERNS_CACHE:-$HOME/.cache/cdk8s-patterns}"
IMAGES_DIR="${CDK8S_E2E_IMAGES_DIR:-$CACHE/images}"
LOGS="$RUN_DIR/logs"
PKI="$RUN_DIR/pki"
PIDS="$RUN_DIR/pids"
KUBECONFIG_FILE="$RUN_DIR/kubeconfig"
COMPONENTS=(kube-proxy registry kube-scheduler kube-controller-manager kube-apiserver etcd)
API_PORT="${CDK8S_E2E_API_PORT:-6443}"

log() { echo "cluster: $*" >&2; }
die() {
  printf 'cluster: ERROR: %b\n' "$*" >&2
  exit 1
}

# ------------------------------------------------------------------ helpers
kubectl_() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

is_running() { # component
  local f="$PIDS/$1.pid"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

show_logs() {
  local c
  for c in "${COMPONENTS[@]}" $(cd "$LOGS" 2>/dev/null && ls kubelet-*.log containerd-*.log 2>/dev/null | sed 's/\.log$//'); do
    [[ -f "$LOGS/$c.log" ]] || continue
    echo "----- last 25 lines of $LOGS/$c.log -----" >&2
    tail -n 25 "$LOGS/$c.log" >&2 || true
  done
}

# stop_components NAME...: TERM them together, KILL whatever is left after 3 s (the cluster
# is throw-away: the apiserver's own graceful termination would take ~10 s).
stop_components() {
  local c pid i
  for c in "$@"; do
    if [[ -f "$PIDS/$c.pid" ]]; then kill -TERM "$(cat "$PIDS/$c.pid")" 2>/dev/null || true; fi
  done
  for c in "$@"; do
    [[ -f "$PIDS/$c.pid" ]] || continue
    pid="$(cat "$PIDS/$c.pid")"
    for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PIDS/$c.pid"
  done
}

# ------------------------------------------------------------------ add-ons
# addon_scripts: scripts/e2e/addons/*.sh in name order (a glob, so new add-ons need no edit here),
# filtered by CDK8S_E2E_ADDONS.
addon_scripts() {
  local f name
  [[ "${CDK8S_E2E_ADDONS:-}" == none ]] && return 0
  for f in "$HERE"/addons/*.sh; do
    [[ -f "$f" ]] || continue
    name="$(basename "$f" .sh)"
    if [[ -n "${CDK8S_E2E_ADDONS:-}" && " $CDK8S_E2E_ADDONS " != *" $name "* ]]; then continue; fi
    echo "$f"
  done
}

addon_env() {
  env CDK8S_E2E_RUN_DIR="$RUN_DIR" KUBECONFIG="$KUBECONFIG_FILE" CDK8S_E2E_BIN_DIR="$BIN" \
    CDK8S_PATTERNS_CACHE="$CACHE" "$@"
}

# addons_start: every add-on's `start`, in name order; the first failure fails the start.
addons_start() {
  local f name t
  mkdir -p "$RUN_DIR/addons"
  for f in $(addon_scripts); do
    name="$(basename "$f" .sh)"
    t=$SECONDS
    addon_env bash "$f" start || die "add-on $name did not start (bash $f start; log $LOGS/$name.log if it has a process)"
    touch "$RUN_DIR/addons/$name.started"
    log "add-on $name started in $((SECONDS - t))s"
  done
}

# addons_stop: every add-on's `stop` (all of them, whatever CDK8S_E2E_ADDONS says now), in reverse
# name order; `stop` is safe for an add-on that was never started.
addons_stop() {
  local f
  for f in $(CDK8S_E2E_ADDONS='' addon_scripts | sort -r); do
    addon_env bash "$f" stop || log "add-on $(basename "$f" .sh): stop failed (continuing)"
  done
}

# stop_all: the add-ons, the node, then the control plane, then etcd.
stop_all() {
  [[ -d "$PIDS" ]] || return 0
  addons_stop
  node_stop
  stop_components kube-scheduler kube-controller-manager kube-apiserver
  stop_components etcd
}

# free_ports N: prints N distinct free TCP ports on 127.0.0.1 (all held open until printed).
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# port_free ADDRESS PORT: nothing listens on ADDRESS:PORT (nor on the wildcard address); binds
# with SO_REUSEADDR as the API server does, so connections of an earlier run in TIME_WAIT do not count.
port_free() {
  python3 - "$1" "$2" <<'EOF'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError as e:
    sys.exit(f"{e.strerror}")
EOF
}

# http_ok URL: plain-HTTP GET succeeds (curl if present, else python3).
http_ok() {
  if command -v curl >/dev/null; then curl -fsS -m 2 "$1"; else
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1"
  fi
}

# launch NAME ARGS...: background process, logs to file, pid recorded.
launch() {
  local name="$1"
  shift
  # setsid: own session, so a Ctrl-C/SIGINT to the caller's process group does not
  # kill the component before the trap can stop everything in order.
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# wait_for DESC TIMEOUT_S COMPONENT CMD...: poll CMD until it succeeds, while COMPONENT is alive.
wait_for() {
  local desc="$1" timeout="$2" comp="$3"
  shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    is_running "$comp" || die "$comp exited while waiting for $desc (see $LOGS/$comp.log)"
    ((SECONDS < deadline)) || die "timed out after ${timeout}s waiting for $desc"
    sleep 0.3
  done
}

# ------------------------------------------------------------------ PKI
gen_pki() {
  mkdir -p "$PKI"
  local o="$PKI"
  # openssl prints progress dots on stderr; keep quiet unless it fails.
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cdk8s-patterns-e2e-ca" \
      -keyout "$o/ca.key" -out "$o/ca.crt"
    # apiserver serving cert, valid for loopback and the in-cluster service IP.
    cat >"$o/apiserver.ext" <<EOF
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,IP:$NODE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
keyUsage=digitalSignature,keyEncipherment
EOF
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$o/apiserver.key" -out "$o/apiserver.csr"
    openssl x509 -req -in "$o/apiserver.csr" -CA "$o/ca.crt" -CAkey "$o/ca.key" -CAcreateserial \
      -days 2 -extfile "$o/apiserver.ext" -out "$o/apiserver.crt"
    # client certs: the CN is the user, O the group (system:masters = cluster-admin).
    printf 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n' >"$o/client.ext"
    local spec name subj
    for spec in "admin:/O=system:masters/CN=cdk8s-patterns-e2e-admin" \
      "controller-manager:/CN=system:kube-controller-manager" \
      "scheduler:/CN=system:kube-scheduler"; do
      name="${spec%%:*}"
      subj="${spec#*:}"
      openssl req -newkey rsa:2048 -nodes -subj "$subj" -keyout "$o/$name.key" -out "$o/$name.csr"
      openssl x509 -req -in "$o/$name.csr" -CA "$o/ca.crt" -CAkey "$o/ca.key" -CAcreateserial \
        -days 2 -extfile "$o/client.ext" -out "$o/$name.crt"
    done
    # front-proxy (request-header) CA + client: without it KCM/scheduler delegated
    # authentication keeps logging "missing content for CA bundle requestheader-client-ca-file".
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cdk8s-patterns-e2e-front-proxy-ca" \
      -keyout "$o/front-proxy-ca.key" -out "$o/front-proxy-ca.crt"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=front-proxy-client" -keyout "$o/front-proxy-client.key" -out "$o/front-proxy-client.csr"
    openssl x509 -req -in "$o/front-proxy-client.csr" -CA "$o/front-proxy-ca.crt" -CAkey "$o/front-proxy-ca.key" -CAcreateserial \
      -days 2 -extfile "$o/client.ext" -out "$o/front-proxy-client.crt"
    # service-account token signing key pair (apiserver signs/verifies, KCM signs legacy tokens).
    openssl genrsa -out "$o/sa.key" 2048
    openssl rsa -in "$o/sa.key" -pubout -out "$o/sa.pub"
  } >"$LOGS/openssl.log" 2>&1 || die "openssl failed:\n$(tail -20 "$LOGS/openssl.log")"
  chmod 600 "$o"/*.key
}

write_kubeconfig() { # file user-name cert-basename server
  local file="$1" user="$2" cert="$3" server="$4"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$cert.crt")
    client-key-data: $(base64 -w0 <"$PKI/$cert.key")
contexts:
- name: e2e
  context:
    cluster: e2e
    user: $user
current-context: e2e
EOF
  chmod 600 "$file"
}

# ------------------------------------------------------------------ start
start() {
  local c
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy crane; do
    [[ -x "$BIN/$c" ]] || die "missing $BIN/$c; run: bash scripts/e2e/build-control-plane.sh"
  done
  command -v openssl >/dev/null || die "openssl is required"
  command -v python3 >/dev/null || die "python3 is required (free port allocation)"
  if [[ -d "$PIDS" ]]; then
    for c in "${COMPONENTS[@]}"; do
      is_running "$c" && die "a cluster is already running from $RUN_DIR ($c); run: bash scripts/e2e/cluster.sh stop"
    done
  fi
  rm -rf "$RUN_DIR"
  mkdir -p "$LOGS" "$PIDS"
  mkdir -m 700 "$RUN_DIR/etcd-data"
  chmod 700 "$RUN_DIR"

  # Any failure from here on: show logs, tear everything down, remove the run dir.
  trap 'rc=$?; if [[ $rc -ne 0 ]]; then log "start failed (exit $rc); component logs:"; show_logs; stop_all; rm -rf "$RUN_DIR"; fi' EXIT
  trap 'exit 130' INT TERM

  local t0=$SECONDS
  node_prereqs
  node_net_up
  gen_pki
  node_pki
  local etcd_port peer_port kcm_port sched_port why
  read -r etcd_port peer_port kcm_port sched_port <<<"$(free_ports 4)"
  why="$(port_free "$NODE_IP" "$API_PORT" 2>&1)" ||
    die "port $API_PORT on $NODE_IP is taken ($why), the API server cannot listen there; what listens: $(ss -Htlnp "sport = :$API_PORT" 2>/dev/null | awk '{print $4, $6}' | tr '\n' ' ')(stop it, or set CDK8S_E2E_API_PORT)"
  local server="https://$NODE_IP:$API_PORT"
  API_SERVER="$server"
  echo "$server" >"$RUN_DIR/server"

  # etcd: --unsafe-no-fsync because durability is pointless for a throw-away cluster and
  # fsync dominates latency on shared CI disks.
  launch etcd "$BIN/etcd" \
    --name e2e --data-dir "$RUN_DIR/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "e2e=http://127.0.0.1:$peer_port" \
    --unsafe-no-fsync --log-level warn
  wait_for "etcd health" 30 etcd http_ok "http://127.0.0.1:$etcd_port/health"

  # kube-apiserver, on the node address so pods reach it through the "kubernetes" Service.
  # PodSecurity is in the default admission set of these versions; it is
  # also named in --enable-admission-plugins so a future default change cannot silently
  # drop it (and `start` verifies it below). --allow-privileged=true like real clusters,
  # so privileged pods are rejected by PodSecurity "restricted", not by a global switch.
  launch kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$API_PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction,PodSecurity \
    --allow-privileged=true \
    --service-cluster-ip-range 10.96.0.0/16 \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" \
    --service-account-signing-key-file "$PKI/sa.key" \
    --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User \
    --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$PKI/front-proxy-client.crt" \
    --proxy-client-key-file "$PKI/front-proxy-client.key" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --profiling=false \
    --v=1
  write_kubeconfig "$KUBECONFIG_FILE" cdk8s-patterns-e2e-admin admin "$server"
  write_kubeconfig "$RUN_DIR/controller-manager.kubeconfig" system:kube-controller-manager controller-manager "$server"
  write_kubeconfig "$RUN_DIR/scheduler.kubeconfig" system:kube-scheduler scheduler "$server"
  wait_for "kube-apiserver /readyz" 90 kube-apiserver kubectl_ get --raw /readyz
  log "kube-apiserver ready on $server after $((SECONDS - t0))s"

  # kube-controller-manager: --use-service-account-credentials gives every controller its
  # own ServiceAccount, as in real clusters (so controller RBAC is exercised too);
  # --service-account-private-key-file enables the token controller.
  launch kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$RUN_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$RUN_DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$RUN_DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$kcm_port" \
    --leader-elect=false \
    --controllers '*' \
    --use-service-account-credentials=true \
    --service-account-private-key-file "$PKI/sa.key" \
    --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --profiling=false \
    --v=1
  launch kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$RUN_DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$RUN_DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig "$RUN_DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$sched_port" \
    --leader-elect=false \
    --profiling=false \
    --v=1

  # The real nodes: containerd, kubelet, kube-proxy, local volumes; the cluster DNS (CoreDNS pods).
  node_start
  # Namespaced work needs the "default" ServiceAccount (created by KCM) and the
  # kube-root-ca.crt ConfigMap; both prove the controllers run.
  wait_for "ServiceAccount default/default (kube-controller-manager)" 60 kube-controller-manager \
    kubectl_ get serviceaccount default -n default
  is_running kube-scheduler || die "kube-scheduler exited (see $LOGS/kube-scheduler.log)"

  # Prove PodSecurity admission is active: a privileged pod in a restricted namespace
  # must be rejected by a server-side dry run.
  kubectl_ create namespace e2e-psa-probe >/dev/null
  kubectl_ label namespace e2e-psa-probe pod-security.kubernetes.io/enforce=restricted >/dev/null
  # (ServiceAccount admission runs first and rejects pods until "default" exists)
  wait_for "ServiceAccount e2e-psa-probe/default" 30 kube-controller-manager \
    kubectl_ get serviceaccount default -n e2e-psa-probe
  local psa_out
  if psa_out="$(kubectl_ run psa-probe -n e2e-psa-probe --image=registry.k8s.io/pause:3.10 --dry-run=server \
    --overrides='{"spec":{"containers":[{"name":"psa-probe","image":"registry.k8s.io/pause:3.10","securityContext":{"privileged":true}}]}}' 2>&1)"; then
    die "PodSecurity admission is NOT enforcing: a privileged pod was admitted in a restricted namespace"
  fi
  grep -q 'violates PodSecurity' <<<"$psa_out" || die "unexpected response to the PodSecurity probe:\n$psa_out"
  kubectl_ delete namespace e2e-psa-probe --wait=false >/dev/null

  # Marker the harness checks before it creates/deletes namespaces, so it can never be
  # pointed at a real cluster by a stray KUBECONFIG.
  kubectl_ create configmap cdk8s-patterns-e2e-cluster -n kube-system --from-literal=runDir="$RUN_DIR" >/dev/null

  # Add-ons last: they need the node (pods, Services, the token controller).
  addons_start

  trap - EXIT INT TERM
  {
    echo "export KUBECONFIG=$KUBECONFIG_FILE"
    echo "export PATH=$BIN:\$PATH"
  } >"$RUN_DIR/env"
  log "cluster ready in $((SECONDS - t0))s ($NODE_COUNT nodes, API server at $server, cluster DNS at $CLUSTER_DNS_IP); logs in $LOGS"
  echo "# To use it:"
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
  echo "export PATH=$BIN:\$PATH   # kubectl $(cat "$BIN/.kubectl.version" 2>/dev/null || true)"
  echo "# or: source $RUN_DIR/env"
}

status() {
  local c rc=0
  if [[ ! -d "$PIDS" ]]; then
    echo "no cluster (run dir $RUN_DIR absent)"
    return 1
  fi
  for c in "${COMPONENTS[@]}"; do
    if is_running "$c"; then echo "$c: running (pid $(cat "$PIDS/$c.pid"))"; else
      echo "$c: NOT running"
      rc=1
    fi
  done
  local f name
  for f in $(addon_scripts); do
    name="$(basename "$f" .sh)"
    if [[ -f "$PIDS/$name.pid" ]]; then
      if is_running "$name"; then echo "add-on $name: running (pid $(cat "$PIDS/$name.pid"))"; else
        echo "add-on $name: NOT running"
        rc=1
      fi
    elif [[ -f "$RUN_DIR/addons/$name.started" ]]; then echo "add-on $name: started (no process)"
    else
      echo "add-on $name: NOT started"
      rc=1
    fi
  done
  if kubectl_ get --raw /readyz >/dev/null 2>&1; then echo "apiserver: ready at $(cat "$RUN_DIR/server")"; else
    echo "apiserver: not ready"
    rc=1
  fi
  if kubectl_ -n kube-system rollout status deployment/coredns --timeout=1s >/dev/null 2>&1; then
    echo "cluster DNS: ready at $CLUSTER_DNS_IP (kube-system/coredns)"
  else
    echo "cluster DNS: not ready (kubectl -n kube-system get pods -l k8s-app=kube-dns)"
    rc=1
  fi
  kubectl_ get nodes 2>/dev/null || true
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
  return $rc
}

stop() {
  stop_all
  rm -rf "$RUN_DIR"
  log "stopped; removed $RUN_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  logs) show_logs ;;
  *)
    echo "usage: $0 start|stop|status|logs" >&2
    exit 2
    ;;
esac
