#!/usr/bin/env bash
# The drills (npm run drill, test/drills.test.ts) run real PostgreSQL 15 servers. Installs
# Debian's postgresql-15 when its server binaries are missing; a no-op where they exist.
set -euo pipefail
PG_BIN="${QAIROPAY_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/pg_rewind" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "PostgreSQL 15 server binaries missing in $PG_BIN; install Debian's postgresql-15 or set QAIROPAY_PG_BIN" >&2
    exit 1
  fi
fi
clusters() { pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | sort; }
before="$(clusters)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The package creates the `postgres` user the drills run the servers as (when run as root).
$SUDO apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
# It also creates and starts a default cluster the drills do not use: stop and drop that one
# only, never a cluster that existed before.
comm -13 <(echo "$before") <(clusters) | while read -r version name; do
  [ -n "$version" ] && $SUDO pg_dropcluster --stop "$version" "$name"
done
