import * as fs from "fs";
import { ShardInput } from "./shardPlan";

/** A shard to deploy: its stack, tenants, the configuration to set and its fingerprint (fingerprint.ts). */
export interface ShardDeployment extends ShardInput {
  config: Record<string, string>;
  fingerprint: string;
}

/** A shard stack as `tenants up` drives it; the Automation API implements it (automation.ts). */
export interface ShardStacks {
  /**
   * The fingerprint recorded by the stack's last update if that update succeeded, else undefined
   * (no stack, no update, a failed or interrupted one).
   */
  lastFingerprint(shard: ShardDeployment): Promise<string | undefined>;
  /** Creates the stack if needed, sets its configuration, and runs `pulumi up` with the tenant-key pack. */
  up(shard: ShardDeployment, onOutput: (text: string) => void): Promise<{ changes: Record<string, number> }>;
}

export type ShardStatus = "pending" | "unchanged" | "updated" | "failed";

export interface ShardOutcome {
  stack: string;
  shard: number;
  tenants: number;
  status: ShardStatus;
  attempts: number;
  seconds: number;
  /** The shard's fingerprint when this outcome was recorded: a resume skips it only if it is unchanged. */
  fingerprint: string;
  changes?: Record<string, number>;
  error?: string;
}

export interface Journal {
  platformStack: string;
  startedAt: string;
  shards: Record<string, ShardOutcome>;
}

/** Cloud KMS answers 429 RESOURCE_EXHAUSTED when a project's request quota is used up (as the provider reports it). */
export function isQuotaError(message: string): boolean {
  return /Error 429|status(?: code)? 429|RESOURCE_EXHAUSTED|rateLimitExceeded|Quota exceeded/i.test(message);
}

export interface DeployOptions {
  concurrency: number;
  /** Tries per shard when the failure is a quota error. */
  attempts: number;
  journalFile: string;
  journal: Journal;
  /** Backoff before retry `n` (1-based), in ms. @default 30 s × 2^(n-1), jittered */
  backoffMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (done: number, total: number, detail: string) => void;
}

/** Writes the journal atomically: an interrupted run never leaves half a file to resume from. */
export function saveJournal(file: string, journal: Journal): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(journal, null, 2) + "\n");
  fs.renameSync(tmp, file);
}

/**
 * Deploys the shard stacks whose tenants changed, `concurrency` at a time, retrying quota errors
 * with backoff; every outcome goes to the journal as it happens, so a re-run with `--resume`
 * skips what is done. A shard whose stack already holds exactly its tenants is left alone.
 */
export async function deployShards(
  shards: ShardDeployment[],
  stacks: ShardStacks,
  options: DeployOptions,
): Promise<ShardOutcome[]> {
  const journal = options.journal;
  const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const backoff = options.backoffMs ?? ((n) => 30_000 * 2 ** (n - 1) * (0.5 + Math.random()));
  const todo = shards.filter((s) => {
    const done = journal.shards[s.stack];
    const finished = done?.status === "updated" || done?.status === "unchanged";
    return !(finished && done.fingerprint === s.fingerprint);
  });
  let finished = shards.length - todo.length;
  const record = (outcome: ShardOutcome) => {
    journal.shards[outcome.stack] = outcome;
    saveJournal(options.journalFile, journal);
  };
  const runOne = async (shard: ShardDeployment): Promise<void> => {
    const started = Date.now();
    const base = {
      stack: shard.stack,
      shard: shard.shard,
      tenants: shard.tenants.length,
      fingerprint: shard.fingerprint,
    };
    let deployed: string | undefined;
    try {
      deployed = await stacks.lastFingerprint(shard);
    } catch {
      deployed = undefined; // unknown: deploy it (an update of an unchanged shard changes nothing)
    }
    if (deployed === shard.fingerprint) {
      record({ ...base, status: "unchanged", attempts: 0, seconds: 0 });
    } else {
      for (let attempt = 1; ; attempt++) {
        try {
          const { changes } = await stacks.up(shard, () => undefined);
          record({
            ...base,
            status: "updated",
            attempts: attempt,
            seconds: (Date.now() - started) / 1000,
            changes,
          });
          break;
        } catch (err) {
          const message = (err as Error).message;
          if (isQuotaError(message) && attempt < options.attempts) {
            await sleep(backoff(attempt));
            continue;
          }
          record({
            ...base,
            status: "failed",
            attempts: attempt,
            seconds: (Date.now() - started) / 1000,
            error: message.slice(-2000),
          });
          break;
        }
      }
    }
    finished++;
    options.onProgress?.(finished, shards.length, `${shard.stack} ${journal.shards[shard.stack].status}`);
  };
  const queue = [...todo];
  const lanes = Array.from({ length: Math.min(options.concurrency, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await runOne(next);
  });
  await Promise.all(lanes);
  return shards.map((s) => journal.shards[s.stack]);
}
