import { CROSS_TENANT_FUNCTION } from "../../components/lib/auditMigration";

/**
 * What a restore must bring back intact, checked the same way on a local server and, through the
 * Cloud SQL Data API, on a scratch instance: every tenant-tagged table (a `tenant_id` column) with
 * its row count and a checksum per tenant, the pgAudit extension, and the tenant guard's marker
 * function (TEN-02). Every value is text, as the Data API returns it.
 */
export interface TenantDigest {
  table: string;
  tenant: string;
  rows: number;
  /** md5 over the md5 of every row's text, in a fixed order: any changed, missing or extra row shows. */
  checksum: string;
}

export interface Integrity {
  digests: TenantDigest[];
  markerFunction: boolean;
  pgaudit: boolean;
}

/** The tables that carry a tenant id, in the public schema. */
export const TENANT_TABLES_SQL =
  "SELECT table_name::text AS name FROM information_schema.columns " +
  "WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name";

/** One table's digest per tenant; the name comes from the catalogue, quoted as an identifier. */
export function tableDigestSql(table: string): string {
  const ident = `"${table.replace(/"/g, '""')}"`;
  return (
    `SELECT '${table.replace(/'/g, "''")}' AS "table", tenant_id::text AS tenant, count(*)::text AS rows, ` +
    `md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) AS checksum ` +
    `FROM public.${ident} t GROUP BY tenant_id ORDER BY tenant_id`
  );
}

/** Whether the marker function and the pgAudit extension exist (the migration's two effects). */
export const MIGRATION_SQL =
  `SELECT (to_regprocedure('${CROSS_TENANT_FUNCTION}(text, text)') IS NOT NULL)::text AS marker, ` +
  "(EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgaudit'))::text AS pgaudit";

/** Reads the integrity of a database through any way of running one SQL statement. */
export async function readIntegrity(
  run: (sql: string) => Promise<Record<string, string>[]>,
): Promise<Integrity> {
  const tables = (await run(TENANT_TABLES_SQL)).map((r) => r.name);
  const digests: TenantDigest[] = [];
  for (const table of tables)
    for (const r of await run(tableDigestSql(table)))
      digests.push({ table: r.table, tenant: r.tenant, rows: Number(r.rows), checksum: r.checksum });
  const [migration] = await run(MIGRATION_SQL);
  return { digests, markerFunction: migration?.marker === "true", pgaudit: migration?.pgaudit === "true" };
}

/** Each difference between what was backed up and what came back, as a sentence; none is a pass. */
export function integrityDifferences(expected: Integrity, restored: Integrity): string[] {
  const key = (d: TenantDigest) => `${d.table}/${d.tenant}`;
  const got = new Map(restored.digests.map((d) => [key(d), d]));
  const out: string[] = [];
  for (const want of expected.digests) {
    const have = got.get(key(want));
    if (!have) out.push(`${key(want)}: missing (${want.rows} rows backed up)`);
    else if (have.rows !== want.rows) out.push(`${key(want)}: ${have.rows} rows, ${want.rows} backed up`);
    else if (have.checksum !== want.checksum)
      out.push(`${key(want)}: same ${have.rows} rows, different content`);
    got.delete(key(want));
  }
  for (const extra of got.values()) out.push(`${key(extra)}: ${extra.rows} rows that were not backed up`);
  if (!restored.markerFunction) out.push(`the marker function ${CROSS_TENANT_FUNCTION} is missing`);
  if (!restored.pgaudit) out.push("the pgaudit extension is missing");
  return out;
}
