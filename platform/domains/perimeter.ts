import * as pulumi from "@pulumi/pulumi";
import { AuditLog } from "../../components/auditLog";
import { Backups } from "./backups";
import { FindingNotifications } from "../../components/findingNotifications";
import { PROJECT_ROLES } from "../../components/projects";
import { sccAgents } from "../../components/sccAgents";
import { ServicePerimeter } from "../../components/servicePerimeter";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";

/** VPC Service Controls around the four projects (NET-07): docs/perimeter.md. */
export function buildPerimeter(
  config: PlatformConfig,
  f: Foundation,
  auditLog: AuditLog,
  findings: FindingNotifications,
  backups: Backups,
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
          serviceName: "*",
          egress: true,
        },
        {
          purpose: "Security Command Center findings to the logging project's topic",
          identities: findings.publishers,
          serviceName: "pubsub.googleapis.com",
          resources: [pulumi.interpolate`projects/${f.projects.numbers.logging}`],
          egress: false,
        },
        {
          // Cloud Scheduler and Workflows act as the exporter from Google's infrastructure, not
          // from the projects' networks: the export they start is an ingress (RES-10).
          purpose: "Cloud SQL exports to the immutable backup buckets",
          identities: backups.exporters,
          serviceName: "sqladmin.googleapis.com",
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
