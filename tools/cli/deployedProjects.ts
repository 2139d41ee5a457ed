import { PROJECT_ROOT } from "../../platform/paths";
import { PlatformConfig } from "../../platform/config/types";
import { cliErrors, pulumiCommand, PulumiCliMissing } from "./pulumiCli";

/** The deployed project ids cannot be read; the message says how to name the project instead. */
export class DeployedProjectError extends Error {}

type ProjectRole = keyof PlatformConfig["projects"];

/**
 * The id of one of the stack's projects as deployed. An ephemeral stack creates its projects as
 * `<configured id>-<generation>` (components/projects.ts, generationSuffix), so the configured id
 * names a project that does not exist: the id is read from the stack's `projectIds` output
 * (Automation API, `pulumi stack output`), as failover reads it. A stack that is not ephemeral
 * creates or adopts exactly the configured id, which needs no backend to know.
 */
export async function deployedProjectId(config: PlatformConfig, role: ProjectRole): Promise<string> {
  if (!config.ephemeral) return config.projects[role];
  const hint = `give --project <the deployed ${role} project id> (\`pulumi stack output projectIds --stack ${config.stack}\`)`;
  let outputs: Record<string, { value: unknown }>;
  try {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const workspace = await LocalWorkspace.create({
      workDir: PROJECT_ROOT,
      pulumiCommand: await pulumiCommand(),
    });
    outputs = await workspace.stackOutputs(config.stack);
  } catch (err) {
    const why = err instanceof PulumiCliMissing ? err.message : cliErrors(err);
    throw new DeployedProjectError(
      `stack ${config.stack} is ephemeral: its ${role} project's id carries a generation suffix, and its outputs cannot be read (${why}); ${hint}`,
    );
  }
  const id = (outputs.projectIds?.value as Record<string, unknown> | undefined)?.[role];
  if (typeof id !== "string" || !id.startsWith(config.projects[role]))
    throw new DeployedProjectError(
      `stack ${config.stack} has no projectIds.${role} output starting with ${config.projects[role]}: deploy it, or ${hint}`,
    );
  return id;
}
