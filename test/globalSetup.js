// Brings bin/ up to date once before any test spawns a CLI (tools/launch.js would otherwise compile
// inside the first test that runs one, and say so on stderr), and makes this run's plan cache
// (test/helpers/planCache.ts): the workers inherit the environment set here. The PostgreSQL servers
// the tests start skip flushing to disk (tools/drill/localPostgres.ts says why that is safe).
const fs = require("fs");
const os = require("os");
const path = require("path");

const PREFIX = "qairopay-plans-";

module.exports = () => {
  require("../tools/build").ensureBuilt({ quiet: true });
  // Caches of runs that were killed before their teardown.
  for (const entry of fs.readdirSync(os.tmpdir()).filter((e) => e.startsWith(PREFIX))) {
    const dir = path.join(os.tmpdir(), entry);
    if (Date.now() - fs.statSync(dir).mtimeMs > 24 * 3600_000)
      fs.rmSync(dir, { recursive: true, force: true });
  }
  process.env.QAIROPAY_PG_TEST_NO_SYNC = "1";
  process.env.QAIROPAY_PLAN_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
};
