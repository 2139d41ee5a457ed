import { celKeyInRegion, CEL_SQL_AUDIT_FLAGS_ON } from "../cel";

/**
 * Custom constraints of the Organization Policy Service: the run-time twins of CrossGuard
 * policies (GOV-03). Each condition is CEL on Google's REST representation of the request
 * (`resource.<field>`, the fields listed on each service's "custom constraints" page), with
 * `has()` before every optional field, so it reads the same under Google's evaluator and under
 * the offline one (engine/orgConstraints), which evaluates the plan with a real CEL library.
 * Two shapes, by what the provider sends: ALLOW (the request must carry the good value) only on
 * CREATE, where the provider sends the whole resource; DENY (a bad value present) on UPDATE too,
 * where it sends only what changes (e.g. Cloud SQL's update carries `settings` and a few top-level
 * fields, never the key or the primary's name, and some settings go out in their own patches; Redis, KMS and
 * Storage patch with an update mask), so an ALLOW would refuse every unrelated update.
 * Conditions hold no stack-specific value (beyond REG-01's two regions): the same text is applied
 * in every stack, and what `plan` evaluates is what `pulumi up` applies (policy
 * `orgpolicy-guardrails-applied`). A DENY never tests a plain proto3 bool for false: Google reads
 * an unset bool as false and `has()` of it as false, so such a clause could never fire.
 */
export type MethodType = "CREATE" | "UPDATE";

export interface CustomConstraintSpec {
  /** The constraint's name after `custom.qp<Env>` (each stack defines its own: names are per organisation; 70 characters at most). */
  id: string;
  /** The resource type Google evaluates the condition on. */
  resourceType: string;
  methodTypes: MethodType[];
  /** ALLOW: the operation is allowed only if the condition holds; DENY: refused if it holds. */
  actionType: "ALLOW" | "DENY";
  condition: string;
  displayName: string;
  description: string;
  controls: string[];
  /** The CrossGuard policy that checks the same property on every pull request. */
  twin: string;
  /** Titles of the twin's failing cases (specs/cases/policyCases.ts) this constraint denies as well. */
  denies: string[];
  /** Google's page for the resource type's custom constraints and supported fields. */
  source: string;
}

const BOTH = ["CREATE", "UPDATE"] as MethodType[];

export const CUSTOM_CONSTRAINTS: CustomConstraintSpec[] = [
  {
    id: "SqlInstanceCmek",
    resourceType: "sqladmin.googleapis.com/Instance",
    // The key cannot change after creation; the update request has no diskEncryptionConfiguration.
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    condition:
      "has(resource.diskEncryptionConfiguration.kmsKeyName) && has(resource.region) && " +
      celKeyInRegion("resource.diskEncryptionConfiguration.kmsKeyName", "resource.region"),
    displayName: "Cloud SQL instances use a CMEK key of their own region",
    description:
      "ENC-01, ENC-02: every Cloud SQL instance is encrypted with a customer-managed key in its region.",
    controls: ["ENC-01", "ENC-02"],
    twin: "sql-instance-cmek",
    denies: ["a DR replica on Google-default encryption", "an instance encrypted with another region's key"],
    source: "https://cloud.google.com/sql/docs/postgres/org-policy/custom-org-policy",
  },
  {
    id: "SqlInstancePrivateTls",
    resourceType: "sqladmin.googleapis.com/Instance",
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    condition:
      "has(resource.settings.ipConfiguration.ipv4Enabled) && resource.settings.ipConfiguration.ipv4Enabled == false && " +
      "has(resource.settings.ipConfiguration.sslMode) && " +
      "resource.settings.ipConfiguration.sslMode in ['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED']",
    displayName: "Cloud SQL instances have no public IP and accept only encrypted connections",
    description: "NET-01, ENC-07: Cloud SQL is reached over private service access only, with TLS.",
    controls: ["NET-01", "ENC-07"],
    twin: "sql-instance-private-tls",
    denies: [
      "a public, unencrypted instance open to the internet",
      "CKV_GCP_6: an instance accepting unencrypted connections",
    ],
    source: "https://cloud.google.com/sql/docs/postgres/org-policy/custom-org-policy",
  },
  {
    id: "SqlInstanceTlsKept",
    resourceType: "sqladmin.googleapis.com/Instance",
    methodTypes: BOTH,
    actionType: "DENY",
    // ipv4Enabled is a BoolValue (a wrapper): an explicit true is visible to has().
    condition:
      "(has(resource.settings.ipConfiguration.ipv4Enabled) && resource.settings.ipConfiguration.ipv4Enabled == true) || " +
      "(has(resource.settings.ipConfiguration.sslMode) && " +
      "resource.settings.ipConfiguration.sslMode == 'ALLOW_UNENCRYPTED_AND_ENCRYPTED')",
    displayName: "No Cloud SQL change opens a public IP or unencrypted connections",
    description: "NET-01, ENC-07: no create or update sets a public IP or accepts unencrypted connections.",
    controls: ["NET-01", "ENC-07"],
    twin: "sql-instance-private-tls",
    denies: [
      "a public, unencrypted instance open to the internet",
      "CKV_GCP_6: an instance accepting unencrypted connections",
    ],
    source: "https://cloud.google.com/sql/docs/postgres/org-policy/custom-org-policy",
  },
  {
    id: "SqlInstanceIamAuthLogging",
    resourceType: "sqladmin.googleapis.com/Instance",
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    condition: `has(resource.settings.databaseFlags) && ${CEL_SQL_AUDIT_FLAGS_ON}`,
    displayName: "Cloud SQL instances authenticate with IAM and log connections",
    description:
      "IAM-05, LOG-06: IAM database authentication, pgAudit and connection logging are on in every instance.",
    controls: ["IAM-05", "LOG-06"],
    twin: "sql-instance-audit-flags",
    denies: [
      "IAM database authentication switched off",
      "checkpoint logging switched off",
      "CKV_GCP_110: pgAudit switched off",
      "CKV_GCP_52: connection logging switched off",
    ],
    source: "https://cloud.google.com/sql/docs/postgres/org-policy/custom-org-policy",
  },
  {
    id: "SqlInstanceFlagsKept",
    resourceType: "sqladmin.googleapis.com/Instance",
    methodTypes: BOTH,
    actionType: "DENY",
    // A request that sets flags sets the whole list (the provider's update, gcloud's --database-flags).
    condition: `has(resource.settings.databaseFlags) && !${CEL_SQL_AUDIT_FLAGS_ON}`,
    displayName: "No Cloud SQL change drops IAM authentication or connection logging",
    description:
      "IAM-05, LOG-06: a request that sets database flags keeps IAM authentication, pgAudit and connection logging on.",
    controls: ["IAM-05", "LOG-06"],
    twin: "sql-instance-audit-flags",
    denies: [
      "IAM database authentication switched off",
      "checkpoint logging switched off",
      "CKV_GCP_110: pgAudit switched off",
      "CKV_GCP_52: connection logging switched off",
    ],
    source: "https://cloud.google.com/sql/docs/postgres/org-policy/custom-org-policy",
  },
  {
    id: "SqlPrimaryResilience",
    resourceType: "sqladmin.googleapis.com/Instance",
    // masterInstanceName tells a replica, and only the create request carries it.
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    // A replica's backups belong to its primary (Google refuses them on a replica).
    condition:
      "(has(resource.masterInstanceName) && resource.masterInstanceName != '') || " +
      "(has(resource.settings.availabilityType) && resource.settings.availabilityType == 'REGIONAL' && " +
      "has(resource.settings.backupConfiguration.enabled) && resource.settings.backupConfiguration.enabled == true && " +
      "has(resource.settings.backupConfiguration.pointInTimeRecoveryEnabled) && " +
      "resource.settings.backupConfiguration.pointInTimeRecoveryEnabled == true)",
    displayName: "Cloud SQL primaries are regional, backed up, with point-in-time recovery",
    description: "RES-02: every Cloud SQL primary is REGIONAL with backups and point-in-time recovery.",
    controls: ["RES-02"],
    twin: "sql-instance-resilience",
    denies: [
      "a zonal primary",
      "a primary without point-in-time recovery",
      "CKV_GCP_14: automated backups switched off",
    ],
    source: "https://cloud.google.com/sql/docs/postgres/org-policy/custom-org-policy",
  },
  {
    id: "SqlInstanceRegionalKept",
    resourceType: "sqladmin.googleapis.com/Instance",
    methodTypes: BOTH,
    actionType: "DENY",
    // Primaries and DR replicas alike are REGIONAL here: a replica takes over as a primary.
    condition: "has(resource.settings.availabilityType) && resource.settings.availabilityType == 'ZONAL'",
    displayName: "No Cloud SQL instance is made zonal",
    description: "RES-02: no create or update makes a Cloud SQL instance ZONAL.",
    controls: ["RES-02"],
    twin: "sql-instance-resilience",
    denies: ["a zonal primary"],
    source: "https://cloud.google.com/sql/docs/postgres/org-policy/custom-org-policy",
  },
  {
    id: "RedisInstanceHardening",
    resourceType: "redis.googleapis.com/Instance",
    // An update patches the changed fields only (customerManagedKey and tier never among them).
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    condition:
      "has(resource.customerManagedKey) && resource.customerManagedKey != '' && " +
      "has(resource.transitEncryptionMode) && resource.transitEncryptionMode == 'SERVER_AUTHENTICATION' && " +
      "has(resource.authEnabled) && resource.authEnabled == true && " +
      "has(resource.tier) && resource.tier == 'STANDARD_HA' && " +
      "has(resource.connectMode) && resource.connectMode == 'PRIVATE_SERVICE_ACCESS'",
    displayName: "Memorystore instances: CMEK, TLS, AUTH, STANDARD_HA, private service access",
    description:
      "ENC-01, ENC-07, IAM-05, RES-03, NET-01: Memorystore for Redis is CMEK-encrypted, TLS, AUTH, highly available and private.",
    controls: ["ENC-01", "ENC-07", "IAM-05", "RES-03", "NET-01"],
    twin: "redis-instance-hardening",
    denies: ["Redis without TLS", "CKV_GCP_95: Redis with AUTH switched off"],
    source: "https://cloud.google.com/memorystore/docs/redis/custom-constraints",
  },
  {
    id: "GkeClusterCmek",
    resourceType: "container.googleapis.com/Cluster",
    methodTypes: BOTH,
    actionType: "DENY",
    // `location` is output-only (the provider puts the region in the URL), so the keys are held
    // to one serving region together; their presence is container.managed.enableSecretsEncryption's
    // and gcp.restrictNonCmekServices'.
    condition:
      "has(resource.databaseEncryption.keyName) && has(resource.autoscaling.autoprovisioningNodePoolDefaults.bootDiskKmsKey) && " +
      "!['us-central1', 'us-east1'].exists(l, " +
      celKeyInRegion("resource.databaseEncryption.keyName", "l") +
      " && " +
      celKeyInRegion("resource.autoscaling.autoprovisioningNodePoolDefaults.bootDiskKmsKey", "l") +
      ")",
    displayName: "GKE clusters encrypt secrets and node boot disks with CMEK keys of one serving region",
    description:
      "ENC-01, ENC-02: application-layer secrets and Autopilot boot disks under keys of the same serving region.",
    controls: ["ENC-01", "ENC-02"],
    twin: "gke-cluster-hardening",
    denies: ["boot disks encrypted with the other region's key"],
    source: "https://cloud.google.com/kubernetes-engine/docs/how-to/custom-org-policies",
  },
  {
    id: "GkeClusterAutopilotPrivate",
    resourceType: "container.googleapis.com/Cluster",
    // Autopilot is fixed at creation; private nodes can be switched off later (the provider sends
    // desiredDefaultEnablePrivateNodes), which container.managed.enablePrivateNodes refuses. On
    // create this provider sends private nodes as networkConfig.defaultEnablePrivateNodes, and
    // privateClusterConfig only with a masterIpv4CidrBlock (magic-modules resource_container_cluster.go.tmpl).
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    condition:
      "has(resource.autopilot.enabled) && resource.autopilot.enabled == true && " +
      "((has(resource.networkConfig.defaultEnablePrivateNodes) && resource.networkConfig.defaultEnablePrivateNodes == true) || " +
      "(has(resource.privateClusterConfig.enablePrivateNodes) && resource.privateClusterConfig.enablePrivateNodes == true))",
    displayName: "GKE clusters are Autopilot clusters with private nodes",
    description: "RES-01, NET-02: every GKE cluster is created as Autopilot with private nodes.",
    controls: ["RES-01", "NET-02"],
    twin: "gke-cluster-hardening",
    denies: ["a cluster with public nodes and Google-default secrets encryption"],
    source: "https://cloud.google.com/kubernetes-engine/docs/how-to/custom-org-policies",
  },
  {
    id: "GkeClusterHardening",
    resourceType: "container.googleapis.com/Cluster",
    methodTypes: BOTH,
    actionType: "DENY",
    // Explicit bad values; a cluster leaving them out is refused by the managed constraints
    // (enableBinaryAuthorization, disableABAC).
    condition:
      "(has(resource.binaryAuthorization.evaluationMode) && " +
      "resource.binaryAuthorization.evaluationMode != 'PROJECT_SINGLETON_POLICY_ENFORCE') || " +
      "(has(resource.legacyAbac.enabled) && resource.legacyAbac.enabled == true) || " +
      "(has(resource.masterAuthorizedNetworksConfig.cidrBlocks) && " +
      "resource.masterAuthorizedNetworksConfig.cidrBlocks.exists(b, b.cidrBlock == '0.0.0.0/0'))",
    displayName: "GKE clusters keep Binary Authorization, no ABAC and a closed control plane",
    description:
      "IAM-06, K8S-04: no GKE cluster turns off Binary Authorization, turns on ABAC or opens its control plane.",
    controls: ["IAM-06", "K8S-04"],
    twin: "gke-cluster-hardening",
    denies: [
      "a control plane open to 0.0.0.0/0",
      "Binary Authorization switched off",
      "CKV_GCP_7: a cluster with legacy ABAC authorization",
    ],
    source: "https://cloud.google.com/kubernetes-engine/docs/how-to/custom-org-policies",
  },
  {
    id: "GkeNodeServiceAccount",
    resourceType: "container.googleapis.com/Cluster",
    // The create request carries the auto-provisioning defaults whole; "default" is what the
    // provider sends for an unset account, and GKE reads it as the Compute Engine default.
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    condition:
      "has(resource.autoscaling.autoprovisioningNodePoolDefaults.serviceAccount) && " +
      "resource.autoscaling.autoprovisioningNodePoolDefaults.serviceAccount != 'default' && " +
      "!resource.autoscaling.autoprovisioningNodePoolDefaults.serviceAccount.endsWith('-compute@developer.gserviceaccount.com')",
    displayName: "GKE nodes run as a dedicated service account",
    description: "IAM-01: GKE nodes never run as the Compute Engine default service account (CIS GKE 5.2.1).",
    controls: ["IAM-01"],
    twin: "gke-cluster-hardening",
    denies: [
      "nodes running as the Compute Engine default service account",
      "nodes without a service account",
    ],
    source: "https://cloud.google.com/kubernetes-engine/docs/how-to/custom-org-policies",
  },
  {
    id: "GkeNodeServiceAccountKept",
    resourceType: "container.googleapis.com/Cluster",
    methodTypes: BOTH,
    actionType: "DENY",
    condition:
      "has(resource.autoscaling.autoprovisioningNodePoolDefaults.serviceAccount) && " +
      "(resource.autoscaling.autoprovisioningNodePoolDefaults.serviceAccount == 'default' || " +
      "resource.autoscaling.autoprovisioningNodePoolDefaults.serviceAccount.endsWith('-compute@developer.gserviceaccount.com'))",
    displayName: "No GKE change moves nodes back to the default service account",
    description: "IAM-01: no create or update sets GKE nodes' service account to the Compute Engine default.",
    controls: ["IAM-01"],
    twin: "gke-cluster-hardening",
    denies: [
      "nodes running as the Compute Engine default service account",
      "nodes without a service account",
    ],
    source: "https://cloud.google.com/kubernetes-engine/docs/how-to/custom-org-policies",
  },
  {
    id: "KmsKeyRotationRetention",
    resourceType: "cloudkms.googleapis.com/CryptoKey",
    methodTypes: BOTH,
    actionType: "DENY",
    // As fabric's custom.cloudkmsAllowedRotationPeriod: durations are typed
    // (google.protobuf.Duration) and compare as durations. A key created without rotation is the
    // twin's to catch. `name` is not an evaluable field of CryptoKey, so the cardholder ring's HSM
    // rule (ENC-03) has no run-time twin: policy kms-cardholder-key-hsm.
    condition:
      "(has(resource.rotationPeriod) && resource.rotationPeriod > duration('7776000s')) || " +
      "(has(resource.destroyScheduledDuration) && resource.destroyScheduledDuration < duration('2592000s'))",
    displayName: "Keys rotate within 90 days and are destroyed no sooner than 30 days",
    description:
      "ENC-04, ENC-05: rotationPeriod at most 7776000s, destroyScheduledDuration at least 2592000s.",
    controls: ["ENC-04", "ENC-05"],
    twin: "kms-cryptokey-rotation",
    denies: ["a key rotating yearly", "a key destroyed after one day"],
    source: "https://cloud.google.com/kms/docs/custom-org-policies",
  },
  {
    id: "FirewallNoInternetIngress",
    resourceType: "compute.googleapis.com/Firewall",
    methodTypes: BOTH,
    actionType: "DENY",
    // Google's load balancer and health-check ranges are named ranges, never 0.0.0.0/0 (NET-03);
    // a rule from 0.0.0.0/0 may only deny.
    condition:
      "(!has(resource.direction) || resource.direction == 'INGRESS') && has(resource.allowed) && size(resource.allowed) > 0 && " +
      "has(resource.sourceRanges) && resource.sourceRanges.exists(r, r == '0.0.0.0/0')",
    displayName: "No firewall rule admits the whole internet",
    description: "NET-03: an ingress rule from 0.0.0.0/0 may only deny.",
    controls: ["NET-03"],
    twin: "compute-firewall-ingress-restricted",
    denies: [
      "an added rule admitting SSH from the internet",
      "CKV_GCP_3: an added rule admitting RDP from the internet",
    ],
    source: "https://cloud.google.com/firewall/docs/custom-constraints",
  },
  {
    id: "SubnetPrivateAccessFlowLogs",
    resourceType: "compute.googleapis.com/Subnetwork",
    // As fabric's custom.networkRequireSubnetPrivateGoogleAccess: CREATE only.
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    // Proxy-only and Private Service Connect subnets carry no VM traffic: no flow logs, no PGA.
    condition:
      "(has(resource.purpose) && resource.purpose != 'PRIVATE') || " +
      "(has(resource.privateIpGoogleAccess) && resource.privateIpGoogleAccess == true && " +
      "has(resource.logConfig.enable) && resource.logConfig.enable == true)",
    displayName: "Subnets have Private Google Access and flow logs",
    description: "NET-04, LOG-06: every workload subnet has Private Google Access and VPC flow logs.",
    controls: ["NET-04", "LOG-06"],
    twin: "compute-subnetwork-flow-logs-pga",
    denies: ["a subnet without flow logs", "CKV_GCP_74: a subnet without Private Google Access"],
    source: "https://cloud.google.com/vpc/docs/custom-constraints",
  },
  {
    id: "ArtifactRegistryCmek",
    resourceType: "artifactregistry.googleapis.com/Repository",
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    // Google documents that a repository's CMEK can be required, not which fields name its location:
    // the key's region (ENC-02) stays with the twin.
    condition: "has(resource.kmsKeyName) && resource.kmsKeyName.startsWith('projects/')",
    displayName: "Artifact Registry repositories use a CMEK key",
    description: "ENC-01: every repository is created with a customer-managed key.",
    controls: ["ENC-01"],
    twin: "artifactregistry-repository-cmek",
    denies: ["a repository with Google-managed encryption"],
    source: "https://cloud.google.com/artifact-registry/docs/custom-constraints",
  },
  {
    id: "StorageBucketCmekPrivate",
    resourceType: "storage.googleapis.com/Bucket",
    // A bucket update patches what changes.
    methodTypes: ["CREATE"],
    actionType: "ALLOW",
    condition:
      "has(resource.encryption.defaultKmsKeyName) && resource.encryption.defaultKmsKeyName != '' && " +
      "has(resource.iamConfiguration.publicAccessPrevention) && resource.iamConfiguration.publicAccessPrevention == 'enforced'",
    displayName: "Storage buckets use CMEK and prevent public access",
    description: "ENC-01, IAM-02: every bucket has a default CMEK key and enforced public access prevention.",
    controls: ["ENC-01", "IAM-02"],
    twin: "storage-bucket-hardening",
    denies: [
      "an added bucket on Google-default encryption, open to public access",
      "a bucket without public access prevention",
    ],
    source: "https://cloud.google.com/storage/docs/custom-constraints",
  },
];

/**
 * `custom.qpProdSqlInstanceCmek`: the name a stack's copy of a constraint has in the organisation.
 * An ephemeral environment's names carry its generation (`…SqlInstanceCmekG1a2b`): Google does not
 * let a deleted custom constraint's name be used again, and a rebuild would need it.
 */
export function customConstraintName(environment: string, id: string, generation = ""): string {
  return `custom.qp${environment[0].toUpperCase()}${environment.slice(1)}${id}${generation ? `G${generation}` : ""}`;
}

/** The catalogue id of a constraint name of any stack (`custom.qpStagingXG1a2b` → `X`), if it is one of ours. */
export function customConstraintId(name: string): string | undefined {
  const id = /^custom\.qp(?:Prod|Staging)([A-Za-z0-9]+?)(?:G[0-9a-f]{4})?$/.exec(name)?.[1];
  return CUSTOM_CONSTRAINTS.some((c) => c.id === id) ? id : undefined;
}

/** The constraint an org policy sets, from its name `<parent>/policies/<constraint>`. */
export function constraintOfPolicy(policyName: unknown): string {
  return String(policyName ?? "").split("/policies/")[1] ?? "";
}
