# shellcheck shell=bash
# docker.io/daprio/daprd:1.18.3: the Dapr runtime (daprd) built from the Go module
# github.com/dapr/dapr@v1.18.3 (cmd/daprd) on a distroless-static-like base, with only the
# components the lock sidecar needs compiled in. Contract: dapr/dapr v1.18.3 docker/Dockerfile
# (FROM gcr.io/distroless/static:nonroot; /daprd; USER 65532:65532; see README.md).
DAPRD_VERSION=1.18.3
# dapr 1.18.3 requires github.com/dapr/durabletask-go v0.12.4, which the module proxy here does
# not serve; v0.12.1 (what dapr 1.18.0 and 1.18.1 require) is, and builds. Only the workflow
# engine uses it, which this sidecar never starts (no placement or scheduler service).
DAPRD_DURABLETASK=v0.12.1
# cmd/daprd registers each component type in a file of cmd/daprd/components guarded by the build
# tag `allcomponents` or `stablecomponents` (zz_notag.go panics without either). These keep
# upstream's content and lose only their build constraint: the Redis lock store, the mDNS name
# resolver daprd uses by default in standalone mode, and the local.env secret store.
DAPRD_COMPONENTS="lock_redis nameresolution_mdns secretstores_local_env"

# daprd_binary OUT: builds daprd into OUT (once per version, component list and Go version).
daprd_binary() {
  local out=$1 src="$WORK/src" c f
  go_env
  local stamp; stamp="$DAPRD_VERSION $DAPRD_DURABLETASK $DAPRD_COMPONENTS $(go env GOVERSION)"
  if [[ -x $out && "$(cat "$out.stamp" 2>/dev/null)" == "$stamp" ]]; then
    return 0
  fi
  go_module_src "github.com/dapr/dapr@v$DAPRD_VERSION" "$src"
  (cd "$src" && go mod edit -replace "github.com/dapr/durabletask-go=github.com/dapr/durabletask-go@$DAPRD_DURABLETASK")
  rm -f "$src/cmd/daprd/components/zz_notag.go"
  for c in $DAPRD_COMPONENTS; do
    f="$src/cmd/daprd/components/$c.go"
    [[ -f $f ]] || die "dapr v$DAPRD_VERSION has no cmd/daprd/components/$c.go"
    sed -i '/^\/\/go:build /d' "$f"
  done
  # Every other component file keeps its tag and stays out of the build.
  go_build "$src" "$WORK/daprd" \
    "-X github.com/dapr/dapr/pkg/buildinfo.version=$DAPRD_VERSION -X github.com/dapr/dapr/pkg/buildinfo.gitversion=v$DAPRD_VERSION" ./cmd/daprd
  mkdir -p "$(dirname "$out")"
  mv -f "$WORK/daprd" "$out"
  echo "$stamp" >"$out.stamp"
  rm -rf "$src"
}

daprd_image() {
  local R=$1 bin="$GO_CACHE/daprd-$DAPRD_VERSION/daprd"
  daprd_binary "$bin"
  base_distroless "$R"
  install -D -m 755 "$bin" "$R/daprd"
  check_runs "$R" /daprd --version
  # distroless/static:nonroot sets PATH and SSL_CERT_FILE; dapr's Dockerfile adds WORKDIR / and
  # USER 65532:65532, and no ENTRYPOINT, CMD or EXPOSE: pods run `/daprd` with their flags.
  pack_image "$REF" "$R" 65532:65532 '[]' '[]' \
    --env "PATH=$STD_PATH" --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt --workdir /
}
image docker.io/daprio/daprd:1.18.3 daprd_image @go
