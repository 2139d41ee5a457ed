// The order the two workers take the test files in. Jest runs the files that took longest last time
// first, so the workers finish together; a clean checkout (CI) has no times, and Jest then goes by
// file size, which put the slowest files (short files that start CLI processes) last: one worker
// ran them alone at the end. Without recorded times, the files measured slowest (both workers
// side by side, #25) go first, slowest first; the rest follow in Jest's order.
const path = require("path");
const Sequencer = require("@jest/test-sequencer").default;

const SLOWEST = [
  "test/cli.test.ts",
  "test/tenantsUpCli.test.ts",
  "test/drills.test.ts",
  "test/failoverCli.test.ts",
  "test/rehearsal.test.ts",
  "test/keyRotation.test.ts",
  "test/rehearsalFlip.test.ts",
  "test/tenantsLedgerCli.test.ts",
  "test/docs.test.ts",
  "test/databaseAccess.test.ts",
  "test/preview.test.ts",
  "test/immutableRestore.test.ts",
  "test/detectRecoverRehearsal.test.ts",
  "test/policies.test.ts",
];

class SlowestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    const rank = (test) => {
      const i = SLOWEST.indexOf(
        path.relative(test.context.config.rootDir, test.path).split(path.sep).join("/"),
      );
      return i < 0 ? SLOWEST.length : i;
    };
    // Array.prototype.sort is stable: the unlisted files keep Jest's order among themselves.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowestFirst;
