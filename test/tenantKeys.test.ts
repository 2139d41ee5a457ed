import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluatePacks } from "../harness/policyEvaluator";
import { CapturedResource } from "../harness/model";
import { parseDeployment } from "../harness/readDeployment";
import { loadStack } from "../harness/stackFile";
import { configFromValues } from "../platform/config/read";
import { TENANT_KEY_PACK } from "../policies/packs";
import { kekResourceName } from "../tenantKeys/program";
import {
  deployShards,
  isQuotaError,
  Journal,
  ShardDeployment,
  ShardStacks,
} from "../tools/tenants/deployShards";
import { migrationScript, planMoves, rehearseMigration } from "../tools/tenants/migration";
import { planAllShards } from "../tools/tenants/planAll";
import { platformFacts } from "../tools/tenants/platformFacts";
import { PlatformFacts, planShard, ShardInput } from "../tools/tenants/shardPlan";
import { editResource, removeResource } from "./helpers/mutate";
import { planStack } from "./helpers/plan";
import before from "./fixtures/prod-tenant-keks-before-shards.json";

const PROD_TENANTS = ["acme-payments", "borealis-travel", "cedar-health", "dune-outfitters", "ember-energy"];
const shard0: ShardInput = { shard: 0, stack: "prod-shard-000", tenants: PROD_TENANTS };
const REF = "organization/qairopay-platform/prod";

let platform: PlatformFacts;
let shardPlan: CapturedResource[];
let platformPlan: CapturedResource[];
beforeAll(async () => {
  const stackConfig = loadStack("prod");
  platform = await platformFacts(configFromValues(stackConfig.values, "prod"), stackConfig, REF);
  shardPlan = (await planShard(platform, shard0)).resources;
  platformPlan = (await planStack("prod")).resources;
});

const keys = (rs: CapturedResource[]) => rs.filter((r) => r.type === "gcp:kms/cryptoKey:CryptoKey");

describe("tenant keys leave the platform stack (TEN-01)", () => {
  test("the platform plan holds the tenant-kek rings and no tenant KEK; it exports what the shards read", () => {
    expect(keys(platformPlan).filter((k) => (k.inputs.labels as Record<string, string>).tenant)).toEqual([]);
    expect(platform.outputs.tenantKeys).toEqual({
      environment: "prod",
      rings: {
        "us-central1": "projects/qp-prod-kms/locations/us-central1/keyRings/tenant-kek",
        "us-east1": "projects/qp-prod-kms/locations/us-east1/keyRings/tenant-kek",
      },
      labels: { env: "prod", owner: "platform-engineering", "data-class": "none", "managed-by": "pulumi" },
      protect: true,
    });
  });

  test("a shard registers, through its stack reference, each tenant's KEK in every region exactly as the platform did", () => {
    const old = parseDeployment({ version: 3, deployment: { resources: before.resources } }, "fixture");
    expect(keys(shardPlan).map((k) => k.name)).toEqual(
      PROD_TENANTS.flatMap((t) => ["us-central1", "us-east1"].map((r) => kekResourceName("prod", r, t))),
    );
    for (const key of keys(shardPlan)) {
      const was = old.find((o) => o.name === key.name);
      expect([key.name, key.inputs, key.protect, key.retainOnDelete]).toEqual([
        key.name,
        was?.inputs,
        true,
        true,
      ]);
    }
  });

  test("the shard passes the tenant-key pack and the rehearsal (Cloud KMS is the platform's)", async () => {
    const plan = await planShard(platform, shard0);
    expect([plan.violations, plan.rehearsal]).toEqual([[], []]);
  });

  test("the tenant-key pack catches a KEK missing in one region, and an unrotated one", async () => {
    const missing = removeResource(kekResourceName("prod", "us-east1", "cedar-health"))(shardPlan);
    const unrotated = editResource(
      kekResourceName("prod", "us-central1", "acme-payments"),
      (p) => delete p.rotationPeriod,
    )(shardPlan);
    const found = [
      ...(await evaluatePacks([TENANT_KEY_PACK], missing)),
      ...(await evaluatePacks([TENANT_KEY_PACK], unrotated)),
    ];
    expect(found.map((v) => [v.policyName, v.urn.split("::").pop(), v.message.split("\n").pop()])).toEqual([
      [
        "kms-tenant-kek-per-region",
        "prod-keys-us-central1-kek-cedar-health",
        '[TEN-01] gcp:kms/cryptoKey:CryptoKey "prod-keys-us-central1-kek-cedar-health": tenant cedar-health has no KEK in us-east1 (only in us-central1). Fix: create the tenant\'s KEK in us-east1',
      ],
      [
        "kms-cryptokey-rotation",
        "prod-keys-us-central1-kek-acme-payments",
        expect.stringContaining("rotationPeriod"),
      ],
    ]);
  });

  test("a platform stack without the tenantKeys output stops the shard with a message naming it", async () => {
    await expect(planShard({ ...platform, outputs: {} }, shard0)).rejects.toThrow(
      "platform stack organization/qairopay-platform/prod exports no tenantKeys output: run `pulumi up` on the platform stack first",
    );
  });

  test("a bad shard configuration fails before anything registers, naming every key", async () => {
    await expect(
      planShard(platform, { shard: 0, stack: "prod-shard-000", tenants: ["Bad_Id", "ok"] }),
    ).rejects.toThrow("qairopay-tenant-keys:tenants.0: must be a tenant id (lower-case DNS label)");
  });
});

describe("the cross-shard check of `tenants plan`", () => {
  test("a registered tenant no shard holds, and a shard over its limit, are found", async () => {
    const reports: string[] = [];
    const result = await planAllShards(
      platform,
      ["us-central1", "us-east1"],
      [...PROD_TENANTS, "forgotten"],
      4,
      [shard0],
      { workers: 1, withResources: false, onReport: (r) => void reports.push(r.shard.stack) },
    );
    expect(reports).toEqual(["prod-shard-000"]);
    expect(result.coverage.map((c) => c.problem)).toEqual([
      "shard prod-shard-000 holds 5 tenants, over the limit of 4",
      "tenant forgotten has no KEK in us-central1 in any shard",
      "tenant forgotten has no KEK in us-east1 in any shard",
    ]);
    expect(result.keks).toBe(10);
  });
});

describe("migration by `pulumi state move` (tenants migrate)", () => {
  const deployed = () => {
    const old = parseDeployment({ version: 3, deployment: { resources: before.resources } }, "fixture");
    return [...platformPlan, ...old];
  };

  test("after the move the platform's preview deletes nothing and the shard's creates nothing", () => {
    const state = deployed();
    const { moves, unassigned } = planMoves(state, [shard0]);
    expect([moves.map((m) => [m.shard.stack, m.urns.length]), unassigned]).toEqual([
      [["prod-shard-000", 10]],
      [],
    ]);
    const rehearsal = rehearseMigration(state, platformPlan, moves, new Map([["prod-shard-000", shardPlan]]));
    expect(rehearsal).toEqual({
      platform: [],
      shards: [{ stack: "prod-shard-000", created: [], changed: [], provider: [] }],
    });
  });

  test("without the move, the platform's preview would delete every KEK: the rehearsal says so", () => {
    const state = deployed();
    const rehearsal = rehearseMigration(state, platformPlan, [], new Map());
    expect(rehearsal.platform.map((c) => c.op)).toEqual(Array(10).fill("delete"));
  });

  test("a shard program that no longer matches the moved keys shows as a change", () => {
    const state = deployed();
    const { moves } = planMoves(state, [shard0]);
    const relabelled = editResource(kekResourceName("prod", "us-east1", "ember-energy"), (p) => {
      (p.labels as Record<string, string>).owner = "someone-else";
    })(shardPlan);
    const rehearsal = rehearseMigration(
      state,
      platformPlan,
      moves,
      new Map([["prod-shard-000", relabelled]]),
    );
    expect(rehearsal.shards[0].changed.map((c) => [c.op, c.urn.split("::").pop(), c.fields])).toEqual([
      ["update", "prod-keys-us-east1-kek-ember-energy", ["labels.owner"]],
    ]);
  });

  test("a shard whose provider is not configured as the platform's (the copied one) is reported", async () => {
    const state = deployed();
    const { moves } = planMoves(state, [shard0]);
    const bare = (await planShard({ ...platform, gcpProject: undefined }, shard0)).resources;
    expect(
      rehearseMigration(state, platformPlan, moves, new Map([["prod-shard-000", bare]])).shards[0].provider,
    ).toEqual(['project: "qp-prod-platform" → null']);
  });

  test("the script moves each key by URN, quoted, into its shard stack", () => {
    const { moves } = planMoves(deployed(), [shard0]);
    const script = migrationScript(REF, moves);
    expect(script).toContain(
      "pulumi -C tenant-keys stack select --create organization/qairopay-tenant-keys/prod-shard-000",
    );
    expect(script).toContain(
      "pulumi -C tenant-keys state move --source organization/qairopay-platform/prod --dest organization/qairopay-tenant-keys/prod-shard-000 --yes",
    );
    expect(script).toContain(
      "'urn:pulumi:prod::qairopay-platform::qairopay:kms:KeyHierarchy$gcp:kms/cryptoKey:CryptoKey::prod-keys-us-central1-kek-acme-payments'",
    );
  });
});

describe("`tenants up`: shard stacks deployed with bounded concurrency, retries and a journal", () => {
  const shards: ShardDeployment[] = [0, 1, 2, 3].map((i) => ({
    shard: i,
    stack: `prod-shard-00${i}`,
    tenants: [`t-${i}`],
    config: {},
    fingerprint: `f-${i}`,
  }));
  const journalFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tenants-up-")), "journal.json");
  const newJournal = (): Journal => ({ platformStack: REF, startedAt: "now", shards: {} });

  /** The Automation API's part, recorded: what a real stack would be asked, with scripted answers. */
  function scripted(answers: Record<string, (string | undefined)[]>, deployed: Record<string, string> = {}) {
    const calls: string[] = [];
    let inFlight = 0;
    let most = 0;
    const stacks: ShardStacks = {
      lastFingerprint: async (s) => deployed[s.stack],
      up: async (s) => {
        calls.push(s.stack);
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        const error = (answers[s.stack] ?? []).shift();
        if (error) throw new Error(error);
        return { changes: { create: 2 } };
      },
    };
    return { stacks, calls, most: () => most };
  }

  test("unchanged shards are left alone; a 429 is retried; another error fails the shard; at most `concurrency` at once", async () => {
    const file = journalFile();
    const { stacks, calls, most } = scripted(
      {
        "prod-shard-001": ["googleapi: Error 429: Quota exceeded for quota metric 'Write requests'"],
        "prod-shard-002": ["permission denied"],
      },
      { "prod-shard-003": "f-3", "prod-shard-000": "an older fingerprint" },
    );
    const journal = newJournal();
    const outcomes = await deployShards(shards, stacks, {
      concurrency: 2,
      attempts: 3,
      journalFile: file,
      journal,
      sleep: async () => undefined,
    });
    expect(outcomes.map((o) => [o.stack, o.status, o.attempts])).toEqual([
      ["prod-shard-000", "updated", 1],
      ["prod-shard-001", "updated", 2],
      ["prod-shard-002", "failed", 1],
      ["prod-shard-003", "unchanged", 0],
    ]);
    expect(calls.sort()).toEqual(["prod-shard-000", "prod-shard-001", "prod-shard-001", "prod-shard-002"]);
    expect(most()).toBeLessThanOrEqual(2);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).shards["prod-shard-002"].error).toBe(
      "permission denied",
    );
  });

  test("a resumed run does only what the journal has not done", async () => {
    const file = journalFile();
    const journal = newJournal();
    await deployShards(shards, scripted({ "prod-shard-002": ["permission denied"] }).stacks, {
      concurrency: 2,
      attempts: 1,
      journalFile: file,
      journal,
    });
    const resumed = scripted({});
    const outcomes = await deployShards(shards, resumed.stacks, {
      concurrency: 2,
      attempts: 1,
      journalFile: file,
      journal: JSON.parse(fs.readFileSync(file, "utf8")),
    });
    expect(resumed.calls).toEqual(["prod-shard-002"]);
    expect(outcomes.every((o) => o.status === "updated")).toBe(true);
    // A shard whose tenants (so its fingerprint) changed since the journal was written is done again.
    const changed = shards.map((s) =>
      s.shard === 1 ? { ...s, tenants: ["t-1", "t-new"], fingerprint: "f-1b" } : s,
    );
    const again = scripted({});
    await deployShards(changed, again.stacks, {
      concurrency: 2,
      attempts: 1,
      journalFile: file,
      journal: JSON.parse(fs.readFileSync(file, "utf8")),
    });
    expect(again.calls).toEqual(["prod-shard-001"]);
  });

  test("quota errors are recognised as Cloud KMS reports them, other errors are not", () => {
    expect(
      [
        "Error 429: Too Many Requests",
        "RESOURCE_EXHAUSTED: Quota exceeded",
        "Error 403: permission denied",
      ].map(isQuotaError),
    ).toEqual([true, true, false]);
  });
});

describe("a shard's fingerprint (what `tenants up` compares with the last update)", () => {
  test("the same inputs give the same fingerprint; its tenants or the platform's output change it", () => {
    const { shardFingerprint } = jest.requireActual("../tools/tenants/fingerprint");
    const config = { "qairopay-tenant-keys:tenants": '["a"]' };
    const platformOutput = { rings: { "us-east1": "r" } };
    const base = shardFingerprint(config, platformOutput);
    expect(shardFingerprint({ ...config }, { ...platformOutput })).toBe(base);
    expect(shardFingerprint({ "qairopay-tenant-keys:tenants": '["a","b"]' }, platformOutput)).not.toBe(base);
    expect(shardFingerprint(config, { rings: { "us-east1": "other" } })).not.toBe(base);
  });
});
