#!/usr/bin/env bash
# The whole suite: always on SQLite; also on PostgreSQL when DATABASE_URL is set or a server answers
# on 127.0.0.1:5432. With CI=true, PostgreSQL and the browser are required: missing means failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
ci=${CI:-false}

bash scripts/browser-deps.sh || { [ "$ci" = true ] && { echo "browser dependencies missing" >&2; exit 1; }; true; }

bash scripts/check.sh

echo "== tests on SQLite =="
env -u DATABASE_URL $BIN/pytest "$@"

pg_url=${DATABASE_URL:-}
if [ -z "$pg_url" ] && $BIN/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then
  pg_url="postgres://postgres@127.0.0.1:5432/test"
fi
if [ -z "$pg_url" ]; then
  if [ "$ci" = true ]; then echo "CI=true but no PostgreSQL: set DATABASE_URL or start a server on 127.0.0.1:5432" >&2; exit 1; fi
  echo "== PostgreSQL: none found (set DATABASE_URL to test on it) — skipped =="
  exit 0
fi
bash scripts/system-deps.sh || { [ "$ci" = true ] && { echo "pg_dump/pg_restore missing" >&2; exit 1; }; true; }
echo "== tests on PostgreSQL ($pg_url) =="
DATABASE_URL=$pg_url $BIN/pytest -m "not browser" "$@"
