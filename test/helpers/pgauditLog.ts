/**
 * pgAudit records read from a local server's log, and the Data Access log entry Cloud SQL makes of
 * each. A record is `AUDIT: ` and CSV fields "AUDIT_TYPE, STATEMENT_ID, SUBSTATEMENT_ID, CLASS,
 * COMMAND, OBJECT_TYPE, OBJECT_NAME, STATEMENT, PARAMETER" (https://github.com/pgaudit/pgaudit,
 * "Format"); the server's log line prefix must be LOG_LINE_PREFIX.
 */

/** `%u@%d` gives each record's user and database, which Cloud SQL's entry carries. */
export const LOG_LINE_PREFIX = "%m [%p] %q%u@%d ";

export interface PgAuditRecord {
  pid: number;
  user: string;
  database: string;
  auditType: string;
  statementId: number;
  substatementId: number;
  auditClass: string;
  command: string;
  objectType: string;
  object: string;
  statement: string;
  parameter: string;
}

const RECORD = /^\S+ \S+ \S+ \[(\d+)\] (\S*)@(\S*) LOG: {2}AUDIT: ([\s\S]*)$/;

/** Splits one CSV row (RFC 4180 quoting: `"a, ""b"""`); fields may span lines. */
export function parseCsvRow(row: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (row[i] === '"') {
      for (i++; ; i++) {
        if (i >= row.length) throw new Error(`unterminated quoted field in ${JSON.stringify(row)}`);
        if (row[i] === '"' && row[i + 1] === '"') field += row[i++];
        else if (row[i] === '"') break;
        else field += row[i];
      }
      i++;
    } else {
      while (i < row.length && row[i] !== ",") field += row[i++];
    }
    fields.push(field);
    if (i >= row.length) return fields;
    if (row[i] !== ",") throw new Error(`stray character after a quoted field in ${JSON.stringify(row)}`);
    i++;
  }
}

/** Every pgAudit record of a server log. The server continues a multi-line message with a tab. */
export function pgauditRecords(serverLog: string): PgAuditRecord[] {
  const messages: string[] = [];
  for (const line of serverLog.split("\n")) {
    if (line.startsWith("\t") && messages.length) messages[messages.length - 1] += "\n" + line.slice(1);
    else messages.push(line);
  }
  return messages.flatMap((message) => {
    const m = RECORD.exec(message);
    if (!m) return [];
    const fields = parseCsvRow(m[4]);
    if (fields.length !== 9) throw new Error(`pgAudit record with ${fields.length} fields: ${message}`);
    const [
      auditType,
      statementId,
      substatementId,
      auditClass,
      command,
      objectType,
      object,
      statement,
      parameter,
    ] = fields;
    return [
      {
        pid: Number(m[1]),
        user: m[2],
        database: m[3],
        auditType,
        statementId: Number(statementId),
        substatementId: Number(substatementId),
        auditClass,
        command,
        objectType,
        object,
        statement,
        parameter,
      },
    ];
  });
}

/**
 * The entry Cloud SQL writes for a record, shaped as Google's sample pgAudit entry
 * (https://cloud.google.com/alloydb/docs/pgaudit/view-audit-log, with Cloud SQL's method, type
 * and resource: https://cloud.google.com/sql/docs/postgres/pg-audit). Whole records only (one
 * chunk); the backend's pid stands in for databaseSessionId.
 */
export function dataAccessEntry(record: PgAuditRecord, project: string, instance: string) {
  const placeholder = (p: string) => p.replace(/^<(not logged|none)>$/, "[$1]");
  return {
    logName: `projects/${project}/logs/cloudaudit.googleapis.com%2Fdata_access`,
    resource: {
      type: "cloudsql_database",
      labels: { database_id: `${project}:${instance}`, project_id: project },
    },
    protoPayload: {
      "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
      methodName: "cloudsql.instances.query",
      request: {
        "@type": "type.googleapis.com/google.cloud.sql.audit.v1.PgAuditEntry",
        auditClass: record.auditClass,
        auditType: record.auditType,
        chunkCount: "1",
        chunkIndex: "1",
        command: record.command,
        database: record.database,
        databaseSessionId: record.pid,
        ...(record.object ? { object: record.object } : {}),
        ...(record.objectType ? { objectType: record.objectType } : {}),
        parameter: placeholder(record.parameter),
        statement: record.statement,
        statementId: record.statementId,
        substatementId: record.substatementId,
        user: record.user,
      },
    },
  };
}
