import * as fc from "fast-check";
import { TENANT_ID_PATTERN } from "../platform/config/tenants";
import {
  assignShards,
  changedShards,
  ledgerProblems,
  MAX_SHARD_LIMIT,
  ShardLedger,
  shardGroup,
  shardStackName,
} from "../tenantKeys/shards";
import { formatLedger, parseLedger } from "../tools/tenants/shardSet";
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

  test("a new tenant goes to the newest shard with room, then to a new shard; retired tenants are recorded as such", () => {
    const { ledger } = assignShards(ids(5), undefined, 2);
    // The limit raised to 3: every shard has room; the newest (2) fills first, then 1, then 0, then a new one.
    const raised = assignShards([...ids(5), "a", "b", "c", "d", "e"], ledger, 3);
    expect(["a", "b", "c", "d", "e"].map((t) => raised.ledger.assignments[t])).toEqual([2, 2, 1, 0, 3]);
    const retired = assignShards(["t-0", "t-3"], ledger);
    expect([retired.ledger.retired, retired.ledger.assignments]).toEqual([
      ["t-1", "t-2", "t-4"],
      ledger.assignments,
    ]);
  });

  test("a stale ledger: each way it can disagree with the registry is named", () => {
    const ledger: ShardLedger = { limit: 2, assignments: { a: 0, b: 0, c: 1, d: 1 }, retired: ["d"] };
    expect(ledgerProblems(["a", "b", "c"], ledger)).toEqual([]);
    expect(ledgerProblems(["a", "b", "c"], { ...ledger, retired: undefined })).toEqual([
      "no longer registered but not marked retired: d",
    ]);
    expect(ledgerProblems(["a", "b", "c", "new"], ledger)).toEqual(["registered but not in the ledger: new"]);
    expect(ledgerProblems(["a", "b", "c", "d"], ledger)).toEqual(["registered again but marked retired: d"]);
    expect(ledgerProblems(["a", "b"], ledger)).toEqual(["no longer registered but not marked retired: c"]);
    expect(ledgerProblems(["a", "b", "c"], { ...ledger, retired: ["d", "x"] })).toEqual([
      "marked retired but holding no shard: x",
    ]);
    expect(ledgerProblems(["a", "b", "c"], ledger, 3)).toEqual(["its limit is 2, not 3"]);
    // Two branches' tenants merged into one shard without a conflict: over the limit.
    expect(
      ledgerProblems(["a", "b", "c", "e"], { ...ledger, assignments: { ...ledger.assignments, e: 0 } }),
    ).toEqual(["shard 0 holds 3 tenants, over the limit of 2"]);
    expect(ledgerProblems(["a"], undefined)).toEqual(["no ledger, and 1 registered tenants"]);
    expect(ledgerProblems([], undefined)).toEqual([]);
  });

  test("property: across random add/remove sequences, assign keeps every tenant's shard, marks exactly the removed ones retired, stays within the limit, and is a fixed point", () => {
    const universe = ids(80);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.tuple(fc.subarray(universe), fc.subarray(universe)), { minLength: 1, maxLength: 10 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 10, maxLength: 10 }),
        (limit, steps, raises) => {
          let registry: string[] = [];
          let ledger: ShardLedger | undefined;
          steps.forEach(([add, remove], step) => {
            registry = [
              ...registry.filter((t) => !remove.includes(t)),
              ...add.filter((t) => !registry.includes(t)),
            ];
            const stepLimit = (ledger?.limit ?? limit) + raises[step];
            const result = assignShards(registry, ledger, stepLimit);
            const before = ledger?.assignments ?? {};
            for (const [t, shard] of Object.entries(before)) expect(result.ledger.assignments[t]).toBe(shard);
            const everRegistered = new Set([...Object.keys(before), ...registry]);
            expect(Object.keys(result.ledger.assignments).sort()).toEqual([...everRegistered].sort());
            expect(result.ledger.retired).toEqual(
              [...everRegistered].filter((t) => !registry.includes(t)).sort(),
            );
            for (const shard of result.shards) expect(shard.length).toBeLessThanOrEqual(stepLimit);
            // The lockfile property: fresh after assign, and assign again (through the file) changes nothing.
            expect(ledgerProblems(registry, result.ledger)).toEqual([]);
            const reread = parseLedger(formatLedger(result.ledger), "ledger");
            expect(formatLedger(assignShards(registry, reread).ledger)).toBe(formatLedger(result.ledger));
            ledger = reread;
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  test("property: two branches assigning tenants, merged in either order: re-running assign from the merged-into branch's ledger places everyone and moves nobody", () => {
    const universe = ids(40);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.subarray(universe),
        fc.uniqueArray(fc.constantFrom("x", "y", "z"), { minLength: 1 }),
        fc.uniqueArray(fc.constantFrom("p", "q", "r"), { minLength: 1 }),
        fc.subarray(universe),
        (limit, base, addA, addB, removeB) => {
          const main = assignShards(base, undefined, limit).ledger;
          const registryA = [...base, ...addA];
          const registryB = [...base.filter((t) => !removeB.includes(t)), ...addB];
          const branch = { A: assignShards(registryA, main).ledger, B: assignShards(registryB, main).ledger };
          // git merges the registries' lines: B's removals and both branches' additions.
          const merged = [...base.filter((t) => !removeB.includes(t)), ...addA, ...addB];
          for (const [first, second] of [
            ["A", "B"],
            ["B", "A"],
          ] as const) {
            // The first branch lands on main; the second's ledger is re-assigned from main's.
            const resolved = assignShards(merged, branch[first]);
            for (const [t, shard] of Object.entries(branch[first].assignments))
              expect([second, t, resolved.ledger.assignments[t]]).toEqual([second, t, shard]);
            for (const t of [...addA, ...addB]) expect(resolved.ledger.assignments[t]).toBeDefined();
            for (const shard of resolved.shards) expect(shard.length).toBeLessThanOrEqual(limit);
            expect(resolved.ledger.retired).toEqual(base.filter((t) => removeB.includes(t)).sort());
            expect(ledgerProblems(merged, resolved.ledger)).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test("the ledger's text is JSON.stringify's, keys sorted, so git diffs one line per tenant", () => {
    const ledger = { limit: 3, assignments: { b: 1, a: 0 }, retired: ["b"] };
    expect(formatLedger(ledger)).toBe(
      JSON.stringify({ limit: 3, assignments: { a: 0, b: 1 }, retired: ["b"] }, null, 2) + "\n",
    );
    expect(formatLedger({ limit: 1, assignments: {} })).toBe(
      '{\n  "limit": 1,\n  "assignments": {},\n  "retired": []\n}\n',
    );
    expect(() => parseLedger('{\n<<<<<<< HEAD\n  "a": 0\n=======\n  "b": 0\n>>>>>>> branch\n}', "L")).toThrow(
      "L holds git merge conflict markers: resolve it by re-running assign from the ledger of the branch you merge into",
    );
  });

  test("changed shards are those whose tenant sets differ; groups split the shards evenly and never change", () => {
    const before = { limit: 2, assignments: { a: 0, b: 0, c: 1 } };
    expect(changedShards(before, { limit: 2, assignments: { a: 0, b: 0, c: 1, d: 1 }, retired: [] })).toEqual(
      [1],
    );
    expect(changedShards(before, { ...before, retired: ["c"] })).toEqual([]);
    expect(changedShards(undefined, { limit: 2, assignments: { a: 0, c: 3 } })).toEqual([0, 3]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }), (shards, n) => {
        const groups = Array.from({ length: shards }, (_, s) => shardGroup(s, n));
        for (const g of groups) expect(g >= 1 && g <= n).toBe(true);
        const sizes = Array.from({ length: n }, (_, i) => groups.filter((g) => g === i + 1).length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  test("shard stack names sort with their numbers", () => {
    expect([shardStackName("prod", 0), shardStackName("prod", 42)]).toEqual([
      "prod-shard-000",
      "prod-shard-042",
    ]);
  });
});
