#!/usr/bin/env bash
# metrics-server add-on of the e2e cluster: the resource metrics API (metrics.k8s.io/v1beta1) that
# `kubectl top` and HorizontalPodAutoscalers on CPU or memory need.
#
#   bash scripts/e2e/addons/metrics-server.sh build   # go install, cached; a second run takes ~0 s
#   bash scripts/e2e/addons/metrics-server.sh start   # after the nodes are Ready (cluster.sh start)
#   bash scripts/e2e/addons/metrics-server.sh stop    # safe when it was never started
#
# metrics-server runs as a process of this host (as the control plane does), not as a pod, with
# the upstream manifests' identity and grants: the ServiceAccount kube-system/metrics-server (its
# token in a kubeconfig), the ClusterRoles system:metrics-server (nodes/metrics get; pods and nodes
# get/list/watch) and system:aggregated-metrics-reader, system:auth-delegator and the
# extension-apiserver-authentication-reader Role. It scrapes every kubelet's /metrics/resource on
# the node address and port of the Node's status, verifying the kubelets' serving certificates
# with the cluster CA, and serves on the node address with a certificate of its own CA. The API
# server reaches it through the APIService v1beta1.metrics.k8s.io, a selector-less Service
# kube-system/metrics-server and an EndpointSlice holding this host's node address (loopback is
# refused by EndpointSlice validation). Requests the API server proxies are authenticated with the
# front-proxy client certificate (cluster.sh's --requestheader-* and --proxy-client-* flags).
#
# Environment:
#   build: CDK8S_PATTERNS_CACHE (binary in $CACHE/addons/metrics-server/<version>/), METRICS_SERVER_VERSION
#   start: CDK8S_E2E_RUN_DIR, KUBECONFIG (admin), CDK8S_E2E_BIN_DIR (kubectl); optional
#          METRICS_SERVER_RESOLUTION (default 10s, the smallest metrics-server accepts)
#   stop:  CDK8S_E2E_RUN_DIR; with KUBECONFIG (and CDK8S_E2E_BIN_DIR) it also deletes the APIService
# Files: $RUN_DIR/pids/metrics-server.pid, $RUN_DIR/logs/metrics-server.log, $RUN_DIR/metrics-server/.
set -euo pipefail

ADDON=metrics-server
# shellcheck source=scripts/e2e/addons/lib/addon.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/addon.bash"
VERSION="${METRICS_SERVER_VERSION:-v0.9.0}"
DIR="$ADDON_CACHE"
BIN_FILE="$DIR/$VERSION/metrics-server"
STAMP="$DIR/$VERSION/.version"

# ------------------------------------------------------------------ build
build() {
  if [[ -x "$BIN_FILE" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]]; then
    log "$VERSION present in $DIR/$VERSION"
    return 0
  fi
  command -v go >/dev/null || die "go is not on PATH"
  mkdir -p "$DIR/$VERSION"
  local t0=$SECONDS blog="$DIR/build.log"
  log "building sigs.k8s.io/metrics-server $VERSION (go install; about 3.5 min on 2 cores)"
  # The version variable is the one upstream's Makefile sets (else --version says v0.0.0-master).
  if ! GOBIN="$DIR/$VERSION" CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--p=2}" \
    go install -trimpath \
    -ldflags "-s -w -X k8s.io/client-go/pkg/version.gitVersion=$VERSION" \
    "sigs.k8s.io/metrics-server/cmd/metrics-server@$VERSION" >"$blog" 2>&1; then
    die "go install sigs.k8s.io/metrics-server/cmd/metrics-server@$VERSION failed:\n$(tail -20 "$blog")"
  fi
  echo "$VERSION" >"$STAMP"
  log "built $VERSION in $((SECONDS - t0))s: $BIN_FILE"
}

# ------------------------------------------------------------------ start / stop
PID_FILE="$PIDS/$ADDON.pid"
LOG_FILE="$LOGS/$ADDON.log"
MS="$RUN_DIR/metrics-server"

running() { is_running; }

# kubectl_ of addon.bash, with the kubectl start (or stop) resolved.
kubectl_() { "$KUBECTL" --kubeconfig "$KUBECONFIG" "$@"; }

# The upstream manifests' ServiceAccount and grants (manifests/base/rbac.yaml of v0.9.0), plus the
# selector-less Service; the EndpointSlice and the APIService follow once the port is known.
rbac_and_service() {
  cat <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregated-metrics-reader
  labels:
    k8s-app: metrics-server
    rbac.authorization.k8s.io/aggregate-to-view: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
rules:
- apiGroups: [metrics.k8s.io]
  resources: [pods, nodes]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:metrics-server", labels: {k8s-app: metrics-server}}
rules:
- apiGroups: [""]
  resources: [nodes/metrics]
  verbs: [get]
- apiGroups: [""]
  resources: [pods, nodes]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:metrics-server", labels: {k8s-app: metrics-server}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:metrics-server"}
subjects: [{kind: ServiceAccount, name: metrics-server, namespace: kube-system}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "metrics-server:system:auth-delegator", labels: {k8s-app: metrics-server}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:auth-delegator"}
subjects: [{kind: ServiceAccount, name: metrics-server, namespace: kube-system}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: metrics-server-auth-reader, namespace: kube-system, labels: {k8s-app: metrics-server}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
subjects: [{kind: ServiceAccount, name: metrics-server, namespace: kube-system}]
---
# No selector: the endpoints are this host's (the EndpointSlice below), as for the "kubernetes" Service.
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
spec:
  ports: [{name: https, port: 443, protocol: TCP, appProtocol: https}]
YAML
}

endpoint_and_apiservice() { # address port ca-file
  cat <<YAML
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: metrics-server-host
  namespace: kube-system
  labels:
    k8s-app: metrics-server
    kubernetes.io/service-name: metrics-server
    endpointslice.kubernetes.io/managed-by: cdk8s-patterns-e2e
addressType: IPv4
endpoints: [{addresses: ["$1"], conditions: {ready: true}}]
ports: [{name: https, port: $2, protocol: TCP, appProtocol: https}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io, labels: {k8s-app: metrics-server}}
spec:
  service: {name: metrics-server, namespace: kube-system, port: 443}
  group: metrics.k8s.io
  version: v1beta1
  caBundle: $(base64 -w0 <"$3")
  groupPriorityMinimum: 100
  versionPriority: 100
YAML
}

# log_tail: the last lines of the log without the usage text metrics-server prints on a bad flag.
log_tail() { grep -vE '^ +-|^$|^[A-Z][a-z ]+ flags:$' "$LOG_FILE" | tail -15; }

start() {
  [[ -n "${KUBECONFIG:-}" && -f "$KUBECONFIG" ]] || die "KUBECONFIG must name the cluster's admin kubeconfig"
  KUBECTL="${CDK8S_E2E_BIN_DIR:+$CDK8S_E2E_BIN_DIR/kubectl}"
  [[ -n "$KUBECTL" && -x "$KUBECTL" ]] || KUBECTL="$(command -v kubectl || true)"
  [[ -x "$KUBECTL" ]] || die "no kubectl (set CDK8S_E2E_BIN_DIR)"
  [[ -x "$BIN_FILE" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]] || die "$BIN_FILE missing; run: bash $0 build"
  if running; then
    log "already running (pid $(cat "$PID_FILE"))"
    return 0
  fi
  local t0=$SECONDS
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs" "$MS/pki"
  trap '[[ $? -eq 0 ]] || stop_process' EXIT

  # The API server's address is this host's node address: the one the API server reaches us on.
  local server addr port
  server="$(kubectl_ config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
  addr="${METRICS_SERVER_ADDRESS:-$(sed -E 's#^https://([^:/]+).*#\1#' <<<"$server")}"
  [[ "$addr" =~ ^[0-9.]+$ && "$addr" != 127.* ]] || die "cannot serve on \"$addr\" (from $server): the EndpointSlice needs a non-loopback IPv4 address of this host; set METRICS_SERVER_ADDRESS"
  port="$(python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$addr")"

  # The cluster CA (from the admin kubeconfig) verifies the API server and the kubelets' serving
  # certificates (cluster.sh signs those with it). metrics-server's own serving certificate comes
  # from a CA of its own, which the APIService's caBundle names.
  kubectl_ config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$MS/pki/cluster-ca.crt"
  [[ -s "$MS/pki/cluster-ca.crt" ]] || die "the admin kubeconfig has no certificate-authority-data"
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=metrics-server-e2e-ca" \
      -keyout "$MS/pki/ca.key" -out "$MS/pki/ca.crt"
    printf 'subjectAltName=DNS:metrics-server.kube-system.svc,DNS:metrics-server.kube-system.svc.cluster.local,IP:%s\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n' "$addr" >"$MS/pki/serving.ext"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=metrics-server.kube-system.svc" -keyout "$MS/pki/serving.key" -out "$MS/pki/serving.csr"
    openssl x509 -req -in "$MS/pki/serving.csr" -CA "$MS/pki/ca.crt" -CAkey "$MS/pki/ca.key" -CAcreateserial \
      -days 2 -extfile "$MS/pki/serving.ext" -out "$MS/pki/serving.crt"
  } >"$MS/openssl.log" 2>&1 || die "openssl failed:\n$(tail -20 "$MS/openssl.log")"
  chmod 600 "$MS/pki"/*.key

  # Identity: the ServiceAccount's token (a TokenRequest, valid as long as the throw-away cluster).
  rbac_and_service | kubectl_ apply -f - >"$MS/apply.log" 2>&1 || die "applying RBAC and Service failed:\n$(cat "$MS/apply.log")"
  local token
  token="$(kubectl_ create token metrics-server -n kube-system --duration=48h)" || die "cannot create a token for kube-system/metrics-server"
  cat >"$MS/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "$server", certificate-authority: "$MS/pki/cluster-ca.crt"}
users:
- name: metrics-server
  user: {token: "$token"}
contexts:
- name: e2e
  context: {cluster: e2e, user: metrics-server}
current-context: e2e
YAML
  chmod 600 "$MS/kubeconfig"

  # setsid: its own session, so a Ctrl-C to the caller does not kill it before stop runs.
  setsid "$BIN_FILE" \
    --kubeconfig "$MS/kubeconfig" \
    --authentication-kubeconfig "$MS/kubeconfig" \
    --authorization-kubeconfig "$MS/kubeconfig" \
    --bind-address "$addr" --secure-port "$port" \
    --tls-cert-file "$MS/pki/serving.crt" --tls-private-key-file "$MS/pki/serving.key" \
    --kubelet-certificate-authority "$MS/pki/cluster-ca.crt" \
    --kubelet-preferred-address-types InternalIP \
    --kubelet-use-node-status-port \
    --metric-resolution "${METRICS_SERVER_RESOLUTION:-10s}" \
    --kubelet-request-timeout 5s \
    --profiling=false \
    --v=1 >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"

  endpoint_and_apiservice "$addr" "$port" "$MS/pki/ca.crt" | kubectl_ apply -f - >>"$MS/apply.log" 2>&1 \
    || die "applying the EndpointSlice and APIService failed:\n$(tail -5 "$MS/apply.log")"
  touch "$MS/registered"

  # Ready when the aggregated API answers with a sample for every node (and `kubectl top` works).
  local nodes deadline=$((SECONDS + ${METRICS_SERVER_START_TIMEOUT:-120})) got=""
  nodes="$(kubectl_ get nodes -o name | wc -l)"
  until got="$(kubectl_ get --raw /apis/metrics.k8s.io/v1beta1/nodes 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null)" \
    && [[ "$got" -ge "$nodes" ]] && kubectl_ top nodes >/dev/null 2>&1; do
    running || die "metrics-server exited (see $LOG_FILE):\n$(log_tail)"
    if ((SECONDS >= deadline)); then
      die "no node metrics (${got:-0} of $nodes nodes) after ${METRICS_SERVER_START_TIMEOUT:-120}s; APIService: $(kubectl_ get apiservice v1beta1.metrics.k8s.io -o jsonpath='{.status.conditions[0].message}' 2>&1)\n$(log_tail)"
    fi
    sleep 1
  done
  trap - EXIT
  log "$VERSION ready in $((SECONDS - t0))s on https://$addr:$port (pid $(cat "$PID_FILE"), resolution ${METRICS_SERVER_RESOLUTION:-10s}): metrics of $got nodes"
}


stop() {
  stop_process
  # While the API server still runs (a cluster kept for development), remove the APIService, or
  # API discovery keeps reporting metrics.k8s.io/v1beta1 as unavailable. Best effort, short timeout.
  if [[ -f "$MS/registered" && -n "${KUBECONFIG:-}" && -f "$KUBECONFIG" ]]; then
    KUBECTL="${CDK8S_E2E_BIN_DIR:+$CDK8S_E2E_BIN_DIR/kubectl}"
    [[ -n "$KUBECTL" && -x "$KUBECTL" ]] || KUBECTL="$(command -v kubectl || true)"
    if [[ -x "$KUBECTL" ]]; then
      kubectl_ --request-timeout=3s delete apiservice v1beta1.metrics.k8s.io --ignore-not-found >/dev/null 2>&1 || true
    fi
  fi
  rm -f "$MS/registered"
  log "stopped"
}

addon_main "$@"
