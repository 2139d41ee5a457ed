import { Policies } from "@pulumi/policy";
import { redisBothRegions } from "./redis-both-regions";
import { sqlDrReplica, sqlDrReplicaDesignated } from "./sql-dr-replica";
import { sqlInstanceResilience } from "./sql-instance-resilience";
import { statefulResourceProtected } from "./stateful-resource-protected";

/** The resilience pack's policies; imported by tests and the offline evaluator, never via index.ts. */
export const resiliencePolicies: Policies = [
  sqlInstanceResilience,
  sqlDrReplica,
  sqlDrReplicaDesignated,
  redisBothRegions,
  statefulResourceProtected,
];
