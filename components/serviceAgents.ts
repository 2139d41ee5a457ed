import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { AgentService } from "./keyCatalogue";

/** The API behind each agent: ServiceIdentity creates the agent where the API supports it. */
const AGENT_APIS: Record<Exclude<AgentService, "logging">, string> = {
  "cloud-sql": "sqladmin.googleapis.com",
  redis: "redis.googleapis.com",
  gke: "container.googleapis.com",
  compute: "compute.googleapis.com",
};

export interface ServiceAgentsArgs {
  /** Project whose agents these are. */
  project: pulumi.Input<string>;
  /** Its project number: agent addresses are `service-<number>@<domain>`. */
  projectNumber: pulumi.Input<string>;
  /** The agents to create or resolve. */
  services: AgentService[];
}

/**
 * The Google service agents of one project. Cloud SQL, Memorystore and GKE agents are created
 * with `ServiceIdentity` (generateServiceIdentity), so a key grant never races agent creation.
 * The Compute Engine system agent is not offered by that API; Google creates it with the Compute
 * API, and its address is derived from the project number
 * (https://cloud.google.com/iam/docs/service-agents#compute-engine-service-agent).
 * Cloud Logging's CMEK service account is read from the project's CMEK settings, the account
 * the Log Router uses to reach a bucket's key
 * (https://cloud.google.com/logging/docs/routing/managed-encryption-storage).
 */
export class ServiceAgents extends pulumi.ComponentResource {
  /** IAM member (`serviceAccount:...`) of each agent. */
  public readonly members: Partial<Record<AgentService, pulumi.Output<string>>>;

  constructor(name: string, args: ServiceAgentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:iam:ServiceAgents", name, {}, opts);
    const members: Partial<Record<AgentService, pulumi.Output<string>>> = {};
    for (const service of args.services) {
      if (service === "logging") {
        const settings = gcp.logging.getProjectCmekSettingsOutput(
          { project: args.project },
          { parent: this },
        );
        members.logging = pulumi.interpolate`serviceAccount:${settings.serviceAccountId}`;
        continue;
      }
      if (service === "compute") {
        members.compute = pulumi.interpolate`serviceAccount:service-${args.projectNumber}@compute-system.iam.gserviceaccount.com`;
        continue;
      }
      const identity = new gcp.projects.ServiceIdentity(
        `${name}-${service}`,
        { project: args.project, service: AGENT_APIS[service] },
        { parent: this },
      );
      members[service] = identity.member;
    }
    this.members = members;
    this.registerOutputs({ members });
  }
}
