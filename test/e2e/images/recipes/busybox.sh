# shellcheck shell=bash
# docker.io/library/busybox:1.36.1, from Debian's busybox-static 1.35 with every applet linked
# in /bin. Contract: docker-library/busybox (see README.md).
busybox_image() {
  local R=$1
  base_busybox "$R"
  check_runs "$R" /bin/sh -c 'seq 1 3 | awk "{ s += \$1 } END { print s }"'
  pack_image "$REF" "$R" "" '[]' '["sh"]' --env "PATH=$STD_PATH"
}
image docker.io/library/busybox:1.36.1 busybox_image
