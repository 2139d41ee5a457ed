import * as fs from "fs";
import { Client } from "pg";
import { AUDIT_MIGRATION, CROSS_TENANT_FUNCTION } from "../components/lib/auditMigration";
import { APPLICATION_DATABASE, databaseMigrationScript } from "../components/lib/databaseAccess";
import { crossTenantFilter } from "../components/lib/logFilters";
import { postgresFlags } from "../components/lib/postgresFlags";
import { LocalPostgres } from "../tools/drill/localPostgres";
import { AuditedServer, PGAUDIT_LIBRARY, postgresConf, startAuditedServer } from "./helpers/auditedPostgres";
import { matchesFilter } from "./helpers/loggingFilter";
import { dataAccessEntry, parseCsvRow, pgauditRecords } from "./helpers/pgauditLog";

// Real PostgreSQL 15 with pgAudit (tools/install-postgres.sh, npm test's pretest), one server per
// data class, configured with exactly the flags the platform gives that class's Cloud SQL
// instances. Locally pgAudit writes to the server log, as does everything else the server logs, so
// "no PAN in any log" is checked on that whole file (on Cloud SQL the records go to the Data Access
// log and the rest to postgres.log).
jest.setTimeout(60_000);

// Luhn-valid test card numbers. PAN and PAN2 are only ever bound as parameters; each failing case
// below leaks its own number on purpose.
const PAN = "4111111111111111";
const PAN2 = "5555555555554444";
const LITERAL_PAN = "4000056655665556";
const BOUND_TO_INTEGER_PAN = "4242424242424242";
const DETAIL_PAN = "5105105105105100";
const PARAMETER_PAN = "378282246310005";
const LEAKED_ON_PURPOSE = [LITERAL_PAN, BOUND_TO_INTEGER_PAN, DETAIL_PAN, PARAMETER_PAN];

const CLASSES = {
  tenant: { project: "qp-prod-platform", instance: "prod-ledger-us-east1" },
  cardholder: { project: "qp-prod-cde", instance: "prod-card-vault-us-east1" },
} as const;
type Class = keyof typeof CLASSES;

/** The Luhn check that every PAN passes. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((d, i) => {
    const n = Number(d) * (i % 2 ? 2 : 1);
    sum += n > 9 ? n - 9 : n;
  });
  return sum % 10 === 0;
}
/** Every run of 13 to 19 digits that passes the Luhn check: anything that could be a PAN. */
const panLike = (text: string) => [...new Set(text.match(/(?<!\d)\d{13,19}(?!\d)/g) ?? [])].filter(luhnValid);

const INSERT = "INSERT INTO cards (id, pan, holder, expiry_month) VALUES ($1, $2, $3, $4)";

let pg: LocalPostgres | undefined;
const servers = {} as Record<Class, AuditedServer>;

/** Runs `work` on a fresh connection, closed afterwards. */
async function as<T>(server: AuditedServer, user: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = await server.connect(user, "app");
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a statement fails with. */
async function sqlState(client: Client, sql: string, values: unknown[]): Promise<string> {
  try {
    await client.query(sql, values);
  } catch (err) {
    return (err as { code: string }).code;
  }
  throw new Error(`${sql} did not fail`);
}

beforeAll(async () => {
  if (!fs.existsSync(PGAUDIT_LIBRARY)) {
    throw new Error(`${PGAUDIT_LIBRARY} is missing: run bash tools/install-postgres.sh`);
  }
  pg = new LocalPostgres();
  for (const dataClass of Object.keys(CLASSES) as Class[]) {
    const server = await startAuditedServer(pg, dataClass, postgresFlags(dataClass));
    const postgres = await server.connect("postgres");
    await postgres.query("CREATE DATABASE app");
    await postgres.query("CREATE ROLE app LOGIN NOSUPERUSER");
    await postgres.end();
    await as(server, "postgres", (c) =>
      c.query(`CREATE TABLE cards (
        id int PRIMARY KEY,
        pan text NOT NULL UNIQUE,
        holder varchar(12) NOT NULL,
        expiry_month int CHECK (expiry_month BETWEEN 1 AND 12)
      );
      GRANT SELECT, INSERT, UPDATE ON cards TO app;`),
    );
    servers[dataClass] = server;
  }
});

afterAll(() => pg?.cleanUp());

describe("the Cloud SQL flags as postgresql.conf", () => {
  test("cardholder: pgAudit preloaded, IAM authentication dropped, every other flag as is", () => {
    expect(postgresConf(postgresFlags("cardholder"))).toEqual({
      shared_preload_libraries: "'pgaudit'",
      "pgaudit.log_parameter": "'off'",
      log_connections: "'on'",
      log_disconnections: "'on'",
      log_lock_waits: "'on'",
      log_checkpoints: "'on'",
      log_temp_files: "'0'",
      log_min_error_statement: "'error'",
      log_min_messages: "'warning'",
      log_error_verbosity: "'terse'",
      "pgaudit.log": "'all'",
      "pgaudit.log_catalog": "'off'",
      "pgaudit.log_relation": "'on'",
    });
  });

  test("a Cloud SQL flag without a local meaning is refused, not dropped", () => {
    expect(() => postgresConf([{ name: "cloudsql.enable_pg_cron", value: "on" }])).toThrow(
      "no local equivalent of the Cloud SQL flag cloudsql.enable_pg_cron",
    );
  });
});

describe("parsing pgAudit's CSV", () => {
  test("quoted fields keep commas, doubled quotes and line breaks; empty fields stay", () => {
    expect(parseCsvRow('SESSION,1,2,DDL,,,"a, ""b""\nc",<not logged>')).toEqual([
      "SESSION",
      "1",
      "2",
      "DDL",
      "",
      "",
      'a, "b"\nc',
      "<not logged>",
    ]);
  });

  test.each([
    ['SESSION,"unterminated', 'unterminated quoted field in "SESSION,\\"unterminated"'],
    ['"quoted"x,1', 'stray character after a quoted field in "\\"quoted\\"x,1"'],
  ])("refuses %s", (row, message) => {
    expect(() => parseCsvRow(row)).toThrow(message);
  });

  test("a record of other than pgAudit's nine fields is refused", () => {
    expect(() =>
      pgauditRecords("2026-01-01 00:00:00.000 UTC [7] app@app LOG:  AUDIT: SESSION,1,1,READ"),
    ).toThrow("pgAudit record with 4 fields");
  });

  test("the test's PAN detector knows the cards", () => {
    expect(panLike(`${PAN} 4111111111111112 ${PARAMETER_PAN} 12345678901234 x${PAN2}y`)).toEqual([
      PAN,
      PARAMETER_PAN,
      PAN2,
    ]);
  });
});

describe.each(Object.keys(CLASSES) as Class[])(
  "%s instance, with the platform's exact flags",
  (dataClass) => {
    const { project, instance } = CLASSES[dataClass];
    /** An INSERT's pgAudit record from its class on; log_relation names the table on cardholder instances. */
    const writeRecord = (statementAndParameter: string) =>
      `WRITE,INSERT,${dataClass === "cardholder" ? "TABLE,public.cards" : ","},${statementAndParameter}`;

    test("the whole migration (audit, workloads' access, drift check) is audited and never pages: no record of it matches the cross-tenant filter", async () => {
      const server = servers[dataClass];
      await as(server, "postgres", async (c) => {
        await c.query(`CREATE ROLE "${dataClass}-workload@qp-prod.iam" LOGIN`);
        await c.query(`CREATE DATABASE ${APPLICATION_DATABASE}`);
      });
      const from = server.readLog().length;
      const client = await server.connect("postgres", APPLICATION_DATABASE);
      try {
        const script = databaseMigrationScript(
          {
            workloads: [{ role: `${dataClass}-workload@qp-prod.iam`, schema: "app_data" }],
            withoutSuperuser: [],
          },
          "data-api",
        );
        await client.query(script);
        await client.query(script);
      } finally {
        await client.end();
      }
      const records = pgauditRecords(server.readLog().slice(from));
      const classes = new Set(records.map((r) => r.auditClass));
      // Grants are ROLE records, the extension, function and schema DDL; no FUNCTION record at all
      // (a DO block would be one, carrying the marker's name in its statement, and would page).
      expect(classes).toEqual(new Set(["ROLE", "DDL"]));
      const entries = records.map((r) => dataAccessEntry(r, project, instance));
      expect(entries.filter((e) => matchesFilter(crossTenantFilter(project, instance), e))).toEqual([]);
    });

    test("TEN-02: the migration applies twice; the guard's call as an application role is a FUNCTION record the cross-tenant filter matches, and nothing else is", async () => {
      const server = servers[dataClass];
      const from = server.readLog().length;
      await as(server, "postgres", async (c) => {
        await c.query(AUDIT_MIGRATION);
        await c.query(AUDIT_MIGRATION);
        const fn = await c.query(
          `SELECT l.lanname, p.prosecdef, p.provolatile, p.proisstrict, p.proconfig,
                has_function_privilege('app', p.oid, 'EXECUTE') AS app_may_call
           FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
          WHERE p.oid = '${CROSS_TENANT_FUNCTION}(text, text)'::regprocedure`,
        );
        expect(fn.rows).toEqual([
          {
            lanname: "plpgsql",
            prosecdef: false,
            provolatile: "v",
            proisstrict: false,
            proconfig: ["search_path=pg_catalog, pg_temp"],
            app_may_call: true,
          },
        ]);
        expect((await c.query("SELECT extname FROM pg_extension WHERE extname = 'pgaudit'")).rowCount).toBe(
          1,
        );
      });
      await as(server, "app", (c) =>
        c.query("SELECT qairopay_cross_tenant_denied($1, $2)", ["acme-payments", "globex-retail"]),
      );

      const log = server.readLog().slice(from);
      const records = pgauditRecords(log);
      const entries = records.map((r) => dataAccessEntry(r, project, instance));
      const matched = entries.filter((e) => matchesFilter(crossTenantFilter(project, instance), e));
      expect(matched.map((e) => e.protoPayload.request)).toEqual([
        {
          "@type": "type.googleapis.com/google.cloud.sql.audit.v1.PgAuditEntry",
          auditClass: "FUNCTION",
          auditType: "SESSION",
          chunkCount: "1",
          chunkIndex: "1",
          command: "EXECUTE",
          database: "app",
          databaseSessionId: expect.any(Number),
          object: "public.qairopay_cross_tenant_denied",
          objectType: "FUNCTION",
          parameter: "[not logged]",
          statement: "SELECT qairopay_cross_tenant_denied($1, $2)",
          statementId: 1,
          // Numbered among the records logged: after the READ one where reads are audited.
          substatementId: dataClass === "cardholder" ? 2 : 1,
          user: "app",
        },
      ]);
      // What the filter leaves out is there: the migration's own records name the marker too, and
      // cardholder instances also record the guard's SELECT as a READ.
      const described = (user: string) =>
        records.filter((r) => r.user === user).map((r) => `${r.auditClass} ${r.command}`);
      // (Without its READ records: on cardholder instances those of the pg_proc check above.)
      expect(described("postgres").filter((r) => !r.startsWith("READ"))).toEqual(
        Array(2).fill(["DDL CREATE EXTENSION", "DDL CREATE FUNCTION", "ROLE GRANT"]).flat(),
      );
      expect(described("app")).toEqual([
        ...(dataClass === "cardholder" ? ["READ SELECT"] : []),
        "FUNCTION EXECUTE",
      ]);
      expect(entries.filter((e) => matchesFilter(crossTenantFilter(project, "other-instance"), e))).toEqual(
        [],
      );
      // Parameters are never logged: the alert names the database user and session, not the tenants.
      expect(log).not.toContain("acme-payments");
    });

    test("LOG-08: a PAN bound as a parameter reaches no log, through writes, reads and failing statements", async () => {
      const server = servers[dataClass];
      await as(server, "app", async (c) => {
        await c.query(INSERT, [1, PAN, "A HOLDER", 12]);
        expect((await c.query("SELECT id FROM cards WHERE pan = $1", [PAN])).rows).toEqual([{ id: 1 }]);
        expect((await c.query("UPDATE cards SET pan = $1 WHERE pan = $2", [PAN2, PAN])).rowCount).toBe(1);
        expect((await c.query("UPDATE cards SET pan = $1 WHERE pan = $2", [PAN, PAN2])).rowCount).toBe(1);
        expect([
          await sqlState(c, INSERT, [2, PAN, "DUPLICATE", 1]),
          await sqlState(c, INSERT, [3, PAN2, "CHECK", 13]),
          await sqlState(c, INSERT, [4, PAN2, null, 1]),
          await sqlState(c, INSERT, [5, PAN2, PAN2, 1]),
          await sqlState(c, "SELECT id FROM cards WHERE id = $1::text", [PAN2]),
        ]).toEqual(["23505", "23514", "23502", "22001", "42883"]);
      });

      const log = server.readLog();
      // The failing statements were logged, without what DETAIL would have quoted.
      for (const error of [
        'duplicate key value violates unique constraint "cards_pan_key"',
        'new row for relation "cards" violates check constraint "cards_expiry_month_check"',
        'null value in column "holder" of relation "cards" violates not-null constraint',
        "value too long for type character varying(12)",
        "operator does not exist: integer = text",
      ]) {
        expect(log).toContain(`ERROR:  ${error}`);
      }
      expect(log).not.toMatch(/ DETAIL: /);
      expect(log).toContain(writeRecord(`"${INSERT}",<not logged>`));
      expect([log.includes(PAN), log.includes(PAN2)]).toEqual([false, false]);
      expect(panLike(log).filter((p) => !LEAKED_ON_PURPOSE.includes(p))).toEqual([]);
    });

    test(
      dataClass === "cardholder"
        ? "PCI DSS 10.2.1.1: every read of the card table is audited, naming the table"
        : "reads are not audited on tenant data",
      async () => {
        const server = servers[dataClass];
        const from = server.readLog().length;
        await as(server, "app", (c) => c.query("SELECT holder FROM cards WHERE pan = $1", [PAN]));
        const reads = pgauditRecords(server.readLog().slice(from)).filter((r) => r.auditClass === "READ");
        expect(
          reads.map((r) => [r.user, r.command, r.objectType, r.object, r.statement, r.parameter]),
        ).toEqual(
          dataClass === "cardholder"
            ? [
                [
                  "app",
                  "SELECT",
                  "TABLE",
                  "public.cards",
                  "SELECT holder FROM cards WHERE pan = $1",
                  "<not logged>",
                ],
              ]
            : [],
        );
      },
    );

    describe("what LOG-08 depends on: each of these puts a PAN in the log", () => {
      test("the application writing a PAN as a literal: pgAudit logs the statement text", async () => {
        const server = servers[dataClass];
        await as(server, "app", (c) =>
          c.query(
            `INSERT INTO cards (id, pan, holder, expiry_month) VALUES (10, '${LITERAL_PAN}', 'LITERAL', 1)`,
          ),
        );
        expect(server.readLog()).toContain(
          writeRecord(
            `"INSERT INTO cards (id, pan, holder, expiry_month) VALUES (10, '${LITERAL_PAN}', 'LITERAL', 1)"`,
          ),
        );
      });

      test("the application binding a PAN to a non-text parameter: the ERROR message itself quotes it, whatever the flags", async () => {
        const server = servers[dataClass];
        await as(server, "app", async (c) =>
          expect(await sqlState(c, "SELECT id FROM cards WHERE id = $1", [BOUND_TO_INTEGER_PAN])).toBe(
            "22003",
          ),
        );
        expect(server.readLog()).toContain(
          `ERROR:  value "${BOUND_TO_INTEGER_PAN}" is out of range for type integer`,
        );
      });

      test("log_error_verbosity at its default: the duplicate key's DETAIL quotes the PAN", async () => {
        const server = servers[dataClass];
        await as(server, "postgres", async (c) => {
          await c.query("SET log_error_verbosity = 'default'");
          await c.query(INSERT, [20, DETAIL_PAN, "DETAIL", 1]);
          expect(await sqlState(c, INSERT, [21, DETAIL_PAN, "DETAIL", 1])).toBe("23505");
        });
        expect(server.readLog()).toContain(`DETAIL:  Key (pan)=(${DETAIL_PAN}) already exists.`);
      });

      test("pgaudit.log_parameter on: the audit record lists the bound PAN", async () => {
        const server = servers[dataClass];
        await as(server, "postgres", async (c) => {
          await c.query("SET pgaudit.log_parameter = on");
          await c.query(INSERT, [30, PARAMETER_PAN, "PARAMETER", 1]);
        });
        expect(server.readLog()).toContain(writeRecord(`"${INSERT}","30,${PARAMETER_PAN},PARAMETER,1"`));
      });
    });
  },
);
