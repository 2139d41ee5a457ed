/**
 * Which tenant-key shard stack holds each tenant's KEKs. The assignment is state, not a function of
 * the tenant list: a pure function of the ids cannot both keep every tenant where it is when others
 * arrive or leave and keep every shard within its limit. So a ledger records each tenant's shard;
 * a tenant keeps its shard for good, and a new tenant takes the newest shard with room (then a new
 * shard), in registry order. Onboarding one tenant therefore touches one shard. A tenant removed from
 * the registry stays in the ledger, marked retired, and in its shard, whose stack keeps declaring its
 * keys: they are protected, so dropping them would fail every later update of the shard, and a KMS
 * key name is never free again. The ledger is a lockfile: `tenants assign` alone writes it, and
 * `plan` and `up` refuse one that disagrees with the registry (ledgerProblems).
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
  /** Tenant id → shard number, retired tenants included. */
  assignments: Record<string, number>;
  /**
   * Tenants no longer registered, sorted: they keep their shard and their keys. Absent in ledgers
   * written before it was recorded, which then had none.
   */
  retired?: string[];
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
 * not), new tenants go to the newest shard with room, then to a new shard. Fails, moving nothing, if
 * the ledger cannot be honoured (a shard over the limit, a negative or non-integer shard number).
 * Linear in the tenants: 100,000 in a few tens of milliseconds.
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
  // A Map while assigning: ten times faster than an object's 100,000 string keys.
  const assignments = new Map<string, number>();
  const counts: number[] = [];
  const removed: string[] = [];
  for (const [tenant, shard] of Object.entries(previous?.assignments ?? {})) {
    if (!Number.isInteger(shard) || shard < 0)
      throw new ShardLedgerError(`ledger: tenant ${tenant} has shard ${String(shard)}, not a shard number`);
    if (!registered.has(tenant)) removed.push(tenant);
    assignments.set(tenant, shard);
    counts[shard] = (counts[shard] ?? 0) + 1;
  }
  const over = counts.findIndex((n) => (n ?? 0) > limit);
  if (over >= 0)
    throw new ShardLedgerError(
      `shard ${over} holds ${counts[over]} tenants, over the limit of ${limit}: a limit can be raised, never lowered below a shard's size (tenants never move)`,
    );
  const added: string[] = [];
  // The newest shard with room; past the newest shard when every shard is full (a new shard).
  const newestWithRoom = (below: number) => {
    for (let shard = below - 1; shard >= 0; shard--) if ((counts[shard] ?? 0) < limit) return shard;
    return counts.length;
  };
  let next = newestWithRoom(counts.length);
  for (const tenant of tenantIds) {
    if (assignments.has(tenant)) continue;
    if ((counts[next] ?? 0) >= limit) next = newestWithRoom(next);
    assignments.set(tenant, next);
    counts[next] = (counts[next] ?? 0) + 1;
    added.push(tenant);
  }
  const shards: string[][] = Array.from({ length: counts.length }, () => []);
  for (const tenant of [...tenantIds, ...removed]) shards[assignments.get(tenant) as number].push(tenant);
  return {
    ledger: { limit, assignments: Object.fromEntries(assignments), retired: [...removed].sort() },
    shards,
    added,
    removed,
  };
}

/**
 * What makes a ledger stale for a registry, as `npm ci` finds a lockfile stale for package.json:
 * a registered tenant it lacks or marks retired, a tenant it holds as active that is no longer
 * registered, a shard over its limit, a limit other than the one asked for. Empty: `tenants assign`
 * would change nothing.
 */
export function ledgerProblems(
  tenantIds: readonly string[],
  ledger: ShardLedger | undefined,
  limit?: number,
): string[] {
  if (!ledger) return tenantIds.length ? [`no ledger, and ${tenantIds.length} registered tenants`] : [];
  const problems: string[] = [];
  const list = (ids: string[]) =>
    ids.length > 5 ? `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more` : ids.join(", ");
  const registered = new Set(tenantIds);
  const retired = new Set(ledger.retired ?? []);
  const missing = tenantIds.filter((t) => !Object.prototype.hasOwnProperty.call(ledger.assignments, t));
  if (missing.length) problems.push(`registered but not in the ledger: ${list(missing)}`);
  const back = tenantIds.filter((t) => retired.has(t));
  if (back.length) problems.push(`registered again but marked retired: ${list(back)}`);
  const gone = Object.keys(ledger.assignments).filter((t) => !registered.has(t) && !retired.has(t));
  if (gone.length) problems.push(`no longer registered but not marked retired: ${list(gone.sort())}`);
  const unknown = [...retired].filter((t) => !Object.prototype.hasOwnProperty.call(ledger.assignments, t));
  if (unknown.length) problems.push(`marked retired but holding no shard: ${list(unknown)}`);
  if (limit !== undefined && limit !== ledger.limit)
    problems.push(`its limit is ${ledger.limit}, not ${limit}`);
  const counts = new Map<number, number>();
  for (const [tenant, shard] of Object.entries(ledger.assignments)) {
    if (!Number.isInteger(shard) || shard < 0)
      problems.push(`tenant ${tenant} has shard ${String(shard)}, not a shard number`);
    counts.set(shard, (counts.get(shard) ?? 0) + 1);
  }
  for (const [shard, n] of [...counts].sort(([a], [b]) => a - b))
    if (n > ledger.limit)
      problems.push(`shard ${shard} holds ${n} tenants, over the limit of ${ledger.limit}`);
  return problems;
}

/** Each shard's tenants, retired ones included, as sets: what a shard stack declares keys for. */
function tenantsByShard(ledger: ShardLedger | undefined): Map<number, Set<string>> {
  const shards = new Map<number, Set<string>>();
  for (const [tenant, shard] of Object.entries(ledger?.assignments ?? {})) {
    if (!shards.has(shard)) shards.set(shard, new Set());
    shards.get(shard)?.add(tenant);
  }
  return shards;
}

/** The shards whose tenant set differs between two ledgers (sorted): the only ones whose plan can change. */
export function changedShards(before: ShardLedger | undefined, after: ShardLedger): number[] {
  const [old, now] = [tenantsByShard(before), tenantsByShard(after)];
  const changed = [...new Set([...old.keys(), ...now.keys()])].filter((shard) => {
    const [a, b] = [old.get(shard) ?? new Set<string>(), now.get(shard) ?? new Set<string>()];
    return a.size !== b.size || [...a].some((t) => !b.has(t));
  });
  return changed.sort((a, b) => a - b);
}

/**
 * The group (1-based) of `--group I/N` a shard belongs to: its number modulo N. A shard's number
 * never changes, so neither does its group, and consecutive shards spread evenly over the groups.
 */
export function shardGroup(shard: number, groups: number): number {
  return (shard % groups) + 1;
}

/** The shard stack's name: `<platform stack>-shard-<nnn>`, sortable. */
export function shardStackName(platformStack: string, shard: number): string {
  return `${platformStack}-shard-${String(shard).padStart(3, "0")}`;
}
