import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as path from "path";
import { load as loadYaml } from "js-yaml";
import * as fs from "fs";
import { PACKS } from "../../policies/packs";
import { PROJECT_ROOT } from "../../platform/paths";
import { stackPolicyConfigFile } from "../../engine/policyConfig";
import { cliErrors, pulumiCommand } from "../cli/pulumiCli";
import { setStackConfigValue } from "../cli/stackFileEdit";
import { lockedBy } from "../cli/stackState";
import { FailoverStack } from "./execute";
import { FailoverInputError } from "./plan";

/**
 * The stack through Pulumi's Automation API: a LocalWorkspace on this project (its Pulumi.yaml,
 * stackConfigDir and credentials as the CLI has them), previews and updates run with every
 * policy pack and the stack's policy configuration, as the pull-request workflow runs them.
 */
export async function automationStack(
  stackName: string,
  workDir: string = PROJECT_ROOT,
): Promise<FailoverStack> {
  // Loaded on demand: the offline plan needs none of it.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const stack = await LocalWorkspace.selectStack(
    { stackName, workDir },
    { pulumiCommand: await pulumiCommand() },
  ).catch((err) => {
    throw new FailoverInputError(`stack ${stackName}: ${cliErrors(err)}`);
  });
  const policyPacks = PACKS.map((p) => path.join(PROJECT_ROOT, "policies", p.dir));
  const config = stackPolicyConfigFile(stackName);
  const policyPackConfigs = config ? policyPacks.map(() => config) : undefined;
  const project = (loadYaml(fs.readFileSync(path.join(workDir, "Pulumi.yaml"), "utf8")) ?? {}) as {
    name: string;
    stackConfigDir?: string;
  };
  const shortName = stackName.split("/").pop() as string;
  const stackFile = path.join(workDir, project.stackConfigDir ?? "", `Pulumi.${shortName}.yaml`);
  const root = `urn:pulumi:${shortName}::${project.name}::pulumi:pulumi:Stack::${project.name}-${shortName}`;
  const rethrowLock = (err: unknown): never => {
    throw lockedBy(err, stackName) ?? err;
  };
  return {
    name: stackName,
    exportState: () => stack.exportStack(),
    probeLock: async () => {
      // A refresh of the root Stack resource alone: it takes the lock (a preview does not, on a
      // self-managed backend) and writes the state back unchanged; no provider is called.
      await stack.refresh({ target: [root], color: "never" }).catch(rethrowLock);
    },
    setConfig: async (key, value) => setStackConfigValue(stackFile, key, value),
    preview: async (onEvent: (e: EngineEvent) => void, signal: AbortSignal) => {
      // Refreshed: the state must show the switchover before the provider plans the roles in place.
      // Pulumi Cloud refuses even a preview while an update runs (409 ConflictingUpdateError:
      // pkg/backend/httpstate/backend.go): a held lock, not a failed preview.
      await stack
        .preview({
          onEvent,
          signal,
          policyPacks,
          policyPackConfigs,
          diff: true,
          refresh: true,
          color: "never",
        })
        .catch(rethrowLock);
    },
    up: async (onEvent: (e: EngineEvent) => void, signal: AbortSignal, targets: string[]) => {
      // The root is targeted too: with no change judged, the up still only writes the outputs (an
      // empty target list would mean no restriction at all).
      await stack
        .up({
          onEvent,
          signal,
          policyPacks,
          policyPackConfigs,
          refresh: true,
          color: "never",
          target: [root, ...targets.filter((t) => t !== root)],
        })
        .catch(rethrowLock);
    },
    outputs: async () =>
      Object.fromEntries(Object.entries(await stack.outputs()).map(([key, output]) => [key, output.value])),
  };
}
