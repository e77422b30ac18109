# shellcheck shell=bash
# docker.io/nginxinc/nginx-unprivileged:1.27.2-alpine, from Debian's nginx 1.22 on an alpine-like
# busybox base, with the nginx.org configuration layout. Contract: nginxinc/docker-nginx-unprivileged
# mainline/alpine(-slim) (see README.md).
nginx_unprivileged_image() {
  local R=$1 x
  base_alpine "$R"
  rootfs_from_debs "$R" nginx nginx-common gettext-base curl
  strip_rootfs "$R"
  # Debian's layout (sites-*, snippets, /var/lib/nginx, www-data) gives way to nginx.org's
  x="$(deb_extract "$(grep '/nginx-common_' "$WORK/debs.txt")")"
  rm -rf "${R:?}/etc/nginx" "${R:?}/var/www" "${R:?}/usr/share/nginx" "${R:?}/var/lib/nginx" "${R:?}/usr/share/gettext" \
    "${R:?}"/usr/bin/{gettext,ngettext,gettext.sh}
  mkdir -p "$R/etc/nginx/conf.d" "$R/usr/share/nginx/html" "$R/var/cache/nginx" "$R/var/log/nginx" \
    "$R/usr/lib/nginx/modules" "$R/docker-entrypoint.d"
  cp "$x"/etc/nginx/{mime.types,fastcgi_params,scgi_params,uwsgi_params} "$R/etc/nginx/"
  install_file files/nginx/nginx.conf "$R/etc/nginx/nginx.conf" 644
  install_file files/nginx/default.conf "$R/etc/nginx/conf.d/default.conf" 644
  install_file files/nginx/index.html "$R/usr/share/nginx/html/index.html" 644
  install_file files/nginx/50x.html "$R/usr/share/nginx/html/50x.html" 644
  (cd "$R" && sha1sum etc/nginx/conf.d/default.conf | sed 's,  ,  /,') >"$R/usr/share/nginx/default.conf.sha1"
  ln -s /usr/lib/nginx/modules "$R/etc/nginx/modules"
  ln -sf /dev/stdout "$R/var/log/nginx/access.log"
  ln -sf /dev/stderr "$R/var/log/nginx/error.log"
  ln -s nginx "$R/usr/sbin/nginx-debug"
  mv "$R/usr/bin/envsubst" "$R/usr/local/bin/envsubst"
  install_file files/nginx/docker-entrypoint.sh "$R/docker-entrypoint.sh" 755
  local f
  for f in "$IMAGES_DIR"/files/nginx/docker-entrypoint.d/*; do
    install_file "files/nginx/docker-entrypoint.d/$(basename "$f")" "$R/docker-entrypoint.d/$(basename "$f")" 755
  done
  add_libs "$R" /usr/sbin/nginx /usr/local/bin/envsubst /usr/bin/curl
  # user nginx 101:101; /etc/nginx and /var/cache/nginx belong to 101:0 and are group-writable
  add_passwd "$R" nginx 101 101 /var/cache/nginx /sbin/nologin
  chown -R 101:0 "$R/var/cache/nginx" "$R/etc/nginx"
  chmod -R g+w "$R/var/cache/nginx" "$R/etc/nginx"
  check_runs "$R" /usr/sbin/nginx -V
  check_runs "$R" /usr/bin/curl --version
  pack_image "$REF" "$R" 101 '["/docker-entrypoint.sh"]' '["nginx","-g","daemon off;"]' \
    --env "PATH=$STD_PATH" --env "NGINX_VERSION=$(pkg_version nginx)" \
    --port 8080/tcp --stopsignal SIGQUIT
}
image docker.io/nginxinc/nginx-unprivileged:1.27.2-alpine nginx_unprivileged_image files/nginx
