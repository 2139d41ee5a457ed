import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { isPrimary } from "./sql-instance-resilience";

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";

export function primaries(resources: PolicyResource[]) {
  return resources.filter((r) => r.type === SQL && isPrimary(r.props));
}

export const sqlDrReplica = stackPolicy(
  {
    name: "sql-instance-dr-replica",
    description: "Every Cloud SQL primary has a disaster-recovery replica in the other serving region.",
    controls: ["RES-02", "RES-01"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Add a READ_REPLICA_INSTANCE whose masterInstanceName is the primary, in the other region (components/postgresCluster.ts does this).",
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const primary of primaries(resources)) {
      const replicas = resources.filter(
        (r) =>
          r.type === SQL &&
          r.props.masterInstanceName === primary.props.name &&
          r.props.project === primary.props.project,
      );
      if (!replicas.some((r) => r.props.region !== primary.props.region)) {
        findings.push({
          urn: primary.urn,
          problem: `primary ${String(primary.props.name)} in ${String(primary.props.region)} has no replica in another region (replicas: ${replicas.map((r) => `${String(r.props.name)}@${String(r.props.region)}`).join(", ") || "none"})`,
          fix: "add a cross-region disaster-recovery replica",
        });
      }
    }
    return findings;
  },
);
