import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import {
  APPLICATION_DATABASE,
  databaseMigrationScript,
  migrationCheckSql,
  MigrationExpectations,
  quoteIdent,
  workloadSchema,
} from "../../components/lib/databaseAccess";
import { Instance, PostgresSetupError } from "./localPostgres";

/**
 * The ledger's database side as the drill plays it: Cloud SQL's IAM users are PostgreSQL roles
 * named after their accounts; the migrating role is a cloudsqlsuperuser member (the role Cloud SQL
 * makes, NOLOGIN, CREATEROLE, CREATEDB); the application database belongs to cloudsqlsuperuser.
 */
export const DRILL_WORKLOAD = { role: "ledger-workload@drill.iam", schema: workloadSchema("ledger") };
export const DRILL_MIGRATOR = "ledger-migrator@drill.iam";
export const DRILL_EXPECTATIONS: MigrationExpectations = {
  workloads: [DRILL_WORKLOAD],
  withoutSuperuser: [],
};

/** What the drill proves of the database side on the new primary. */
export interface DatabaseAccessReport {
  /** The workload's role signed in to the application database and read and wrote its schema. */
  workloadWorks: boolean;
  /** The drift check's findings (docs/database-migration.md): none when the migration is intact. */
  drift: string[];
}

/** pgAudit beside the server (tools/install-postgres.sh): the migration creates its extension. */
export function pgauditSettings(binDir: string): Record<string, string> {
  const library = path.join(binDir, "..", "lib", "pgaudit.so");
  if (!fs.existsSync(library))
    throw new PostgresSetupError(
      `no pgAudit in ${path.dirname(library)} (run bash tools/install-postgres.sh)`,
    );
  return { shared_preload_libraries: "'pgaudit'" };
}

async function on<T>(
  instance: Instance,
  user: string,
  database: string,
  work: (c: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ host: "127.0.0.1", port: instance.port, user, database });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * On the primary: what Cloud SQL's Admin API does (roles, database, pgAudit's extension, which
 * locally only a superuser may create), then the migration as the migrating role. The replica gets
 * it all by replication, as Cloud SQL's DR replica does.
 */
export async function migrateDatabase(primary: Instance): Promise<void> {
  await on(primary, "postgres", "postgres", async (c) => {
    await c.query("CREATE ROLE cloudsqlsuperuser NOLOGIN CREATEROLE CREATEDB");
    await c.query(`CREATE ROLE ${quoteIdent(DRILL_MIGRATOR)} LOGIN IN ROLE cloudsqlsuperuser`);
    await c.query(`CREATE ROLE ${quoteIdent(DRILL_WORKLOAD.role)} LOGIN`);
    await c.query(`CREATE DATABASE ${APPLICATION_DATABASE} OWNER cloudsqlsuperuser`);
  });
  await on(primary, "postgres", APPLICATION_DATABASE, (c) => c.query("CREATE EXTENSION pgaudit"));
  await on(primary, DRILL_MIGRATOR, APPLICATION_DATABASE, (c) =>
    c.query(databaseMigrationScript(DRILL_EXPECTATIONS, "data-api")),
  );
}

/** On the new primary: the workload signs in and works; the drift check finds nothing. */
export async function checkDatabaseAccess(primary: Instance): Promise<DatabaseAccessReport> {
  let workloadWorks = false;
  try {
    workloadWorks = await on(primary, DRILL_WORKLOAD.role, APPLICATION_DATABASE, async (c) => {
      const table = `${quoteIdent(DRILL_WORKLOAD.schema)}.drill_probe`;
      await c.query(`CREATE TABLE IF NOT EXISTS ${table} (at timestamptz NOT NULL)`);
      await c.query(`INSERT INTO ${table} VALUES (now())`);
      return (await c.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n > 0;
    });
  } catch {
    workloadWorks = false;
  }
  const drift = await on(primary, "postgres", APPLICATION_DATABASE, async (c) =>
    (await c.query(migrationCheckSql(DRILL_EXPECTATIONS))).rows.map((r) => r.problem as string),
  );
  return { workloadWorks, drift };
}
