#!/usr/bin/env bash
# Add-on "traefik": a real Gateway API (and Ingress) implementation for the e2e cluster.
#
#   bash scripts/e2e/addons/traefik.sh build   # Traefik from the Go module proxy, cached
#   bash scripts/e2e/addons/traefik.sh start   # GatewayClass, RBAC, token; Traefik as a host process
#   bash scripts/e2e/addons/traefik.sh stop
#
# Traefik TRAEFIK_VERSION is built from its module (github.com/traefik/traefik/v3) with the
# toolchain on PATH (no image registry is reachable here). It runs OUT of the cluster, as a host
# process, like the control plane: it watches the API server with a ServiceAccount token and proxies
# to pod IPs (10.244.x.y), which the host reaches through the node's CNI bridges. Its entryPoint
# `web` listens on 127.0.0.1:$TRAEFIK_WEB_PORT; a Gateway listener must use that same port (Traefik
# matches listeners to entryPoints by port). The Gateway API CRDs come from the `crds` add-on,
# which cluster.sh starts first (sorted order).
#
# Environment: TRAEFIK_VERSION (default v3.6.12), TRAEFIK_WEB_PORT (8000), TRAEFIK_PING_PORT (8082).
set -euo pipefail
ADDON=traefik
# shellcheck source=scripts/e2e/addons/lib/addon.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/addon.bash"

TRAEFIK_VERSION="${TRAEFIK_VERSION:-v3.6.12}"
# The Gateway API release Traefik's go.mod requires (checked at build time); the crds add-on installs
# CRDs of the same minor release (test/e2e-crds.test.ts).
TRAEFIK_GATEWAY_API_VERSION="${TRAEFIK_GATEWAY_API_VERSION:-v1.4.0}"
TRAEFIK_WEB_PORT="${TRAEFIK_WEB_PORT:-8000}"
TRAEFIK_PING_PORT="${TRAEFIK_PING_PORT:-8082}"
GATEWAY_CLASS=traefik
CONTROLLER_NAME=traefik.io/gateway-controller
NS=cdk8s-e2e-traefik
BIN_FILE="$ADDON_CACHE/bin/traefik"
STAMP="$ADDON_CACHE/bin/.traefik.version"

build() {
  if [[ -x "$BIN_FILE" ]] && stamp_ok "$STAMP" "$TRAEFIK_VERSION"; then
    log "traefik $TRAEFIK_VERSION present ($BIN_FILE)"
    return 0
  fi
  local t=$SECONDS mod src
  go_env
  mod="$(go_module_dir "github.com/traefik/traefik/v3@$TRAEFIK_VERSION")"
  local gw
  gw="$(awk '$1 == "sigs.k8s.io/gateway-api" { print $2 }' "$mod/go.mod")"
  [[ "$gw" == "$TRAEFIK_GATEWAY_API_VERSION" ]] ||
    die "traefik $TRAEFIK_VERSION requires sigs.k8s.io/gateway-api $gw, not $TRAEFIK_GATEWAY_API_VERSION: update TRAEFIK_GATEWAY_API_VERSION and the crds add-on"
  # The module cache is read-only and `go build ./cmd/traefik` must run inside the module
  # (its go.mod has replace directives, so `go install pkg@version` refuses it): build a copy.
  src="$ADDON_CACHE/src-$TRAEFIK_VERSION"
  rm -rf "$src"
  mkdir -p "$ADDON_CACHE/bin"
  cp -r "$mod" "$src"
  chmod -R u+w "$src"
  log "traefik $TRAEFIK_VERSION: building from $src (about 6 min cold; log $ADDON_CACHE/build.log)"
  if ! (cd "$src" && go build -trimpath \
    "-ldflags=-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
    -o "$BIN_FILE.new" ./cmd/traefik) >"$ADDON_CACHE/build.log" 2>&1; then
    die "go build of traefik $TRAEFIK_VERSION failed (log $ADDON_CACHE/build.log):\n$(tail -30 "$ADDON_CACHE/build.log")"
  fi
  mv -f "$BIN_FILE.new" "$BIN_FILE"
  rm -rf "$src"
  write_stamp "$STAMP" "$TRAEFIK_VERSION"
  log "traefik $TRAEFIK_VERSION built in $((SECONDS - t))s ($(du -h "$BIN_FILE" | cut -f1))"
}

ping_ok() { curl -fsS -m 2 "http://127.0.0.1:$TRAEFIK_PING_PORT/ping"; }

start() {
  [[ -x "$BIN_FILE" ]] || die "$BIN_FILE missing; run: bash $0 build"
  command -v curl >/dev/null || die "curl is required"
  is_running && die "already running (pid $(cat "$PIDS/$ADDON.pid"))"
  local p
  for p in "$TRAEFIK_WEB_PORT" "$TRAEFIK_PING_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port 127.0.0.1:$p is already in use"; fi
  done
  kubectl_ wait --for=condition=Established --timeout=60s crd/gatewayclasses.gateway.networking.k8s.io \
    crd/gateways.gateway.networking.k8s.io crd/httproutes.gateway.networking.k8s.io >/dev/null ||
    die "the Gateway API CRDs are not installed (the crds add-on starts first)"

  local dir="$RUN_DIR/addons/traefik"
  mkdir -p "$dir"
  # RBAC as in Traefik's own Helm chart / docs (kubernetes-gateway-rbac.yml and ingress RBAC),
  # for a ServiceAccount whose token the host process uses.
  kubectl_ apply --server-side --field-manager=cdk8s-e2e -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: $NS
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: traefik
  namespace: $NS
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: traefik-token
  namespace: $NS
  annotations:
    kubernetes.io/service-account.name: traefik
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: cdk8s-e2e-traefik
rules:
  - apiGroups: [""]
    resources: [namespaces, nodes, services, secrets, configmaps]
    verbs: [get, list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [get, list, watch]
  - apiGroups: [extensions, networking.k8s.io]
    resources: [ingresses, ingressclasses]
    verbs: [get, list, watch]
  - apiGroups: [extensions, networking.k8s.io]
    resources: [ingresses/status]
    verbs: [update]
  - apiGroups: [gateway.networking.k8s.io]
    resources: [backendtlspolicies, gatewayclasses, gateways, grpcroutes, httproutes, referencegrants, tcproutes, tlsroutes]
    verbs: [get, list, watch]
  - apiGroups: [gateway.networking.k8s.io]
    resources: [backendtlspolicies/status, gatewayclasses/status, gateways/status, grpcroutes/status, httproutes/status, tcproutes/status, tlsroutes/status]
    verbs: [update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: cdk8s-e2e-traefik
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cdk8s-e2e-traefik
subjects:
  - kind: ServiceAccount
    name: traefik
    namespace: $NS
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: $GATEWAY_CLASS
spec:
  controllerName: $CONTROLLER_NAME
YAML
  local i token=""
  for ((i = 0; i < 100; i++)); do
    token="$(kubectl_ get secret traefik-token -n "$NS" -o 'jsonpath={.data.token}' 2>/dev/null || true)"
    [[ -n "$token" ]] && break
    sleep 0.3
  done
  [[ -n "$token" ]] || die "the token controller did not fill Secret $NS/traefik-token"
  base64 -d <<<"$token" >"$dir/token"
  kubectl_ config view --raw --minify -o 'jsonpath={.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$dir/ca.crt"
  chmod 600 "$dir/token"
  local server
  server="$(kubectl_ config view --raw --minify -o 'jsonpath={.clusters[0].cluster.server}')"

  # Traefik prefers $KUBECONFIG (here: the admin's) over endpoint/token when it is set: unset it,
  # so Traefik runs with exactly the RBAC above. The token option takes a file path.
  # --providers.kubernetesgateway.statusaddress.ip: the address Traefik writes into Gateway status.
  launch env -u KUBECONFIG -u KUBERNETES_SERVICE_HOST -u KUBERNETES_SERVICE_PORT "$BIN_FILE" \
    --log.level=INFO --log.nocolor=true --accesslog=false \
    --global.checknewversion=false --global.sendanonymoususage=false \
    --entrypoints.web.address="127.0.0.1:$TRAEFIK_WEB_PORT" \
    --entrypoints.traefik.address="127.0.0.1:$TRAEFIK_PING_PORT" \
    --ping=true --ping.entrypoint=traefik \
    --providers.kubernetesgateway=true \
    --providers.kubernetesgateway.endpoint="$server" \
    --providers.kubernetesgateway.token="$dir/token" \
    --providers.kubernetesgateway.certauthfilepath="$dir/ca.crt" \
    --providers.kubernetesgateway.statusaddress.ip=127.0.0.1 \
    --providers.kubernetesingress=true \
    --providers.kubernetesingress.endpoint="$server" \
    --providers.kubernetesingress.token="$dir/token" \
    --providers.kubernetesingress.certauthfilepath="$dir/ca.crt"
  wait_until "Traefik /ping on 127.0.0.1:$TRAEFIK_PING_PORT" 60 ping_ok
  # The GatewayClass is Accepted once the Gateway provider has synced with the API server.
  wait_until "GatewayClass $GATEWAY_CLASS Accepted" 60 \
    kubectl_ wait --for=condition=Accepted --timeout=2s "gatewayclass/$GATEWAY_CLASS"
  log "traefik $TRAEFIK_VERSION ready: entryPoint web on 127.0.0.1:$TRAEFIK_WEB_PORT, GatewayClass $GATEWAY_CLASS (pid $(cat "$PIDS/$ADDON.pid"))"
}

stop() {
  stop_process
  if cluster_up; then
    kubectl_ delete --ignore-not-found --wait=false "gatewayclass/$GATEWAY_CLASS" \
      clusterrolebinding/cdk8s-e2e-traefik clusterrole/cdk8s-e2e-traefik namespace/"$NS" >/dev/null 2>&1 || true
  fi
  rm -rf "$RUN_DIR/addons/traefik"
}

addon_main "$@"
