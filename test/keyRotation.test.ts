import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KmsWriteQuota, plannedWriteQuota, requiredWritesPerMinute } from "../components/kmsWriteQuota";
import { KmsEmulator } from "../engine/kmsEmulator";
import { runOffline } from "../engine/run";
import { loadStack } from "../engine/stackFile";
import { configFromValues } from "../platform/config/read";
import { PlatformConfig } from "../platform/config/types";
import { RotationJournal } from "../tools/keyRotation/journal";
import { KmsClient } from "../tools/keyRotation/kmsClient";
import { renderPlan } from "../tools/keyRotation/report";
import { rotateTenantKeys } from "../tools/keyRotation/rotateTenantKeys";
import { planRotation, RotationPlan } from "../tools/keyRotation/rotationPlan";
import { acquireRunLock } from "../tools/cli/runLock";
import { ACCESS_TOKEN_ENV, accessTokenSource } from "../tools/keyRotation/accessToken";
import { DOUBLE_ROOT, doubleBackend } from "./helpers/pulumiDouble";
import { named, ofType, planStack } from "./helpers/plan";
import { runInProcess } from "./helpers/cli";
import { command as rotateKeys } from "../tools/rotateTenantKeys";

const TOKEN = "test-token";
const prodConfig = (): PlatformConfig => configFromValues(loadStack("prod").values, "prod");
const withTenants = (count: number): PlatformConfig => ({
  ...prodConfig(),
  tenants: Array.from({ length: count }, (_, i) => ({ id: `t-${i}`, displayName: `T ${i}` })),
});
const tmpDirs: string[] = [];
const tmpDir = () => {
  tmpDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), "rotation-")));
  return tmpDirs[tmpDirs.length - 1];
};
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const keyIdsOf = (config: PlatformConfig) => config.tenants.map((t) => `kek-${t.id}`);
const longAgo = new Date("2026-01-01T00:00:00Z");

describe("rotation plan and quota sizing (ENC-06)", () => {
  test("prod: five keys a region, two writes each, well inside the default quota", () => {
    const plan = planRotation(prodConfig());
    expect(plan.writeQuotaPerMinute).toBe(60);
    expect(plan.regions.map((r) => [r.region, r.ring, r.expectedKeys.length, r.writes])).toEqual([
      ["us-central1", "projects/qp-prod-kms/locations/us-central1/keyRings/tenant-kek", 5, 10],
      ["us-east1", "projects/qp-prod-kms/locations/us-east1/keyRings/tenant-kek", 5, 10],
    ]);
    expect(plan.regions[0].expectedKeys[0]).toBe(
      "projects/qp-prod-kms/locations/us-central1/keyRings/tenant-kek/cryptoKeys/kek-acme-payments",
    );
    expect(plan.projectedMinutes).toBeCloseTo(10 / 54, 6);
    expect(plan.withinBudget).toBe(true);
  });

  test("10,000 tenants: the stack asks for 2,000 writes a minute, which fits the budget", () => {
    expect(requiredWritesPerMinute(10_000)).toBe(2_000);
    const plan = planRotation(withTenants(10_000));
    expect(plan.writeQuotaPerMinute).toBe(2_000);
    expect(plan.projectedMinutes).toBeCloseTo(20_000 / 1_800, 6);
    expect(plan.withinBudget).toBe(true);
  });

  test("10,000 tenants on the default quota is over budget, and the report says what quota to request", () => {
    const plan = planRotation(withTenants(10_000), { writeQuotaPerMinute: 60 });
    expect(plan.withinBudget).toBe(false);
    expect(renderPlan(plan).split("\n").pop()).toBe(
      "Over budget: 370.4 min > 15 min; raise the KMS write quota to at least 1482/min per region (KmsWriteQuota).",
    );
  });

  test("prod wires KmsWriteQuota under the KMS project's APIs and, with five tenants, requests nothing", async () => {
    const run = await planStack("prod");
    const quota = named(run, "prod-kms-write-quota");
    expect(quota.type).toBe("qairopay:kms:KmsWriteQuota");
    expect(quota.dependencies).toContain(
      "urn:pulumi:prod::qairopay-platform::qairopay:projects:PlatformProjects$gcp:projects/service:Service::prod-kms-cloudquotas",
    );
    expect(ofType(run, "gcp:cloudquota/sQuotaPreference:SQuotaPreference")).toEqual([]);
  });

  test("KmsWriteQuota requests nothing while the default suffices, and the sized value per region beyond it", async () => {
    expect(plannedWriteQuota(5)).toBe(60);
    const quotas: KmsWriteQuota[] = [];
    const run = await runOffline(loadStack("prod"), () => {
      for (const [name, keys] of [
        ["small", 300],
        ["large", 10_000],
      ] as const) {
        quotas.push(
          new KmsWriteQuota(name, {
            project: "kms-project",
            regions: ["us-central1", "us-east1"],
            keysPerRegion: keys,
            contactEmail: "sre@example.com",
          }),
        );
      }
      return {};
    });
    const preferences = run.resources.filter(
      (r) => r.type === "gcp:cloudquota/sQuotaPreference:SQuotaPreference",
    );
    expect(quotas.map((q) => q.writesPerMinute)).toEqual([60, 2_000]);
    expect(preferences.map((p) => p.name)).toEqual(["large-us-central1", "large-us-east1"]);
    expect(preferences[1].inputs).toEqual({
      parent: "projects/kms-project",
      name: "cloudkms-write-us-east1",
      service: "cloudkms.googleapis.com",
      quotaId: "WriteTokensUsagePerMinutePerProjectPerRegion",
      dimensions: { region: "us-east1" },
      quotaConfig: { preferredValue: "2000" },
      contactEmail: "sre@example.com",
      justification:
        "Emergency rotation of 10000 tenant keys in us-east1 within 15 minutes (control ENC-06).",
    });
  });
});

describe("rotation against the KMS emulator (real HTTP)", () => {
  let emulator: KmsEmulator;
  let endpoint: string;
  let dir: string;

  const startEmulator = async (writesPerMinute: number, windowMs: number) => {
    emulator = new KmsEmulator({ token: TOKEN, writesPerMinute, windowMs });
    endpoint = await emulator.start();
  };
  const seed = (plan: RotationPlan, keyIds: string[]) =>
    plan.regions.forEach((r) => emulator.seed(r.ring, keyIds, longAgo));
  const client = (plan: RotationPlan) =>
    new KmsClient({ endpoint, accessToken: async () => TOKEN, quotaProject: plan.project, secondMs: 10 });
  const journal = (plan: RotationPlan) =>
    RotationJournal.create(path.join(dir, "r.jsonl"), {
      rotationId: "r",
      stack: plan.stack,
      startedAt: new Date(Date.now() - 1000).toISOString(),
      reason: "INC-1",
      operator: "test",
    });

  beforeEach(() => {
    dir = tmpDir();
  });
  afterEach(async () => {
    await emulator?.stop();
  });

  test("rotates every key of both regions once, paced under the quota, and records each step", async () => {
    const config = withTenants(60);
    // A 4-second "minute": the pacing is exercised at 54 writes per window against a limit of 60.
    // The emulator shares the client's event loop, so it stamps a write when it gets to it, not when
    // it was sent; a stall that delays the first writes of a window more than the last compresses
    // them, and the 10 % headroom must absorb that (400 ms here; 1- and 2-second windows left 100
    // and 200 ms, which a loaded two-core machine exceeded).
    const plan = planRotation(config, { writeQuotaPerMinute: 60 });
    await startEmulator(60, 4000);
    seed(plan, keyIdsOf(config));
    const j = journal(plan);
    const outcome = await rotateTenantKeys({ plan, client: client(plan), journal: j, windowMs: 4000 });

    expect(outcome.complete).toBe(true);
    expect(
      outcome.regions.map((r) => [r.region, r.keys, r.rotatedNow, r.alreadyRotated, r.failed, r.missing]),
    ).toEqual([
      ["us-central1", 60, 60, 0, [], []],
      ["us-east1", 60, 60, 0, [], []],
    ]);
    expect(outcome.writes).toBe(240);
    expect(emulator.stats.throttled).toBe(0);
    expect(emulator.stats.peakWritesPerWindow).toBeLessThanOrEqual(60);
    for (const name of emulator.keyNames()) {
      const key = emulator.key(name);
      expect([key?.versions, key?.primary]).toEqual([2, 2]);
    }
    const lines = fs
      .readFileSync(j.path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string });
    expect(lines.filter((l) => l.kind === "created")).toHaveLength(120);
    expect(lines.filter((l) => l.kind === "primary")).toHaveLength(120);
    expect(lines.at(-1)).toMatchObject({ kind: "finished", complete: true });
  });

  test("a key missing from KMS makes the rotation incomplete; keys outside the registry are rotated too", async () => {
    const config = withTenants(3);
    const plan = planRotation(config, { writeQuotaPerMinute: 6_000 });
    await startEmulator(6_000, 60_000);
    seed(plan, ["kek-t-0", "kek-t-1", "kek-offboarded"]);
    const outcome = await rotateTenantKeys({ plan, client: client(plan), journal: journal(plan) });

    expect(outcome.complete).toBe(false);
    expect(outcome.regions[0].missing).toEqual([
      "projects/qp-prod-kms/locations/us-central1/keyRings/tenant-kek/cryptoKeys/kek-t-2",
    ]);
    expect(outcome.regions[0].rotatedNow).toBe(3);
    expect(emulator.key(`${plan.regions[0].ring}/cryptoKeys/kek-offboarded`)?.primary).toBe(2);
  });

  test("throttled by a quota lower than planned: backs off, retries and still completes", async () => {
    const config = withTenants(20);
    const plan = planRotation(config, { writeQuotaPerMinute: 600 });
    // The real quota: 5 writes a (one-second) window, far below the 540 the run paces itself to,
    // so the run is throttled even on a machine too loaded to send 100 writes a second.
    await startEmulator(5, 1000);
    seed(plan, keyIdsOf(config));
    const outcome = await rotateTenantKeys({
      plan,
      client: client(plan),
      journal: journal(plan),
      windowMs: 1000,
    });

    expect(emulator.stats.throttled).toBeGreaterThan(0);
    expect(outcome.throttled).toBe(emulator.stats.throttled);
    expect(outcome.complete).toBe(true);
    expect(emulator.keyNames().every((n) => emulator.key(n)?.versions === 2)).toBe(true);
  });

  test("npm run rotate-keys -- --stack prod: the plan, offline, within budget (exit 0)", async () => {
    const plan = await cliInProcess(["--stack", "prod"]);
    expect([plan.code, plan.stdout]).toEqual([
      0,
      [
        "Emergency rotation of the tenant KEKs of stack prod (project qp-prod-kms)",
        "  write quota 60/min per region, used at 90 %",
        "  us-central1: 5 keys, 10 writes at 54/min → 0.2 min",
        "  us-east1: 5 keys, 10 writes at 54/min → 0.2 min",
        "  1 shard stacks: prod-shard-000 5 tenants / 10 keys",
        "Within budget: 0.2 min of 15 min.",
        "",
      ].join("\n"),
    ]);
    expect((await cliInProcess(["--stack", "prod", "--write-quota", "0.5"])).code).toBe(1);
  });

  test("the CLI refuses to rotate without its guards and calls nothing", async () => {
    await startEmulator(6_000, 60_000);
    const noConfirm = await cliInProcess([
      "--stack",
      "prod",
      "--execute",
      "--reason",
      "INC-7",
      "--endpoint",
      endpoint,
    ]);
    expect(noConfirm.code).toBe(2);
    expect(noConfirm.stderr).toBe("error: --execute needs --confirm-stack prod\n");
    const noReason = await cliInProcess([
      "--stack",
      "prod",
      "--execute",
      "--confirm-stack",
      "prod",
      "--endpoint",
      endpoint,
    ]);
    expect(noReason.stderr).toBe("error: --execute needs --reason (the incident or ticket reference)\n");
    expect(emulator.stats).toMatchObject({ reads: 0, writes: 0 });
  });

  test("staging: the keys are found in the deployed KMS project (its generation suffix from the stack's outputs), not the configured one", async () => {
    const config = configFromValues(loadStack("staging").values, "staging");
    await startEmulator(6_000, 60_000);
    for (const ring of Object.values(ringsOf("qp-stg-kms-7c1e")))
      emulator.seed(ring, keyIdsOf(config), longAgo);
    const common = ["--stack", "staging", "--execute", "--confirm-stack", "staging", "--reason", "INC-9"];
    const run = await cli([...common, "--endpoint", endpoint, "--journal-dir", dir, "--json"]);
    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout) as {
      complete: boolean;
      regions: { region: string; keys: number; rotatedNow: number; missing: string[] }[];
    };
    expect(outcome.complete).toBe(true);
    expect(outcome.regions.map((r) => [r.region, r.keys, r.rotatedNow, r.missing])).toEqual([
      ["us-central1", config.tenants.length, config.tenants.length, []],
      ["us-east1", config.tenants.length, config.tenants.length, []],
    ]);
    expect(
      emulator
        .keyNames()
        .every((n) => n.startsWith("projects/qp-stg-kms-7c1e/") && emulator.key(n)?.versions === 2),
    ).toBe(true);
    // Without the stack's outputs (its backend unreachable): a clear refusal, or the project named by hand.
    const unreachable = await cli([...common, "--endpoint", endpoint, "--journal-dir", tmpDir()], undefined, {
      PULUMI_BACKEND_URL: `file://${tmpDir()}`,
    });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain("--kms-project <the deployed KMS project id>");
    const byHand = await cli(
      [...common, "--endpoint", endpoint, "--journal-dir", tmpDir(), "--kms-project", "qp-stg-kms-7c1e"],
      undefined,
      { PULUMI_BACKEND_URL: `file://${tmpDir()}` },
    );
    expect(byHand.code).toBe(0);
  });

  test("the CLI killed mid-rotation is finished by --resume without rotating any key twice over", async () => {
    const config = prodConfig();
    const plan = planRotation(config);
    await startEmulator(6_000, 60_000);
    seed(plan, keyIdsOf(config));
    const args = ["--stack", "prod", "--execute", "--confirm-stack", "prod", "--reason", "INC-42"];
    const common = [
      "--endpoint",
      endpoint,
      "--journal-dir",
      dir,
      "--write-quota",
      "6000",
      "--concurrency",
      "2",
    ];

    const first = cli([...args, ...common], (child) => {
      emulator.onWrite = (writes) => writes === 5 && child.kill("SIGKILL");
    });
    expect((await first).signal).toBe("SIGKILL");
    emulator.onWrite = undefined;
    const [journalFile] = fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl"));
    expect(journalFile).toMatch(/^prod-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-000Z\.jsonl$/);
    const writesBefore = emulator.stats.writes;
    expect(writesBefore).toBeLessThan(20);

    const fresh = await cli([...args, ...common]);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toContain("is unfinished: finish it with --resume");

    const resumed = await cli([...args, ...common, "--resume", path.join(dir, journalFile), "--json"]);
    expect(resumed.code).toBe(0);
    const outcome = JSON.parse(resumed.stdout) as {
      complete: boolean;
      regions: { alreadyRotated: number }[];
      shards: { stack: string; keys: number; rotated: number; failed: number; missing: number }[];
    };
    expect(outcome.complete).toBe(true);
    expect(outcome.shards).toEqual([
      { stack: "prod-shard-000", keys: 10, rotated: 10, failed: 0, missing: 0 },
    ]);
    // A kill between a create and its journal line can leave one spare version per key in flight (2 per region).
    const versions = emulator.keyNames().map((n) => emulator.key(n)?.versions ?? 0);
    expect(versions.every((v) => v === 2 || v === 3)).toBe(true);
    expect(versions.filter((v) => v === 3).length).toBeLessThanOrEqual(4);
    expect(emulator.stats.writes).toBeLessThanOrEqual(20 + 4);
    for (const name of emulator.keyNames()) {
      expect(new Date(emulator.key(name)?.primaryCreateTime ?? 0) > longAgo).toBe(true);
    }
    expect(fs.existsSync(path.join(dir, `${journalFile}.lock`))).toBe(false);
  });
});

describe("the access token (gcloud)", () => {
  const script = (body: string) => {
    const file = path.join(tmpDir(), "gcloud");
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  };
  const saved = process.env[ACCESS_TOKEN_ENV];
  beforeEach(() => delete process.env[ACCESS_TOKEN_ENV]);
  afterEach(() =>
    saved === undefined ? delete process.env[ACCESS_TOKEN_ENV] : (process.env[ACCESS_TOKEN_ENV] = saved),
  );

  test("a gcloud that hangs (not logged in, waiting on a prompt) times out and says what to run", async () => {
    const token = accessTokenSource({ gcloud: script("sleep 30"), timeoutMs: 300 });
    await expect(token()).rejects.toThrow(
      /did not answer within 0\.3 s; log in with `gcloud auth login` \(an account with the roles the tool needs\), or set QAIROPAY_KMS_ACCESS_TOKEN$/,
    );
  });

  test("a gcloud that fails passes on what it said; a missing gcloud is named", async () => {
    const failing = accessTokenSource({
      gcloud: script(
        'echo "ERROR: (gcloud.auth.print-access-token) You do not currently have an active account selected." >&2; exit 1',
      ),
    });
    await expect(failing()).rejects.toThrow(
      "failed (ERROR: (gcloud.auth.print-access-token) You do not currently have an active account selected.)",
    );
    await expect(accessTokenSource({ gcloud: path.join(tmpDir(), "none") })()).rejects.toThrow(
      /is not installed or not on PATH/,
    );
    expect(await accessTokenSource({ gcloud: script("echo ya29.token") })()).toBe("ya29.token");
  });
});

describe("run lock and journal", () => {
  test("a live owner blocks a second run; a dead owner's lock is taken over", () => {
    const file = path.join(tmpDir(), "r.jsonl");
    const release = acquireRunLock(file);
    expect(() => acquireRunLock(file)).toThrow(`${file} is being run by process ${process.pid}`);
    release();
    fs.writeFileSync(`${file}.lock`, "999999999");
    expect(() => acquireRunLock(file)()).not.toThrow();
  });

  test("a torn last line (killed mid-write) is ignored; a torn line elsewhere is an error", () => {
    const file = path.join(tmpDir(), "r.jsonl");
    const j = RotationJournal.create(file, {
      rotationId: "r",
      stack: "prod",
      startedAt: "x",
      reason: "y",
      operator: "z",
    });
    j.recordCreated("k1", "2");
    fs.appendFileSync(file, '{"kind":"primary","ke');
    expect(RotationJournal.open(file).createdVersion("k1")).toBe("2");
    expect(RotationJournal.open(file).hasPrimary("k1")).toBe(false);
    fs.appendFileSync(file, '\n{"kind":"primary","key":"k1","version":"2"}\n');
    expect(() => RotationJournal.open(file)).toThrow(`rotation journal ${file}: line 3 is not JSON`);
  });
});

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The deployed platform stacks, as the scripted `pulumi` (test/pulumiDouble) answers for them: the
 * rotation reads each stack's rings from its outputs. Staging's KMS project carries a generation
 * suffix, as an ephemeral stack's does.
 */
const BACKEND = fs.mkdtempSync(path.join(os.tmpdir(), "rotation-backend-"));
const ringsOf = (project: string) => ({
  "us-central1": `projects/${project}/locations/us-central1/keyRings/tenant-kek`,
  "us-east1": `projects/${project}/locations/us-east1/keyRings/tenant-kek`,
});
doubleBackend.seedStack(BACKEND, "qairopay-platform", "prod", {
  outputs: { tenantKeys: { environment: "prod", rings: ringsOf("qp-prod-kms") } },
});
doubleBackend.seedStack(BACKEND, "qairopay-platform", "staging", {
  outputs: {
    tenantKeys: { environment: "staging", rings: ringsOf("qp-stg-kms-7c1e") },
    projectIds: { kms: "qp-stg-kms-7c1e" },
  },
});

/** The CLI's command function in-process, for what it decides before it calls anything. */
async function cliInProcess(args: string[]): Promise<CliResult> {
  const { code, stdout, stderr } = await runInProcess(rotateKeys, args, {
    QAIROPAY_KMS_ACCESS_TOKEN: TOKEN,
    QAIROPAY_PULUMI_ROOT: DOUBLE_ROOT,
    PULUMI_BACKEND_URL: `file://${BACKEND}`,
  });
  return { code, signal: null, stdout, stderr };
}

/** Runs the CLI as operators do (npm run rotate-keys), against the emulator and the scripted CLI. */
function cli(
  args: string[],
  started?: (child: ReturnType<typeof spawn>) => void,
  env: Record<string, string> = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, ["tools/launch.js", "rotateTenantKeys", ...args], {
    cwd: path.join(__dirname, ".."),
    env: {
      ...process.env,
      QAIROPAY_KMS_ACCESS_TOKEN: TOKEN,
      QAIROPAY_PULUMI_ROOT: DOUBLE_ROOT,
      PULUMI_BACKEND_URL: `file://${BACKEND}`,
      ...env,
    },
  });
  started?.(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

describe("rotation figures per shard stack", () => {
  test("failed and missing keys are counted against the shard of their tenant", () => {
    const { outcomeByShard } = jest.requireActual("../tools/keyRotation/report");
    const ring = "projects/p/locations/us-east1/keyRings/tenant-kek/cryptoKeys";
    const outcome = {
      rotationId: "r",
      startedAt: "t",
      writes: 0,
      throttled: 0,
      complete: false,
      regions: [
        {
          region: "us-east1",
          keys: 3,
          rotatedNow: 1,
          alreadyRotated: 0,
          missing: [`${ring}/kek-b`],
          failed: [{ key: `${ring}/kek-c`, error: "429" }],
        },
      ],
    };
    const shardOf = new Map([
      ["a", "prod-shard-000"],
      ["b", "prod-shard-000"],
      ["c", "prod-shard-001"],
    ]);
    expect(
      outcomeByShard(outcome, shardOf, [
        { stack: "prod-shard-000", keys: 2 },
        { stack: "prod-shard-001", keys: 1 },
      ]),
    ).toEqual([
      { stack: "prod-shard-000", keys: 2, rotated: 1, failed: 0, missing: 1 },
      { stack: "prod-shard-001", keys: 1, rotated: 0, failed: 1, missing: 0 },
    ]);
  });
});
