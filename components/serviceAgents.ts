import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_AGENTS, ServiceAgentFact } from "../facts/google/serviceAgents";
import { AgentService } from "../catalogue/keys";

/** Agents beyond the key users: fleet and network controllers that act in the project. */
export type ProjectAgent =
  AgentService | "multicluster-ingress" | "service-networking" | "gkebackup" | "cloudscheduler";

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
 * multi-cluster Ingress, Service Networking) are created with `ServiceIdentity`
 * (generateServiceIdentity), so a grant never races their creation ("If a service agent hasn't
 * been created yet, then you can't grant roles to the service agent"), and are granted their
 * service-agent role, which Google grants only to agents it creates itself ("service agents
 * that are created at a user's request aren't automatically granted roles":
 * https://cloud.google.com/iam/docs/create-service-agents). Their addresses are derived from the
 * project number through the identity's id: the API may answer without an e-mail
 * (terraform-provider-google resource_project_service_identity.go).
 * The Compute Engine system agent is created with the Compute API and is not offered by
 * generateServiceIdentity (fabric: not a primary agent); its address is derived from the project
 * number. Cloud Logging's CMEK account is read from the project's CMEK settings after the Logging
 * API is on: reading them is what makes it exist
 * (https://cloud.google.com/logging/docs/routing/managed-encryption-storage), whereas
 * generateServiceIdentity answers with an empty e-mail for Logging (provider issue 18649).
 */
export class ServiceAgents extends pulumi.ComponentResource {
  /** IAM member (`serviceAccount:...`) of each agent. */
  public readonly members: Partial<Record<ProjectAgent, pulumi.Output<string>>>;
  /** The service-agent role grants: what uses the services in this project waits for them. */
  public readonly roleGrants: gcp.projects.IAMMember[];

  constructor(name: string, args: ServiceAgentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:iam:ServiceAgents", name, {}, opts);
    const members: Partial<Record<ProjectAgent, pulumi.Output<string>>> = {};
    const roleGrants: gcp.projects.IAMMember[] = [];
    const enablement = (api: string): gcp.projects.Service => {
      const service = args.enabledApis[api];
      if (!service)
        throw new Error(`${name}: ${api} is not enabled in the project, so its agent never exists`);
      return service;
    };
    /** `serviceAccount:service-<number>@<domain>`, carrying a dependency on `after`. */
    const derived = (agent: ProjectAgent, after: pulumi.Output<string>) =>
      pulumi
        .all([args.projectNumber, after])
        .apply(([number]) => `serviceAccount:service-${number}@${SERVICE_AGENTS[agent].domain}`);

    for (const service of args.services) {
      // Each agent's API, domain and role are Google's facts (facts/google/serviceAgents.ts).
      const agent: ServiceAgentFact = SERVICE_AGENTS[service];
      if (service === "logging") {
        // The project comes out of the Logging API's enablement: the read waits for it.
        const settings = gcp.logging.getProjectCmekSettingsOutput(
          { project: enablement(agent.api).project },
          { parent: this },
        );
        members.logging = pulumi.interpolate`serviceAccount:${settings.serviceAccountId}`;
        continue;
      }
      if (service === "storage") {
        // Reading the project's Cloud Storage account is what creates it; the read waits for the API.
        const account = gcp.storage.getProjectServiceAccountOutput(
          { project: enablement(agent.api).project },
          { parent: this },
        );
        members.storage = pulumi.interpolate`serviceAccount:${account.emailAddress}`;
        continue;
      }
      if (service === "compute") {
        members.compute = derived(service, enablement(agent.api).id);
        continue;
      }
      const identity = new gcp.projects.ServiceIdentity(
        `${name}-${service}`,
        { project: args.project, service: agent.api },
        { parent: this, dependsOn: [enablement(agent.api)] },
      );
      members[service] = derived(service, identity.id);
      if (agent.role)
        roleGrants.push(
          new gcp.projects.IAMMember(
            `${name}-${service}-role`,
            { project: args.project, role: agent.role, member: members[service] },
            { parent: this },
          ),
        );
    }
    this.members = members;
    this.roleGrants = roleGrants;
    this.registerOutputs({ members });
  }
}
