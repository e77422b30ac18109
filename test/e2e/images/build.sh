#!/usr/bin/env bash
# Builds the container images that the e2e examples run, for a real kubelet + containerd on a
# machine without any image registry. Each image is a stand-in that keeps the upstream image's
# contract (user, entrypoint, paths, ports, tools), built from Debian packages or Go modules; see
# README.md beside this file for each one and every known difference from upstream.
#
#   bash test/e2e/images/build.sh              build what is missing or out of date
#   bash test/e2e/images/build.sh --list       print the image references
#   bash test/e2e/images/build.sh --only redis build the images whose reference contains "redis"
#   bash test/e2e/images/build.sh --force      rebuild even when the stamps say up to date
#
# Output (outside the repository): ${CDK8S_PATTERNS_CACHE:-$HOME/.cache/cdk8s-patterns}/images/
#   <ref with / and : as _>.tar   docker-archive tarball of each image
#   <same>.stamp                  hash of its inputs + versions of the Debian packages in it
#   index.tsv                     REF<TAB>TARBALL for every built image (for `ctr images import`)
#   logs/<name>.log               the last build log of each image
# Needs root (package installs, chown in the rootfs, chroot checks). Set KEEP_ROOTFS=1 to keep
# each image's rootfs under images/work/<name>/rootfs for inspection.
set -euo pipefail

IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$IMAGES_DIR/lib.sh"
# shellcheck source=bases.sh
source "$IMAGES_DIR/bases.sh"

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }

LIST=0 FORCE=0 ONLY=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --list) LIST=1 ;;
    --force) FORCE=1 ;;
    --only) [[ $# -ge 2 ]] || die "--only needs a substring"; ONLY+=("$2"); shift ;;
    --only=*) ONLY+=("${1#--only=}") ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

# ---------------------------------------------------------------- registry of images

# normalize_ref REF: the reference as containerd and the kubelet normalize it.
normalize_ref() {
  local r=$1 first=${1%%/*}
  if [[ $r != */* ]]; then r="docker.io/library/$r"
  elif [[ $first != *.* && $first != *:* && $first != localhost ]]; then r="docker.io/$r"
  fi
  [[ ${r##*/} == *[:@]* ]] || r="$r:latest"
  echo "$r"
}

IMG_REFS=()
declare -A IMG_FN=() IMG_INPUTS=() IMG_ARGS=() IMG_RECIPE=()

# image REF FUNCTION [INPUT...] [-- ARG...]: registers an image. FUNCTION ROOTFS REF ARG... builds
# it (ending with pack_image). INPUTs are files or directories (relative to test/e2e/images) whose
# content goes into the stamp, or @go for the Go toolchain's version. The recipe file, lib.sh
# and bases.sh always go into the stamp.
image() {
  local ref fn=$2 inputs=() args=()
  ref="$(normalize_ref "$1")"; shift 2
  while [[ $# -gt 0 && $1 != -- ]]; do inputs+=("$1"); shift; done
  if [[ ${1:-} == -- ]]; then shift; args=("$@"); fi
  [[ -z ${IMG_FN[$ref]:-} ]] || die "image $ref is registered twice"
  IMG_REFS+=("$ref")
  IMG_FN[$ref]=$fn
  IMG_INPUTS[$ref]="${inputs[*]}"
  IMG_ARGS[$ref]="$(printf '%q ' "${args[@]}")"
  IMG_RECIPE[$ref]=$CURRENT_RECIPE
}

for CURRENT_RECIPE in "$IMAGES_DIR"/recipes/*.sh; do
  # shellcheck disable=SC1090
  source "$CURRENT_RECIPE"
done

if [[ $LIST -eq 1 ]]; then
  printf '%s\n' "${IMG_REFS[@]}"
  exit 0
fi

SELECTED=()
for ref in "${IMG_REFS[@]}"; do
  if [[ ${#ONLY[@]} -eq 0 ]]; then SELECTED+=("$ref"); continue; fi
  for s in "${ONLY[@]}"; do
    if [[ $ref == *"$s"* ]]; then SELECTED+=("$ref"); break; fi
  done
done
[[ ${#SELECTED[@]} -gt 0 ]] || die "no image matches --only ${ONLY[*]} (see --list)"

# ---------------------------------------------------------------- stamps

# static_key REF: hash of everything but the Debian package versions.
static_key() {
  local ref=$1 in p
  {
    echo "ref=$ref fn=${IMG_FN[$ref]} args=${IMG_ARGS[$ref]}"
    cat "$IMAGES_DIR/lib.sh" "$IMAGES_DIR/bases.sh" "${IMG_RECIPE[$ref]}"
    for in in ${IMG_INPUTS[$ref]}; do
      if [[ $in == @go ]]; then go env GOVERSION 2>/dev/null || echo "no-go"; continue; fi
      if [[ $in == /* ]]; then p=$in; else p="$IMAGES_DIR/$in"; fi
      [[ -e $p ]] || die "input $in of $ref does not exist"
      echo "input $in"
      (cd "$p" 2>/dev/null && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum &&
        find . -type f -printf '%m %p\n' | LC_ALL=C sort) || { sha256sum <"$p"; stat -c '%a' "$p"; }
    done
  } | sha256sum | cut -c1-64
}

stamp_of() { local t; t="$(image_tarball "$1")"; echo "${t%.tar}.stamp"; }

declare -A CANDIDATE=()
load_candidates() {
  local names=() s
  for ref in "${SELECTED[@]}"; do
    s="$(stamp_of "$ref")"
    [[ -f $s ]] && mapfile -t -O "${#names[@]}" names < <(awk '$1 == "pkg" { print $2 }' "$s")
  done
  [[ ${#names[@]} -gt 0 ]] || return 0
  local n v
  # shellcheck disable=SC2046 # one word per package name
  while read -r n v; do CANDIDATE[$n]=$v; done < <(deb_candidates $(printf '%s\n' "${names[@]}" | sort -u))
}

# up_to_date REF KEY: the tarball exists and its stamp matches KEY and today's package versions.
up_to_date() {
  local ref=$1 key=$2 s t
  t="$(image_tarball "$ref")"; s="$(stamp_of "$ref")"
  [[ -s $t && -f $s ]] || return 1
  [[ "$(sed -n 's/^key //p' "$s")" == "$key" ]] || return 1
  local kind n v
  while read -r kind n v; do
    [[ $kind == pkg ]] || continue
    [[ "${CANDIDATE[$n]:-}" == "$v" ]] || return 1
  done <"$s"
}

# ---------------------------------------------------------------- tools

ensure_tools() {
  local need=()
  command -v umoci >/dev/null || need+=(umoci)
  command -v skopeo >/dev/null || need+=(skopeo)
  command -v readelf >/dev/null || need+=(binutils)
  command -v dpkg-deb >/dev/null || need+=(dpkg)
  command -v chroot >/dev/null || need+=(coreutils)
  [[ ${#need[@]} -eq 0 ]] && return 0
  log "installing ${need[*]}"
  if ! apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1; then
    apt_update_once
    apt-get install -y --no-install-recommends "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
  fi
}

# ---------------------------------------------------------------- build

export BUILD_RUN_ID=$$
mkdir -p "$IMG_CACHE/logs" "$IMG_CACHE/work"
trap 'rm -f "$IMG_CACHE/.apt-updated-$BUILD_RUN_ID"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

T0="$(now)"
load_candidates
FAILED=() BUILT=0 TOOLS_READY=0
for ref in "${SELECTED[@]}"; do
  t1="$(now)"
  key="$(static_key "$ref")"
  tar_file="$(image_tarball "$ref")"
  if [[ $FORCE -eq 0 ]] && up_to_date "$ref" "$key"; then
    printf '  %-66s up to date  %5ss\n' "$ref" "$(secs "$t1" "$(now)")"
    continue
  fi
  if [[ $TOOLS_READY -eq 0 ]]; then
    [[ $(id -u) -eq 0 ]] || die "building images needs root (package installs, chown and chroot in the rootfs)"
    ensure_tools
    TOOLS_READY=1
  fi
  name="$(basename "$tar_file" .tar)"
  WORK="$IMG_CACHE/work/$name"
  log_file="$IMG_CACHE/logs/$name.log"
  rm -rf "$WORK"
  mkdir -p "$WORK/rootfs"
  : >"$WORK/packages.txt"
  if (
    export WORK REF="$ref"
    cd "$WORK"
    eval "${IMG_FN[$ref]} \"\$WORK/rootfs\" \"\$REF\" ${IMG_ARGS[$ref]}"
    [[ -s $WORK/image.tar ]] || die "the recipe ${IMG_FN[$ref]} packed no image"
  ) >"$WORK/build.log" 2>&1; then
    mv -f "$WORK/image.tar" "$tar_file"
    {
      echo "key $key"
      sort -u "$WORK/packages.txt" | sed 's/^/pkg /'
    } >"$(stamp_of "$ref")"
    cp "$WORK/build.log" "$log_file"
    [[ ${KEEP_ROOTFS:-0} == 1 ]] || rm -rf "$WORK"
    BUILT=$((BUILT + 1))
    printf '  %-66s built       %5ss  %s\n' "$ref" "$(secs "$t1" "$(now)")" "$(du -h "$tar_file" | cut -f1)"
  else
    cp "$WORK/build.log" "$log_file" 2>/dev/null || true
    rm -f "$(stamp_of "$ref")"
    FAILED+=("$ref")
    printf '  %-66s FAILED      %5ss\n' "$ref" "$(secs "$t1" "$(now)")"
    log "build.sh: ERROR: building image $ref failed (full log: $log_file); last lines:"
    tail -25 "$log_file" | sed 's/^/    | /' >&2
  fi
done

# The index of every image whose tarball exists, for the cluster script's `ctr images import`.
index="$IMG_CACHE/index.tsv"
: >"$index.tmp"
for ref in "${IMG_REFS[@]}"; do
  t="$(image_tarball "$ref")"
  [[ -s $t ]] && printf '%s\t%s\n' "$ref" "$t" >>"$index.tmp"
done
mv -f "$index.tmp" "$index"

printf 'build.sh: %d image(s) checked, %d built, %d failed in %ss; index: %s\n' \
  "${#SELECTED[@]}" "$BUILT" "${#FAILED[@]}" "$(secs "$T0" "$(now)")" "$index"
if [[ ${#FAILED[@]} -gt 0 ]]; then
  die "these images failed to build: ${FAILED[*]}"
fi
