/** Small readers of Google resource shapes shared by the policies. */
import { PolicyResource } from "@pulumi/policy";
import { agentOfDomain, parseAgent, ServiceAgentName } from "../../facts/google/serviceAgents";

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

export function flagValue(flags: unknown, name: string): string | undefined {
  if (!Array.isArray(flags)) return undefined;
  const flag = flags.find((f) => f && typeof f === "object" && (f as { name?: unknown }).name === name);
  return flag ? String((flag as { value?: unknown }).value) : undefined;
}

/**
 * `serviceAccount:service-123@gcp-sa-cloud-sql...` → { kind: "cloud-sql", projectNumber: "123" }: an
 * agent of Google's one table (facts/google/serviceAgents.ts), in either address form Google uses.
 */
export function parseServiceAgent(
  member: unknown,
): { kind: ServiceAgentName; projectNumber: string } | undefined {
  const address = parseAgent(member);
  const agent = address && agentOfDomain(address.domain);
  return agent ? { kind: agent.name, projectNumber: address.number } : undefined;
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
