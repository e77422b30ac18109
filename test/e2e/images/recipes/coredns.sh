# shellcheck shell=bash
# registry.k8s.io/coredns/coredns:v1.15.0: the cluster DNS of the e2e cluster (scripts/e2e/node.sh
# runs it as the Deployment kube-system/coredns, as kubeadm does). The binary is built from the Go
# module github.com/coredns/coredns@v1.15.0 on a distroless-static-like base.
# Contract: coredns/coredns v1.15.0 Dockerfile (see README.md): USER 65532:65532, WORKDIR /,
# ENTRYPOINT ["/coredns"], 53/tcp and 53/udp, and /coredns with the file capability
# cap_net_bind_service=+ep, which lets the non-root process bind port 53 (pack_image keeps
# security.capability in the layer).
COREDNS_IMAGE_VERSION=v1.15.0

# coredns_binary DIR: /coredns of $COREDNS_IMAGE_VERSION in DIR (built once per Go version). The
# binary of scripts/e2e/build-control-plane.sh is reused when it built the same version (the same
# `go install` with -trimpath -s -w and CGO_ENABLED=0).
coredns_binary() {
  local out=$1 v=$COREDNS_IMAGE_VERSION
  go_env
  local stamp; stamp="$v $(go env GOVERSION)"
  if [[ -x $out/coredns && "$(cat "$out/.stamp" 2>/dev/null)" == "$stamp" ]]; then return 0; fi
  mkdir -p "$out"
  rm -f "$out/coredns.new"
  local reuse
  for reuse in "$CACHE_ROOT"/k8s/*/bin/coredns; do
    if [[ -x $reuse && "$(cat "${reuse%/coredns}/.coredns.version" 2>/dev/null)" == "$v" ]]; then
      cp "$reuse" "$out/coredns.new"
      echo "reusing the control plane's coredns $v ($reuse)" >>"$WORK/build.log"
      break
    fi
  done
  if [[ ! -x $out/coredns.new ]]; then
    go_module_src "github.com/coredns/coredns@$v" "$WORK/coredns-src"
    go_build "$WORK/coredns-src" "$out/coredns.new" "" .
    rm -rf "$WORK/coredns-src"
  fi
  mv -f "$out/coredns.new" "$out/coredns"
  echo "$stamp" >"$out/.stamp"
}

coredns_image() {
  local R=$1 bin="$GO_CACHE/coredns-$COREDNS_IMAGE_VERSION"
  coredns_binary "$bin"
  command -v setcap >/dev/null && command -v getcap >/dev/null ||
    { apt_update_once; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libcap2-bin >>"$WORK/build.log" 2>&1; } ||
    die "coredns: setcap is needed (apt-get install libcap2-bin)"
  base_distroless "$R"
  install -m 755 "$bin/coredns" "$R/coredns"
  # As upstream's build stage: `setcap cap_net_bind_service=+ep /coredns`.
  setcap cap_net_bind_service=+ep "$R/coredns"
  getcap "$R/coredns" | grep -q 'cap_net_bind_service=ep' ||
    die "coredns: the file capability did not stick on $R/coredns ($(getcap "$R/coredns"))"
  check_runs "$R" /coredns -version
  pack_image "$REF" "$R" "65532:65532" '["/coredns"]' '[]' \
    --env "PATH=$STD_PATH" --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --workdir / --port 53/tcp --port 53/udp
  # The layer must carry the capability (a PAX SCHILY.xattr.security.capability record), or the pod
  # cannot bind :53: /coredns extracted from the packed layer, as containerd unpacks it, still has it.
  local layer x="$WORK/layer-check"
  layer="$(tar -xOf "$WORK/image.tar" manifest.json | sed -n 's/.*"Layers":\["\([^"]*\)".*/\1/p')"
  [[ -n $layer ]] || die "coredns: no layer in the manifest of $WORK/image.tar"
  mkdir -p "$x"
  tar -xOf "$WORK/image.tar" "$layer" | tar --xattrs --xattrs-include='security.capability' -xf - -C "$x" ./coredns
  getcap "$x/coredns" | grep -q 'cap_net_bind_service=ep' ||
    die "coredns: /coredns lost its file capability in the packed layer ($(getcap "$x/coredns"))"
  rm -rf "$x"
}
image registry.k8s.io/coredns/coredns:v1.15.0 coredns_image @go
