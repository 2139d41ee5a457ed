/**
 * The checks of public rule sets that a policy covers (issue #26), each proven by a failing case of
 * specs/cases/ whose title the entry names: the policy rejects, on this platform's plan, what the
 * check rejects. Checkov's Google Cloud checks, read in bridgecrewio/checkov at 03d5fdad
 * (2026-08-20), checkov/terraform/checks/resource/gcp/<File>.py: the id and the check's own name.
 * Only checks whose meaning the policy holds in full are listed; CIS and Trivy ids are not cited
 * until read at their source.
 */
export interface PublicRule {
  id: string;
  /** The check's name, as its rule set writes it. */
  name: string;
  policy: string;
  /** Title of the case that proves it. */
  proof: string;
}

const checkov = (id: number, name: string, policy: string, proof: string): PublicRule => ({
  id: `CKV_GCP_${id}`,
  name,
  policy,
  proof,
});

export const PUBLIC_RULES: PublicRule[] = [
  checkov(
    2,
    "Ensure Google compute firewall ingress does not allow unrestricted ssh access",
    "compute-firewall-ingress-restricted",
    "an added rule admitting SSH from the internet",
  ),
  checkov(
    3,
    "Ensure Google compute firewall ingress does not allow unrestricted rdp access",
    "compute-firewall-ingress-restricted",
    "CKV_GCP_3: an added rule admitting RDP from the internet",
  ),
  checkov(
    4,
    "Ensure no HTTPS or SSL proxy load balancers permit SSL policies with weak cipher suites",
    "compute-ssl-policy-tls12-modern",
    "an SSL policy allowing TLS 1.0",
  ),
  checkov(
    6,
    "Ensure all Cloud SQL database instance requires all incoming connections to use SSL",
    "sql-instance-private-tls",
    "CKV_GCP_6: an instance accepting unencrypted connections",
  ),
  checkov(
    7,
    "Ensure Legacy Authorization is set to Disabled on Kubernetes Engine Clusters",
    "gke-cluster-hardening",
    "CKV_GCP_7: a cluster with legacy ABAC authorization",
  ),
  checkov(
    11,
    "Ensure that Cloud SQL database Instances are not open to the world",
    "sql-instance-private-tls",
    "CKV_GCP_11: an instance authorizing 0.0.0.0/0",
  ),
  checkov(
    14,
    "Ensure all Cloud SQL database instance have backup configuration enabled",
    "sql-instance-resilience",
    "CKV_GCP_14: automated backups switched off",
  ),
  checkov(
    18,
    "Ensure GKE Control Plane is not public",
    "gke-cluster-hardening",
    "a control plane open to 0.0.0.0/0",
  ),
  checkov(
    26,
    "Ensure that VPC Flow Logs is enabled for every subnet in a VPC Network",
    "compute-subnetwork-flow-logs-pga",
    "a subnet without flow logs",
  ),
  checkov(
    28,
    "Ensure that Cloud Storage bucket is not anonymously or publicly accessible",
    "iam-no-public-principals",
    "CKV_GCP_28: a backup bucket readable by allUsers",
  ),
  checkov(
    29,
    "Ensure that Cloud Storage buckets have uniform bucket-level access enabled",
    "storage-bucket-hardening",
    "CKV_GCP_29: a bucket without uniform bucket-level access",
  ),
  checkov(
    43,
    "Ensure KMS encryption keys are rotated within a period of 90 days",
    "kms-cryptokey-rotation",
    "a key rotating yearly",
  ),
  checkov(
    51,
    "Ensure PostgreSQL database 'log_checkpoints' flag is set to 'on'",
    "sql-instance-audit-flags",
    "checkpoint logging switched off",
  ),
  checkov(
    52,
    "Ensure PostgreSQL database 'log_connections' flag is set to 'on'",
    "sql-instance-audit-flags",
    "CKV_GCP_52: connection logging switched off",
  ),
  checkov(
    60,
    "Ensure Cloud SQL database does not have public IP",
    "sql-instance-private-tls",
    "a public, unencrypted instance open to the internet",
  ),
  checkov(
    64,
    "Ensure clusters are created with Private Nodes",
    "gke-cluster-hardening",
    "a cluster with public nodes and Google-default secrets encryption",
  ),
  checkov(
    66,
    "Ensure use of Binary Authorization",
    "gke-cluster-hardening",
    "Binary Authorization switched off",
  ),
  checkov(
    70,
    "Ensure the GKE Release Channel is set",
    "gke-cluster-hardening",
    "a cluster off the release channels",
  ),
  checkov(
    74,
    "Ensure that private_ip_google_access is enabled for Subnet",
    "compute-subnetwork-flow-logs-pga",
    "CKV_GCP_74: a subnet without Private Google Access",
  ),
  checkov(
    82,
    "Ensure KMS keys are protected from deletion",
    "stateful-resource-protected",
    "CKV_GCP_82: a data key no longer protected from deletion",
  ),
  checkov(
    84,
    "Ensure Artifact Registry Repositories are encrypted with Customer Supplied Encryption Keys (CSEK)",
    "artifactregistry-repository-cmek",
    "a repository with Google-managed encryption",
  ),
  checkov(
    95,
    "Ensure Memorystore for Redis has AUTH enabled",
    "redis-instance-hardening",
    "CKV_GCP_95: Redis with AUTH switched off",
  ),
  checkov(
    97,
    "Ensure Memorystore for Redis uses intransit encryption",
    "redis-instance-hardening",
    "Redis without TLS",
  ),
  checkov(
    99,
    "Ensure that Pub/Sub Topics are not anonymously or publicly accessible",
    "iam-no-public-principals",
    "CKV_GCP_99: the findings topic open to allUsers",
  ),
  checkov(
    101,
    "Ensure that Artifact Registry repositories are not anonymously or publicly accessible",
    "iam-no-public-principals",
    "CKV_GCP_101: an image repository readable by allUsers",
  ),
  checkov(
    110,
    "Ensure pgAudit is enabled for your GCP PostgreSQL database",
    "sql-instance-audit-flags",
    "CKV_GCP_110: pgAudit switched off",
  ),
  checkov(
    112,
    "Ensure KMS policy should not allow public access",
    "iam-no-public-principals",
    "CKV_GCP_112: a data key usable by allUsers",
  ),
  checkov(
    114,
    "Ensure public access prevention is enforced on Cloud Storage bucket",
    "storage-bucket-hardening",
    "a bucket without public access prevention",
  ),
  checkov(117, "Ensure basic roles are not used at project level.", "iam-no-basic-roles", "an editor grant"),
  checkov(
    118,
    "Ensure IAM workload identity pool provider is restricted",
    "iam-ci-federation-pinned",
    "a provider with no attribute condition (every repository on GitHub federates)",
  ),
  checkov(
    125,
    "Ensure GCP GitHub Actions OIDC trust policy is configured securely",
    "iam-ci-federation-pinned",
    "a provider with no attribute condition (every repository on GitHub federates)",
  ),
];
