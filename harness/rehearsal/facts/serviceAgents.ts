/**
 * Google service agents: the API that owns each, and when it comes to exist. `atEnablement`
 * agents are created with their API; just-in-time agents appear only on first use or when
 * `services.generateServiceIdentity` (gcp.projects.ServiceIdentity) is called
 * (https://cloud.google.com/iam/docs/service-agents, "Google-managed service accounts are
 * created ... when a service is enabled or first used"; cloud-foundation-fabric
 * modules/project/service-agents.yaml marks the same split with `is_primary`/`jit`).
 */
export interface ServiceAgentFact {
  api: string;
  /** Exists once the API is enabled in the agent's project. */
  atEnablement: boolean;
  /** `gcp.projects.ServiceIdentity` can create it before first use. */
  serviceIdentity: boolean;
  /**
   * The role Google grants the agent when Google creates it; one created with ServiceIdentity
   * gets none ("service agents that are created at a user's request aren't automatically
   * granted roles": https://cloud.google.com/iam/docs/create-service-agents).
   */
  role?: string;
}

export const SERVICE_AGENTS: Record<string, ServiceAgentFact> = {
  "compute-system.iam.gserviceaccount.com": {
    api: "compute.googleapis.com",
    atEnablement: true,
    serviceIdentity: false,
  },
  "container-engine-robot.iam.gserviceaccount.com": {
    api: "container.googleapis.com",
    atEnablement: true,
    serviceIdentity: true,
    role: "roles/container.serviceAgent",
  },
  "gcp-sa-cloud-sql.iam.gserviceaccount.com": {
    api: "sqladmin.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/cloudsql.serviceAgent",
  },
  "cloud-redis.iam.gserviceaccount.com": {
    api: "redis.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/redis.serviceAgent",
  },
  "gcp-sa-logging.iam.gserviceaccount.com": {
    api: "logging.googleapis.com",
    atEnablement: false,
    serviceIdentity: false,
  },
  "gcp-sa-gkehub.iam.gserviceaccount.com": {
    api: "gkehub.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/gkehub.serviceAgent",
  },
  "gcp-sa-multiclusteringress.iam.gserviceaccount.com": {
    api: "multiclusteringress.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/multiclusteringress.serviceAgent",
  },
  "gcp-sa-mcsd.iam.gserviceaccount.com": {
    api: "multiclusterservicediscovery.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/multiclusterservicediscovery.serviceAgent",
  },
  "gcp-sa-artifactregistry.iam.gserviceaccount.com": {
    api: "artifactregistry.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/artifactregistry.serviceAgent",
  },
  "gcp-sa-secretmanager.iam.gserviceaccount.com": {
    api: "secretmanager.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
  },
  "gcp-sa-binaryauthorization.iam.gserviceaccount.com": {
    api: "binaryauthorization.googleapis.com",
    atEnablement: true,
    serviceIdentity: false,
  },
  "service-networking.iam.gserviceaccount.com": {
    api: "servicenetworking.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/servicenetworking.serviceAgent",
  },
  "gs-project-accounts.iam.gserviceaccount.com": {
    api: "storage.googleapis.com",
    atEnablement: false,
    serviceIdentity: false,
  },
  "gcp-sa-pubsub.iam.gserviceaccount.com": {
    api: "pubsub.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/pubsub.serviceAgent",
  },
  "gcp-sa-gkebackup.iam.gserviceaccount.com": {
    api: "gkebackup.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/gkebackup.serviceAgent",
  },
  "gcp-sa-cloudscheduler.iam.gserviceaccount.com": {
    api: "cloudscheduler.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
    role: "roles/cloudscheduler.serviceAgent",
  },
  "container-analysis.iam.gserviceaccount.com": {
    api: "containeranalysis.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
  },
};

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

export interface AgentAddress {
  email: string;
  number: string;
  domain: string;
}

/**
 * A service agent's address in an IAM member: `service-<project number>@<domain>` (the usual
 * form) or `cmek-p<number>@gcp-sa-logging…` (Cloud Logging's CMEK account).
 */
export function parseAgent(member: string): AgentAddress | undefined {
  const m = /^serviceAccount:(?:service-|cmek-p)(\d+)@([a-z0-9.-]+\.iam\.gserviceaccount\.com)$/.exec(member);
  return m ? { email: member.slice("serviceAccount:".length), number: m[1], domain: m[2] } : undefined;
}
