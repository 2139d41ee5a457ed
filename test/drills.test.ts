import * as fs from "fs";
import * as path from "path";
import { setTimeout as sleep } from "timers/promises";
import { Client } from "pg";
import { CROSS_TENANT_FUNCTION } from "../components/lib/auditMigration";
import { DrillRefused, drillPassed, runFailoverDrill } from "../tools/drill/failoverDrill";
import { Instance, LocalPostgres, query, withLocalPostgres } from "../tools/drill/localPostgres";
import { RestoreReport, restorePassed, runRestoreRehearsal } from "../tools/drill/restoreRehearsal";
import { freePort } from "../tools/drill/wait";
import { ImmutableRestoreReport } from "../tools/drill/immutableRestore";
import { RestoreUnverifiable } from "../tools/drill/cloudSqlRestore";
import { loadStack } from "../engine/stackFile";
import { configFromValues } from "../platform/config/read";
import { runInProcess, runProcess } from "./helpers/cli";
import { command as drill } from "../tools/drill";

// Real PostgreSQL 15 servers (installed by `npm test`'s pretest step): each drill builds its own
// instances under a temporary directory and removes them.
// One at a time: running them side by side gained little (initdb, fsync and the servers compete
// for the same two cores) and made their timings, and port choice, race each other.
jest.setTimeout(120_000);

const REGIONS = ["us-central1", "us-east1"] as const;
const objectives = { rpoObjectiveSeconds: 60, rtoObjectiveSeconds: 60, maxReplicaLagSeconds: 60 };
const quick = { warmupMs: 500 };

const count = async (instance: Instance) =>
  (await query<{ n: number }>(instance, "SELECT count(*)::int AS n FROM ledger_entries"))[0].n;
const inRecovery = async (instance: Instance) =>
  (await query<{ r: boolean }>(instance, "SELECT pg_is_in_recovery() AS r"))[0].r;

describe("failover drills on real PostgreSQL (RES-07)", () => {
  test("planned switchover: guards pass, nothing acknowledged is lost, the old primary follows the new", async () => {
    const report = await withLocalPostgres((pg) =>
      runFailoverDrill(pg, { mode: "switchover", regions: REGIONS, ...objectives, ...quick }),
    );
    expect(report.guards.slice(0, 2)).toEqual([
      "us-central1 is the primary",
      "us-east1 is a streaming replica",
    ]);
    expect(report.guards[2]).toMatch(/^us-east1 replay lag \d+\.\d\d s <= 60 s$/);
    expect(report.rpo).toEqual({ lostCommits: 0, seconds: 0, objectiveSeconds: 60 });
    expect(report.rto.seconds).toBeGreaterThan(0);
    expect(report.rto.seconds).toBeLessThan(60);
    expect(report.phantomRows).toBe(0);
    expect(report.committedDuringDrill).toBeGreaterThan(100);
    // The workload's IAM role and grants, made on the old primary, replicated and working on the new.
    expect(report.databaseAccess).toEqual({ workloadWorks: true, drift: [] });
    expect(report.passed).toBe(true);
  });

  test("the marker function dropped before the failover: the drill's drift check finds it on the new primary and fails", async () => {
    const report = await withLocalPostgres((pg) =>
      runFailoverDrill(pg, {
        mode: "failover",
        regions: REGIONS,
        ...objectives,
        ...quick,
        beforeSwitch: async (primary) => {
          const client = new Client({
            host: "127.0.0.1",
            port: primary.port,
            user: "postgres",
            database: "qairopay",
          });
          await client.connect();
          await client.query(`DROP FUNCTION ${CROSS_TENANT_FUNCTION}(text, text)`);
          await client.query('REVOKE USAGE, CREATE ON SCHEMA ledger FROM "ledger-workload@drill.iam"');
          await client.end();
          await sleep(1000); // replicated before the primary is killed
        },
      }),
    );
    expect(report.databaseAccess).toEqual({
      workloadWorks: false,
      drift: [
        `the marker function ${CROSS_TENANT_FUNCTION}(text, text) is missing`,
        "workload role ledger-workload@drill.iam may not use and create in schema ledger",
      ],
    });
    expect(report.passed).toBe(false);
  });

  test("region lost while replication was cut: the commits the replica never got are counted as lost", async () => {
    let divergence = 0;
    const report = await withLocalPostgres((pg) =>
      runFailoverDrill(pg, {
        mode: "failover",
        regions: REGIONS,
        ...objectives,
        rpoObjectiveSeconds: 0.5,
        ...quick,
        beforeSwitch: async (primary, replica) => {
          // A partition between the regions: the replica stops receiving WAL, the primary goes on.
          await query(replica, "ALTER SYSTEM SET primary_conninfo = ''");
          await query(replica, "SELECT pg_reload_conf()");
          await sleep(1000);
          divergence = (await count(primary)) - (await count(replica));
        },
      }),
    );
    expect(divergence).toBeGreaterThan(100);
    expect(report.rpo.lostCommits).toBeGreaterThanOrEqual(divergence);
    expect(report.rpo.seconds).toBeGreaterThan(0.8);
    expect(report.phantomRows).toBe(0);
    expect(report.rto.seconds).toBeLessThan(60);
    expect(report.passed).toBe(false);
  });

  test("a lagging replica makes the guards refuse, and nothing is switched", async () => {
    let roles: boolean[] = [];
    await withLocalPostgres(async (pg) => {
      let pair: Instance[] = [];
      const refused: unknown = await runFailoverDrill(pg, {
        mode: "switchover",
        regions: REGIONS,
        ...objectives,
        maxReplicaLagSeconds: 0.5,
        ...quick,
        beforeGuards: async (primary, replica) => {
          pair = [primary, replica];
          await query(replica, "SELECT pg_wal_replay_pause()");
          await sleep(1000);
        },
      }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(DrillRefused);
      expect((refused as DrillRefused).message).toMatch(
        /^drill refused: us-east1 replay lag \d+\.\d s exceeds 0\.5 s$/,
      );
      roles = [await inRecovery(pair[0]), await inRecovery(pair[1])];
    });
    expect(roles).toEqual([false, true]);
  });

  test("an unsupported drill or missing PostgreSQL is bad input (exit 2) with a message", async () => {
    const unknown = await drillCli(["explode"]);
    expect([unknown.status, unknown.stderr]).toEqual([
      2,
      'error: unknown drill "explode": use switchover, failover or restore\n',
    ]);
    const noServer = await drillCli(["restore"], { QAIROPAY_PG_BIN: "/nonexistent" }, true);
    expect([noServer.status, noServer.stderr]).toEqual([
      2,
      "error: no PostgreSQL server binaries in /nonexistent (install postgresql-15 or set QAIROPAY_PG_BIN)\n",
    ]);
  });
});

describe("restore rehearsal on real PostgreSQL (RES-06)", () => {
  test("npm run drill -- restore: exactly the commits acknowledged before the target come back", async () => {
    const result = await drillCli(["restore", "--json"]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as RestoreReport;
    expect(report.rowsExpected).toBeGreaterThan(100);
    expect(report).toMatchObject({
      region: "us-central1",
      rowsRestored: report.rowsExpected,
      missingRows: 0,
      unexpectedRows: 0,
      backupVerified: true,
      pageChecksumsVerified: true,
      rtoObjectiveSeconds: 60,
      passed: true,
    });
  });

  test("a backup that does not match its manifest fails the rehearsal", async () => {
    const report = await withLocalPostgres((pg) =>
      runRestoreRehearsal(pg, {
        region: "us-central1",
        rtoObjectiveSeconds: 60,
        phaseMs: 300,
        afterBackup: (backupDir) => fs.appendFileSync(path.join(backupDir, "PG_VERSION"), "tampered\n"),
      }),
    );
    expect(report.backupVerified).toBe(false);
    expect(report.passed).toBe(false);
  });
});

describe("restore from the immutable copy through the CLI (RES-11)", () => {
  test("npm run drill -- restore --from immutable-copy: the stack's tenants restored intact in its other region", async () => {
    const result = await drillCli(["restore", "--from", "immutable-copy", "--json"]);
    expect([result.status, result.stderr]).toEqual([0, ""]);
    const report = JSON.parse(result.stdout) as ImmutableRestoreReport;
    expect(report).toMatchObject({
      source: "immutable-copy",
      region: "us-east1",
      tenants: configFromValues(loadStack("prod").values, "prod").tenants.length,
      differences: [],
      rtoObjectiveSeconds: 60,
      passed: true,
    });
  });

  test.each([
    [["restore", "--from", "tape"], "--from tape: use pitr or immutable-copy"],
    [["failover", "--from", "immutable-copy"], "--from applies to restore, not failover"],
    [["restore", "--execute"], "--execute applies to restore --from immutable-copy"],
    [["restore", "--from", "immutable-copy", "--cluster", "ledger"], "--cluster applies with --execute only"],
    [["restore", "--from", "immutable-copy", "--execute"], "--execute needs --cluster ledger or card-vault"],
    [
      ["restore", "--from", "immutable-copy", "--execute", "--cluster", "ledger"],
      "--execute needs --operator <your IAM principal's email>",
    ],
    // Card-vault's instances refuse the Data API the drill verifies through (NET-09): refused up front.
    [
      [
        "restore",
        "--from",
        "immutable-copy",
        "--execute",
        "--cluster",
        "card-vault",
        "--operator",
        "me@qairopay.com",
      ],
      new RestoreUnverifiable("card-vault's instances (the stack's dataApi: false)").message,
    ],
  ])("bad input %j: exit 2 and a message, nothing run", async (args, message) => {
    const result = await drillCli(args);
    expect([result.status, result.stderr, result.stdout]).toEqual([2, `error: ${message}\n`, ""]);
  });
});

describe("drill verdicts", () => {
  const drill = {
    mode: "switchover" as const,
    from: "us-central1",
    to: "us-east1",
    guards: [],
    rpo: { lostCommits: 0, seconds: 0, objectiveSeconds: 60 },
    rto: { seconds: 1, objectiveSeconds: 60 },
    phantomRows: 0,
    committedDuringDrill: 500,
    reprotectSeconds: 1,
    databaseAccess: { workloadWorks: true, drift: [] as string[] },
  };
  test.each([
    ["within objectives", drill, true],
    [
      "a switchover that lost a commit, even inside the RPO objective",
      { ...drill, rpo: { lostCommits: 1, seconds: 0.01, objectiveSeconds: 60 } },
      false,
    ],
    [
      "a failover that lost a commit inside the RPO objective",
      { ...drill, mode: "failover" as const, rpo: { lostCommits: 1, seconds: 0.01, objectiveSeconds: 60 } },
      true,
    ],
    [
      "RPO over the objective",
      { ...drill, mode: "failover" as const, rpo: { lostCommits: 9, seconds: 61, objectiveSeconds: 60 } },
      false,
    ],
    ["RTO over the objective", { ...drill, rto: { seconds: 61, objectiveSeconds: 60 } }, false],
    ["a phantom row", { ...drill, phantomRows: 1 }, false],
    [
      "the workload cannot sign in on the new primary",
      { ...drill, databaseAccess: { workloadWorks: false, drift: [] } },
      false,
    ],
    [
      "the migration drifted",
      {
        ...drill,
        databaseAccess: { workloadWorks: true, drift: ["the pgaudit extension is not installed"] },
      },
      false,
    ],
  ])("failover drill: %s", (_case, report, passed) => {
    expect(drillPassed(report)).toBe(passed);
  });

  const restore = {
    region: "us-central1",
    backupSeconds: 1,
    backupBytes: 1,
    backupVerified: true,
    targetTime: "t",
    restoreSeconds: 1,
    rowsExpected: 10,
    rowsRestored: 10,
    missingRows: 0,
    unexpectedRows: 0,
    pageChecksumsVerified: true,
    rtoObjectiveSeconds: 60,
  };
  test.each([
    ["everything verified", restore, true],
    ["backup fails its manifest", { ...restore, backupVerified: false }, false],
    ["a corrupt page", { ...restore, pageChecksumsVerified: false }, false],
    ["a missing row", { ...restore, missingRows: 1 }, false],
    ["a row from after the target", { ...restore, unexpectedRows: 1 }, false],
    ["nothing to restore", { ...restore, rowsExpected: 0, rowsRestored: 0 }, false],
    ["slower than the objective", { ...restore, restoreSeconds: 61 }, false],
  ])("restore rehearsal: %s", (_case, report, passed) => {
    expect(restorePassed(report)).toBe(passed);
  });
});

describe("interrupted drills", () => {
  test("servers and files of a drill whose process died are stopped and removed by the next one", async () => {
    const pg = new LocalPostgres();
    const primary = pg.initPrimary("us-central1", await freePort());
    fs.writeFileSync(path.join(pg.workDir, "owner.pid"), "999999999");
    expect(LocalPostgres.reapAbandoned()).toContain(pg.workDir);
    expect(fs.existsSync(pg.workDir)).toBe(false);
    await expect(query(primary, "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
  });
});

/**
 * The drill CLI: its command function in-process with the given environment, or as operators
 * run it (npm run drill) where the environment is read as the process loads (QAIROPAY_PG_BIN).
 */
function drillCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  asProcess = false,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const run = asProcess ? runProcess("drill", args, env) : runInProcess(drill, args, env);
  return run.then(({ code, stdout, stderr }) => ({ status: code, stdout, stderr }));
}
