import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";
import { flagValue } from "../lib/gcp";

/** Flags that must hold these values; together they give IAM login, pgaudit and connection/lock/error logs. */
export const REQUIRED_FLAGS: Record<string, { value: string; control: string }> = {
  "cloudsql.iam_authentication": { value: "on", control: "IAM-05" },
  "cloudsql.enable_pgaudit": { value: "on", control: "TEN-02" },
  log_connections: { value: "on", control: "LOG-06" },
  log_disconnections: { value: "on", control: "LOG-06" },
  log_lock_waits: { value: "on", control: "LOG-06" },
  log_min_error_statement: { value: "error", control: "LOG-06" },
  log_checkpoints: { value: "on", control: "LOG-06" },
  log_temp_files: { value: "0", control: "LOG-06" },
};

export const sqlInstanceAuditFlags = resourcePolicy<gcp.sql.DatabaseInstanceArgs>(
  {
    name: "sql-instance-audit-flags",
    description:
      "Cloud SQL for PostgreSQL uses IAM database authentication, pgaudit, and logs connections, lock waits and errors.",
    controls: ["IAM-05", "LOG-06", "TEN-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add the missing database flags to settings.databaseFlags (see components/postgresFlags.ts).",
  },
  gcp.sql.DatabaseInstance,
  (instance) => {
    if (!String(instance.databaseVersion ?? "").startsWith("POSTGRES")) return [];
    const flags = (instance.settings as { databaseFlags?: unknown } | undefined)?.databaseFlags;
    const findings: Finding[] = [];
    for (const [name, want] of Object.entries(REQUIRED_FLAGS)) {
      const have = flagValue(flags, name);
      if (have !== want.value) {
        findings.push({
          problem: `database flag ${name} is ${JSON.stringify(have ?? null)} (${want.control})`,
          fix: `set database flag ${name}=${want.value}`,
        });
      }
    }
    return findings;
  },
);
