import * as path from "path";
import { PROJECT_ROOT } from "../../platform/paths";
import { TENANT_KEYS_PROJECT } from "../../tenantKeys/config";
import { ShardStacks } from "./deployShards";
import { shardConfigValues, ShardInput } from "./shardPlan";

const WORK_DIR = path.join(PROJECT_ROOT, "tenant-keys");

/**
 * The shard stacks through Pulumi's Automation API: a LocalWorkspace on tenant-keys/ (its
 * Pulumi.yaml, the backend and credentials as the CLI has them), updates run with the tenant-key
 * policy pack.
 */
export function automationShardStacks(platformStack: string): ShardStacks {
  const load = () => import("@pulumi/pulumi/automation");
  return {
    deployedTenants: async (shard: ShardInput) => {
      const { LocalWorkspace } = await load();
      let stack;
      try {
        stack = await LocalWorkspace.selectStack({ stackName: shard.stack, workDir: WORK_DIR });
      } catch {
        return undefined; // no such stack yet
      }
      const [last] = await stack.history(1);
      if (!last || last.result !== "succeeded") return undefined;
      try {
        return JSON.parse((await stack.getConfig(`${TENANT_KEYS_PROJECT}:tenants`)).value) as string[];
      } catch {
        return undefined;
      }
    },
    up: async (shard: ShardInput, onOutput: (text: string) => void) => {
      const { LocalWorkspace } = await load();
      const stack = await LocalWorkspace.createOrSelectStack({ stackName: shard.stack, workDir: WORK_DIR });
      await stack.setAllConfig(
        Object.fromEntries(
          Object.entries(shardConfigValues(platformStack, shard)).map(([k, value]) => [k, { value }]),
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
