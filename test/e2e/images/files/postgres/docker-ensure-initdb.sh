#!/usr/bin/env bash
# docker-ensure-initdb.sh / docker-enforce-initdb.sh of the cdk8s-patterns postgres stand-in
# (same behaviour as the official image's): initializes PGDATA like docker-entrypoint.sh would,
# without starting the server afterwards, e.g. as a Kubernetes init container. When a database
# already exists, "ensure" exits 0 and "enforce" fails.
set -Eeuo pipefail

# shellcheck source=docker-entrypoint.sh
source /usr/local/bin/docker-entrypoint.sh

if [ "$#" -eq 0 ] || [ "$1" != postgres ]; then
	set -- postgres "$@"
fi

docker_setup_env
docker_create_db_directories
if [ "$(id -u)" = 0 ]; then
	exec gosu postgres "${BASH_SOURCE[0]}" "$@"
fi

if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
	pg_init_if_empty "$@"
else
	self="$(basename "$0")"
	case "$self" in
		docker-ensure-initdb.sh)
			echo >&2 "$self: note: database already initialized in '$PGDATA'!"
			exit 0
			;;
		docker-enforce-initdb.sh)
			echo >&2 "$self: error: (unexpected) database found in '$PGDATA'!"
			exit 1
			;;
		*)
			echo >&2 "$self: error: unknown file name: $self"
			exit 99
			;;
	esac
fi
