/*
 * Google's service agents: one table, read by the program (components/serviceAgents.ts), the
 * policy packs (policies/lib/gcp.ts), the offline engine's model of Google (engine/gcpMocks.ts)
 * and its rehearsal rules. A leaf: it imports nothing of the project.
 *
 * Sources: https://cloud.google.com/iam/docs/service-agents (each agent's address domain and
 * role); cloud-foundation-fabric modules/project/service-agents.yaml (`is_primary`/`jit`: created
 * with the API or on first use); "Google-managed service accounts are created ... when a service
 * is enabled or first used"; "service agents that are created at a user's request aren't
 * automatically granted roles" (https://cloud.google.com/iam/docs/create-service-agents).
 */

export interface ServiceAgentFact {
  /** The API whose enablement (or first use) makes the agent. */
  api: string;
  /** The address is `service-<project number>@<domain>`. */
  domain: string;
  /** Exists once the API is enabled in the agent's project. */
  atEnablement: boolean;
  /** `gcp.projects.ServiceIdentity` (generateServiceIdentity) can create it before first use. */
  serviceIdentity: boolean;
  /**
   * The role Google grants the agent when Google creates it; one created with ServiceIdentity
   * gets none, so whoever creates it grants this role.
   */
  role?: string;
}

export const SERVICE_AGENTS = {
  "cloud-sql": {
    api: "sqladmin.googleapis.com",
    domain: "gcp-sa-cloud-sql.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/cloudsql.serviceAgent",
  },
  redis: {
    api: "redis.googleapis.com",
    domain: "cloud-redis.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/redis.serviceAgent",
  },
  gke: {
    api: "container.googleapis.com",
    domain: "container-engine-robot.iam.gserviceaccount.com",
    atEnablement: true,
    serviceIdentity: true,
    role: "roles/container.serviceAgent",
  },
  // Created with the Compute API; generateServiceIdentity does not offer it (fabric: not primary).
  compute: {
    api: "compute.googleapis.com",
    domain: "compute-system.iam.gserviceaccount.com",
    atEnablement: true,
    serviceIdentity: false,
  },
  // Cloud Logging's CMEK account exists once the project's CMEK settings are read
  // (https://cloud.google.com/logging/docs/routing/managed-encryption-storage); generateServiceIdentity
  // answers with an empty e-mail for it (terraform-provider-google issue 18649).
  logging: {
    api: "logging.googleapis.com",
    domain: "gcp-sa-logging.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: false,
  },
  // Created by reading the project's Cloud Storage account (gcp.storage.getProjectServiceAccount:
  // "created on first use").
  storage: {
    api: "storage.googleapis.com",
    domain: "gs-project-accounts.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: false,
  },
  // Encrypts the repositories' images with their CMEK key (https://cloud.google.com/artifact-registry/docs/cmek).
  "artifact-registry": {
    api: "artifactregistry.googleapis.com",
    domain: "gcp-sa-artifactregistry.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/artifactregistry.serviceAgent",
  },
  // Encrypts each replica with its key (https://cloud.google.com/secret-manager/docs/cmek); no project role.
  "secret-manager": {
    api: "secretmanager.googleapis.com",
    domain: "gcp-sa-secretmanager.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
  },
  // Encrypts a CMEK topic's messages (https://cloud.google.com/pubsub/docs/cmek).
  pubsub: {
    api: "pubsub.googleapis.com",
    domain: "gcp-sa-pubsub.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/pubsub.serviceAgent",
  },
  gkehub: {
    api: "gkehub.googleapis.com",
    domain: "gcp-sa-gkehub.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/gkehub.serviceAgent",
  },
  "multicluster-ingress": {
    api: "multiclusteringress.googleapis.com",
    domain: "gcp-sa-multiclusteringress.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/multiclusteringress.serviceAgent",
  },
  "multicluster-service-discovery": {
    api: "multiclusterservicediscovery.googleapis.com",
    domain: "gcp-sa-mcsd.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/multiclusterservicediscovery.serviceAgent",
  },
  "service-networking": {
    api: "servicenetworking.googleapis.com",
    domain: "service-networking.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/servicenetworking.serviceAgent",
  },
  // Reads attestations as the project's agent.
  "binary-authorization": {
    api: "binaryauthorization.googleapis.com",
    domain: "gcp-sa-binaryauthorization.iam.gserviceaccount.com",
    atEnablement: true,
    serviceIdentity: false,
  },
  // Backup for GKE (fabric modules/project/service-agents.yaml: gkebackup, is_primary).
  gkebackup: {
    api: "gkebackup.googleapis.com",
    domain: "gcp-sa-gkebackup.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/gkebackup.serviceAgent",
  },
  // Mints the OAuth token of a job's service account (fabric: cloudscheduler, is_primary).
  cloudscheduler: {
    api: "cloudscheduler.googleapis.com",
    domain: "gcp-sa-cloudscheduler.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/cloudscheduler.serviceAgent",
  },
  "container-analysis": {
    api: "containeranalysis.googleapis.com",
    domain: "container-analysis.iam.gserviceaccount.com",
    atEnablement: false,
    serviceIdentity: true,
  },
} as const satisfies Record<string, ServiceAgentFact>;

/** An agent by its service's short name, the one key of the table. */
export type ServiceAgentName = keyof typeof SERVICE_AGENTS;

const NAMES = Object.keys(SERVICE_AGENTS) as ServiceAgentName[];

/** The agent whose addresses end in `domain`, if Google has one we know. */
export function agentOfDomain(
  domain: string,
): { name: ServiceAgentName; fact: ServiceAgentFact } | undefined {
  const name = NAMES.find((n) => SERVICE_AGENTS[n].domain === domain);
  return name ? { name, fact: SERVICE_AGENTS[name] } : undefined;
}

/** The agent of an API, if it has one we know. */
export function agentOfApi(api: string): { name: ServiceAgentName; fact: ServiceAgentFact } | undefined {
  const name = NAMES.find((n) => SERVICE_AGENTS[n].api === api);
  return name ? { name, fact: SERVICE_AGENTS[name] } : undefined;
}

export interface AgentAddress {
  email: string;
  number: string;
  domain: string;
}

/**
 * A service agent's address in an IAM member: `service-<project number>@<domain>` (the usual
 * form) or `cmek-p<number>@gcp-sa-logging…` (Cloud Logging's CMEK account).
 */
export function parseAgent(member: unknown): AgentAddress | undefined {
  if (typeof member !== "string") return undefined;
  const m = /^serviceAccount:(?:service-|cmek-p)(\d+)@([a-z0-9.-]+\.iam\.gserviceaccount\.com)$/.exec(member);
  return m ? { email: member.slice("serviceAccount:".length), number: m[1], domain: m[2] } : undefined;
}

/**
 * Resources whose first use of a service fails intermittently unless the service's agent already
 * exists with its role: the private services access connection answers "Error code 7, Required
 * 'compute.globalAddresses.list' permission" while Google is still creating and granting the
 * Service Networking agent (terraform-provider-google issue 14720; cloud-foundation-fabric's test
 * setup grants roles/servicenetworking.serviceAgent before its connections).
 */
export const AGENT_BEFORE_FIRST_USE: Record<string, string> = {
  "gcp:servicenetworking/connection:Connection": "servicenetworking.googleapis.com",
};
