#!/usr/bin/env bash
# Static checks `make test` runs before the suites: lint, the security linter against its reviewed
# baseline, and the dependencies against the published vulnerability database.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== ruff =="
$BIN/ruff check .

echo "== bandit (new findings beyond security/bandit-baseline.json fail) =="
$BIN/bandit -q -r lingtouyang -x '*/migrations/*' -b security/bandit-baseline.json -f txt

echo "== pip-audit =="
$BIN/python scripts/audit_deps.py
