#!/usr/bin/env bash
# What `make bench-portal` needs beyond the project's Python packages: nginx (the production file server the
# village pages are measured against), wrk (the load generator) and redis-server (the visitor counter's
# production store). Debian packages; gunicorn and redis-py come with the project (pyproject.toml).
set -euo pipefail
if command -v nginx >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "nginx, wrk or redis-server missing; as root: apt-get install nginx-light wrk redis-server" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nginx-light wrk redis-server >/dev/null
