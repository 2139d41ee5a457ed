import { StackFileError } from "../../engine/stackFile";
import { ledgerProblems } from "../../tenantKeys/shards";
import { EXIT_BAD_INPUT, EXIT_OK, writeOut } from "../cli/exitCodes";
import type { Common } from "./inputs";
import { userPath } from "./paths";
import { assignCommand, registeredTenants } from "./registry";
import { defaultLedgerPath, readLedger, ShardSetError } from "./shardSet";

/**
 * `tenants check`: the whole-registry check without constructing any shard program (no Pulumi SDK
 * loaded, milliseconds at 100,000 tenants): the ledger agrees with the registry, every tenant has
 * one shard, no shard is over the limit. Exit 2 on a stale ledger, naming `tenants assign`.
 */
export async function runCheck(opts: Common): Promise<number> {
  const ledgerPath = userPath(opts.ledger) ?? defaultLedgerPath(opts.stack);
  let problems: string[];
  let tenants: string[];
  let ledger;
  try {
    tenants = registeredTenants({ ...opts, stackFile: userPath(opts.stackFile) });
    ledger = readLedger(ledgerPath);
    problems = ledgerProblems(tenants, ledger, opts.limit);
  } catch (err) {
    if (err instanceof ShardSetError || err instanceof StackFileError) problems = [err.message];
    else throw err;
    tenants = [];
  }
  const sizes = new Map<number, number>();
  for (const shard of Object.values(ledger?.assignments ?? {})) sizes.set(shard, (sizes.get(shard) ?? 0) + 1);
  const result = {
    ledger: ledgerPath,
    fresh: problems.length === 0,
    problems,
    tenants: tenants.length,
    retired: ledger?.retired?.length ?? 0,
    shards: sizes.size,
    limit: ledger?.limit,
    largestShard: Math.max(0, ...sizes.values()),
  };
  await writeOut(
    opts.json
      ? JSON.stringify(result, null, 2) + "\n"
      : result.fresh
        ? `${ledgerPath}: agrees with the registry; ${result.tenants} tenants (${result.retired} retired besides) in ${result.shards} shards, the largest ${result.largestShard} of at most ${result.limit}.\n`
        : "",
  );
  if (!result.fresh) {
    process.stderr.write(
      `error: the shard ledger ${ledgerPath} is stale for the tenant registry: ${problems.join("; ")}. ` +
        `Run \`${assignCommand(opts)}\` and commit the ledger with the registry (it never moves a tenant).\n`,
    );
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}
