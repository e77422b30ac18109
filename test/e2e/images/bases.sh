# shellcheck shell=bash
# Base layouts the stand-ins start from, each imitating the base of the upstream images:
#   base_alpine        alpine:3.20 (busybox sh and applets, alpine's users, CA bundle, tzdata)
#   base_busybox       the busybox image (every applet in /bin, buildroot's users)
#   base_debian_slim   debian:bookworm-slim (dash, bash, coreutils, Debian's users; merged /usr)
#   base_distroless    gcr.io/distroless/static-debian12 (no shell: users, /tmp, CA bundle, tzdata)
#   base_scratch_certs FROM scratch plus the CA bundle (what most Go images copy in)
# Sourced by build.sh after lib.sh.

# busybox_links DIR full|bin: symlinks for busybox's applets, at their usual paths (full) or all
# in /bin (bin); never over a file the rootfs already has.
busybox_links() {
  local root=$1 mode=$2 a
  [[ -x "$root/bin/busybox" ]] || die "busybox_links: no /bin/busybox in the rootfs"
  if [[ $mode == full ]]; then
    while read -r a; do
      [[ -n $a && $a != bin/busybox ]] || continue
      mkdir -p "$root/$(dirname "$a")"
      [[ -e "$root/$a" || -L "$root/$a" ]] || ln -s /bin/busybox "$root/$a"
    done < <("$root/bin/busybox" --list-full)
  else
    while read -r a; do
      [[ -n $a && $a != busybox ]] || continue
      [[ -e "$root/bin/$a" || -L "$root/bin/$a" ]] || ln -s busybox "$root/bin/$a"
    done < <("$root/bin/busybox" --list)
  fi
}

# ca_bundle DIR: /etc/ssl/certs/ca-certificates.crt from Debian's ca-certificates (what
# update-ca-certificates would generate), without the package's scripts.
ca_bundle() {
  local root=$1 x
  local deb; deb="$(deb_fetch ca-certificates)"
  x="$(deb_extract "$deb")"
  record_deb "$deb"
  mkdir -p "$root/etc/ssl/certs"
  find "$x/usr/share/ca-certificates/mozilla" -name '*.crt' | LC_ALL=C sort | xargs cat >"$root/etc/ssl/certs/ca-certificates.crt"
  chmod 644 "$root/etc/ssl/certs/ca-certificates.crt"
}

# zoneinfo DIR: /usr/share/zoneinfo from Debian's tzdata (without the "right/" leap-second zones).
zoneinfo() {
  local root=$1 x
  local deb; deb="$(deb_fetch tzdata)"
  x="$(deb_extract "$deb")"
  record_deb "$deb"
  mkdir -p "$root/usr/share"
  cp -a "$x/usr/share/zoneinfo" "$root/usr/share/"
  rm -rf "${root:?}/usr/share/zoneinfo/right"
}

# os_release DIR NAME: an os-release that says what the image is (no distribution is faked).
os_release() {
  mkdir -p "$1/etc"
  cat >"$1/etc/os-release" <<EOF
NAME="cdk8s-patterns stand-in"
ID=cdk8s-patterns-stand-in
PRETTY_NAME="cdk8s-patterns e2e stand-in ($2; Debian 12 packages)"
HOME_URL="https://github.com/cdk8s-patterns"
EOF
}

# nsswitch DIR: users from /etc/passwd, hosts from /etc/hosts before DNS (as musl and distroless do).
nsswitch() {
  mkdir -p "$1/etc"
  printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n' \
    >"$1/etc/nsswitch.conf"
}

# skeleton DIR: the directories every image has; /tmp and /var/tmp sticky and world-writable.
skeleton() {
  local root=$1
  mkdir -p "$root"/{etc,proc,sys,dev,run,root,home,tmp,var/tmp,var/log,var/cache,var/lib,usr/local/bin,usr/local/sbin}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 700 "$root/root"
}

base_alpine() {
  local root=$1
  rootfs_from_debs "$root" busybox-static
  skeleton "$root"
  busybox_links "$root" full
  rm -f "$root/linuxrc"
  ln -sfn /run "$root/var/run"
  ca_bundle "$root"
  ln -sf certs/ca-certificates.crt "$root/etc/ssl/cert.pem"
  zoneinfo "$root"
  os_release "$root" "alpine-like: busybox sh"
  nsswitch "$root"
  # alpine 3.20's own users and groups (/etc/passwd, /etc/group of alpine-baselayout)
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin
cron:x:16:16:cron:/var/spool/cron:/sbin/nologin
ftp:x:21:21::/var/lib/ftp:/sbin/nologin
sshd:x:22:22:sshd:/dev/null:/sbin/nologin
games:x:35:35:games:/usr/games:/sbin/nologin
ntp:x:123:123:NTP:/var/empty:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin
adm:x:4:root,daemon
tty:x:5:
disk:x:6:root
lp:x:7:lp
kmem:x:9:
wheel:x:10:root
floppy:x:11:root
mail:x:12:mail
news:x:13:news
uucp:x:14:uucp
cron:x:16:cron
audio:x:18:
cdrom:x:19:
dialout:x:20:root
ftp:x:21:
sshd:x:22:
input:x:23:
tape:x:26:root
video:x:27:root
netdev:x:28:
kvm:x:34:kvm
games:x:35:
shadow:x:42:
www-data:x:82:
users:x:100:games
ntp:x:123:
abuild:x:300:
utmp:x:406:
ping:x:999:
nogroup:x:65533:
nobody:x:65534:
EOF
}

base_busybox() {
  local root=$1
  rootfs_from_debs "$root" busybox-static
  strip_rootfs "$root"
  rm -rf "${root:?}/usr/share"
  skeleton "$root"
  busybox_links "$root" bin
  mkdir -p "$root/usr/bin" "$root/var/spool/mail" "$root/var/www"
  ln -sf ../../bin/env "$root/usr/bin/env"
  # UTC, like upstream's /etc/localtime
  local x deb; deb="$(deb_fetch tzdata)"
  x="$(deb_extract "$deb")"
  record_deb "$deb"
  cp "$x/usr/share/zoneinfo/Etc/UTC" "$root/etc/localtime"
  # buildroot's skeleton users and groups, as in the busybox image
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
EOF
  printf 'root:*:::::::\ndaemon:*:::::::\nbin:*:::::::\nsys:*:::::::\nsync:*:::::::\nmail:*:::::::\nwww-data:*:::::::\noperator:*:::::::\nnobody:*:::::::\n' >"$root/etc/shadow"
  chmod 600 "$root/etc/shadow"
}

base_debian_slim() {
  local root=$1
  mkdir -p "$root/usr"/{bin,sbin,lib,lib64}
  # merged /usr, as in Debian 12 images
  ln -sfn usr/bin "$root/bin"; ln -sfn usr/sbin "$root/sbin"
  ln -sfn usr/lib "$root/lib"; ln -sfn usr/lib64 "$root/lib64"
  rootfs_from_debs "$root" base-files base-passwd dash bash coreutils grep sed findutils tar gzip \
    debianutils mawk hostname libc-bin netbase
  skeleton "$root"
  ln -sfn /run "$root/var/run"
  ln -sf mawk "$root/usr/bin/awk"
  cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd"
  cp "$root/usr/share/base-passwd/group.master" "$root/etc/group"
  cp "$root/usr/share/base-files/dot.bashrc" "$root/root/.bashrc" 2>/dev/null || true
  ca_bundle "$root"
  zoneinfo "$root"
  nsswitch "$root"
  add_libs "$root" /usr/bin /usr/sbin
}

base_distroless() {
  local root=$1
  skeleton "$root"
  rm -rf "${root:?}"/{proc,sys,dev,run,var/log,var/cache,usr/local}
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
    >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\ntty:x:5:\nstaff:x:50:\n' >"$root/etc/group"
  mkdir -p "$root/home/nonroot"
  chown 65532:65532 "$root/home/nonroot"
  chmod 700 "$root/home/nonroot"
  ca_bundle "$root"
  zoneinfo "$root"
  os_release "$root" "distroless-like: no shell"
  nsswitch "$root"
}

base_scratch_certs() {
  ca_bundle "$1"
}
