import type { StackConfig } from "../../engine/stackFile";
import { PROJECT_NAME } from "../../platform/config/keys";
import { PlatformConfig } from "../../platform/config/types";
import { PlatformFacts } from "./shardPlan";

/** The stack reference a shard names its platform stack with, unless told otherwise. */
export function defaultPlatformReference(stack: string): string {
  return `organization/${PROJECT_NAME}/${stack}`;
}

/**
 * What the shards need of the platform stack, from its offline plan: the outputs its stack
 * reference would answer with (the plan records them as the engine would), and what the platform,
 * not the shard, provides (Cloud KMS enabled in the KMS project, the deployer).
 */
export async function platformFacts(
  config: PlatformConfig,
  stackConfig: StackConfig,
  reference: string,
): Promise<PlatformFacts> {
  // Loaded here, not at the top: `tenants assign` and `check` read this module's reference name only
  // and must not pay for the Pulumi SDK.
  const [{ runOffline }, { plain }] = await Promise.all([
    import("../../engine/run"),
    import("../../engine/deployment"),
  ]);
  const run = await runOffline(stackConfig);
  const stack = run.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const outputs = plain(stack?.outputs ?? {}) as Record<string, unknown>;
  return {
    reference,
    outputs,
    externallyEnabledApis: [`${config.projects.kms}/cloudkms.googleapis.com`],
    deployer: config.deployer.principal,
    gcpProject: stackConfig.values["gcp:project"],
  };
}
