import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import type { DatabaseFlag } from "../../components/lib/postgresFlags";
import { Instance, LocalPostgres, PG_BIN } from "../../tools/drill/localPostgres";
import { freePort } from "../../tools/drill/wait";
import { LOG_LINE_PREFIX } from "./pgauditLog";

/** The pgAudit library tools/install-postgres.sh installs beside the server's own. */
export const PGAUDIT_LIBRARY = path.join(PG_BIN, "..", "lib", "pgaudit.so");

/**
 * postgresql.conf settings that do locally what Cloud SQL's flags do on an instance. Cloud SQL's
 * own `cloudsql.*` flags have no PostgreSQL setting: `enable_pgaudit` preloads the library, and
 * `iam_authentication` only changes how Cloud SQL checks logins, so it has no local meaning. Any
 * other `cloudsql.*` flag throws rather than being dropped unseen; every other flag is copied as is.
 */
export function postgresConf(flags: DatabaseFlag[]): Record<string, string> {
  const conf: Record<string, string> = {};
  const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
  for (const { name, value } of flags) {
    if (name === "cloudsql.enable_pgaudit") {
      if (value === "on") conf.shared_preload_libraries = quote("pgaudit");
    } else if (name === "cloudsql.iam_authentication") {
      continue;
    } else if (name.startsWith("cloudsql.")) {
      throw new Error(`no local equivalent of the Cloud SQL flag ${name}`);
    } else {
      conf[name] = quote(value);
    }
  }
  return conf;
}

export interface AuditedServer {
  instance: Instance;
  /** Everything the server logged, pgAudit's records included (stderr, as `pg_ctl -l` sends it). */
  readLog(): string;
  connect(user: string, database?: string): Promise<Client>;
}

/**
 * A fresh server configured with `flags` alone (plus where to listen and a log line prefix that
 * names each record's user and database), under `pg`'s work directory.
 */
export async function startAuditedServer(
  pg: LocalPostgres,
  name: string,
  flags: DatabaseFlag[],
): Promise<AuditedServer> {
  const instance: Instance = { name, dataDir: path.join(pg.workDir, name), port: await freePort() };
  pg.run("initdb", ["-U", "postgres", "--auth=trust", "-D", instance.dataDir]);
  pg.appendConfig(instance, {
    listen_addresses: "'127.0.0.1'",
    port: String(instance.port),
    unix_socket_directories: `'${pg.workDir}'`,
    log_line_prefix: `'${LOG_LINE_PREFIX}'`,
    ...postgresConf(flags),
  });
  pg.start(instance);
  // LocalPostgres.start hands pg_ctl this file as the server's log.
  const logFile = path.join(pg.workDir, `${name}.log`);
  return {
    instance,
    readLog: () => fs.readFileSync(logFile, "utf8"),
    connect: async (user, database = "postgres") => {
      const client = new Client({ host: "127.0.0.1", port: instance.port, user, database });
      await client.connect();
      return client;
    },
  };
}
