import { stackPolicy } from "../lib/define";
import { primaries } from "./sql-instance-dr-replica";

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";

export const sqlDrReplicaDesignated = stackPolicy(
  {
    name: "sql-instance-dr-replica-designated",
    description:
      "Every Cloud SQL primary designates its cross-region replica for advanced disaster recovery.",
    controls: ["RES-02"],
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Set replicationCluster.failoverDrReplicaName on the primary to PROJECT:REPLICA (sqlDesignateDrReplica: true).",
  },
  (resources) =>
    primaries(resources).flatMap((primary) => {
      const designated = (primary.props.replicationCluster as { failoverDrReplicaName?: string } | undefined)
        ?.failoverDrReplicaName;
      const replica = resources.find(
        (r) => r.type === SQL && r.props.masterInstanceName === primary.props.name,
      );
      const expected = replica ? `${String(replica.props.project)}:${String(replica.props.name)}` : undefined;
      if (expected && designated !== expected && designated !== replica?.props.name) {
        return [
          {
            urn: primary.urn,
            problem: `replicationCluster.failoverDrReplicaName is ${JSON.stringify(designated ?? null)}`,
            fix: `set it to "${expected}"`,
          },
        ];
      }
      return [];
    }),
);
