/**
 * Google's built-in constraints this platform sets (GOV-03): what the Organization Policy
 * Service enforces for every caller, not only for this repository's pull requests. Sources:
 * https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints and
 * cloud-foundation-fabric's `hardened` dataset (fast/stages/0-org-setup/datasets/hardened).
 */
export interface ConstraintValues {
  kmsProject: string;
  regions: readonly string[];
  /** The organisation holding the stack's projects, and its Cloud Identity / Workspace customer id. */
  organizationId: string;
  workspaceCustomerId: string;
  /** Networks the VPCs may peer with (servicenetworking's of a private services access peering). */
  vpcPeeringAllowlist: readonly string[];
}

/** A list constraint's rule, as `gcp.orgpolicy.Policy` writes it (`denyAll` takes the string "TRUE"). */
export type ListRule = { allowedValues: string[] } | { deniedValues: string[] } | { denyAll: true };

export interface BuiltInConstraintSpec {
  constraint: string;
  /** A list constraint's rule; boolean constraints are simply enforced. */
  rule?: (v: ConstraintValues) => ListRule;
  /** A managed constraint's parameters (`rules[].parameters`, JSON), enforced with them. */
  parameters?: (v: ConstraintValues) => Record<string, unknown>;
  /**
   * Google accepts a dry-run policy for it: managed constraints (`*.managed.*`) and four legacy ones
   * (https://cloud.google.com/resource-manager/docs/organization-policy/dry-run-policy, "Limitations";
   * any other constraint in dryRunSpec is an error). The others are enforced from the first `up`,
   * once the offline twin shows the plan complies.
   */
  dryRun: boolean;
  /** Acts only when a project is created: set on the folder of created projects, not on adopted ones. */
  atCreationOnly?: boolean;
  controls: string[];
  /** The CrossGuard policy that checks the same property offline. */
  twin: string;
  why: string;
}

export const BUILT_IN_CONSTRAINTS: BuiltInConstraintSpec[] = [
  {
    constraint: "gcp.restrictNonCmekServices",
    // Only services whose every resource here carries a key. Left out: logging (the projects'
    // _Default buckets are Google's; the audit bucket's key is checked by its twin) and storage
    // (no dry-run here, and adopted projects may hold buckets this stack does not know; new buckets
    // are held to CMEK by custom.qp<Env>StorageBucketCmekPrivate, which has one).
    rule: () => ({
      deniedValues: [
        "sqladmin.googleapis.com",
        "redis.googleapis.com",
        "container.googleapis.com",
        "artifactregistry.googleapis.com",
        "secretmanager.googleapis.com",
      ],
    }),
    dryRun: false,
    controls: ["ENC-01", "ENC-09"],
    twin: "sql-instance-cmek",
    why: "New Cloud SQL, Memorystore, GKE, Artifact Registry and Secret Manager resources need a CMEK key (https://cloud.google.com/kms/docs/cmek-org-policy).",
  },
  {
    constraint: "gcp.restrictCmekCryptoKeyProjects",
    // Google's documented forms: `under:projects/ID`, `under:folders/ID`, `under:organizations/ID`.
    rule: (v) => ({ allowedValues: [`under:projects/${v.kmsProject}`] }),
    dryRun: false,
    controls: ["ENC-01", "ENC-03"],
    twin: "kms-service-agent-grants-exact",
    why: "CMEK keys come only from the platform's own KMS project (https://cloud.google.com/kms/docs/cmek-org-policy).",
  },
  {
    constraint: "gcp.resourceLocations",
    // `global` stays allowed: DNS zones, the Gateway's certificate map and the projects' Google-owned
    // log buckets are global resources; REG-01 is about regional ones.
    rule: (v) => ({ allowedValues: [...v.regions.map((r) => `in:${r}-locations`), "global"] }),
    dryRun: false,
    controls: ["REG-01"],
    twin: "gcp-resource-region-residency",
    why: "Regional resources only in the serving regions.",
  },
  {
    constraint: "gcp.restrictTLSVersion",
    rule: () => ({ deniedValues: ["TLS_VERSION_1", "TLS_VERSION_1_1"] }),
    dryRun: true,
    controls: ["ENC-07"],
    twin: "gateway-https-only-tls12",
    why: "Google APIs of these projects refuse TLS below 1.2.",
  },
  {
    constraint: "iam.managed.disableServiceAccountKeyCreation",
    dryRun: true,
    controls: ["IAM-03"],
    twin: "iam-no-service-account-keys",
    why: "No service-account key can be created (the managed constraint; orgpolicy v2 only).",
  },
  {
    // The legacy twin as well: organisations created since 2024-05-03 enforce it by default
    // (https://cloud.google.com/resource-manager/docs/secure-by-default-organizations), older
    // ones may not, and it has no dry-run; the plan holds no key, so enforcing it is safe.
    constraint: "iam.disableServiceAccountKeyCreation",
    dryRun: false,
    controls: ["IAM-03"],
    twin: "iam-no-service-account-keys",
    why: "No service-account key can be created (legacy constraint).",
  },
  {
    // Domain restricted sharing, the managed variant: dry-runnable (the legacy
    // iam.allowedPolicyMemberDomains is not), and the legacy one "doesn't let you configure
    // exceptions": granting a role to a service agent needs it disabled first
    // (https://cloud.google.com/resource-manager/docs/organization-policy/domain-restricted-sharing),
    // which this stack does on every new key. Parameters as in fabric's hardened dataset
    // (fast/stages/0-org-setup/datasets/hardened/organization/org-policies/iam.yaml): the Workspace
    // customer's identities and the organisation's principal set.
    constraint: "iam.managed.allowedPolicyMembers",
    parameters: (v) => ({
      allowedMemberSubjects: [`is:${v.workspaceCustomerId}`],
      allowedPrincipalSets: [`//cloudresourcemanager.googleapis.com/organizations/${v.organizationId}`],
    }),
    dryRun: true,
    controls: ["IAM-02"],
    twin: "iam-no-public-principals",
    why: "IAM policies name only principals of the organisation's own Cloud Identity customer (CIS GCP 1.1).",
  },
  {
    // "This policy will block connections from Google-managed services ... that use Private Service
    // Access, as they peer from an external Google-owned network. To allow these essential services
    // to peer, you must explicitly add Google's servicenetworking network" as
    // projects/<google-project-id>/global/networks/servicenetworking (fabric's hardened dataset
    // README). Not retroactive: the peerings that exist stay; with no allowlist, no new peering at all.
    constraint: "compute.restrictVpcPeering",
    rule: (v) =>
      v.vpcPeeringAllowlist.length ? { allowedValues: [...v.vpcPeeringAllowlist] } : { denyAll: true },
    dryRun: false,
    controls: ["NET-09"],
    twin: "compute-cde-network-segmentation",
    why: "No VPC of the stack, the cde's above all, peers with any network but private services access.",
  },
  {
    constraint: "iam.disableServiceAccountKeyUpload",
    dryRun: false,
    controls: ["IAM-03"],
    twin: "iam-no-service-account-keys",
    why: "No key material can be uploaded to a service account.",
  },
  {
    constraint: "iam.automaticIamGrantsForDefaultServiceAccounts",
    dryRun: false,
    atCreationOnly: true,
    controls: ["IAM-01"],
    twin: "iam-no-basic-roles",
    why: "Default service accounts of created projects get no Editor role when their API is enabled.",
  },
  {
    constraint: "sql.restrictPublicIp",
    dryRun: false,
    controls: ["NET-01"],
    twin: "sql-instance-private-tls",
    why: "No Cloud SQL instance gets a public IP.",
  },
  {
    constraint: "sql.restrictAuthorizedNetworks",
    dryRun: false,
    controls: ["NET-01"],
    twin: "sql-instance-private-tls",
    why: "No Cloud SQL instance takes authorized networks.",
  },
  {
    constraint: "compute.vmExternalIpAccess",
    rule: () => ({ denyAll: true }),
    dryRun: false,
    controls: ["NET-02"],
    twin: "gke-cluster-hardening",
    why: "No VM (GKE nodes included) gets an external IP.",
  },
  {
    constraint: "compute.skipDefaultNetworkCreation",
    dryRun: false,
    atCreationOnly: true,
    controls: ["NET-03", "NET-08"],
    twin: "compute-firewall-ingress-restricted",
    why: "Created projects get no default network (with its permissive firewall rules).",
  },
  {
    constraint: "storage.uniformBucketLevelAccess",
    dryRun: false,
    controls: ["IAM-02"],
    twin: "storage-bucket-hardening",
    why: "Buckets have no object ACLs.",
  },
  {
    constraint: "storage.publicAccessPrevention",
    dryRun: false,
    controls: ["IAM-02"],
    twin: "storage-bucket-hardening",
    why: "No bucket or object can be made public.",
  },
  {
    constraint: "container.managed.enablePrivateNodes",
    dryRun: true,
    controls: ["NET-02"],
    twin: "gke-cluster-hardening",
    why: "GKE nodes are private (managed constraint).",
  },
  {
    constraint: "container.managed.enableSecretsEncryption",
    dryRun: true,
    controls: ["ENC-01"],
    twin: "gke-cluster-hardening",
    why: "GKE application-layer secrets encryption with Cloud KMS (managed constraint).",
  },
  {
    constraint: "container.managed.enableBinaryAuthorization",
    dryRun: true,
    controls: ["K8S-04"],
    twin: "gke-cluster-hardening",
    why: "Binary Authorization on every cluster (managed constraint).",
  },
  {
    constraint: "container.managed.disableABAC",
    dryRun: true,
    controls: ["IAM-06"],
    twin: "gke-cluster-hardening",
    why: "No legacy ABAC (managed constraint).",
  },
  {
    // fabric's hardened dataset (fast/stages/0-org-setup/datasets/hardened: "Enforce that GKE
    // cluster nodes are assigned with the least privileged service accounts", CIS GKE 5.2.1).
    constraint: "container.managed.disallowDefaultComputeServiceAccount",
    dryRun: true,
    controls: ["IAM-01"],
    twin: "gke-cluster-hardening",
    why: "GKE nodes never run as the Compute Engine default service account (managed constraint).",
  },
  {
    constraint: "container.managed.enableWorkloadIdentityFederation",
    dryRun: true,
    controls: ["IAM-03", "K8S-03"],
    twin: "k8s-workload-identity-one-to-one",
    why: "Workload Identity on every cluster (managed constraint).",
  },
];
