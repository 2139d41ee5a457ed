import {
  AUDIT_MIGRATION,
  CROSS_TENANT_FUNCTION,
  MARKER_FUNCTION_SQL,
  MARKER_GRANT_SQL,
} from "./auditMigration";

/** The database each cluster's applications use, and where the platform's migration runs. */
export const APPLICATION_DATABASE = "qairopay";

/**
 * One workload's access to its cluster's application database: its Cloud SQL IAM database user (a
 * PostgreSQL role named after the service account, without `.gserviceaccount.com`) and the schema
 * that holds its data.
 */
export interface WorkloadDatabaseAccess {
  /** The PostgreSQL role Cloud SQL creates for the IAM user, e.g. `card-vault-workload@qp-prod-cde.iam`. */
  role: string;
  /** Its schema, e.g. `card_vault`. */
  schema: string;
}

/** Cloud SQL's IAM database user name of a service account e-mail (https://cloud.google.com/sql/docs/postgres/add-manage-iam-users). */
export function serviceAccountDatabaseUser(email: string): string {
  return email.replace(/\.gserviceaccount\.com$/, "");
}

/** The schema a workload's data lives in: its name, as a plain identifier. */
export function workloadSchema(workload: string): string {
  const schema = workload.replace(/-/g, "_");
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`workload ${workload} makes no schema name`);
  return schema;
}

/** A PostgreSQL identifier, quoted (IAM user names hold `@` and `.`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A PostgreSQL string literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * What each workload may do in the application database, and nothing more (IAM-04, NET-09): connect
 * to it, use and create objects in its own schema, call the tenant guard's marker function. The
 * schema belongs to the role that migrates, not to the workload: a non-superuser cannot hand a
 * schema to an IAM user it is not a member of (`CREATE SCHEMA … AUTHORIZATION` and `ALTER … OWNER`
 * need SET ROLE to the new owner), and ownership would let the workload drop or re-grant it. PUBLIC
 * loses CONNECT and TEMPORARY on the database and CREATE on `public` (PostgreSQL 15's default, made
 * explicit for databases created before it), so no other login — an IAM user added later, the
 * deployer — reads anything here by default. Idempotent; the workloads' roles must exist (Cloud SQL
 * creates them with the `gcp.sql.User`).
 */
export function workloadAccessSql(workloads: readonly WorkloadDatabaseAccess[]): string {
  const db = quoteIdent(APPLICATION_DATABASE);
  const lines = [`REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`, "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"];
  for (const { role, schema } of workloads) {
    const r = quoteIdent(role);
    const s = quoteIdent(schema);
    lines.push(
      `GRANT CONNECT ON DATABASE ${db} TO ${r};`,
      `CREATE SCHEMA IF NOT EXISTS ${s};`,
      `REVOKE ALL ON SCHEMA ${s} FROM PUBLIC;`,
      `GRANT USAGE, CREATE ON SCHEMA ${s} TO ${r};`,
    );
  }
  return lines.join("\n") + "\n";
}

export interface MigrationExpectations {
  workloads: readonly WorkloadDatabaseAccess[];
  /** Extensions that must be installed. @default ["pgaudit"] */
  extensions?: readonly string[];
  /**
   * Roles that must hold no `cloudsqlsuperuser` (nor any superuser power) once the migration is
   * done: the workloads always, and the deployer on instances it does not migrate.
   */
  withoutSuperuser: readonly string[];
}

/**
 * The drift check (issue: what the migration applied can drift, and `ProvisionScript` never
 * re-reads it): one row per way the database differs from what the migration applies, none when it
 * is intact. It reads only the catalogs, so any role that may connect can run it. The migration
 * ends with it (MIGRATION_VERIFIED), the failover drill runs it on the new primary, and the on-call
 * runbook runs it (docs/audit-logging.md).
 */
export function migrationCheckSql(expect: MigrationExpectations): string {
  const fn = `to_regprocedure(${literal(`${CROSS_TENANT_FUNCTION}(text, text)`)})`;
  const checks = [
    ...(expect.extensions ?? ["pgaudit"]).map(
      (e) =>
        `SELECT 'the ${e} extension is not installed' WHERE NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = ${literal(e)})`,
    ),
    `SELECT 'the marker function ${CROSS_TENANT_FUNCTION}(text, text) is missing' WHERE ${fn} IS NULL`,
    `SELECT 'the marker function differs from the migration''s (' || concat_ws(', ', l.lanname, CASE WHEN p.prosecdef THEN 'SECURITY DEFINER' END, CASE WHEN p.proisstrict THEN 'STRICT' END, 'volatility ' || p.provolatile::text, array_to_string(p.proconfig, ' '), 'body ' || quote_literal(p.prosrc)) || ')'
       FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
      WHERE p.oid = ${fn}
        AND NOT (l.lanname = 'plpgsql' AND NOT p.prosecdef AND NOT p.proisstrict AND p.provolatile = 'v'
                 AND p.proconfig = ARRAY['search_path=pg_catalog, pg_temp'] AND p.prosrc = 'BEGIN END')`,
    `SELECT 'PUBLIC may not execute the marker function' WHERE ${fn} IS NOT NULL AND NOT has_function_privilege('public', ${fn}, 'EXECUTE')`,
    `SELECT 'PUBLIC holds ' || a.privilege_type || ' on database ${APPLICATION_DATABASE}'
       FROM pg_database d, aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a
      WHERE d.datname = ${literal(APPLICATION_DATABASE)} AND a.grantee = 0`,
    `SELECT 'PUBLIC may create objects in schema public' WHERE has_schema_privilege('public', 'public', 'CREATE')`,
  ];
  for (const { role, schema } of expect.workloads) {
    const r = literal(role);
    const s = literal(schema);
    const exists = `EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${r})`;
    checks.push(
      `SELECT 'workload role ' || ${r} || ' does not exist' WHERE NOT ${exists}`,
      `SELECT 'workload role ' || ${r} || ' may not connect to ${APPLICATION_DATABASE}' WHERE ${exists} AND NOT has_database_privilege(${r}, ${literal(APPLICATION_DATABASE)}, 'CONNECT')`,
      `SELECT 'schema ' || ${s} || ' does not exist' WHERE to_regnamespace(${literal(quoteIdent(schema))}) IS NULL`,
      `SELECT 'workload role ' || ${r} || ' may not use and create in schema ' || ${s} WHERE ${exists} AND to_regnamespace(${literal(quoteIdent(schema))}) IS NOT NULL AND NOT (has_schema_privilege(${r}, ${s}, 'USAGE') AND has_schema_privilege(${r}, ${s}, 'CREATE'))`,
      `SELECT 'workload role ' || ${r} || ' may create schemas or temporary tables in ${APPLICATION_DATABASE}' WHERE ${exists} AND (has_database_privilege(${r}, ${literal(APPLICATION_DATABASE)}, 'CREATE') OR has_database_privilege(${r}, ${literal(APPLICATION_DATABASE)}, 'TEMPORARY'))`,
    );
  }
  for (const role of new Set([...expect.workloads.map((w) => w.role), ...expect.withoutSuperuser])) {
    const r = literal(role);
    checks.push(
      `SELECT 'role ' || rolname || ' holds ' || concat_ws(', ', CASE WHEN rolsuper THEN 'SUPERUSER' END, CASE WHEN rolcreaterole THEN 'CREATEROLE' END, CASE WHEN rolcreatedb THEN 'CREATEDB' END, CASE WHEN rolbypassrls THEN 'BYPASSRLS' END, CASE WHEN rolreplication THEN 'REPLICATION' END)
         FROM pg_roles WHERE rolname = ${r} AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication)`,
      `SELECT 'role ' || ${r} || ' is a member of cloudsqlsuperuser'
        WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${r})
          AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsqlsuperuser')
          AND pg_has_role(${r}, 'cloudsqlsuperuser', 'MEMBER')`,
    );
  }
  return `SELECT problem FROM (\n${checks.join("\nUNION ALL\n")}\n) AS drift(problem) ORDER BY problem`;
}

/**
 * Ends a migration: fails it, naming every difference, unless the drift check finds none. Plain
 * SQL, no PL/pgSQL: pgAudit records a DO block (like a call of any function outside pg_catalog) in
 * its FUNCTION class with the statement's text, and the cross-tenant alert pages on a FUNCTION
 * record whose statement names the marker (crossTenantFilter) — a DO block in the migration would
 * page on every run (test/pgaudit.test.ts). The failure is a cast of the findings to an integer:
 * `invalid input syntax for type integer: "the migration did not leave the database as intended: …"`.
 */
export function verifiedSql(expect: MigrationExpectations): string {
  return `SELECT ('the migration did not leave the database as intended: ' || string_agg(problem, '; '))::integer
  FROM (${migrationCheckSql(expect)}) AS drift HAVING count(*) > 0;
`;
}

/**
 * How the script reaches the database. `data-api`: `executeSql`, plain SQL, as the role that has
 * always run it (the function's owner). `psql`: the cluster Job's client, whose `\if` lets the
 * marker be (re)created only by a role that may — its owner or a member of the owner's role — so a
 * function an earlier migrating role created (the deployer, before card-vault's migration moved
 * into the cluster) is left as it is and judged by the drift check, not failed on with "must be
 * owner". No DO block either way (verifiedSql says why).
 */
export type MigrationRunner = "data-api" | "psql";

const MARKER_PROCEDURE = literal(`${CROSS_TENANT_FUNCTION}(text, text)`);

/** pgAudit's extension and the marker function (TEN-02), as the runner can apply them. */
export function auditStep(runner: MigrationRunner): string {
  if (runner === "data-api") return AUDIT_MIGRATION;
  return `CREATE EXTENSION IF NOT EXISTS pgaudit;
SELECT to_regprocedure(${MARKER_PROCEDURE}) IS NULL
    OR pg_has_role((SELECT proowner FROM pg_proc WHERE oid = to_regprocedure(${MARKER_PROCEDURE})), 'USAGE') AS may_replace_marker \\gset
\\if :may_replace_marker
${MARKER_FUNCTION_SQL};
${MARKER_GRANT_SQL};
\\endif
`;
}

/**
 * The whole migration of one cluster's application database: pgAudit and the marker function
 * (TEN-02), the workloads' access, then the drift check, which fails the run on any difference.
 * Idempotent, so it runs again on every change of it.
 */
export function databaseMigrationScript(expect: MigrationExpectations, runner: MigrationRunner): string {
  return auditStep(runner) + workloadAccessSql(expect.workloads) + verifiedSql(expect);
}
