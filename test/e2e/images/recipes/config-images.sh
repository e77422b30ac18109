# shellcheck shell=bash
# registry.example.com/shop/config-{dev,prod}:{1.4.0,1.5.0}: the configuration images of the
# immutable-config-image example, "FROM busybox" plus /config: an index.html naming the
# environment and version, and healthz holding "ok". Ours (see README.md).
config_image() {
  local R=$1 ref=$2 env ver
  env="${ref##*/config-}"; env="${env%%:*}"; ver="${ref##*:}"
  base_busybox "$R"
  mkdir -p "$R/config"
  printf '<!DOCTYPE html>\n<html>\n<head><title>shop %s configuration %s</title></head>\n<body>\n<h1>shop %s configuration %s</h1>\n<p>Served by the immutable-config-image example from the configuration image\n%s.</p>\n</body>\n</html>\n' \
    "$env" "$ver" "$env" "$ver" "$ref" >"$R/config/index.html"
  printf 'ok\n' >"$R/config/healthz"
  chmod 755 "$R/config"; chmod 644 "$R/config"/*
  pack_image "$REF" "$R" "" '[]' '["sh"]' --env "PATH=$STD_PATH"
}
for config_env in dev prod; do
  for config_ver in 1.4.0 1.5.0; do
    image "registry.example.com/shop/config-$config_env:$config_ver" config_image
  done
done
unset config_env config_ver
