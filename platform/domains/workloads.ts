import * as pulumi from "@pulumi/pulumi";
import { MIGRATION_NAMESPACE, MIGRATOR_KSA } from "../../components/migrationJob";
import { databaseLoginRole, WorkloadAccount } from "../../components/workloadAccounts";
import { Foundation } from "./foundation";
import { Compute } from "./compute";
import { Keys } from "./keys";

export interface Workloads {
  ledger: WorkloadAccount;
  cardVault: WorkloadAccount;
  /** Runs card-vault's database migration in the cde cluster; signs in only inside a migration's window. */
  cardVaultMigrator: WorkloadAccount;
  /** Each project's database-login custom role (connect, get, login). */
  databaseLoginRoles: Record<"platform" | "cde", pulumi.Output<string>>;
}

/** The workloads' Google identities, data-plane roles only (IAM-03, IAM-04), bound to their Kubernetes accounts. */
export function buildWorkloads(f: Foundation, keys: Keys, compute: Compute): Workloads {
  const { env, regions, projects } = f;
  const k = keys.hierarchy;
  // Each project's clusters create its Workload Identity pool; card-vault's account trusts only
  // the cde's pool, so no platform cluster's pod can act as it (NET-09).
  const pool = (project: "platform" | "cde", clusters: Compute["clusters"]) => ({
    workloadPool: pulumi.interpolate`${projects.ids[project]}.svc.id.goog`,
    poolCreatedBy: Object.values(clusters).map((c) => c.cluster),
  });
  const loginRole = (project: "platform" | "cde") =>
    databaseLoginRole(`${env}-${project}-database-login`, projects.ids[project], {
      dependsOn: f.ready[project],
    }).name;
  const databaseLoginRoles = { platform: loginRole("platform"), cde: loginRole("cde") };
  const ledger = new WorkloadAccount(
    `${env}-ledger-workload`,
    {
      project: projects.ids.platform,
      accountId: "ledger-workload",
      displayName: "Ledger workload",
      databaseLoginRole: databaseLoginRoles.platform,
      keyRings: Object.fromEntries(regions.map((r) => [r, k.ringId("tenant-kek", r)])),
      kubernetesServiceAccount: {
        ...pool("platform", compute.clusters),
        namespace: "ledger",
        name: "ledger",
      },
    },
    { dependsOn: f.ready.platform },
  );
  const cardVault = new WorkloadAccount(
    `${env}-card-vault-workload`,
    {
      project: projects.ids.cde,
      accountId: "card-vault-workload",
      displayName: "Card vault workload",
      databaseLoginRole: databaseLoginRoles.cde,
      cryptoKeys: Object.fromEntries(regions.map((r) => [r, k.keyId("card-vault-pan", r)])),
      kubernetesServiceAccount: {
        ...pool("cde", compute.cdeClusters),
        namespace: "card-vault",
        name: "card-vault",
      },
    },
    { dependsOn: f.ready.cde },
  );
  // No standing login: MigrationJob grants it for the migration's window only.
  const cardVaultMigrator = new WorkloadAccount(
    `${env}-card-vault-migrator`,
    {
      project: projects.ids.cde,
      accountId: "card-vault-migrator",
      displayName: "Card vault database migration",
      kubernetesServiceAccount: {
        ...pool("cde", compute.cdeClusters),
        namespace: MIGRATION_NAMESPACE,
        name: MIGRATOR_KSA,
      },
    },
    { dependsOn: f.ready.cde },
  );
  return { ledger, cardVault, cardVaultMigrator, databaseLoginRoles };
}
