import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { deserialize, serialize } from "v8";
import { OfflineRun, runOffline } from "../../harness/run";
import { StackConfig } from "../../harness/stackFile";
import { isAlive } from "../../tools/cli/runLock";

/**
 * The same stack configuration planned by the same code gives the same registrations, yet some
 * twenty test files each planned prod (and staging) themselves: a third of the suite's CPU.
 * test/globalSetup.js makes one directory per `jest` run (QAIROPAY_PLAN_CACHE, removed by
 * test/globalTeardown.js), so a plan is computed once per run and configuration, by whichever
 * worker asks first, from the code as it is in that run: an edited source is never served stale.
 * Each caller gets its own deserialized copy (v8's structured clone, which keeps `undefined`
 * values and the secret signature), so no test sees another's mutations. Without the variable
 * (the helper used outside jest) every call plans afresh.
 */
export async function cachedPlan(config: StackConfig): Promise<OfflineRun> {
  const dir = process.env.QAIROPAY_PLAN_CACHE;
  if (!dir || !fs.existsSync(dir)) return runOffline(config);
  const key = createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 32);
  const file = path.join(dir, `${key}.plan`);
  const lock = path.join(dir, `${key}.lock`);
  const cached = await awaitResult(file, lock);
  if (cached) return cached;
  let owned = false;
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
    owned = true;
  } catch {
    // Another worker took the lock between our check and now; planning ourselves is still correct.
  }
  try {
    // A configuration the program refuses throws here, before anything is written: errors are not cached.
    const run = await runOffline(config);
    if (owned) {
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, serialize(run));
      fs.renameSync(tmp, file);
    }
    return run;
  } finally {
    if (owned) fs.rmSync(lock, { force: true });
  }
}

/** The cached plan, waiting while another live worker holds the lock on it; undefined when there is none. */
async function awaitResult(file: string, lock: string): Promise<OfflineRun | undefined> {
  for (;;) {
    if (fs.existsSync(file)) return deserialize(fs.readFileSync(file)) as OfflineRun;
    const holder = Number(readIfExists(lock));
    if (!holder || holder === process.pid || !isAlive(holder)) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
