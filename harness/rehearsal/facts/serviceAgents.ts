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
  },
  "gcp-sa-cloud-sql.iam.gserviceaccount.com": {
    api: "sqladmin.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
  },
  "cloud-redis.iam.gserviceaccount.com": {
    api: "redis.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
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
  },
  "gcp-sa-multiclusteringress.iam.gserviceaccount.com": {
    api: "multiclusteringress.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
  },
  "gcp-sa-mcsd.iam.gserviceaccount.com": {
    api: "multiclusterservicediscovery.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
  },
  "gcp-sa-artifactregistry.iam.gserviceaccount.com": {
    api: "artifactregistry.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
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
  },
  "gs-project-accounts.iam.gserviceaccount.com": {
    api: "storage.googleapis.com",
    atEnablement: false,
    serviceIdentity: false,
  },
  "container-analysis.iam.gserviceaccount.com": {
    api: "containeranalysis.googleapis.com",
    atEnablement: false,
    serviceIdentity: true,
  },
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
