# shellcheck shell=bash
# docker.io/nginx/nginx-prometheus-exporter:1.3.0, built from the Go module
# github.com/nginxinc/nginx-prometheus-exporter@v1.3.0 into a FROM-scratch-like image.
# Contract: nginxinc/nginx-prometheus-exporter v1.3.0 build/Dockerfile (see README.md).
exporter_image() {
  local R=$1 src="$WORK/src" v=1.3.0
  # `go install` of this module fails on the version list; build from a copy of the module
  go_module_src "github.com/nginxinc/nginx-prometheus-exporter@v$v" "$src"
  go_build "$src" "$WORK/nginx-prometheus-exporter" \
    "-X github.com/prometheus/common/version.Version=$v -X github.com/prometheus/common/version.Branch=v$v -X github.com/prometheus/common/version.BuildUser=cdk8s-patterns" .
  base_scratch_certs "$R"
  install -D -m 755 "$WORK/nginx-prometheus-exporter" "$R/usr/bin/nginx-prometheus-exporter"
  check_runs "$R" /usr/bin/nginx-prometheus-exporter --version
  pack_image "$REF" "$R" 1001:1001 '["/usr/bin/nginx-prometheus-exporter"]' '[]'
}
image docker.io/nginx/nginx-prometheus-exporter:1.3.0 exporter_image @go
