# shellcheck shell=bash
# docker.io/library/redis:7.4.1-alpine, from Debian's redis-server/redis-tools 7.0 on an
# alpine-like busybox base. Contract: docker-library/redis 7.4/alpine (see README.md).
redis_image() {
  local R=$1
  base_alpine "$R"
  rootfs_from_debs "$R" redis-server redis-tools gosu
  strip_rootfs "$R"
  rm -rf "${R:?}/etc/redis" "${R:?}/var/lib/redis" "${R:?}/var/log/redis"   # upstream ships no redis.conf
  add_libs "$R" /usr/bin/redis-check-rdb /usr/bin/redis-cli /usr/bin/redis-benchmark /usr/sbin/gosu
  # upstream's paths: everything in /usr/local/bin (redis-server is the protected-mode wrapper)
  install_file files/redis/redis-server "$R/usr/local/bin/redis-server" 755
  install_file files/redis/docker-entrypoint.sh "$R/usr/local/bin/docker-entrypoint.sh" 755
  local b
  for b in redis-cli redis-benchmark redis-check-aof redis-check-rdb; do ln -s "/usr/bin/$b" "$R/usr/local/bin/$b"; done
  ln -s /usr/bin/redis-server "$R/usr/local/bin/redis-sentinel"
  ln -s /usr/sbin/gosu "$R/usr/local/bin/gosu"
  # user redis 999, group redis 1000 (alpine already has gid 999); /data belongs to redis
  add_passwd "$R" redis 999 1000 /home/redis /sbin/nologin
  mkdir -p "$R/home/redis" "$R/data"
  chown 999:1000 "$R/home/redis" "$R/data"
  check_runs "$R" /usr/local/bin/redis-server --version
  check_runs "$R" /usr/local/bin/redis-cli --version
  pack_image "$REF" "$R" "" '["docker-entrypoint.sh"]' '["redis-server"]' \
    --env "PATH=$STD_PATH" --env "GOSU_VERSION=$(pkg_version gosu)" \
    --env "REDIS_VERSION=$(pkg_version redis-server)" \
    --workdir /data --volume /data --port 6379/tcp
}
image docker.io/library/redis:7.4.1-alpine redis_image files/redis
