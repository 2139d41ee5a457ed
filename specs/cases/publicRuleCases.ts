import { addResource, editResource } from "../mutate";
import type { PolicyCase } from "./policyCases";

/**
 * Issue #26: cases taken from a public rule set rather than from how the program builds the
 * resource — Checkov's Google Cloud checks (bridgecrewio/checkov
 * checkov/terraform/checks/resource/gcp/, read at 03d5fdad, 2026-08-20). Each title starts with the
 * check's id; catalogue/publicRuleSets.ts maps every cited id to the case that proves the policy
 * rejects what the check rejects, and docs/controls.md lists them per control.
 */
type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const flag = (name: string, value: string) => (p: P) => {
  const flags = p.settings.databaseFlags as { name: string; value: string }[];
  flags.find((f) => f.name === name)!.value = value;
};

const publicGrant = (type: string, name: string, inputs: P): ReturnType<typeof addResource> =>
  addResource({ type, name, inputs: { ...inputs, member: "allUsers" } });

const ipConfiguration = (p: P) => p.settings.ipConfiguration as P;

export const PUBLIC_RULE_CASES: PolicyCase[] = [
  {
    policy: "sql-instance-private-tls",
    title: "CKV_GCP_6: an instance accepting unencrypted connections",
    mutate: editResource(
      "prod-ledger-us-central1",
      (p) => (ipConfiguration(p).sslMode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"),
    ),
    on: "prod-ledger-us-central1",
    message:
      '[NET-01, ENC-07] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": ipConfiguration.sslMode is "ALLOW_UNENCRYPTED_AND_ENCRYPTED". Fix: set sslMode to ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED',
  },
  {
    policy: "sql-instance-private-tls",
    title: "CKV_GCP_11: an instance authorizing 0.0.0.0/0",
    mutate: editResource(
      "prod-ledger-us-central1",
      (p) => (ipConfiguration(p).authorizedNetworks = [{ value: "0.0.0.0/0" }]),
    ),
    on: "prod-ledger-us-central1",
    message:
      '[NET-01, ENC-07] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": authorizedNetworks admits 0.0.0.0/0. Fix: remove every authorized network; reach the instance over private service access',
  },
  {
    policy: "compute-firewall-ingress-restricted",
    title: "CKV_GCP_3: an added rule admitting RDP from the internet",
    mutate: addResource({
      type: "gcp:compute/firewall:Firewall",
      name: "allow-rdp",
      inputs: {
        name: "allow-rdp",
        network: "prod-platform",
        direction: "INGRESS",
        sourceRanges: ["0.0.0.0/0"],
        allows: [{ protocol: "tcp", ports: ["3389"] }],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
      },
    }),
    on: "allow-rdp",
    message:
      '[NET-03, LOG-06] gcp:compute/firewall:Firewall "allow-rdp": admits tcp:3389 (SSH/RDP) from outside. Fix: remove the rule; use IAP or OS Login for administration',
  },
  {
    policy: "redis-instance-hardening",
    title: "CKV_GCP_95: Redis with AUTH switched off",
    mutate: editResource("prod-cache-us-east1-instance", (p) => (p.authEnabled = false)),
    on: "prod-cache-us-east1-instance",
    message:
      '[RES-03, ENC-07, IAM-05, ENC-01, ENC-02, NET-01] gcp:redis/instance:Instance "prod-cache-us-east1-instance": authEnabled is false. Fix: set authEnabled: true',
  },
  {
    policy: "storage-bucket-hardening",
    title: "CKV_GCP_29: a bucket without uniform bucket-level access",
    mutate: editResource("prod-ledger-backups-us-central1", (p) => (p.uniformBucketLevelAccess = false)),
    on: "prod-ledger-backups-us-central1",
    message:
      '[ENC-01, ENC-02, IAM-02] gcp:storage/bucket:Bucket "prod-ledger-backups-us-central1": uniformBucketLevelAccess is false. Fix: set uniformBucketLevelAccess: true',
  },
  {
    policy: "gke-cluster-hardening",
    title: "CKV_GCP_7: a cluster with legacy ABAC authorization",
    mutate: editResource("prod-gke-us-central1-cluster", (p) => (p.enableLegacyAbac = true)),
    on: "prod-gke-us-central1-cluster",
    message:
      '[IAM-06, NET-02, ENC-01, ENC-02, K8S-04, RES-05, IAM-03, IAM-01] gcp:container/cluster:Cluster "prod-gke-us-central1-cluster": enableLegacyAbac is true. Fix: set enableLegacyAbac: false',
  },
  {
    policy: "compute-subnetwork-flow-logs-pga",
    title: "CKV_GCP_74: a subnet without Private Google Access",
    mutate: editResource("prod-platform-net-us-central1", (p) => (p.privateIpGoogleAccess = false)),
    on: "prod-platform-net-us-central1",
    message:
      '[LOG-06, NET-04] gcp:compute/subnetwork:Subnetwork "prod-platform-net-us-central1": privateIpGoogleAccess is false. Fix: set privateIpGoogleAccess: true',
  },
  {
    policy: "sql-instance-audit-flags",
    title: "CKV_GCP_110: pgAudit switched off",
    mutate: editResource("prod-ledger-us-central1", flag("cloudsql.enable_pgaudit", "off")),
    on: "prod-ledger-us-central1",
    message:
      '[IAM-05, LOG-06, LOG-08, TEN-02] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": database flag cloudsql.enable_pgaudit is "off" (TEN-02). Fix: set database flag cloudsql.enable_pgaudit=on',
  },
  {
    policy: "sql-instance-audit-flags",
    title: "CKV_GCP_52: connection logging switched off",
    mutate: editResource("prod-ledger-us-central1", flag("log_connections", "off")),
    on: "prod-ledger-us-central1",
    message:
      '[IAM-05, LOG-06, LOG-08, TEN-02] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": database flag log_connections is "off" (LOG-06). Fix: set database flag log_connections=on',
  },
  {
    policy: "sql-instance-resilience",
    title: "CKV_GCP_14: automated backups switched off",
    mutate: editResource(
      "prod-ledger-us-central1",
      (p: P) => (p.settings.backupConfiguration.enabled = false),
    ),
    on: "prod-ledger-us-central1",
    message:
      '[RES-02, RES-05] gcp:sql/databaseInstance:DatabaseInstance "prod-ledger-us-central1": backupConfiguration.enabled is false on a primary. Fix: enable automated backups',
  },
  {
    policy: "stateful-resource-protected",
    title: "CKV_GCP_82: a data key no longer protected from deletion",
    mutate: editResource("prod-keys-us-central1-ledger-sql", (_p, r) => (r.protect = false)),
    on: "prod-keys-us-central1-ledger-sql",
    message:
      '[RES-05, ENC-05] gcp:kms/cryptoKey:CryptoKey "prod-keys-us-central1-ledger-sql": protect is false. Fix: add the resource option protect: true',
  },
  {
    policy: "iam-no-public-principals",
    title: "CKV_GCP_28: a backup bucket readable by allUsers",
    mutate: publicGrant("gcp:storage/bucketIAMMember:BucketIAMMember", "public-bucket", {
      bucket: "qp-prod-platform-ledger-backup-us-central1",
      role: "roles/storage.objectViewer",
    }),
    on: "public-bucket",
    message:
      '[IAM-02] gcp:storage/bucketIAMMember:BucketIAMMember "public-bucket": grants roles/storage.objectViewer to allUsers. Fix: grant named principals only',
  },
  {
    policy: "iam-no-public-principals",
    title: "CKV_GCP_99: the findings topic open to allUsers",
    mutate: publicGrant("gcp:pubsub/topicIAMMember:TopicIAMMember", "public-topic", {
      topic: "projects/qp-prod-logging/topics/scc-findings",
      role: "roles/pubsub.subscriber",
    }),
    on: "public-topic",
    message:
      '[IAM-02] gcp:pubsub/topicIAMMember:TopicIAMMember "public-topic": grants roles/pubsub.subscriber to allUsers. Fix: grant named principals only',
  },
  {
    policy: "iam-no-public-principals",
    title: "CKV_GCP_101: an image repository readable by allUsers",
    mutate: publicGrant("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "public-repo", {
      project: "qp-prod-platform",
      location: "us-central1",
      repository: "containers",
      role: "roles/artifactregistry.reader",
    }),
    on: "public-repo",
    message:
      '[IAM-02] gcp:artifactregistry/repositoryIamMember:RepositoryIamMember "public-repo": grants roles/artifactregistry.reader to allUsers. Fix: grant named principals only',
  },
  {
    policy: "iam-no-public-principals",
    title: "CKV_GCP_112: a data key usable by allUsers",
    mutate: publicGrant("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "public-key", {
      cryptoKeyId: "projects/qp-prod-kms/locations/us-central1/keyRings/tenant-data/cryptoKeys/ledger-sql",
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
    }),
    on: "public-key",
    message:
      '[IAM-02] gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember "public-key": grants roles/cloudkms.cryptoKeyEncrypterDecrypter to allUsers. Fix: grant named principals only',
  },
];
