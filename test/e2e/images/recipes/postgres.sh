# shellcheck shell=bash
# docker.io/library/postgres:16.4-alpine, from Debian's postgresql-15 on an alpine-like busybox
# base (bash, nss_wrapper, gosu as upstream). Contract: docker-library/postgres 16/alpine3.20
# (see README.md).
postgres_image() {
  local R=$1 b
  local PGBIN=/usr/lib/postgresql/15/bin PGSHARE=/usr/share/postgresql/15
  base_alpine "$R"
  rootfs_from_debs "$R" postgresql-15 postgresql-client-15 libnss-wrapper bash zstd gosu libc-bin
  strip_rootfs "$R"
  # no JIT: llvmjit needs LLVM (about 100 MB); postgres runs without it (see README.md)
  rm -rf "${R:?}/usr/lib/postgresql/15/lib/llvmjit"* "${R:?}/usr/lib/postgresql/15/lib/bitcode" "${R:?}$PGSHARE/man" \
    "${R:?}/etc/postgresql-common" "${R:?}/usr/share/postgresql-common"
  # the binaries on PATH in /usr/local/bin, where upstream installs them
  for b in "$R$PGBIN"/*; do ln -s "$PGBIN/$(basename "$b")" "$R/usr/local/bin/$(basename "$b")"; done
  ln -s /usr/sbin/gosu "$R/usr/local/bin/gosu"
  ln -s gosu "$R/usr/local/bin/su-exec"
  add_libs "$R" "$PGBIN" /usr/lib/postgresql/15/lib "/usr/lib/$MULTIARCH/libnss_wrapper.so" \
    /bin/bash /usr/bin/zstd /usr/sbin/gosu /usr/bin/getent
  # listen on every address by default (initdb copies the sample)
  cp "$R$PGSHARE/postgresql.conf.sample" "$R$PGSHARE/postgresql.conf.sample.orig"
  sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$R$PGSHARE/postgresql.conf.sample"
  grep -qF "listen_addresses = '*'" "$R$PGSHARE/postgresql.conf.sample" || die "listen_addresses not set"
  # LANG=en_US.utf8 as upstream: compile that locale (glibc needs it, musl does not)
  local loc; loc="$(deb_extract "$(deb_fetch locales)")"
  mkdir -p "$R/usr/lib/locale"
  I18NPATH="$loc/usr/share/i18n" localedef -i en_US -c -f UTF-8 "$R/usr/lib/locale/en_US.utf8" >>"$WORK/build.log" 2>&1 ||
    [[ -f "$R/usr/lib/locale/en_US.utf8/LC_CTYPE" ]] || die "localedef en_US.UTF-8 failed"
  # user postgres 70:70, and the directories upstream prepares
  add_passwd "$R" postgres 70 70 /var/lib/postgresql /bin/sh
  install -d -o 70 -g 70 -m 1777 "$R/var/lib/postgresql" "$R/var/lib/postgresql/data"
  install -d -o 70 -g 70 -m 3777 "$R/run/postgresql"
  mkdir -p "$R/docker-entrypoint-initdb.d"
  install_file files/postgres/docker-entrypoint.sh "$R/usr/local/bin/docker-entrypoint.sh" 755
  install_file files/postgres/docker-ensure-initdb.sh "$R/usr/local/bin/docker-ensure-initdb.sh" 755
  ln -s docker-ensure-initdb.sh "$R/usr/local/bin/docker-enforce-initdb.sh"
  check_runs "$R" /usr/local/bin/postgres --version
  check_runs "$R" /usr/local/bin/psql --version
  check_runs "$R" /usr/local/bin/pg_isready --version
  local ver; ver="$(pkg_version postgresql-15)"
  pack_image "$REF" "$R" "" '["docker-entrypoint.sh"]' '["postgres"]' \
    --env "PATH=$STD_PATH" --env "GOSU_VERSION=$(pkg_version gosu)" --env LANG=en_US.utf8 \
    --env "PG_MAJOR=${ver%%.*}" --env "PG_VERSION=$ver" --env PGDATA=/var/lib/postgresql/data \
    --volume /var/lib/postgresql/data --stopsignal SIGINT --port 5432/tcp
}
image docker.io/library/postgres:16.4-alpine postgres_image files/postgres
