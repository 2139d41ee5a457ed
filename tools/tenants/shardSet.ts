import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../platform/paths";
import { readTenantRegistryFile } from "../../platform/config/tenants";
import { PlatformConfig } from "../../platform/config/types";
import {
  assignShards,
  ledgerProblems,
  ShardAssignment,
  ShardLedger,
  ShardLedgerError,
  shardStackName,
} from "../../tenantKeys/shards";
import { ShardInput } from "./shardPlan";
import { writeFileAtomic } from "../cli/atomicWrite";

export class ShardSetError extends Error {}

/** A ledger that disagrees with the registry: `plan` and `up` refuse it (exit 2), as `npm ci` a stale lockfile. */
export class StaleLedgerError extends ShardSetError {}

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
  /**
   * Refuse a ledger that disagrees with the registry (StaleLedgerError), naming this command (the
   * `tenants assign` that brings it up to date); unset: assign on the fly, writing nothing.
   */
  assignCommand?: string;
}

/** Reads the registry and the ledger and assigns every tenant to a shard stack; bad input throws ShardSetError. */
export function loadShardSet(config: PlatformConfig, options: ShardSetOptions = {}): ShardSet {
  const tenants = readRegistryTenants(config, options.tenantsFile);
  // The stack's ledger unless another is named, whichever the registry: a ledger that started from
  // nothing for a registry of one's own is how tenants used to move (issue #23).
  const ledgerPath =
    options.ledger === false ? undefined : (options.ledger ?? defaultLedgerPath(config.stack));
  const ledger = ledgerPath ? readLedger(ledgerPath) : undefined;
  if (options.assignCommand !== undefined) {
    const problems = ledgerProblems(tenants, ledger, options.limit);
    if (problems.length)
      throw new StaleLedgerError(
        `the shard ledger ${ledgerPath ?? "(none)"} is stale for the tenant registry: ${problems.join("; ")}. ` +
          `Run \`${options.assignCommand}\` and commit the ledger with the registry (it never moves a tenant).`,
      );
  }
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

/** The registered tenant ids, in registry order: the stack's registry, or a file anywhere. */
export function readRegistryTenants(config: PlatformConfig | undefined, tenantsFile?: string): string[] {
  if (!tenantsFile) return config?.tenants.map((t) => t.id) ?? [];
  // Relative to where the user ran `npm run` (npm runs scripts from the package root and passes
  // the original directory as INIT_CWD).
  const registry = readTenantRegistryFile(path.resolve(process.env.INIT_CWD ?? process.cwd(), tenantsFile));
  if (registry.problems.length) throw new ShardSetError(registry.problems.join("\n"));
  return registry.tenants.map((t) => t.id);
}

/** The non-empty shards of an assignment, as the stacks of a platform stack. */
export function shardsOf(assignment: ShardAssignment, platformStack: string): ShardInput[] {
  return assignment.shards
    .map((tenants, shard) => ({ shard, stack: shardStackName(platformStack, shard), tenants }))
    .filter((s) => s.tenants.length > 0);
}

/** The ledger in a file; undefined if there is none. */
export function readLedger(file: string): ShardLedger | undefined {
  if (!fs.existsSync(file)) return undefined;
  return parseLedger(fs.readFileSync(file, "utf8"), file);
}

/** A merge left both sides in the file: `tenants assign --from-ref` resolves it (docs/tenant-keys.md). */
export class LedgerConflictError extends ShardSetError {}

/** Parses a ledger's text (`where` names it in errors). */
export function parseLedger(text: string, where: string): ShardLedger {
  if (/^(<{7}|>{7}|={7})( |$)/m.test(text))
    throw new LedgerConflictError(
      `${where} holds git merge conflict markers: resolve it by re-running assign from the ledger of the branch you merge into, ` +
        'e.g. `npm run tenants -- assign --stack <stack> --from-ref origin/main` (docs/tenant-keys.md, "Merging")',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ShardSetError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  const ledger = parsed as Partial<ShardLedger>;
  if (
    !Number.isInteger(ledger.limit) ||
    typeof ledger.assignments !== "object" ||
    ledger.assignments === null ||
    Array.isArray(ledger.assignments) ||
    (ledger.retired !== undefined &&
      !(Array.isArray(ledger.retired) && ledger.retired.every((t) => typeof t === "string")))
  )
    throw new ShardSetError(
      `${where}: expected { "limit": <integer>, "assignments": { "<tenant>": <shard> }, "retired": ["<tenant>"] }`,
    );
  return ledger as ShardLedger;
}

/** The ledger's text as `tenants assign` writes it: keys sorted, one tenant a line, so merges diff well. */
export function formatLedger(ledger: ShardLedger): string {
  // By hand rather than JSON.stringify(…, null, 2): the same text, several times faster at 100,000 tenants.
  const tenants = Object.keys(ledger.assignments).sort();
  const retired = [...(ledger.retired ?? [])].sort();
  const assignments = tenants.map((t) => `    ${JSON.stringify(t)}: ${ledger.assignments[t]}`).join(",\n");
  return (
    `{\n  "limit": ${ledger.limit},\n  "assignments": ${tenants.length ? `{\n${assignments}\n  }` : "{}"},\n` +
    `  "retired": ${retired.length ? `[\n${retired.map((t) => `    ${JSON.stringify(t)}`).join(",\n")}\n  ]` : "[]"}\n}\n`
  );
}

/** Writes the ledger atomically (a rename), so an interrupted write never leaves half a file. */
export function writeLedger(file: string, ledger: ShardLedger): void {
  writeFileAtomic(file, formatLedger(ledger), { durable: true });
}
