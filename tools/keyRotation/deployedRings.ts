import { PROJECT_ROOT } from "../../platform/paths";
import { Region } from "../../vocabulary/regions";
import { cliErrors, pulumiCommand } from "../cli/pulumiCli";
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
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const workspace = await LocalWorkspace.create({
    workDir: PROJECT_ROOT,
    pulumiCommand: await pulumiCommand(),
  });
  let outputs: Awaited<ReturnType<typeof workspace.stackOutputs>>;
  try {
    outputs = await workspace.stackOutputs(stack);
  } catch (err) {
    throw new DeployedRingsError(`cannot read the outputs of stack ${stack} (${cliErrors(err)})`);
  }
  const rings = (outputs.tenantKeys?.value as { rings?: Record<string, string> } | undefined)?.rings;
  const kms = (outputs.projectIds?.value as { kms?: string } | undefined)?.kms;
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
