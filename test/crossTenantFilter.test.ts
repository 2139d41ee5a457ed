import { crossTenantFilter } from "../components/lib/logFilters";
import documented from "./fixtures/pgauditDataAccessEntry.json";
import { matchesFilter, parseFilter } from "./helpers/loggingFilter";

// The fixture is Google's sample pgAudit entry (https://cloud.google.com/alloydb/docs/pgaudit/view-audit-log)
// with Cloud SQL's method, type and resource (https://cloud.google.com/sql/docs/postgres/pg-audit),
// and ours: the guard's marker call on prod-ledger-us-east1, recorded by pgAudit's FUNCTION class.
const FILTER = crossTenantFilter("qp-prod-platform", "prod-ledger-us-east1");

type Entry = typeof documented;
const variant = (edit: (e: Entry) => void): Entry => {
  const copy = JSON.parse(JSON.stringify(documented)) as Entry;
  edit(copy);
  return copy;
};

describe("the cross-tenant filter (TEN-02) on pgAudit's Data Access entries", () => {
  test("reads the instance's Data Access log, PgAuditEntry requests, the marker function's FUNCTION records", () => {
    expect(FILTER).toBe(
      'resource.type="cloudsql_database" AND resource.labels.database_id="qp-prod-platform:prod-ledger-us-east1" AND ' +
        'logName="projects/qp-prod-platform/logs/cloudaudit.googleapis.com%2Fdata_access" AND ' +
        'protoPayload.request.@type="type.googleapis.com/google.cloud.sql.audit.v1.PgAuditEntry" AND ' +
        'protoPayload.request.auditClass="FUNCTION" AND ' +
        'protoPayload.request.statement:"qairopay_cross_tenant_denied"',
    );
  });

  test("matches the entry shaped as Google documents it", () => {
    expect(matchesFilter(FILTER, documented)).toBe(true);
  });

  test.each([
    [
      "the same record in the instance's postgres.log",
      variant((e) => (e.logName = "projects/qp-prod-platform/logs/cloudsql.googleapis.com%2Fpostgres.log")),
    ],
    [
      "the same record from another instance",
      variant((e) => (e.resource.labels.database_id = "qp-prod-platform:prod-ledger-us-central1")),
    ],
    [
      "a call of another function",
      variant((e) => {
        e.protoPayload.request.object = "public.qairopay_tenant_of";
        e.protoPayload.request.statement = "SELECT qairopay_tenant_of($1)";
      }),
    ],
    [
      "the READ record of the guard's SELECT (cardholder instances audit reads): the marker only in its statement",
      variant((e) => {
        const r = e.protoPayload.request as Partial<Entry["protoPayload"]["request"]>;
        [r.auditClass, r.command, r.substatementId] = ["READ", "SELECT", 1];
        delete r.object;
        delete r.objectType;
      }),
    ],
    [
      "the migration's CREATE FUNCTION record",
      variant((e) => {
        const r = e.protoPayload.request;
        [r.auditClass, r.command] = ["DDL", "CREATE FUNCTION"];
        r.object = "public.qairopay_cross_tenant_denied(pg_catalog.text,pg_catalog.text)";
        r.statement = "CREATE OR REPLACE FUNCTION public.qairopay_cross_tenant_denied(actor_tenant text, …";
      }),
    ],
  ])("does not match %s", (_what, entry) => {
    expect(matchesFilter(FILTER, entry)).toBe(false);
  });

  test("the former filter, on postgres.log text, never matched what Cloud SQL sends", () => {
    const former =
      'resource.type="cloudsql_database" AND resource.labels.database_id="qp-prod-platform:prod-ledger-us-east1" AND ' +
      'logName:"/logs/cloudsql.googleapis.com%2Fpostgres.log" AND textPayload:"qairopay_cross_tenant_denied"';
    expect(matchesFilter(former, documented)).toBe(false);
  });
});

describe("the query-language evaluator of the tests", () => {
  test("= is whole-value equality and : a substring, both ignoring case; a missing field matches nothing", () => {
    const entry = { a: { "@type": "Type.X" }, n: 3 };
    expect(
      [
        'a.@type="type.x"',
        'a.@type="type"',
        'a.@type:"PE.X"',
        'n="3"',
        'a.missing:""',
        'a.@type:"type" AND n="3"',
        'a.@type:"type" AND n="4"',
      ].map((f) => matchesFilter(f, entry)),
    ).toEqual([true, false, true, true, false, true, false]);
  });

  test("parses escaped quotes inside values", () => {
    expect(parseFilter('a.b="say \\"hi\\""')).toEqual([{ path: ["a", "b"], op: "=", value: 'say "hi"' }]);
  });

  test.each([
    ['a="b" OR c="d"', 'unsupported filter syntax at: "OR c=\\"d\\""'],
    ['NOT a="b"', 'unsupported filter syntax at: "NOT a=\\"b\\""'],
    ['(a="b")', 'unsupported filter syntax at: "(a=\\"b\\")"'],
    ['a=~"b.*"', 'unsupported filter syntax at: "a=~\\"b.*\\""'],
    ['a!="b"', 'unsupported filter syntax at: "a!=\\"b\\""'],
    ["a=b", 'unsupported filter syntax at: "a=b"'],
    ['a="b" and c="d"', 'unsupported filter syntax at: "and c=\\"d\\""'],
    ['a="b" AND', 'unsupported filter syntax at: "AND"'],
    ['"robot"', 'unsupported filter syntax at: "\\"robot\\""'],
  ])("refuses %s", (filter, message) => {
    expect(() => parseFilter(filter)).toThrow(message);
  });
});
