import { KEY_RINGS, KeyRingClass, tenantKekName } from "../../catalogue/keys";
import { EMERGENCY_ROTATION, plannedWriteQuota } from "../../components/kmsWriteQuota";
import { Region } from "../../vocabulary/regions";
import { PlatformConfig } from "../../platform/config/types";

const TENANT_KEK_RING: KeyRingClass = "tenant-kek";
/** The ring's id in Cloud KMS (KeyHierarchy names rings by class). */
export const TENANT_KEK_RING_ID = TENANT_KEK_RING;

/** The tenant KEK ring of a region, as the Cloud KMS API names it (KeyHierarchy names rings by class). */
export function tenantKekRing(project: string, region: Region): string {
  return `projects/${project}/locations/${region}/keyRings/${TENANT_KEK_RING}`;
}

/** The project of a key ring's name (`projects/<project>/locations/…`). */
export function projectOfRing(ring: string): string {
  return ring.split("/")[1];
}

export interface RegionPlan {
  region: Region;
  ring: string;
  /** Full KMS names of the keys the tenant registry says exist. */
  expectedKeys: string[];
  writes: number;
  /** Writes per minute the run paces itself to (quota × utilisation). */
  pacedWritesPerMinute: number;
  projectedMinutes: number;
}

/** The keys of one tenant-key shard stack (tenantKeys/shards.ts), across the regions. */
export interface ShardKeys {
  stack: string;
  tenants: number;
  keys: number;
}

export interface RotationPlan {
  stack: string;
  /** The shard stacks the keys belong to, by the ledger: the rotation lists the rings, so it also reaches keys no shard declares. */
  shards: ShardKeys[];
  project: string;
  budgetMinutes: number;
  writeQuotaPerMinute: number;
  utilisation: number;
  regions: RegionPlan[];
  /** The write quota per region that would fit the budget at this utilisation. */
  quotaForBudgetPerMinute: number;
  /** Regions have separate quotas and rotate in parallel: the slowest one decides. */
  projectedMinutes: number;
  withinBudget: boolean;
}

export interface PlanOptions {
  /** The granted KMS write quota per region; defaults to what the stack requests (KmsWriteQuota). */
  writeQuotaPerMinute?: number;
  /** Share of the quota the run uses, leaving room for other callers. @default 0.9 */
  utilisation?: number;
  /**
   * The tenant-kek ring of each region as deployed (the platform stack's `tenantKeys` output). An
   * ephemeral stack's KMS project id carries a generation suffix the configuration does not know.
   * @default derived from the configured KMS project (the plan, offline)
   */
  rings?: Partial<Record<Region, string>>;
}

/** What an emergency rotation of every tenant KEK of a stack involves, from its configuration alone. */
export function planRotation(
  config: PlatformConfig,
  options: PlanOptions = {},
  shards: { stack: string; tenants: string[] }[] = [
    { stack: config.stack, tenants: config.tenants.map((t) => t.id) },
  ],
): RotationPlan {
  if (KEY_RINGS[TENANT_KEK_RING].scope !== "serving")
    throw new Error("tenant KEKs are expected in every serving region");
  const utilisation = options.utilisation ?? 0.9;
  const quota = options.writeQuotaPerMinute ?? plannedWriteQuota(config.tenants.length);
  const paced = quota * utilisation;
  const regions = config.regions.map((region): RegionPlan => {
    const ring = options.rings?.[region] ?? tenantKekRing(config.projects.kms, region);
    const expectedKeys = config.tenants.map((t) => `${ring}/cryptoKeys/${tenantKekName(t.id)}`);
    const writes = expectedKeys.length * EMERGENCY_ROTATION.writesPerKey;
    return {
      region,
      ring,
      expectedKeys,
      writes,
      pacedWritesPerMinute: paced,
      projectedMinutes: writes / paced,
    };
  });
  const projectedMinutes = Math.max(...regions.map((r) => r.projectedMinutes));
  const mostWrites = Math.max(...regions.map((r) => r.writes));
  return {
    stack: config.stack,
    shards: shards.map((s) => ({
      stack: s.stack,
      tenants: s.tenants.length,
      keys: s.tenants.length * regions.length,
    })),
    project: options.rings ? projectOfRing(regions[0].ring) : config.projects.kms,
    budgetMinutes: EMERGENCY_ROTATION.budgetMinutes,
    writeQuotaPerMinute: quota,
    utilisation,
    regions,
    quotaForBudgetPerMinute: Math.ceil(mostWrites / (EMERGENCY_ROTATION.budgetMinutes * utilisation)),
    projectedMinutes,
    withinBudget: projectedMinutes <= EMERGENCY_ROTATION.budgetMinutes,
  };
}
