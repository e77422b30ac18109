# shellcheck shell=bash
# docker.io/hairyhenderson/gomplate:v4.1.0, built from the Go module
# github.com/hairyhenderson/gomplate/v4@v4.3.3 (v4.1.0 is not served by the module proxy) into
# a FROM-scratch-like image. Contract: hairyhenderson/gomplate v4.1.0 Dockerfile (see README.md).
gomplate_image() {
  local R=$1 src="$WORK/src" v=4.3.3 netaddr
  go_module_src "github.com/hairyhenderson/gomplate/v4@v$v" "$src"
  # inet.af/netaddr is not served: take the same pseudo-version from its GitHub path
  netaddr="$(awk '$1 == "inet.af/netaddr" { print $2 }' "$src/go.mod")"
  if [[ -n $netaddr ]]; then
    (cd "$src" && go mod edit -replace "inet.af/netaddr=github.com/inetaf/netaddr@$netaddr")
  fi
  go_build "$src" "$WORK/gomplate" "-X github.com/hairyhenderson/gomplate/v4/version.Version=$v" ./cmd/gomplate
  base_scratch_certs "$R"
  install -D -m 755 "$WORK/gomplate" "$R/gomplate"
  check_runs "$R" /gomplate --version
  pack_image "$REF" "$R" "" '["/gomplate"]' '[]'
}
image docker.io/hairyhenderson/gomplate:v4.1.0 gomplate_image @go
