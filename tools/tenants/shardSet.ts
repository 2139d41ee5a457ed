import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../platform/paths";
import { readTenantRegistryFile } from "../../platform/config/tenants";
import { PlatformConfig } from "../../platform/config/types";
import {
  assignShards,
  ShardAssignment,
  ShardLedger,
  ShardLedgerError,
  shardStackName,
} from "../../tenantKeys/shards";
import { ShardInput } from "./shardPlan";

export class ShardSetError extends Error {}

/** Where a stack's shard ledger is kept (committed with the tenant registry). */
export function defaultLedgerPath(stack: string): string {
  return path.join(PROJECT_ROOT, "stacks", `tenant-shards.${stack}.json`);
}

export interface ShardSet {
  /** Every registered tenant id, in registry order. */
  tenants: string[];
  assignment: ShardAssignment;
  /** The non-empty shards as stacks to plan or deploy. */
  shards: ShardInput[];
  ledgerPath?: string;
}

export interface ShardSetOptions {
  /** A registry file anywhere instead of the stack's (relative to the working directory). */
  tenantsFile?: string;
  /** A ledger file instead of the stack's; `false`: none (a fresh assignment in registry order). */
  ledger?: string | false;
  /** Tenants per shard (default: the ledger's, else 1,000). */
  limit?: number;
}

/** Reads the registry and the ledger and assigns every tenant to a shard stack; bad input throws ShardSetError. */
export function loadShardSet(config: PlatformConfig, options: ShardSetOptions = {}): ShardSet {
  let tenants = config.tenants.map((t) => t.id);
  if (options.tenantsFile) {
    // Relative to where the user ran `npm run` (npm runs scripts from the package root and passes
    // the original directory as INIT_CWD).
    const registry = readTenantRegistryFile(
      path.resolve(process.env.INIT_CWD ?? process.cwd(), options.tenantsFile),
    );
    if (registry.problems.length) throw new ShardSetError(registry.problems.join("\n"));
    tenants = registry.tenants.map((t) => t.id);
  }
  // A registry of one's own starts from no ledger unless one is named: the stack's ledger belongs
  // to the stack's registry.
  const ledgerPath =
    options.ledger === false
      ? undefined
      : (options.ledger ?? (options.tenantsFile ? undefined : defaultLedgerPath(config.stack)));
  const ledger = ledgerPath ? readLedger(ledgerPath) : undefined;
  let assignment: ShardAssignment;
  try {
    assignment = assignShards(tenants, ledger, options.limit ?? ledger?.limit);
  } catch (err) {
    if (err instanceof ShardLedgerError) throw new ShardSetError(`${ledgerPath ?? "shards"}: ${err.message}`);
    throw err;
  }
  const shards = shardsOf(assignment, config.stack);
  return { tenants, assignment, shards, ledgerPath };
}

/** The non-empty shards of an assignment, as the stacks of a platform stack. */
export function shardsOf(assignment: ShardAssignment, platformStack: string): ShardInput[] {
  return assignment.shards
    .map((tenants, shard) => ({ shard, stack: shardStackName(platformStack, shard), tenants }))
    .filter((s) => s.tenants.length > 0);
}

function readLedger(file: string): ShardLedger | undefined {
  if (!fs.existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ShardSetError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const ledger = parsed as Partial<ShardLedger>;
  if (
    !Number.isInteger(ledger.limit) ||
    typeof ledger.assignments !== "object" ||
    ledger.assignments === null
  )
    throw new ShardSetError(
      `${file}: expected { "limit": <integer>, "assignments": { "<tenant>": <shard> } }`,
    );
  return ledger as ShardLedger;
}

/** Writes the ledger atomically (a rename), so an interrupted write never leaves half a file. */
export function writeLedger(file: string, ledger: ShardLedger): void {
  const sorted = Object.fromEntries(
    Object.entries(ledger.assignments).sort(([a], [b]) => a.localeCompare(b)),
  );
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify({ limit: ledger.limit, assignments: sorted }, null, 2) + "\n");
  fs.renameSync(tmp, file);
}
