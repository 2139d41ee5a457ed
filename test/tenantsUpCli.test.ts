import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KmsEmulator } from "../engine/kmsEmulator";
import { execFile } from "child_process";
import {
  DOUBLE_ROOT,
  doubleBackend,
  doubleCalls,
  doubleEnv,
  holdLock,
  lockFiles,
  removeCheckouts,
  scratchCheckout,
  startTool,
  until,
} from "./helpers/pulumiDouble";

/**
 * `tenants up` end to end against the scripted `pulumi` (test/pulumiDouble) and a Cloud KMS over
 * real HTTP (engine/kmsEmulator.ts), which the scripted provider creates keys in: an interrupted
 * shard, a lost runner, a held lock, Ctrl-C, and the re-runs that recover from each.
 */
afterAll(removeCheckouts);
jest.setTimeout(120_000);
const TOKEN = "kms-token";
const RINGS = {
  "us-central1": "projects/qp-prod-kms/locations/us-central1/keyRings/tenant-kek",
  "us-east1": "projects/qp-prod-kms/locations/us-east1/keyRings/tenant-kek",
};
const SHARD = "organization/qairopay-tenant-keys/prod-shard-000";

let kms: KmsEmulator;
let endpoint: string;
beforeEach(async () => {
  kms = new KmsEmulator({ token: TOKEN, writesPerMinute: 10_000 });
  endpoint = await kms.start();
});
afterEach(() => kms.stop());

function setUp(scenario: unknown = {}) {
  const checkout = scratchCheckout();
  doubleBackend.seedStack(path.join(checkout, "backend"), "qairopay-platform", "prod", {
    outputs: {
      tenantKeys: {
        environment: "prod",
        rings: RINGS,
        labels: { env: "prod", owner: "platform-engineering", "managed-by": "pulumi" },
        protect: true,
      },
    },
  });
  const scenarioFile = path.join(checkout, "scenario.json");
  const setScenario = (s: unknown) => {
    fs.writeFileSync(scenarioFile, JSON.stringify(s));
    fs.rmSync(`${scenarioFile}.calls.json`, { force: true });
  };
  setScenario(scenario);
  const env = doubleEnv(checkout, {
    QAIROPAY_KMS_ACCESS_TOKEN: TOKEN,
    PULUMI_DOUBLE_KMS_ENDPOINT: endpoint,
    PULUMI_DOUBLE_KMS_TOKEN: TOKEN,
    PULUMI_DOUBLE_SCENARIO: scenarioFile,
  });
  const up = (...extra: string[]) =>
    startTool(
      checkout,
      "tenants",
      ["up", "--stack", "prod", "--confirm-stack", "prod", "--kms-endpoint", endpoint, "--json", ...extra],
      env,
      { ownProcessGroup: true },
    );
  const shardState = () =>
    JSON.parse(
      fs.readFileSync(
        path.join(checkout, "backend", ".pulumi", "stacks", "qairopay-tenant-keys", "prod-shard-000.json"),
        "utf8",
      ),
    ).checkpoint.latest;
  const locks = () => lockFiles(checkout, "qairopay-tenant-keys", "prod-shard-000");
  return { checkout, env, up, setScenario, shardState, locks };
}

const keyCount = () => kms.keyNames().length;
const keysOf = (state: { resources: { type: string }[] }) =>
  state.resources.filter((r) => r.type === "gcp:kms/cryptoKey:CryptoKey");

describe("`tenants up` against the Pulumi CLI's failure modes", () => {
  test("a runner lost mid-shard: the re-run reports the lock it left, and with --cancel-stale-update imports the key it created — none created twice", async () => {
    const s = setUp({ tenantKeys: { killAfterCreates: 3 } });
    const first = s.up();
    expect(await first.done).toBe(1);
    const report = JSON.parse(first.stdout());
    expect(report.shards[0]).toMatchObject({ stack: "prod-shard-000", status: "failed" });
    expect(report.shards[0].error).toContain("error: pulumi was killed by SIGKILL");
    // Engine parallelism is bounded (--parallel, default 4).
    expect(doubleCalls(s.checkout).find((argv) => argv[0] === "up")).toEqual(
      expect.arrayContaining(["--parallel", "4"]),
    );
    // Three keys exist in Cloud KMS; the state holds two and a pending create of the third; the lock stays.
    expect(keyCount()).toBe(3);
    expect(keysOf(s.shardState())).toHaveLength(2);
    expect(s.shardState().pending_operations.map((p: { type: string }) => p.type)).toEqual(["creating"]);
    expect(s.locks()).toHaveLength(1);

    s.setScenario({});
    const locked = s.up("--resume", report.journal);
    expect(await locked.done).toBe(4);
    const lockedShard = JSON.parse(locked.stdout()).shards[0];
    expect(lockedShard.status).toBe("locked");
    expect(lockedShard.error).toMatch(
      /^stack organization\/qairopay-tenant-keys\/prod-shard-000 is locked by another update; nothing was changed\./,
    );
    expect(lockedShard.error).toContain("the stack is currently locked by 1 lock(s)");
    expect(lockedShard.error).toContain("--cancel-stale-update");
    expect(keyCount()).toBe(3);
    expect(doubleCalls(s.checkout).some((argv) => argv[0] === "cancel")).toBe(false);

    const resumed = s.up("--resume", report.journal, "--cancel-stale-update");
    expect(await resumed.done).toBe(0);
    expect(JSON.parse(resumed.stdout()).shards[0]).toMatchObject({ status: "updated" });
    expect(resumed.stderr()).toContain(
      `${SHARD}: 1 operation(s) left pending by an interrupted run: importing 1 key(s) that exist in Cloud KMS, clearing 0 create(s) that did not happen`,
    );
    // The pending operations are judged only after a refresh of the root alone took the lock (a
    // live update's creates in flight are pending too), then resolved by a second refresh.
    const calls = doubleCalls(s.checkout);
    const cancelAt = calls.findIndex((argv) => argv[0] === "cancel");
    const [probe, refresh] = calls.slice(cancelAt).filter((argv) => argv[0] === "refresh");
    expect(cancelAt).toBeGreaterThan(0);
    expect(probe).toEqual(
      expect.arrayContaining([
        "--target",
        "urn:pulumi:prod-shard-000::qairopay-tenant-keys::pulumi:pulumi:Stack::qairopay-tenant-keys-prod-shard-000",
      ]),
    );
    expect(probe).not.toContain("--import-pending-creates");
    const imported = kms.keyNames()[2];
    expect(refresh).toEqual(
      expect.arrayContaining([
        "--import-pending-creates",
        expect.stringMatching(/::gcp:kms\/cryptoKey:CryptoKey::prod-keys-/),
      ]),
    );
    expect(refresh).toContain(imported.replace(/^/, ""));
    // Every tenant's key in both regions, each created once (a second create would have failed with 409).
    expect(keyCount()).toBe(10);
    expect(kms.stats.creates).toBe(10);
    expect(keysOf(s.shardState())).toHaveLength(10);
    expect(s.shardState().pending_operations ?? []).toEqual([]);
    expect(s.locks()).toEqual([]);
  });

  test("the scripted CLI keeps pending creates as the real one does: an `up` without recovery only warns, creates the key again (409) and leaves the pending create", async () => {
    const s = setUp({ tenantKeys: { killAfterCreates: 3 } });
    expect(await s.up().done).toBe(1);
    s.setScenario({});
    // Asynchronously: the Cloud KMS it calls runs in this process.
    const pulumi = (...args: string[]) =>
      new Promise<{ status: number; stdout: string }>((resolve) =>
        execFile(
          process.execPath,
          [path.join(DOUBLE_ROOT, "bin", "pulumi"), ...args],
          { cwd: path.join(s.checkout, "tenant-keys"), env: s.env, encoding: "utf8" },
          (err, stdout, stderr) => resolve({ status: err ? Number(err.code) : 0, stdout: stdout + stderr }),
        ),
      );
    expect((await pulumi("cancel", "--stack", SHARD, "--yes")).status).toBe(0);
    const up = await pulumi("up", "--stack", SHARD, "--yes", "--skip-preview", "--non-interactive");
    expect(up.status).toBe(1);
    expect(up.stdout).toContain("pending operations from previous deployment");
    expect(up.stdout).toContain("Error creating CryptoKey: googleapi: Error 409");
    // pkg/backend/snapshot.go: "we don't want to clear pending CREATE operations".
    expect(s.shardState().pending_operations.map((p: { type: string }) => p.type)).toEqual(["creating"]);
    expect(keysOf(s.shardState())).toHaveLength(2);
  });

  test("an interrupted update or delete left pending: every resource is refreshed from Cloud KMS before the update (a refresh of the root alone drops them unread)", async () => {
    const s = setUp();
    const ring = RINGS["us-central1"];
    // A key the interrupted run was deleting, gone from Cloud KMS; the state still holds it.
    const gone = {
      urn: `urn:pulumi:prod-shard-000::qairopay-tenant-keys::gcp:kms/cryptoKey:CryptoKey::prod-keys-us-central1-kek-departed`,
      type: "gcp:kms/cryptoKey:CryptoKey",
      custom: true,
      id: `${ring}/cryptoKeys/kek-departed`,
      inputs: { name: "kek-departed", keyRing: ring },
      outputs: { name: "kek-departed", keyRing: ring, id: `${ring}/cryptoKeys/kek-departed` },
    };
    doubleBackend.seedStack(path.join(s.checkout, "backend"), "qairopay-tenant-keys", "prod-shard-000", {
      resources: [gone],
      pending: [{ resource: gone, type: "deleting" }],
    });
    const run = s.up();
    expect(await run.done).toBe(0);
    expect(run.stderr()).toContain(
      `${SHARD}: 1 update(s)/delete(s) left pending by an interrupted run (${gone.urn} deleting): refreshing every resource of the shard from Google Cloud before the update`,
    );
    const calls = doubleCalls(s.checkout);
    const refreshes = calls.filter((argv) => argv[0] === "refresh");
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]).not.toContain("--target");
    expect(calls.findIndex((argv) => argv[0] === "refresh")).toBeLessThan(
      calls.findIndex((argv) => argv[0] === "up"),
    );
    // The refresh read it and found it gone: the update starts from what exists.
    expect(s.shardState().resources.map((r: { urn: string }) => r.urn)).not.toContain(gone.urn);
    expect(s.shardState().pending_operations ?? []).toEqual([]);
    expect(keysOf(s.shardState())).toHaveLength(10);
  });

  test("Ctrl-C in the terminal cancels cleanly (one SIGINT reaches Pulumi), the journal says so, and --resume finishes", async () => {
    const s = setUp({ tenantKeys: { createDelayMs: 300 } });
    const run = s.up();
    await until(() => keyCount() >= 2, 30_000, "two keys created");
    // The terminal sends SIGINT to its foreground process group: the tool's (the CLI runs in its own).
    process.kill(-run.child.pid!, "SIGINT");
    expect(await run.done).toBe(130);
    expect(run.stderr()).toContain("SIGINT received: cancelling.");
    const report = JSON.parse(run.stdout());
    expect(report.shards[0]).toMatchObject({ status: "interrupted" });
    // The CLI cancelled gracefully: its steps in flight finished, no pending operation, no lock.
    const state = s.shardState();
    expect(state.pending_operations ?? []).toEqual([]);
    expect(s.locks()).toEqual([]);
    expect(keysOf(state).length).toBe(keyCount());
    expect(keyCount()).toBeLessThan(10);

    s.setScenario({});
    const resumed = s.up("--resume", report.journal);
    expect(await resumed.done).toBe(0);
    expect(keyCount()).toBe(10);
    expect(kms.stats.creates).toBe(10);
  });

  test("a lock held by another operator's running update: a clear message, exit 4, nothing changed", async () => {
    const s = setUp();
    holdLock(s.checkout, "qairopay-tenant-keys", "prod-shard-000", {
      pid: process.pid,
      username: "alice",
      hostname: "ops-laptop",
    });
    // The shard stack exists (an earlier run): only its lock is in the way.
    doubleBackend.seedStack(path.join(s.checkout, "backend"), "qairopay-tenant-keys", "prod-shard-000");
    const run = s.up();
    expect(await run.done).toBe(4);
    const shard = JSON.parse(run.stdout()).shards[0];
    expect(shard.status).toBe("locked");
    expect(shard.error).toContain("created by alice@ops-laptop (pid");
    expect(keyCount()).toBe(0);
    expect(s.locks()).toEqual(["held.json"]);
  });

  test.each([
    [
      "a live process on this machine",
      () => ({ pid: process.pid, hostname: os.hostname() }),
      "still running here",
    ],
    [
      "another machine (its pid means nothing here)",
      () => ({ pid: 999_999, hostname: "ci-runner-7" }),
      "another machine",
    ],
  ])(
    "--cancel-stale-update does not cancel a lock held by %s: exit 4, the holder named, the lock kept, no `pulumi cancel`",
    async (_what, holder, why) => {
      const s = setUp();
      holdLock(s.checkout, "qairopay-tenant-keys", "prod-shard-000", { ...holder(), username: "bob" });
      doubleBackend.seedStack(path.join(s.checkout, "backend"), "qairopay-tenant-keys", "prod-shard-000");
      const run = s.up("--cancel-stale-update");
      expect(await run.done).toBe(4);
      const shard = JSON.parse(run.stdout()).shards[0];
      expect(shard.status).toBe("locked");
      expect(shard.error).toContain(`created by bob@${holder().hostname} (pid ${holder().pid})`);
      expect(shard.error).toContain("--cancel-stale-update refused: the lock may belong to a running update");
      expect(shard.error).toContain(why);
      expect(doubleCalls(s.checkout).some((argv) => argv[0] === "cancel")).toBe(false);
      expect(s.locks()).toEqual(["held.json"]);
      expect(keyCount()).toBe(0);
    },
  );

  test("a new shard stack gets the platform stack's secrets provider, not the backend's passphrase default", async () => {
    const s = setUp();
    const provider = "gcpkms://projects/qp-prod-kms/locations/global/keyRings/pulumi/cryptoKeys/state";
    const platformFile = path.join(s.checkout, "stacks", "Pulumi.prod.yaml");
    fs.appendFileSync(platformFile, `secretsprovider: ${provider}\nencryptedkey: CiQAbm90LWEtcmVhbC1rZXk=\n`);
    const run = startTool(
      s.checkout,
      "tenants",
      ["up", "--stack", "prod", "--confirm-stack", "prod", "--kms-endpoint", endpoint, "--json"],
      // No passphrase: a stack created with the passphrase default would fail.
      { ...s.env, PULUMI_CONFIG_PASSPHRASE: "" },
    );
    expect(await run.done).toBe(0);
    expect(doubleCalls(s.checkout).find((argv) => argv[0] === "stack" && argv[1] === "init")).toEqual(
      expect.arrayContaining(["--secrets-provider", provider]),
    );
    expect(
      fs.readFileSync(path.join(s.checkout, "tenant-keys", "Pulumi.prod-shard-000.yaml"), "utf8"),
    ).toContain(`secretsprovider: ${provider}`);
  });

  test("a ledger stale for the registry (a tenant onboarded without `tenants assign`): exit 2 naming assign, before any Pulumi call, the ledger untouched", async () => {
    const s = setUp();
    const registryFile = path.join(s.checkout, "stacks", "tenants.prod.yaml");
    fs.appendFileSync(registryFile, "  - id: fjord-freight\n    displayName: Fjord Freight\n");
    const ledgerFile = path.join(s.checkout, "stacks", "tenant-shards.prod.json");
    const before = fs.readFileSync(ledgerFile, "utf8");
    const run = s.up();
    expect(await run.done).toBe(2);
    expect(run.stderr()).toContain(
      "is stale for the tenant registry: registered but not in the ledger: fjord-freight. Run `npm run tenants -- assign --stack prod`",
    );
    expect(doubleCalls(s.checkout)).toEqual([]);
    expect(fs.readFileSync(ledgerFile, "utf8")).toBe(before);
  });

  test("a backend that cannot be read (the platform stack's state): exit 3, the command could not finish — not 2, nothing the operator gave was wrong", async () => {
    const s = setUp();
    fs.writeFileSync(
      path.join(s.checkout, "backend", ".pulumi", "stacks", "qairopay-platform", "prod.json"),
      "{ truncated",
    );
    const run = s.up();
    expect(await run.done).toBe(3);
    expect(run.stderr()).toContain(
      "tenants failed: cannot read the outputs of stack organization/qairopay-platform/prod from its backend:",
    );
    expect(run.stderr()).toContain("failed to load checkpoint");
    expect(doubleCalls(s.checkout).some((argv) => argv[0] === "up")).toBe(false);
  });

  test("`up` while a group job deploys the same shard: exit 4 (a run lock per shard, so `up` and `up --group` exclude each other where they overlap); a resume of another group's journal: exit 2", async () => {
    const s = setUp();
    const ledgerFile = path.join(s.checkout, "stacks", "tenant-shards.prod.json");
    // `tenants up --group 1/1` running on this machine (this process stands in for it).
    fs.writeFileSync(`${ledgerFile}.prod-shard-000.lock`, String(process.pid));
    const all = s.up();
    expect(await all.done).toBe(4);
    expect(all.stderr()).toContain(`${ledgerFile}.prod-shard-000 is being run by process ${process.pid}`);
    expect(doubleCalls(s.checkout).some((argv) => argv[0] === "up")).toBe(false);
    fs.rmSync(`${ledgerFile}.prod-shard-000.lock`);

    const journal = path.join(s.checkout, "group-journal.json");
    fs.writeFileSync(
      journal,
      JSON.stringify({
        platformStack: "organization/qairopay-platform/prod",
        startedAt: "",
        group: "1/1",
        shards: {},
      }),
    );
    const other = s.up("--resume", journal);
    expect(await other.done).toBe(2);
    expect(other.stderr()).toContain(
      "the journal is of --group 1/1, not every shard: resume with the same selection",
    );
  });

  test("without the Pulumi CLI: exit 2 and what to install or set, not `spawn pulumi ENOENT`", async () => {
    const s = setUp();
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
    const run = startTool(s.checkout, "tenants", ["up", "--stack", "prod", "--confirm-stack", "prod"], {
      ...s.env,
      QAIROPAY_PULUMI_ROOT: empty,
    });
    expect(await run.done).toBe(2);
    expect(run.stderr()).toContain("error: the Pulumi CLI is needed and");
    expect(run.stderr()).toContain("install it (https://www.pulumi.com/docs/iac/download-install/)");
    expect(run.stderr()).toContain("QAIROPAY_PULUMI_ROOT");
  });
});
