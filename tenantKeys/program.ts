import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { DESTROY_SCHEDULED_DURATION, KEY_RINGS, ROTATION_PERIOD, tenantKekName } from "../catalogue/keys";
import { ShardConfig } from "./config";

/** What the platform stack exports for the shards (buildPlatform's `tenantKeys` output). */
export interface TenantKeyRings {
  environment: string;
  /** The tenant-kek ring of each serving region. */
  rings: Record<string, string>;
  labels: Record<string, string>;
  /** False only in an ephemeral environment, whose keys go with their project. */
  protect: boolean;
}

/** The name a tenant's KEK has in state: the one it had in the platform stack, so `pulumi state move` keeps it. */
export function kekResourceName(environment: string, region: string, tenant: string): string {
  return `${environment}-keys-${region}-kek-${tenant}`;
}

/** Keys registered per turn of the event loop: the engine stays busy, memory stays bounded. */
const BATCH = 250;

/**
 * One shard of tenant KEKs (TEN-01): for each of its tenants, a key in the tenant-kek ring of every
 * serving region, rotated every 90 days, 30 days before destruction, protected and retained on
 * delete (ENC-04, ENC-05). The rings, their grants and the write quota stay in the platform stack,
 * read here through a stack reference, as any Pulumi stack reads another's outputs; `platform`
 * gives them directly instead (tests).
 */
export async function buildTenantKeyShard(
  config: ShardConfig,
  platform?: TenantKeyRings,
): Promise<Record<string, unknown>> {
  const rings = platform ?? (await platformOutputs(config.platformStack));
  const keep = { protect: rings.protect, retainOnDelete: rings.protect };
  const regions = Object.entries(rings.rings);
  for (let start = 0; start < config.tenants.length; start += BATCH) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const tenant of config.tenants.slice(start, start + BATCH))
      for (const [region, ring] of regions)
        new gcp.kms.CryptoKey(
          kekResourceName(rings.environment, region, tenant),
          {
            name: tenantKekName(tenant),
            keyRing: ring,
            purpose: "ENCRYPT_DECRYPT",
            rotationPeriod: ROTATION_PERIOD,
            destroyScheduledDuration: DESTROY_SCHEDULED_DURATION,
            deletionPolicy: rings.protect ? "PREVENT" : "DELETE",
            versionTemplate: {
              algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION",
              protectionLevel: KEY_RINGS["tenant-kek"].protectionLevel,
            },
            labels: { ...rings.labels, "data-class": KEY_RINGS["tenant-kek"].dataClass, tenant },
          },
          keep,
        );
  }
  return { shard: config.shard, tenants: config.tenants.length, regions: regions.map(([r]) => r) };
}

async function platformOutputs(stack: string): Promise<TenantKeyRings> {
  const details = await new pulumi.StackReference(stack).getOutputDetails("tenantKeys");
  const value = (details.value ?? details.secretValue) as TenantKeyRings | undefined;
  if (!value?.rings)
    throw new pulumi.RunError(
      `platform stack ${stack} exports no tenantKeys output: run \`pulumi up\` on the platform stack first`,
    );
  return value;
}
