import { cliErrors } from "../cli/pulumiCli";
import { StackLocked } from "../cli/stackState";
import { ShardInput } from "./shardPlan";
import { writeFileAtomic } from "../cli/atomicWrite";

/** A shard to deploy: its stack, tenants, the configuration to set and its fingerprint (fingerprint.ts). */
export interface ShardDeployment extends ShardInput {
  config: Record<string, string>;
  fingerprint: string;
}

/** The newest entry of a shard stack's update history, as the backend recorded it. */
export interface DeployedShard {
  /** update, refresh, destroy, import, … (apitype.UpdateKind) */
  kind: string;
  /** succeeded, failed, in-progress */
  result: string;
  /** The fingerprint in the configuration that run had. */
  fingerprint?: string;
  /** The tenants in the configuration that run had. */
  tenants?: string[];
}

/** A shard stack as `tenants up` drives it; the Automation API implements it (automation.ts). */
export interface ShardStacks {
  /** The newest history entry of the shard's stack; undefined if the stack or its history does not exist. */
  lastDeployment(shard: ShardDeployment): Promise<DeployedShard | undefined>;
  /**
   * Creates the stack if needed, resolves what an interrupted run left pending, sets its
   * configuration and runs `pulumi up` with the tenant-key pack. Throws StackLocked if another
   * update holds the stack, ShardUpFailure with the engine's diagnostics if the update fails.
   */
  up(shard: ShardDeployment, onOutput: (text: string) => void): Promise<{ changes: Record<string, number> }>;
  /** The CLI's version: part of the fingerprint. */
  cliVersion(): Promise<string>;
}

/** An engine diagnostic of a failed update (a `diagnosticEvent` of severity error). */
export interface ShardDiagnostic {
  urn?: string;
  message: string;
}

/** A failed shard update, with the engine's error diagnostics (what went wrong, not the run summary). */
export class ShardUpFailure extends Error {
  constructor(
    public readonly stack: string,
    public readonly diagnostics: ShardDiagnostic[],
    cause: unknown,
  ) {
    super(
      diagnostics.length
        ? diagnostics.map((d) => (d.urn ? `${d.urn}: ${d.message}` : d.message)).join("\n")
        : cliErrors(cause),
    );
    this.name = "ShardUpFailure";
  }
}

/**
 * Cloud KMS refusing for quota: a diagnostic on a KMS resource with HTTP 429 / RESOURCE_EXHAUSTED
 * (the provider's "googleapi: Error 429"). Not any 429: a self-managed backend's state write can
 * fail with its own "Error 429 … rateLimitExceeded" (GCS object mutation rate, pulumi/pulumi#4258),
 * attached to no KMS resource, which backing off on KMS does not cure.
 */
export function isKmsQuotaDiagnostic(d: ShardDiagnostic): boolean {
  return (
    !!d.urn &&
    /::gcp:kms\/[^:]+:[^:]+::/.test(d.urn) &&
    !/failed to save (snapshot|checkpoint)/i.test(d.message) &&
    /Error 429|RESOURCE_EXHAUSTED|Quota exceeded/i.test(d.message)
  );
}

export type ShardStatus =
  "pending" | "unchanged" | "updated" | "failed" | "locked" | "refused" | "interrupted";

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
  /** `--group I/N` of the run (absent: every shard): a resume must name the same share. */
  group?: string;
  shards: Record<string, ShardOutcome>;
}

export interface DeployOptions {
  concurrency: number;
  /** Tries per shard when the failure is a quota error. */
  attempts: number;
  journalFile: string;
  journal: Journal;
  /** Aborted by Ctrl-C: no shard starts after it, and a running one is cancelled by the CLI. */
  signal?: AbortSignal;
  /** Backoff before retry `n` (1-based), in ms. @default 30 s × 2^(n-1), jittered */
  backoffMs?: (attempt: number) => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onProgress?: (done: number, total: number, detail: string) => void;
}

/** Writes the journal atomically: an interrupted run never leaves half a file to resume from. */
export function saveJournal(file: string, journal: Journal): void {
  writeFileAtomic(file, JSON.stringify(journal, null, 2) + "\n", { durable: true });
}

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Deploys the shard stacks whose tenants changed, `concurrency` at a time, retrying Cloud KMS quota
 * errors with backoff; every outcome goes to the journal as it happens, so a re-run with `--resume`
 * skips what is done. A shard is left alone only if the newest entry of its history is a succeeded
 * update with the same fingerprint. A shard whose deployed configuration holds a tenant this run
 * would drop (another operator's run, a stale ledger) is refused: dropping a tenant deletes its keys.
 */
export async function deployShards(
  shards: ShardDeployment[],
  stacks: ShardStacks,
  options: DeployOptions,
): Promise<ShardOutcome[]> {
  const journal = options.journal;
  const sleep = options.sleep ?? abortableSleep;
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
  // Preflight: every shard's last deployment is read before any update starts, so a run that would
  // take a deployed tenant out of its shard (a stale or hand-edited ledger, another operator's run)
  // is refused whole: otherwise the tenant's keys could be created in its new shard first.
  const deployedOf = new Map<string, DeployedShard | undefined>();
  const refused = new Set<string>();
  const readQueue = [...todo];
  await Promise.all(
    Array.from({ length: Math.min(Math.max(options.concurrency, 4), readQueue.length) }, async () => {
      for (let shard = readQueue.shift(); shard; shard = readQueue.shift()) {
        const base = {
          stack: shard.stack,
          shard: shard.shard,
          tenants: shard.tenants.length,
          fingerprint: shard.fingerprint,
          seconds: 0,
          attempts: 0,
        };
        let deployed: DeployedShard | undefined;
        try {
          deployed = await stacks.lastDeployment(shard);
        } catch (err) {
          // Without the history neither the skip nor the two-operator check can be made: do nothing.
          record({
            ...base,
            status: "failed",
            error: `reading the update history: ${(err as Error).message}`,
          });
          refused.add(shard.stack);
          continue;
        }
        deployedOf.set(shard.stack, deployed);
        const kept = new Set(shard.tenants);
        const dropped = (deployed?.tenants ?? []).filter((t) => !kept.has(t));
        if (dropped.length) {
          refused.add(shard.stack);
          record({
            ...base,
            status: "refused",
            error:
              `refused: the shard's deployed configuration holds ${dropped.join(", ")}, which this run would remove (their keys ` +
              "would be deleted). Another operator's run, or a stale ledger: update the ledger and the registry (git pull) and run again. " +
              "No shard was updated.",
          });
        }
      }
    }),
  );
  if ([...refused].some((stack) => journal.shards[stack]?.status === "refused"))
    return outcomesOf(shards, journal);
  const runOne = async (shard: ShardDeployment): Promise<void> => {
    if (refused.has(shard.stack)) return;
    const started = Date.now();
    const base = {
      stack: shard.stack,
      shard: shard.shard,
      tenants: shard.tenants.length,
      fingerprint: shard.fingerprint,
    };
    const outcome = (status: ShardStatus, attempts: number, extra: Partial<ShardOutcome> = {}) =>
      record({ ...base, status, attempts, seconds: (Date.now() - started) / 1000, ...extra });
    const deployed = deployedOf.get(shard.stack);
    if (
      deployed?.kind === "update" &&
      deployed.result === "succeeded" &&
      deployed.fingerprint === shard.fingerprint
    ) {
      outcome("unchanged", 0);
    } else {
      for (let attempt = 1; ; attempt++) {
        try {
          const { changes } = await stacks.up(shard, () => undefined);
          outcome("updated", attempt, { changes });
          break;
        } catch (err) {
          if (options.signal?.aborted) {
            outcome("interrupted", attempt, {
              error: "cancelled by a signal: Pulumi finished the steps in flight and recorded the state",
            });
            break;
          }
          if (err instanceof StackLocked) {
            outcome("locked", attempt, { error: err.message });
            break;
          }
          const diagnostics = err instanceof ShardUpFailure ? err.diagnostics : [];
          const message = (err as Error).message;
          if (diagnostics.some(isKmsQuotaDiagnostic) && attempt < options.attempts) {
            await sleep(backoff(attempt), options.signal);
            if (!options.signal?.aborted) continue;
          }
          outcome("failed", attempt, { error: message.slice(-2000) });
          break;
        }
      }
    }
    finished++;
    options.onProgress?.(finished, shards.length, `${shard.stack} ${journal.shards[shard.stack].status}`);
  };
  const queue = [...todo];
  const lanes = Array.from({ length: Math.min(options.concurrency, queue.length) }, async () => {
    for (let next = queue.shift(); next && !options.signal?.aborted; next = queue.shift()) await runOne(next);
  });
  await Promise.all(lanes);
  return outcomesOf(shards, journal);
}

/** Every shard's outcome, in shard order; those not reached are pending. */
function outcomesOf(shards: ShardDeployment[], journal: Journal): ShardOutcome[] {
  return shards.map(
    (s) =>
      journal.shards[s.stack] ?? {
        stack: s.stack,
        shard: s.shard,
        tenants: s.tenants.length,
        status: "pending",
        attempts: 0,
        seconds: 0,
        fingerprint: s.fingerprint,
      },
  );
}
