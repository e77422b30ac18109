#!/bin/sh
# With NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE set, replaces worker_processes in nginx.conf by
# the number of CPUs the container may use: the smallest of the online CPUs, the cgroup cpuset
# and the cgroup CPU quota (cgroup v1 or v2), keeping the old line as a comment and the old file
# as nginx.conf.bak. On a read-only nginx.conf it reports the error and exits 0.
set -eu

LC_ALL=C
ME=$(basename "$0")
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
NGINX_CONF=/etc/nginx/nginx.conf

[ -n "${NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE:-}" ] || exit 0

if ! touch "$NGINX_CONF" 2>/dev/null; then
    echo >&2 "$ME: error: can not modify $NGINX_CONF (read-only file system?)"
    exit 0
fi

# cgroup_dir FSTYPE CONTROLLER: the cgroup directory of this process for a controller
cgroup_dir() {
    awk -v fstype="$1" -v ctl="$2" '
        FILENAME == "/proc/self/cgroup" {
            split($0, f, ":")
            n = split(f[2], ctls, ",")
            for (i = 1; i <= n; i++) if (ctls[i] == ctl) path = f[3]
            if (fstype == "cgroup2" && f[1] == "0") path = f[3]
            next
        }
        {
            for (i = 7; i <= NF; i++) if ($i == "-") break
            if ($(i + 1) != fstype) next
            if (fstype == "cgroup" && ("," $(i + 3) ",") !~ ("," ctl ",")) next
            root = $4; mnt = $5
        }
        END {
            if (mnt == "") exit 1
            if (root == "/") print mnt path
            else if (index(path, root) == 1) print mnt substr(path, length(root) + 1)
            else print mnt
        }' /proc/self/cgroup /proc/self/mountinfo 2>/dev/null
}

# cpus_in_list FILE: how many CPUs a list such as "0-3,6" names
cpus_in_list() {
    [ -r "$1" ] || return 0
    n=0
    for part in $(tr ',' ' ' <"$1"); do
        case "$part" in
            *-*) n=$((n + ${part#*-} - ${part%-*} + 1)) ;;
            *) n=$((n + 1)) ;;
        esac
    done
    [ "$n" -gt 0 ] && echo "$n"
    return 0
}

# cpus_in_quota QUOTA PERIOD: the quota rounded up to whole CPUs (nothing when unlimited)
cpus_in_quota() {
    case "$1" in max|-1|'') return 0 ;; esac
    [ "${2:-0}" -gt 0 ] || return 0
    echo $(( ($1 + $2 - 1) / $2 ))
}

candidates=$(nproc)
if dir=$(cgroup_dir cgroup cpuset); then
    candidates="$candidates $(cpus_in_list "$dir/cpuset.effective_cpus")"
fi
if dir=$(cgroup_dir cgroup cpu) && [ -r "$dir/cpu.cfs_quota_us" ]; then
    candidates="$candidates $(cpus_in_quota "$(cat "$dir/cpu.cfs_quota_us")" "$(cat "$dir/cpu.cfs_period_us")")"
fi
if dir=$(cgroup_dir cgroup2 ""); then
    candidates="$candidates $(cpus_in_list "$dir/cpuset.cpus.effective")"
    if [ -r "$dir/cpu.max" ]; then
        read -r quota period <"$dir/cpu.max"
        candidates="$candidates $(cpus_in_quota "$quota" "$period")"
    fi
fi
ncpu=$(printf '%s\n' $candidates | sort -n | head -n 1)

sed -i.bak -r 's/^(worker_processes)(.*)$/# Commented out by '"$ME"' on '"$(date)"'\n#\1\2\n\1 '"$ncpu"';/' "$NGINX_CONF"
