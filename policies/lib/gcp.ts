/** Small readers of Google resource shapes shared by the policies. */
import { PolicyResource } from "@pulumi/policy";

export const ALLOWED_REGIONS = ["us-central1", "us-east1"];
export const MAX_ROTATION_SECONDS = 7776000;
export const MIN_DESTROY_DELAY_SECONDS = 2592000;

/** `projects/P/locations/L/keyRings/R/cryptoKeys/K` → its parts, or undefined for anything else. */
export function parseKeyId(
  id: unknown,
): { project: string; location: string; ring: string; key: string } | undefined {
  if (typeof id !== "string") return undefined;
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/]+)$/.exec(id);
  return m ? { project: m[1], location: m[2], ring: m[3], key: m[4] } : undefined;
}

/** `projects/P/locations/L/keyRings/R` → its parts. */
export function parseKeyRingId(id: unknown): { project: string; location: string; ring: string } | undefined {
  if (typeof id !== "string") return undefined;
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)$/.exec(id);
  return m ? { project: m[1], location: m[2], ring: m[3] } : undefined;
}

/** Seconds of a duration like `7776000s`; NaN when absent or malformed. */
export function durationSeconds(value: unknown): number {
  if (typeof value !== "string") return NaN;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value);
  return m ? Number(m[1]) : NaN;
}

export function flagValue(flags: unknown, name: string): string | undefined {
  if (!Array.isArray(flags)) return undefined;
  const flag = flags.find((f) => f && typeof f === "object" && (f as { name?: unknown }).name === name);
  return flag ? String((flag as { value?: unknown }).value) : undefined;
}

/** Service-agent e-mail domains by service (https://cloud.google.com/iam/docs/service-agents). */
export const AGENT_DOMAINS = {
  "cloud-sql": "gcp-sa-cloud-sql.iam.gserviceaccount.com",
  redis: "cloud-redis.iam.gserviceaccount.com",
  gke: "container-engine-robot.iam.gserviceaccount.com",
  compute: "compute-system.iam.gserviceaccount.com",
  logging: "gcp-sa-logging.iam.gserviceaccount.com",
  storage: "gs-project-accounts.iam.gserviceaccount.com",
  "artifact-registry": "gcp-sa-artifactregistry.iam.gserviceaccount.com",
  // Secret Manager encrypts each replica with its key as this agent
  // (https://cloud.google.com/secret-manager/docs/cmek).
  "secret-manager": "gcp-sa-secretmanager.iam.gserviceaccount.com",
  // Pub/Sub encrypts a CMEK topic's messages as this agent (https://cloud.google.com/pubsub/docs/cmek).
  pubsub: "gcp-sa-pubsub.iam.gserviceaccount.com",
} as const;

export type AgentKind = keyof typeof AGENT_DOMAINS;

/** `serviceAccount:service-123@gcp-sa-cloud-sql...` → { kind: "cloud-sql", projectNumber: "123" }. */
export function parseServiceAgent(member: unknown): { kind: AgentKind; projectNumber: string } | undefined {
  if (typeof member !== "string") return undefined;
  const m = /^serviceAccount:service-(\d+)@(.+)$/.exec(member);
  if (!m) return undefined;
  const kind = (Object.keys(AGENT_DOMAINS) as AgentKind[]).find((k) => AGENT_DOMAINS[k] === m[2]);
  return kind ? { kind, projectNumber: m[1] } : undefined;
}

/**
 * Projects of the cardholder-data environment: those holding a resource labelled
 * `data-class: cardholder` (Cloud SQL `settings.userLabels`, GKE `resourceLabels`, `labels`).
 */
export function cardholderProjects(resources: PolicyResource[]): Set<string> {
  const projects = new Set<string>();
  for (const r of resources) {
    if (r.type === "gcp:organizations/project:Project" || typeof r.props.project !== "string") continue;
    const labels = (r.props.labels ??
      r.props.resourceLabels ??
      (r.props.settings as { userLabels?: unknown } | undefined)?.userLabels) as
      Record<string, string> | undefined;
    if (labels?.["data-class"] === "cardholder") projects.add(r.props.project);
  }
  return projects;
}

/** The project named in a resource id or URL (`projects/P/...`), if any. */
export function projectInPath(value: unknown): string | undefined {
  return /(?:^|\/)projects\/([^/]+)\//.exec(String(value ?? ""))?.[1];
}
