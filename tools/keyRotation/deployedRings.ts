import { Region } from "../../vocabulary/regions";
import { projectIdFromOutputs, readStackOutputs, StackNotFound } from "../cli/deployedProjects";
import { TENANT_KEK_RING_ID, tenantKekRing } from "./rotationPlan";

/** The rings cannot be read; the message says how to name the project instead. */
export class DeployedRingsError extends Error {}

/**
 * The tenant-kek ring of each serving region as the platform stack deployed it, read from its
 * outputs (Automation API, `pulumi stack output`): `tenantKeys.rings`, the rings the shard stacks
 * create their keys in, else `projectIds.kms` — never the configured project id, which for an
 * ephemeral stack lacks the generation suffix (components/projects.ts).
 */
export async function deployedRings(
  stack: string,
  regions: readonly Region[],
): Promise<Record<Region, string>> {
  // A backend that cannot be read throws StackOutputsUnreadable (exit 3), not this error (exit 2).
  let outputs: Record<string, unknown>;
  try {
    outputs = await readStackOutputs(stack);
  } catch (err) {
    if (err instanceof StackNotFound) throw new DeployedRingsError(err.message);
    throw err;
  }
  const rings = (outputs.tenantKeys as { rings?: Record<string, string> } | undefined)?.rings;
  let kms: string | undefined;
  try {
    kms = projectIdFromOutputs(outputs, "kms");
  } catch (err) {
    throw new DeployedRingsError(`stack ${stack}: ${(err as Error).message}`);
  }
  const result = {} as Record<Region, string>;
  for (const region of regions) {
    const ring = rings?.[region] ?? (kms ? tenantKekRing(kms, region) : undefined);
    if (
      !ring ||
      !new RegExp(`^projects/[^/]+/locations/${region}/keyRings/${TENANT_KEK_RING_ID}$`).test(ring)
    )
      throw new DeployedRingsError(
        `stack ${stack} has no tenant-kek ring for ${region} in its outputs (tenantKeys.rings or projectIds.kms): deploy it, or give --kms-project <the deployed KMS project id>`,
      );
    result[region] = ring;
  }
  return result;
}
