import { DataClass } from "../vocabulary/dataClass";
import { ProjectRole } from "../vocabulary/projects";

/**
 * The key rings of each region and the store keys in them. Rings separate data classes
 * (ENC-03): tenant KEKs, the CMEK keys of tenant-data stores, cardholder keys (HSM), and
 * platform keys. KEKs have a ring of their own so that workloads can be granted the whole ring
 * (every tenant, present and future) without touching any store key.
 */
export const KEY_RINGS = {
  "tenant-kek": { dataClass: "tenant", protectionLevel: "SOFTWARE", scope: "serving" },
  "tenant-data": { dataClass: "tenant", protectionLevel: "SOFTWARE", scope: "serving" },
  cardholder: { dataClass: "cardholder", protectionLevel: "HSM", scope: "serving" },
  platform: { dataClass: "none", protectionLevel: "SOFTWARE", scope: "serving" },
  // The audit log lives in one fixed region; its ring exists only there.
  audit: { dataClass: "none", protectionLevel: "SOFTWARE", scope: "audit" },
  // Binary Authorization attestors' signing keys (K8S-04), HSM: a ring of their own, so that the
  // image pipeline that signs is never granted anything on a data key (ENC-03).
  attestation: { dataClass: "none", protectionLevel: "HSM", scope: "serving" },
} as const satisfies Record<
  string,
  { dataClass: DataClass; protectionLevel: "SOFTWARE" | "HSM"; scope: "serving" | "audit" }
>;

export type KeyRingClass = keyof typeof KEY_RINGS;
export const KEY_RING_CLASSES = Object.keys(KEY_RINGS) as KeyRingClass[];

/** Google service agents that encrypt with our keys; the address domain is per service. */
export type AgentService =
  | "cloud-sql"
  | "redis"
  | "gke"
  | "compute"
  | "logging"
  | "secret-manager"
  | "artifact-registry"
  | "pubsub"
  | "storage";

export interface AgentRef {
  project: ProjectRole;
  service: AgentService;
}

export interface StoreKeySpec {
  name: string;
  ring: Exclude<KeyRingClass, "tenant-kek">;
  /** The service agents that use this key, and only they, get encrypter/decrypter on it (ENC-08). */
  agents: AgentRef[];
}

export const STORE_KEYS = [
  { name: "ledger-sql", ring: "tenant-data", agents: [{ project: "platform", service: "cloud-sql" }] },
  { name: "redis", ring: "tenant-data", agents: [{ project: "platform", service: "redis" }] },
  { name: "card-vault-sql", ring: "cardholder", agents: [{ project: "cde", service: "cloud-sql" }] },
  // Application-level encryption of PANs by the card-vault workload; no service agent uses it.
  { name: "card-vault-pan", ring: "cardholder", agents: [] },
  { name: "audit-log", ring: "audit", agents: [{ project: "logging", service: "logging" }] },
  // GKE: application-layer secrets (container-engine-robot) and node boot disks (compute-system).
  { name: "gke-secrets", ring: "platform", agents: [{ project: "platform", service: "gke" }] },
  { name: "gke-boot-disk", ring: "platform", agents: [{ project: "platform", service: "compute" }] },
  // The cde clusters' keys sit with the cardholder data they protect (NET-09): HSM, cde agents only.
  { name: "cde-gke-secrets", ring: "cardholder", agents: [{ project: "cde", service: "gke" }] },
  { name: "cde-gke-boot-disk", ring: "cardholder", agents: [{ project: "cde", service: "compute" }] },
  // Artifact Registry repositories of each project's images (ENC-01): the platform's, and the cde's
  // with the cardholder keys.
  { name: "images", ring: "platform", agents: [{ project: "platform", service: "artifact-registry" }] },
  { name: "cde-images", ring: "cardholder", agents: [{ project: "cde", service: "artifact-registry" }] },
  // Secret Manager replicas of the platform's secrets, each under its region's key (ENC-09).
  { name: "secrets", ring: "platform", agents: [{ project: "platform", service: "secret-manager" }] },
  // Security Command Center's findings on their way to on-call (DET-02): the Pub/Sub topic of the
  // logging project, which persists messages in the audit region only.
  { name: "scc-findings", ring: "audit", agents: [{ project: "logging", service: "pubsub" }] },
  // Backup for GKE encrypts a plan's config backups with its key as the cluster's GKE agent ("agent_robot
  // ... must be granted access to the bplan_key": https://cloud.google.com/kubernetes-engine/docs/add-on/backup-for-gke/concepts/about-cmek).
  { name: "gke-backup", ring: "platform", agents: [{ project: "platform", service: "gke" }] },
  { name: "cde-gke-backup", ring: "cardholder", agents: [{ project: "cde", service: "gke" }] },
  // The immutable off-region Cloud SQL exports (RES-10), written by Cloud Storage's agent.
  { name: "ledger-backup", ring: "tenant-data", agents: [{ project: "platform", service: "storage" }] },
  { name: "card-vault-backup", ring: "cardholder", agents: [{ project: "cde", service: "storage" }] },
] as const satisfies readonly StoreKeySpec[];

export type StoreKeyName = (typeof STORE_KEYS)[number]["name"];

/**
 * Asymmetric signing keys of each project's Binary Authorization attestor, in the attestation ring
 * of every serving region. The algorithm is the one the provider's own attestor sample signs with
 * (magic-modules samples/services/binaryauthorization/binary_authorization_attestor_kms.tf.tmpl:
 * purpose ASYMMETRIC_SIGN, RSA_SIGN_PKCS1_4096_SHA512, its public key's algorithm passed to the
 * attestor as is). Asymmetric keys do not rotate automatically (ENC-04 is about symmetric keys):
 * a new version is a new attestor public key.
 */
export const SIGNING_KEYS = [
  { name: "image-attestor", project: "platform" },
  { name: "cde-image-attestor", project: "cde" },
] as const satisfies readonly { name: string; project: ProjectRole }[];
export type SigningKeyName = (typeof SIGNING_KEYS)[number]["name"];
export const SIGNING_ALGORITHM = "RSA_SIGN_PKCS1_4096_SHA512";

/** KMS rotation ceiling (ENC-04) and the destroy delay floor (ENC-05). */
export const ROTATION_PERIOD = "7776000s";
export const DESTROY_SCHEDULED_DURATION = "2592000s";

/** The only role anyone holds on a key or key ring: encrypt and decrypt, never administer. */
export const KEY_USER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

export function tenantKekName(tenantId: string): string {
  return `kek-${tenantId}`;
}
