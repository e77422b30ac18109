#!/bin/sh
# Entrypoint of the cdk8s-patterns memcached stand-in, as the official image's
# (docker-library/memcached): a first argument that is an option ("-m", "--port=...") means
# "memcached ARGS"; anything else runs as given.
set -e

case "$1" in
	-*) set -- memcached "$@" ;;
esac

exec "$@"
