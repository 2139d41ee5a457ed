import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as path from "path";
import { PACKS } from "../../policies/packs";
import { PROJECT_ROOT } from "../../platform/paths";
import { stackPolicyConfigFile } from "../../harness/policyConfig";
import { FailoverStack } from "./execute";

/**
 * The stack through Pulumi's Automation API: a LocalWorkspace on this project (its Pulumi.yaml,
 * stackConfigDir and credentials as the CLI has them), previews and updates run with every
 * policy pack and the stack's policy configuration, as the pull-request workflow runs them.
 */
export async function automationStack(stackName: string): Promise<FailoverStack> {
  // Loaded on demand: the offline plan needs none of it.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const stack = await LocalWorkspace.selectStack({ stackName, workDir: PROJECT_ROOT });
  const policyPacks = PACKS.map((p) => path.join(PROJECT_ROOT, "policies", p.dir));
  const config = stackPolicyConfigFile(stackName);
  const policyPackConfigs = config ? policyPacks.map(() => config) : undefined;
  return {
    getConfig: async (key) => (await stack.getConfig(key)).value,
    setConfig: (key, value) => stack.setConfig(key, { value }),
    preview: async (onEvent: (e: EngineEvent) => void) => {
      // Refreshed: the state must show the switchover before the provider plans the roles in place.
      await stack.preview({ onEvent, policyPacks, policyPackConfigs, diff: true, refresh: true });
    },
    up: async (onEvent: (e: EngineEvent) => void) => {
      await stack.up({ onEvent, policyPacks, policyPackConfigs, refresh: true });
    },
    outputs: async () =>
      Object.fromEntries(Object.entries(await stack.outputs()).map(([key, output]) => [key, output.value])),
  };
}
