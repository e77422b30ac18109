#!/usr/bin/env bash
# docker-entrypoint.sh of the cdk8s-patterns postgres stand-in, with the behaviour of the
# official image's entrypoint (docker-library/postgres) for "postgres" (or a first argument
# that is an option, which means "postgres ARGS"):
# - POSTGRES_PASSWORD / POSTGRES_USER (postgres) / POSTGRES_DB (= user) / POSTGRES_INITDB_ARGS,
#   each also as *_FILE (a file holding the value; setting both is an error);
#   POSTGRES_HOST_AUTH_METHOD, POSTGRES_INITDB_WALDIR, PGDATA (/var/lib/postgresql/data);
# - creates PGDATA (mode 0700) and /var/run/postgresql; as root it gives them to user postgres
#   (70) and re-executes itself as postgres through gosu;
# - when PGDATA holds no database (no PG_VERSION): requires a password unless the auth method
#   is trust; runs initdb (a uid missing from /etc/passwd gets one from nss_wrapper, whose two
#   files are created with mktemp, so /tmp must be writable); appends
#   "host all all all <method>" to pg_hba.conf, the method being password_encryption
#   (scram-sha-256) unless POSTGRES_HOST_AUTH_METHOD says otherwise; starts a server on the
#   Unix socket only, creates POSTGRES_DB, runs /docker-entrypoint-initdb.d/* (*.sh run or
#   sourced, *.sql, *.sql.gz, *.sql.xz, *.sql.zst fed to psql), stops it;
# - finally execs the command. --help/--version style arguments skip all of this.
# The functions keep the official names (docker_process_sql, docker_setup_env, ...), so that
# init scripts and wrappers that `source` this file work the same (see docker-ensure-initdb.sh).
set -Eeo pipefail

# file_env VAR [DEFAULT]: VAR from the environment, or from the file named by VAR_FILE
file_env() {
	local name="$1" file_var="${1}_FILE" value="${2:-}"
	if [ -n "${!name:-}" ] && [ -n "${!file_var:-}" ]; then
		printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$name" "$file_var"
		exit 1
	fi
	if [ -n "${!name:-}" ]; then
		value="${!name}"
	elif [ -n "${!file_var:-}" ]; then
		value="$(<"${!file_var}")"
	fi
	export "$name"="$value"
	unset "$file_var"
}

docker_setup_env() {
	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER postgres
	file_env POSTGRES_DB "$POSTGRES_USER"
	file_env POSTGRES_INITDB_ARGS
	: "${POSTGRES_HOST_AUTH_METHOD:=}"
	declare -g DATABASE_ALREADY_EXISTS
	: "${DATABASE_ALREADY_EXISTS:=}"
	if [ -s "$PGDATA/PG_VERSION" ]; then
		DATABASE_ALREADY_EXISTS=true
	fi
}

docker_create_db_directories() {
	local uid
	uid="$(id -u)"
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	mkdir -p /var/run/postgresql || :
	chmod 03775 /var/run/postgresql || :
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"
		[ "$uid" != 0 ] || find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
		chmod 700 "$POSTGRES_INITDB_WALDIR"
	fi
	if [ "$uid" = 0 ]; then
		find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
		find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	fi
}

docker_verify_minimum_env() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		cat >&2 <<-'EOF'
			Error: Database is uninitialized and superuser password is not specified.
			       You must specify POSTGRES_PASSWORD to a non-empty value for the
			       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

			       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
			       connections without a password. This is *not* recommended.
		EOF
		exit 1
	fi
	if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
		echo >&2 'WARNING: POSTGRES_HOST_AUTH_METHOD has been set to "trust": anyone who reaches the port can connect without a password.'
	fi
}

docker_init_database_dir() {
	# initdb wants the current uid in /etc/passwd; nss_wrapper provides one when it is not
	local uid gid lib
	uid="$(id -u)"
	gid="$(id -g)"
	if ! getent passwd "$uid" &>/dev/null; then
		for lib in {/usr,}/lib{/*,}/libnss_wrapper.so; do
			[ -s "$lib" ] || continue
			NSS_WRAPPER_PASSWD="$(mktemp)"
			NSS_WRAPPER_GROUP="$(mktemp)"
			export LD_PRELOAD="$lib" NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
			printf 'postgres:x:%s:%s:PostgreSQL:%s:/bin/false\n' "$uid" "$gid" "$PGDATA" >"$NSS_WRAPPER_PASSWD"
			printf 'postgres:x:%s:\n' "$gid" >"$NSS_WRAPPER_GROUP"
			break
		done
	fi
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		set -- --waldir "$POSTGRES_INITDB_WALDIR" "$@"
	fi
	# the password file must not be empty, hence the newline
	eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"' "$@"'
	if [[ "${LD_PRELOAD:-}" == */libnss_wrapper.so ]]; then
		rm -f "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_GROUP"
		unset LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
	fi
}

# pg_setup_hba_conf ARGS: remote clients authenticate with POSTGRES_HOST_AUTH_METHOD, by default the
# password_encryption the server is configured with
pg_setup_hba_conf() {
	[ "${1:-}" != postgres ] || shift
	: "${POSTGRES_HOST_AUTH_METHOD:=$(postgres -C password_encryption "$@")}"
	{
		echo
		if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
			echo '# warning trust is enabled for all connections'
		fi
		echo "host all all all $POSTGRES_HOST_AUTH_METHOD"
	} >>"$PGDATA/pg_hba.conf"
}

docker_process_sql() {
	local cmd=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	[ -z "$POSTGRES_DB" ] || cmd+=(--dbname "$POSTGRES_DB")
	PGHOST= PGHOSTADDR= "${cmd[@]}" "$@"
}

# docker_temp_server_start ARGS: a server for the setup, on the Unix socket only
docker_temp_server_start() {
	[ "${1:-}" != postgres ] || shift
	set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
	PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

docker_temp_server_stop() {
	PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

docker_setup_db() {
	local exists
	exists="$(POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<-'EOSQL'
		SELECT 1 FROM pg_database WHERE datname = :'db' ;
	EOSQL
	)"
	if [ -z "$exists" ]; then
		POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
		echo
	fi
}

docker_process_init_files() {
	local f
	psql=(docker_process_sql) # "${psql[@]}" is what older init scripts use
	echo
	for f; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					echo "$0: running $f"
					"$f"
				else
					echo "$0: sourcing $f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql) echo "$0: running $f"; docker_process_sql -f "$f"; echo ;;
			*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | docker_process_sql; echo ;;
			*.sql.xz) echo "$0: running $f"; xzcat "$f" | docker_process_sql; echo ;;
			*.sql.zst) echo "$0: running $f"; zstd -dc "$f" | docker_process_sql; echo ;;
			*) echo "$0: ignoring $f" ;;
		esac
		echo
	done
}

# _pg_want_help ARGS: true when an argument makes postgres print something and exit
_pg_want_help() {
	local a
	for a; do
		case "$a" in -'?'|--help|--describe-config|-V|--version) return 0 ;; esac
	done
	return 1
}

# pg_init_if_empty ARGS: the initialization, when PGDATA holds no database yet
pg_init_if_empty() {
	docker_verify_minimum_env
	ls /docker-entrypoint-initdb.d/ >/dev/null
	docker_init_database_dir
	pg_setup_hba_conf "$@"
	export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
	docker_temp_server_start "$@"
	docker_setup_db
	docker_process_init_files /docker-entrypoint-initdb.d/*
	docker_temp_server_stop
	unset PGPASSWORD
}

_main() {
	if [ "${1:0:1}" = - ]; then
		set -- postgres "$@"
	fi
	if [ "$1" = postgres ] && ! _pg_want_help "$@"; then
		docker_setup_env
		docker_create_db_directories
		if [ "$(id -u)" = 0 ]; then
			exec gosu postgres "${BASH_SOURCE[0]}" "$@"
		fi
		if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
			pg_init_if_empty "$@"
			printf '\nPostgreSQL init process complete; ready for start up.\n\n'
		else
			printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
		fi
	fi
	exec "$@"
}

# run unless sourced
if [ "${FUNCNAME[0]:-}" != source ]; then
	_main "$@"
fi
