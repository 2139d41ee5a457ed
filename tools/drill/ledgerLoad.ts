import { Client } from "pg";
import { setTimeout as sleep } from "timers/promises";
import { connect, Instance } from "./localPostgres";

export const LEDGER_TABLE_SQL =
  "CREATE TABLE ledger_entries (id bigint PRIMARY KEY, tenant text NOT NULL, amount bigint NOT NULL, " +
  "written_at timestamptz NOT NULL DEFAULT clock_timestamp())";

/**
 * The application's writes during a drill: workers commit ledger entries one per transaction to
 * whichever instance is primary now, as the ledger does through its connection name. Ids are
 * chosen by the client, so afterwards every id is known to be acknowledged, in flight when
 * something failed, or never sent, and the data loss can be counted exactly.
 */
export class LedgerLoad {
  /** id → when its commit was acknowledged (performance.now() ms) and by which instance. */
  readonly acked = new Map<number, { at: number; by: string }>();
  /** Every id a worker tried to write. */
  readonly sent = new Set<number>();
  errors = 0;
  private inFlight = 0;
  private nextId = 1;
  private running = false;
  private paused = false;
  private workers: Promise<void>[] = [];

  constructor(
    private target: Instance,
    private readonly options: { workers?: number; ratePerSecond?: number } = {},
  ) {}

  start(): void {
    this.running = true;
    const workers = this.options.workers ?? 4;
    const intervalMs = (1000 * workers) / (this.options.ratePerSecond ?? 400);
    this.workers = Array.from({ length: workers }, () => this.work(intervalMs));
  }

  /** Points the workers at a new primary (what a connection-name or DNS change does for the app). */
  retarget(target: Instance): void {
    this.target = target;
  }

  /** Stops starting writes and waits for those in flight: afterwards every sent id is settled. */
  async pause(): Promise<void> {
    this.paused = true;
    while (this.inFlight > 0) await sleep(2);
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** When `instance` acknowledged its last commit (0 if never). */
  lastAckOn(instance: Instance): number {
    let last = 0;
    for (const { at, by } of this.acked.values()) if (by === instance.name && at > last) last = at;
    return last;
  }

  /** When `instance` first acknowledged a commit after `since`, if it has. */
  firstAckOn(instance: Instance, since: number): number | undefined {
    let first: number | undefined;
    for (const { at, by } of this.acked.values()) {
      if (by === instance.name && at > since && (first === undefined || at < first)) first = at;
    }
    return first;
  }

  private async work(intervalMs: number): Promise<void> {
    let client: Client | undefined;
    let connectedTo: Instance | undefined;
    const drop = async () => {
      await client?.end().catch(() => undefined);
      client = undefined;
    };
    while (this.running) {
      if (this.paused) {
        await sleep(5);
        continue;
      }
      const started = performance.now();
      this.inFlight++;
      try {
        if (!client || connectedTo !== this.target) {
          await drop();
          connectedTo = this.target;
          client = await connect(connectedTo);
        }
        const id = this.nextId++;
        this.sent.add(id);
        await client.query("INSERT INTO ledger_entries (id, tenant, amount) VALUES ($1, $2, $3)", [
          id,
          `tenant-${id % 5}`,
          id * 100,
        ]);
        this.acked.set(id, { at: performance.now(), by: connectedTo.name });
      } catch {
        this.errors++;
        await drop();
      } finally {
        this.inFlight--;
      }
      await sleep(Math.max(0, intervalMs - (performance.now() - started)));
    }
    await drop();
  }
}
