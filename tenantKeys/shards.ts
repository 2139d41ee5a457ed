/**
 * Which tenant-key shard stack holds each tenant's KEKs. The assignment is state, not a function of
 * the tenant list: a pure function of the ids cannot both keep every tenant where it is when others
 * arrive or leave and keep every shard within its limit. So a ledger records each tenant's shard;
 * a tenant keeps its shard for good, and a new tenant takes the first shard with room, in registry
 * order. Onboarding one tenant therefore touches one shard. A tenant removed from the registry stays
 * in the ledger and in its shard, whose stack keeps declaring its keys: they are protected, so
 * dropping them would fail every later update of the shard, and a KMS key name is never free again.
 */

/** Tenants per shard unless the ledger says otherwise. */
export const DEFAULT_SHARD_LIMIT = 1000;

/**
 * Most tenants one shard may hold: its configuration must fit in one argument and in one
 * environment string of the CLI's processes. `tenants up` sets the tenant list as one argument of
 * `pulumi config set-all`, and the Node.js language host hands the program its whole configuration
 * in one environment variable, PULUMI_CONFIG (sdk/nodejs/cmd/pulumi-language-nodejs/main.go; the
 * policy pack gets it the same way); Linux refuses any single argument or environment string
 * longer than MAX_ARG_STRLEN, 131,072 bytes (execve(2): E2BIG). A tenant id is at most 40
 * characters (TENANT_ID_PATTERN), 45 bytes in PULUMI_CONFIG (quoted, escaped, a comma): 2,500
 * tenants take 112,500 bytes, leaving room for the shard's other keys (test/tenantShards.test.ts).
 */
export const MAX_SHARD_LIMIT = 2500;

export interface ShardLedger {
  /** Most tenants one shard may hold. */
  limit: number;
  /** Tenant id → shard number. */
  assignments: Record<string, number>;
}

export interface ShardAssignment {
  ledger: ShardLedger;
  /** Tenant ids of each shard, by shard number: registered ones in registry order, then retired ones. */
  shards: string[][];
  /** Tenants placed by this assignment (not in the ledger before). */
  added: string[];
  /** Tenants in the ledger that are no longer registered: they keep their shard and their keys. */
  removed: string[];
}

export class ShardLedgerError extends Error {}

/**
 * Assigns every registered tenant to a shard: ledger entries are kept as they are (registered or
 * not), new tenants fill the lowest-numbered shards with room. Fails, moving nothing, if the ledger
 * cannot be honoured (a shard already over a lowered limit, a negative or non-integer shard number).
 */
export function assignShards(
  tenantIds: readonly string[],
  previous: ShardLedger | undefined,
  limit: number = previous?.limit ?? DEFAULT_SHARD_LIMIT,
): ShardAssignment {
  if (!Number.isInteger(limit) || limit < 1)
    throw new ShardLedgerError(`shard limit ${limit}: must be a positive integer`);
  if (limit > MAX_SHARD_LIMIT)
    throw new ShardLedgerError(
      `shard limit ${limit}: at most ${MAX_SHARD_LIMIT}, so that a shard's configuration fits in one argument and one environment variable of the Pulumi CLI (131,072 bytes on Linux)`,
    );
  const registered = new Set(tenantIds);
  if (registered.size !== tenantIds.length) throw new ShardLedgerError("the tenant list repeats an id");
  const assignments: Record<string, number> = {};
  const counts: number[] = [];
  const removed: string[] = [];
  for (const [tenant, shard] of Object.entries(previous?.assignments ?? {})) {
    if (!Number.isInteger(shard) || shard < 0)
      throw new ShardLedgerError(`ledger: tenant ${tenant} has shard ${String(shard)}, not a shard number`);
    if (!registered.has(tenant)) removed.push(tenant);
    assignments[tenant] = shard;
    counts[shard] = (counts[shard] ?? 0) + 1;
  }
  const over = counts.findIndex((n) => (n ?? 0) > limit);
  if (over >= 0)
    throw new ShardLedgerError(
      `shard ${over} holds ${counts[over]} tenants, over the limit of ${limit}: a limit can be raised, never lowered below a shard's size (tenants never move)`,
    );
  const added: string[] = [];
  let next = 0;
  for (const tenant of tenantIds) {
    if (tenant in assignments) continue;
    while ((counts[next] ?? 0) >= limit) next++;
    assignments[tenant] = next;
    counts[next] = (counts[next] ?? 0) + 1;
    added.push(tenant);
  }
  const shards: string[][] = Array.from({ length: counts.length }, () => []);
  for (const tenant of [...tenantIds, ...removed]) shards[assignments[tenant]].push(tenant);
  return { ledger: { limit, assignments }, shards, added, removed };
}

/** The shard stack's name: `<platform stack>-shard-<nnn>`, sortable. */
export function shardStackName(platformStack: string, shard: number): string {
  return `${platformStack}-shard-${String(shard).padStart(3, "0")}`;
}
