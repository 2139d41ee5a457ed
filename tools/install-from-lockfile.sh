#!/usr/bin/env bash
# Installs exactly what package-lock.json pins, on a fresh machine.
#
# Why not plain `npm ci`: the registry reachable here serves no macOS/Windows builds of
# optional native packages (e.g. @unrs/resolver-binding-darwin-arm64 answers 404), so npm
# cannot record them in the lockfile, and `npm ci` then refuses the lockfile as "out of sync".
# `npm ci` is still tried first (it works wherever the full registry is reachable); otherwise
# `npm install --no-save` installs from the same lockfile without rewriting it, and the check
# below proves every installed package has the version and integrity the lockfile pins.
set -euo pipefail
cd "$(dirname "$0")/.."

if npm ci --no-audit --no-fund --loglevel=error 2>/tmp/npm-ci.err; then
  echo "installed with npm ci"
else
  if ! grep -q "Missing: .* from lock file" /tmp/npm-ci.err; then cat /tmp/npm-ci.err >&2; exit 1; fi
  echo "npm ci refused the lockfile over platform packages this registry lacks; installing from it with npm install --no-save"
  npm install --no-save --no-audit --no-fund --loglevel=error
fi

node -e '
const lock = require("./package-lock.json").packages;
const installed = require("./node_modules/.package-lock.json").packages;
const drift = [];
for (const [path, meta] of Object.entries(installed)) {
  const want = lock[path];
  if (!want) drift.push(`${path} is installed but not in package-lock.json`);
  else if (want.version !== meta.version || (want.integrity && meta.integrity && want.integrity !== meta.integrity))
    drift.push(`${path}: installed ${meta.version}, lockfile pins ${want.version}`);
}
for (const [path, meta] of Object.entries(lock)) {
  if (path && !meta.optional && !meta.peer && !installed[path] && !meta.link) drift.push(`${path} is locked but not installed`);
}
if (drift.length) { console.error("installed tree differs from package-lock.json:\n  " + drift.join("\n  ")); process.exit(1); }
console.log(`verified ${Object.keys(installed).length} installed packages against package-lock.json`);
'
