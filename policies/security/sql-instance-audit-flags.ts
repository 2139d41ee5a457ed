import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";
import { flagValue } from "../lib/gcp";

/**
 * Flags that must hold these values on every instance; together they give IAM login, pgAudit,
 * connection/lock/error logs, and no PAN in any log (bind parameters and error DETAIL unlogged).
 */
export const REQUIRED_FLAGS: Record<string, { value: string; control: string }> = {
  "cloudsql.iam_authentication": { value: "on", control: "IAM-05" },
  "cloudsql.enable_pgaudit": { value: "on", control: "TEN-02" },
  "pgaudit.log_parameter": { value: "off", control: "LOG-08" },
  log_connections: { value: "on", control: "LOG-06" },
  log_disconnections: { value: "on", control: "LOG-06" },
  log_lock_waits: { value: "on", control: "LOG-06" },
  log_min_error_statement: { value: "error", control: "LOG-06" },
  log_checkpoints: { value: "on", control: "LOG-06" },
  log_temp_files: { value: "0", control: "LOG-06" },
  log_error_verbosity: { value: "terse", control: "LOG-08" },
};

/** Classes pgAudit must record everywhere: schema and role changes, writes, the TEN-02 marker call. */
export const REQUIRED_AUDIT_CLASSES = ["ddl", "role", "write", "function"];

/**
 * On cardholder instances also reads (PCI DSS v4.0.1 10.2.1.1, "all individual user access to
 * cardholder data") and SET (10.2.1.6, pausing the audit log), each record naming its table.
 */
export const CARDHOLDER_AUDIT_CLASSES = [...REQUIRED_AUDIT_CLASSES, "read", "misc_set"];
export const CARDHOLDER_FLAGS: Record<string, { value: string; control: string }> = {
  "pgaudit.log_relation": { value: "on", control: "LOG-06" },
};

const ALL_CLASSES = ["read", "write", "function", "role", "ddl", "misc", "misc_set"];

/**
 * The classes a `pgaudit.log` value turns on: a comma list where `all` is every class, `none` none,
 * `misc` includes `misc_set`, and `-x` removes x (https://github.com/pgaudit/pgaudit#pgauditlog;
 * pgaudit.c check_pgaudit_log: "class = LOG_MISC | LOG_MISC_SET").
 */
export function auditClasses(value: string | undefined): Set<string> {
  const classes = new Set<string>();
  for (const raw of (value ?? "").split(",")) {
    const item = raw.trim().toLowerCase();
    const remove = item.startsWith("-");
    const name = remove ? item.slice(1) : item;
    if (name === "" || name === "none") continue;
    const named = name === "all" ? ALL_CLASSES : name === "misc" ? ["misc", "misc_set"] : [name];
    for (const c of named) {
      if (remove) classes.delete(c);
      else classes.add(c);
    }
  }
  return classes;
}

export const sqlInstanceAuditFlags = resourcePolicy<gcp.sql.DatabaseInstanceArgs>(
  {
    name: "sql-instance-audit-flags",
    description:
      "Cloud SQL for PostgreSQL uses IAM database authentication, pgaudit (reads too on cardholder data), and logs connections, lock waits and errors without parameters or error details.",
    controls: ["IAM-05", "LOG-06", "LOG-08", "TEN-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set settings.databaseFlags to postgresFlags(dataClass) of components/lib/postgresFlags.ts, with the instance's data-class label.",
  },
  gcp.sql.DatabaseInstance,
  (instance) => {
    if (!String(instance.databaseVersion ?? "").startsWith("POSTGRES")) return [];
    const settings = instance.settings as { databaseFlags?: unknown; userLabels?: Record<string, string> };
    const flags = settings?.databaseFlags;
    const cardholder = settings?.userLabels?.["data-class"] === "cardholder";
    const required = cardholder ? { ...REQUIRED_FLAGS, ...CARDHOLDER_FLAGS } : REQUIRED_FLAGS;
    const findings: Finding[] = [];
    for (const [name, want] of Object.entries(required)) {
      const have = flagValue(flags, name);
      if (have !== want.value) {
        findings.push({
          problem: `database flag ${name} is ${JSON.stringify(have ?? null)} (${want.control})`,
          fix: `set database flag ${name}=${want.value}`,
        });
      }
    }
    // A flag named twice: the packs read the first; whether Cloud SQL keeps the first, the last or
    // refuses the request is not theirs to guess (unverified), so a second pgaudit.log of "none"
    // must not pass on the strength of the first.
    const names = Array.isArray(flags) ? flags.map((f) => String((f as { name?: unknown })?.name)) : [];
    for (const name of [...new Set(names.filter((n, i) => names.indexOf(n) !== i))])
      findings.push({
        problem: `database flag ${name} is set ${names.filter((n) => n === name).length} times (${(
          flags as { name?: unknown; value?: unknown }[]
        )
          .filter((f) => String(f?.name) === name)
          .map((f) => JSON.stringify(f?.value ?? null))
          .join(", ")}): which value applies is undefined`,
        fix: `set ${name} once`,
      });
    const log = flagValue(flags, "pgaudit.log");
    const classes = auditClasses(log);
    const missing = (cardholder ? CARDHOLDER_AUDIT_CLASSES : REQUIRED_AUDIT_CLASSES).filter(
      (c) => !classes.has(c),
    );
    if (missing.length) {
      findings.push({
        problem: `database flag pgaudit.log is ${JSON.stringify(log ?? null)}, which does not audit ${missing.join(", ")}${cardholder ? " on a cardholder instance (PCI DSS 10.2.1)" : ""}`,
        fix: `set database flag pgaudit.log=${cardholder ? "all" : REQUIRED_AUDIT_CLASSES.join(",")}`,
      });
    }
    return findings;
  },
);
