import * as fs from "fs";
import * as path from "path";

/**
 * An exclusive lock file `<target>.lock` holding the owner's pid. A lock left by a killed run is
 * recognised (no such process) and taken over, so an interrupted tool can be re-run.
 */
export function acquireRunLock(target: string): () => void {
  const lock = `${target}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(fs.readFileSync(lock, "utf8"));
      if (isAlive(owner)) throw new RunLockError(`${target} is being run by process ${owner}`);
      fs.rmSync(lock, { force: true });
    }
  }
  throw new RunLockError(`cannot lock ${target}`);
}

export class RunLockError extends Error {}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
