import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluatePacks } from "../engine/policyEvaluator";
import { CapturedResource } from "../engine/model";
import { parseDeployment } from "../engine/readDeployment";
import { loadStack } from "../engine/stackFile";
import { configFromValues } from "../platform/config/read";
import { TENANT_KEY_PACK } from "../policies/packs";
import { kekResourceName } from "../tenantKeys/program";
import {
  DeployedShard,
  deployShards,
  isKmsQuotaDiagnostic,
  Journal,
  ShardDeployment,
  ShardDiagnostic,
  ShardStacks,
  ShardUpFailure,
} from "../tools/tenants/deployShards";
import { migrationScript, planMoves, rehearseMigration } from "../tools/tenants/migration";
import { planAllShards } from "../tools/tenants/planAll";
import { runUp } from "../tools/tenants/up";
import { platformFacts } from "../tools/tenants/platformFacts";
import { PlatformFacts, planShard, ShardInput } from "../tools/tenants/shardPlan";
import { editResource, removeResource } from "../specs/mutate";
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

  test("the script moves each shard in one `state move`, each key by URN, quoted, into its shard stack created with the platform's secrets provider", () => {
    const { moves } = planMoves(deployed(), [shard0]);
    const provider = "gcpkms://projects/qp-prod-kms/locations/global/keyRings/pulumi/cryptoKeys/state";
    const script = migrationScript(REF, moves, provider);
    expect(script).toContain(
      `pulumi -C tenant-keys stack select --create organization/qairopay-tenant-keys/prod-shard-000 --secrets-provider '${provider}'`,
    );
    expect(script).toContain(
      `pulumi -C tenant-keys state move --source 'organization/qairopay-platform/prod' --dest "$dest" --yes "$@"`,
    );
    expect(script.match(/^move /gm)).toHaveLength(1);
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

  const KMS_URN =
    "urn:pulumi:prod-shard-001::qairopay-tenant-keys::gcp:kms/cryptoKey:CryptoKey::prod-keys-us-east1-kek-t-1";
  type Answer = string | ShardDiagnostic;
  const succeeded = (fingerprint: string, tenants?: string[]): DeployedShard => ({
    kind: "update",
    result: "succeeded",
    fingerprint,
    tenants,
  });

  /** The Automation API's part, recorded: what a real stack would be asked, with scripted answers. */
  function scripted(answers: Record<string, Answer[]>, deployed: Record<string, DeployedShard> = {}) {
    const calls: string[] = [];
    let inFlight = 0;
    let most = 0;
    const stacks: ShardStacks = {
      cliVersion: async () => "3.248.0",
      lastDeployment: async (s) => deployed[s.stack],
      up: async (s) => {
        calls.push(s.stack);
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        const answer = (answers[s.stack] ?? []).shift();
        if (answer)
          throw new ShardUpFailure(
            s.stack,
            [typeof answer === "string" ? { message: answer } : answer],
            undefined,
          );
        return { changes: { create: 2 } };
      },
    };
    return { stacks, calls, most: () => most };
  }

  test("unchanged shards are left alone; a Cloud KMS 429 is retried; another error fails the shard with its diagnostic; at most `concurrency` at once", async () => {
    const file = journalFile();
    const { stacks, calls, most } = scripted(
      {
        "prod-shard-001": [
          {
            urn: KMS_URN,
            message:
              "1 error occurred:\n\t* Error creating CryptoKey: googleapi: Error 429: Quota exceeded for quota metric 'Write requests'",
          },
        ],
        "prod-shard-002": ["permission denied"],
      },
      { "prod-shard-003": succeeded("f-3"), "prod-shard-000": succeeded("an older fingerprint") },
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

  test("only the newest history entry counts: after a refresh, a failed update or a destroy the shard is updated again", async () => {
    const deployed: Record<string, DeployedShard> = {
      "prod-shard-000": { ...succeeded("f-0"), kind: "refresh" },
      "prod-shard-001": { ...succeeded("f-1"), result: "failed" },
      "prod-shard-002": { ...succeeded("f-2"), kind: "destroy" },
      "prod-shard-003": succeeded("f-3"),
    };
    const { stacks, calls } = scripted({}, deployed);
    await deployShards(shards, stacks, {
      concurrency: 1,
      attempts: 1,
      journalFile: journalFile(),
      journal: newJournal(),
    });
    expect(calls).toEqual(["prod-shard-000", "prod-shard-001", "prod-shard-002"]);
  });

  test("two operators, one shard: a run that would remove a deployed tenant is refused and changes nothing (in staging too)", async () => {
    // Another operator's run added t-9 to shard 0; this checkout's ledger does not have it yet.
    const { stacks, calls } = scripted({}, { "prod-shard-000": succeeded("f-other", ["t-0", "t-9"]) });
    const outcomes = await deployShards(shards, stacks, {
      concurrency: 1,
      attempts: 1,
      journalFile: journalFile(),
      journal: newJournal(),
    });
    expect(outcomes[0]).toMatchObject({ stack: "prod-shard-000", status: "refused" });
    expect(outcomes[0].error).toMatch(
      /^refused: the shard's deployed configuration holds t-9, which this run would remove/,
    );
    expect(calls).not.toContain("prod-shard-000");
  });

  test("a tenant moved between shards (a hand-edited or stale ledger): the run is refused before any shard is updated, not after its new shard got its keys", async () => {
    // The ledger moved t-0 from shard 0 (deployed) to shard 1.
    const moved = [
      { ...shards[0], tenants: ["t-5"] },
      { ...shards[1], tenants: ["t-1", "t-0"] },
    ];
    const { stacks, calls } = scripted({}, { "prod-shard-000": succeeded("f-0", ["t-0"]) });
    const outcomes = await deployShards(moved, stacks, {
      concurrency: 2,
      attempts: 1,
      journalFile: journalFile(),
      journal: newJournal(),
    });
    expect(outcomes.map((o) => [o.stack, o.status])).toEqual([
      ["prod-shard-000", "refused"],
      ["prod-shard-001", "pending"],
    ]);
    expect(outcomes[0].error).toContain("No shard was updated.");
    expect(calls).toEqual([]);
  });

  test("up --group 2/3 deploys only its shards (number 1 modulo 3), with a journal of its own", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tenants-up-group-"));
    const ids = ["t-a", "t-b", "t-c", "t-d", "t-e"];
    fs.writeFileSync(
      path.join(dir, "tenants.yaml"),
      `tenants:\n${ids.map((id) => `  - id: ${id}\n    displayName: ${id}\n`).join("")}`,
    );
    fs.writeFileSync(
      path.join(dir, "ledger.json"),
      JSON.stringify({ limit: 1, assignments: Object.fromEntries(ids.map((t, i) => [t, i])), retired: [] }),
    );
    const { stacks, calls } = scripted({});
    const options = {
      stack: "prod",
      confirmStack: "prod",
      tenantsFile: path.join(dir, "tenants.yaml"),
      ledger: path.join(dir, "ledger.json"),
      concurrency: 2,
      attempts: 1,
      journalDir: dir,
      parallel: 4,
      kmsEndpoint: "http://127.0.0.1:9",
      json: true,
      group: "2/3",
    };
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const code = await runUp(options, stacks, async () => platform.outputs.tenantKeys);
      expect(code).toBe(0);
      expect(calls.sort()).toEqual(["prod-shard-001", "prod-shard-004"]);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith("prod-group-2-of-3-"))).toHaveLength(1);
    } finally {
      write.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a 429 that is not Cloud KMS's (the state file's own write rate on GCS) is not retried as a quota error", async () => {
    const stateWrite: ShardDiagnostic = {
      message:
        "post-step event returned an error: failed to save snapshot: googleapi: Error 429: The rate of change requests to the object exceeds the rate limit., rateLimitExceeded",
    };
    expect(isKmsQuotaDiagnostic(stateWrite)).toBe(false);
    expect(isKmsQuotaDiagnostic({ ...stateWrite, urn: KMS_URN })).toBe(false);
    expect(isKmsQuotaDiagnostic({ urn: KMS_URN, message: "googleapi: Error 429: Quota exceeded" })).toBe(
      true,
    );
    expect(
      isKmsQuotaDiagnostic({
        urn: KMS_URN.replace("gcp:kms/cryptoKey:CryptoKey", "gcp:storage/bucket:Bucket"),
        message: "Error 429",
      }),
    ).toBe(false);
    const { stacks, calls } = scripted({ "prod-shard-001": [stateWrite] });
    const outcomes = await deployShards(shards.slice(1, 2), stacks, {
      concurrency: 1,
      attempts: 5,
      journalFile: journalFile(),
      journal: newJournal(),
      sleep: async () => undefined,
    });
    expect(calls).toEqual(["prod-shard-001"]);
    expect(outcomes[0].status).toBe("failed");
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

  test("once cancelled (Ctrl-C), no further shard starts", async () => {
    const controller = new AbortController();
    const { stacks, calls } = scripted({});
    const slow: ShardStacks = {
      ...stacks,
      up: async (s, out) => {
        controller.abort();
        return stacks.up(s, out);
      },
    };
    const outcomes = await deployShards(shards, slow, {
      concurrency: 1,
      attempts: 1,
      journalFile: journalFile(),
      journal: newJournal(),
      signal: controller.signal,
    });
    expect(calls).toEqual(["prod-shard-000"]);
    expect(outcomes.map((o) => o.status)).toEqual(["updated", "pending", "pending", "pending"]);
  });
});

describe("a shard's fingerprint (what `tenants up` compares with the last update)", () => {
  test("the same inputs give the same fingerprint; its tenants, the platform's output or the CLI's version change it", () => {
    const { shardFingerprint } = jest.requireActual("../tools/tenants/fingerprint");
    const config = { "qairopay-tenant-keys:tenants": '["a"]' };
    const platformOutput = { rings: { "us-east1": "r" } };
    const base = shardFingerprint(config, platformOutput, "3.248.0");
    expect(shardFingerprint({ ...config }, { ...platformOutput }, "3.248.0")).toBe(base);
    expect(
      shardFingerprint({ "qairopay-tenant-keys:tenants": '["a","b"]' }, platformOutput, "3.248.0"),
    ).not.toBe(base);
    expect(shardFingerprint(config, { rings: { "us-east1": "other" } }, "3.248.0")).not.toBe(base);
    expect(shardFingerprint(config, platformOutput, "3.260.0")).not.toBe(base);
  });

  // A file the shard program or its pack loads but the fingerprint does not hash would let `tenants
  // up` leave a shard alone after that file changed (Google's facts and the vocabulary were missing).
  test("it hashes every project module the shard program and its pack load", () => {
    const { fingerprintFiles } = jest.requireActual("../tools/tenants/fingerprint");
    const root = path.join(__dirname, "..");
    // The program's modules and the pack's policies (their entry points run the program and serve the pack).
    const entries = ["tenantKeys/program.js", "tenantKeys/config.js", "policies/tenant-keys/policies.js"];
    const script = `
      for (const entry of ${JSON.stringify(entries)}) require(require("path").join(${JSON.stringify(root)}, "bin", entry));
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const loaded: string[] = JSON.parse(
      execFileSync(process.execPath, ["-e", script], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, PULUMI_NODEJS_STACK: "" },
      }),
    );
    const project = loaded
      .filter((f) => f.startsWith(path.join(root, "bin") + path.sep))
      .map((f) => path.relative(root, f).split(path.sep).join("/"));
    expect(project.length).toBeGreaterThan(5);
    const hashed = new Set<string>(fingerprintFiles());
    // The platform's own config modules are read only for the stack's configuration, hashed as such.
    expect(project.filter((f) => !hashed.has(f))).toEqual([]);
  });

  test.each(["tenant-keys/index.js", "tenant-keys/Pulumi.yaml", "policies/tenant-keys/PulumiPolicy.yaml"])(
    "it changes when %s changes (what `pulumi up` starts in tenant-keys/, and the pack's own files)",
    (file) => {
      const { shardFingerprint } = jest.requireActual("../tools/tenants/fingerprint");
      const config = { "qairopay-tenant-keys:tenants": '["a"]' };
      const base = shardFingerprint(config, {}, "3.248.0");
      const read = (f: string) => (f === file ? "changed" : fs.readFileSync(path.join(__dirname, "..", f)));
      expect(shardFingerprint(config, {}, "3.248.0", read)).not.toBe(base);
    },
  );
});
