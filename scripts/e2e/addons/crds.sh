#!/usr/bin/env bash
# Add-on "crds": the REAL CustomResourceDefinitions of the third-party APIs the examples use,
# exactly as their projects publish them, taken from their Go modules (the only registry that
# serves them here):
#   - Gateway API GATEWAY_API_VERSION, standard channel  (sigs.k8s.io/gateway-api, config/crd/standard/*.yaml):
#     GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant, BackendTLSPolicy;
#   - KEDA KEDA_VERSION  (github.com/kedacore/keda/v2, config/crd/bases/keda.sh_*.yaml):
#     ScaledObject, ScaledJob, TriggerAuthentication, ClusterTriggerAuthentication.
# Only the CRDs are installed (no KEDA operator): the API server validates custom resources against
# the real schemas (strict field validation), which a hand-written stand-in cannot prove. The
# Gateway API has a real controller: the `traefik` add-on (sorted after this one).
#
#   bash scripts/e2e/addons/crds.sh build   # go mod download, copy the YAML into the cache
#   bash scripts/e2e/addons/crds.sh start   # server-side apply, wait until Established
#   bash scripts/e2e/addons/crds.sh stop    # delete them (no process to stop)
#
# The versions are pinned once, in scripts/crd-versions.env (also read by scripts/import-crds.sh
# for the typed Gateway API classes in src/imports, and by the unit tests' CRD validation);
# test/e2e-crds.test.ts checks that Traefik's Gateway API and the docs agree with them.
set -euo pipefail
ADDON=crds
# shellcheck source=scripts/e2e/addons/lib/addon.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/addon.bash"

# GATEWAY_API_VERSION (v1.4.x: Traefik v3.6.12, the traefik add-on, is built against gateway-api v1.4.0)
# and KEDA_VERSION.
# shellcheck source=scripts/crd-versions.env
source "$E2E_DIR/../crd-versions.env"
VERSION="gateway-api-$GATEWAY_API_VERSION+keda-$KEDA_VERSION+istio-$ISTIO_API_VERSION"
OUT="$ADDON_CACHE/$VERSION"
STAMP="$OUT/.version"

build() {
  if stamp_ok "$STAMP" "$VERSION"; then
    log "CRDs present ($OUT: $(find "$OUT" -name '*.yaml' | wc -l) files)"
    return 0
  fi
  local t=$SECONDS gw keda istio f n=0
  gw="$(go_module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")"
  keda="$(go_module_dir "github.com/kedacore/keda/v2@$KEDA_VERSION")"
  istio="$(go_module_dir "istio.io/api@$ISTIO_API_VERSION")"
  rm -rf "$OUT"
  mkdir -p "$OUT/gateway-api" "$OUT/keda" "$OUT/istio"
  for f in "$gw"/config/crd/standard/gateway.networking.k8s.io_*.yaml; do cp "$f" "$OUT/gateway-api/"; n=$((n + 1)); done
  for f in "$keda"/config/crd/bases/keda.sh_*.yaml; do cp "$f" "$OUT/keda/"; n=$((n + 1)); done
  # Istio ships its CRDs in one file (15 of them): the ServiceMesh pattern's PeerAuthentication.
  cp "$istio/kubernetes/customresourcedefinitions.gen.yaml" "$OUT/istio/istio.io_crds.yaml"
  chmod -R u+w "$OUT"
  ((n >= 10)) || die "expected at least 10 CRD files from $gw and $keda, found $n"
  write_stamp "$STAMP" "$VERSION"
  log "copied $n CRD files and Istio's CRDs (Gateway API $GATEWAY_API_VERSION standard, KEDA $KEDA_VERSION, Istio API $ISTIO_API_VERSION) into $OUT in $((SECONDS - t))s"
}

served() {
  kubectl_ api-resources --api-group=gateway.networking.k8s.io -o name | grep -q '^httproutes\.' &&
    kubectl_ api-resources --api-group=keda.sh -o name | grep -q '^scaledjobs\.' &&
    kubectl_ api-resources --api-group=security.istio.io -o name | grep -q '^peerauthentications\.'
}

start() {
  stamp_ok "$STAMP" "$VERSION" || die "CRDs not in the cache; run: bash $0 build"
  local names
  names="$(kubectl_ apply --server-side --field-manager=cdk8s-e2e-addons -f "$OUT/gateway-api" -f "$OUT/keda" -f "$OUT/istio" -o name)" ||
    die "applying the CRDs failed"
  # shellcheck disable=SC2086
  kubectl_ wait --for=condition=Established --timeout=60s $names >/dev/null ||
    die "CRDs not Established within 60s"
  # Established is not yet "served": wait until discovery lists the kinds the examples use.
  wait_until "discovery of gateway.networking.k8s.io/v1, keda.sh/v1alpha1 and security.istio.io/v1" 30 served
  log "$(wc -w <<<"$names") CRDs Established (Gateway API $GATEWAY_API_VERSION standard, KEDA $KEDA_VERSION, Istio API $ISTIO_API_VERSION)"
}

stop() {
  # Safe when never started: only a reachable cluster is touched.
  if cluster_up && stamp_ok "$STAMP" "$VERSION"; then
    kubectl_ delete --ignore-not-found --wait=false -f "$OUT/gateway-api" -f "$OUT/keda" -f "$OUT/istio" >/dev/null 2>&1 || true
  fi
}

# `dir`: the directory of the cached CRDs (the policy gate validates custom resources against them).
cmd_dir() { build >&2 && echo "$OUT"; }

addon_main "$@"
