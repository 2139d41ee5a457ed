import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { setTimeout as sleep } from "timers/promises";
import { AUDIT_MIGRATION } from "../../components/lib/auditMigration";
import { APPLICATION_DATABASE } from "../../components/databaseMigration";
import { Integrity, integrityDifferences, readIntegrity } from "./integrity";
import { Instance, LocalPostgres, PG_BIN, PostgresSetupError, query } from "./localPostgres";
import { archiveCurrentWal, directorySize, succeeds } from "./restoreRehearsal";
import { freePort, waitFor } from "./wait";

/** The pgAudit library tools/install-postgres.sh installs beside the server's own. */
const PGAUDIT_LIBRARY = path.join(PG_BIN, "..", "lib", "pgaudit.so");
const MANIFEST = "SHA256SUMS";

export interface ImmutableRestoreOptions {
  /** The region the copy is kept in (the off-region bucket's), which names the servers. */
  region: string;
  /** The stack's tenants: the data is tagged with their ids. */
  tenants: string[];
  /** Restore and verification must be done within this. */
  rtoObjectiveSeconds: number;
  /** Writes before the backup, between backup and target, and after the target. @default 1000 */
  phaseMs?: number;
  /** Runs on the stored copy once it is written (tests tamper with it here). */
  afterStore?: (storeDir: string) => void;
}

export interface ImmutableRestoreReport {
  source: "immutable-copy";
  region: string;
  backupSeconds: number;
  backupBytes: number;
  /** Files in the stored copy: the base backup and the WAL up to the target. */
  storedFiles: number;
  /** Every stored file still has the SHA-256 recorded when it was written. */
  storeVerified: boolean;
  /** pg_verifybackup: the base backup matches its own manifest. */
  backupVerified: boolean;
  targetTime: string;
  restoreSeconds: number;
  tables: number;
  tenants: number;
  rows: number;
  /** What differs between the data at the target and what came back; empty when intact. */
  differences: string[];
  markerFunction: boolean;
  pgaudit: boolean;
  /** pg_checksums --check on the restored server: no page corrupt. */
  pageChecksumsVerified: boolean;
  rtoObjectiveSeconds: number;
  passed: boolean;
}

/**
 * The restore drill from the immutable copy (RES-11), on real PostgreSQL: an application database
 * with the platform's migration (pgAudit and the marker function) and tenant-tagged tables under a
 * write load; a base backup and the WAL up to a target moment written once to a store with a
 * SHA-256 manifest, as the locked bucket keeps Cloud SQL's exports (docs/backups.md); then a fresh
 * server restored from the store alone, and every tenant's rows and checksums compared with the data
 * as it was at the target. A store whose files changed is refused, never restored.
 */
export async function runImmutableRestore(
  pg: LocalPostgres,
  options: ImmutableRestoreOptions,
): Promise<ImmutableRestoreReport> {
  if (!fs.existsSync(PGAUDIT_LIBRARY))
    throw new PostgresSetupError(`no pgAudit at ${PGAUDIT_LIBRARY}: run tools/install-postgres.sh`);
  if (!options.tenants.length) throw new PostgresSetupError("no tenants to tag the data with");
  const phaseMs = options.phaseMs ?? 1000;
  const source = pg.initPrimary(`${options.region}-source`, await freePort());
  pg.appendConfig(source, { shared_preload_libraries: "'pgaudit'" });
  pg.stop(source);
  pg.start(source);
  await query(source, `CREATE DATABASE ${APPLICATION_DATABASE}`);
  const db = await appDatabase(source);
  const writer = new TenantWriter(db, options.tenants);
  const store = path.join(pg.workDir, "immutable-copy");
  try {
    await db.query(AUDIT_MIGRATION);
    await db.query(
      "CREATE TABLE tenant_accounts (id bigint PRIMARY KEY, tenant_id text NOT NULL, balance bigint NOT NULL);" +
        "CREATE TABLE ledger_entries (id bigint PRIMARY KEY, tenant_id text NOT NULL, amount bigint NOT NULL, " +
        "written_at timestamptz NOT NULL DEFAULT clock_timestamp())",
    );
    await db.query(
      "INSERT INTO tenant_accounts SELECT n, ($1::text[])[1 + n % cardinality($1::text[])], n * 100 FROM generate_series(1, 2000) n",
      [options.tenants],
    );
    writer.start();
    await sleep(phaseMs);
    const backupStart = performance.now();
    pg.run("pg_basebackup", [
      ...["-h", "127.0.0.1", "-p", String(source.port), "-U", "postgres"],
      ...["-D", path.join(store, "base"), "-X", "stream", "-c", "fast", "--manifest-checksums=SHA256"],
    ]);
    const backupSeconds = (performance.now() - backupStart) / 1000;
    await sleep(phaseMs);

    // The target falls in a pause of the writes: the data at it is read exactly, then writes go on.
    await writer.pause();
    const expected = await readIntegrity(async (sql) => (await db.query(sql)).rows);
    const [{ t }] = (await db.query("SELECT clock_timestamp()::text AS t")).rows as { t: string }[];
    await sleep(100);
    writer.resume();
    await sleep(phaseMs);
    await writer.stop();
    await archiveCurrentWal(source);
    writeStore(store, pg.archiveDir);
    options.afterStore?.(store);

    const restoreStart = performance.now();
    const tampered = verifyStore(store);
    const backupVerified = succeeds(() => pg.run("pg_verifybackup", [path.join(store, "base")]));
    let restored: Integrity = { digests: [], markerFunction: false, pgaudit: false };
    let pageChecksumsVerified = false;
    if (!tampered.length) {
      const instance = restoreFromStore(pg, store, `${options.region}-restored`, await freePort(), t);
      await waitFor(
        async () =>
          (await query<{ r: boolean }>(instance, "SELECT pg_is_in_recovery() AS r"))[0].r === false ||
          undefined,
        300_000,
        `${instance.name} to reach ${t} and promote`,
      );
      const client = await appDatabase(instance);
      try {
        restored = await readIntegrity(async (sql) => (await client.query(sql)).rows);
      } finally {
        await client.end();
      }
      pg.stop(instance);
      pageChecksumsVerified = succeeds(() => pg.run("pg_checksums", ["--check", "-D", instance.dataDir]));
    }
    const restoreSeconds = (performance.now() - restoreStart) / 1000;
    const differences = tampered.length
      ? [
          `the stored copy no longer matches its SHA-256 manifest (${tampered.join(", ")}): refused, not restored`,
        ]
      : integrityDifferences(expected, restored);
    const measured = {
      source: "immutable-copy" as const,
      region: options.region,
      backupSeconds,
      backupBytes: directorySize(path.join(store, "base")),
      storedFiles: storedFiles(store).length,
      storeVerified: !tampered.length,
      backupVerified,
      targetTime: t,
      restoreSeconds,
      tables: new Set(expected.digests.map((d) => d.table)).size,
      tenants: new Set(expected.digests.map((d) => d.tenant)).size,
      rows: expected.digests.reduce((n, d) => n + d.rows, 0),
      differences,
      markerFunction: restored.markerFunction,
      pgaudit: restored.pgaudit,
      pageChecksumsVerified,
      rtoObjectiveSeconds: options.rtoObjectiveSeconds,
    };
    return { ...measured, passed: immutableRestorePassed(measured) };
  } finally {
    await writer.stop();
    await db.end().catch(() => undefined);
    // Read-only for the drill's duration; writable again so the work directory can be removed.
    if (fs.existsSync(store)) setMode(store, 0o755, 0o644);
  }
}

/** Copy verified and restored intact, every page checksum good, within the objective. */
export function immutableRestorePassed(r: Omit<ImmutableRestoreReport, "passed">): boolean {
  return (
    r.storeVerified &&
    r.backupVerified &&
    r.pageChecksumsVerified &&
    r.differences.length === 0 &&
    r.rows > 0 &&
    r.markerFunction &&
    r.pgaudit &&
    r.restoreSeconds <= r.rtoObjectiveSeconds
  );
}

async function appDatabase(instance: Instance): Promise<Client> {
  const client = new Client({
    host: "127.0.0.1",
    port: instance.port,
    user: "postgres",
    database: APPLICATION_DATABASE,
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** Every file of the store, relative to it, the manifest excepted. */
function storedFiles(store: string): string[] {
  return fs
    .readdirSync(store, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name !== MANIFEST)
    .map((e) => path.relative(store, path.join(e.parentPath, e.name)))
    .sort();
}

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Adds the archived WAL to the base backup, writes the manifest, and makes it all read-only. */
function writeStore(store: string, archive: string): void {
  fs.mkdirSync(path.join(store, "wal"), { recursive: true });
  for (const segment of fs.readdirSync(archive))
    fs.copyFileSync(path.join(archive, segment), path.join(store, "wal", segment));
  const lines = storedFiles(store).map((f) => `${sha256(path.join(store, f))}  ${f}`);
  fs.writeFileSync(path.join(store, MANIFEST), lines.join("\n") + "\n");
  setMode(store, 0o555, 0o444);
}

/** The files whose content no longer matches the manifest, or that it does not list, or that are gone. */
function verifyStore(store: string): string[] {
  const listed = new Map(
    fs
      .readFileSync(path.join(store, MANIFEST), "utf8")
      .trim()
      .split("\n")
      .map((l) => [l.slice(66), l.slice(0, 64)] as const),
  );
  const present = storedFiles(store);
  const bad = present.filter((f) => listed.get(f) !== sha256(path.join(store, f)));
  return [...bad, ...[...listed.keys()].filter((f) => !present.includes(f))];
}

function setMode(dir: string, dirMode: number, fileMode: number): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
    fs.chmodSync(path.join(e.parentPath, e.name), e.isDirectory() ? dirMode : fileMode);
  fs.chmodSync(dir, dirMode);
}

/** A fresh server from the store's base backup, recovering from the store's WAL up to `targetTime`. */
function restoreFromStore(
  pg: LocalPostgres,
  store: string,
  name: string,
  port: number,
  targetTime: string,
): Instance {
  const instance = { name, dataDir: path.join(pg.workDir, name), port };
  fs.cpSync(path.join(store, "base"), instance.dataDir, { recursive: true });
  setMode(instance.dataDir, 0o700, 0o600);
  pg.chownToServer(instance.dataDir);
  fs.writeFileSync(path.join(instance.dataDir, "recovery.signal"), "");
  pg.appendConfig(instance, {
    port: String(port),
    archive_mode: "off",
    // The stored segments are read-only; the server needs its copies writable.
    restore_command: `'cp --no-preserve=mode ${path.join(store, "wal")}/%f %p'`,
    recovery_target_time: `'${targetTime}'`,
    recovery_target_action: "'promote'",
  });
  pg.start(instance);
  return instance;
}

/** Ledger entries for every tenant in turn, one per transaction, while the drill runs. */
class TenantWriter {
  private running = false;
  private paused = false;
  private inFlight = false;
  private loop?: Promise<void>;
  private nextId = 1;

  constructor(
    private readonly db: Client,
    private readonly tenants: string[],
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        if (!this.paused) {
          this.inFlight = true;
          const id = this.nextId++;
          await this.db
            .query("INSERT INTO ledger_entries (id, tenant_id, amount) VALUES ($1, $2, $3)", [
              id,
              this.tenants[id % this.tenants.length],
              id * 7,
            ])
            .catch(() => undefined);
          this.inFlight = false;
        }
        await sleep(2);
      }
    })();
  }

  async pause(): Promise<void> {
    this.paused = true;
    while (this.inFlight) await sleep(1);
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
