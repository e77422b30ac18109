# shellcheck shell=bash
# docker.io/library/memcached:1.6.31-alpine, from Debian's memcached 1.6.18 on an alpine-like
# busybox base. Contract: docker-library/memcached 1/alpine (see README.md).
memcached_image() {
  local R=$1
  base_alpine "$R"
  rootfs_from_debs "$R" memcached
  strip_rootfs "$R"
  rm -rf "${R:?}/usr/include" "${R:?}/usr/share/memcached"
  add_libs "$R" /usr/bin/memcached
  ln -s /usr/bin/memcached "$R/usr/local/bin/memcached"
  install_file files/memcached/docker-entrypoint.sh "$R/usr/local/bin/docker-entrypoint.sh" 755
  ln -s usr/local/bin/docker-entrypoint.sh "$R/entrypoint.sh"
  # user memcache 11211:11211; the image's USER is the name, as upstream
  add_passwd "$R" memcache 11211 11211 /home/memcache /bin/sh
  mkdir -p "$R/home/memcache"
  chown 11211:11211 "$R/home/memcache"
  check_runs "$R" /usr/local/bin/memcached -V
  pack_image "$REF" "$R" memcache '["docker-entrypoint.sh"]' '["memcached"]' \
    --env "PATH=$STD_PATH" --env "MEMCACHED_VERSION=$(pkg_version memcached)" --port 11211/tcp
}
image docker.io/library/memcached:1.6.31-alpine memcached_image files/memcached
