import { DataClass } from "../../vocabulary/dataClass";

export type DatabaseFlag = { name: string; value: string };

/**
 * Flags of every Cloud SQL for PostgreSQL instance: IAM authentication (IAM-05), pgAudit (TEN-02),
 * connection, lock and error logging (LOG-06), and no PAN in any log (LOG-08, proven by
 * test/pgaudit.test.ts): pgAudit never logs bind parameters, and error logs drop DETAIL, which
 * quotes the offending row or key ("Key (pan)=(4111…) already exists.").
 * Flag names: https://cloud.google.com/sql/docs/postgres/flags and
 * https://cloud.google.com/sql/docs/postgres/pg-audit
 */
const BASE_FLAGS: DatabaseFlag[] = [
  { name: "cloudsql.iam_authentication", value: "on" },
  { name: "cloudsql.enable_pgaudit", value: "on" },
  { name: "pgaudit.log_parameter", value: "off" },
  { name: "log_connections", value: "on" },
  { name: "log_disconnections", value: "on" },
  { name: "log_lock_waits", value: "on" },
  { name: "log_checkpoints", value: "on" },
  { name: "log_temp_files", value: "0" },
  { name: "log_min_error_statement", value: "error" },
  { name: "log_min_messages", value: "warning" },
  // TERSE "excludes the logging of DETAIL, HINT, QUERY, and CONTEXT error information"
  // (https://www.postgresql.org/docs/15/runtime-config-logging.html); the client still gets them.
  { name: "log_error_verbosity", value: "terse" },
];

/**
 * What pgAudit records, by data class. Tenant data: DDL, roles, writes and function calls (the
 * TEN-02 marker). Cardholder data: every class, reads included, since PCI DSS v4.0.1 10.2.1.1
 * wants "all individual user access to cardholder data"; `all` also keeps role changes (10.2.1.5),
 * DDL (10.2.1.7) and `SET pgaudit.*` (MISC_SET, 10.2.1.6). `log_relation` names every table a
 * statement touches, one record each (10.2.2's "identification of affected data").
 */
const AUDIT_FLAGS: Record<DataClass, DatabaseFlag[]> = {
  tenant: [{ name: "pgaudit.log", value: "ddl,role,write,function" }],
  none: [{ name: "pgaudit.log", value: "ddl,role,write,function" }],
  cardholder: [
    { name: "pgaudit.log", value: "all" },
    { name: "pgaudit.log_relation", value: "on" },
    // Catalog reads (drivers' type lookups, `\d`) hold no cardholder data; left on, `all` records
    // every one of them, and pgAudit's records are buffered on the instance's disk (pg-audit page).
    { name: "pgaudit.log_catalog", value: "off" },
  ],
};

/** `settings.databaseFlags` of an instance holding data of `dataClass` (its `data-class` label). */
export function postgresFlags(dataClass: DataClass): DatabaseFlag[] {
  return [...BASE_FLAGS, ...AUDIT_FLAGS[dataClass]].map((f) => ({ ...f }));
}
