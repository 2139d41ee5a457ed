import { plain } from "../../deployment";
import { RehearsalRule } from "../model";

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";

type Designation = { replicationCluster?: { failoverDrReplicaName?: string } };
const designationOf = (v: unknown) =>
  (plain(v) as Designation).replicationCluster?.failoverDrReplicaName ?? "";

/**
 * A Cloud SQL primary's DR designation (`replicationCluster.failoverDrReplicaName`) reaches Cloud
 * SQL only through an update: the provider's create builds the instance without
 * `replicationCluster` (it is sent in resourceSqlDatabaseInstanceUpdate only), and Cloud SQL accepts
 * a designation only once the replica exists. So the `up` that creates a cluster leaves its primary
 * undesignated, and the state read back from Cloud SQL says so (outputs without the name the inputs
 * carry). Checked on a deployed state (`rehearse --state <export>`): the next `up` designates it.
 */
export const sqlDrDesignationApplied: RehearsalRule = {
  id: "sql-dr-designation-applied",
  severity: "warning",
  description:
    "A Cloud SQL primary that the program designates a DR replica for has the designation in Cloud SQL; after the `up` that creates a cluster it does not (the provider sends `replicationCluster` on update only), and another `up` is due.",
  sources: [
    "terraform-provider-google-beta google-beta/services/sql/resource_sql_database_instance.go (replication_cluster sent in the update only; read back by flattenReplicationCluster)",
    "https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery",
  ],
  check(ctx, report) {
    for (const r of ctx.resources.filter((x) => x.type === SQL)) {
      const wanted = designationOf(r.inputs);
      const applied = designationOf(r.outputs);
      if (!wanted || applied === wanted) continue;
      report.asWritten.warning(
        this.id,
        r,
        `${r.name} should designate ${wanted} as its DR replica but Cloud SQL has ${applied ? applied : "no designation"}: the \`up\` that created the cluster could not send it (the provider sends replicationCluster on update only). Run \`pulumi up\` again (docs/failover.md, "New clusters"); until then \`failover\` refuses a switchover.`,
      );
    }
  },
};
