# shellcheck shell=bash
# registry.example.com/shop/config-{dev,prod}:{1.4.0,1.5.0}: the configuration images of the
# immutable-config-image example, "FROM busybox" plus config-images/<env>/<version>/ at /config
# (index.html naming the environment and version, healthz holding "ok"). Ours (see README.md).
config_image() {
  local R=$1 ref=$2 env ver
  env="${ref##*/config-}"; env="${env%%:*}"; ver="${ref##*:}"
  [[ -d "$IMAGES_DIR/config-images/$env/$ver" ]] || die "no config-images/$env/$ver for $ref"
  base_busybox "$R"
  mkdir -p "$R/config"
  cp "$IMAGES_DIR/config-images/$env/$ver"/* "$R/config/"
  chmod 755 "$R/config"; chmod 644 "$R/config"/*
  pack_image "$REF" "$R" "" '[]' '["sh"]' --env "PATH=$STD_PATH"
}
for config_env in dev prod; do
  for config_ver in 1.4.0 1.5.0; do
    image "registry.example.com/shop/config-$config_env:$config_ver" config_image \
      "config-images/$config_env/$config_ver"
  done
done
unset config_env config_ver
