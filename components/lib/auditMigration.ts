/**
 * The marker the application's tenant guard leaves when it refuses a cross-tenant query (TEN-02):
 * it calls `qairopay_cross_tenant_denied(actor_tenant, target_tenant)` with bind parameters, and
 * pgAudit's FUNCTION class records the call.
 */
export const CROSS_TENANT_MARKER = "qairopay_cross_tenant_denied";

/** The function as pgAudit names it in a FUNCTION record's object field (test/pgaudit.test.ts). */
export const CROSS_TENANT_FUNCTION = `public.${CROSS_TENANT_MARKER}`;

/**
 * What every application database needs for TEN-02: the pgAudit extension and the marker function.
 *
 * Cloud SQL loads pgAudit with the `cloudsql.enable_pgaudit` flag, but the extension still has to
 * be created in the database ("Running a command to create the pgAudit extension":
 * https://cloud.google.com/sql/docs/postgres/pg-audit). The function does nothing: it exists so
 * that its call is an auditable event. It is PL/pgSQL because the planner may inline a SQL
 * function (leaving no call to audit), not STRICT because a NULL argument would skip the call,
 * SECURITY INVOKER with a fixed search_path so that it runs nothing on anyone's behalf, and
 * executable by PUBLIC because every application role's guard calls it. Its body holds no
 * semicolon, so no splitting of the script into statements can cut it.
 *
 * Run by `gcp.sql.ProvisionScript` (Cloud SQL Data API `executeSql`) on the primary, in the
 * application database, as an IAM user holding `cloudsqlsuperuser`; it is idempotent, so it can run
 * on every change. `CREATE OR REPLACE` needs the function's owner: the script must keep running as
 * the same database user.
 */
/** The marker function itself; `CREATE OR REPLACE` needs its owner (or a member of the owner's role). */
export const MARKER_FUNCTION_SQL = `CREATE OR REPLACE FUNCTION ${CROSS_TENANT_FUNCTION}(actor_tenant text, target_tenant text)
  RETURNS void
  LANGUAGE plpgsql
  VOLATILE
  CALLED ON NULL INPUT
  SECURITY INVOKER
  SET search_path = pg_catalog, pg_temp
AS $$BEGIN END$$`;

export const MARKER_GRANT_SQL = `GRANT EXECUTE ON FUNCTION ${CROSS_TENANT_FUNCTION}(text, text) TO PUBLIC`;

export const AUDIT_MIGRATION = `CREATE EXTENSION IF NOT EXISTS pgaudit;
${MARKER_FUNCTION_SQL};
${MARKER_GRANT_SQL};
`;
