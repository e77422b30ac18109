#!/bin/sh
# Renders templates with envsubst, replacing only variables that are set in the environment:
#   $NGINX_ENVSUBST_TEMPLATE_DIR (/etc/nginx/templates)/**/*$NGINX_ENVSUBST_TEMPLATE_SUFFIX
#   (.template) into $NGINX_ENVSUBST_OUTPUT_DIR (/etc/nginx/conf.d), and
#   *$NGINX_ENVSUBST_STREAM_TEMPLATE_SUFFIX (.stream-template) into
#   $NGINX_ENVSUBST_STREAM_OUTPUT_DIR (/etc/nginx/stream-conf.d), adding a stream block that
#   includes it to nginx.conf when there is none.
# NGINX_ENVSUBST_FILTER limits the variables to names matching that regular expression. An
# output directory that is not writable is reported and the templates are skipped (exit 0), as
# in the official image; without a template directory nothing happens.
set -e

ME=$(basename "$0")
NGINX_CONF=/etc/nginx/nginx.conf

say() {
    [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$@"
}

template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
stream_suffix="${NGINX_ENVSUBST_STREAM_TEMPLATE_SUFFIX:-.stream-template}"
stream_output_dir="${NGINX_ENVSUBST_STREAM_OUTPUT_DIR:-/etc/nginx/stream-conf.d}"
filter="${NGINX_ENVSUBST_FILTER:-}"

[ -d "$template_dir" ] || exit 0

# "${NAME} ${OTHER} ...": the variables envsubst may replace
defined_vars=$(awk -v f="$filter" 'END { for (n in ENVIRON) if (n ~ f) printf "${%s} ", n }' </dev/null)

# render TEMPLATE SUFFIX OUTPUT_DIR
render() {
    relative="${1#"$template_dir/"}"
    out="$3/${relative%"$2"}"
    mkdir -p "$(dirname "$out")"
    say "$ME: Running envsubst on $1 to $out"
    envsubst "$defined_vars" <"$1" >"$out"
}

if [ ! -w "$output_dir" ]; then
    say "$ME: ERROR: $template_dir exists, but $output_dir is not writable"
    exit 0
fi
find "$template_dir" -follow -type f -name "*$suffix" -print | while read -r template; do
    render "$template" "$suffix" "$output_dir"
done

if [ -n "$(find "$template_dir" -name "*$stream_suffix" -print | head -n 1)" ]; then
    mkdir -p "$stream_output_dir"
    if [ ! -w "$stream_output_dir" ]; then
        say "$ME: ERROR: $template_dir exists, but $stream_output_dir is not writable"
        exit 0
    fi
    if grep -q -E '\s*stream\s*\{' "$NGINX_CONF"; then
        say "$ME: $NGINX_CONF contains a stream block; include $stream_output_dir/*.conf to enable stream templates"
    else
        if ! touch "$NGINX_CONF" 2>/dev/null; then
            say "$ME: info: can not modify $NGINX_CONF (read-only file system?)"
            exit 0
        fi
        say "$ME: Appending stream block to $NGINX_CONF to include $stream_output_dir/*.conf"
        printf '# added by "%s" on "%s"\nstream {\n  include %s/*.conf;\n}\n' "$ME" "$(date)" "$stream_output_dir" >>"$NGINX_CONF"
    fi
    find "$template_dir" -follow -type f -name "*$stream_suffix" -print | while read -r template; do
        render "$template" "$stream_suffix" "$stream_output_dir"
    done
fi

exit 0
