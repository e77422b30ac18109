# shellcheck shell=bash
# ghcr.io/cdk8s-patterns/flask-visits:1.0.0, the flask-redis example's web app
# (examples/flask-redis/app): Debian's python3.11, python3-flask, python3-redis and gunicorn on
# a bookworm-slim-like base, following app/Dockerfile (python:3.12-slim + pip) as far as Debian
# allows (see README.md).
flask_visits_image() {
  local R=$1
  base_debian_slim "$R"
  rootfs_from_debs "$R" --with-deps '^(python3|libpython3)' \
    python3.11-minimal libpython3.11-minimal libpython3.11-stdlib python3-minimal \
    python3-flask python3-redis gunicorn python3-gunicorn media-types
  strip_rootfs "$R"
  add_libs "$R" /usr/bin/python3.11 /usr/lib/python3.11/lib-dynload /usr/lib/python3/dist-packages
  # python:slim puts python (and pip's scripts) in /usr/local/bin
  local b
  for b in python3 python; do ln -s /usr/bin/python3.11 "$R/usr/local/bin/$b"; done
  ln -s /usr/bin/gunicorn "$R/usr/local/bin/gunicorn"
  install -D -m 644 "$IMAGES_DIR/../../../examples/flask-redis/app/app.py" "$R/app/app.py"
  # byte-compile once, so that a read-only root needs no __pycache__ writes
  check_runs "$R" /usr/bin/python3.11 -m compileall -q --invalidation-mode unchecked-hash \
    /usr/lib/python3.11 /usr/lib/python3/dist-packages /app
  check_runs "$R" /usr/bin/python3.11 -c 'import flask, redis, gunicorn; print(flask.__version__, redis.__version__, gunicorn.__version__)'
  pack_image "$REF" "$R" 10001:10001 '[]' \
    '["gunicorn","--bind","0.0.0.0:5000","--workers","2","--worker-tmp-dir","/tmp","app:app"]' \
    --env "PATH=/usr/local/bin:$STD_PATH" --env LANG=C.UTF-8 \
    --env "PYTHON_VERSION=$(pkg_version python3.11-minimal)" --workdir /app --port 5000/tcp
}
image ghcr.io/cdk8s-patterns/flask-visits:1.0.0 flask_visits_image ../../../examples/flask-redis/app
