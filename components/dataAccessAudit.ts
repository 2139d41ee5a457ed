import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export const DATA_ACCESS_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"];

export interface DataAccessAuditArgs {
  /** Projects by role; every one gets Data Access audit logs for all services. */
  projects: Record<string, pulumi.Input<string>>;
}

/** Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) for all services in every project (LOG-04). */
export class DataAccessAudit extends pulumi.ComponentResource {
  constructor(name: string, args: DataAccessAuditArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:logging:DataAccessAudit", name, {}, opts);
    for (const [role, project] of Object.entries(args.projects)) {
      new gcp.projects.IAMAuditConfig(
        `${name}-${role}`,
        {
          project,
          service: "allServices",
          auditLogConfigs: DATA_ACCESS_LOG_TYPES.map((logType) => ({ logType })),
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
