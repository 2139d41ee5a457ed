import * as fc from "fast-check";
import { TENANT_ID_PATTERN } from "../platform/config/tenants";
import { assignShards, MAX_SHARD_LIMIT, ShardLedger, shardStackName } from "../tenantKeys/shards";
import { shardConfigValues } from "../tools/tenants/shardPlan";

const ids = (n: number, prefix = "t") => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe("tenant shard assignment", () => {
  test("fills shards in registry order up to the limit", () => {
    const { shards, added, removed } = assignShards(ids(5), undefined, 2);
    expect(shards).toEqual([["t-0", "t-1"], ["t-2", "t-3"], ["t-4"]]);
    expect([added.length, removed]).toEqual([5, []]);
  });

  test("property: across any sequence of registries, no tenant ever moves and no shard exceeds its limit", () => {
    const universe = ids(60);
    const registry = fc
      .subarray(universe)
      .chain((kept) => fc.shuffledSubarray(kept, { minLength: kept.length }));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.array(registry, { minLength: 1, maxLength: 8 }),
        (limit, steps) => {
          let ledger: ShardLedger | undefined;
          for (const tenants of steps) {
            const before = ledger?.assignments ?? {};
            const result = assignShards(tenants, ledger, limit);
            for (const t of tenants) {
              if (t in before) expect(result.ledger.assignments[t]).toBe(before[t]);
              expect(result.shards[result.ledger.assignments[t]]).toContain(t);
            }
            // Every tenant ever registered keeps its entry (and its shard its keys).
            expect(Object.keys(result.ledger.assignments).sort()).toEqual(
              [...new Set([...Object.keys(before), ...tenants])].sort(),
            );
            for (const shard of result.shards) expect(shard.length).toBeLessThanOrEqual(limit);
            // Onboarding touches only shards with room: each added tenant's shard was not full before.
            ledger = result.ledger;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("property: without a ledger, appending tenants to the registry moves none of the earlier ones", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        (limit, n, more) => {
          const first = assignShards(ids(n), undefined, limit).ledger.assignments;
          const grown = assignShards(ids(n + more), undefined, limit).ledger.assignments;
          for (const [t, shard] of Object.entries(first)) expect(grown[t]).toBe(shard);
        },
      ),
    );
  });

  test("one tenant onboarded touches one shard; a removed tenant keeps its shard and its keys", () => {
    const first = assignShards(ids(5), undefined, 3);
    const afterRemoval = assignShards(["t-0", "t-2", "t-3", "t-4"], first.ledger);
    expect([afterRemoval.removed, afterRemoval.shards]).toEqual([
      ["t-1"],
      [
        ["t-0", "t-2", "t-1"],
        ["t-3", "t-4"],
      ],
    ]);
    const onboarded = assignShards(["t-0", "t-2", "t-3", "t-4", "new"], afterRemoval.ledger);
    expect([onboarded.added, onboarded.ledger.assignments.new]).toEqual([["new"], 1]);
    const back = assignShards(["t-0", "t-1", "t-2", "t-3", "t-4", "new"], onboarded.ledger);
    expect([back.added, back.ledger.assignments["t-1"]]).toEqual([[], 0]);
  });

  test("a limit is never lowered below a shard's size, and bad ledgers are refused", () => {
    const { ledger } = assignShards(ids(4), undefined, 4);
    expect(() => assignShards(ids(4), ledger, 2)).toThrow(
      "shard 0 holds 4 tenants, over the limit of 2: a limit can be raised, never lowered below a shard's size (tenants never move)",
    );
    expect(() => assignShards(["a"], { limit: 2, assignments: { a: -1 } })).toThrow(
      "ledger: tenant a has shard -1, not a shard number",
    );
    expect(() => assignShards(["a", "a"], undefined)).toThrow("the tenant list repeats an id");
    expect(() => assignShards(["a"], undefined, 0)).toThrow("shard limit 0: must be a positive integer");
  });

  test("a full shard of the longest tenant ids fits the CLI's argument and environment limits; a larger limit is refused", () => {
    // The longest id TENANT_ID_PATTERN allows: 40 characters.
    const longest = Array.from({ length: MAX_SHARD_LIMIT }, (_, i) => `t${String(i).padStart(39, "0")}`);
    expect(longest.every((t) => TENANT_ID_PATTERN.test(t) && t.length === 40)).toBe(true);
    const shard = { shard: 999, stack: "staging-shard-999", tenants: longest };
    const config = shardConfigValues("organization/qairopay-platform/staging", shard, "qp-stg-platform-abcd");
    const MAX_ARG_STRLEN = 131_072; // execve(2)
    // What the language host puts in the program's environment (PULUMI_CONFIG), and the largest
    // argument of `pulumi config set-all` (--plaintext key=value).
    expect(Buffer.byteLength(`PULUMI_CONFIG=${JSON.stringify(config)}`)).toBeLessThan(MAX_ARG_STRLEN);
    for (const [k, v] of Object.entries(config))
      expect(Buffer.byteLength(`${k}=${v}`)).toBeLessThan(MAX_ARG_STRLEN);
    expect(() => assignShards(ids(3), undefined, MAX_SHARD_LIMIT + 1)).toThrow(
      `shard limit ${MAX_SHARD_LIMIT + 1}: at most ${MAX_SHARD_LIMIT}`,
    );
  });

  test("shard stack names sort with their numbers", () => {
    expect([shardStackName("prod", 0), shardStackName("prod", 42)]).toEqual([
      "prod-shard-000",
      "prod-shard-042",
    ]);
  });
});
