#!/bin/sh
# Adds "listen [::]:8080;" to the default server when the kernel has IPv6 and
# /etc/nginx/conf.d/default.conf can be written and is still the packaged file. Otherwise it
# only says why it did nothing and exits 0 (e.g. on a read-only root file system, or when the
# user is neither 101 nor in group 0, which own /etc/nginx), as the official image does.
set -e

ME=$(basename "$0")
CONF=/etc/nginx/conf.d/default.conf
# "<sha1>  /etc/nginx/conf.d/default.conf" of the packaged file (the official image asks apk)
PACKAGED_SUM=/usr/share/nginx/default.conf.sha1

say() {
    [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$@"
}

if [ ! -f /proc/net/if_inet6 ]; then
    say "$ME: info: ipv6 not available"
    exit 0
fi
if [ ! -f "$CONF" ]; then
    say "$ME: info: $CONF is not a file or does not exist"
    exit 0
fi
if ! touch "$CONF" 2>/dev/null; then
    say "$ME: info: can not modify $CONF (read-only file system?)"
    exit 0
fi
if grep -q 'listen  \[::]:8080;' "$CONF"; then
    say "$ME: info: IPv6 listen already enabled"
    exit 0
fi
say "$ME: info: Getting the checksum of $CONF"
if ! sha1sum -c "$PACKAGED_SUM" >/dev/null 2>&1; then
    say "$ME: info: $CONF differs from the packaged version"
    exit 0
fi
sed -i -E 's,listen       8080;,listen       8080;\n    listen  [::]:8080;,' "$CONF"
say "$ME: info: Enabled listen on IPv6 in $CONF"
exit 0
