import { parse as parseYaml } from "yaml";
import { iamDatabaseUser } from "../components/databaseMigration";
import { failedExportCondition, staleExportCondition } from "../components/lib/exportWorkflowAlerts";
import { EXPORT_RETRY, exportWorkflowSource } from "../components/sqlBackupExports";
import { mockProjectNumber } from "../engine/gcpMocks";
import { LABEL_FIELDS } from "../policies/security/gcp-resource-standard-labels";
import { SECRET_SIG_KEY } from "../engine/deployment";
import { OfflineRun } from "../engine/run";
import { named, ofType, planConfig, planStack, prodAsOperated, sorted, T } from "./helpers/plan";

let prod: OfflineRun;
beforeAll(async () => {
  // With the PagerDuty key set, as prod runs: its secret lives in Secret Manager too.
  prod = await planConfig(prodAsOperated());
});

const sqlAgent = (project: string) =>
  `serviceAccount:service-${mockProjectNumber(project)}@gcp-sa-cloud-sql.iam.gserviceaccount.com`;
const gkeAgent = (project: string) =>
  `serviceAccount:service-${mockProjectNumber(project)}@container-engine-robot.iam.gserviceaccount.com`;
const computeAgent = (project: string) =>
  `serviceAccount:service-${mockProjectNumber(project)}@compute-system.iam.gserviceaccount.com`;
const arAgent = (project: string) =>
  `serviceAccount:service-${mockProjectNumber(project)}@gcp-sa-artifactregistry.iam.gserviceaccount.com`;
const loggingAgent = (project: string) =>
  `serviceAccount:service-${mockProjectNumber(project)}@gcp-sa-logging.iam.gserviceaccount.com`;
const pubsubAgent = (project: string) =>
  `serviceAccount:service-${mockProjectNumber(project)}@gcp-sa-pubsub.iam.gserviceaccount.com`;
const storageAgent = (project: string) =>
  `serviceAccount:service-${mockProjectNumber(project)}@gs-project-accounts.iam.gserviceaccount.com`;
const redisAgent = (project: string) =>
  `serviceAccount:service-${mockProjectNumber(project)}@cloud-redis.iam.gserviceaccount.com`;

describe("key hierarchy", () => {
  test("five rings per serving region, separated by data class and use, and the audit ring only in the audit region", () => {
    const ring = (region: string, name: string) =>
      `projects/qp-prod-kms/locations/${region}/keyRings/${name}`;
    // The attestation ring holds the Binary Authorization attestors' signing keys (issue 29).
    expect(ofType(prod, T.ring).map((r) => r.id)).toEqual([
      ...["tenant-kek", "tenant-data", "cardholder", "platform", "audit", "attestation"].map((n) =>
        ring("us-central1", n),
      ),
      ...["tenant-kek", "tenant-data", "cardholder", "platform", "attestation"].map((n) =>
        ring("us-east1", n),
      ),
    ]);
  });

  test("every key rotates every 90 days, waits 30 days to destroy, and is protected and retained", () => {
    const keys = ofType(prod, T.key).filter((k) => k.inputs.purpose === "ENCRYPT_DECRYPT");
    // Per serving region: 15 store keys (Secret Manager's, the cde clusters' and both projects'
    // image keys included, and the four of the immutable backups: both clusters' Cloud SQL exports
    // and Backup for GKE plans, RES-10); plus the audit ring's two, the audit log's and the SCC
    // findings topic's (DET-02). Tenant KEKs live in the shard stacks.
    expect(keys).toHaveLength(2 * 15 + 2);
    // The attestors' signing keys: asymmetric, so no automatic rotation, but the same retention.
    const signing = ofType(prod, T.key).filter((k) => k.inputs.purpose !== "ENCRYPT_DECRYPT");
    expect(
      signing.map((k) => [
        k.inputs.purpose,
        k.inputs.rotationPeriod ?? null,
        k.inputs.destroyScheduledDuration,
        k.inputs.deletionPolicy,
        k.protect,
      ]),
    ).toEqual(Array(4).fill(["ASYMMETRIC_SIGN", null, "2592000s", "PREVENT", true]));
    for (const key of keys) {
      expect([
        key.name,
        key.inputs.rotationPeriod,
        key.inputs.destroyScheduledDuration,
        key.inputs.deletionPolicy,
        key.protect,
        key.retainOnDelete,
      ]).toEqual([key.name, "7776000s", "2592000s", "PREVENT", true, true]);
    }
  });

  test("cardholder keys and the attestors' signing keys are HSM, all others software", () => {
    const levels = Object.fromEntries(
      ofType(prod, T.key).map((k) => [
        k.id,
        (k.inputs.versionTemplate as { protectionLevel: string }).protectionLevel,
      ]),
    );
    expect(
      Object.entries(levels)
        .filter(([, level]) => level === "HSM")
        .map(([id]) => id)
        .sort(),
    ).toEqual(
      [
        ...["us-central1", "us-east1"].flatMap((r) =>
          [
            "card-vault-sql",
            "card-vault-pan",
            "cde-gke-secrets",
            "cde-gke-boot-disk",
            "cde-images",
            // The cardholder backups: card-vault's exports and the cde clusters' Backup for GKE plans.
            "cde-gke-backup",
            "card-vault-backup",
          ].map((k) => `projects/qp-prod-kms/locations/${r}/keyRings/cardholder/cryptoKeys/${k}`),
        ),
        ...["us-central1", "us-east1"].flatMap((r) =>
          ["image-attestor", "cde-image-attestor"].map(
            (k) => `projects/qp-prod-kms/locations/${r}/keyRings/attestation/cryptoKeys/${k}`,
          ),
        ),
      ].sort(),
    );
  });

  test("the tenant-kek ring in every region, with no tenant KEK in the platform stack (test/tenantKeys.test.ts)", () => {
    expect(ofType(prod, T.key).filter((k) => (k.inputs.labels as Record<string, string>).tenant)).toEqual([]);
    expect(
      ofType(prod, T.ring)
        .filter((r) => r.inputs.name === "tenant-kek")
        .map((r) => r.inputs.location),
    ).toEqual(["us-central1", "us-east1"]);
  });

  test("each service agent is granted exactly the keys its service uses, key by key", () => {
    const grants = ofType(prod, T.keyGrant).map((g) => [
      String(g.inputs.cryptoKeyId).split("/locations/")[1],
      g.inputs.member,
      g.inputs.role,
    ]);
    const role = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
    expect(sorted(grants)).toEqual(
      sorted([
        ["us-central1/keyRings/tenant-data/cryptoKeys/ledger-sql", sqlAgent("qp-prod-platform"), role],
        ["us-central1/keyRings/tenant-data/cryptoKeys/redis", redisAgent("qp-prod-platform"), role],
        ["us-central1/keyRings/cardholder/cryptoKeys/card-vault-sql", sqlAgent("qp-prod-cde"), role],
        ["us-east1/keyRings/tenant-data/cryptoKeys/ledger-sql", sqlAgent("qp-prod-platform"), role],
        ["us-east1/keyRings/tenant-data/cryptoKeys/redis", redisAgent("qp-prod-platform"), role],
        ["us-east1/keyRings/cardholder/cryptoKeys/card-vault-sql", sqlAgent("qp-prod-cde"), role],
        ["us-central1/keyRings/audit/cryptoKeys/audit-log", loggingAgent("qp-prod-logging"), role],
        // The findings topic, persisted in the audit region only (DET-02).
        ["us-central1/keyRings/audit/cryptoKeys/scc-findings", pubsubAgent("qp-prod-logging"), role],
        ...["us-central1", "us-east1"].flatMap((r) => [
          [`${r}/keyRings/platform/cryptoKeys/gke-secrets`, gkeAgent("qp-prod-platform"), role],
          [`${r}/keyRings/platform/cryptoKeys/gke-boot-disk`, computeAgent("qp-prod-platform"), role],
          [`${r}/keyRings/platform/cryptoKeys/images`, arAgent("qp-prod-platform"), role],
          [`${r}/keyRings/cardholder/cryptoKeys/cde-gke-secrets`, gkeAgent("qp-prod-cde"), role],
          [`${r}/keyRings/cardholder/cryptoKeys/cde-gke-boot-disk`, computeAgent("qp-prod-cde"), role],
          [`${r}/keyRings/cardholder/cryptoKeys/cde-images`, arAgent("qp-prod-cde"), role],
          // The immutable backups (RES-10): Backup for GKE through the cluster's GKE agent, the
          // Cloud SQL exports' buckets through Cloud Storage's.
          [`${r}/keyRings/platform/cryptoKeys/gke-backup`, gkeAgent("qp-prod-platform"), role],
          [`${r}/keyRings/cardholder/cryptoKeys/cde-gke-backup`, gkeAgent("qp-prod-cde"), role],
          [`${r}/keyRings/tenant-data/cryptoKeys/ledger-backup`, storageAgent("qp-prod-platform"), role],
          [`${r}/keyRings/cardholder/cryptoKeys/card-vault-backup`, storageAgent("qp-prod-cde"), role],
          [
            `${r}/keyRings/platform/cryptoKeys/secrets`,
            `serviceAccount:service-${mockProjectNumber("qp-prod-platform")}@gcp-sa-secretmanager.iam.gserviceaccount.com`,
            role,
          ],
        ]),
        [
          "us-central1/keyRings/cardholder/cryptoKeys/card-vault-pan",
          "serviceAccount:card-vault-workload@qp-prod-cde.iam.gserviceaccount.com",
          role,
        ],
        [
          "us-east1/keyRings/cardholder/cryptoKeys/card-vault-pan",
          "serviceAccount:card-vault-workload@qp-prod-cde.iam.gserviceaccount.com",
          role,
        ],
        // The attestors' keys: the image pipeline signs, the deployer reads the public halves.
        ...["us-central1", "us-east1"].flatMap((r) =>
          ["image-attestor", "cde-image-attestor"].flatMap((k) => [
            [
              `${r}/keyRings/attestation/cryptoKeys/${k}`,
              "serviceAccount:image-pipeline@qp-platform-ci.iam.gserviceaccount.com",
              "roles/cloudkms.signerVerifier",
            ],
            [
              `${r}/keyRings/attestation/cryptoKeys/${k}`,
              "serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com",
              "roles/cloudkms.publicKeyViewer",
            ],
          ]),
        ),
      ]),
    );
    expect(ofType(prod, T.identity).map((i) => [i.inputs.project, i.inputs.service])).toEqual([
      ["qp-prod-platform", "sqladmin.googleapis.com"],
      ["qp-prod-platform", "redis.googleapis.com"],
      ["qp-prod-platform", "container.googleapis.com"],
      ["qp-prod-platform", "multiclusteringress.googleapis.com"],
      ["qp-prod-platform", "servicenetworking.googleapis.com"],
      ["qp-prod-platform", "secretmanager.googleapis.com"],
      ["qp-prod-platform", "artifactregistry.googleapis.com"],
      ["qp-prod-platform", "gkebackup.googleapis.com"],
      ["qp-prod-platform", "cloudscheduler.googleapis.com"],
      ["qp-prod-cde", "sqladmin.googleapis.com"],
      ["qp-prod-cde", "servicenetworking.googleapis.com"],
      ["qp-prod-cde", "container.googleapis.com"],
      ["qp-prod-cde", "artifactregistry.googleapis.com"],
      ["qp-prod-cde", "gkebackup.googleapis.com"],
      ["qp-prod-cde", "cloudscheduler.googleapis.com"],
      ["qp-prod-logging", "pubsub.googleapis.com"],
    ]);
  });

  test("agents the stack creates get the service-agent role Google would have granted", () => {
    const agentRoles = ofType(prod, "gcp:projects/iAMMember:IAMMember")
      .filter((g) => String(g.inputs.role).endsWith(".serviceAgent"))
      .map((g) => [g.inputs.project, g.inputs.role, g.inputs.member]);
    const agent = (project: string, domain: string) =>
      `serviceAccount:service-${mockProjectNumber(project)}@${domain}.iam.gserviceaccount.com`;
    expect(sorted(agentRoles)).toEqual(
      sorted([
        ["qp-prod-platform", "roles/cloudsql.serviceAgent", agent("qp-prod-platform", "gcp-sa-cloud-sql")],
        ["qp-prod-platform", "roles/redis.serviceAgent", agent("qp-prod-platform", "cloud-redis")],
        [
          "qp-prod-platform",
          "roles/container.serviceAgent",
          agent("qp-prod-platform", "container-engine-robot"),
        ],
        [
          "qp-prod-platform",
          "roles/multiclusteringress.serviceAgent",
          agent("qp-prod-platform", "gcp-sa-multiclusteringress"),
        ],
        [
          "qp-prod-platform",
          "roles/servicenetworking.serviceAgent",
          agent("qp-prod-platform", "service-networking"),
        ],
        ["qp-prod-cde", "roles/cloudsql.serviceAgent", agent("qp-prod-cde", "gcp-sa-cloud-sql")],
        ["qp-prod-cde", "roles/servicenetworking.serviceAgent", agent("qp-prod-cde", "service-networking")],
        ["qp-prod-cde", "roles/container.serviceAgent", agent("qp-prod-cde", "container-engine-robot")],
        ...["qp-prod-platform", "qp-prod-cde"].flatMap((p) => [
          [p, "roles/artifactregistry.serviceAgent", agent(p, "gcp-sa-artifactregistry")],
          [p, "roles/gkebackup.serviceAgent", agent(p, "gcp-sa-gkebackup")],
          [p, "roles/cloudscheduler.serviceAgent", agent(p, "gcp-sa-cloudscheduler")],
        ]),
        ["qp-prod-logging", "roles/pubsub.serviceAgent", agent("qp-prod-logging", "gcp-sa-pubsub")],
      ]),
    );
  });

  test("the ledger workload may use the tenant KEK rings and nothing else in KMS", () => {
    expect(
      ofType(prod, T.ringGrant).map((g) => [g.inputs.keyRingId, g.inputs.member, g.inputs.role]),
    ).toEqual(
      ["us-central1", "us-east1"].map((r) => [
        `projects/qp-prod-kms/locations/${r}/keyRings/tenant-kek`,
        "serviceAccount:ledger-workload@qp-prod-platform.iam.gserviceaccount.com",
        "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      ]),
    );
    const workloadGrants = ofType(prod, "gcp:projects/iAMMember:IAMMember").filter((g) =>
      String(g.inputs.member).includes("-workload@"),
    );
    // The database-login custom role, not roles/cloudsql.client or instanceUser (which may run executeSql).
    expect(workloadGrants.map((g) => [g.inputs.project, g.inputs.role, g.inputs.member])).toEqual([
      [
        "qp-prod-platform",
        "projects/qp-prod-platform/roles/qairopayDatabaseLogin",
        "serviceAccount:ledger-workload@qp-prod-platform.iam.gserviceaccount.com",
      ],
      [
        "qp-prod-cde",
        "projects/qp-prod-cde/roles/qairopayDatabaseLogin",
        "serviceAccount:card-vault-workload@qp-prod-cde.iam.gserviceaccount.com",
      ],
    ]);
    const customRoles = ofType(prod, "gcp:projects/iAMCustomRole:IAMCustomRole");
    // The entitlements' roles (IAM-07: operate without reading; rotate keys without IAM), granted
    // just in time to people, never to a workload.
    expect(
      customRoles
        .filter((r) =>
          /IncidentOperator|KeyOperator|SqlRestore|BackupBucketGrant/.test(String(r.inputs.roleId)),
        )
        .map((r) => `${String(r.inputs.project)} ${String(r.inputs.roleId)}`)
        .sort(),
    ).toEqual([
      // The restore's read grant of a backup bucket to the scratch instance (not storage.admin).
      "qp-prod-cde qairopayBackupBucketGrant",
      "qp-prod-cde qairopayIncidentOperator",
      "qp-prod-cde qairopaySqlRestore",
      "qp-prod-cde qairopaySqlRestoreRead",
      "qp-prod-kms qairopayKeyOperator",
      "qp-prod-platform qairopayBackupBucketGrant",
      "qp-prod-platform qairopayIncidentOperator",
      "qp-prod-platform qairopaySqlRestore",
      "qp-prod-platform qairopaySqlRestoreRead",
      // The Data API check of a restored copy: the platform's only (NET-09).
      "qp-prod-platform qairopaySqlRestoreVerify",
    ]);
    expect(
      customRoles
        .filter(
          (r) => !/IncidentOperator|KeyOperator|SqlRestore|BackupBucketGrant/.test(String(r.inputs.roleId)),
        )
        .map((r) => [r.inputs.project, r.inputs.roleId, r.inputs.permissions]),
    ).toEqual([
      ...["qp-prod-platform", "qp-prod-cde"].map((p) => [
        p,
        "qairopayDatabaseLogin",
        ["cloudsql.instances.connect", "cloudsql.instances.get", "cloudsql.instances.login"],
      ]),
      // The backup exporters' role (RES-10): an automation account's, not a workload's.
      ...["qp-prod-cde", "qp-prod-platform"].map((p) => [
        p,
        "qairopaySqlExport",
        ["cloudsql.instances.export", "cloudsql.instances.get"],
      ]),
    ]);
  });
});

describe("Postgres clusters", () => {
  test("ledger and card-vault: REGIONAL primary in primaryRegion, DR replica in the other, keys of their own region and class", () => {
    const rows = ofType(prod, T.sql).map((i) => {
      const s = i.inputs.settings as Record<string, unknown>;
      return [
        i.inputs.project,
        i.inputs.name,
        i.inputs.region,
        i.inputs.instanceType,
        i.inputs.masterInstanceName ?? null,
        s.availabilityType,
        i.inputs.encryptionKeyName,
      ];
    });
    const key = (region: string, ring: string, k: string) =>
      `projects/qp-prod-kms/locations/${region}/keyRings/${ring}/cryptoKeys/${k}`;
    expect(sorted(rows)).toEqual(
      sorted([
        [
          "qp-prod-platform",
          "prod-ledger-us-central1",
          "us-central1",
          "CLOUD_SQL_INSTANCE",
          null,
          "REGIONAL",
          key("us-central1", "tenant-data", "ledger-sql"),
        ],
        [
          "qp-prod-platform",
          "prod-ledger-us-east1",
          "us-east1",
          "READ_REPLICA_INSTANCE",
          "prod-ledger-us-central1",
          "REGIONAL",
          key("us-east1", "tenant-data", "ledger-sql"),
        ],
        [
          "qp-prod-cde",
          "prod-card-vault-us-central1",
          "us-central1",
          "CLOUD_SQL_INSTANCE",
          null,
          "REGIONAL",
          key("us-central1", "cardholder", "card-vault-sql"),
        ],
        [
          "qp-prod-cde",
          "prod-card-vault-us-east1",
          "us-east1",
          "READ_REPLICA_INSTANCE",
          "prod-card-vault-us-central1",
          "REGIONAL",
          key("us-east1", "cardholder", "card-vault-sql"),
        ],
      ]),
    );
  });

  test("the primary is private, TLS-only, backed up with PITR, and names its DR replica", () => {
    const primary = named(prod, "prod-ledger-us-central1");
    const s = primary.inputs.settings as Record<string, unknown>;
    expect(primary.inputs.databaseVersion).toBe("POSTGRES_18");
    expect(s.edition).toBe("ENTERPRISE_PLUS");
    expect(s.ipConfiguration).toEqual({
      ipv4Enabled: false,
      privateNetwork: "projects/qp-prod-platform/global/networks/prod-platform",
      allocatedIpRange: "prod-platform-psa",
      sslMode: "ENCRYPTED_ONLY",
      authorizedNetworks: [],
    });
    expect(s.backupConfiguration).toEqual({
      enabled: true,
      pointInTimeRecoveryEnabled: true,
      startTime: "02:00",
      location: "us-central1",
      transactionLogRetentionDays: 14,
      backupRetentionSettings: { retainedBackups: 35, retentionUnit: "COUNT" },
    });
    expect(primary.inputs.replicationCluster).toEqual({
      failoverDrReplicaName: "qp-prod-platform:prod-ledger-us-east1",
    });
    expect([primary.inputs.deletionProtection, s.deletionProtectionEnabled, primary.protect]).toEqual([
      true,
      true,
      true,
    ]);
    expect(s.maintenanceWindow).toEqual({ day: 7, hour: 3, updateTrack: "stable" });
    expect(s.databaseFlags).toEqual(
      expect.arrayContaining([
        { name: "cloudsql.iam_authentication", value: "on" },
        { name: "cloudsql.enable_pgaudit", value: "on" },
      ]),
    );
  });

  test("the DR replica waits for its primary and does not back up while it is a replica", () => {
    const replica = named(prod, "prod-card-vault-us-east1");
    expect(replica.dependencies).toContain(named(prod, "prod-card-vault-us-central1").urn);
    expect((replica.inputs.settings as Record<string, unknown>).backupConfiguration).toEqual({
      enabled: false,
      pointInTimeRecoveryEnabled: false,
    });
    expect(replica.inputs.replicationCluster).toEqual({ failoverDrReplicaName: "" });
  });

  test("a new cluster can be deployed before its DR replica is designated", async () => {
    const bootstrap = await planStack("prod", { sqlDesignateDrReplica: false });
    expect(named(bootstrap, "prod-ledger-us-central1").inputs.replicationCluster).toEqual({
      failoverDrReplicaName: "",
    });
  });
});

describe("the database-side migration (TEN-02): test/databaseMigration.test.ts", () => {
  test("a deployer principal Cloud SQL cannot sign in as is refused", () => {
    expect(iamDatabaseUser("user:alice@example.com")).toEqual({
      name: "alice@example.com",
      type: "CLOUD_IAM_USER",
    });
    expect(() => iamDatabaseUser("domain:example.com")).toThrow(
      "deployer domain:example.com: Cloud SQL IAM users are serviceAccount:, user: or group: principals",
    );
  });
});

describe("Memorystore", () => {
  test("one STANDARD_HA instance per region with TLS, AUTH, read replicas and a key of its region", () => {
    expect(
      ofType(prod, T.redis).map((r) => [
        r.inputs.name,
        r.inputs.region,
        r.inputs.tier,
        r.inputs.transitEncryptionMode,
        r.inputs.authEnabled,
        r.inputs.replicaCount,
        r.inputs.readReplicasMode,
        r.inputs.connectMode,
        r.inputs.customerManagedKey,
        r.protect,
      ]),
    ).toEqual(
      ["us-central1", "us-east1"].map((region) => [
        `prod-cache-${region}`,
        region,
        "STANDARD_HA",
        "SERVER_AUTHENTICATION",
        true,
        2,
        "READ_REPLICAS_ENABLED",
        "PRIVATE_SERVICE_ACCESS",
        `projects/qp-prod-kms/locations/${region}/keyRings/tenant-data/cryptoKeys/redis`,
        true,
      ]),
    );
    expect(named(prod, "prod-cache-us-east1-instance").inputs.persistenceConfig).toEqual({
      persistenceMode: "RDB",
      rdbSnapshotPeriod: "TWELVE_HOURS",
    });
    expect(named(prod, "prod-cache-us-east1-instance").inputs.maintenancePolicy).toEqual({
      weeklyMaintenanceWindows: [{ day: "SUNDAY", startTime: { hours: 3, minutes: 0 } }],
    });
  });
});

describe("network", () => {
  test("a subnet per region per VPC with GKE ranges, Private Google Access and flow logs", () => {
    // The cde's Private Service Connect NAT subnets hold no machine (docs/segmentation.md).
    expect(
      ofType(prod, T.subnet)
        .filter((s) => s.inputs.purpose === "PRIVATE_SERVICE_CONNECT")
        .map((s) => [s.inputs.name, s.inputs.ipCidrRange, s.inputs.project]),
    ).toEqual([
      ["prod-cde-us-central1-psc-nat", "10.78.0.0/24", "qp-prod-cde"],
      ["prod-cde-us-east1-psc-nat", "10.78.1.0/24", "qp-prod-cde"],
    ]);
    expect(
      ofType(prod, T.subnet)
        .filter((s) => s.inputs.purpose === undefined)
        .map((s) => [
          s.inputs.name,
          s.inputs.ipCidrRange,
          s.inputs.secondaryIpRanges,
          s.inputs.privateIpGoogleAccess,
          s.inputs.logConfig,
        ]),
    ).toEqual([
      [
        "prod-platform-us-central1",
        "10.68.0.0/20",
        [
          { rangeName: "pods", ipCidrRange: "10.64.0.0/16" },
          { rangeName: "services", ipCidrRange: "10.68.64.0/20" },
        ],
        true,
        { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
      ],
      [
        "prod-platform-us-east1",
        "10.68.16.0/20",
        [
          { rangeName: "pods", ipCidrRange: "10.65.0.0/16" },
          { rangeName: "services", ipCidrRange: "10.68.80.0/20" },
        ],
        true,
        { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
      ],
      [
        "prod-cde-us-central1",
        "10.76.0.0/20",
        [
          { rangeName: "pods", ipCidrRange: "10.72.0.0/16" },
          { rangeName: "services", ipCidrRange: "10.76.64.0/20" },
        ],
        true,
        { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
      ],
      [
        "prod-cde-us-east1",
        "10.76.16.0/20",
        [
          { rangeName: "pods", ipCidrRange: "10.73.0.0/16" },
          { rangeName: "services", ipCidrRange: "10.76.80.0/20" },
        ],
        true,
        { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
      ],
    ]);
  });

  test("firewalls admit only Google's load-balancer ranges to serving ports, everything logged", () => {
    expect(
      sorted(
        ofType(prod, T.firewall).map((f) => [
          f.inputs.name,
          f.inputs.sourceRanges,
          f.inputs.allows ?? f.inputs.denies,
          f.inputs.logConfig,
        ]),
      ),
    ).toEqual(
      sorted(
        ["prod-platform", "prod-cde"].flatMap((net) => [
          [
            `${net}-allow-google-lb`,
            ["35.191.0.0/16", "130.211.0.0/22"],
            [{ protocol: "tcp", ports: ["443", "8443", "8080"] }],
            { metadata: "INCLUDE_ALL_METADATA" },
          ],
          [
            `${net}-deny-all-ingress`,
            ["0.0.0.0/0"],
            [{ protocol: "all" }],
            { metadata: "INCLUDE_ALL_METADATA" },
          ],
        ]),
      ),
    );
  });

  test("private service access range and connection per VPC, NAT per region", () => {
    expect(
      ofType(prod, "gcp:compute/globalAddress:GlobalAddress")
        .filter((a) => a.inputs.purpose === "VPC_PEERING")
        .map((a) => [a.inputs.name, a.inputs.address, a.inputs.prefixLength, a.inputs.purpose]),
    ).toEqual([
      ["prod-platform-psa", "10.69.0.0", 16, "VPC_PEERING"],
      ["prod-cde-psa", "10.77.0.0", 16, "VPC_PEERING"],
    ]);
    expect(
      ofType(prod, "gcp:compute/routerNat:RouterNat").map((n) => [n.inputs.name, n.inputs.region]),
    ).toEqual([
      ["prod-platform-us-central1", "us-central1"],
      ["prod-platform-us-east1", "us-east1"],
      ["prod-cde-us-central1", "us-central1"],
      ["prod-cde-us-east1", "us-east1"],
    ]);
  });
});

describe("private Google access and intrusion detection", () => {
  test("googleapis.com, pkg.dev and gcr.io resolve to restricted.googleapis.com inside each VPC, which routes there", () => {
    const zones = ofType(prod, "gcp:dns/managedZone:ManagedZone");
    const restricted = ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"];
    expect(
      sorted(
        zones.map((z) => [
          z.inputs.name,
          z.inputs.dnsName,
          z.inputs.visibility,
          z.inputs.privateVisibilityConfig,
        ]),
      ),
    ).toEqual(
      sorted(
        ["prod-platform", "prod-cde"].flatMap((n) =>
          [
            ["googleapis", "googleapis.com."],
            ["pkg", "pkg.dev."],
            ["gcr", "gcr.io."],
          ].map(([key, dns]) => [
            `${n}-${key}`,
            dns,
            "private",
            { networks: [{ networkUrl: `projects/qp-prod-${n.split("-")[1]}/global/networks/${n}` }] },
          ]),
        ),
      ),
    );
    const records = (zone: string) =>
      sorted(
        ofType(prod, "gcp:dns/recordSet:RecordSet")
          .filter((r) => r.inputs.managedZone === zone)
          .map((r) => [r.inputs.name, r.inputs.type, r.inputs.rrdatas]),
      );
    expect(records("prod-platform-googleapis")).toEqual(
      sorted([
        ["restricted.googleapis.com.", "A", restricted],
        ["*.googleapis.com.", "CNAME", ["restricted.googleapis.com."]],
      ]),
    );
    expect(records("prod-cde-pkg")).toEqual(
      sorted([
        ["pkg.dev.", "A", restricted],
        ["*.pkg.dev.", "CNAME", ["pkg.dev."]],
      ]),
    );
    expect(
      ofType(prod, "gcp:compute/route:Route").map((r) => [
        r.inputs.name,
        r.inputs.destRange,
        r.inputs.nextHopGateway,
      ]),
    ).toEqual([
      ["prod-platform-restricted-apis", "199.36.153.4/30", "default-internet-gateway"],
      ["prod-cde-restricted-apis", "199.36.153.4/30", "default-internet-gateway"],
    ]);
  });

  test("egress is denied by default in both VPCs; only the platform names third parties", () => {
    const rules = (net: string) =>
      ofType(prod, "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule")
        .filter((r) => r.inputs.firewallPolicy === `${net}-egress`)
        .map((r) => [r.inputs.priority, r.inputs.action, r.inputs.match, r.inputs.enableLogging])
        .sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(rules("prod-platform").map((r) => r[0])).toEqual([1000, 1100, 1200, 2147483547]);
    expect(rules("prod-cde").map((r) => r[0])).toEqual([1000, 1100, 1200, 2147483547]);
  });

  test("a named third party is allowed by FQDN from the platform VPC only", async () => {
    const withPagerDuty = await planStack("prod", { egressFqdnAllowlist: ["events.pagerduty.com"] });
    const rules = (net: string) =>
      ofType(withPagerDuty, "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule")
        .filter((r) => r.inputs.firewallPolicy === `${net}-egress`)
        .map((r) => [r.inputs.priority, r.inputs.action, r.inputs.match, r.inputs.enableLogging])
        .sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(rules("prod-platform")).toEqual([
      [
        1000,
        "allow",
        { destIpRanges: ["199.36.153.4/30"], layer4Configs: [{ ipProtocol: "tcp", ports: ["443"] }] },
        true,
      ],
      [
        1100,
        "allow",
        {
          destIpRanges: ["10.69.0.0/16"],
          layer4Configs: [{ ipProtocol: "tcp", ports: ["5432", "3307", "6378"] }],
        },
        true,
      ],
      [1200, "allow", expect.objectContaining({ layer4Configs: [{ ipProtocol: "all" }] }), true],
      [
        1300,
        "allow",
        { destFqdns: ["events.pagerduty.com"], layer4Configs: [{ ipProtocol: "tcp", ports: ["443"] }] },
        true,
      ],
      [2147483547, "deny", { destIpRanges: ["0.0.0.0/0"], layer4Configs: [{ ipProtocol: "all" }] }, true],
    ]);
    expect(rules("prod-cde").map((r) => r[0])).toEqual([1000, 1100, 1200, 2147483547]);
    expect(
      ofType(prod, "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation").map(
        (a) => a.inputs.attachmentTarget,
      ),
    ).toEqual([
      "projects/qp-prod-platform/global/networks/prod-platform",
      "projects/qp-prod-cde/global/networks/prod-cde",
    ]);
  });

  test("Cloud IDS inspects each configured region's platform subnet", () => {
    expect(
      sorted(
        ofType(prod, "gcp:cloudids/endpoint:Endpoint").map((e) => [
          e.inputs.name,
          e.inputs.location,
          e.inputs.network,
        ]),
      ),
    ).toEqual(
      sorted(
        ["us-central1", "us-east1"].map((r) => [
          `prod-platform-ids-${r}`,
          `${r}-b`,
          "projects/qp-prod-platform/global/networks/prod-platform",
        ]),
      ),
    );
    const mirroring = named(prod, "prod-ids-us-east1-mirroring").inputs as Record<string, unknown>;
    expect(mirroring.region).toBe("us-east1");
    expect(mirroring.mirroredResources).toEqual({
      subnetworks: [{ url: "projects/qp-prod-platform/regions/us-east1/subnetworks/prod-platform-us-east1" }],
    });
    expect((mirroring.collectorIlb as { url: string }).url).toMatch(/\/regions\/us-east1\/forwardingRules\//);
  });
});

describe("projects and labels", () => {
  test("APIs are enabled and never disabled on destroy", () => {
    const services = ofType(prod, T.service);
    // 23 platform (with Certificate Manager, Cloud IDS, Secret Manager, Container Scanning, Container
    // Analysis), 16 cde (with Cloud DNS, and its clusters' eight), 5 kms, 6 logging; then detection
    // in all four (Security Command Center and its management API, DET-01), recovery in platform and
    // cde (Backup for GKE, Cloud Storage, Workflows and its executions, Cloud Scheduler: RES-10),
    // Privileged Access Manager in platform, cde and kms (IAM-07), Pub/Sub in logging (DET-02), IAM
    // in kms (the key operators' custom role, IAM-07).
    expect(services.length).toBe(50 + 4 * 2 + 2 * 5 + 3 + 1 + 1);
    expect(
      services.every(
        (s) => s.inputs.disableOnDestroy === false && s.inputs.disableDependentServices === false,
      ),
    ).toBe(true);
    expect(services.filter((s) => s.inputs.project === "qp-prod-kms").map((s) => s.inputs.service)).toEqual([
      "cloudkms.googleapis.com",
      "cloudquotas.googleapis.com",
      "iam.googleapis.com",
      "cloudresourcemanager.googleapis.com",
      "logging.googleapis.com",
      "monitoring.googleapis.com",
      "securitycenter.googleapis.com",
      "securitycentermanagement.googleapis.com",
      "privilegedaccessmanager.googleapis.com",
    ]);
  });

  test("every labelled resource carries env, data-class and owner", () => {
    const labelled = prod.resources.filter((r) => LABEL_FIELDS[r.type]);
    // prod adopts its projects: every other labelled type is present (its buckets hold backups, RES-10).
    const absent = ["gcp:organizations/project:Project"];
    expect(new Set(labelled.map((r) => r.type))).toEqual(
      new Set(Object.keys(LABEL_FIELDS).filter((t) => !absent.includes(t))),
    );
    for (const r of labelled) {
      const labels = LABEL_FIELDS[r.type](r.inputs) as Record<string, string>;
      expect([
        r.name,
        labels.env,
        labels.owner,
        ["tenant", "cardholder", "none"].includes(labels["data-class"]),
      ]).toEqual([r.name, "prod", "platform-engineering", true]);
    }
  });
});

describe("secrets (ENC-09)", () => {
  test("the Redis AUTH strings and the PagerDuty key live in Secret Manager, replicated to the serving regions under their keys", () => {
    const secrets = ofType(prod, "gcp:secretmanager/secret:Secret");
    expect(secrets.map((s) => s.inputs.secretId)).toEqual([
      "redis-auth-us-central1",
      "redis-auth-us-east1",
      "pagerduty-service-key",
    ]);
    for (const s of secrets)
      expect(s.inputs.replication).toEqual({
        userManaged: {
          replicas: ["us-central1", "us-east1"].map((location) => ({
            location,
            customerManagedEncryption: {
              kmsKeyName: `projects/qp-prod-kms/locations/${location}/keyRings/platform/cryptoKeys/secrets`,
            },
          })),
        },
      });
    const readers = ofType(prod, "gcp:secretmanager/secretIamMember:SecretIamMember").map((g) => [
      g.inputs.secretId,
      g.inputs.role,
      g.inputs.member,
    ]);
    expect(readers).toEqual(
      ["redis-auth-us-central1", "redis-auth-us-east1"].map((id) => [
        id,
        "roles/secretmanager.secretAccessor",
        "serviceAccount:ledger-workload@qp-prod-platform.iam.gserviceaccount.com",
      ]),
    );
  });

  test("secret versions carry their value as secretData, a Pulumi secret, not the write-only secretDataWo (docs/ci.md: the bridge writes it to state all the same)", () => {
    const versions = ofType(prod, "gcp:secretmanager/secretVersion:SecretVersion");
    expect(versions).toHaveLength(3);
    for (const v of versions) {
      expect(v.inputs).not.toHaveProperty("secretDataWo");
      expect(v.inputs).not.toHaveProperty("secretDataWoVersion");
      expect(v.inputs.secretData).toMatchObject({ [SECRET_SIG_KEY]: "1b47061264138c4ac30d75fd1eb44270" });
      expect(v.inputs.deletionPolicy).toBe("DISABLE");
    }
  });

  test("no secret value among the stack outputs; they name the secrets", () => {
    const stack = prod.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const outputs = JSON.stringify(stack?.outputs);
    expect(outputs).not.toContain("authString");
    expect(outputs).not.toContain("1b47061264138c4ac30d75fd1eb44270");
    expect((stack?.outputs.secrets as Record<string, string>)["redis-auth-us-east1"]).toBe(
      "projects/qp-prod-platform/secrets/redis-auth-us-east1",
    );
  });
});

describe("service perimeter (NET-07)", () => {
  test("prod: dry-run around its four projects, the data services restricted, the CI identities let in from the named networks only", () => {
    const [perimeter] = ofType(prod, "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter");
    expect(perimeter.inputs).toMatchObject({
      parent: "accessPolicies/847362519014",
      name: "accessPolicies/847362519014/servicePerimeters/prod_qairopay",
      perimeterType: "PERIMETER_TYPE_REGULAR",
    });
    expect(perimeter.inputs.status).toBeUndefined();
    expect(perimeter.inputs.useExplicitDryRunSpec).toBe(true);
    const status = perimeter.inputs.spec as Record<string, unknown>;
    expect(sorted(status.resources as string[])).toEqual(
      sorted(
        ["platform", "cde", "kms", "logging"].map((r) => `projects/${mockProjectNumber(`qp-prod-${r}`)}`),
      ),
    );
    expect(status.restrictedServices).toEqual(
      expect.arrayContaining([
        "cloudkms.googleapis.com",
        "sts.googleapis.com",
        "iamcredentials.googleapis.com",
        "containeranalysis.googleapis.com",
        "binaryauthorization.googleapis.com",
        "compute.googleapis.com",
        "containerfilesystem.googleapis.com",
        "pubsub.googleapis.com",
        "gkebackup.googleapis.com",
        "workflows.googleapis.com",
        "cloudscheduler.googleapis.com",
        "privilegedaccessmanager.googleapis.com",
      ]),
    );
    expect(status.vpcAccessibleServices).toEqual({
      enableRestriction: true,
      allowedServices: ["RESTRICTED-SERVICES"],
    });
    const org = (domain: string) =>
      `serviceAccount:service-org-418726350912@${domain}.iam.gserviceaccount.com`;
    const scanners = ["security-center-api", "gcp-sa-ktd-hpsa", "gcp-sa-csc-hpsa"].map(org);
    expect(status.ingressPolicies).toEqual([
      {
        ingressFrom: {
          identities: [
            "serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com",
            "serviceAccount:prod-plan@qp-platform-ci.iam.gserviceaccount.com",
          ],
          sources: [{ accessLevel: "accessPolicies/847362519014/accessLevels/prod_qairopay_operators" }],
        },
        ingressTo: { resources: ["*"], operations: [{ serviceName: "*" }] },
      },
      // Security Command Center's scanners of the Enterprise organisation activation, to every
      // service, in and out, as cloud-foundation-fabric's hardened perimeter admits them (DET-01).
      {
        title: "Security Command Center detectors",
        ingressFrom: { identities: scanners, sources: [{ accessLevel: "*" }] },
        ingressTo: { resources: ["*"], operations: [{ serviceName: "*" }] },
      },
      // Its notification agent, into the logging project's topic only (DET-02).
      {
        title: "Security Command Center findings to the logging project's topic",
        ingressFrom: { identities: [org("gcp-sa-scc-notification")], sources: [{ accessLevel: "*" }] },
        ingressTo: {
          resources: [`projects/${mockProjectNumber("qp-prod-logging")}`],
          operations: [{ serviceName: "pubsub.googleapis.com", methodSelectors: [{ method: "*" }] }],
        },
      },
      // Privileged Access Manager's agent writes the just-in-time grants into the IAM policies of
      // the projects with entitlements (IAM-07). The backup exporters get no rule: Workflows is
      // restricted, so their calls stay inside (RES-10).
      {
        title: "Privileged Access Manager grants",
        ingressFrom: { identities: [org("gcp-sa-pam")], sources: [{ accessLevel: "*" }] },
        ingressTo: {
          resources: ["platform", "cde", "kms"].map((r) => `projects/${mockProjectNumber(`qp-prod-${r}`)}`),
          operations: ["cloudresourcemanager.googleapis.com", "privilegedaccessmanager.googleapis.com"].map(
            (serviceName) => ({ serviceName, methodSelectors: [{ method: "*" }] }),
          ),
        },
      },
      // The people, by group, from the same networks only; no access level on the perimeter itself,
      // which would admit any identity from them (a token stolen from a pod included).
      {
        title: "Operators from the operators' networks",
        ingressFrom: {
          identities: [
            "sre-oncall",
            "security-leads",
            "backup-operators",
            "break-glass",
            "audit-readers",
          ].map((g) => `group:${g}@qairopay.com`),
          sources: [{ accessLevel: "accessPolicies/847362519014/accessLevels/prod_qairopay_operators" }],
        },
        ingressTo: { resources: ["*"], operations: [{ serviceName: "*" }] },
      },
    ]);
    expect(status.accessLevels).toEqual([]);
    expect(status.egressPolicies).toEqual([
      {
        title: "Security Command Center detectors",
        egressFrom: { identities: scanners },
        egressTo: { resources: ["*"], operations: [{ serviceName: "*" }] },
      },
    ]);
    // Networks only: a `members` condition would let the deployer's token in from anywhere.
    const [level] = ofType(prod, "gcp:accesscontextmanager/accessLevel:AccessLevel");
    expect((level.inputs.basic as { conditions: unknown[] }).conditions).toEqual([
      { ipSubnetworks: ["203.0.113.0/28", "198.51.100.32/27"] },
    ]);
  });

  test("a group deployer: let in by the ingress rule (identities take groups), from the named networks", async () => {
    const group = "group:prod-deployers@qairopay.com";
    const withGroup = await planStack("prod", { deployerPrincipal: group });
    const [perimeter] = ofType(withGroup, "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter");
    const ingress = (
      perimeter.inputs.spec as { ingressPolicies: { ingressFrom: { identities: string[] } }[] }
    ).ingressPolicies;
    expect(ingress[0].ingressFrom.identities).toEqual([
      group,
      "serviceAccount:prod-plan@qp-platform-ci.iam.gserviceaccount.com",
    ]);
  });

  test("perimeterEnforced moves the same configuration from the dry-run spec to the enforced status", async () => {
    const enforced = await planStack("prod", { perimeterEnforced: true });
    const [dryRun] = ofType(prod, "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter");
    const [live] = ofType(enforced, "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter");
    expect(live.inputs.spec).toBeUndefined();
    expect(live.inputs.useExplicitDryRunSpec).toBeUndefined();
    expect(live.inputs.status).toEqual(dryRun.inputs.spec);
  });

  test("staging: dry-run first, and its folder sink's writer may write into the logging project", async () => {
    const staging = await planStack("staging");
    const [perimeter] = ofType(staging, "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter");
    expect(perimeter.inputs.status).toBeUndefined();
    expect(perimeter.inputs.useExplicitDryRunSpec).toBe(true);
    const ingress = (
      perimeter.inputs.spec as { ingressPolicies: { ingressFrom: { identities: string[] } }[] }
    ).ingressPolicies;
    expect(ingress[1].ingressFrom.identities).toEqual([
      "serviceAccount:service-folder-538201947712@gcp-sa-logging.iam.gserviceaccount.com",
    ]);
  });
});

describe("backup exports (RES-10)", () => {
  test("the deployer may act as each exporter, on that account alone, before its workflow and schedule are deployed", () => {
    const actAs = ofType(prod, "gcp:serviceaccount/iAMMember:IAMMember").filter((g) =>
      String(g.inputs.serviceAccountId).includes("-backup-export@"),
    );
    expect(actAs.map((g) => [g.inputs.serviceAccountId, g.inputs.role, g.inputs.member])).toEqual(
      [
        ["card-vault", "qp-prod-cde"],
        ["ledger", "qp-prod-platform"],
      ].map(([cluster, project]) => [
        `projects/${project}/serviceAccounts/${cluster}-backup-export@${project}.iam.gserviceaccount.com`,
        "roles/iam.serviceAccountUser",
        "serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com",
      ]),
    );
    // Deploying a workflow that runs as the account needs iam.serviceAccounts.actAs on it, in
    // effect: the workflow waits for the grants' propagation; the schedule comes after the workflow.
    for (const cluster of ["ledger", "card-vault"]) {
      const workflow = named(prod, `prod-${cluster}-backups-workflow`);
      const propagated = named(prod, `prod-${cluster}-backups-grants-propagated`);
      expect(workflow.dependencies).toContain(propagated.urn);
      expect(propagated.inputs.createDuration).toBe("420s");
      expect(propagated.dependencies).toContain(
        named(prod, `prod-${cluster}-backups-exporter-deployer-act-as`).urn,
      );
      expect(named(prod, `prod-${cluster}-backups-schedule`).dependencies).toContain(workflow.urn);
    }
  });

  test("the export retries Cloud SQL's 409 (another operation in progress) and 429/503 for over an hour; the poll retries reads", () => {
    const source = parseYaml(exportWorkflowSource()) as Record<string, { steps: Record<string, unknown>[] }>;
    const step = (name: string) =>
      source.main.steps.find((s) => name in s)?.[name] as Record<string, Record<string, unknown>>;
    expect(step("export").try.call).toBe("http.post");
    expect(step("export").retry.predicate).toBe(`\${${EXPORT_RETRY.predicate}}`);
    expect(step("poll").retry).toBe("${http.default_retry}");
    const predicate = JSON.stringify(source[EXPORT_RETRY.predicate]);
    expect(predicate).toContain("e.code == 409 or e.code == 429 or e.code == 503");
    expect(predicate).not.toMatch(/500|502|504/);
    const delays = Array.from({ length: EXPORT_RETRY.maxRetries }, (_, i) =>
      Math.min(EXPORT_RETRY.initialDelay * EXPORT_RETRY.multiplier ** i, EXPORT_RETRY.maxDelay),
    );
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThan(3600);
    expect(step("export").retry).toEqual({
      predicate: `\${${EXPORT_RETRY.predicate}}`,
      max_retries: EXPORT_RETRY.maxRetries,
      backoff: {
        initial_delay: EXPORT_RETRY.initialDelay,
        max_delay: EXPORT_RETRY.maxDelay,
        multiplier: EXPORT_RETRY.multiplier,
      },
    });
  });

  test("each export workflow pages its project's channels when an execution fails and when none succeeded for 25 hours", () => {
    for (const [cluster, project] of [
      ["ledger", "qp-prod-platform"],
      ["card-vault", "qp-prod-cde"],
    ]) {
      const workflow = `${cluster}-backup-export`;
      const failed = named(prod, `prod-${cluster}-alerts-${workflow}-failed`);
      const stale = named(prod, `prod-${cluster}-alerts-${workflow}-stale`);
      for (const alert of [failed, stale]) {
        expect(alert.inputs.project).toBe(project);
        expect((alert.inputs.notificationChannels as string[]).length).toBeGreaterThan(0);
      }
      expect(failed.inputs.conditions).toEqual([failedExportCondition(workflow)]);
      expect(stale.inputs.conditions).toEqual([staleExportCondition(workflow)]);
      expect(staleExportCondition(workflow).conditionThreshold).toMatchObject({
        filter: `metric.type="workflows.googleapis.com/finished_execution_count" AND resource.type="workflows.googleapis.com/Workflow" AND resource.labels.workflow_id="${workflow}" AND metric.labels.status="SUCCEEDED"`,
        comparison: "COMPARISON_LT",
        thresholdValue: 1,
        evaluationMissingData: "EVALUATION_MISSING_DATA_ACTIVE",
        aggregations: [
          { alignmentPeriod: "90000s", perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM" },
        ],
      });
    }
  });
});
