import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { AgentService } from "./keyCatalogue";

/** Agents beyond the key users: fleet controllers that are granted roles on the project. */
export type ProjectAgent = AgentService | "multicluster-ingress";

/** The API behind each agent: ServiceIdentity creates the agent where the API supports it. */
const AGENT_APIS: Record<ProjectAgent, string> = {
  "cloud-sql": "sqladmin.googleapis.com",
  redis: "redis.googleapis.com",
  gke: "container.googleapis.com",
  compute: "compute.googleapis.com",
  logging: "logging.googleapis.com",
  "multicluster-ingress": "multiclusteringress.googleapis.com",
};

export interface ServiceAgentsArgs {
  /** Project whose agents these are. */
  project: pulumi.Input<string>;
  /** Its project number: agent addresses are `service-<number>@<domain>`. */
  projectNumber: pulumi.Input<string>;
  /** The agents to create or resolve. */
  services: ProjectAgent[];
  /**
   * The project's API enablements. Agents that Google creates with their API (compute) or on a
   * read after it (logging) are resolved from the enablement's output, so every grant to them
   * carries a dependency on the API.
   */
  enabledApis: Record<string, gcp.projects.Service>;
}

/**
 * The Google service agents of one project. Just-in-time agents (Cloud SQL, Memorystore, GKE,
 * multi-cluster Ingress) are created with `ServiceIdentity` (generateServiceIdentity), so a
 * grant never races their creation ("If a service agent hasn't been created yet, then you can't
 * grant roles to the service agent": https://cloud.google.com/iam/docs/create-service-agents).
 * The Compute Engine system agent is created with the Compute API and is not offered by
 * generateServiceIdentity (cloud-foundation-fabric service-agents.yaml: not primary); its address
 * is derived from the project number. Cloud Logging's CMEK account is read from the project's
 * CMEK settings after the Logging API is on: reading them is what makes it exist
 * (https://cloud.google.com/logging/docs/routing/managed-encryption-storage), whereas
 * generateServiceIdentity answers with an empty e-mail for Logging
 * (terraform-provider-google issue 18649).
 */
export class ServiceAgents extends pulumi.ComponentResource {
  /** IAM member (`serviceAccount:...`) of each agent. */
  public readonly members: Partial<Record<ProjectAgent, pulumi.Output<string>>>;

  constructor(name: string, args: ServiceAgentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:iam:ServiceAgents", name, {}, opts);
    const members: Partial<Record<ProjectAgent, pulumi.Output<string>>> = {};
    const enablement = (api: string): gcp.projects.Service => {
      const service = args.enabledApis[api];
      if (!service)
        throw new Error(`${name}: ${api} is not enabled in the project, so its agent never exists`);
      return service;
    };
    for (const service of args.services) {
      if (service === "logging") {
        // The project comes out of the Logging API's enablement: the read waits for it.
        const settings = gcp.logging.getProjectCmekSettingsOutput(
          { project: enablement(AGENT_APIS.logging).project },
          { parent: this },
        );
        members.logging = pulumi.interpolate`serviceAccount:${settings.serviceAccountId}`;
        continue;
      }
      if (service === "compute") {
        const computeApi = enablement(AGENT_APIS.compute);
        // Derived through the enablement's id, so a grant to it depends on the Compute API.
        members.compute = pulumi
          .all([args.projectNumber, computeApi.id])
          .apply(([number]) => `serviceAccount:service-${number}@compute-system.iam.gserviceaccount.com`);
        continue;
      }
      const identity = new gcp.projects.ServiceIdentity(
        `${name}-${service}`,
        { project: args.project, service: AGENT_APIS[service] },
        { parent: this, dependsOn: [enablement(AGENT_APIS[service])] },
      );
      members[service] = identity.member;
    }
    this.members = members;
    this.registerOutputs({ members });
  }
}
