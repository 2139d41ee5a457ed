import * as pulumi from "@pulumi/pulumi";
import { AuditLog } from "../../components/auditLog";
import { PROJECT_ROLES } from "../../components/projects";
import { ServicePerimeter } from "../../components/servicePerimeter";
import { PlatformConfig } from "../config/types";
import { Foundation } from "./foundation";

/** VPC Service Controls around the four projects (NET-07): docs/perimeter.md. */
export function buildPerimeter(
  config: PlatformConfig,
  f: Foundation,
  auditLog: AuditLog,
  everythingElse: pulumi.Resource[],
): ServicePerimeter {
  const aggregated = config.projectFactory?.organizationId || config.projectFactory?.folderId;
  return new ServicePerimeter(
    `${f.env}-perimeter`,
    {
      accessPolicy: config.perimeter.accessPolicy,
      namePrefix: f.env,
      projectNumbers: PROJECT_ROLES.map((role) => f.projects.numbers[role]),
      operatorNetworks: config.gke.authorizedNetworks,
      deployer: config.deployer.principal,
      previewer: config.deployer.previewPrincipal,
      outsideWriters: aggregated ? auditLog.writerIdentities : [],
      enforced: config.perimeter.enforced,
    },
    // The perimeter goes up last: everything inside it exists first, so enforcing it cannot cut a
    // deployment in half.
    { dependsOn: [auditLog, ...everythingElse] },
  );
}
