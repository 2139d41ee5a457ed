import { Policies } from "@pulumi/policy";
import { redisBothRegions } from "./redis-instance-both-regions";
import { sqlDrReplica } from "./sql-instance-dr-replica";
import { sqlDrReplicaDesignated } from "./sql-instance-dr-replica-designated";
import { sqlInstanceResilience } from "./sql-instance-resilience";
import { statefulResourceProtected } from "./stateful-resource-protected";
import { storageBucketBackupImmutable } from "./storage-bucket-backup-immutable";
import { gkeBackupPlanEveryCluster } from "./gke-backup-plan-every-cluster";
import { backupAccessNamedGroup } from "./backup-access-named-group";
import { backupdrVaultImmutable } from "./backupdr-vault-immutable";
import { workflowsBackupExportAlerted } from "./workflows-backup-export-alerted";

/** The resilience pack's policies; imported by tests and the offline evaluator, never via index.ts. */
export const resiliencePolicies: Policies = [
  sqlInstanceResilience,
  sqlDrReplica,
  sqlDrReplicaDesignated,
  redisBothRegions,
  statefulResourceProtected,
  storageBucketBackupImmutable,
  gkeBackupPlanEveryCluster,
  backupAccessNamedGroup,
  backupdrVaultImmutable,
  workflowsBackupExportAlerted,
];
