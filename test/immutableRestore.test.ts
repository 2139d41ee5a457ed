import * as fs from "fs";
import * as path from "path";
import { CROSS_TENANT_FUNCTION } from "../components/lib/auditMigration";
import {
  ImmutableRestoreReport,
  immutableRestorePassed,
  runImmutableRestore,
} from "../tools/drill/immutableRestore";
import { Integrity, integrityDifferences } from "../tools/drill/integrity";
import { withLocalPostgres } from "../tools/drill/localPostgres";

// The restore from the immutable copy (RES-11) on real PostgreSQL 15 with pgAudit (installed by
// `npm test`'s pretest step): a base backup plus WAL written once to a read-only store with a
// SHA-256 manifest, restored into a fresh server, every tenant's rows and checksums compared.
jest.setTimeout(120_000);

const run = (afterStore?: (store: string) => void) =>
  withLocalPostgres((pg) =>
    runImmutableRestore(pg, {
      region: "us-east1",
      tenants: ["acme", "globex", "initech"],
      rtoObjectiveSeconds: 60,
      phaseMs: 400,
      afterStore,
    }),
  );

describe("restore from the immutable copy on real PostgreSQL (RES-11)", () => {
  test("every tenant's rows and checksums come back as at the target, with pgAudit and the marker function, measured", async () => {
    let modes: string[] = [];
    const report = await run((store) => {
      modes = [store, path.join(store, "SHA256SUMS"), path.join(store, "base", "PG_VERSION")].map((f) =>
        (fs.statSync(f).mode & 0o777).toString(8),
      );
    });
    // Written once: nothing in the store is writable while the drill runs.
    expect(modes).toEqual(["555", "444", "444"]);
    expect(report).toMatchObject({
      source: "immutable-copy",
      region: "us-east1",
      storeVerified: true,
      backupVerified: true,
      tables: 2,
      tenants: 3,
      differences: [],
      markerFunction: true,
      pgaudit: true,
      pageChecksumsVerified: true,
      passed: true,
    });
    // 2000 accounts plus the ledger entries written before the target.
    expect(report.rows).toBeGreaterThan(2000);
    expect(report.storedFiles).toBeGreaterThan(100);
    expect(report.backupSeconds).toBeGreaterThan(0);
    expect(report.restoreSeconds).toBeGreaterThan(0);
    expect(report.restoreSeconds).toBeLessThan(60);
  });

  test("a stored WAL segment changed and a file removed after they were written: the copy is refused, not restored", async () => {
    const report = await run((store) => {
      const wal = path.join(store, "wal");
      const segment = path.join(wal, fs.readdirSync(wal).sort()[0]);
      fs.chmodSync(segment, 0o644);
      fs.appendFileSync(segment, "x");
      fs.chmodSync(path.join(store, "base"), 0o755);
      fs.rmSync(path.join(store, "base", "PG_VERSION"));
    });
    expect(report.storeVerified).toBe(false);
    expect(report.differences).toHaveLength(1);
    expect(report.differences[0]).toMatch(
      /^the stored copy no longer matches its SHA-256 manifest \(wal\/[0-9A-F]{24}, base\/PG_VERSION\): refused, not restored$/,
    );
    expect(report.rows).toBeGreaterThan(0);
    expect(report.pageChecksumsVerified).toBe(false);
    expect(report.passed).toBe(false);
  });
});

describe("integrity comparison", () => {
  const digest = (table: string, tenant: string, rows: number, checksum: string) => ({
    table,
    tenant,
    rows,
    checksum,
  });
  const backedUp: Integrity = {
    digests: [digest("ledger_entries", "acme", 10, "a"), digest("ledger_entries", "globex", 5, "b")],
    markerFunction: true,
    pgaudit: true,
  };
  test.each<[string, Integrity, string[]]>([
    ["identical", backedUp, []],
    [
      "a tenant's rows missing",
      { ...backedUp, digests: [backedUp.digests[0]] },
      ["ledger_entries/globex: missing (5 rows backed up)"],
    ],
    [
      "a row lost",
      { ...backedUp, digests: [backedUp.digests[0], digest("ledger_entries", "globex", 4, "c")] },
      ["ledger_entries/globex: 4 rows, 5 backed up"],
    ],
    [
      "a row changed",
      { ...backedUp, digests: [backedUp.digests[0], digest("ledger_entries", "globex", 5, "c")] },
      ["ledger_entries/globex: same 5 rows, different content"],
    ],
    [
      "rows of a tenant that was not backed up",
      { ...backedUp, digests: [...backedUp.digests, digest("ledger_entries", "umbrella", 1, "d")] },
      ["ledger_entries/umbrella: 1 rows that were not backed up"],
    ],
    [
      "the migration's effects gone",
      { ...backedUp, markerFunction: false, pgaudit: false },
      [`the marker function ${CROSS_TENANT_FUNCTION} is missing`, "the pgaudit extension is missing"],
    ],
  ])("%s", (_name, restored, expected) => {
    expect(integrityDifferences(backedUp, restored)).toEqual(expected);
  });

  const passing: Omit<ImmutableRestoreReport, "passed"> = {
    source: "immutable-copy",
    region: "us-east1",
    backupSeconds: 1,
    backupBytes: 1,
    storedFiles: 10,
    storeVerified: true,
    backupVerified: true,
    targetTime: "t",
    restoreSeconds: 2,
    tables: 2,
    tenants: 2,
    rows: 15,
    differences: [],
    markerFunction: true,
    pgaudit: true,
    pageChecksumsVerified: true,
    rtoObjectiveSeconds: 60,
  };
  test.each<[string, Partial<ImmutableRestoreReport>, boolean]>([
    ["intact within the objective", {}, true],
    ["over the objective", { restoreSeconds: 61 }, false],
    ["a difference", { differences: ["x"] }, false],
    ["nothing restored", { rows: 0 }, false],
    ["the store altered", { storeVerified: false }, false],
    ["the manifest not matched", { backupVerified: false }, false],
    ["a corrupt page", { pageChecksumsVerified: false }, false],
    ["no marker function", { markerFunction: false }, false],
    ["no pgaudit", { pgaudit: false }, false],
  ])("verdict: %s", (_name, change, expected) => {
    expect(immutableRestorePassed({ ...passing, ...change })).toBe(expected);
  });
});
