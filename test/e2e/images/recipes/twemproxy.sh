# shellcheck shell=bash
# ghcr.io/cdk8s-patterns/twemproxy:0.5.0, the project's own twemproxy (nutcracker) image:
# twemproxy publishes no official image, so the contract is ours (see README.md). Debian's
# nutcracker 0.5.0 on a distroless-like base: no shell, user 65532:65532, ENTRYPOINT nutcracker.
twemproxy_image() {
  local R=$1
  base_distroless "$R"
  rootfs_from_debs "$R" nutcracker
  strip_rootfs "$R"
  # no packaged config: it is mounted. Debian's nutcracker logs to
  # /var/log/nutcracker/nutcracker.log by default (upstream: stderr): that path is a link to
  # /dev/stderr, so the default works on a read-only root and `kubectl logs` shows the log.
  rm -rf "${R:?}/etc/nutcracker" "${R:?}/var/log/nutcracker"
  mkdir -p "$R/var/log/nutcracker"
  ln -s /dev/stderr "$R/var/log/nutcracker/nutcracker.log"
  add_libs "$R" /usr/sbin/nutcracker
  check_runs "$R" /usr/sbin/nutcracker --version
  pack_image "$REF" "$R" 65532:65532 '["nutcracker"]' '[]' --env "PATH=$STD_PATH" \
    --port 22121/tcp --port 22222/tcp
}
image ghcr.io/cdk8s-patterns/twemproxy:0.5.0 twemproxy_image
