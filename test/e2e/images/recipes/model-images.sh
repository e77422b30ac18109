# shellcheck shell=bash
# ghcr.io/cdk8s-patterns/sentiment-model:1.0.0: the data image ("modelcar") of the model-server
# example, "FROM busybox" plus /models/model.json (files/sentiment-model: a JSON word-weight table
# the model-server role serves). KServe's modelcar contract: the data under /models, world-readable,
# and a shell with ln and sleep, so the DataImage pattern can run it as
# `sh -c 'ln -sfn /proc/$$/root/models /mnt/models && exec sleep infinity'`. Ours (see README.md).
model_image() {
  local R=$1
  base_busybox "$R"
  install -d -m 755 "$R/models"
  install_file files/sentiment-model/model.json "$R/models/model.json" 644
  pack_image "$REF" "$R" "" '[]' '["sh"]' --env "PATH=$STD_PATH"
}
image ghcr.io/cdk8s-patterns/sentiment-model:1.0.0 model_image files/sentiment-model
