#!/bin/sh
# Entrypoint of the cdk8s-patterns redis stand-in. Same behaviour as the official image's
# docker-entrypoint.sh (https://github.com/docker-library/redis):
# - an option ("-x", "--x") or a "*.conf" file as first argument means "redis-server ARGS";
# - started as root for redis-server: gives the working directory (/data) to user redis and
#   re-executes itself as redis (uid 999) through gosu;
# - under any other uid it changes nothing: the default umask 0022 becomes 0077, then exec.
set -e

case "$1" in
	-*|*.conf) set -- redis-server "$@" ;;
esac

if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec gosu redis "$0" "$@"
fi

if [ "$(umask)" = '0022' ]; then
	umask 0077
fi

exec "$@"
