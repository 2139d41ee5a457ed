import * as pulumi from "@pulumi/pulumi";
import { AuditLog } from "../../components/auditLog";
import { FindingNotifications } from "../../components/findingNotifications";
import { pamServiceAgent } from "../../components/privilegedAccess";
import { PROJECT_ROLES } from "../../components/projects";
import { sccAgents } from "../../components/lib/sccAgents";
import { ServicePerimeter } from "../../components/servicePerimeter";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";
import { ENTITLED_PROJECTS } from "./privilegedAccess";

/**
 * The people the perimeter admits by name from the operators' networks: on-call and its approvers
 * (PAM requests and approvals), backup operators, break-glass and auditors (docs/perimeter.md).
 */
export function perimeterOperators(config: PlatformConfig): string[] {
  const g = config.groups;
  return [
    g.privilegedAccessRequesters,
    g.privilegedAccessApprovers,
    g.backupOperators,
    g.breakGlass,
    g.auditors,
  ].map((email) => `group:${email}`);
}

/** VPC Service Controls around the four projects (NET-07): docs/perimeter.md. */
export function buildPerimeter(
  config: PlatformConfig,
  f: Foundation,
  auditLog: AuditLog,
  findings: FindingNotifications,
  everythingElse: pulumi.Resource[],
): ServicePerimeter {
  const aggregated = config.projectFactory?.organizationId || config.projectFactory?.folderId;
  const projectNumbers = PROJECT_ROLES.map((role) => f.projects.numbers[role]);
  return new ServicePerimeter(
    `${f.env}-perimeter`,
    {
      accessPolicy: config.perimeter.accessPolicy,
      namePrefix: f.env,
      projectNumbers,
      operatorNetworks: config.gke.authorizedNetworks,
      deployer: config.deployer.principal,
      previewer: config.deployer.previewPrincipal,
      operators: perimeterOperators(config),
      outsideWriters: aggregated ? auditLog.writerIdentities : [],
      // Detection keeps working once the perimeter is enforced (DET-01, DET-02): Security Command
      // Center's scanners in and out, its notification agent into the logging project's topic.
      agents: [
        {
          purpose: "Security Command Center detectors",
          identities: sccAgents(
            config.securityCommandCenter,
            config.orgPolicy.organizationId,
            projectNumbers,
          ),
          serviceNames: ["*"],
          egress: true,
        },
        {
          purpose: "Security Command Center findings to the logging project's topic",
          identities: findings.publishers,
          serviceNames: ["pubsub.googleapis.com"],
          resources: [pulumi.interpolate`projects/${f.projects.numbers.logging}`],
          egress: false,
        },
        {
          // Just-in-time grants (IAM-07): PAM's agent writes each grant's binding into the project's
          // IAM policy (Resource Manager) on behalf of PAM's API, both restricted here, in the
          // projects that hold entitlements.
          purpose: "Privileged Access Manager grants",
          identities: [`serviceAccount:${pamServiceAgent(config.orgPolicy.organizationId)}`],
          serviceNames: ["cloudresourcemanager.googleapis.com", "privilegedaccessmanager.googleapis.com"],
          resources: ENTITLED_PROJECTS.map(
            (role) => pulumi.interpolate`projects/${f.projects.numbers[role]}`,
          ),
          egress: false,
        },
      ],
      enforced: config.perimeter.enforced,
    },
    // The perimeter goes up last: everything inside it exists first, so enforcing it cannot cut a
    // deployment in half.
    { dependsOn: [auditLog, findings, ...everythingElse] },
  );
}
