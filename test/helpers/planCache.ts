import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { deserialize, serialize } from "v8";
import { OfflineRun, planAfresh } from "../../engine/run";
import { StackConfig } from "../../engine/stackFile";
import { isAlive } from "../../tools/cli/runLock";
import { writeFileAtomic } from "../../tools/cli/atomicWrite";

/**
 * The same stack configuration planned by the same code gives the same registrations, yet some
 * twenty test files each planned prod (and staging) themselves: a third of the suite's CPU.
 * test/globalSetup.js makes one directory per `jest` run (QAIROPAY_PLAN_CACHE, removed by
 * test/globalTeardown.js), so a plan is computed once per run and configuration, by whichever
 * worker asks first, from the code as it is in that run: an edited source is never served stale.
 * Each caller gets its own copy (v8's serializer, which keeps the `undefined` values JSON drops,
 * then rebuilt in the test's own realm: v8.deserialize makes objects of Node's main context, whose
 * Object and Array are not those of the jest sandbox the test runs in, so `instanceof` and
 * toStrictEqual would tell them apart from a live plan's); no test sees another's mutations.
 * Without the variable (the helper used outside jest) every call plans afresh.
 */
export async function cachedPlan(config: StackConfig): Promise<OfflineRun> {
  const dir = process.env.QAIROPAY_PLAN_CACHE;
  if (!dir || !fs.existsSync(dir)) return planAfresh(config);
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
    const run = await planAfresh(config);
    if (owned) {
      writeFileAtomic(file, serialize(run), { durable: false });
    }
    return run;
  } finally {
    if (owned) fs.rmSync(lock, { force: true });
  }
}

/** The cached plan, waiting while another live worker holds the lock on it; undefined when there is none. */
async function awaitResult(file: string, lock: string): Promise<OfflineRun | undefined> {
  for (;;) {
    if (fs.existsSync(file)) return inThisRealm(deserialize(fs.readFileSync(file))) as OfflineRun;
    const holder = Number(readIfExists(lock));
    if (!holder || holder === process.pid || !isAlive(holder)) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A deep copy made of this realm's objects and arrays; a plan holds nothing else (JSON values and undefined). */
function inThisRealm(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(inThisRealm(item));
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto.constructor?.name !== "Object")
    throw new Error(`plan cache: a ${proto.constructor?.name} in a plan cannot be copied faithfully`);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = inThisRealm(item);
  return out;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
