import * as fs from "fs";

/**
 * An exclusive lock beside a rotation journal, holding the owner's pid. A lock left by a killed
 * run is recognised (no such process) and taken over, so an interrupted rotation can be re-run.
 */
export function acquireRunLock(journalPath: string): () => void {
  const path = `${journalPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(path, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(fs.readFileSync(path, "utf8"));
      if (isAlive(owner)) throw new Error(`rotation ${journalPath} is being run by process ${owner}`);
      fs.rmSync(path, { force: true });
    }
  }
  throw new Error(`cannot lock ${journalPath}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
