#!/usr/bin/env bash
# Smoke tests of the images that build.sh made, without containerd or a kubelet: each image's
# layer is unpacked into a temporary directory and its entrypoint runs in a chroot, inside
# private mount and network namespaces (the network namespace has only a loopback interface,
# so every port is bound on this machine only), as the image's user or as the non-root UID the
# examples use, with the image's environment, and with a read-only root and emptyDir-like
# tmpfs mounts where the examples have them. Every process started is stopped by its PID;
# the namespaces take the mounts with them.
#
#   bash test/e2e/images/smoke.sh              every test
#   bash test/e2e/images/smoke.sh redis nginx  some of them (see the t_* functions)
# Needs root, jq, curl, iproute2 (installed when missing). Prints "N passed, N failed".
set -euo pipefail

IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$IMAGES_DIR/lib.sh"

# ---------------------------------------------------------------- helpers (inside a test)

# The unpacked directory of a demo image: demo-<name>, or demo-<name>-<tag> when the list has the
# name with several tags (storefront 1.0.0 and 2.0.0 are different images).
demo_key() {
  local ref=$1 base
  base="$(basename "${ref%%:*}")"
  if [[ $(grep -vE '^\s*(#|$)' "$DEMO_LIST" | awk '{print $1}' | grep -c "/$base:") -gt 1 ]]; then
    echo "demo-$base-${ref##*:}"
  else
    echo "demo-$base"
  fi
}

PIDS=()
stop_all() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  PIDS=()
}

pass() { echo "PASS $T: $*" | tee -a "$SMOKE/results.txt"; }
fail() { echo "FAIL $T: $*" | tee -a "$SMOKE/results.txt"; }
# check DESCRIPTION CMD...: PASS when CMD succeeds
check() { local d=$1; shift; if "$@" >"$SMOKE/check.out" 2>&1; then pass "$d"; else fail "$d"; sed 's/^/      /' "$SMOKE/check.out" | tail -15; fi; }
# check_fails DESCRIPTION CMD...: PASS when CMD fails
check_fails() { local d=$1; shift; if "$@" >"$SMOKE/check.out" 2>&1; then fail "$d (it succeeded)"; else pass "$d"; fi; }
# check_out DESCRIPTION REGEX CMD...: PASS when CMD succeeds and its output matches REGEX
check_out() {
  local d=$1 re=$2; shift 2
  local out
  if out="$("$@" 2>&1)" && grep -qE "$re" <<<"$out"; then pass "$d"; else
    fail "$d"; sed 's/^/      /' <<<"$out" | tail -15
  fi
}

# rootfs NAME: the unpacked rootfs of an image (see unpack); config values through cfg.
rootfs() { echo "$SMOKE/img/$1/rootfs"; }
cfg() { jq -r "$2" "$SMOKE/img/$1/config.json"; }

# prepare NAME ro|rw [TMPFS_PATH...]: a fresh copy of the rootfs when rw (tests may write to it),
# proc and dev mounted, emptyDir-like tmpfs (mode 0777) at each TMPFS_PATH.
prepare() {
  local name=$1 mode=$2; shift 2
  local src R
  src="$(rootfs "$name")"
  # the unpacked rootfs stays pristine: ro runs get a bind mount of it elsewhere, rw runs a copy
  R="$(mktemp -d "$SMOKE/run-$name.XXXXXX")"
  if [[ $mode == rw ]]; then cp -a "$src/." "$R/"; else mount --bind "$src" "$R"; fi
  local p paths=()
  # mount points resolved inside the rootfs (/var/run -> /run must not lead to the host's /run)
  for p; do p="$(inroot "$R" "$p")"; mkdir -p "$R$p"; paths+=("$p"); done
  mkdir -p "$R/proc" "$R/dev"
  [[ $mode == ro ]] && mount -o remount,bind,ro "$R"
  mount -t proc proc "$R/proc"
  mount --bind /dev "$R/dev"
  for p in "${paths[@]}"; do mount -t tmpfs -o mode=0777,size=256m tmpfs "$R$p"; done
  echo "$R"
}

# inroot ROOT PATH: PATH with every symlink resolved inside ROOT, as the container runtime does
inroot() {
  local root=$1 rest=${2#/} out='' c t n=0
  while [[ -n $rest ]]; do
    c=${rest%%/*}; [[ $rest == */* ]] && rest=${rest#*/} || rest=''
    case $c in ''|.) continue ;; ..) out=${out%/*}; continue ;; esac
    if [[ -L "$root$out/$c" && $n -lt 40 ]]; then
      n=$((n + 1)); t="$(readlink "$root$out/$c")"
      [[ $t == /* ]] && out=''
      rest="${t#/}${rest:+/$rest}"
    else
      out="$out/$c"
    fi
  done
  echo "${out:-/}"
}

# in_image NAME ROOT USER[:GROUP] [--env K=V]... [--wd DIR] -- CMD...: runs CMD in the rootfs with
# the image's environment (plus --env), as USER, in DIR (needs /bin/sh in the image; otherwise /).
in_image() {
  local name=$1 R=$2 user=$3; shift 3
  local envs=() wd=''
  mapfile -t envs < <(cfg "$name" '.config.Env // [] | .[]')
  while [[ $1 != -- ]]; do
    case $1 in --env) envs+=("$2"); shift 2 ;; --wd) wd=$2; shift 2 ;; *) echo "in_image: bad option $1" >&2; return 2 ;; esac
  done
  shift
  local g=${user#*:}
  [[ $user == *:* ]] || g=$user
  local spec=(--userspec="${user%%:*}:$g" --groups="$g")
  local argv=(env -i HOME=/ "${envs[@]}" /usr/sbin/chroot "${spec[@]}" "$R")
  if [[ -n $wd ]]; then argv+=(/bin/sh -c 'cd "$0" && exec "$@"' "$wd"); fi
  # in the background (IN_BG=1) the process replaces this subshell, so its PID is the one to stop
  if [[ ${IN_BG:-0} == 1 ]]; then exec "${argv[@]}" "$@"; fi
  "${argv[@]}" "$@"
}

# entry NAME [ARGS...]: the image's ENTRYPOINT followed by ARGS, or by its CMD without ARGS
# (what the kubelet runs for a container with only `args`).
entry() {
  local name=$1; shift
  local ep=() cmd=()
  mapfile -t ep < <(cfg "$name" '.config.Entrypoint // [] | .[]')
  if [[ $# -gt 0 ]]; then cmd=("$@"); else mapfile -t cmd < <(cfg "$name" '.config.Cmd // [] | .[]'); fi
  printf '%s\0' "${ep[@]}" "${cmd[@]}"
}

# start LOG NAME ROOT USER [in_image options] -- [ARGS...]: the image's entrypoint in the
# background (its WORKDIR as cwd when the image has a shell); the PID goes to PIDS.
start() {
  local log=$1 name=$2 R=$3 user=$4; shift 4
  local opts=()
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  local wd; wd="$(cfg "$name" '.config.WorkingDir // ""')"
  [[ -n $wd && ( -e "$R/bin/sh" || -L "$R/bin/sh" ) ]] && opts+=(--wd "$wd")
  local argv=()
  mapfile -d '' -t argv < <(entry "$name" "$@")
  # stdout/stderr are a FIFO owned by the container's user, as runc sets them up, so that
  # /dev/stdout and /dev/stderr (nginx's log symlinks) can be opened
  local fifo; fifo="$(mktemp -u "$SMOKE/fifo.XXXXXX")"
  mkfifo -m 600 "$fifo"
  chown "${user%%:*}" "$fifo"
  cat "$fifo" >"$log" &
  IN_BG=1 in_image "$name" "$R" "$user" "${opts[@]}" -- "${argv[@]}" >"$fifo" 2>&1 &
  PIDS+=($!)
}

# wait_port PORT [SECONDS]: until something accepts on 127.0.0.1:PORT
wait_port() {
  local port=$1 n=$((${2:-15} * 10))
  while ((n-- > 0)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# output_of CMD...: CMD's output whatever its exit status (for check_out on a command that must fail)
output_of() { "$@" 2>&1 || true; }

# exits_within SECONDS CMD...: CMD's status when it ends by itself in time; 0 ("did not fail")
# when it is still running after SECONDS
exits_within() {
  local s=$1 n pid rc=0; shift
  IN_BG=1 "$@" &
  pid=$!
  n=$((s * 10))
  while kill -0 "$pid" 2>/dev/null && ((n-- > 0)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "still running after ${s}s"
    return 0
  fi
  wait "$pid" || rc=$?
  return "$rc"
}

# ---------------------------------------------------------------- tests (each in its namespaces)

t_redis() {
  local R; R="$(prepare redis ro /data)"
  # as the examples run it: uid 10999, read-only root, emptyDir /data, args only
  start "$SMOKE/redis.log" redis "$R" 10999:10999 -- --save '' --appendonly no
  check "starts as uid 10999 with a read-only root" wait_port 6379
  check_out "redis-cli ping (the readiness probe)" '^PONG$' in_image redis "$R" 10999 -- redis-cli ping
  check_out "protected mode is off by default, as upstream" '^no$' in_image redis "$R" 10999 -- redis-cli config get protected-mode
  check_out "SET/GET" '^bar$' sh -c "$(printf '%q ' chroot --userspec=10999:10999 "$R" redis-cli set foo bar) >/dev/null && $(printf '%q ' chroot --userspec=10999:10999 "$R" redis-cli get foo)"
  check_out "Lua with cjson" '^\[1,2\]$' in_image redis "$R" 10999 -- redis-cli eval 'return cjson.encode({1,2})' 0
  check_out "runs as uid 10999" '^10999$' sh -c "awk '/^Uid:/ {print \$2}' /proc/$(in_image redis "$R" 10999 -- redis-cli info server | tr -d '\r' | sed -n 's/^process_id://p')/status"
  check_out "sh, nc and redis-cli exist (busybox)" 'ok' in_image redis "$R" 10999 -- sh -c 'command -v nc >/dev/null && command -v redis-cli >/dev/null && echo ok'
  stop_all
  # as root (no securityContext): the entrypoint chowns /data and drops to redis (999)
  R="$(prepare redis rw)"
  start "$SMOKE/redis-root.log" redis "$R" 0:0 --
  wait_port 6379 || true
  check_out "as root it drops to user redis (999)" '^999$' sh -c "awk '/^Uid:/ {print \$2}' /proc/$(in_image redis "$R" 0 -- redis-cli info server | tr -d '\r' | sed -n 's/^process_id://p')/status"
  check_out "first argument *.conf gets redis-server prepended" 'redis-server' in_image redis "$R" 0 -- sh -c 'sed -n "/^case/,/^esac/p" /usr/local/bin/docker-entrypoint.sh'
  stop_all
}

t_nginx() {
  local R; R="$(prepare nginx ro /tmp)"
  start "$SMOKE/nginx.log" nginx "$R" 10101:10101 --
  check "starts as uid 10101 with a read-only root and an emptyDir /tmp" wait_port 8080
  check_out "serves the default index.html on 8080" 'Welcome to nginx!' curl -fsS http://127.0.0.1:8080/
  check_out "50x.html exists" 'An error occurred' curl -fsS http://127.0.0.1:8080/50x.html
  check_out "no stub_status in the default config" '^404$' curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/stub_status
  check_out "pid file in /tmp" '^[0-9]+$' cat "$R/tmp/nginx.pid"
  check "temp directories in /tmp" test -d "$R/tmp/client_temp"
  check_out "ipv6 script skips the read-only default.conf" 'can not modify /etc/nginx/conf.d/default.conf|ipv6 not available' cat "$SMOKE/nginx.log"
  check_out "access log goes to stdout" '"GET / HTTP/1.1" 200' cat "$SMOKE/nginx.log"
  check_out "stub_status module is built in" 'with-http_stub_status_module' in_image nginx "$R" 10101 -- nginx -V
  check_out "curl exists (alpine variant)" 'curl 7' in_image nginx "$R" 10101 -- curl --version
  stop_all
  # without a writable /tmp nginx cannot start (its pid file and temp paths are there)
  R="$(prepare nginx ro)"
  check_fails "fails with a read-only root and no writable /tmp" exits_within 10 \
    in_image nginx "$R" 10101 -- /docker-entrypoint.sh nginx -g 'daemon off;'
  check_out "... naming /tmp" '/tmp/' cat "$SMOKE/check.out"
  # as its own user 101 on a writable root: ipv6 listen added, templates rendered
  R="$(prepare nginx rw)"
  mkdir -p "$R/etc/nginx/templates"
  printf 'server { listen 8081; location / { return 200 "hello ${GREETING}\\n"; } }\n' >"$R/etc/nginx/templates/hello.conf.template"
  start "$SMOKE/nginx-rw.log" nginx "$R" 101:101 --env GREETING=world --
  check "starts as 101 on a writable root" wait_port 8080
  check_out "envsubst renders /etc/nginx/templates" '^hello world$' curl -fsS http://127.0.0.1:8081/
  if [[ -f /proc/net/if_inet6 ]]; then
    check_out "ipv6 listen added to the writable default.conf" 'listen  \[::\]:8080;' cat "$R/etc/nginx/conf.d/default.conf"
  fi
  stop_all
}

t_postgres() {
  local R; R="$(prepare postgres ro /var/lib/postgresql/data /var/run/postgresql /tmp /run/secrets/postgres)"
  printf 'change-me' >"$R/run/secrets/postgres/password"
  local envs=(--env POSTGRES_PASSWORD_FILE=/run/secrets/postgres/password --env PGDATA=/var/lib/postgresql/data/pgdata)
  start "$SMOKE/postgres.log" postgres "$R" 10070:10070 "${envs[@]}" --
  check "initdb and start as uid 10070 (not in /etc/passwd: nss_wrapper)" wait_port 5432 60
  sleep 1
  # libpq takes the default user name from /etc/passwd: a uid missing there gets "no attempt"
  # (exit 3) from pg_isready without -U/PGUSER, with the official image as with this one
  check_out "pg_isready -h 127.0.0.1 as 10070 without -U: 'no attempt', as upstream" 'no attempt' \
    sh -c "$(printf '%q ' env -i /usr/sbin/chroot --userspec=10070:10070 "$R" /usr/local/bin/pg_isready -h 127.0.0.1); echo rc=\$?"
  check_out "pg_isready -h 127.0.0.1 -U postgres" 'accepting connections' in_image postgres "$R" 10070 -- pg_isready -h 127.0.0.1 -U postgres
  check_out "psql over TCP" 'PostgreSQL 15' in_image postgres "$R" 10070 --env PGPASSWORD=change-me -- psql -h 127.0.0.1 -U postgres -tAc 'select version()'
  check_out "loopback is trust (initdb's default lines come first), as upstream" '^1$' in_image postgres "$R" 10070 --env PGPASSWORD=wrong -- psql -h 127.0.0.1 -U postgres -tAc 'select 1'
  check_out "pg_hba.conf: host all all all scram-sha-256" '^host all all all scram-sha-256$' cat "$R/var/lib/postgresql/data/pgdata/pg_hba.conf"
  check_out "socket in /var/run/postgresql" '\.s\.PGSQL\.5432' ls -a "$R/run/postgresql"
  check_out "en_US.utf8 database locale" 'en_US.utf8' in_image postgres "$R" 10070 --env PGPASSWORD=change-me -- psql -h 127.0.0.1 -U postgres -tAc 'show lc_collate'
  check_out "the init step's shell loop works (sh + pg_isready)" 'accepting' in_image postgres "$R" 10070 -- sh -c 'until pg_isready -h 127.0.0.1 -p 5432 -U postgres; do sleep 1; done'
  stop_all
  # same, without a writable /tmp: nss_wrapper's mktemp fails and so does the container
  R="$(prepare postgres ro /var/lib/postgresql/data /var/run/postgresql /run/secrets/postgres)"
  printf 'change-me' >"$R/run/secrets/postgres/password"
  check_fails "fails without a writable /tmp (nss_wrapper's mktemp)" exits_within 30 \
    in_image postgres "$R" 10070 "${envs[@]}" -- docker-entrypoint.sh postgres
  check_out "... with mktemp's error" 'mktemp' cat "$SMOKE/check.out"
  # no password at all: refused like upstream
  R="$(prepare postgres ro /var/lib/postgresql/data /var/run/postgresql /tmp)"
  check_fails "refuses to initialize without POSTGRES_PASSWORD" exits_within 30 in_image postgres "$R" 10070 -- docker-entrypoint.sh postgres
  # as root: drops to postgres (70)
  R="$(prepare postgres rw)"
  start "$SMOKE/postgres-root.log" postgres "$R" 0:0 --env POSTGRES_PASSWORD=x --env POSTGRES_DB=orders --
  check "as root it initializes and starts" wait_port 5432 60
  sleep 1
  check_out "as root the server runs as postgres (70)" '^70$' sh -c "awk '/^Uid:/ {print \$2}' /proc/\$(head -1 $R/var/lib/postgresql/data/postmaster.pid)/status"
  check_out "POSTGRES_DB is created" '^orders$' in_image postgres "$R" 70 --env PGPASSWORD=x -- psql -h 127.0.0.1 -U postgres -tAc "select datname from pg_database where datname='orders'"
  stop_all
}

t_memcached() {
  local R; R="$(prepare memcached ro)"
  local user; user="$(cfg memcached '.config.User')"
  check_out "image user is memcache (a name, as upstream)" '^memcache$' echo "$user"
  start "$SMOKE/memcached.log" memcached "$R" 11211:11211 --
  check "starts as 11211 with a read-only root" wait_port 11211
  check "readiness probe: echo version | nc -w 1 127.0.0.1 11211 | grep -q VERSION" \
    in_image memcached "$R" 11211 -- sh -c 'echo version | nc -w 1 127.0.0.1 11211 | grep -q VERSION'
  stop_all
  start "$SMOKE/memcached-args.log" memcached "$R" 11211:11211 -- -p 11311 -m 32
  check "first argument -p: memcached prepended" wait_port 11311
  stop_all
}

t_busybox() {
  local R; R="$(prepare busybox ro)"
  check_out "seq | awk as root" '^55$' in_image busybox "$R" 0 -- sh -c 'seq 1 10 | awk "{s+=\$1} END {print s}"'
  check_out "as nobody" '^65534$' in_image busybox "$R" 65534 -- id -u
  check_out "CMD is sh" '^sh$' cfg busybox '.config.Cmd | join(" ")'
  check_out "no ENTRYPOINT" '^null$' cfg busybox '.config.Entrypoint'
}

t_perl() {
  local R; R="$(prepare perl ro)"
  check_out "perl -Mbignum=bpi -wle 'print bpi(2000)' (the batch-job example)" '^3\.14159265358979323846[0-9]{1979}$' \
    in_image perl "$R" 0 -- perl -Mbignum=bpi -wle 'print bpi(2000)'
  check_out "perl5.40.0 (the CMD's name) runs" 'This is perl 5' in_image perl "$R" 0 -- perl5.40.0 -v
  check_out "WORKDIR /usr/src/app" '^/usr/src/app$' cfg perl '.config.WorkingDir'
  check_out "a Debian shell and coreutils" 'ok' in_image perl "$R" 0 -- sh -c 'ls / >/dev/null && echo ok'
}

t_curl() {
  local R; R="$(prepare curl ro)"
  check_out "entrypoint with --version runs curl --version" '^curl 7' in_image curl "$R" 100:101 -- /entrypoint.sh --version
  check_out "user curl_user is 100:101" '^curl_user:x:100:101:' grep '^curl_user:' "$R/etc/passwd"
  local B; B="$(prepare busybox ro /www)"
  echo hello-from-httpd >"$B/www/index.html"
  start "$SMOKE/httpd.log" busybox "$B" 65534:65534 -- httpd -f -p 127.0.0.1:8099 -h /www
  wait_port 8099 || true
  check_out "curl -fsS http://127.0.0.1:8099/ as curl_user" 'hello-from-httpd' in_image curl "$R" 100:101 -- /entrypoint.sh -fsS http://127.0.0.1:8099/
  check_out "a command name as first argument runs that command" '^ok$' in_image curl "$R" 100:101 -- /entrypoint.sh sh -c 'echo ok'
  stop_all
}

t_etcd() {
  local R; R="$(prepare etcd ro /var/lib/etcd)"
  check_out "etcd --version" 'etcd Version: 3\.6\.8' in_image etcd "$R" 0 -- /usr/local/bin/etcd --version
  check_out "etcdctl version" 'etcdctl version: 3\.6\.8' in_image etcd "$R" 0 -- etcdctl version
  check_out "etcdutl version" 'etcdutl version: 3\.6\.8' in_image etcd "$R" 0 -- etcdutl version
  check_fails "no shell" test -e "$R/bin/sh"
  start "$SMOKE/etcd.log" etcd "$R" 0:0 -- /usr/local/bin/etcd --data-dir /var/lib/etcd/default.etcd \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster default=http://127.0.0.1:2380
  check "etcd serves on 127.0.0.1:2379" wait_port 2379 30
  check_out "etcdctl put/get" '^v1$' sh -c "$(printf '%q ' env -i /usr/sbin/chroot "$R" /usr/local/bin/etcdctl put k v1) >/dev/null && $(printf '%q ' env -i /usr/sbin/chroot "$R" /usr/local/bin/etcdctl get k --print-value-only)"
  check_out "/health" '"health":"true"' curl -fsS http://127.0.0.1:2379/health
  stop_all
}

# dns_a NAME [tcp]: asks 127.0.0.1:53 for NAME's A record; prints "rcode=N answers=N last=IP"
# (last: the last four bytes of the reply, the address when there is one A answer)
dns_a() {
  python3 - "$1" "${2:-udp}" <<'PY'
import socket, struct, sys
name, proto = sys.argv[1], sys.argv[2]
q = struct.pack('>HHHHHH', 7, 0x0100, 1, 0, 0, 0) + b''.join(bytes([len(p)]) + p.encode() for p in name.split('.')) + b'\0' + struct.pack('>HH', 1, 1)
if proto == 'tcp':
    s = socket.create_connection(('127.0.0.1', 53), timeout=2); s.sendall(struct.pack('>H', len(q)) + q)
    r = s.recv(2); r = s.recv(struct.unpack('>H', r)[0])
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2); s.sendto(q, ('127.0.0.1', 53)); r = s.recv(512)
print(f"rcode={r[3] & 15} answers={struct.unpack('>H', r[6:8])[0]} last={'.'.join(str(b) for b in r[-4:])}")
PY
}

t_coredns() {
  local R; R="$(prepare coredns ro /etc/coredns)"
  check_out "/coredns has the file capability cap_net_bind_service=ep, as upstream" 'cap_net_bind_service=ep' getcap "$R/coredns"
  check_out "coredns -version" '^CoreDNS-1\.15\.0' in_image coredns "$R" 65532 -- /coredns -version
  check_out "user 65532:65532, entrypoint /coredns, workdir /, ports 53/tcp+udp" '^65532:65532 \["/coredns"\] / \["53/tcp","53/udp"\]$' \
    cfg coredns '"\(.config.User) \(.config.Entrypoint | tojson) \(.config.WorkingDir) \(.config.ExposedPorts | keys | tojson)"'
  check_fails "no shell" test -e "$R/bin/sh"
  # kubeadm's plugins that need no API server; a record in place of the kubernetes plugin
  printf '.:53 {\n    errors\n    health {\n        lameduck 1s\n    }\n    ready\n    hosts {\n        10.96.0.1 kubernetes.default.svc.cluster.local\n    }\n    prometheus :9153\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n' \
    >"$R/etc/coredns/Corefile"
  # as the image's user, with a read-only root, the Corefile in a mounted directory (the ConfigMap);
  # in this fresh network namespace ports below 1024 are privileged (ip_unprivileged_port_start=1024)
  start "$SMOKE/coredns.log" coredns "$R" 65532:65532 -- -conf /etc/coredns/Corefile
  check "binds :53 as uid 65532 (the file capability)" wait_port 53
  check_out "answers over UDP" '^rcode=0 answers=1 last=10\.96\.0\.1$' dns_a kubernetes.default.svc.cluster.local
  check_out "answers over TCP" '^rcode=0 answers=1 last=10\.96\.0\.1$' dns_a kubernetes.default.svc.cluster.local tcp
  check_out "liveness endpoint :8080/health" '^OK$' curl -fsS http://127.0.0.1:8080/health
  check_out "readiness endpoint :8181/ready" '^OK$' curl -fsS http://127.0.0.1:8181/ready
  check_out "metrics on :9153" 'coredns_build_info' curl -fsS http://127.0.0.1:9153/metrics
  stop_all
  # counterparts: without NET_BIND_SERVICE in the bounding set (capabilities drop ALL without the
  # add of kubeadm's manifest) the kernel refuses to run /coredns, as with the upstream image; the
  # binary without its file capability runs but cannot bind :53
  check_out "without NET_BIND_SERVICE in the bounding set /coredns does not start" 'Operation not permitted' \
    output_of timeout 10 setpriv --bounding-set -net_bind_service env -i /usr/sbin/chroot --userspec=65532:65532 "$R" /coredns -conf /etc/coredns/Corefile
  local C; C="$(prepare coredns rw /etc/coredns)"
  cp "$R/etc/coredns/Corefile" "$C/etc/coredns/"
  setcap -r "$C/coredns"
  check_out "without the file capability it cannot bind :53" 'bind: permission denied' \
    output_of timeout 10 env -i /usr/sbin/chroot --userspec=65532:65532 "$C" /coredns -conf /etc/coredns/Corefile
}

t_exporter() {
  local R; R="$(prepare exporter ro)"
  check_out "--version" 'version 1\.3\.0' in_image exporter "$R" 1001:1001 -- /usr/bin/nginx-prometheus-exporter --version
  # against the nginx stand-in with a stub_status location added
  local N; N="$(prepare nginx rw)"
  printf 'server { listen 8080; location = /stub_status { stub_status; } }\n' >"$N/etc/nginx/conf.d/default.conf"
  start "$SMOKE/nginx-status.log" nginx "$N" 101:101 --
  wait_port 8080 || true
  start "$SMOKE/exporter.log" exporter "$R" 1001:1001 -- --nginx.scrape-uri=http://127.0.0.1:8080/stub_status
  check "listens on 9113 as 1001" wait_port 9113
  check_out "/metrics has nginx_up 1" '^nginx_up 1' curl -fsS http://127.0.0.1:9113/metrics
  stop_all
}

t_gomplate() {
  local R; R="$(prepare gomplate ro /out)"
  check_out "--version" 'gomplate version 4\.3\.3' in_image gomplate "$R" 0 -- /gomplate --version
  check_out "renders a template from the environment" '^hello world$' in_image gomplate "$R" 65532:65532 --env WHO=world -- /gomplate -i 'hello {{ .Env.WHO }}'
  mkdir -p "$SMOKE/tpl" && echo 'port={{ .port }}' >"$SMOKE/tpl/app.conf" && echo '{"port": 8080}' >"$SMOKE/tpl/ctx.json"
  mkdir -p "$R/out/in" && cp "$SMOKE/tpl/"* "$R/out/in/"
  check_out "--file/--out/--context as the ConfigTemplate construct passes them" '^port=8080$' sh -c \
    "$(printf '%q ' env -i /usr/sbin/chroot --userspec=65532:65532 "$R" /gomplate --context .=file:///out/in/ctx.json --file /out/in/app.conf --out /out/app.conf) && cat $R/out/app.conf"
  check_fails "no shell" test -e "$R/bin/sh"
}

t_twemproxy() {
  local R; R="$(prepare twemproxy ro /etc/nutcracker)"
  local D; D="$(prepare redis ro /data)"
  cat >"$R/etc/nutcracker/nutcracker.yml" <<'EOF'
alpha:
  listen: 127.0.0.1:22121
  hash: fnv1a_64
  distribution: ketama
  redis: true
  servers:
    - 127.0.0.1:6379:1
EOF
  mount -o remount,bind,ro "$R/etc/nutcracker" 2>/dev/null || mount -o remount,ro "$R/etc/nutcracker"
  start "$SMOKE/redis-for-tw.log" redis "$D" 10999:10999 -- --save ''
  wait_port 6379 || true
  check_out "nutcracker -t with a read-only config" 'syntax is ok' in_image twemproxy "$R" 65532:65532 -- nutcracker -t --conf-file /etc/nutcracker/nutcracker.yml
  start "$SMOKE/twemproxy.log" twemproxy "$R" 65532:65532 -- --conf-file /etc/nutcracker/nutcracker.yml
  check "serves on 22121 as 65532 with a read-only root" wait_port 22121
  check_out "SET/GET through the proxy" '^v$' sh -c "$(printf '%q ' chroot --userspec=10999:10999 "$D" redis-cli -p 22121 set k v) >/dev/null && $(printf '%q ' chroot --userspec=10999:10999 "$D" redis-cli -p 22121 get k)"
  check_out "stats port 22222" '"service":"nutcracker"' bash -c 'exec 3<>/dev/tcp/127.0.0.1/22222; cat <&3'
  check_fails "no shell" test -e "$R/bin/sh"
  stop_all
}

t_flask() {
  local D; D="$(prepare redis ro /data)"
  start "$SMOKE/redis-for-flask.log" redis "$D" 10999:10999 -- --save ''
  wait_port 6379 || true
  local R; R="$(prepare flask ro /tmp)"
  start "$SMOKE/flask.log" flask "$R" 10001:10001 --env REDIS_HOST=127.0.0.1 --env HOSTNAME=web-0 --
  check "gunicorn listens on 5000 as 10001 (read-only root, emptyDir /tmp)" wait_port 5000 30
  check_out "/healthz" '^ok$' curl -fsS http://127.0.0.1:5000/healthz
  check_out "/ counts visits in redis" 'Hello from web-0! This page has been viewed 1 times' curl -fsS http://127.0.0.1:5000/
  check_out "two gunicorn workers" '^2$' grep -c 'Booting worker' "$SMOKE/flask.log"
  stop_all
  R="$(prepare flask ro)"
  check_fails "fails without a writable /tmp (--worker-tmp-dir /tmp)" exits_within 20 \
    in_image flask "$R" 10001:10001 --env REDIS_HOST=127.0.0.1 --wd /app -- gunicorn --bind 127.0.0.1:5001 --workers 2 --worker-tmp-dir /tmp app:app
  stop_all
}

t_config() {
  local ref env ver name
  for ref in $(bash "$IMAGES_DIR/build.sh" --list | grep '^registry.example.com/shop/config-'); do
    env="${ref#*config-}"; env="${env%%:*}"; ver="${ref##*:}"; name="config-$env-$ver"
    local R; R="$(prepare "$name" ro /immutable-config)"
    check_out "$ref: init copy (cp -R /config/. /immutable-config/) as 65532" "shop $env configuration $ver" \
      sh -c "$(printf '%q ' env -i /usr/sbin/chroot --userspec=65532:65532 "$R" cp -R /config/. /immutable-config/) && cat $R/immutable-config/index.html"
    check_out "$ref: healthz" '^ok$' cat "$R/immutable-config/healthz"
  done
}

t_demo() {
  local ref user ep links name R
  [[ -f $DEMO_LIST ]] || { echo "SKIP demo: no $DEMO_LIST"; return 0; }
  while read -r ref user ep links; do
    name="$(demo_key "$ref")"
    R="$(prepare "$name" ro)"
    check_out "$ref: USER $user, ENTRYPOINT $ep" "^$user $(sed 's/[][]/\\&/g' <<<"$ep")\$" \
      cfg "$name" '.config.User + " " + (.config.Entrypoint | tojson)'
    check_fails "$ref: no shell" test -e "$R/bin/sh"
    local l
    for l in $links; do check_out "$ref: $l links to the binary" '^/usr/local/bin/demo$' readlink "$R$l"; done
    # a flag no role has: the role parses its flags and exits 2 (an unknown role would list roles)
    check_out "$ref: the role starts (exit 2 on an unknown flag, as uid ${user%%:*})" 'rc=2' \
      sh -c "$(printf '%q ' env -i /usr/sbin/chroot --userspec="$user" "$R") $(jq -r 'map(@sh) | join(" ")' <<<"$ep") --no-such-flag; echo rc=\$?"
  done < <(grep -vE '^\s*(#|$)' "$DEMO_LIST")
  # one role end to end: visit-counter against the redis stand-in, read-only root
  if [[ -d "$SMOKE/img/redis" && -d "$SMOKE/img/demo-visit-counter" ]]; then
    local D; D="$(prepare redis ro /data)"
    start "$SMOKE/redis-for-demo.log" redis "$D" 10999:10999 -- --save ''
    wait_port 6379 || true
    R="$(prepare demo-visit-counter ro)"
    start "$SMOKE/visit-counter.log" demo-visit-counter "$R" 10001:10001 --env REDIS_URL=redis://127.0.0.1:6379 -- --listen=127.0.0.1:18080
    check "visit-counter listens" wait_port 18080
    check_out "visit-counter counts visits in redis" 'visits: 1' curl -fsS http://127.0.0.1:18080/
    stop_all
  fi
}

# ---------------------------------------------------------------- main

if [[ ${1:-} == --in-ns ]]; then
  # a test in its own mount and network namespaces
  T=$2 SMOKE=$3 DEMO_LIST=$4
  ip link set lo up
  trap stop_all EXIT
  "t_$T"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || { echo "smoke.sh needs root (chroot, mounts, namespaces)" >&2; exit 1; }
for tool in jq:jq curl:curl ip:iproute2; do
  command -v "${tool%%:*}" >/dev/null || apt-get install -y --no-install-recommends "${tool#*:}" >/dev/null
done

SMOKE="$(mktemp -d /tmp/cdk8s-images-smoke.XXXXXX)"
trap 'rm -rf "$SMOKE"' EXIT
DEMO_LIST="${CDK8S_IMAGES_DEMO_DIR:-$IMAGES_DIR/demo}/images.txt"

# unpack NAME REF: the image's one layer and its config, from the docker-archive tarball
unpack() {
  local name=$1 ref=$2 tarball d
  tarball="$(image_tarball "$ref")"
  [[ -s $tarball ]] || { echo "FAIL $name: $tarball missing (run build.sh)" | tee -a "$SMOKE/results.txt"; return 1; }
  d="$SMOKE/img/$name"; mkdir -p "$d/archive" "$d/rootfs"
  tar -xf "$tarball" -C "$d/archive"
  # --xattrs: file capabilities (coredns's /coredns), as containerd restores them
  tar --xattrs --xattrs-include='security.capability' -xpf "$d/archive/$(jq -r '.[0].Layers[0]' "$d/archive/manifest.json")" -C "$d/rootfs"
  jq '{config: .config}' "$d/archive/$(jq -r '.[0].Config' "$d/archive/manifest.json")" >"$d/config.json"
  rm -rf "$d/archive"
}

declare -A REFS=(
  [redis]=docker.io/library/redis:7.4.1-alpine
  [nginx]=docker.io/nginxinc/nginx-unprivileged:1.27.2-alpine
  [postgres]=docker.io/library/postgres:16.4-alpine
  [memcached]=docker.io/library/memcached:1.6.31-alpine
  [busybox]=docker.io/library/busybox:1.36.1
  [perl]=docker.io/library/perl:5.40.0-slim
  [curl]=docker.io/curlimages/curl:8.10.1
  [etcd]=quay.io/coreos/etcd:v3.6.8
  [coredns]=registry.k8s.io/coredns/coredns:v1.15.0
  [exporter]=docker.io/nginx/nginx-prometheus-exporter:1.3.0
  [gomplate]=docker.io/hairyhenderson/gomplate:v4.1.0
  [twemproxy]=ghcr.io/cdk8s-patterns/twemproxy:0.5.0
  [flask]=ghcr.io/cdk8s-patterns/flask-visits:1.0.0
)
for ref in $(bash "$IMAGES_DIR/build.sh" --list | grep '^registry.example.com/shop/config-'); do
  env="${ref#*config-}"; REFS["config-${env%%:*}-${ref##*:}"]=$ref
done
if [[ -f $DEMO_LIST ]]; then
  while read -r ref _; do REFS["$(demo_key "$ref")"]=$ref; done < <(grep -vE '^\s*(#|$)' "$DEMO_LIST")
fi
# which images each test needs
declare -A NEEDS=([curl]="curl busybox" [exporter]="exporter nginx" [twemproxy]="twemproxy redis" [flask]="flask redis")
# the demo test also runs visit-counter against redis

TESTS=("$@")
[[ ${#TESTS[@]} -gt 0 ]] || TESTS=(redis nginx postgres memcached busybox perl curl etcd coredns exporter gomplate twemproxy flask config demo)
for t in "${TESTS[@]}"; do
  need_names="${NEEDS[$t]:-$t}"
  [[ $t == config ]] && need_names="$(printf '%s\n' "${!REFS[@]}" | grep '^config-' | tr '\n' ' ')"
  [[ $t == demo ]] && need_names="redis $(printf '%s\n' "${!REFS[@]}" | grep '^demo-' | tr '\n' ' ')"
  ok=1
  for n in $need_names; do
    [[ -d "$SMOKE/img/$n" ]] || unpack "$n" "${REFS[$n]}" || ok=0
  done
  [[ $ok -eq 1 ]] || continue
  echo "== $t"
  unshare --mount --net --propagation private -- bash "$IMAGES_DIR/smoke.sh" --in-ns "$t" "$SMOKE" "$DEMO_LIST" ||
    echo "FAIL $t: the test script itself failed" | tee -a "$SMOKE/results.txt"
done

passed=$(grep -c '^PASS' "$SMOKE/results.txt" 2>/dev/null || true)
failed=$(grep -c '^FAIL' "$SMOKE/results.txt" 2>/dev/null || true)
echo "${passed:-0} passed, ${failed:-0} failed"
[[ ${failed:-0} -eq 0 ]]
