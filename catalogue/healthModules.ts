import { CONTROL_LIMITS } from "./limits";
import { celKeyInRegion, CEL_SQL_AUDIT_FLAGS_ON } from "./cel";

/**
 * Security Health Analytics custom modules (DET-01): the detective twins of the mandatory controls a
 * module can express. Where the org constraints (policies/org-constraints) refuse a bad request,
 * these find a bad resource however it came to be — changed by hand, by another tool, before the
 * constraint existed — and raise a finding that reaches on-call (DET-02).
 *
 * Each predicate is CEL over the resource as Security Command Center reads it: its Cloud Asset
 * Inventory data, the REST representation Google stores (`resource.<field>`; "The CEL expression to
 * evaluate to produce findings. When the expression evaluates to true against a resource, a finding
 * is generated": magic-modules mmv1/products/securitycentermanagement/
 * ProjectSecurityHealthAnalyticsCustomModule.yaml). Durations are typed, as Google's own sample
 * compares `resource.rotationPeriod > duration("2592000s")`; int64 fields arrive as JSON strings, so
 * they are converted with `int()`. Every optional field is behind `has()`: an evaluation error is no
 * finding at all, so the offline evaluator (engine/detection) reports one instead of passing it.
 */
export interface HealthModuleSpec {
  /**
   * The module's display name, which "becomes the finding category"; 1-128 characters, a lower-case
   * letter then letters, digits and underscores (the provider validates `^[a-z][\w_]{0,127}$`).
   */
  id: string;
  /** The Cloud Asset Inventory type it scans (a module takes at most five). */
  resourceType: string;
  /** The API whose resources these are: the module runs in every project where it is enabled. */
  api: string;
  /** True when the resource breaks the control. */
  predicate: string;
  /** HIGH and CRITICAL reach on-call through the notification configs (DET-02). */
  severity: "CRITICAL" | "HIGH";
  description: string;
  recommendation: string;
  controls: string[];
  /** The CrossGuard policy that refuses the same property on every pull request. */
  twin: string;
  /** Titles of the twin's failing cases (specs/cases) that this module finds as well. */
  denies: string[];
}

const SQL = "sqladmin.googleapis.com/Instance";
const MIN_RETENTION_SECONDS = CONTROL_LIMITS.immutableBackupMinDays * 86400;

export const HEALTH_MODULES: HealthModuleSpec[] = [
  {
    id: "qairopay_sql_instance_cmek",
    resourceType: SQL,
    api: "sqladmin.googleapis.com",
    predicate:
      "!has(resource.diskEncryptionConfiguration.kmsKeyName) || !has(resource.region) || " +
      `!${celKeyInRegion("resource.diskEncryptionConfiguration.kmsKeyName", "resource.region")}`,
    severity: "HIGH",
    description: "A Cloud SQL instance is not encrypted with a customer-managed key of its own region.",
    recommendation:
      "Recreate the instance from a backup with a CMEK key of its region from the platform's key hierarchy (ENC-01, ENC-02).",
    controls: ["ENC-01", "ENC-02"],
    twin: "sql-instance-cmek",
    denies: ["a DR replica on Google-default encryption", "an instance encrypted with another region's key"],
  },
  {
    id: "qairopay_sql_instance_public_or_plaintext",
    resourceType: SQL,
    api: "sqladmin.googleapis.com",
    predicate:
      "(has(resource.settings.ipConfiguration.ipv4Enabled) && resource.settings.ipConfiguration.ipv4Enabled == true) || " +
      "(has(resource.settings.ipConfiguration.sslMode) && resource.settings.ipConfiguration.sslMode == 'ALLOW_UNENCRYPTED_AND_ENCRYPTED') || " +
      "(has(resource.settings.ipConfiguration.authorizedNetworks) && " +
      "resource.settings.ipConfiguration.authorizedNetworks.exists(n, has(n.value) && n.value == '0.0.0.0/0'))",
    severity: "CRITICAL",
    description: "A Cloud SQL instance has a public IP or accepts unencrypted connections.",
    recommendation:
      "Switch the public IP off and set sslMode ENCRYPTED_ONLY; find who changed it in the audit log (NET-01, ENC-07).",
    controls: ["NET-01", "ENC-07"],
    twin: "sql-instance-private-tls",
    denies: ["a public, unencrypted instance open to the internet"],
  },
  {
    id: "qairopay_sql_instance_audit_flags",
    resourceType: SQL,
    api: "sqladmin.googleapis.com",
    predicate: "!has(resource.settings.databaseFlags) || " + `!${CEL_SQL_AUDIT_FLAGS_ON}`,
    severity: "HIGH",
    description:
      "A Cloud SQL instance has IAM database authentication, pgAudit or connection logging switched off.",
    recommendation:
      "Set the flags back with `pulumi up` (components/lib/postgresFlags.ts) and review the audit log for the gap (IAM-05, LOG-06).",
    controls: ["IAM-05", "LOG-06"],
    twin: "sql-instance-audit-flags",
    denies: ["IAM database authentication switched off", "checkpoint logging switched off"],
  },
  {
    id: "qairopay_sql_primary_not_resilient",
    resourceType: SQL,
    api: "sqladmin.googleapis.com",
    // A replica's backups belong to its primary (Google refuses them on a replica).
    predicate:
      "!(has(resource.masterInstanceName) && resource.masterInstanceName != '') && !(" +
      "has(resource.settings.availabilityType) && resource.settings.availabilityType == 'REGIONAL' && " +
      "has(resource.settings.backupConfiguration.enabled) && resource.settings.backupConfiguration.enabled == true && " +
      "has(resource.settings.backupConfiguration.pointInTimeRecoveryEnabled) && " +
      "resource.settings.backupConfiguration.pointInTimeRecoveryEnabled == true)",
    severity: "HIGH",
    description: "A Cloud SQL primary is zonal, or has backups or point-in-time recovery switched off.",
    recommendation:
      "Restore REGIONAL availability, backups and point-in-time recovery with `pulumi up` (RES-02).",
    controls: ["RES-02"],
    twin: "sql-instance-resilience",
    denies: ["a zonal primary", "a primary without point-in-time recovery"],
  },
  {
    id: "qairopay_redis_instance_hardening",
    resourceType: "redis.googleapis.com/Instance",
    api: "redis.googleapis.com",
    predicate:
      "!(has(resource.customerManagedKey) && resource.customerManagedKey != '' && " +
      "has(resource.transitEncryptionMode) && resource.transitEncryptionMode == 'SERVER_AUTHENTICATION' && " +
      "has(resource.authEnabled) && resource.authEnabled == true && " +
      "has(resource.tier) && resource.tier == 'STANDARD_HA' && " +
      "has(resource.connectMode) && resource.connectMode == 'PRIVATE_SERVICE_ACCESS')",
    severity: "HIGH",
    description: "A Memorystore instance lacks CMEK, TLS, AUTH, high availability or private service access.",
    recommendation:
      "Recreate the cache with the platform's settings (components/redisCache.ts) (ENC-01, ENC-07, IAM-05, RES-03, NET-01).",
    controls: ["ENC-01", "ENC-07", "IAM-05", "RES-03", "NET-01"],
    twin: "redis-instance-hardening",
    denies: ["Redis without TLS"],
  },
  {
    id: "qairopay_gke_cluster_hardening",
    resourceType: "container.googleapis.com/Cluster",
    api: "container.googleapis.com",
    // The stored cluster carries its location, so both keys are held to its own region (ENC-02),
    // which the create request cannot show (GkeClusterCmek in the org constraints).
    predicate:
      "!(has(resource.autopilot.enabled) && resource.autopilot.enabled == true) || " +
      "!((has(resource.privateClusterConfig.enablePrivateNodes) && resource.privateClusterConfig.enablePrivateNodes == true) || " +
      "(has(resource.networkConfig.defaultEnablePrivateNodes) && resource.networkConfig.defaultEnablePrivateNodes == true)) || " +
      "!(has(resource.binaryAuthorization.evaluationMode) && " +
      "resource.binaryAuthorization.evaluationMode == 'PROJECT_SINGLETON_POLICY_ENFORCE') || " +
      "(has(resource.legacyAbac.enabled) && resource.legacyAbac.enabled == true) || " +
      "(has(resource.masterAuthorizedNetworksConfig.cidrBlocks) && " +
      "resource.masterAuthorizedNetworksConfig.cidrBlocks.exists(b, has(b.cidrBlock) && b.cidrBlock == '0.0.0.0/0')) || " +
      "!has(resource.location) || " +
      "!(has(resource.databaseEncryption.state) && resource.databaseEncryption.state == 'ENCRYPTED' && " +
      `has(resource.databaseEncryption.keyName) && ${celKeyInRegion("resource.databaseEncryption.keyName", "resource.location")}) || ` +
      "!(has(resource.autoscaling.autoprovisioningNodePoolDefaults.bootDiskKmsKey) && " +
      `${celKeyInRegion("resource.autoscaling.autoprovisioningNodePoolDefaults.bootDiskKmsKey", "resource.location")})`,
    severity: "HIGH",
    description:
      "A GKE cluster is not an Autopilot cluster with private nodes, Binary Authorization enforced, no ABAC, a closed control plane, and secrets and boot disks under CMEK keys of its region.",
    recommendation:
      "Restore the cluster's settings with `pulumi up` (components/gkeCluster.ts); a cluster that lost Autopilot or its keys is rebuilt (RES-01, NET-02, ENC-01, ENC-02, IAM-06, K8S-04).",
    controls: ["RES-01", "NET-02", "ENC-01", "ENC-02", "IAM-06", "K8S-04"],
    twin: "gke-cluster-hardening",
    denies: [
      "a control plane open to 0.0.0.0/0",
      "Binary Authorization switched off",
      "a cluster with public nodes and Google-default secrets encryption",
      "boot disks encrypted with the other region's key",
    ],
  },
  {
    id: "qairopay_kms_key_rotation_retention",
    resourceType: "cloudkms.googleapis.com/CryptoKey",
    api: "cloudkms.googleapis.com",
    predicate:
      "has(resource.purpose) && resource.purpose == 'ENCRYPT_DECRYPT' && (" +
      "!has(resource.rotationPeriod) || resource.rotationPeriod > duration('7776000s') || " +
      "(has(resource.destroyScheduledDuration) && resource.destroyScheduledDuration < duration('2592000s')))",
    severity: "HIGH",
    description:
      "A symmetric key does not rotate within 90 days, or its versions can be destroyed sooner than 30 days.",
    recommendation:
      "Set rotationPeriod 7776000s with `pulumi up` (components/keyHierarchy.ts) (ENC-04, ENC-05).",
    controls: ["ENC-04", "ENC-05"],
    twin: "kms-cryptokey-rotation",
    denies: ["a key rotating yearly", "a key destroyed after one day"],
  },
  {
    id: "qairopay_kms_cardholder_key_hsm",
    resourceType: "cloudkms.googleapis.com/CryptoKey",
    api: "cloudkms.googleapis.com",
    // The stored key carries its full name, ring included, which custom constraints cannot read.
    predicate:
      "has(resource.name) && resource.name.contains('/keyRings/cardholder/') && " +
      "!(has(resource.versionTemplate.protectionLevel) && resource.versionTemplate.protectionLevel == 'HSM')",
    severity: "CRITICAL",
    description: "A key in the cardholder key ring is not HSM-protected.",
    recommendation:
      "Create an HSM key, move the store to it, and disable the software key (ENC-03); no software key belongs in the cardholder ring.",
    controls: ["ENC-03"],
    twin: "kms-cardholder-key-hsm",
    denies: ["a software cardholder key"],
  },
  {
    id: "qairopay_firewall_internet_ingress",
    resourceType: "compute.googleapis.com/Firewall",
    api: "compute.googleapis.com",
    predicate:
      "(!has(resource.direction) || resource.direction == 'INGRESS') && has(resource.allowed) && size(resource.allowed) > 0 && " +
      "has(resource.sourceRanges) && resource.sourceRanges.exists(r, r == '0.0.0.0/0')",
    severity: "CRITICAL",
    description: "A firewall rule admits the whole internet.",
    recommendation: "Delete the rule and find who created it in the audit log (NET-03).",
    controls: ["NET-03"],
    twin: "compute-firewall-ingress-restricted",
    denies: ["an added rule admitting SSH from the internet"],
  },
  {
    id: "qairopay_subnet_private_access_flow_logs",
    resourceType: "compute.googleapis.com/Subnetwork",
    api: "compute.googleapis.com",
    // Proxy-only and Private Service Connect subnets carry no VM traffic: no flow logs, no PGA.
    predicate:
      "!(has(resource.purpose) && resource.purpose != 'PRIVATE') && !(" +
      "has(resource.privateIpGoogleAccess) && resource.privateIpGoogleAccess == true && " +
      "has(resource.logConfig.enable) && resource.logConfig.enable == true)",
    severity: "HIGH",
    description: "A workload subnet has no Private Google Access or no flow logs.",
    recommendation: "Switch both back on with `pulumi up` (components/network.ts) (NET-04, LOG-06).",
    controls: ["NET-04", "LOG-06"],
    twin: "compute-subnetwork-flow-logs-pga",
    denies: ["a subnet without flow logs"],
  },
  {
    id: "qairopay_artifact_registry_cmek",
    resourceType: "artifactregistry.googleapis.com/Repository",
    api: "artifactregistry.googleapis.com",
    predicate: "!(has(resource.kmsKeyName) && resource.kmsKeyName.startsWith('projects/'))",
    severity: "HIGH",
    description: "An Artifact Registry repository is not encrypted with a customer-managed key.",
    recommendation: "Recreate the repository with the project's images key (ENC-01).",
    controls: ["ENC-01"],
    twin: "artifactregistry-repository-cmek",
    denies: ["a repository with Google-managed encryption"],
  },
  {
    id: "qairopay_storage_bucket_cmek_private",
    resourceType: "storage.googleapis.com/Bucket",
    api: "storage.googleapis.com",
    predicate:
      "!(has(resource.encryption.defaultKmsKeyName) && resource.encryption.defaultKmsKeyName != '' && " +
      "has(resource.iamConfiguration.publicAccessPrevention) && resource.iamConfiguration.publicAccessPrevention == 'enforced')",
    severity: "HIGH",
    description:
      "A Cloud Storage bucket has no default CMEK key or does not enforce public access prevention.",
    recommendation:
      "Set a CMEK key of the bucket's region and enforced public access prevention (ENC-01, IAM-02).",
    controls: ["ENC-01", "IAM-02"],
    twin: "storage-bucket-hardening",
    denies: [
      "an added bucket on Google-default encryption, open to public access",
      "a bucket without public access prevention",
    ],
  },
  {
    id: "qairopay_backup_bucket_retention",
    resourceType: "storage.googleapis.com/Bucket",
    api: "storage.googleapis.com",
    // Backup buckets are named `<project>-<cluster>-backup-<region>` (components/sqlBackupExports.ts),
    // and a bucket's name never changes. The lock itself cannot be undone once set, so the finding is
    // about a retention that is missing or too short (a bucket never locked, or replaced).
    predicate:
      "has(resource.name) && resource.name.matches('-backup-(us-central1|us-east1)$') && (" +
      "!has(resource.retentionPolicy.retentionPeriod) || " +
      `int(resource.retentionPolicy.retentionPeriod) < ${MIN_RETENTION_SECONDS})`,
    severity: "HIGH",
    description: `An immutable backup bucket keeps its objects for less than ${CONTROL_LIMITS.immutableBackupMinDays} days, or has no retention policy.`,
    recommendation: `Restore the retention policy of at least ${MIN_RETENTION_SECONDS} seconds and lock it (RES-10); investigate who removed it.`,
    controls: ["RES-10"],
    twin: "storage-bucket-backup-immutable",
    denies: ["a backup bucket whose retention was shortened", "a backup bucket without a retention policy"],
  },
];
