import { plain } from "../../deployment";
import { label, RehearsalRule } from "../model";

const DATABASE = "gcp:sql/database:Database";
const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const SCRIPT = "gcp:sql/provisionScript:ProvisionScript";
const JOB = "kubernetes:batch/v1:Job";

/**
 * Every application database this stack creates has a migration that runs on its instance in this
 * stack: a ProvisionScript (the Data API) or a Job whose pods connect to the instance (the cluster
 * path of instances that refuse the Data API). Without it a new instance has no pgAudit extension,
 * no marker function (TEN-02's alert never fires) and no grants for its workloads (none can work).
 */
export const sqlMigrationRuns: RehearsalRule = {
  id: "sql-migration-runs",
  severity: "warning",
  description:
    "Every application database the stack creates is migrated in the same stack, through the Data API (a ProvisionScript on its instance) or by a Job that connects to its instance; otherwise pgAudit, the cross-tenant marker and the workloads' grants are missing on a new instance.",
  sources: [
    "https://cloud.google.com/sql/docs/postgres/pg-audit",
    "https://cloud.google.com/sql/docs/postgres/add-manage-iam-users",
    "docs/database-migration.md",
  ],
  check(ctx, report) {
    const jobs = ctx.resources.filter((r) => r.type === JOB).map((j) => JSON.stringify(plain(j.inputs.spec)));
    for (const database of ctx.resources.filter((r) => r.type === DATABASE)) {
      const { project, instance } = database.inputs as { project?: string; instance?: string };
      const scripted = ctx.resources.some(
        (s) => s.type === SCRIPT && s.inputs.project === project && s.inputs.instance === instance,
      );
      const target = ctx.resources.find(
        (i) => i.type === INSTANCE && i.inputs.project === project && i.inputs.name === instance,
      );
      const connection = target && `${String(project)}:${String(target.inputs.region)}:${String(instance)}`;
      const jobbed =
        connection !== undefined && jobs.some((spec) => spec.includes(JSON.stringify(connection)));
      if (scripted || jobbed) continue;
      report.asWritten.warning(
        this.id,
        database,
        `${label(database)} on ${String(instance)} is migrated by nothing in this stack: no ProvisionScript runs on the instance and no Job connects to it. Until one does, a new instance has no pgAudit extension, no cross-tenant marker function and no grants for its workloads. For a cluster-run migration, mirror its images and set sqlMigrationProxyImage and sqlMigrationClientImage (docs/database-migration.md).`,
      );
    }
  },
};
