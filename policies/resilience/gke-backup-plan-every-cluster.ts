import { CONTROL_LIMITS } from "../../catalogue/limits";
import { Finding, stackPolicy } from "../lib/define";
import { parseKeyId } from "../lib/gcp";

const CLUSTER = "gcp:container/cluster:Cluster";
const PLAN = "gcp:gkebackup/backupPlan:BackupPlan";

interface Plan {
  cluster?: string;
  location?: string;
  deactivated?: boolean;
  backupSchedule?: { cronSchedule?: string; paused?: boolean };
  backupConfig?: {
    allNamespaces?: boolean;
    includeSecrets?: boolean;
    includeVolumeData?: boolean;
    encryptionKey?: { gcpKmsEncryptionKey?: string };
  };
  retentionPolicy?: { backupDeleteLockDays?: number; backupRetainDays?: number; locked?: boolean };
}

export const gkeBackupPlanEveryCluster = stackPolicy(
  {
    name: "gke-backup-plan-every-cluster",
    description: `Every GKE cluster is backed up on a schedule by a Backup for GKE plan of its own region — every namespace, secrets and volumes, under a CMEK key of that region — whose backups nobody can delete for ${CONTROL_LIMITS.immutableBackupMinDays} days, with the retention locked where the stack protects its resources.`,
    controls: ["RES-10"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Keep GkeBackup (components/gkeBackup.ts) for every cluster, with the catalogue's delete lock and backupRetentionLocked in a lasting environment.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const plans = resources.filter((r) => r.type === PLAN);
    for (const cluster of resources.filter((r) => r.type === CLUSTER)) {
      const id = `projects/${String(cluster.props.project)}/locations/${String(cluster.props.location)}/clusters/${String(cluster.props.name)}`;
      const plan = plans.find((p) => p.props.cluster === id || p.props.cluster === cluster.props.id);
      if (!plan) {
        findings.push({
          urn: cluster.urn,
          problem: "no Backup for GKE plan backs it up",
          fix: "add GkeBackup for it",
        });
        continue;
      }
      const p = plan.props as Plan;
      const add = (problem: string, fix: string) => findings.push({ urn: plan.urn, problem, fix });
      if (p.deactivated || p.backupSchedule?.paused || !p.backupSchedule?.cronSchedule)
        add(
          "it takes no scheduled backup (deactivated, paused or without a schedule)",
          "give it a cronSchedule and keep it active",
        );
      const c = p.backupConfig ?? {};
      if (!c.allNamespaces || !c.includeSecrets || !c.includeVolumeData)
        add(
          `it leaves out ${[!c.allNamespaces && "namespaces", !c.includeSecrets && "secrets", !c.includeVolumeData && "volume data"].filter(Boolean).join(", ")}`,
          "back up allNamespaces with includeSecrets and includeVolumeData",
        );
      const key = parseKeyId(c.encryptionKey?.gcpKmsEncryptionKey);
      if (!key || key.location !== p.location)
        add(
          `its backups are not encrypted with a CMEK key of its region ${String(p.location)}`,
          "set backupConfig.encryptionKey.gcpKmsEncryptionKey to a key of the plan's region",
        );
      const r = p.retentionPolicy ?? {};
      const lock = r.backupDeleteLockDays ?? 0;
      if (lock < CONTROL_LIMITS.immutableBackupMinDays)
        add(
          `backups can be deleted after ${lock} days, under ${CONTROL_LIMITS.immutableBackupMinDays}`,
          `set retentionPolicy.backupDeleteLockDays: ${CONTROL_LIMITS.immutableBackupMinDays} or more`,
        );
      if (r.backupRetainDays !== undefined && r.backupRetainDays !== 0 && r.backupRetainDays < lock)
        add(
          `backupRetainDays ${r.backupRetainDays} is under the delete lock`,
          "keep backupRetainDays at or above backupDeleteLockDays",
        );
      if (plan.opts.protect && r.locked !== true)
        add(
          "its retention policy is not locked: whoever administers the plan can shorten it",
          "set retentionPolicy.locked: true (backupRetentionLocked)",
        );
    }
    return findings;
  },
);
