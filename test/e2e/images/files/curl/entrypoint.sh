#!/bin/sh
# /entrypoint.sh of the cdk8s-patterns curl stand-in, as the curlimages/curl one
# (curl/curl-container): when the first argument is an option or not a command on PATH, the
# arguments are curl's; otherwise that command runs.
set -e

if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ]; then
	set -- curl "$@"
fi

exec "$@"
