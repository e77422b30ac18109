#!/bin/sh
# /docker-entrypoint.sh of the cdk8s-patterns nginx-unprivileged stand-in, with the behaviour of
# the official image's entrypoint (nginxinc/docker-nginx-unprivileged): when the command is
# nginx or nginx-debug, every file under /docker-entrypoint.d/ is taken in version order —
# executable *.envsh files are sourced, executable *.sh files are run (a failing one stops the
# container), anything else is skipped — and then the command is executed.
# NGINX_ENTRYPOINT_QUIET_LOGS=1 silences the messages.
set -e

say() {
    [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$@"
}

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    if find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -type f 2>/dev/null | grep -q .; then
        say "$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
        say "$0: Looking for shell scripts in /docker-entrypoint.d/"
        find /docker-entrypoint.d/ -follow -type f -print | sort -V | while read -r script; do
            case "$script" in
                *.envsh)
                    if [ -x "$script" ]; then
                        say "$0: Sourcing $script"
                        . "$script"
                    else
                        say "$0: Ignoring $script, not executable"
                    fi
                    ;;
                *.sh)
                    if [ -x "$script" ]; then
                        say "$0: Launching $script"
                        "$script"
                    else
                        say "$0: Ignoring $script, not executable"
                    fi
                    ;;
                *)
                    say "$0: Ignoring $script"
                    ;;
            esac
        done
        say "$0: Configuration complete; ready for start up"
    else
        say "$0: No files found in /docker-entrypoint.d/, skipping configuration"
    fi
fi

exec "$@"
