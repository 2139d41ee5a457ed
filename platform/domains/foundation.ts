import * as pulumi from "@pulumi/pulumi";
import { AgentRef } from "../../catalogue/keys";
import { CreationGuardrails } from "../../components/creationGuardrails";
import { BUILT_IN_CONSTRAINTS } from "../../catalogue/orgConstraints/builtInConstraints";
import { PlatformProjects } from "../../components/projects";
import { ProjectAgent, ServiceAgents } from "../../components/serviceAgents";
import { ALLOWED_REGIONS, Region } from "../../vocabulary/regions";
import { PlatformConfig } from "../config/types";
import { StandardLabels } from "../../vocabulary/labels";
import { standardLabels } from "../labels";

/** What every later domain builds on: the projects, their enabled APIs and their service agents. */
export interface Foundation {
  env: string;
  regions: [Region, Region];
  projects: PlatformProjects;
  agents: Record<"platform" | "cde" | "logging", ServiceAgents>;
  /** The IAM member of a service agent that encrypts with a platform key. */
  agentMember: (agent: AgentRef) => pulumi.Output<string>;
  labels: (dataClass: "tenant" | "cardholder" | "none") => StandardLabels;
  /**
   * What a resource using a project's services waits for: the project's API enablements and its
   * just-in-time agents' role grants (Cloud SQL, Memorystore, GKE, Service Networking, ...).
   */
  ready: Record<"platform" | "cde" | "kms" | "logging", pulumi.Resource[]>;
  /** Whether stateful resources are protected: everywhere but an ephemeral environment. */
  protect: boolean;
}

/** Regions in address-plan order: names and ranges never depend on which one is primary. */
export function servingRegions(config: PlatformConfig): [Region, Region] {
  return ALLOWED_REGIONS.filter((r) => config.regions.includes(r)) as [Region, Region];
}

/** Resources a destroy of an ephemeral stack deletes through the API: its projects, what lives outside them, and the generation. */
const DELETED_ON_DESTROY = [
  "gcp:organizations/project:Project",
  "gcp:logging/folderSink:FolderSink",
  "gcp:logging/organizationSink:OrganizationSink",
  // The audit trail's deny policy may sit on the folder (AuditTrailGuard), where a rebuild would
  // meet its name again; a project's own deny policies go with the project either way.
  "gcp:iam/denyPolicy:DenyPolicy",
  // The perimeter and its access level live in the organisation's access policy.
  "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter",
  "gcp:accesscontextmanager/accessLevel:AccessLevel",
  // The custom constraints live in the organisation and the policies on the folder: a rebuild
  // creates them again under the same names, so a destroy must delete them.
  "gcp:orgpolicy/customConstraint:CustomConstraint",
  "gcp:orgpolicy/policy:Policy",
  // The folder's Security Health Analytics custom modules: outside the projects, recreated by a rebuild.
  "gcp:securitycenter/managementFolderSecurityHealthAnalyticsCustomModule:ManagementFolderSecurityHealthAnalyticsCustomModule",
];

/**
 * In an ephemeral stack, everything inside its projects is retained on delete: `pulumi destroy`
 * only forgets it and deletes the projects, which takes it all with them. Deleting piece by piece
 * would stop at the VPCs, whose private-services-access peering outlives an ABANDONed connection
 * (magic-modules PR 18476), and would destroy KMS keys whose names a partial destroy's rebuild
 * could never take again. The cost: a replacement in staging leaves the old resource behind until
 * the next rebuild.
 */
function retainInsideProjects(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult {
  // Only what lives in Google Cloud (GCP resources, Kubernetes objects in its clusters).
  const inProjects = /^(gcp|kubernetes):/.test(args.type) && !args.type.startsWith("pulumi:");
  const deleted =
    !(args.resource instanceof pulumi.CustomResource) ||
    !inProjects ||
    DELETED_ON_DESTROY.includes(args.type);
  return {
    props: args.props,
    opts: deleted ? args.opts : pulumi.mergeOptions(args.opts, { retainOnDelete: true }),
  };
}

export function buildFoundation(config: PlatformConfig): Foundation {
  if (config.ephemeral) pulumi.runtime.registerStackTransformation(retainInsideProjects);
  const env = config.environment;
  const labels = (dataClass: "tenant" | "cardholder" | "none") => standardLabels(config, dataClass);
  const protect = !config.ephemeral;
  const folderId = config.projectFactory?.folderId;
  // Constraints that act when a project is created go on its folder first (CreationGuardrails).
  const creationGuardrails =
    config.orgPolicy.scope === "folder" && folderId
      ? new CreationGuardrails(`${env}-guardrails-folder`, {
          folder: `folders/${folderId}`,
          formerParent: `${env}-guardrails`,
          constraints: BUILT_IN_CONSTRAINTS,
        })
      : undefined;
  const projects = new PlatformProjects(
    env,
    {
      projectIds: config.projects,
      factory: config.projectFactory,
      labels: labels("none"),
      protect,
      generationSuffix: config.ephemeral,
    },
    { dependsOn: creationGuardrails ? [creationGuardrails] : [] },
  );
  const agents = {
    platform: agentsFor(env, projects, "platform", [
      "cloud-sql",
      "redis",
      "gke",
      "compute",
      "multicluster-ingress",
      "service-networking",
      "secret-manager",
      "artifact-registry",
      "storage",
      "gkebackup",
      "cloudscheduler",
    ]),
    cde: agentsFor(env, projects, "cde", [
      "cloud-sql",
      "service-networking",
      "gke",
      "compute",
      "artifact-registry",
      "storage",
      "gkebackup",
      "cloudscheduler",
    ]),
    logging: agentsFor(env, projects, "logging", ["logging", "pubsub"]),
  };
  const agentMember = (agent: AgentRef): pulumi.Output<string> => {
    const member = agents[agent.project as keyof typeof agents]?.members[agent.service];
    if (!member) throw new Error(`no service agent ${agent.service} in the ${agent.project} project`);
    return member;
  };
  const ready = {
    platform: [...projects.services.platform, ...agents.platform.roleGrants],
    cde: [...projects.services.cde, ...agents.cde.roleGrants],
    kms: projects.services.kms,
    logging: [...projects.services.logging, ...agents.logging.roleGrants],
  };
  return { env, regions: servingRegions(config), projects, agents, agentMember, labels, ready, protect };
}

function agentsFor(
  env: string,
  projects: PlatformProjects,
  role: "platform" | "cde" | "logging",
  services: ProjectAgent[],
): ServiceAgents {
  return new ServiceAgents(
    `${env}-${role}-agents`,
    {
      project: projects.ids[role],
      projectNumber: projects.numbers[role],
      services,
      enabledApis: projects.servicesByApi[role],
    },
    { dependsOn: projects.services[role] },
  );
}
