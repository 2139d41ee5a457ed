import { databaseMigrationScript } from "../components/lib/databaseAccess";
import { APPLICATION_DATABASE, iamDatabaseUser } from "../components/databaseMigration";
import { loginWindowCondition, migrationVersion } from "../components/migrationJob";
import type { OfflineRun } from "../engine/run";
import { rehearseApply } from "../engine/rehearsal/rehearse";
import { validateKubernetesObject } from "./helpers/kubernetesSchemas";
import { violationsOf } from "../specs/mutate";
import { named, ofType, planStack } from "./helpers/plan";

// Where each cluster's migration runs, as whom, and what it leaves reachable (issue: the cardholder
// database reachable from the internet through the Data API; no application able to log in).
jest.setTimeout(120_000);

const PROXY = `cloud-sql-proxy@sha256:${"a".repeat(64)}`;
const CLIENT = `postgres@sha256:${"b".repeat(64)}`;
const WITH_IMAGES = { sqlMigrationProxyImage: PROXY, sqlMigrationClientImage: CLIENT };

let prod: OfflineRun;
let withImages: OfflineRun;
let failedOver: OfflineRun;
beforeAll(async () => {
  // One at a time: a plan runs the program in this process's Pulumi runtime.
  // Prod's own stack file names its images; these plans pin other digests, or none.
  prod = await planStack("prod", { sqlMigrationProxyImage: undefined, sqlMigrationClientImage: undefined });
  withImages = await planStack("prod", WITH_IMAGES);
  failedOver = await planStack("prod", { ...WITH_IMAGES, primaryRegion: "us-east1" });
});

const dataApi = (run: OfflineRun, instance: string) =>
  (named(run, instance).inputs.settings as { dataApiAccess?: string }).dataApiAccess;
const ledgerScript = databaseMigrationScript(
  {
    workloads: [{ role: "ledger-workload@qp-prod-platform.iam", schema: "ledger" }],
    withoutSuperuser: [],
  },
  "data-api",
);
const cardVaultScript = databaseMigrationScript(
  {
    workloads: [{ role: "card-vault-workload@qp-prod-cde.iam", schema: "card_vault" }],
    withoutSuperuser: ["prod-deployer@qp-platform-ci.iam"],
  },
  "psql",
);

describe("the Data API: the ledger's migration path, never the cardholder database's", () => {
  test("card-vault's instances refuse it explicitly (the field is Optional+Computed: unset keeps what the instance has)", () => {
    for (const region of ["us-central1", "us-east1"]) {
      expect(dataApi(prod, `prod-card-vault-${region}`)).toBe("DISALLOW_DATA_API");
      expect(dataApi(prod, `prod-ledger-${region}`)).toBe("ALLOW_DATA_API");
    }
    expect(ofType(prod, "gcp:sql/provisionScript:ProvisionScript").map((s) => s.name)).toEqual([
      "prod-ledger-migration-script",
    ]);
  });

  test("the ledger's migration runs through it on the primary, as the deployer (cloudsqlsuperuser), ending in the drift check", () => {
    expect(named(prod, "prod-ledger-migration-script").inputs).toMatchObject({
      project: "qp-prod-platform",
      instance: "prod-ledger-us-central1",
      database: APPLICATION_DATABASE,
      script: ledgerScript,
    });
    expect(named(prod, "prod-ledger-migration-deployer").inputs).toEqual({
      project: "qp-prod-platform",
      instance: "prod-ledger-us-central1",
      name: "prod-deployer@qp-platform-ci.iam",
      type: "CLOUD_IAM_SERVICE_ACCOUNT",
      databaseRoles: ["cloudsqlsuperuser"],
      deletionPolicy: "ABANDON",
    });
    const script = named(prod, "prod-ledger-migration-script");
    for (const user of [
      "prod-ledger-migration-deployer",
      "prod-ledger-migration-ledger-user",
      "prod-ledger-migration-database",
    ])
      expect(script.dependencies).toContain(named(prod, user).urn);
  });

  test("the migrations keep the state they had under their PostgresCluster (aliases)", () => {
    for (const cluster of ["ledger", "card-vault"]) {
      const migration = named(prod, `prod-${cluster}-migration`);
      expect(migration.parent).toMatch(/::pulumi:pulumi:Stack::/);
      expect(migration.aliases).toEqual([`parent ${named(prod, `prod-${cluster}`).urn}`]);
    }
  });
});

describe("an IAM database user for every workload (no application could log in)", () => {
  test.each([
    ["ledger", "qp-prod-platform", "ledger-workload"],
    ["card-vault", "qp-prod-cde", "card-vault-workload"],
  ])(
    "%s: CLOUD_IAM_SERVICE_ACCOUNT named without .gserviceaccount.com, no database role, on the primary, replicated",
    (cluster, project, account) => {
      const user = named(prod, `prod-${cluster}-migration-${cluster}-user`);
      expect(user.inputs).toEqual({
        project,
        instance: `prod-${cluster}-us-central1`,
        name: `${account}@${project}.iam`,
        type: "CLOUD_IAM_SERVICE_ACCOUNT",
        deletionPolicy: "ABANDON",
      });
      expect(user.ignoreChanges).toEqual(["instance"]);
      expect(user.dependencies).toContain(named(prod, `prod-${account}-sa`).urn);
    },
  );

  test("after a failover the users stay where they are (replicated), the script runs again on the new primary", () => {
    const failedOverPlan = failedOver;
    expect(named(failedOverPlan, "prod-ledger-migration-ledger-user").inputs.instance).toBe(
      "prod-ledger-us-east1",
    );
    expect(named(failedOverPlan, "prod-ledger-migration-ledger-user").ignoreChanges).toEqual(["instance"]);
    expect(named(failedOverPlan, "prod-ledger-migration-script").inputs.instance).toBe(
      "prod-ledger-us-east1",
    );
  });
});

describe("card-vault's migration: a Job in the cde cluster, as a migrator whose login expires", () => {
  test("the deployer keeps no role on card-vault: a user it had loses cloudsqlsuperuser (users.update revokeExistingRoles)", () => {
    expect(named(prod, "prod-card-vault-migration-deployer").inputs).toEqual({
      project: "qp-prod-cde",
      instance: "prod-card-vault-us-central1",
      ...iamDatabaseUser("serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com"),
      databaseRoles: [],
      deletionPolicy: "ABANDON",
    });
  });

  test("the migrator is the one cloudsqlsuperuser member, and holds no standing login", () => {
    expect(named(prod, "prod-card-vault-migration-migrator-user").inputs).toMatchObject({
      name: "card-vault-migrator@qp-prod-cde.iam",
      type: "CLOUD_IAM_SERVICE_ACCOUNT",
      databaseRoles: ["cloudsqlsuperuser"],
    });
    const migratorGrants = ofType(withImages, "gcp:projects/iAMMember:IAMMember").filter(
      (g) => g.inputs.member === "serviceAccount:card-vault-migrator@qp-prod-cde.iam.gserviceaccount.com",
    );
    expect(migratorGrants.map((g) => [g.name, g.inputs.role, g.inputs.condition])).toEqual([
      [
        "prod-card-vault-migration-job-login",
        "projects/qp-prod-cde/roles/qairopayDatabaseLogin",
        loginWindowCondition("2026-01-01T01:00:00Z"),
      ],
    ]);
    expect(loginWindowCondition("2026-01-01T01:00:00Z").expression).toBe(
      'request.time < timestamp("2026-01-01T01:00:00Z")',
    );
  });

  test("without mirrored images: the namespace and its account, no window, no Job (the rehearsal says the migration is pending)", () => {
    const types =
      ofType(prod, "kubernetes:batch/v1:Job").length + ofType(prod, "time:index/offset:Offset").length;
    expect(types).toBe(0);
    expect(named(prod, "prod-card-vault-migration-job-ksa").inputs.metadata).toMatchObject({
      name: "migrator",
      namespace: "database-migration",
      annotations: {
        "iam.gke.io/gcp-service-account": "card-vault-migrator@qp-prod-cde.iam.gserviceaccount.com",
      },
    });
  });

  test("with them: psql through the Auth Proxy (IAM login, private IP) in the primary region's cde cluster, after the login grant propagated", () => {
    const job = named(withImages, "prod-card-vault-migration-job-job");
    const cluster = named(withImages, "prod-cde-gke-us-central1-k8s");
    expect(job.provider?.startsWith(`${cluster.urn}::`)).toBe(true);
    const version = migrationVersion([
      cardVaultScript,
      "qp-prod-cde:us-central1:prod-card-vault-us-central1",
      `us-central1-docker.pkg.dev/qp-prod-cde/containers/${PROXY}`,
      `us-central1-docker.pkg.dev/qp-prod-cde/containers/${CLIENT}`,
    ]);
    const pod = (job.inputs.spec as { template: { spec: Record<string, unknown> } }).template.spec as {
      serviceAccountName: string;
      initContainers: { image: string; restartPolicy: string; args: string[] }[];
      containers: { image: string; command: string[]; args: string[] }[];
    };
    expect((job.inputs.metadata as { name: string }).name).toBe(`migration-${version}`);
    expect(pod.serviceAccountName).toBe("migrator");
    expect(pod.initContainers[0]).toMatchObject({
      image: `us-central1-docker.pkg.dev/qp-prod-cde/containers/${PROXY}`,
      restartPolicy: "Always",
    });
    expect(pod.initContainers[0].args).toEqual(
      expect.arrayContaining([
        "--auto-iam-authn",
        "--private-ip",
        "qp-prod-cde:us-central1:prod-card-vault-us-central1",
      ]),
    );
    expect(pod.containers[0].image).toBe(`us-central1-docker.pkg.dev/qp-prod-cde/containers/${CLIENT}`);
    expect(pod.containers[0].args).toEqual([
      "--no-psqlrc",
      "--set=ON_ERROR_STOP=1",
      "--single-transaction",
      "--file=/migration/migration.sql",
      "host=127.0.0.1 port=5432 dbname=qairopay user=card-vault-migrator@qp-prod-cde.iam sslmode=disable connect_timeout=30",
    ]);
    expect(
      (named(withImages, "prod-card-vault-migration-job-script").inputs.data as Record<string, string>)[
        "migration.sql"
      ],
    ).toBe(cardVaultScript);
    const wait = named(withImages, "prod-card-vault-migration-job-login-propagated");
    expect(wait.inputs.createDuration).toBe("420s");
    expect(wait.dependencies).toContain(named(withImages, "prod-card-vault-migration-job-login").urn);
    expect(job.dependencies).toContain(wait.urn);
    const objects = withImages.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && r.name.startsWith("prod-card-vault-migration"),
    );
    expect(objects.map((o) => o.type).sort()).toEqual([
      "kubernetes:batch/v1:Job",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ]);
    for (const o of objects) expect(validateKubernetesObject(o)).toEqual([]);
  });

  test("a failover moves the Job to the new primary's region and runs it again there", () => {
    const job = named(failedOver, "prod-card-vault-migration-job-job");
    expect(job.provider?.startsWith(`${named(failedOver, "prod-cde-gke-us-east1-k8s").urn}::`)).toBe(true);
    expect(
      (job.inputs.spec as { template: { spec: { initContainers: { args: string[] }[] } } }).template.spec
        .initContainers[0].args,
    ).toContain("qp-prod-cde:us-east1:prod-card-vault-us-east1");
    expect((job.inputs.metadata as { name: string }).name).not.toBe(
      (named(withImages, "prod-card-vault-migration-job-job").inputs.metadata as { name: string }).name,
    );
  });

  test("with the images configured every pack passes and the rehearsal finds nothing, not even the pending-migration warning", async () => {
    expect(await violationsOf(withImages.resources)).toEqual([]);
    // Prod's one other finding is the default-account prerequisite of its adopted projects (ws/harden):
    // declared done, the rehearsal finds nothing at all.
    const prerequisitesDone = await planStack("prod", {
      ...WITH_IMAGES,
      defaultServiceAccountsDeprivileged: ["qp-prod-platform", "qp-prod-cde"],
    });
    expect(rehearseApply(prerequisitesDone.resources)).toEqual([]);
    expect(rehearseApply(withImages.resources).map((f) => f.rule)).toEqual([
      "default-compute-account-deprivileged",
      "default-compute-account-deprivileged",
    ]);
  });

  test("the images are pinned by digest, and both or neither", async () => {
    await expect(planStack("prod", { sqlMigrationProxyImage: "cloud-sql-proxy:2.14" })).rejects.toThrow(
      "sqlMigrationProxyImage",
    );
    await expect(planStack("prod", { sqlMigrationClientImage: undefined })).rejects.toThrow(
      "set both (the migration Job needs the proxy and the client) or neither",
    );
  });
});
