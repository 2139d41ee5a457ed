import { REPLACE_FIELDS, valueAtPath } from "../facts/google/replaceFields";
import type { OfflineRun } from "../engine/run";
import { named, planStack } from "./helpers/plan";

let central: OfflineRun;
let east: OfflineRun;
beforeAll(async () => {
  central = await planStack("prod", { primaryRegion: "us-central1" });
  east = await planStack("prod", { primaryRegion: "us-east1" });
});

describe("failover by configuration (RES-04)", () => {
  test("both plans register the same URNs", () => {
    expect(east.resources.map((r) => r.urn).sort()).toEqual(central.resources.map((r) => r.urn).sort());
  });

  test("no replace-forcing field of any stateful resource changes", () => {
    const eastByUrn = new Map(east.resources.map((r) => [r.urn, r]));
    // Replaced by design: card-vault's migration runs again on the new primary (a new script, Job
    // and login window: test/databaseMigration.test.ts).
    const rerun = /^prod-card-vault-migration-job-(job|script|window|login-propagated)$/;
    let compared = 0;
    for (const before of central.resources) {
      const fields = REPLACE_FIELDS[before.type];
      if (!fields || rerun.test(before.name)) continue;
      const after = eastByUrn.get(before.urn);
      for (const field of fields.always) {
        expect([before.urn, field, valueAtPath(after?.inputs ?? {}, field)]).toEqual([
          before.urn,
          field,
          valueAtPath(before.inputs, field),
        ]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  test("only the roles swap: the old DR replica becomes the primary and the old primary follows it", () => {
    for (const cluster of ["prod-ledger", "prod-card-vault"]) {
      const roles = (run: OfflineRun) =>
        ["us-central1", "us-east1"].map((region) => {
          const i = named(run, `${cluster}-${region}`);
          return [
            region,
            i.inputs.instanceType,
            i.inputs.masterInstanceName ?? null,
            (i.inputs.replicationCluster as { failoverDrReplicaName: string }).failoverDrReplicaName,
          ];
        });
      const project = cluster === "prod-ledger" ? "qp-prod-platform" : "qp-prod-cde";
      expect(roles(central)).toEqual([
        ["us-central1", "CLOUD_SQL_INSTANCE", null, `${project}:${cluster}-us-east1`],
        ["us-east1", "READ_REPLICA_INSTANCE", `${cluster}-us-central1`, ""],
      ]);
      expect(roles(east)).toEqual([
        ["us-central1", "READ_REPLICA_INSTANCE", `${cluster}-us-east1`, ""],
        ["us-east1", "CLOUD_SQL_INSTANCE", null, `${project}:${cluster}-us-central1`],
      ]);
    }
  });

  test("every other resource's inputs are identical", () => {
    const eastByUrn = new Map(east.resources.map((r) => [r.urn, r]));
    const changed = central.resources
      .filter((r) => JSON.stringify(r.inputs) !== JSON.stringify(eastByUrn.get(r.urn)?.inputs))
      .map((r) => r.name)
      .sort();
    // Besides the instances, the migration follows the primary: its script runs again there; the
    // database and the users replicated with the data and ignore the change; card-vault's Job, its
    // script and its login window are new ones for the new primary.
    // So does the daily export (RES-10): the primary's name and the other region's bucket, the
    // workflow and schedule moved to that region.
    expect(changed).toEqual([
      "prod-card-vault-backups-schedule",
      "prod-card-vault-backups-workflow",
      "prod-card-vault-migration-card-vault-user",
      "prod-card-vault-migration-database",
      "prod-card-vault-migration-deployer",
      "prod-card-vault-migration-job-job",
      "prod-card-vault-migration-job-script",
      "prod-card-vault-migration-job-window",
      "prod-card-vault-migration-migrator-user",
      "prod-card-vault-us-central1",
      "prod-card-vault-us-east1",
      "prod-ledger-backups-schedule",
      "prod-ledger-backups-workflow",
      "prod-ledger-migration-database",
      "prod-ledger-migration-deployer",
      "prod-ledger-migration-ledger-user",
      "prod-ledger-migration-script",
      "prod-ledger-us-central1",
      "prod-ledger-us-east1",
    ]);
  });
});
