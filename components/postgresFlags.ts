/**
 * Database flags of every Cloud SQL for PostgreSQL instance: IAM authentication (IAM-05),
 * pgaudit, and connection, lock and error logging (LOG-06, TEN-02). Statement parameters are
 * never logged, so no PAN or secret reaches the audit log.
 * Flag names: https://cloud.google.com/sql/docs/postgres/flags
 */
export const POSTGRES_FLAGS: { name: string; value: string }[] = [
  { name: "cloudsql.iam_authentication", value: "on" },
  { name: "cloudsql.enable_pgaudit", value: "on" },
  { name: "pgaudit.log", value: "ddl,role,write,function" },
  { name: "pgaudit.log_parameter", value: "off" },
  { name: "log_connections", value: "on" },
  { name: "log_disconnections", value: "on" },
  { name: "log_lock_waits", value: "on" },
  { name: "log_checkpoints", value: "on" },
  { name: "log_temp_files", value: "0" },
  { name: "log_min_error_statement", value: "error" },
  { name: "log_min_messages", value: "warning" },
];
