import { Policies } from "@pulumi/policy";
import { regionalResidency } from "../security/gcp-resource-region-residency";
import { kmsCryptoKeyRetention } from "../security/kms-cryptokey-retention";
import { kmsCryptoKeyRotation } from "../security/kms-cryptokey-rotation";
import { statefulResourceProtected } from "../resilience/stateful-resource-protected";
import { tenantKekPerRegion } from "./kms-tenant-kek-per-region";

/**
 * What every tenant-key shard must hold: a KEK per tenant per serving region in the tenant-kek
 * ring (TEN-01), rotated (ENC-04), with the destroy delay (ENC-05) and protection, in an allowed
 * location (REG-01). The same policy objects as the platform's packs, so the rules cannot drift.
 */
export const tenantKeyPolicies: Policies = [
  tenantKekPerRegion,
  kmsCryptoKeyRotation,
  kmsCryptoKeyRetention,
  statefulResourceProtected,
  regionalResidency,
];
