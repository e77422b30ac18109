# shellcheck shell=bash
# Helpers for build.sh: Debian packages into a rootfs, shared libraries, users, Go builds, and
# packing a rootfs into an image tarball. Sourced by build.sh; every function here runs inside
# the build of ONE image, with these variables set by build.sh:
#   WORK   a scratch directory of that image (rootfs, OCI layout, logs)
#   REF    the image's fully qualified reference
# Nothing here touches the repository: all output goes under $IMG_CACHE.

IMAGES_DIR="${IMAGES_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
CACHE_ROOT="${CDK8S_PATTERNS_CACHE:-$HOME/.cache/cdk8s-patterns}"
IMG_CACHE="$CACHE_ROOT/images"
DEB_CACHE="$IMG_CACHE/debs"     # downloaded .deb files
DEB_X="$DEB_CACHE/x"            # each .deb extracted once (read-only source for copies)
DEB_LISTS="$DEB_CACHE/lists"    # file list of each .deb (to find which package holds a library)
GO_CACHE="$IMG_CACHE/go"        # Go binaries shared by several images
MULTIARCH=x86_64-linux-gnu
# Fixed timestamp of every file in a layer, so that an unchanged rootfs gives the same digest.
LAYER_MTIME=1704067200          # 2024-01-01T00:00:00Z
STD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '%s\n' "$*" >&2; }
die() { printf 'build.sh: ERROR: %b\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- apt

# apt_update_once: `apt-get update` at most once per build.sh run (a marker file, because
# every image is built in its own subshell).
apt_update_once() {
  local mark="$IMG_CACHE/.apt-updated-${BUILD_RUN_ID:-$$}"
  [[ -e $mark ]] && return 0
  log "apt-get update (package lists missing or stale)"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  : >"$mark"
}

# deb_candidates PKG...: prints "PKG VERSION" for each package apt would download now
# (packages without a candidate are left out).
deb_candidates() {
  [[ $# -gt 0 ]] || return 0
  apt-cache policy "$@" 2>/dev/null |
    awk '/^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) } /^  Candidate:/ && $2 != "(none)" { print p, $2 }'
}

# deb_fetch PKG...: makes sure the .deb of each package is in $DEB_CACHE; prints their paths.
deb_fetch() {
  local empty="$IMG_CACHE/.empty" uris
  mkdir -p "$DEB_CACHE" "$empty"
  # --print-uris skips files present in the current directory: run it from an empty one.
  if ! uris="$(cd "$empty" && apt-get download --print-uris "$@" 2>&1)"; then
    apt_update_once
    uris="$(cd "$empty" && apt-get download --print-uris "$@" 2>&1)" ||
      die "apt-get cannot download some of: $*\n$uris"
  fi
  local line fname missing=() files=()
  while read -r line; do
    [[ $line == "'"* ]] || continue
    fname="$(awk '{print $2}' <<<"$line")"
    files+=("$DEB_CACHE/$fname")
    [[ -s "$DEB_CACHE/$fname" ]] || missing+=("${fname%%_*}")
  done <<<"$uris"
  [[ ${#files[@]} -eq $# ]] || die "apt-get resolved ${#files[@]} of $# packages ($*):\n$uris"
  if [[ ${#missing[@]} -gt 0 ]]; then
    local tmp; tmp="$(mktemp -d "$DEB_CACHE/.dl.XXXXXX")"
    (cd "$tmp" && apt-get download -q "${missing[@]}") >"$tmp.log" 2>&1 ||
      die "apt-get download ${missing[*]} failed:\n$(tail -20 "$tmp.log")"
    mv -f "$tmp"/*.deb "$DEB_CACHE/"
    rm -rf "$tmp" "$tmp.log"
  fi
  printf '%s\n' "${files[@]}"
}

# deb_extract DEB: extracts a .deb once into $DEB_X/NAME; prints that directory.
deb_extract() {
  local deb=$1 name dir
  name="$(basename "$deb" .deb)"; dir="$DEB_X/$name"
  if [[ ! -d $dir ]]; then
    mkdir -p "$DEB_X"
    local tmp; tmp="$(mktemp -d "$DEB_X/.x.XXXXXX")"
    dpkg-deb -x "$deb" "$tmp" || die "dpkg-deb -x $deb failed"
    mv "$tmp" "$dir"
  fi
  echo "$dir"
}

# deb_list DEB: prints the file list of a .deb (cached), one "./path" a line.
deb_list() {
  local deb=$1 name list
  name="$(basename "$deb" .deb)"; list="$DEB_LISTS/$name.txt"
  if [[ ! -s $list ]]; then
    mkdir -p "$DEB_LISTS"
    dpkg-deb --fsys-tarfile "$deb" | tar -t >"$list.tmp" || die "cannot list $deb"
    mv "$list.tmp" "$list"
  fi
  cat "$list"
}

# record_deb DEB: notes "NAME VERSION" of a package that went into this image (for the stamp).
record_deb() {
  local base; base="$(basename "$1" .deb)"
  local name="${base%%_*}" rest="${base#*_}"
  local ver="${rest%_*}"
  echo "$name ${ver//%3a/:}" >>"$WORK/packages.txt"
}

# rootfs_from_debs DIR [--with-deps REGEX] PKG...: extracts the packages into DIR (dpkg -x, no
# maintainer scripts). --with-deps also adds every package of their dependency closure whose
# name matches REGEX (e.g. '^python3-' for the Python modules a package needs).
rootfs_from_debs() {
  local root=$1; shift
  local regex=''
  if [[ ${1:-} == --with-deps ]]; then regex=$2; shift 2; fi
  local pkgs=("$@")
  if [[ -n $regex ]]; then
    mapfile -t -O "${#pkgs[@]}" pkgs < <(deb_closure "$@" | grep -E "$regex" | grep -vxF -f <(printf '%s\n' "$@"))
  fi
  mkdir -p "$root"
  local deb dir n
  while read -r deb; do
    dir="$(deb_extract "$deb")"
    # tar keeps symlinks the rootfs already has (merged /usr: /bin -> usr/bin)
    tar -C "$dir" -cf - . | tar -C "$root" -xf - --keep-directory-symlink
    record_deb "$deb"
    echo "${deb}" >>"$WORK/debs.txt"
    n="${deb##*/}"; echo "${n%%_*}" >>"$WORK/roots.txt"
  done < <(deb_fetch "${pkgs[@]}")
}

# deb_closure PKG...: names of the packages in the dependency closure (Depends, Pre-Depends;
# every alternative of an "a | b" group; no virtual packages and no other providers), in the
# order they are found (nearest first), the PKGs themselves included.
deb_closure() {
  # cached per package set and state of apt's package lists
  local ckey cfile
  ckey="$( { printf '%s\n' "$@"; stat -c '%n %Y %s' /var/lib/apt/lists/*Packages* 2>/dev/null; } | sha256sum | cut -c1-32)"
  cfile="$IMG_CACHE/closures/$ckey.txt"
  if [[ -s $cfile ]]; then cat "$cfile"; return 0; fi
  mkdir -p "${cfile%/*}"
  _deb_closure "$@" >"$cfile.tmp.$$" && mv -f "$cfile.tmp.$$" "$cfile"
  cat "$cfile"
}

_deb_closure() {
  declare -A seen=()
  local level=() next=() n order=()
  for n; do [[ -n ${seen[$n]:-} ]] || { seen[$n]=1; level+=("$n"); order+=("$n"); }; done
  while [[ ${#level[@]} -gt 0 ]]; do
    next=()
    while read -r n; do
      [[ -n ${seen[$n]:-} ]] && continue
      seen[$n]=1; next+=("$n"); order+=("$n")
    done < <(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances "${level[@]}" 2>/dev/null |
      awk '/^ [ |](Pre)?Depends: / && $2 !~ /^</ { print $2 }')
    level=("${next[@]}")
  done
  printf '%s\n' "${order[@]}"
}

# strip_rootfs DIR: removes what a container never uses (docs, man pages, init scripts, units).
strip_rootfs() {
  local root=$1
  rm -rf "${root:?}"/usr/share/{doc,man,info,lintian,linda,bug,bash-completion,apport,initramfs-tools,menu} \
    "${root:?}"/etc/{init.d,default,logrotate.d,ufw,cron.d,cron.daily} "${root:?}"/lib/systemd "${root:?}"/usr/lib/systemd \
    "${root:?}"/usr/lib/tmpfiles.d "${root:?}"/usr/share/locale
}

# ---------------------------------------------------------------- shared libraries

# The library packages an image may draw from: the lib* packages (and zlib1g) of the dependency
# closure of every package extracted into it by rootfs_from_debs, nearest dependencies first.
# Prints the path of an index "SONAME<TAB>DEB<TAB>./path" of their libraries; recomputed only
# when rootfs_from_debs added packages since the last time.
_lib_index() {
  local out="$WORK/libindex.tsv" key
  key="$(sort -u "$WORK/roots.txt" 2>/dev/null | sha256sum)"
  if [[ ! -s $out || "$(cat "$out.key" 2>/dev/null)" != "$key" ]]; then
    local names=() libs=() f n
    mapfile -t names < <(sort -u "$WORK/roots.txt" 2>/dev/null)
    names+=(libc6 libgcc-s1)
    mapfile -t libs < <(deb_closure "${names[@]}" | grep -E '^(lib|zlib1g$)')
    declare -A file_of=()
    while read -r f; do n="${f##*/}"; file_of[${n%%_*}]=$f; done < <(deb_fetch "${libs[@]}")
    : >"$out.tmp"
    for n in "${libs[@]}"; do
      f="${file_of[$n]}"
      # files directly in a library directory; multiarch ones first (the /lib64 loader is a link)
      deb_list "$f" | awk -v deb="$f" -v ma="$MULTIARCH" '
        { k = split($0, p, "/"); d = substr($0, 1, length($0) - length(p[k]) - 1) }
        p[k] != "" && (d ~ /^\.\/(usr\/)?lib(64)?$/ || d == "./lib/" ma || d == "./usr/lib/" ma) {
          print p[k] "\t" (index(d, ma) ? 0 : 1) "\t" deb "\t" $0 }' >>"$out.tmp"
    done
    # per soname: the nearest package, its multiarch path first (stable sort keeps package order)
    sort -s -t $'\t' -k1,1 -k2,2n "$out.tmp" | awk -F '\t' '!seen[$1]++ { print $1 "\t" $3 "\t" $4 }' >"$out"
    rm -f "$out.tmp"
    echo "$key" >"$out.key"
  fi
  echo "$out"
}

# _resolve_in DIR PATH: PATH (absolute, inside DIR) with symlinks of its last component followed
# inside DIR (an absolute link target means DIR/target, never the host's file). Sets REPLY.
_resolve_in() {
  local dir=$1 p=$2 t n=0
  while [[ -L "$dir$p" && $n -lt 40 ]]; do
    t="$(readlink "$dir$p")"
    if [[ $t == /* ]]; then p=$t; else p="${p%/*}/$t"; fi
    n=$((n + 1))
  done
  REPLY=$p
}
_exists_in() { _resolve_in "$1" "$2"; [[ -e "$1$REPLY" ]]; }

_is_elf() {
  local magic=''
  [[ -f $1 ]] || return 1
  LC_ALL=C read -r -N 4 magic <"$1" 2>/dev/null || true
  [[ $magic == $'\177ELF' ]]
}

# _lib_find ROOT SONAME FILE RUNPATH: sets REPLY to the in-image path of SONAME if ROOT already
# has it (RUNPATH: the file's RUNPATH/RPATH, colon-separated, $ORIGIN not yet resolved).
_lib_find() {
  local root=$1 so=$2 file=$3 rp=$4 d
  local dirs=()
  if [[ -n $rp ]]; then
    local IFS=:; for d in $rp; do dirs+=("${d//\$ORIGIN/${file%/*}}"); done; unset IFS
  fi
  dirs+=("/lib/$MULTIARCH" "/usr/lib/$MULTIARCH" /lib /usr/lib /lib64)
  for d in "${dirs[@]}"; do
    if _exists_in "$root" "$d/$so"; then return 0; fi
  done
  return 1
}

# _lib_provide ROOT SONAME FILE: copies SONAME from a library package into ROOT; prints its path.
_lib_provide() {
  local root=$1 so=$2 file=$3 hit deb path dir
  hit="$(awk -F '\t' -v so="$so" '$1 == so { print; exit }' "$(_lib_index)")"
  if [[ -z $hit ]]; then
    die "library $so (needed by $file) is in no library package of the dependency closure;" \
      "add the package that ships it to the recipe"
  fi
  deb="$(cut -f2 <<<"$hit")"; path="$(cut -f3 <<<"$hit")"; path="${path#.}"
  dir="$(deb_extract "$deb")"
  mkdir -p "$root${path%/*}"
  _resolve_in "$dir" "$path"
  cp "$dir$REPLY" "$root$path"
  grep -qxF "$deb" "$WORK/debs.txt" 2>/dev/null || { record_deb "$deb"; echo "$deb" >>"$WORK/debs.txt"; }
  echo "$path"
}

# add_libs DIR PATH...: copies into DIR every shared library (and the dynamic loader) that the
# ELF files at the given in-image PATHs need, recursively, like walking `ldd`. A PATH that is a
# directory means every ELF file under it. The libraries come from the Debian library packages
# of the image's dependency closure (never from the host), so the rootfs runs on its own.
add_libs() {
  local root=$1; shift
  local queue=() f p
  for p; do
    if [[ -d "$root$p" ]]; then
      while IFS= read -r -d '' f; do queue+=("${f#"$root"}"); done < <(find "$root$p" -type f -print0)
    else
      [[ -e "$root$p" ]] || die "add_libs: $p does not exist in the rootfs"
      queue+=("$p")
    fi
  done
  declare -A seen=() have=()
  local i=0 interp so rp line needed
  while [[ $i -lt ${#queue[@]} ]]; do
    f="${queue[$i]}"; i=$((i + 1))
    [[ -n ${seen[$f]:-} ]] && continue
    seen[$f]=1
    _is_elf "$root$f" || continue
    interp='' rp='' needed=()
    while IFS= read -r line; do
      case $line in
        *'Requesting program interpreter: '*) interp=${line#*interpreter: }; interp=${interp%]} ;;
        *'(NEEDED)'*) line=${line#*\[}; needed+=("${line%]}") ;;
        *'(RUNPATH)'*|*'(RPATH)'*) line=${line#*\[}; rp=${line%]} ;;
      esac
    done < <(readelf -ldW "$root$f" 2>/dev/null)
    if [[ -n $interp ]] && ! _exists_in "$root" "$interp"; then
      _lib_provide "$root" "${interp##*/}" "$f" >/dev/null
      # Debian's loader lives in /lib/x86_64-linux-gnu; /lib64/ld-linux-x86-64.so.2 points to it.
      if ! _exists_in "$root" "$interp"; then
        mkdir -p "$root${interp%/*}"
        ln -sf "/lib/$MULTIARCH/${interp##*/}" "$root$interp"
      fi
    fi
    for so in "${needed[@]}"; do
      if [[ -z $rp && -n ${have[$so]:-} ]]; then continue; fi
      if _lib_find "$root" "$so" "$f" "$rp"; then
        p=$REPLY
      else
        p="$(_lib_provide "$root" "$so" "$f")" || exit 1
      fi
      [[ -n $rp ]] || have[$so]=$p
      queue+=("$p")
    done
  done
}

# check_runs DIR CMD...: runs a command inside the rootfs (chroot as root, with /dev and /proc
# mounted in a private mount namespace) to prove it starts without the host's files, e.g.
# `check_runs "$R" /usr/bin/redis-server --version`.
check_runs() {
  local root=$1; shift
  local out
  mkdir -p "$root/dev" "$root/proc"
  # shellcheck disable=SC2016
  if ! out="$(unshare --mount --propagation private -- sh -c \
    'r=$1; shift; mount --bind /dev "$r/dev" && mount -t proc proc "$r/proc" && exec chroot "$r" "$@"' \
    sh "$root" "$@" 2>&1)"; then
    die "the rootfs cannot run '$*':\n$out"
  fi
  printf '%s\n' "$out" | head -3 | sed 's/^/    /' >>"$WORK/build.log"
}

# ---------------------------------------------------------------- users and layout

# add_passwd DIR NAME UID GID HOME [SHELL] [GROUPNAME]: adds a user (and its primary group
# when no group has GID) to DIR/etc/passwd and DIR/etc/group.
add_passwd() {
  local root=$1 name=$2 uid=$3 gid=$4 home=$5 shell=${6:-/sbin/nologin} group=${7:-$2}
  mkdir -p "$root/etc"
  touch "$root/etc/passwd" "$root/etc/group"
  if ! grep -q "^$name:" "$root/etc/passwd"; then
    echo "$name:x:$uid:$gid:$name:$home:$shell" >>"$root/etc/passwd"
  fi
  add_group "$root" "$group" "$gid"
}

# add_group DIR NAME GID [MEMBERS]: adds a group unless one with that GID exists.
add_group() {
  local root=$1 name=$2 gid=$3 members=${4:-}
  touch "$root/etc/group"
  awk -F: -v g="$gid" '$3 == g { f = 1 } END { exit !f }' "$root/etc/group" ||
    echo "$name:x:$gid:$members" >>"$root/etc/group"
}

# install_file SRC DEST MODE [OWNER]: copies a file of this directory (path relative to
# test/e2e/images) into the rootfs.
install_file() {
  local src="$IMAGES_DIR/$1" dest=$2 mode=$3 owner=${4:-0:0}
  [[ -f $src ]] || die "install_file: $1 not found"
  install -D -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$src" "$dest"
}

# ---------------------------------------------------------------- Go

go_env() {
  command -v go >/dev/null || die "go is not on PATH (a Go toolchain is needed to build $REF)"
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false"
}

# go_module_src MODULE@VERSION DEST: copies a module's source out of the module cache (fetched
# with `go mod download`) into DEST, writable, ready for `go build` inside it.
go_module_src() {
  local modver=$1 dest=$2 json dir
  go_env
  local empty; empty="$(mktemp -d)"
  json="$(cd "$empty" && GOFLAGS='' go mod download -json "$modver" 2>&1)" ||
    die "go mod download $modver failed:\n$json"
  rmdir "$empty"
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json" | head -1)"
  [[ -d $dir ]] || die "go mod download $modver gave no source directory:\n$json"
  rm -rf "$dest"; mkdir -p "$(dirname "$dest")"
  cp -r "$dir" "$dest"
  chmod -R u+w "$dest"
}

# go_build SRCDIR OUT LDFLAGS PKG: static, stripped, reproducible build of one command.
go_build() {
  local src=$1 out=$2 ldflags=$3 pkg=$4
  go_env
  (cd "$src" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out" "$pkg") >>"$WORK/go-build.log" 2>&1 ||
    die "go build $pkg in $src failed:\n$(tail -30 "$WORK/go-build.log")"
}

# ---------------------------------------------------------------- packing

# json_array VALUE: prints the elements of a JSON array of strings, one per line ("[]", "" and
# "null" give nothing). Handles \" \\ \/ \n \t escapes; no \u escapes.
json_array() {
  local s=$1 i c out='' in=0 esc=0 n=0
  s="${s#"${s%%[![:space:]]*}"}"; s="${s%"${s##*[![:space:]]}"}"
  [[ -z $s || $s == null || $s == '[]' ]] && return 0
  [[ $s == \[*\] ]] || die "not a JSON array: $1"
  for ((i = 1; i < ${#s} - 1; i++)); do
    c="${s:i:1}"
    if ((in)); then
      if ((esc)); then
        case $c in n) out+=$'\n' ;; t) out+=$'\t' ;; *) out+="$c" ;; esac
        esc=0
      elif [[ $c == \\ ]]; then esc=1
      elif [[ $c == '"' ]]; then in=0; printf '%s\0' "$out"; out=''; n=$((n + 1))
      else out+="$c"
      fi
    else
      case $c in '"') in=1 ;; ','|' ') ;; *) die "not a JSON array of strings: $1" ;; esac
    fi
  done
  ((in == 0)) || die "unterminated string in JSON array: $1"
}

# image_tarball REF: the tarball of an image in the cache, named from its reference.
image_tarball() { local r=$1; r="${r//\//_}"; echo "$IMG_CACHE/${r//:/_}.tar"; }

# pack_image REF ROOTFS USER ENTRYPOINT_JSON CMD_JSON [OPTION...]: packs ROOTFS as a one-layer
# image into $WORK/image.tar (docker-archive, tagged REF). USER is "" (root by default) or
# "uid[:gid]" or a name. Options: --env K=V, --workdir DIR, --port N/tcp, --volume DIR,
# --stopsignal SIG, --label K=V (repeatable where that makes sense).
pack_image() {
  local ref=$1 root=$2 user=$3 ep=$4 cmd=$5; shift 5
  local oci="$WORK/oci" layer="$WORK/layer.tar" a
  local args=(--image "$oci:image" --architecture amd64 --os linux --author "cdk8s-patterns test/e2e/images"
    --created "$(date -u -d "@$LAYER_MTIME" +%Y-%m-%dT%H:%M:%SZ)" --history.comment "cdk8s-patterns stand-in")
  [[ -n $user ]] && args+=("--config.user=$user")
  while IFS= read -r -d '' a; do args+=("--config.entrypoint=$a"); done < <(json_array "$ep")
  while IFS= read -r -d '' a; do args+=("--config.cmd=$a"); done < <(json_array "$cmd")
  while [[ $# -gt 0 ]]; do
    case $1 in
      --env) args+=("--config.env=$2") ;;
      --workdir) args+=("--config.workingdir=$2") ;;
      --port) args+=("--config.exposedports=$2") ;;
      --volume) args+=("--config.volume=$2") ;;
      --stopsignal) args+=("--config.stopsignal=$2") ;;
      --label) args+=("--config.label=$2") ;;
      *) die "pack_image: unknown option $1" ;;
    esac
    shift 2
  done
  args+=("--config.label=org.opencontainers.image.description=cdk8s-patterns e2e stand-in for $ref (see test/e2e/images/README.md)")
  # A deterministic layer: sorted, fixed mtime, numeric owners. File capabilities (the xattr
  # security.capability, e.g. coredns's cap_net_bind_service) go in as PAX SCHILY.xattr records,
  # which containerd restores on unpack; a layer without any is byte for byte the same as without
  # the option.
  tar --sort=name --mtime="@$LAYER_MTIME" --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    --xattrs --xattrs-include=security.capability \
    -C "$root" -cf "$layer" . || die "tar of the rootfs failed"
  rm -rf "$oci"
  {
    umoci init --layout "$oci" &&
      umoci new --image "$oci:image" &&
      umoci raw add-layer --image "$oci:image" --history.created_by "test/e2e/images/build.sh" \
        --history.created "$(date -u -d "@$LAYER_MTIME" +%Y-%m-%dT%H:%M:%SZ)" "$layer" &&
      umoci config "${args[@]}" &&
      umoci gc --layout "$oci"
  } >>"$WORK/build.log" 2>&1 || die "umoci failed (see $WORK/build.log):\n$(tail -5 "$WORK/build.log")"
  rm -f "$layer" "$WORK/image.tar"
  skopeo copy --quiet "oci:$oci:image" "docker-archive:$WORK/image.tar:$ref" >>"$WORK/build.log" 2>&1 ||
    die "skopeo copy to docker-archive failed:\n$(tail -5 "$WORK/build.log")"
  rm -rf "$oci"
}

# pkg_version NAME: the upstream part of the version of a package extracted into this image
# ("5:7.0.15-1~deb12u10" gives "7.0.15"), for the *_VERSION variables of the images.
pkg_version() {
  local v
  v="$(awk -v n="$1" '$1 == n { print $2; exit }' "$WORK/packages.txt")"
  [[ -n $v ]] || die "pkg_version: package $1 is not in this image"
  v="${v#*:}"; v="${v%-*}"; v="${v%%+dfsg*}"
  echo "$v"
}
