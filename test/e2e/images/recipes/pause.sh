# shellcheck shell=bash
# registry.k8s.io/pause:3.10, the containerd sandbox image (containerd's config names it): a
# static C program that only holds the pod's namespaces. Contract: kubernetes/build/pause
# (USER 65535:65535, ENTRYPOINT /pause, no shell). Needs gcc and libc6-dev (static libc).
pause_image() {
  local R=$1
  command -v gcc >/dev/null && [[ -f /usr/lib/x86_64-linux-gnu/libc.a ]] ||
    { apt_update_once; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev >>"$WORK/build.log" 2>&1; } ||
    die "pause: gcc and libc6-dev are needed (apt-get install gcc libc6-dev)"
  mkdir -p "$R"
  gcc -static -O2 -s -o "$R/pause" "$IMAGES_DIR/files/pause/pause.c" >>"$WORK/build.log" 2>&1 || die "pause: gcc failed:\n$(tail -5 "$WORK/build.log")"
  pack_image "$REF" "$R" "65535:65535" '["/pause"]' '[]'
}
image registry.k8s.io/pause:3.10 pause_image files/pause
