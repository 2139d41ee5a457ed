import { PolicyResource } from "@pulumi/policy";
import { CONTROL_LIMITS } from "../../catalogue/limits";
import { Finding, stackPolicy } from "../lib/define";
import { protobufDurationSeconds } from "../../facts/durations";
import { ALLOWED_REGIONS } from "../lib/gcp";

const VAULT = "gcp:backupdisasterrecovery/backupVault:BackupVault";
const PLAN = "gcp:backupdisasterrecovery/backupPlan:BackupPlan";
const ASSOCIATION = "gcp:backupdisasterrecovery/backupPlanAssociation:BackupPlanAssociation";
const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";

/** `projects/P/instances/I` (or a URL ending so) → the instance resource of the plan. */
function instanceOf(resources: PolicyResource[], ref: unknown): PolicyResource | undefined {
  const m = /projects\/([^/]+)\/instances\/([^/]+)$/.exec(String(ref ?? ""));
  return m
    ? resources.find((r) => r.type === INSTANCE && r.props.project === m[1] && r.props.name === m[2])
    : undefined;
}

/**
 * Backup and DR vaults (enhanced backups), should any be added: the platform keeps Cloud SQL's
 * immutable copy in locked buckets instead, because Google's backup options table gives enhanced
 * backups no CMEK support and no cross-region backup (docs/backups.md). A vault must enforce at least
 * the catalogue's retention, no more than any plan of it keeps, be locked and protected; an
 * associated instance must be Google-encrypted — a CMEK instance cannot use enhanced backups — and
 * ignore its backupConfiguration, which the association resets behind the program and Cloud SQL then
 * refuses to change ("Backup configuration cannot be changed for instances with a BackupDR backup plan
 * attached": terraform-provider-google issue 24932; terraform-google-sql-db issue 814).
 */
export const backupdrVaultImmutable = stackPolicy(
  {
    name: "backupdr-vault-immutable",
    description: `A Backup and DR vault enforces at least ${CONTROL_LIMITS.immutableBackupMinDays} days of retention and no more than any of its plans keep, is locked, protected and in a serving region; a Cloud SQL instance associated with it is not CMEK-encrypted and ignores changes to its backupConfiguration.`,
    controls: ["RES-10"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      'Set backupMinimumEnforcedRetentionDuration and effectiveTime, protect the vault, and associate only instances Google supports, with ignoreChanges: ["settings.backupConfiguration"].',
  },
  (resources) => {
    const findings: Finding[] = [];
    const plans = resources.filter((r) => r.type === PLAN);
    for (const vault of resources.filter((r) => r.type === VAULT)) {
      const add = (problem: string, fix: string) => findings.push({ urn: vault.urn, problem, fix });
      const enforced = protobufDurationSeconds(vault.props.backupMinimumEnforcedRetentionDuration);
      const min = CONTROL_LIMITS.immutableBackupMinDays * 86400;
      if (!(enforced >= min))
        add(
          `it enforces ${JSON.stringify(vault.props.backupMinimumEnforcedRetentionDuration ?? null)}, under ${min}s`,
          `set backupMinimumEnforcedRetentionDuration: "${min}s" or more`,
        );
      if (!vault.props.effectiveTime)
        add(
          "it is never locked (no effectiveTime)",
          "set effectiveTime: from then on nobody can shorten its retention",
        );
      if (!vault.opts.protect) add("protect is false", "add the resource option protect: true");
      if (!ALLOWED_REGIONS.includes(String(vault.props.location)))
        add(
          `it is in ${JSON.stringify(vault.props.location ?? null)}`,
          `use ${ALLOWED_REGIONS.join(" or ")}`,
        );
      const id = `projects/${String(vault.props.project)}/locations/${String(vault.props.location)}/backupVaults/${String(vault.props.backupVaultId)}`;
      for (const plan of plans.filter(
        (p) => p.props.backupVault === id || p.props.backupVault === vault.props.name,
      )) {
        const rules =
          (plan.props.backupRules as { ruleId?: string; backupRetentionDays?: number }[] | undefined) ?? [];
        for (const rule of rules.filter((r) => (r.backupRetentionDays ?? 0) * 86400 < enforced))
          findings.push({
            urn: plan.urn,
            problem: `rule ${String(rule.ruleId)} keeps backups ${String(rule.backupRetentionDays)} days, less than its vault enforces`,
            fix: "keep each rule's retention at or above the vault's minimum",
          });
      }
    }
    for (const association of resources.filter((r) => r.type === ASSOCIATION)) {
      if (association.props.resourceType !== "sqladmin.googleapis.com/Instance") continue;
      const instance = instanceOf(resources, association.props.resource);
      if (!instance) continue;
      if (instance.props.encryptionKeyName)
        findings.push({
          urn: association.urn,
          problem: `it protects ${String(instance.props.name)}, a CMEK instance: enhanced backups have no CMEK support`,
          fix: "keep CMEK instances on standard backups and export them to a locked bucket (SqlBackupExports)",
        });
      if (!instance.opts.ignoreChanges.some((f) => /^settings(\.backupConfiguration)?$/.test(f)))
        findings.push({
          urn: instance.urn,
          problem:
            "it is associated with a backup plan but does not ignore changes to settings.backupConfiguration: its next update is refused",
          fix: 'add ignoreChanges: ["settings.backupConfiguration"]',
        });
    }
    return findings;
  },
);
