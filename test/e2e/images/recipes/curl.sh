# shellcheck shell=bash
# docker.io/curlimages/curl:8.10.1, from Debian's curl 7.88 on an alpine-like busybox base.
# Contract: curl/curl-container v8.10.1 (see README.md).
curl_image() {
  local R=$1
  base_alpine "$R"
  rootfs_from_debs "$R" curl
  strip_rootfs "$R"
  add_libs "$R" /usr/bin/curl
  cp "$R/etc/ssl/certs/ca-certificates.crt" "$R/cacert.pem"
  # curl_user 100 in curl_group 101 (alpine's first free system ids, as `adduser -S` gives them)
  add_group "$R" curl_group 101
  add_passwd "$R" curl_user 100 101 /home/curl_user /sbin/nologin curl_group
  mkdir -p "$R/home/curl_user"
  chown 100:101 "$R/home/curl_user"
  install_file files/curl/entrypoint.sh "$R/entrypoint.sh" 755 100:101
  check_runs "$R" /usr/bin/curl --version
  pack_image "$REF" "$R" curl_user '["/entrypoint.sh"]' '["curl"]' \
    --env "PATH=$STD_PATH" --env CURL_CA_BUNDLE=/cacert.pem --workdir /home/curl_user
}
image docker.io/curlimages/curl:8.10.1 curl_image files/curl
