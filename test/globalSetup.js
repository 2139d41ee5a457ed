// Brings bin/ up to date once before any test spawns a CLI (tools/launch.js would otherwise compile
// inside the first test that runs one, and say so on stderr).
module.exports = () => {
  require("../tools/build").ensureBuilt({ quiet: true });
};
