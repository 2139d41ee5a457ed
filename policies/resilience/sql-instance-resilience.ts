import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";

type Settings = {
  availabilityType?: string;
  deletionProtectionEnabled?: boolean;
  backupConfiguration?: { enabled?: boolean; pointInTimeRecoveryEnabled?: boolean };
};

export function isPrimary(instance: { instanceType?: unknown; masterInstanceName?: unknown }): boolean {
  return (
    !instance.masterInstanceName && (instance.instanceType ?? "CLOUD_SQL_INSTANCE") === "CLOUD_SQL_INSTANCE"
  );
}

export const sqlInstanceResilience = resourcePolicy<gcp.sql.DatabaseInstanceArgs>(
  {
    name: "sql-instance-resilience",
    description:
      "Every Cloud SQL instance is highly available, and every primary has automated backups with point-in-time recovery.",
    controls: ["RES-02", "RES-05"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Set settings.availabilityType REGIONAL, and on primaries enable backups and pointInTimeRecoveryEnabled.",
  },
  gcp.sql.DatabaseInstance,
  (instance) => {
    const settings = (instance.settings ?? {}) as Settings;
    const findings: Finding[] = [];
    if (settings.availabilityType !== "REGIONAL") {
      findings.push({
        problem: `settings.availabilityType is ${JSON.stringify(settings.availabilityType ?? "ZONAL (default)")}`,
        fix: "set availabilityType: REGIONAL",
      });
    }
    // Deletion protection (protect, deletionProtection, deletionProtectionEnabled): stateful-resource-protected.
    if (isPrimary(instance)) {
      const backup = settings.backupConfiguration ?? {};
      if (backup.enabled !== true)
        findings.push({
          problem: `backupConfiguration.enabled is ${JSON.stringify(backup.enabled ?? null)} on a primary`,
          fix: "enable automated backups",
        });
      if (backup.pointInTimeRecoveryEnabled !== true) {
        findings.push({
          problem: `backupConfiguration.pointInTimeRecoveryEnabled is ${JSON.stringify(backup.pointInTimeRecoveryEnabled ?? null)} on a primary`,
          fix: "enable point-in-time recovery",
        });
      }
    }
    return findings;
  },
);
