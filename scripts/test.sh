#!/usr/bin/env bash
# Install everything the tests need, from nothing, and run them: the README's test command.
#   Python packages into .venv; Chromium and libsodium from Debian (when run as root);
#   starts PostgreSQL and Redis on 127.0.0.1 if they are down; lints and type-checks omov/count;
#   runs the suite on SQLite, then the database tests again on PostgreSQL.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh tests/count -x`).
set -uo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv || exit 1
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v -E '^(WARNING: Location|$)' || true
.venv/bin/python -c "import omov, django, pysodium, playwright" || { echo "install failed"; exit 1; }

# Debian packages: the browser for page tests, libsodium for the cryptography, spamd for the SpamAssassin tests.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libsodium.so.23' || need+=(libsodium23)
command -v spamd >/dev/null 2>&1 || need+=(spamd spamc)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || echo "apt-get install ${need[*]} failed"
  else
    echo "please install the Debian packages: ${need[*]}"
  fi
fi

# Services: PostgreSQL and Redis on 127.0.0.1 (started here if down).
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi

status=0
echo "== ruff (omov/count)"; .venv/bin/ruff check omov/count || status=1
echo "== mypy --strict (omov/count)"; .venv/bin/mypy --strict omov/count || status=1

# JavaScript: the locked packages, the committed bundles checked against a fresh build, and the JS tests.
if command -v npm >/dev/null 2>&1; then
  echo "== npm ci, bundle check, node tests (js/)"
  npm ci --prefix js --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || { echo "npm ci failed"; status=1; }
  node js/build.mjs --check || status=1
  (cd js && node --test --test-reporter=dot test/) || status=1
else
  echo "node/npm not found: the JavaScript checks need node 20 and npm"; status=1
fi

# The suite on SQLite, and the database tests again on PostgreSQL (plus the `postgres`-marked concurrency and
# crash tests, which the SQLite run deselects) with background jobs on Redis where a test asks for a real worker.
# The two runs are independent (separate databases, free ports), so they run side by side, one per core; each
# one's output is printed whole when both are done. OMOV_SERIAL=1 runs them one after the other.
PG_URL=${OMOV_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/omov}
if command -v psql >/dev/null 2>&1; then
  psql "${PG_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='${PG_URL##*/}'" 2>/dev/null | grep -q 1 \
    || psql "${PG_URL%/*}/postgres" -qc "CREATE DATABASE \"${PG_URL##*/}\"" || true
fi
logs=$(mktemp -d)
sqlite_run() { .venv/bin/python -m pytest -p no:cacheprovider --durations=15 "$@" >"$logs/sqlite.log" 2>&1; echo $? >"$logs/sqlite.rc"; }
pg_run() {
  OMOV_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest -p no:cacheprovider --durations=10 -m "database and not browser" "$@" \
    >"$logs/pg.log" 2>&1
  echo $? >"$logs/pg.rc"
}
if [ "${OMOV_SERIAL:-0}" = 1 ]; then
  sqlite_run "$@"; pg_run "$@"
else
  sqlite_run "$@" & pg_run "$@" & wait
fi

echo "== pytest (SQLite)"
cat "$logs/sqlite.log"
rc=$(cat "$logs/sqlite.rc")
[ "$rc" -eq 5 ] && { echo "no tests ran"; rc=1; }
[ "$rc" -ne 0 ] && status=1

echo "== pytest (PostgreSQL)"
cat "$logs/pg.log"
rc=$(cat "$logs/pg.rc")
[ "$rc" -eq 5 ] && { echo "(no database tests among those selected)"; rc=0; }
[ "$rc" -ne 0 ] && status=1
rm -rf "$logs"

exit $status
