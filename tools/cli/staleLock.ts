import * as os from "os";
import { StackLocked } from "./stackState";
import { isAlive } from "./runLock";

/** Who holds a self-managed backend's lock: `created by <user>@<host> (pid <pid>) at <time>` (pkg/backend/diy/lock.go). */
export interface LockHolder {
  user: string;
  host: string;
  pid: number;
}

export function lockHolders(detail: string): LockHolder[] {
  return [...detail.matchAll(/created by (.*)@([^@\s]+) \(pid (\d+)\) at /g)].map((m) => ({
    user: m[1],
    host: m[2],
    pid: Number(m[3]),
  }));
}

/**
 * Why `pulumi cancel` must not be run on this lock, or undefined if it is provably stale. On a
 * self-managed backend `pulumi cancel` deletes every lock file of the stack
 * (pkg/backend/diy/backend.go, CancelCurrentUpdate), so a second operator's live update would lose
 * its lock; it is stale only when every holder ran on this machine and its pid is gone. Pulumi
 * Cloud's 409 ("Another update is currently in progress": pkg/backend/httpstate) names no holder,
 * so it is never judged stale here.
 */
export function staleLockRefusal(locked: StackLocked, hostname: string = os.hostname()): string | undefined {
  const holders = lockHolders(locked.detail);
  if (!holders.length)
    return (
      "the backend names no holder (Pulumi Cloud's 409): see who runs the update in the stack's activity in Pulumi Cloud " +
      `(\`pulumi stack history --stack ${locked.stack}\`), and run \`pulumi cancel --stack ${locked.stack}\` yourself only once you know it is not running`
    );
  const live = holders.filter((h) => h.host !== hostname || isAlive(h.pid));
  if (!live.length) return undefined;
  return (
    "the lock may belong to a running update, which `pulumi cancel` would strip of its lock " +
    `(${live.map((h) => `${h.user}@${h.host} pid ${h.pid}: ${h.host !== hostname ? `another machine than this one (${hostname})` : "still running here"}`).join("; ")}). ` +
    "Ask its owner, or if you know it is dead, run `pulumi cancel` yourself"
  );
}
