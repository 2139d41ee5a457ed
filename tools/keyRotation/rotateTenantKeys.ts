import { RotationJournal } from "./journal";
import { CryptoKey, KmsClient, versionId } from "./kmsClient";
import { Pacer } from "./pacer";
import { RegionPlan, RotationPlan } from "./rotationPlan";

export interface RotationRun {
  plan: RotationPlan;
  client: KmsClient;
  journal: RotationJournal;
  /** Keys in flight per region; pacing, not this, holds the rate under quota. @default 16 */
  concurrency?: number;
  /** Length of "a minute" for pacing; tests and the benchmark compress time. @default 60000 */
  windowMs?: number;
  /** Called after each rotated key. */
  onKeyRotated?: (region: string, done: number, total: number) => void;
}

export interface RegionOutcome {
  region: string;
  /** Keys found in the ring (every one is rotated, registered tenant or not). */
  keys: number;
  rotatedNow: number;
  /** Already rotated since `startedAt` (an earlier, interrupted run of this rotation). */
  alreadyRotated: number;
  /** Keys the tenant registry expects but the ring lacks. */
  missing: string[];
  failed: { key: string; error: string }[];
}

export interface RotationOutcome {
  rotationId: string;
  startedAt: string;
  regions: RegionOutcome[];
  writes: number;
  throttled: number;
  /** Every key of every ring has a primary version created since `startedAt`, and none is missing. */
  complete: boolean;
}

/**
 * Rotates every key of the tenant KEK ring of each region: a new version, made primary. Regions
 * have separate quotas and run side by side. Safe to re-run with the same journal: keys whose
 * primary is newer than the rotation's start are skipped, and a version created but not yet
 * made primary is finished rather than duplicated. The result is verified by listing the rings again.
 */
export async function rotateTenantKeys(run: RotationRun): Promise<RotationOutcome> {
  const startedAt = new Date(run.journal.header.startedAt);
  const regions = await Promise.all(run.plan.regions.map((region) => rotateRegion(run, region, startedAt)));
  const complete = regions.every((r) => r.failed.length === 0 && r.missing.length === 0);
  run.journal.recordFinished(complete);
  return {
    rotationId: run.journal.header.rotationId,
    startedAt: run.journal.header.startedAt,
    regions,
    writes: run.client.writes,
    throttled: run.client.throttled,
    complete,
  };
}

/** Whether a key's primary version was created at or after `since`. */
export function rotatedSince(key: CryptoKey, since: Date): boolean {
  return key.primary !== undefined && new Date(key.primary.createTime) >= since;
}

async function rotateRegion(run: RotationRun, plan: RegionPlan, startedAt: Date): Promise<RegionOutcome> {
  const { client, journal } = run;
  const pacer = new Pacer(plan.pacedWritesPerMinute, run.windowMs);
  const pacing = { take: () => pacer.take(), throttled: () => pacer.slowDown() };
  const { cryptoKeys } = await client.listAllCryptoKeys(plan.ring);
  const present = new Set(cryptoKeys.map((k) => k.name));
  const missing = plan.expectedKeys.filter((k) => !present.has(k));
  const todo = cryptoKeys.filter((k) => !rotatedSince(k, startedAt)).map((k) => k.name);
  const failed: RegionOutcome["failed"] = [];
  let done = 0;

  const rotateKey = async (key: string): Promise<void> => {
    let version = journal.createdVersion(key);
    if (!version) {
      version = versionId(await client.createVersion(key, pacing));
      journal.recordCreated(key, version);
    }
    await client.updatePrimaryVersion(key, version, pacing);
    journal.recordPrimary(key, version);
    run.onKeyRotated?.(plan.region, ++done, todo.length);
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const key = todo[next++];
      try {
        await rotateKey(key);
      } catch (err) {
        failed.push({ key, error: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, run.concurrency ?? 16) }, worker));

  // Trust the service, not our bookkeeping: every key must now have a new primary.
  const after = await client.listAllCryptoKeys(plan.ring);
  const failedKeys = new Set(failed.map((f) => f.key));
  for (const key of after.cryptoKeys) {
    if (!rotatedSince(key, startedAt) && !failedKeys.has(key.name)) {
      failed.push({ key: key.name, error: `primary ${key.primary?.name ?? "(none)"} predates the rotation` });
    }
  }
  return {
    region: plan.region,
    keys: cryptoKeys.length,
    rotatedNow: todo.length - failedKeys.size,
    alreadyRotated: cryptoKeys.length - todo.length,
    missing,
    failed,
  };
}
