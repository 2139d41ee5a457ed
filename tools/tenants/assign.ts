import * as fs from "fs";
import { assignShards, changedShards, ShardLedgerError } from "../../tenantKeys/shards";
import { EXIT_OK, failInput, writeOut } from "../cli/exitCodes";
import { StackFileError } from "../../engine/stackFile";
import type { Common } from "./inputs";
import { userPath } from "./paths";
import { registeredTenants } from "./registry";
import { ledgerAtRef } from "./ledgerGit";
import { defaultLedgerPath, formatLedger, readLedger, ShardSetError, writeLedger } from "./shardSet";

export interface AssignOptions extends Common {
  /** Start from the ledger at this git ref (a merge's target branch) instead of the working copy's. */
  fromRef?: string;
}

/**
 * `tenants assign`: brings the ledger up to date with the registry, as `npm install` does
 * package-lock.json. Every tenant in the starting ledger keeps its shard; new tenants go to the
 * newest shard with room, then a new one; tenants no longer registered stay, marked retired.
 * Pure (no Pulumi, no network) and linear in the tenants. Writes only if something changed.
 */
export async function runAssign(opts: AssignOptions): Promise<number> {
  const ledgerPath = userPath(opts.ledger) ?? defaultLedgerPath(opts.stack);
  let result;
  try {
    const tenants = registeredTenants({ ...opts, stackFile: userPath(opts.stackFile) });
    const before = opts.fromRef ? ledgerAtRef(opts.fromRef, ledgerPath) : readLedger(ledgerPath);
    const assignment = assignShards(tenants, before, opts.limit ?? before?.limit);
    const current = fs.existsSync(ledgerPath) ? fs.readFileSync(ledgerPath, "utf8") : undefined;
    const written = formatLedger(assignment.ledger) !== current;
    if (written) writeLedger(ledgerPath, assignment.ledger);
    result = {
      ledger: ledgerPath,
      written,
      from: opts.fromRef ? `${opts.fromRef}:${ledgerPath}` : ledgerPath,
      tenants: tenants.length,
      shards: new Set(Object.values(assignment.ledger.assignments)).size,
      limit: assignment.ledger.limit,
      added: Object.fromEntries(assignment.added.map((t) => [t, assignment.ledger.assignments[t]])),
      retired: assignment.ledger.retired ?? [],
      changedShards: changedShards(before, assignment.ledger),
    };
  } catch (err) {
    if (err instanceof ShardLedgerError) {
      const hint = opts.fromRef
        ? ""
        : ' If a merge put two branches\' new tenants in one shard, start from the ledger of the branch you merge into: add --from-ref origin/main (docs/tenant-keys.md, "Merging").';
      failInput(`${ledgerPath}: ${err.message}.${hint}`);
    }
    if (err instanceof ShardSetError || err instanceof StackFileError) failInput(err.message);
    throw err;
  }
  const added = Object.entries(result.added);
  await writeOut(
    opts.json
      ? JSON.stringify(result, null, 2) + "\n"
      : `${result.ledger}: ${result.written ? "written" : "up to date"}; ${result.tenants} registered tenants, ` +
          `${result.retired.length} retired, in ${result.shards} shards of at most ${result.limit}.\n` +
          (added.length
            ? `${added.length} newly assigned: ${added
                .slice(0, 10)
                .map(([t, s]) => `${t} → shard ${s}`)
                .join(", ")}${added.length > 10 ? ", …" : ""}\n`
            : "") +
          (result.changedShards.length
            ? `Shards whose tenants changed: ${result.changedShards.join(", ")}. Commit the ledger with the registry.\n`
            : ""),
  );
  return EXIT_OK;
}
