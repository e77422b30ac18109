#!/usr/bin/env bash
# Add-on "network-policy": NetworkPolicy enforcement for the e2e cluster (the CNI bridge plugin of
# scripts/e2e/node.sh enforces none), by kube-router's network policy controller only.
#
#   bash scripts/e2e/addons/network-policy.sh build   # kube-router from the Go module proxy (patched), cached
#   bash scripts/e2e/addons/network-policy.sh start   # RBAC, token, kube-router as a host process
#   bash scripts/e2e/addons/network-policy.sh stop    # kills it, removes its iptables chains and ipsets
#
# kube-router KUBE_ROUTER_VERSION (v2.1.0, the only version the module proxy serves here; security
# advisories are reported against it: acceptable only inside this throw-away, loopback-only test
# cluster, see README.md) runs with --run-firewall=true --run-router=false
# --run-service-proxy=false: no routes, no BGP, no IPVS; kube-proxy (node.sh) keeps the Services.
# It runs OUT of the cluster as a host process, with a ServiceAccount token of its own and a
# least-privilege ClusterRole (get nodes; list/watch pods, namespaces, services, endpoints,
# endpointslices, networkpolicies: the informers it starts).
#
# ONE instance for all nodes: the nodes are processes of this one host and share its network
# namespace, so every pod's traffic crosses this host's netfilter. kube-router protects only the
# pods "local" to its node (pod.status.hostIP == its node's address), and each instance's full sync
# rewrites the whole filter table and deletes every KUBE-POD-FW-*/KUBE-NWPLCY-* chain it did not
# create in that sync (the chain names carry a per-sync version), so one instance per node on a
# shared host would delete the others' rules on every sync. The build therefore carries a 5-line
# patch (pkg/controllers/netpol/pod.go): the pods of the nodes listed in
# KUBE_ROUTER_SHARED_HOST_NODE_IPS count as local too. `start` lists every Node's InternalIP there,
# after checking that each one is an address of this host.
#
# What it changes on the host (filter table and ipsets only; `stop` removes all of it):
#   - jumps at the top of INPUT, FORWARD and OUTPUT to KUBE-ROUTER-INPUT/-FORWARD/-OUTPUT;
#   - chains KUBE-NWPLCY-DEFAULT, KUBE-NWPLCY-<hash> (one per policy), KUBE-POD-FW-<hash> (one per pod);
#   - ipsets KUBE-SRC-<hash>/KUBE-DST-<hash> (pod IPs, ipBlocks of the policies; TMP-<hash> while it swaps them).
# A full sync is an iptables-save + iptables-restore of the whole filter table (kube-router's
# design), so it can race with kube-proxy's own writes of its filter chains; kube-proxy rewrites
# them on its next sync.
#
# Denied traffic is REJECTed (ICMP port unreachable: the client sees "connection refused" at once,
# not a timeout), as kube-router does on any cluster. Traffic whose source is an address of this
# host (kubelet probes, the harness, Traefik) is always allowed to pods (kube-router's "source is the
# pod's local node" rule), as node-to-local-pod traffic is on a real cluster.
#
# Environment: KUBE_ROUTER_VERSION (v2.1.0), KUBE_ROUTER_SYNC_PERIOD (periodic full sync, 5m as
# upstream; policy, pod and namespace changes trigger a sync at once), KUBE_ROUTER_V (log level, 1).
set -euo pipefail
ADDON=network-policy
# shellcheck source=scripts/e2e/addons/lib/addon.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/addon.bash"

KUBE_ROUTER_VERSION="${KUBE_ROUTER_VERSION:-v2.1.0}"
MODULE=github.com/cloudnativelabs/kube-router/v2
# Bump when the patch below changes: it is part of the build stamp.
PATCH_REV=shared-host-1
BIN_FILE="$ADDON_CACHE/bin/kube-router"
STAMP="$ADDON_CACHE/bin/.kube-router.version"
SERVICE_CIDR="${CDK8S_E2E_SERVICE_CIDR:-10.96.0.0/16}"
SA=kube-router
SA_NS=kube-system
ROLE=cdk8s-e2e-kube-router
DIR="$RUN_DIR/addons/network-policy"

# What kube-router's network policy controller creates (pkg/controllers/netpol, v2.1.0).
CHAIN_RE='^(KUBE-ROUTER-(INPUT|FORWARD|OUTPUT)|KUBE-NWPLCY-[A-Z0-9]+|KUBE-POD-FW-[A-Z0-9]+)$'
IPSET_RE='^(KUBE-SRC-[A-Z0-9]+|KUBE-DST-[A-Z0-9]+|TMP-[A-Z0-9]+)$'

# ------------------------------------------------------------------ build
# The host tools kube-router runs (iptables-save/-restore, ipset), installed from Debian when missing.
prereqs() {
  local missing=() p
  for p in ipset:ipset iptables:iptables iptables-save:iptables iptables-restore:iptables; do
    command -v "${p%%:*}" >/dev/null || missing+=("${p#*:}")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  mkdir -p "$ADDON_CACHE"
  log "installing ${missing[*]} (Debian packages)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$ADDON_CACHE/apt.log" 2>&1 || die "apt-get install ${missing[*]} failed:\n$(tail -20 "$ADDON_CACHE/apt.log")"
}

# The shared-host patch (see the header). Upstream code around it is unchanged.
shared_host_patch() {
  cat <<'PATCH'
--- a/pkg/controllers/netpol/pod.go
+++ b/pkg/controllers/netpol/pod.go
@@ -3,6 +3,7 @@
 import (
 	"crypto/sha256"
 	"encoding/base32"
+	"os"
 	"strings"
 
 	api "k8s.io/api/core/v1"
@@ -118,6 +119,11 @@
 	for _, nodeIP := range npc.nodeIPs {
 		npc.getLocalPods(allLocalPods, nodeIP.String())
 	}
+	// cdk8s-patterns e2e: all nodes of the test cluster are processes of one host and share its
+	// network namespace, so the pods of every node listed here are "local" to this one instance.
+	for _, nodeIP := range strings.Fields(os.Getenv("KUBE_ROUTER_SHARED_HOST_NODE_IPS")) {
+		npc.getLocalPods(allLocalPods, nodeIP)
+	}
 	for _, pod := range allLocalPods {
 
 		// ensure pod specific firewall chain exist for all the pods that need ingress firewall
PATCH
}

build() {
  prereqs
  local want="$KUBE_ROUTER_VERSION+$PATCH_REV"
  if [[ -x "$BIN_FILE" ]] && stamp_ok "$STAMP" "$want"; then
    log "kube-router $want present ($BIN_FILE)"
    return 0
  fi
  local t=$SECONDS mod src
  go_env
  mod="$(go_module_dir "$MODULE@$KUBE_ROUTER_VERSION")"
  # The module cache is read-only: build a patched copy.
  src="$ADDON_CACHE/src-$KUBE_ROUTER_VERSION"
  rm -rf "$src"
  mkdir -p "$ADDON_CACHE/bin"
  cp -r "$mod" "$src"
  chmod -R u+w "$src"
  shared_host_patch | (cd "$src" && git apply --whitespace=nowarn -) 2>"$ADDON_CACHE/patch.log" ||
    die "the shared-host patch does not apply to kube-router $KUBE_ROUTER_VERSION:\n$(cat "$ADDON_CACHE/patch.log")"
  grep -q KUBE_ROUTER_SHARED_HOST_NODE_IPS "$src/pkg/controllers/netpol/pod.go" || die "the shared-host patch did not apply"
  log "kube-router $KUBE_ROUTER_VERSION: building from $src (about 4 min cold; log $ADDON_CACHE/build.log)"
  if ! (cd "$src" && go build -trimpath \
    "-ldflags=-s -w -X $MODULE/pkg/version.Version=$KUBE_ROUTER_VERSION -X $MODULE/pkg/version.BuildDate=module-proxy+$PATCH_REV" \
    -o "$BIN_FILE.new" ./cmd/kube-router) >"$ADDON_CACHE/build.log" 2>&1; then
    die "go build of kube-router $KUBE_ROUTER_VERSION failed (log $ADDON_CACHE/build.log):\n$(tail -30 "$ADDON_CACHE/build.log")"
  fi
  mv -f "$BIN_FILE.new" "$BIN_FILE"
  rm -rf "$src"
  write_stamp "$STAMP" "$want"
  log "kube-router $want built in $((SECONDS - t))s ($(du -h "$BIN_FILE" | cut -f1))"
}

# ------------------------------------------------------------------ host state
# Lists of what kube-router created: chains of the filter table, ipsets.
our_chains() { iptables -t filter -S 2>/dev/null | awk '$1 == "-N" {print $2}' | grep -E "$CHAIN_RE" || true; }
our_ipsets() { ipset list -n 2>/dev/null | grep -E "$IPSET_RE" || true; }

# cleanup_host: removes every rule, chain and ipset of the lists above; prints what is left.
cleanup_host() {
  local chain rule set
  # 1. The jumps from the built-in chains (exact rule specs; eval keeps the quoted comments whole).
  for chain in INPUT FORWARD OUTPUT; do
    iptables -t filter -S "$chain" 2>/dev/null | grep -E -- "-j KUBE-ROUTER-(INPUT|FORWARD|OUTPUT)( |$)" |
      sed 's/^-A /-D /' | while IFS= read -r rule; do
      eval "iptables -w 5 -t filter $rule" 2>/dev/null || true
    done
  done
  # 2. Flush all of kube-router's chains (removes the jumps between them), then delete them.
  for chain in $(our_chains); do iptables -w 5 -t filter -F "$chain" 2>/dev/null || true; done
  for chain in $(our_chains); do iptables -w 5 -t filter -X "$chain" 2>/dev/null || true; done
  # 3. The ipsets (no rule references them any more).
  for set in $(our_ipsets); do ipset destroy "$set" 2>/dev/null || true; done
  our_chains
  iptables -t filter -S 2>/dev/null | grep -E -- "-j KUBE-ROUTER-|KUBE-NWPLCY-|KUBE-POD-FW-" || true
  our_ipsets
}

# ------------------------------------------------------------------ start / stop
rbac() {
  cat <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: $SA, namespace: $SA_NS, labels: {app.kubernetes.io/name: kube-router, app.kubernetes.io/part-of: cdk8s-patterns-e2e}}
---
# What kube-router's firewall-only mode reads: the node it runs for (get), and the informers it
# starts in pkg/cmd/kube-router.go (list/watch; it waits for all of them to sync). It writes nothing.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: $ROLE, labels: {app.kubernetes.io/name: kube-router, app.kubernetes.io/part-of: cdk8s-patterns-e2e}}
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [pods, namespaces, services, endpoints]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: $ROLE, labels: {app.kubernetes.io/name: kube-router, app.kubernetes.io/part-of: cdk8s-patterns-e2e}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: $ROLE}
subjects: [{kind: ServiceAccount, name: $SA, namespace: $SA_NS}]
YAML
}

# synced: a full sync finished (the log line of fullPolicySync at -v 1) and the jumps are in place.
synced() {
  grep -q "sync iptables took" "$LOGS/$ADDON.log" &&
    iptables -t filter -S FORWARD | grep -q -- "-j KUBE-ROUTER-FORWARD" &&
    iptables -t filter -S KUBE-ROUTER-FORWARD >/dev/null 2>&1
}

start() {
  if ! [[ -x "$BIN_FILE" ]] || ! stamp_ok "$STAMP" "$KUBE_ROUTER_VERSION+$PATCH_REV"; then die "$BIN_FILE missing or stale; run: bash $0 build"; fi
  if ! command -v ipset >/dev/null || ! command -v iptables-restore >/dev/null; then die "ipset/iptables missing; run: bash $0 build"; fi
  ipset list -n >/dev/null 2>&1 || die "ipset does not work here (kernel without ip_set?): $(ipset list -n 2>&1 | head -2)"
  is_running && die "already running (pid $(cat "$PIDS/$ADDON.pid"))"
  cluster_up || die "no API server answers with ${KUBECONFIG:-$RUN_DIR/kubeconfig} (start the cluster first)"
  local t0=$SECONDS left
  mkdir -p "$DIR"
  # On failure: stop it and remove what it wrote to the host (cluster.sh's teardown would too).
  trap '[[ $? -eq 0 ]] || stop >/dev/null 2>&1 || true' EXIT

  # Leftovers of a run that was killed before its stop: remove them (nothing else on this host
  # uses these names; only one e2e cluster runs at a time).
  if [[ -n "$(our_chains)$(our_ipsets)" ]]; then
    log "removing leftovers of an earlier run: $(our_chains | tr '\n' ' ')$(our_ipsets | tr '\n' ' ')"
    left="$(cleanup_host)"
    [[ -z "$left" ]] || die "cannot remove earlier kube-router state:\n$left"
  fi

  # Nodes: one instance for all of them (see the header); every node address must be this host's.
  local nodes first addrs addr
  nodes="$(kubectl_ get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}' | sort)"
  [[ -n "$nodes" ]] || die "the cluster has no nodes"
  first="$(head -1 <<<"$nodes" | awk '{print $1}')"
  addrs="$(awk '{print $2}' <<<"$nodes" | tr '\n' ' ')"
  for addr in $addrs; do
    ip -4 -o addr show | awk '{print $4}' | grep -qx "${addr//./\\.}/[0-9]*" ||
      die "node address $addr is not an address of this host: one kube-router for every node is only right when all nodes share this host's network namespace"
  done

  # Identity: a ServiceAccount token (TokenRequest, valid as long as the throw-away cluster).
  rbac | kubectl_ apply -f - >"$DIR/apply.log" 2>&1 || die "applying RBAC failed:\n$(cat "$DIR/apply.log")"
  touch "$DIR/rbac-applied"
  local server token
  server="$(kubectl_ config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
  kubectl_ config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$DIR/ca.crt"
  [[ -s "$DIR/ca.crt" ]] || die "the admin kubeconfig has no certificate-authority-data"
  token="$(kubectl_ create token "$SA" -n "$SA_NS" --duration=48h)" || die "cannot create a token for $SA_NS/$SA"
  (
    umask 077
    cat >"$DIR/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "$server", certificate-authority: "$DIR/ca.crt"}
users:
- name: $SA
  user: {token: "$token"}
contexts:
- name: e2e
  context: {cluster: e2e, user: $SA}
current-context: e2e
YAML
  )

  # KUBECONFIG (the admin's) is removed from its environment: it must use its own identity.
  # No health or metrics server: kube-router binds them on every address (":port"), and readiness
  # is the first completed sync, read from the log.
  launch env -u KUBECONFIG KUBE_ROUTER_SHARED_HOST_NODE_IPS="$addrs" "$BIN_FILE" \
    --kubeconfig "$DIR/kubeconfig" \
    --run-firewall=true --run-router=false --run-service-proxy=false --run-loadbalancer=false \
    --hostname-override "$first" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --iptables-sync-period "${KUBE_ROUTER_SYNC_PERIOD:-5m}" \
    --health-port 0 --metrics-port 0 \
    --v "${KUBE_ROUTER_V:-1}"
  wait_until "the first full sync of kube-router" 60 synced
  trap - EXIT
  log "kube-router $KUBE_ROUTER_VERSION ($PATCH_REV) enforcing NetworkPolicies for nodes $(awk '{print $1}' <<<"$nodes" | tr '\n' ' ')in $((SECONDS - t0))s (pid $(cat "$PIDS/$ADDON.pid"))"
}

stop() {
  stop_process
  local left=""
  if command -v iptables >/dev/null && command -v ipset >/dev/null; then left="$(cleanup_host)"; fi
  if [[ -f "$DIR/rbac-applied" ]] && cluster_up; then
    kubectl_ --request-timeout=5s delete --ignore-not-found --wait=false "clusterrolebinding/$ROLE" "clusterrole/$ROLE" \
      >/dev/null 2>&1 || true
    kubectl_ --request-timeout=5s delete --ignore-not-found --wait=false -n "$SA_NS" "serviceaccount/$SA" >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  [[ -z "$left" ]] || die "kube-router state left on the host after cleanup:\n$left"
}

addon_main "$@"
