#!/usr/bin/env bash
# PostgreSQL's client programs: `lingtouyang backup` and `lingtouyang restore` of a PostgreSQL database run
# pg_dump and pg_restore (the same major version as the server, or later; Debian's postgresql-client matches the
# Debian server). Quiet and quick when they are already there.
set -euo pipefail
if command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "pg_dump or pg_restore missing; as root: apt-get install postgresql-client (backup and restore of a PostgreSQL database need them)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null
