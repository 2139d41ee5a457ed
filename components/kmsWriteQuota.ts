import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";

/**
 * Sizing of the emergency rotation of every tenant KEK (ENC-06). Rotating a key is two KMS
 * writes: `cryptoKeyVersions.create`, then `cryptoKeys.updatePrimaryVersion` (both listed as
 * write requests in https://cloud.google.com/kms/quotas). The run is planned to finish in
 * `plannedMinutes` at full quota, leaving the rest of the 15-minute budget for throttling retries.
 */
export const EMERGENCY_ROTATION = {
  budgetMinutes: 15,
  plannedMinutes: 10,
  writesPerKey: 2,
} as const;

/**
 * Write quota of Cloud KMS, per project and region since the quota change of 16 February 2026
 * (metric `cloudkms.googleapis.com/write_usage`; limit and Cloud Quotas id below). The default is
 * the one Google states in RESOURCE_EXHAUSTED errors ("WriteRequestsPerMinutePerProject", 60).
 */
export const KMS_WRITE_QUOTA = {
  service: "cloudkms.googleapis.com",
  quotaId: "WriteTokensUsagePerMinutePerProjectPerRegion",
  defaultPerMinute: 60,
} as const;

/** KMS writes per minute and region that rotate `keysPerRegion` keys in the planned time. */
export function requiredWritesPerMinute(keysPerRegion: number): number {
  return Math.ceil((keysPerRegion * EMERGENCY_ROTATION.writesPerKey) / EMERGENCY_ROTATION.plannedMinutes);
}

/** The write quota a stack asks for: the requirement, never less than Google's default. */
export function plannedWriteQuota(keysPerRegion: number): number {
  return Math.max(KMS_WRITE_QUOTA.defaultPerMinute, requiredWritesPerMinute(keysPerRegion));
}

export interface KmsWriteQuotaArgs {
  /** The KMS project: the tenant KEKs live there and the rotation tool bills its calls to it. */
  project: pulumi.Input<string>;
  /** Serving regions; each holds one KEK per tenant. */
  regions: readonly Region[];
  /** Tenant KEKs per region (one per tenant). */
  keysPerRegion: number;
  /** Account Google contacts about the increase; it must hold `serviceusage.quotas.update`. */
  contactEmail: string;
}

/**
 * A Cloud Quotas preference per region raising the KMS write quota of the KMS project to what
 * the emergency rotation needs. Nothing is requested while the default suffices: a preference
 * below the current value would be a quota decrease.
 */
export class KmsWriteQuota extends pulumi.ComponentResource {
  /** Writes per minute each region is sized for (the default when no preference is needed). */
  public readonly writesPerMinute: number;
  public readonly preferences: gcp.cloudquota.SQuotaPreference[];

  constructor(name: string, args: KmsWriteQuotaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:kms:KmsWriteQuota", name, {}, opts);
    this.writesPerMinute = plannedWriteQuota(args.keysPerRegion);
    const needed = requiredWritesPerMinute(args.keysPerRegion) > KMS_WRITE_QUOTA.defaultPerMinute;
    this.preferences = needed
      ? args.regions.map(
          (region) =>
            new gcp.cloudquota.SQuotaPreference(
              `${name}-${region}`,
              {
                parent: pulumi.interpolate`projects/${args.project}`,
                name: `cloudkms-write-${region}`,
                service: KMS_WRITE_QUOTA.service,
                quotaId: KMS_WRITE_QUOTA.quotaId,
                dimensions: { region },
                quotaConfig: { preferredValue: String(this.writesPerMinute) },
                contactEmail: args.contactEmail,
                justification:
                  `Emergency rotation of ${args.keysPerRegion} tenant keys in ${region} within ` +
                  `${EMERGENCY_ROTATION.budgetMinutes} minutes (control ENC-06).`,
              },
              { parent: this },
            ),
        )
      : [];
    this.registerOutputs({ writesPerMinute: this.writesPerMinute, preferences: this.preferences });
  }
}
