import * as path from "path";
import { PROJECT_ROOT } from "../../platform/paths";
import { ShardDeployment, ShardStacks } from "./deployShards";
import { FINGERPRINT_KEY, qualifiedShardStack } from "./fingerprint";

const WORK_DIR = path.join(PROJECT_ROOT, "tenant-keys");

/**
 * The shard stacks through Pulumi's Automation API: a LocalWorkspace on tenant-keys/ (its
 * Pulumi.yaml, the backend and credentials as the CLI has them), each stack named in the platform
 * reference's organisation, updates run with the tenant-key policy pack.
 */
export function automationShardStacks(platformReference: string): ShardStacks {
  const load = () => import("@pulumi/pulumi/automation");
  const stackName = (shard: ShardDeployment) => qualifiedShardStack(platformReference, shard.stack);
  return {
    lastFingerprint: async (shard) => {
      const { LocalWorkspace } = await load();
      let stack;
      try {
        stack = await LocalWorkspace.selectStack({ stackName: stackName(shard), workDir: WORK_DIR });
      } catch {
        return undefined; // no such stack yet
      }
      // The configuration the newest *update* ran with, as the backend recorded it (not the local
      // stack file, which `up` writes before it runs; not a refresh, which deploys nothing).
      const last = (await stack.history(20)).find((u) => u.kind === "update");
      return last?.result === "succeeded" ? last.config?.[FINGERPRINT_KEY]?.value : undefined;
    },
    up: async (shard, onOutput) => {
      const { LocalWorkspace } = await load();
      const stack = await LocalWorkspace.createOrSelectStack({
        stackName: stackName(shard),
        workDir: WORK_DIR,
      });
      await stack.setAllConfig(
        Object.fromEntries(
          Object.entries({ ...shard.config, [FINGERPRINT_KEY]: shard.fingerprint }).map(([k, value]) => [
            k,
            { value },
          ]),
        ),
      );
      const result = await stack.up({
        onOutput,
        color: "never",
        policyPacks: [path.join(PROJECT_ROOT, "policies", "tenant-keys")],
      });
      return { changes: (result.summary.resourceChanges ?? {}) as Record<string, number> };
    },
  };
}

/**
 * The platform stack's `tenantKeys` output, read through the Automation API before any shard is
 * touched: the shards read it themselves, and it exists only once the platform is deployed with it.
 */
export async function platformTenantKeys(platformReference: string): Promise<unknown> {
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  // stackOutputs passes --stack: the platform project's selected stack is left as the operator had it.
  const workspace = await LocalWorkspace.create({ workDir: PROJECT_ROOT });
  const output = (await workspace.stackOutputs(platformReference)).tenantKeys?.value;
  if (!output)
    throw new Error(
      `platform stack ${platformReference} has no tenantKeys output: run \`pulumi up\` on it first (after \`tenants migrate\` for a stack deployed before the shards)`,
    );
  return output;
}
