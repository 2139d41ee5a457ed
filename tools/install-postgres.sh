#!/usr/bin/env bash
# The drills (npm run drill, test/drills.test.ts) run real PostgreSQL 15 servers. Installs
# Debian's postgresql-15 when its server binaries are missing; a no-op where they exist.
set -euo pipefail
PG_BIN="${QAIROPAY_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/pg_rewind" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL 15 server binaries missing in $PG_BIN; install postgresql-15 (as root) or set QAIROPAY_PG_BIN" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The package creates the `postgres` user the drills run the servers as; no cluster is needed.
apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | while read -r version name; do
  pg_dropcluster --stop "$version" "$name" || true
done
