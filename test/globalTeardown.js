// Removes this run's plan cache (made by test/globalSetup.js).
const fs = require("fs");

module.exports = () => {
  const dir = process.env.QAIROPAY_PLAN_CACHE;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
