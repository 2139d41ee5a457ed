import { mockProjectNumber } from "../../engine/gcpMocks";
import { addResource, editResource, Mutation, removeResource } from "../mutate";
import { CI_IDENTITY_CASES } from "./ciIdentityCases";
import { PERIMETER_ACCESS_CASES } from "./perimeterAccessCases";
import { AUDIT_TRAIL_CASES } from "./auditTrailCases";
import { NETWORK_CASES } from "./networkCases";
import { SUPPLY_CHAIN_CASES } from "./supplyChainCases";
import { BACKUP_CASES } from "./backupCases";
import { DETECTION_CASES } from "./detectionCases";
import { PRIVILEGED_ACCESS_CASES } from "./privilegedAccessCases";
import { MEANING_CASES } from "./meaningCases";
import { PUBLIC_RULE_CASES } from "./publicRuleCases";

/**
 * One case per way a control can be broken: a mutation of the prod plan, the policy that must
 * catch it, the resource it must name and the exact message after the policy's description.
 * test/policies.test.ts runs them; tools/genControlsDoc.ts cites them in docs/controls.md.
 */
const LEDGER_SA = "serviceAccount:ledger-workload@qp-prod-platform.iam.gserviceaccount.com";
const KMS_NUMBER = mockProjectNumber("qp-prod-kms");
const KMS = "projects/qp-prod-kms/locations";

export interface PolicyCase {
  policy: string;
  title: string;
  mutate: Mutation;
  /** Name of the resource the violation is reported on. */
  on: string;
  /** The violation message after the policy's description line. */
  message: string;
  /** The plan the case mutates: prod's platform stack (default), its tenant-key shard, or its CI identities. */
  against?: "prod" | "prod-shard-000" | "ci-identities-prod";
}

/** Moves one Kubernetes object to another cluster: its provider becomes that cluster's. */
function onProviderOf(name: string, provider: string): Mutation {
  return (resources) => {
    const target = resources.find((r) => r.name === provider);
    if (!target) throw new Error(`no provider ${provider}`);
    return editResource(name, (_p, r) => (r.provider = `${target.urn}::${target.id ?? ""}`))(resources);
  };
}

/** The cross-tenant filter as it was before pgAudit's records were known to go to the Data Access log. */
const POSTGRES_LOG_CROSS_TENANT_FILTER =
  'resource.type="cloudsql_database" AND resource.labels.database_id="qp-prod-platform:prod-ledger-us-east1" AND ' +
  'logName:"/logs/cloudsql.googleapis.com%2Fpostgres.log" AND textPayload:"qairopay_cross_tenant_denied"';

const settings = (p: Record<string, unknown>) => p.settings as Record<string, Record<string, unknown>>;

const PLATFORM_CASES: PolicyCase[] = [
  {
    policy: "kms-cryptokey-rotation",
    title: "a key rotating yearly",
    mutate: editResource("prod-keys-us-central1-redis", (p) => (p.rotationPeriod = "31536000s")),
    on: "prod-keys-us-central1-redis",
    message:
      '[ENC-04] gcp:kms/cryptoKey:CryptoKey "prod-keys-us-central1-redis": rotationPeriod is "31536000s", longer than 90 days or unset. Fix: set rotationPeriod: "7776000s" or shorter',
  },
  {
    policy: "kms-cryptokey-retention",
    title: "a key destroyed after one day",
    mutate: editResource("prod-keys-us-east1-ledger-sql", (p) => (p.destroyScheduledDuration = "86400s")),
    on: "prod-keys-us-east1-ledger-sql",
    message:
      '[ENC-05] gcp:kms/cryptoKey:CryptoKey "prod-keys-us-east1-ledger-sql": destroyScheduledDuration is "86400s", under 30 days. Fix: set destroyScheduledDuration: "2592000s" or longer',
  },
  {
    policy: "stateful-resource-protected",
    title: "an unprotected key",
    mutate: editResource("prod-keys-us-east1-ledger-sql", (_p, r) => (r.protect = false)),
    on: "prod-keys-us-east1-ledger-sql",
    message:
      '[RES-05, ENC-05] gcp:kms/cryptoKey:CryptoKey "prod-keys-us-east1-ledger-sql": protect is false. Fix: add the resource option protect: true',
  },
  {
    policy: "stateful-resource-protected",
    title: "a key whose deletion destroys its versions",
    mutate: editResource("prod-keys-us-east1-redis", (p) => delete p.deletionPolicy),
    on: "prod-keys-us-east1-redis",
    message:
      '[RES-05, ENC-05] gcp:kms/cryptoKey:CryptoKey "prod-keys-us-east1-redis": deletionPolicy is "DELETE": deleting the resource destroys every key version. Fix: set deletionPolicy: "PREVENT"',
  },
  {
    policy: "kms-cardholder-key-hsm",
    title: "a software cardholder key",
    mutate: editResource(
      "prod-keys-us-east1-card-vault-sql",
      (p) => ((p.versionTemplate as Record<string, string>).protectionLevel = "SOFTWARE"),
    ),
    on: "prod-keys-us-east1-card-vault-sql",
    message:
      '[ENC-03] gcp:kms/cryptoKey:CryptoKey "prod-keys-us-east1-card-vault-sql": protectionLevel is SOFTWARE. Fix: set versionTemplate.protectionLevel: HSM',
  },
  {
    policy: "kms-cardholder-key-users",
    title: "the platform project's Compute Engine agent granted a cde cluster key",
    mutate: addResource({
      type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
      name: "platform-disks-on-cde-key",
      inputs: {
        cryptoKeyId: `${KMS}/us-central1/keyRings/cardholder/cryptoKeys/cde-gke-boot-disk`,
        role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member: `serviceAccount:service-${mockProjectNumber("qp-prod-platform")}@compute-system.iam.gserviceaccount.com`,
      },
    }),
    on: "platform-disks-on-cde-key",
    message: `[ENC-03] gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember "platform-disks-on-cde-key": serviceAccount:service-${mockProjectNumber("qp-prod-platform")}@compute-system.iam.gserviceaccount.com is outside the cardholder-data environment (qp-prod-cde) but is granted roles/cloudkms.cryptoKeyEncrypterDecrypter on a cardholder key. Fix: remove the grant or use a principal of the cardholder-data project`,
  },
  {
    policy: "kms-cardholder-key-users",
    title: "a key-user role on the whole KMS project (every key, cardholder keys included)",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "ledger-decrypts-everything",
      inputs: { project: "qp-prod-kms", role: "roles/cloudkms.cryptoKeyDecrypter", member: LEDGER_SA },
    }),
    on: "ledger-decrypts-everything",
    message: `[ENC-03] gcp:projects/iAMMember:IAMMember "ledger-decrypts-everything": ${LEDGER_SA} holds roles/cloudkms.cryptoKeyDecrypter on project qp-prod-kms, which makes every key of the KMS project usable by it, cardholder keys included. Fix: grant key roles on individual keys (or the tenant-kek ring) only`,
  },
  {
    policy: "kms-service-agent-grants-exact",
    title: "a service agent's grant on the key its instance uses, removed",
    mutate: removeResource("prod-keys-us-east1-ledger-sql-platform-cloud-sql"),
    on: "prod-ledger-us-east1",
    message: `[ENC-08] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-east1": the cloud-sql agent of qp-prod-platform (service-${mockProjectNumber("qp-prod-platform")}@gcp-sa-cloud-sql.iam.gserviceaccount.com) holds no roles/cloudkms.cryptoKeyEncrypterDecrypter on ${KMS}/us-east1/keyRings/tenant-data/cryptoKeys/ledger-sql, which this resource encrypts with: the service cannot use the key. Fix: grant the agent the role on that key with a CryptoKeyIAMMember, and depend on it`,
  },
  {
    policy: "kms-cardholder-key-users",
    title: "the ledger workload granted a cardholder key",
    mutate: addResource({
      type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
      name: "ledger-reads-pans",
      inputs: {
        cryptoKeyId: `${KMS}/us-central1/keyRings/cardholder/cryptoKeys/card-vault-pan`,
        role: "roles/cloudkms.cryptoKeyDecrypter",
        member: LEDGER_SA,
      },
    }),
    on: "ledger-reads-pans",
    message: `[ENC-03] gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember "ledger-reads-pans": ${LEDGER_SA} is outside the cardholder-data environment (qp-prod-cde) but is granted roles/cloudkms.cryptoKeyDecrypter on a cardholder key. Fix: remove the grant or use a principal of the cardholder-data project`,
  },
  {
    policy: "kms-service-agent-grants-exact",
    title: "a service agent granted a whole key ring",
    mutate: addResource({
      type: "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
      name: "sql-agent-ring",
      inputs: {
        keyRingId: `${KMS}/us-east1/keyRings/tenant-data`,
        role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member: "serviceAccount:service-123456789012@gcp-sa-cloud-sql.iam.gserviceaccount.com",
      },
    }),
    on: "sql-agent-ring",
    message: `[ENC-08] gcp:kms/keyRingIAMMember:KeyRingIAMMember "sql-agent-ring": serviceAccount:service-123456789012@gcp-sa-cloud-sql.iam.gserviceaccount.com (cloud-sql agent) is granted roles/cloudkms.cryptoKeyEncrypterDecrypter on key ring ${KMS}/us-east1/keyRings/tenant-data. Fix: grant the role on the individual keys with CryptoKeyIAMMember instead`,
  },
  {
    policy: "kms-service-agent-grants-exact",
    title: "a service agent granted a key its service does not use",
    mutate: addResource({
      type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
      name: "redis-agent-on-ledger-key",
      inputs: {
        cryptoKeyId: `${KMS}/us-east1/keyRings/tenant-data/cryptoKeys/ledger-sql`,
        role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member: "serviceAccount:service-123456789012@cloud-redis.iam.gserviceaccount.com",
      },
    }),
    on: "redis-agent-on-ledger-key",
    message: `[ENC-08] gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember "redis-agent-on-ledger-key": serviceAccount:service-123456789012@cloud-redis.iam.gserviceaccount.com (redis agent) is granted ${KMS}/us-east1/keyRings/tenant-data/cryptoKeys/ledger-sql, which no redis resource uses. Fix: remove the grant, or grant the key the service actually uses`,
  },
  {
    policy: "kms-tenant-kek-per-region",
    title: "a tenant's KEK removed from one region",
    against: "prod-shard-000",
    mutate: removeResource("prod-keys-us-east1-kek-cedar-health"),
    on: "prod-keys-us-central1-kek-cedar-health",
    message:
      '[TEN-01] gcp:kms/cryptoKey:CryptoKey "prod-keys-us-central1-kek-cedar-health": tenant cedar-health has no KEK in us-east1 (only in us-central1). Fix: create the tenant\'s KEK in us-east1',
  },
  {
    policy: "sql-instance-cmek",
    title: "a DR replica on Google-default encryption",
    mutate: editResource("prod-ledger-us-east1", (p) => delete p.encryptionKeyName),
    on: "prod-ledger-us-east1",
    message:
      '[ENC-01, ENC-02] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-east1": encryptionKeyName is null, not a customer-managed key. Fix: set encryptionKeyName to a Cloud KMS key in us-east1',
  },
  {
    policy: "sql-instance-cmek",
    title: "an instance encrypted with another region's key",
    mutate: editResource(
      "prod-card-vault-us-east1",
      (p) => (p.encryptionKeyName = `${KMS}/us-central1/keyRings/cardholder/cryptoKeys/card-vault-sql`),
    ),
    on: "prod-card-vault-us-east1",
    message:
      '[ENC-01, ENC-02] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-east1": encryptionKeyName is in us-central1 but the instance is in us-east1. Fix: use the key of region us-east1',
  },
  {
    policy: "sql-instance-private-tls",
    title: "a public, unencrypted instance open to the internet",
    mutate: editResource("prod-ledger-us-central1", (p) => {
      settings(p).ipConfiguration = {
        ipv4Enabled: true,
        authorizedNetworks: [{ value: "0.0.0.0/0" }],
        sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
      };
    }),
    on: "prod-ledger-us-central1",
    message: [
      '[NET-01, ENC-07] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": ipConfiguration.ipv4Enabled is true. Fix: set ipv4Enabled: false',
    ].join(""),
  },
  {
    policy: "sql-instance-audit-flags",
    title: "IAM database authentication switched off",
    mutate: editResource("prod-card-vault-us-central1", (p) => {
      settings(p).databaseFlags = (settings(p).databaseFlags as unknown as { name: string }[]).filter(
        (f) => f.name !== "cloudsql.iam_authentication",
      ) as never;
    }),
    on: "prod-card-vault-us-central1",
    message:
      '[IAM-05, LOG-06, LOG-08, TEN-02] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-central1": database flag cloudsql.iam_authentication is null (IAM-05). Fix: set database flag cloudsql.iam_authentication=on',
  },
  {
    policy: "sql-instance-audit-flags",
    title: "a cardholder instance whose pgAudit does not record reads",
    mutate: editResource("prod-card-vault-us-east1", (p) => {
      for (const f of settings(p).databaseFlags as unknown as { name: string; value: string }[]) {
        if (f.name === "pgaudit.log") f.value = "ddl,role,write,function";
      }
    }),
    on: "prod-card-vault-us-east1",
    message:
      '[IAM-05, LOG-06, LOG-08, TEN-02] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-east1": database flag pgaudit.log is "ddl,role,write,function", which does not audit read, misc_set on a cardholder instance (PCI DSS 10.2.1). Fix: set database flag pgaudit.log=all',
  },
  {
    policy: "sql-instance-audit-flags",
    title: "error details (a duplicate key's value) logged",
    mutate: editResource("prod-ledger-us-central1", (p) => {
      settings(p).databaseFlags = (settings(p).databaseFlags as unknown as { name: string }[]).filter(
        (f) => f.name !== "log_error_verbosity",
      ) as never;
    }),
    on: "prod-ledger-us-central1",
    message:
      '[IAM-05, LOG-06, LOG-08, TEN-02] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": database flag log_error_verbosity is null (LOG-08). Fix: set database flag log_error_verbosity=terse',
  },
  {
    policy: "redis-instance-hardening",
    title: "Redis without TLS",
    mutate: editResource("prod-cache-us-east1-instance", (p) => (p.transitEncryptionMode = "DISABLED")),
    on: "prod-cache-us-east1-instance",
    message:
      '[RES-03, ENC-07, IAM-05, ENC-01, ENC-02, NET-01] gcp:redis/instance:Instance "prod-cache-us-east1-instance": transitEncryptionMode is "DISABLED". Fix: set transitEncryptionMode: "SERVER_AUTHENTICATION"',
  },
  {
    policy: "gcp-resource-region-residency",
    title: "a subnet in Europe",
    mutate: editResource("prod-cde-net-us-east1", (p) => (p.region = "europe-west1")),
    on: "prod-cde-net-us-east1",
    message:
      '[REG-01] gcp:compute/subnetwork:Subnetwork "prod-cde-net-us-east1": region is "europe-west1". Fix: use us-central1 or us-east1',
  },
  {
    policy: "compute-subnetwork-flow-logs-pga",
    title: "a subnet without flow logs",
    mutate: editResource("prod-platform-net-us-central1", (p) => delete p.logConfig),
    on: "prod-platform-net-us-central1",
    message:
      '[LOG-06, NET-04] gcp:compute/subnetwork:Subnetwork "prod-platform-net-us-central1": flow logs are off (no logConfig). Fix: add logConfig with metadata INCLUDE_ALL_METADATA',
  },
  {
    policy: "compute-firewall-ingress-restricted",
    title: "an added rule admitting SSH from the internet",
    mutate: addResource({
      type: "gcp:compute/firewall:Firewall",
      name: "allow-ssh",
      inputs: {
        name: "allow-ssh",
        network: "prod-platform",
        direction: "INGRESS",
        sourceRanges: ["0.0.0.0/0"],
        allows: [{ protocol: "tcp", ports: ["22"] }],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
      },
    }),
    on: "allow-ssh",
    message:
      '[NET-03, LOG-06] gcp:compute/firewall:Firewall "allow-ssh": allows ingress from 0.0.0.0/0. Fix: admit only 35.191.0.0/16, 130.211.0.0/22 or internal ranges',
  },
  {
    policy: "iam-no-basic-roles",
    title: "an editor grant",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "dev-editor",
      inputs: { project: "qp-prod-platform", role: "roles/editor", member: "user:dev@qairopay.com" },
    }),
    on: "dev-editor",
    message:
      '[IAM-01] gcp:projects/iAMMember:IAMMember "dev-editor": grants basic role roles/editor. Fix: grant a predefined, least-privilege role instead',
  },
  {
    policy: "iam-no-public-principals",
    title: "a grant to allUsers",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "public",
      inputs: { project: "qp-prod-platform", role: "roles/cloudsql.client", member: "allUsers" },
    }),
    on: "public",
    message:
      '[IAM-02] gcp:projects/iAMMember:IAMMember "public": grants roles/cloudsql.client to allUsers. Fix: grant named principals only',
  },
  {
    policy: "iam-no-service-account-keys",
    title: "a service-account key",
    mutate: addResource({
      type: "gcp:serviceaccount/key:Key",
      name: "ledger-key",
      inputs: { serviceAccountId: "ledger-workload@qp-prod-platform.iam.gserviceaccount.com" },
    }),
    on: "ledger-key",
    message:
      '[IAM-03] gcp:serviceaccount/key:Key "ledger-key": creates a key for ledger-workload@qp-prod-platform.iam.gserviceaccount.com. Fix: remove it and use Workload Identity',
  },
  {
    policy: "iam-workload-data-plane-only",
    title: "a workload made Cloud SQL admin",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "ledger-admin",
      inputs: { project: "qp-prod-platform", role: "roles/cloudsql.admin", member: LEDGER_SA },
    }),
    on: "ledger-admin",
    message: `[IAM-04] gcp:projects/iAMMember:IAMMember "ledger-admin": application account ${LEDGER_SA} is granted roles/cloudsql.admin. Fix: grant a data-plane role instead`,
  },
  {
    policy: "iam-workload-data-plane-only",
    title:
      "a workload given the predefined Cloud SQL Instance User role (it may run executeSql) instead of the login role",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "ledger-instance-user",
      inputs: { project: "qp-prod-platform", role: "roles/cloudsql.instanceUser", member: LEDGER_SA },
    }),
    on: "ledger-instance-user",
    message: `[IAM-04] gcp:projects/iAMMember:IAMMember "ledger-instance-user": application account ${LEDGER_SA} is granted roles/cloudsql.instanceUser. Fix: grant a data-plane role instead`,
  },
  {
    policy: "iam-workload-data-plane-only",
    title: "the workloads' login role widened with executeSql",
    mutate: editResource("prod-cde-database-login", (p) =>
      (p.permissions as string[]).push("cloudsql.instances.executeSql"),
    ),
    on: "prod-cde-database-login",
    message:
      '[IAM-04] gcp:projects/iAMCustomRole:IAMCustomRole "prod-cde-database-login": the workloads\' database-login role qairopayDatabaseLogin also grants cloudsql.instances.executeSql. Fix: keep only cloudsql.instances.connect, cloudsql.instances.get, cloudsql.instances.login',
  },
  {
    policy: "sql-instance-cardholder-no-data-api",
    title: "the cardholder primary opened to the Data API",
    mutate: editResource(
      "prod-card-vault-us-central1",
      (p) => (settings(p).dataApiAccess = "ALLOW_DATA_API" as never),
    ),
    on: "prod-card-vault-us-central1",
    message:
      '[NET-09] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-central1": settings.dataApiAccess is "ALLOW_DATA_API" on an instance that holds cardholder data (it is labelled data-class=cardholder): executeSql reaches it from the public internet. Fix: set settings.dataApiAccess: "DISALLOW_DATA_API"',
  },
  {
    policy: "sql-instance-cardholder-no-data-api",
    title:
      "the Data API setting left unset on the cardholder replica (the provider keeps what the instance has)",
    mutate: editResource("prod-card-vault-us-east1", (p) => delete settings(p).dataApiAccess),
    on: "prod-card-vault-us-east1",
    message:
      '[NET-09] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-east1": settings.dataApiAccess is unset on an instance that holds cardholder data (it is labelled data-class=cardholder): the provider reads the field as Optional+Computed and keeps whatever the instance has, ALLOW_DATA_API included. Fix: set settings.dataApiAccess: "DISALLOW_DATA_API"',
  },
  {
    policy: "sql-instance-cardholder-no-data-api",
    title: "the cardholder primary relabelled tenant, then opened (its key still says cardholder)",
    mutate: editResource("prod-card-vault-us-central1", (p) => {
      settings(p).userLabels = { ...settings(p).userLabels, "data-class": "tenant" } as never;
      settings(p).dataApiAccess = "ALLOW_DATA_API" as never;
    }),
    on: "prod-card-vault-us-central1",
    message:
      '[NET-09] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-central1": settings.dataApiAccess is "ALLOW_DATA_API" on an instance that holds cardholder data (it is encrypted with a cardholder key): executeSql reaches it from the public internet. Fix: set settings.dataApiAccess: "DISALLOW_DATA_API"',
  },
  {
    policy: "sql-instance-cardholder-no-data-api",
    title: "a second instance in the cde project, labelled tenant with a tenant key, open to the Data API",
    mutate: addResource({
      type: "gcp:sql/databaseInstance:DatabaseInstance",
      name: "cde-side-door",
      inputs: {
        project: "qp-prod-cde",
        name: "cde-side-door",
        region: "us-central1",
        encryptionKeyName: `${KMS}/us-central1/keyRings/tenant-data/cryptoKeys/ledger-sql`,
        settings: { dataApiAccess: "ALLOW_DATA_API", userLabels: { "data-class": "tenant" } },
      },
    }),
    on: "cde-side-door",
    message:
      '[NET-09] gcp:sql/databaseInstance:DatabaseInstance "cde-side-door": settings.dataApiAccess is "ALLOW_DATA_API" on an instance that holds cardholder data (its project qp-prod-cde holds cardholder data): executeSql reaches it from the public internet. Fix: set settings.dataApiAccess: "DISALLOW_DATA_API"',
  },
  {
    policy: "gcp-resource-standard-labels",
    title: "a cache without its owner label",
    mutate: editResource(
      "prod-cache-us-central1-instance",
      (p) => delete (p.labels as Record<string, string>).owner,
    ),
    on: "prod-cache-us-central1-instance",
    message:
      '[GOV-02] gcp:redis/instance:Instance "prod-cache-us-central1-instance": labels lack owner (have {"data-class":"tenant","env":"prod","managed-by":"pulumi"}). Fix: add the standard labels',
  },
  {
    policy: "sql-instance-resilience",
    title: "a zonal primary",
    mutate: editResource("prod-ledger-us-central1", (p) => (settings(p).availabilityType = "ZONAL" as never)),
    on: "prod-ledger-us-central1",
    message:
      '[RES-02, RES-05] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": settings.availabilityType is "ZONAL". Fix: set availabilityType: REGIONAL',
  },
  {
    policy: "sql-instance-resilience",
    title: "a primary without point-in-time recovery",
    mutate: editResource(
      "prod-card-vault-us-central1",
      (p) => (settings(p).backupConfiguration.pointInTimeRecoveryEnabled = false),
    ),
    on: "prod-card-vault-us-central1",
    message:
      '[RES-02, RES-05] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-central1": backupConfiguration.pointInTimeRecoveryEnabled is false on a primary. Fix: enable point-in-time recovery',
  },
  {
    policy: "sql-instance-dr-replica",
    title: "a removed DR replica",
    mutate: removeResource("prod-ledger-us-east1"),
    on: "prod-ledger-us-central1",
    message:
      '[RES-02, RES-01] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": primary prod-ledger-us-central1 in us-central1 has no replica in another region (replicas: none). Fix: add a cross-region disaster-recovery replica',
  },
  {
    policy: "sql-instance-dr-replica-designated",
    title: "a primary that does not designate its DR replica",
    mutate: editResource(
      "prod-card-vault-us-central1",
      (p) => (p.replicationCluster = { failoverDrReplicaName: "" }),
    ),
    on: "prod-card-vault-us-central1",
    message:
      '[RES-02] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-central1": replicationCluster.failoverDrReplicaName is "". Fix: set it to "qp-prod-cde:prod-card-vault-us-east1"',
  },
  {
    policy: "redis-instance-both-regions",
    title: "a removed regional cache",
    mutate: removeResource("prod-cache-us-east1-instance"),
    on: "prod-cache-us-central1-instance",
    message:
      '[RES-03, RES-01] gcp:redis/instance:Instance "prod-cache-us-central1-instance": no STANDARD_HA Redis instance in us-east1. Fix: add a STANDARD_HA instance in us-east1',
  },
  {
    policy: "stateful-resource-protected",
    title: "an unprotected cache",
    mutate: editResource("prod-cache-us-east1-instance", (_p, r) => (r.protect = false)),
    on: "prod-cache-us-east1-instance",
    message:
      '[RES-05, ENC-05] gcp:redis/instance:Instance "prod-cache-us-east1-instance": protect is false. Fix: add the resource option protect: true',
  },
  {
    policy: "logging-bucket-locked-cmek",
    title: "an unlocked audit bucket",
    mutate: editResource("prod-audit-log-bucket", (p) => (p.locked = false)),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-02, LOG-05, ENC-01, ENC-02] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": locked is false. Fix: set locked: true',
  },
  {
    policy: "logging-bucket-locked-cmek",
    title: "an audit bucket kept 90 days on Google-default encryption",
    mutate: editResource("prod-audit-log-bucket", (p) => {
      p.retentionDays = 90;
      delete p.cmekSettings;
    }),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-02, LOG-05, ENC-01, ENC-02] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": retentionDays is 90. Fix: set retentionDays to 365 or more',
  },
  {
    policy: "logging-project-isolation",
    title: "an application service account granted log writing in the logging project",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "ledger-writes-logs",
      inputs: { project: "qp-prod-logging", role: "roles/logging.logWriter", member: LEDGER_SA },
    }),
    on: "ledger-writes-logs",
    message: `[LOG-01] gcp:projects/iAMMember:IAMMember "ledger-writes-logs": ${LEDGER_SA} holds roles/logging.logWriter in logging project qp-prod-logging. Fix: remove it; only sink writers (bucketWriter on the audit bucket), auditors (viewAccessor on the audit bucket's view) and the project's own service agents (their service-agent role) belong here`,
  },
  {
    policy: "logging-project-isolation",
    title: "a sink writer whose bucket condition was dropped",
    mutate: editResource("prod-audit-log-kms-writer", (p) => delete p.condition),
    on: "prod-audit-log-kms-writer",
    message: `[LOG-01] gcp:projects/iAMMember:IAMMember "prod-audit-log-kms-writer": serviceAccount:service-${KMS_NUMBER}@gcp-sa-logging.iam.gserviceaccount.com holds roles/logging.bucketWriter in logging project qp-prod-logging without a condition limiting it to the audit bucket. Fix: remove it; only sink writers (bucketWriter on the audit bucket), auditors (viewAccessor on the audit bucket's view) and the project's own service agents (their service-agent role) belong here`,
  },
  {
    policy: "logging-project-isolation",
    title: "a removed deny policy",
    mutate: removeResource("prod-logging-isolation-deny"),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-01] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": the IAM deny policies of logging project qp-prod-logging leave a gap: logging.googleapis.com/buckets.delete is not denied; logging.googleapis.com/buckets.update is not denied; logging.googleapis.com/buckets.undelete is not denied; logging.googleapis.com/logEntries.create is not denied. Fix: keep the deny policy of components/loggingIsolation.ts: bucket, sink and IAM administration denied to all but the deployer and break-glass, direct log writes to all but the sink writers',
  },
  {
    policy: "logging-sink-every-project",
    title: "a removed project sink",
    mutate: removeResource("prod-audit-log-cde"),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-03] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": project qp-prod-cde has no complete sink to logging.googleapis.com/projects/qp-prod-logging/locations/us-central1/buckets/audit-log. Fix: add a ProjectSink in qp-prod-cde',
  },
  {
    policy: "logging-sink-every-project",
    title: "a sink filter that drops the KMS audit logs",
    mutate: editResource(
      "prod-audit-log-kms",
      (p) => (p.filter = 'logName:"/logs/cloudaudit.googleapis.com%2Factivity"'),
    ),
    on: "prod-audit-log-kms",
    message:
      '[LOG-03] gcp:logging/projectSink:ProjectSink "prod-audit-log-kms": filter omits cloudaudit.googleapis.com%2Fdata_access, cloudaudit.googleapis.com%2Fsystem_event, cloudaudit.googleapis.com%2Fpolicy, cloudkms.googleapis.com, /logs/qairopay-audit. Fix: keep the sink enabled, without exclusions, its filter a plain OR of the four audit streams, cloudkms.googleapis.com and the application log',
  },
  {
    policy: "logging-data-access-audit-config",
    title: "Data Access logs switched off in the KMS project",
    mutate: removeResource("prod-data-access-kms"),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-04] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": project qp-prod-kms lacks Data Access audit logs ADMIN_READ, DATA_READ, DATA_WRITE for allServices. Fix: enable them with an IAMAuditConfig',
  },
  {
    policy: "monitoring-security-event-alerts",
    title: "a removed KMS destroy alert",
    mutate: removeResource("prod-logging-alerts-kms-key-disable-or-destroy-alert"),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted log-based metric for KMS key disable or destroy. Fix: add a metric and an alert policy for it',
  },
  {
    policy: "monitoring-security-event-alerts",
    title: "the KMS destroy alert kept, paging a channel the stack does not declare",
    mutate: editResource(
      "prod-logging-alerts-kms-key-disable-or-destroy-alert",
      (p) => (p.notificationChannels = ["projects/qp-prod-logging/notificationChannels/1"]),
    ),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": alert policy prod-logging-alerts-kms-key-disable-or-destroy-alert pages nobody: its channel(s) projects/qp-prod-logging/notificationChannels/1 (not declared by the stack). Fix: re-enable them or name a channel the stack declares (components/securityAlerts.ts)',
  },
  {
    policy: "sql-instance-cross-tenant-alert",
    title: "a tenant database without its cross-tenant metric",
    mutate: removeResource("prod-ledger-alerts-cross-tenant-prod-ledger-us-east1"),
    on: "prod-ledger-us-east1",
    message:
      '[TEN-02] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-east1": no alerted cross-tenant metric for qp-prod-platform:prod-ledger-us-east1. Fix: add one on the pgaudit marker',
  },
  {
    policy: "sql-instance-cross-tenant-alert",
    title: "a cross-tenant metric on postgres.log, where pgAudit's records never arrive",
    mutate: editResource(
      "prod-ledger-alerts-cross-tenant-prod-ledger-us-east1",
      (p) => (p.filter = POSTGRES_LOG_CROSS_TENANT_FILTER),
    ),
    on: "prod-ledger-us-east1",
    message: `[TEN-02] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-east1": the cross-tenant metric for qp-prod-platform:prod-ledger-us-east1 does not read pgAudit's Data Access log (filter ${JSON.stringify(POSTGRES_LOG_CROSS_TENANT_FILTER)}). Fix: filter on logName "projects/<project>/logs/cloudaudit.googleapis.com%2Fdata_access" and protoPayload.request.@type "type.googleapis.com/google.cloud.sql.audit.v1.PgAuditEntry"`,
  },
  {
    policy: "gke-cluster-hardening",
    title: "a cluster with public nodes and Google-default secrets encryption",
    mutate: editResource("prod-gke-us-east1-cluster", (p) => {
      p.privateClusterConfig = { enablePrivateNodes: false, enablePrivateEndpoint: true };
    }),
    on: "prod-gke-us-east1-cluster",
    message:
      '[IAM-06, NET-02, ENC-01, ENC-02, K8S-04, RES-05, IAM-03, IAM-01] gcp:container/cluster:Cluster "prod-gke-us-east1-cluster": privateClusterConfig.enablePrivateNodes is false. Fix: set privateClusterConfig.enablePrivateNodes: true',
  },
  {
    policy: "gke-cluster-hardening",
    title: "a control plane open to 0.0.0.0/0",
    mutate: editResource("prod-gke-us-central1-cluster", (p) => {
      (p.masterAuthorizedNetworksConfig as { cidrBlocks: unknown[] }).cidrBlocks.push({
        displayName: "all",
        cidrBlock: "0.0.0.0/0",
      });
    }),
    on: "prod-gke-us-central1-cluster",
    message:
      '[IAM-06, NET-02, ENC-01, ENC-02, K8S-04, RES-05, IAM-03, IAM-01] gcp:container/cluster:Cluster "prod-gke-us-central1-cluster": the control plane is reachable from the internet (0.0.0.0/0 or no authorized networks on a public endpoint). Fix: use a private endpoint and named authorized networks',
  },
  {
    policy: "gke-cluster-hardening",
    title: "Binary Authorization switched off",
    mutate: editResource(
      "prod-gke-us-central1-cluster",
      (p) => (p.binaryAuthorization = { evaluationMode: "DISABLED" }),
    ),
    on: "prod-gke-us-central1-cluster",
    message:
      '[IAM-06, NET-02, ENC-01, ENC-02, K8S-04, RES-05, IAM-03, IAM-01] gcp:container/cluster:Cluster "prod-gke-us-central1-cluster": binaryAuthorization.evaluationMode is "DISABLED". Fix: set binaryAuthorization.evaluationMode: PROJECT_SINGLETON_POLICY_ENFORCE',
  },
  {
    policy: "gke-cluster-hardening",
    title: "boot disks encrypted with the other region's key",
    mutate: editResource("prod-gke-us-east1-cluster", (p) => {
      p.clusterAutoscaling = {
        autoProvisioningDefaults: {
          bootDiskKmsKey: `${KMS}/us-central1/keyRings/platform/cryptoKeys/gke-boot-disk`,
        },
      };
    }),
    on: "prod-gke-us-east1-cluster",
    message:
      '[IAM-06, NET-02, ENC-01, ENC-02, K8S-04, RES-05, IAM-03, IAM-01] gcp:container/cluster:Cluster "prod-gke-us-east1-cluster": clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey is in us-central1 but the cluster is in us-east1. Fix: use the key of us-east1',
  },
  {
    policy: "gke-active-active",
    title: "a removed regional cluster",
    mutate: removeResource("prod-gke-us-east1-cluster"),
    on: "prod-gke-us-central1-cluster",
    message:
      '[RES-01] gcp:container/cluster:Cluster "prod-gke-us-central1-cluster": no Autopilot cluster in us-east1. Fix: add a GkeCluster in us-east1',
  },
  {
    policy: "gke-private-egress-nat",
    title: "a removed Cloud NAT",
    mutate: removeResource("prod-platform-net-us-east1-nat"),
    on: "prod-gke-us-east1-cluster",
    message:
      '[NET-02] gcp:container/cluster:Cluster "prod-gke-us-east1-cluster": no Cloud NAT for projects/qp-prod-platform/global/networks/prod-platform in us-east1. Fix: add a RouterNat in that region',
  },
  {
    policy: "k8s-namespace-psa-restricted",
    title: "a namespace that only warns",
    mutate: editResource("prod-baseline-us-east1-ledger", (p) => {
      (p.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"] =
        "baseline";
    }),
    on: "prod-baseline-us-east1-ledger",
    message:
      '[K8S-01] kubernetes:core/v1:Namespace "prod-baseline-us-east1-ledger": namespace ledger does not enforce restricted (enforce="baseline"). Fix: set the pod-security.kubernetes.io labels to restricted',
  },
  {
    policy: "k8s-namespace-default-deny",
    title: "a removed default-deny policy",
    mutate: removeResource("prod-cde-baseline-us-central1-card-vault-default-deny"),
    on: "prod-cde-baseline-us-central1-card-vault",
    message:
      '[K8S-02] kubernetes:core/v1:Namespace "prod-cde-baseline-us-central1-card-vault": namespace card-vault has no default-deny NetworkPolicy. Fix: add default-deny-all',
  },
  {
    policy: "k8s-workload-identity-one-to-one",
    title: "an extra binding letting another service account act as the ledger",
    mutate: addResource({
      type: "gcp:serviceaccount/iAMMember:IAMMember",
      name: "ledger-borrowed",
      inputs: {
        serviceAccountId:
          "projects/qp-prod-platform/serviceAccounts/ledger-workload@qp-prod-platform.iam.gserviceaccount.com",
        role: "roles/iam.workloadIdentityUser",
        member: "serviceAccount:qp-prod-platform.svc.id.goog[gateway/default]",
      },
    }),
    on: "ledger-borrowed",
    message:
      '[K8S-03, IAM-03] gcp:serviceaccount/iAMMember:IAMMember "ledger-borrowed": serviceAccount:qp-prod-platform.svc.id.goog[gateway/default] may act as ledger-workload@qp-prod-platform.iam.gserviceaccount.com but is not that workload\'s Kubernetes service account. Fix: remove the binding',
  },
  {
    policy: "gateway-https-only-tls12",
    title: "plain HTTP served instead of redirected",
    mutate: editResource("prod-gateway-redirect", (p) => {
      (p.spec as { rules: unknown[] }).rules = [
        {
          backendRefs: [
            {
              name: "ledger-us-central1",
              kind: "ServiceImport",
              group: "net.gke.io",
              namespace: "ledger",
              port: 443,
            },
          ],
        },
      ];
    }),
    on: "prod-gateway-redirect",
    message:
      '[ENC-07] kubernetes:gateway.networking.k8s.io/v1:HTTPRoute "prod-gateway-redirect": HTTPRoute https-redirect serves plain HTTP on listener http. Fix: only redirect to https on the HTTP listener',
  },
  {
    policy: "gateway-https-only-tls12",
    title: "a removed TLS policy attachment",
    mutate: removeResource("prod-gateway-tls-policy"),
    on: "prod-gateway-gateway",
    message:
      '[ENC-07] kubernetes:gateway.networking.k8s.io/v1:Gateway "prod-gateway-gateway": no SSL policy is attached to the Gateway (GCPGatewayPolicy sslPolicy: null). Fix: attach a TLS 1.2+ SSL policy',
  },
  {
    policy: "compute-ssl-policy-tls12-modern",
    title: "an SSL policy allowing TLS 1.0",
    mutate: editResource("prod-edge-ssl-policy", (p) => (p.minTlsVersion = "TLS_1_0")),
    on: "prod-edge-ssl-policy",
    message:
      '[ENC-07] gcp:compute/sSLPolicy:SSLPolicy "prod-edge-ssl-policy": minTlsVersion is "TLS_1_0" with profile "MODERN". Fix: set minTlsVersion TLS_1_2 and profile MODERN',
  },
  {
    policy: "gateway-backend-cloud-armor",
    title: "a backend without Cloud Armor",
    mutate: removeResource("prod-gateway-ledger-us-east1-backend-policy"),
    on: "prod-gateway-routes",
    message:
      '[NET-05] kubernetes:gateway.networking.k8s.io/v1:HTTPRoute "prod-gateway-routes": backend ledger/ledger-us-east1 has no Cloud Armor policy. Fix: attach the GatewayEdge Cloud Armor policy with a GCPBackendPolicy',
  },
  {
    policy: "ids-endpoint-per-region",
    title: "IDS switched off in one region",
    mutate: (resources) =>
      removeResource("prod-ids-us-east1-mirroring")(removeResource("prod-ids-us-east1-endpoint")(resources)),
    on: "prod-gke-us-east1-cluster",
    message:
      '[NET-06] gcp:container/cluster:Cluster "prod-gke-us-east1-cluster": no Cloud IDS endpoint and packet mirroring in us-east1. Fix: add us-east1 to intrusionDetectionRegions',
  },
  {
    policy: "storage-bucket-hardening",
    title: "an added bucket on Google-default encryption, open to public access",
    mutate: addResource({
      type: "gcp:storage/bucket:Bucket",
      name: "exports",
      inputs: {
        name: "qp-prod-exports",
        project: "qp-prod-platform",
        location: "US-CENTRAL1",
        uniformBucketLevelAccess: true,
      },
    }),
    on: "exports",
    message:
      '[ENC-01, ENC-02, IAM-02] gcp:storage/bucket:Bucket "exports": encryption.defaultKmsKeyName is not a customer-managed key. Fix: set it to a Cloud KMS key in us-central1',
  },
  {
    policy: "storage-bucket-hardening",
    title: "a bucket without public access prevention",
    mutate: addResource({
      type: "gcp:storage/bucket:Bucket",
      name: "reports",
      inputs: {
        name: "qp-prod-reports",
        project: "qp-prod-platform",
        location: "us-east1",
        uniformBucketLevelAccess: true,
        encryption: { defaultKmsKeyName: `${KMS}/us-east1/keyRings/tenant-data/cryptoKeys/redis` },
      },
    }),
    on: "reports",
    message:
      '[ENC-01, ENC-02, IAM-02] gcp:storage/bucket:Bucket "reports": publicAccessPrevention is "inherited". Fix: set publicAccessPrevention: "enforced"',
  },
  {
    policy: "sql-instance-audit-flags",
    title: "checkpoint logging switched off",
    mutate: editResource("prod-ledger-us-east1", (p) => {
      settings(p).databaseFlags = (settings(p).databaseFlags as unknown as { name: string }[]).filter(
        (f) => f.name !== "log_checkpoints",
      ) as never;
    }),
    on: "prod-ledger-us-east1",
    message:
      '[IAM-05, LOG-06, LOG-08, TEN-02] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-east1": database flag log_checkpoints is null (LOG-06). Fix: set database flag log_checkpoints=on',
  },
  {
    policy: "gke-cluster-hardening",
    title: "a cluster off the release channels",
    mutate: editResource(
      "prod-gke-us-central1-cluster",
      (p) => (p.releaseChannel = { channel: "UNSPECIFIED" }),
    ),
    on: "prod-gke-us-central1-cluster",
    message:
      '[IAM-06, NET-02, ENC-01, ENC-02, K8S-04, RES-05, IAM-03, IAM-01] gcp:container/cluster:Cluster "prod-gke-us-central1-cluster": releaseChannel.channel is "UNSPECIFIED". Fix: enrol the cluster in the RAPID, REGULAR or STABLE channel',
  },
  {
    policy: "compute-vpc-egress-default-deny",
    title: "a VPC whose egress deny-all rule is gone",
    mutate: removeResource("prod-platform-egress-deny-all"),
    on: "prod-platform-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-platform-net-vpc": no associated network firewall policy denies all egress. Fix: add an EGRESS deny rule for 0.0.0.0/0, all protocols, at the lowest priority',
  },
  {
    policy: "compute-vpc-egress-default-deny",
    title: "a deny-all rule that is not the lowest priority",
    mutate: editResource("prod-platform-egress-deny-all", (p) => (p.priority = 500)),
    on: "prod-platform-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-platform-net-vpc": the egress deny-all rule has priority 500, not the lowest (1200), so it shadows every rule after it. Fix: give the deny-all rule the largest priority number of the policy',
  },
  {
    policy: "compute-vpc-egress-default-deny",
    title: "a firewall policy rule that does not log",
    mutate: editResource("prod-cde-egress-google-apis", (p) => (p.enableLogging = false)),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": 1 firewall policy rule(s) do not log. Fix: set enableLogging: true on every rule',
  },
  {
    policy: "compute-vpc-egress-default-deny",
    title: "a host allowed by name from the cardholder-data VPC",
    mutate: editResource("prod-cde-egress-internal", (p) => {
      const match = p.match as Record<string, unknown>;
      match.destFqdns = ["paste.example.com"];
      delete match.destIpRanges;
    }),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": the VPC holds cardholder data yet allows egress to paste.example.com. Fix: remove FQDN allow rules from the cde VPC: it reaches Google\'s APIs and its declared path only',
  },
  {
    policy: "dns-restricted-google-apis",
    title: "Google APIs resolved to private.googleapis.com's addresses",
    mutate: editResource(
      "prod-platform-net-googleapis-a",
      (p) => (p.rrdatas = ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"]),
    ),
    on: "prod-platform-net-googleapis-a",
    message:
      '[NET-07] gcp:dns/recordSet:RecordSet "prod-platform-net-googleapis-a": restricted.googleapis.com. resolves to ["199.36.153.10","199.36.153.11","199.36.153.8","199.36.153.9"], not restricted.googleapis.com\'s 199.36.153.4, 199.36.153.5, 199.36.153.6, 199.36.153.7. Fix: point restricted.googleapis.com. at 199.36.153.4/30',
  },
  {
    policy: "dns-restricted-google-apis",
    title: "a VPC where Artifact Registry's domain resolves publicly",
    mutate: removeResource("prod-cde-net-pkg"),
    on: "prod-cde-net-vpc",
    message:
      '[NET-07] gcp:compute/network:Network "prod-cde-net-vpc": no private pkg.dev. zone. Fix: add a private zone for pkg.dev. bound to the VPC',
  },
  {
    policy: "secretmanager-secret-cmek-regions",
    title: "a secret Google replicates where it likes, with its own keys",
    mutate: editResource("prod-secrets-redis-auth-us-east1", (p) => (p.replication = { auto: {} })),
    on: "prod-secrets-redis-auth-us-east1",
    message:
      '[ENC-09, ENC-02] gcp:secretmanager/secret:Secret "prod-secrets-redis-auth-us-east1": replication is automatic (Google chooses the regions and the key). Fix: use userManaged replication to the serving regions, each replica with its region\'s key',
  },
  {
    policy: "secretmanager-secret-cmek-regions",
    title: "a secret replica under another region's key",
    mutate: editResource("prod-secrets-pagerduty-service-key", (p) => {
      const replicas = (
        p.replication as {
          userManaged: { replicas: { customerManagedEncryption: { kmsKeyName: string } }[] };
        }
      ).userManaged.replicas;
      replicas[1].customerManagedEncryption.kmsKeyName = replicas[0].customerManagedEncryption.kmsKeyName;
    }),
    on: "prod-secrets-pagerduty-service-key",
    message:
      '[ENC-09, ENC-02] gcp:secretmanager/secret:Secret "prod-secrets-pagerduty-service-key": the us-east1 replica is encrypted with a key in us-central1. Fix: use the key of us-east1',
  },
  {
    policy: "vpcsc-perimeter-covers-projects",
    title: "a project of the stack left outside the perimeter",
    mutate: editResource("prod-perimeter-perimeter", (p) => {
      const spec = p.spec as { resources: string[] };
      spec.resources = spec.resources.filter(
        (r) => r !== `projects/${mockProjectNumber("qp-prod-platform")}`,
      );
    }),
    on: "prod-perimeter-perimeter",
    message: `[NET-07] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": project number(s) ${mockProjectNumber("qp-prod-platform")} of the stack are outside the perimeter. Fix: add them to resources as projects/<number>`,
  },
  {
    policy: "vpcsc-perimeter-covers-projects",
    title: "Cloud SQL Admin not restricted by the perimeter",
    mutate: editResource("prod-perimeter-perimeter", (p) => {
      const spec = p.spec as { restrictedServices: string[] };
      spec.restrictedServices = spec.restrictedServices.filter((s) => s !== "sqladmin.googleapis.com");
    }),
    on: "prod-perimeter-perimeter",
    message:
      '[NET-07] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": sqladmin.googleapis.com not restricted. Fix: add them to restrictedServices',
  },
  {
    policy: "vpcsc-perimeter-covers-projects",
    title: "networks inside the perimeter free to call any service",
    mutate: editResource(
      "prod-perimeter-perimeter",
      (p) => delete (p.spec as Record<string, unknown>).vpcAccessibleServices,
    ),
    on: "prod-perimeter-perimeter",
    message:
      '[NET-07] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": vpcAccessibleServices is null: the networks inside may call services outside the perimeter\'s reach. Fix: set vpcAccessibleServices { enableRestriction: true, allowedServices: ["RESTRICTED-SERVICES"] }',
  },
  {
    policy: "k8s-service-app-protocol",
    title: "a Service the load balancer would reach in plain HTTP while its health check speaks HTTPS",
    mutate: editResource("prod-baseline-us-east1-ledger-service", (p) => {
      delete ((p.spec as { ports: Record<string, unknown>[] }).ports[0] as Record<string, unknown>)
        .appProtocol;
    }),
    on: "prod-baseline-us-east1-ledger-service",
    message:
      '[ENC-07] kubernetes:core/v1:Service "prod-baseline-us-east1-ledger-service": port https has appProtocol null while its health check speaks HTTPS. Fix: set appProtocol: "HTTPS" on the port',
  },
  {
    policy: "artifactregistry-repository-scanning",
    title: "an image repository with vulnerability scanning disabled",
    mutate: editResource(
      "prod-images-containers-us-central1",
      (p) => (p.vulnerabilityScanningConfig = { enablementConfig: "DISABLED" }),
    ),
    on: "prod-images-containers-us-central1",
    message:
      '[K8S-04] gcp:artifactregistry/repository:Repository "prod-images-containers-us-central1": vulnerability scanning is DISABLED. Fix: set enablementConfig: INHERITED',
  },
  {
    policy: "k8s-cardholder-segmentation",
    title: "card-vault's namespace deployed to a platform cluster",
    mutate: onProviderOf("prod-cde-baseline-us-east1-card-vault", "prod-gke-us-east1-k8s"),
    on: "prod-cde-baseline-us-east1-card-vault",
    message:
      '[NET-09] kubernetes:core/v1:Namespace "prod-cde-baseline-us-east1-card-vault": cardholder-class Namespace card-vault is deployed to cluster prod-us-east1, outside the cardholder-data environment. Fix: deploy it only through a cde cluster\'s provider',
  },
  {
    policy: "k8s-cardholder-segmentation",
    title: "a tenant-class namespace on a cde cluster",
    mutate: onProviderOf("prod-baseline-us-east1-ledger", "prod-cde-gke-us-east1-k8s"),
    on: "prod-baseline-us-east1-ledger",
    message:
      '[NET-09] kubernetes:core/v1:Namespace "prod-baseline-us-east1-ledger": Namespace ledger is not cardholder-class but runs on cde cluster prod-cde-us-east1. Fix: keep the cde clusters for cardholder-class workloads only',
  },
  {
    policy: "k8s-cardholder-segmentation",
    title: "card-vault's account trusting the platform's Workload Identity pool",
    mutate: addResource({
      type: "gcp:serviceaccount/iAMMember:IAMMember",
      name: "card-vault-from-platform",
      inputs: {
        serviceAccountId:
          "projects/qp-prod-cde/serviceAccounts/card-vault-workload@qp-prod-cde.iam.gserviceaccount.com",
        role: "roles/iam.workloadIdentityUser",
        member: "serviceAccount:qp-prod-platform.svc.id.goog[card-vault/card-vault]",
      },
    }),
    on: "card-vault-from-platform",
    message:
      "[NET-09] gcp:serviceaccount/iAMMember:IAMMember \"card-vault-from-platform\": serviceAccount:qp-prod-platform.svc.id.goog[card-vault/card-vault] (pool of qp-prod-platform) may act as a service account of qp-prod-cde: Workload Identity crosses the cardholder-data boundary. Fix: bind cde accounts only to the cde project's pool, and platform accounts only to the platform's",
  },
  {
    policy: "k8s-cardholder-segmentation",
    title: "card-vault published to any project",
    mutate: editResource("prod-card-vault-path-us-east1-attachment", (p) => {
      (p.spec as Record<string, unknown>).connectionPreference = "ACCEPT_AUTOMATIC";
    }),
    on: "prod-card-vault-path-us-east1-attachment",
    message:
      '[NET-09] kubernetes:networking.gke.io/v1:ServiceAttachment "prod-card-vault-path-us-east1-attachment": ServiceAttachment card-vault-psc accepts any project (ACCEPT_AUTOMATIC), not only the platform project. Fix: use ACCEPT_MANUAL with the platform project as the only consumer',
  },
  {
    policy: "k8s-cardholder-segmentation",
    title: "a cde cluster registered in the platform's fleet",
    mutate: editResource("prod-cde-gke-us-east1-cluster", (p) => (p.fleet = { project: "qp-prod-platform" })),
    on: "prod-cde-gke-us-east1-cluster",
    message:
      '[NET-09] gcp:container/cluster:Cluster "prod-cde-gke-us-east1-cluster": cde cluster prod-cde-us-east1 is registered in the fleet of qp-prod-platform, whose Workload Identity pool and namespaces it would share. Fix: register it in the cde project\'s own fleet',
  },
  {
    policy: "compute-cde-network-segmentation",
    title: "the cde VPC peered with the platform's",
    mutate: addResource({
      type: "gcp:compute/networkPeering:NetworkPeering",
      name: "cde-to-platform",
      inputs: {
        name: "cde-to-platform",
        network: "projects/qp-prod-cde/global/networks/prod-cde",
        peerNetwork: "projects/qp-prod-platform/global/networks/prod-platform",
      },
    }),
    on: "cde-to-platform",
    message:
      '[NET-09] gcp:compute/networkPeering:NetworkPeering "cde-to-platform": NetworkPeering cde-to-platform joins the cardholder-data VPC to another network. Fix: remove it: the cde is reached only through Private Service Connect',
  },
  {
    policy: "compute-cde-network-segmentation",
    title: "a platform route towards a cde range",
    mutate: addResource({
      type: "gcp:compute/route:Route",
      name: "to-cde",
      inputs: {
        project: "qp-prod-platform",
        name: "to-cde",
        network: "projects/qp-prod-platform/global/networks/prod-platform",
        destRange: "10.76.0.0/20",
        nextHopIlb: "10.68.0.9",
      },
    }),
    on: "to-cde",
    message:
      '[NET-09] gcp:compute/route:Route "to-cde": route to-cde sends 10.76.0.0/20, a cardholder-data range, out of another VPC. Fix: remove the route',
  },
  {
    policy: "compute-cde-network-segmentation",
    title: "a cde firewall rule admitting the platform's nodes",
    mutate: addResource({
      type: "gcp:compute/firewall:Firewall",
      name: "allow-platform",
      inputs: {
        project: "qp-prod-cde",
        name: "allow-platform",
        network: "projects/qp-prod-cde/global/networks/prod-cde",
        direction: "INGRESS",
        sourceRanges: ["10.68.0.0/20"],
        allows: [{ protocol: "tcp", ports: ["8443"] }],
      },
    }),
    on: "allow-platform",
    message:
      '[NET-09] gcp:compute/firewall:Firewall "allow-platform": firewall rule allow-platform admits 10.68.0.0/20 from another VPC into the cardholder-data VPC. Fix: remove the rule: callers arrive only through the Private Service Connect NAT range',
  },
  {
    policy: "compute-cde-network-segmentation",
    title: "a second endpoint into the cde in one region",
    mutate: addResource({
      type: "gcp:compute/forwardingRule:ForwardingRule",
      name: "extra-psc",
      inputs: { project: "qp-prod-platform", name: "extra-psc", region: "us-east1", loadBalancingScheme: "" },
    }),
    on: "extra-psc",
    message:
      '[NET-09] gcp:compute/forwardingRule:ForwardingRule "extra-psc": 2 Private Service Connect endpoints in us-east1; one declared path is allowed. Fix: keep the PrivateServicePath endpoint only',
  },
  {
    policy: "gke-dns-endpoint-perimeter",
    title: "a DNS endpoint open to all networks behind a dry-run perimeter",
    mutate: editResource("prod-gke-us-east1-cluster", (p) => {
      (p.controlPlaneEndpointsConfig as { dnsEndpointConfig: unknown }).dnsEndpointConfig = {
        allowExternalTraffic: true,
      };
    }),
    on: "prod-gke-us-east1-cluster",
    message:
      '[IAM-06, NET-07] gcp:container/cluster:Cluster "prod-gke-us-east1-cluster": the DNS endpoint of prod-us-east1 accepts traffic from any network and no enforced perimeter restricts container.googleapis.com and kubernetesmetadata.googleapis.com. Fix: set allowExternalTraffic: false, or enforce the perimeter',
  },
  {
    policy: "artifactregistry-repository-cmek",
    title: "a repository with Google-managed encryption",
    mutate: editResource("prod-images-containers-us-east1", (p) => delete p.kmsKeyName),
    on: "prod-images-containers-us-east1",
    message:
      '[ENC-01] gcp:artifactregistry/repository:Repository "prod-images-containers-us-east1": repository containers uses Google-managed encryption. Fix: create it with kmsKeyName (a new repository: the key cannot be added)',
  },
  {
    policy: "artifactregistry-repository-cmek",
    title: "a repository naming another region's key",
    mutate: editResource(
      "prod-images-containers-us-east1",
      (p) => (p.kmsKeyName = `${KMS}/us-central1/keyRings/platform/cryptoKeys/images`),
    ),
    on: "prod-images-containers-us-east1",
    message:
      '[ENC-01] gcp:artifactregistry/repository:Repository "prod-images-containers-us-east1": repository containers in us-east1 names a key in us-central1. Fix: use the us-east1 images key',
  },
  {
    policy: "orgpolicy-guardrails-applied",
    title: "a custom constraint weakened in the stack",
    mutate: editResource("prod-guardrails-SqlInstancePrivateTls", (p) => (p.condition = "true")),
    on: "prod-guardrails-SqlInstancePrivateTls",
    message:
      '[GOV-03] gcp:orgpolicy/customConstraint:CustomConstraint "prod-guardrails-SqlInstancePrivateTls": its condition differs from the catalogue\'s SqlInstancePrivateTls, so the offline evaluation does not judge what Google would. Fix: define it from the catalogue (catalogue/orgConstraints/customConstraints.ts)',
  },
  {
    policy: "orgpolicy-guardrails-applied",
    title: "an org policy that enforces nothing",
    mutate: editResource(
      "prod-guardrails-cde-sql.restrictPublicIp",
      (p) => (p.spec = { rules: [{ enforce: "FALSE" }] }),
    ),
    on: "prod-guardrails-cde-sql.restrictPublicIp",
    message:
      '[GOV-03] gcp:orgpolicy/policy:Policy "prod-guardrails-cde-sql.restrictPublicIp": it sets sql.restrictPublicIp without an enforcing rule, in spec or in dryRunSpec. Fix: set rules: [{ enforce: "TRUE" }] (or the list rule) in spec, or in dryRunSpec while trying it',
  },
  {
    policy: "orgpolicy-guardrails-applied",
    title: "a project governed without one of the constraints",
    mutate: removeResource("prod-guardrails-kms-KmsKeyRotationRetention"),
    on: "prod-guardrails-kms-SqlInstanceCmek",
    message: `[GOV-03] gcp:orgpolicy/policy:Policy "prod-guardrails-kms-SqlInstanceCmek": projects/${KMS_NUMBER} is governed without KmsKeyRotationRetention. Fix: set every catalogue constraint on every scope (OrgGuardrails does)`,
  },
  {
    policy: "logging-project-isolation",
    title: "a sink whose writer lost its grant on the audit bucket",
    mutate: removeResource("prod-audit-log-kms-writer"),
    on: "prod-audit-log-kms",
    message: `[LOG-01] gcp:logging/projectSink:ProjectSink "prod-audit-log-kms": its writer serviceAccount:service-${KMS_NUMBER}@gcp-sa-logging.iam.gserviceaccount.com holds no roles/logging.bucketWriter in logging project qp-prod-logging: the sink delivers nothing to the audit bucket. Fix: grant the sink's writerIdentity roles/logging.bucketWriter with a condition on the audit bucket (components/auditLog.ts does)`,
  },
  {
    policy: "kms-service-agent-grants-exact",
    title: "a secret replica under a key Secret Manager's agent cannot use",
    mutate: editResource("prod-secrets-pagerduty-service-key", (p) => {
      const replicas = (
        p.replication as {
          userManaged: {
            replicas: { location: string; customerManagedEncryption: { kmsKeyName: string } }[];
          };
        }
      ).userManaged.replicas;
      replicas[1].customerManagedEncryption.kmsKeyName = `${KMS}/us-east1/keyRings/tenant-data/cryptoKeys/redis`;
    }),
    on: "prod-secrets-pagerduty-service-key",
    message: `[ENC-08] gcp:secretmanager/secret:Secret "prod-secrets-pagerduty-service-key": the secret-manager agent of qp-prod-platform (service-${mockProjectNumber("qp-prod-platform")}@gcp-sa-secretmanager.iam.gserviceaccount.com) holds no roles/cloudkms.cryptoKeyEncrypterDecrypter on ${KMS}/us-east1/keyRings/tenant-data/cryptoKeys/redis, which this resource encrypts with: the service cannot use the key. Fix: grant the agent the role on that key with a CryptoKeyIAMMember, and depend on it`,
  },
  ...PERIMETER_ACCESS_CASES,
  ...CI_IDENTITY_CASES,
  ...AUDIT_TRAIL_CASES,
  ...SUPPLY_CHAIN_CASES,
  ...NETWORK_CASES,
];

/** Every case; detection, backups and privileged access keep theirs in files of their own. */
export const CASES: PolicyCase[] = [
  ...PLATFORM_CASES,
  ...DETECTION_CASES,
  ...PRIVILEGED_ACCESS_CASES,
  ...BACKUP_CASES,
  ...MEANING_CASES,
  ...PUBLIC_RULE_CASES,
];

/** The case of that title; a missing one is an error, never an empty check. */
export function caseTitled(title: string): PolicyCase {
  const c = CASES.find((x) => x.title === title);
  if (!c) throw new Error(`no policy case "${title}"`);
  return c;
}
