# shellcheck shell=bash
# The ghcr.io/cdk8s-patterns/* demo images: one Go program (test/e2e/images/demo, written for
# the examples) at /usr/local/bin/demo, packed once per line of demo/images.txt:
#   IMAGE_REF USER ENTRYPOINT_JSON [SYMLINK...]   (# comments, blank lines ignored)
# Each image: no shell, /etc/passwd with root, nobody and nonroot (65532), a world-writable
# sticky /tmp, the binary, its symlinks (each SYMLINK is an absolute path linked to the binary;
# the program picks its role from the link's name), USER and ENTRYPOINT, no CMD.
# CDK8S_IMAGES_DEMO_DIR points at another directory of the same layout (used to test this).
DEMO_DIR="${CDK8S_IMAGES_DEMO_DIR:-$IMAGES_DIR/demo}"

# demo_binary: the demo program, built once per content of the directory and Go version
demo_binary() {
  go_env
  local key out
  key="$( (cd "$DEMO_DIR" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum; go env GOVERSION) | sha256sum | cut -c1-16)"
  out="$GO_CACHE/demo-$key/demo"
  if [[ ! -x $out ]]; then
    rm -rf "$WORK/src"; mkdir -p "$WORK/src" "${out%/*}"
    # build in a copy: the module download may touch go.sum, and the repository stays untouched
    cp -r "$DEMO_DIR/." "$WORK/src/"
    chmod -R u+w "$WORK/src"
    go_build "$WORK/src" "$out.tmp" "" .
    mv -f "$out.tmp" "$out"
  fi
  echo "$out"
}

demo_image() {
  local R=$1 ref=$2 user=$3 entrypoint=$4; shift 4
  local bin link target
  bin="$(demo_binary)"
  skeleton "$R"
  rm -rf "${R:?}"/{proc,sys,dev,run,var/log,var/cache,usr/local/sbin}
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
    >"$R/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$R/etc/group"
  install -d -o 65532 -g 65532 -m 700 "$R/home/nonroot"
  install -D -m 755 "$bin" "$R/usr/local/bin/demo"
  for link; do
    target=/usr/local/bin/demo
    if [[ $link == *=* ]]; then target=${link#*=}; link=${link%%=*}; fi
    [[ $link == /* ]] || die "symlink $link of $ref is not an absolute path"
    mkdir -p "$R${link%/*}"
    ln -sfn "$target" "$R$link"
  done
  pack_image "$REF" "$R" "$user" "$entrypoint" '[]' --env "PATH=$STD_PATH"
}

if [[ -f $DEMO_DIR/images.txt ]]; then
  while read -r demo_ref demo_user demo_entrypoint demo_links; do
    [[ -z $demo_ref || $demo_ref == \#* ]] && continue
    [[ -n $demo_entrypoint ]] || die "demo/images.txt: no ENTRYPOINT_JSON for $demo_ref"
    # shellcheck disable=SC2086
    image "$demo_ref" demo_image "$DEMO_DIR" @go -- "$demo_user" "$demo_entrypoint" $demo_links
  done <"$DEMO_DIR/images.txt"
  unset demo_ref demo_user demo_entrypoint demo_links
fi
