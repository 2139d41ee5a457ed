import { PROJECT_ROOT } from "../../platform/paths";
import { PlatformConfig } from "../../platform/config/types";
import { cliErrors, pulumiCommand, PulumiCliMissing } from "./pulumiCli";

/** The deployed project ids cannot be known; the message says how to name the project instead (exit 2). */
export class DeployedProjectError extends Error {}

/**
 * The backend could not be read (a network, permission or state-file error): the command could not
 * finish, exit 3 — not bad input (exit 2), since nothing the operator gave was wrong (README, "Exit
 * codes"). A stack that does not exist is not this: `StackNotFound` says so.
 */
export class StackOutputsUnreadable extends Error {
  constructor(stack: string, cause: unknown) {
    super(`cannot read the outputs of stack ${stack} from its backend: ${cliErrors(cause)}`);
    this.name = "StackOutputsUnreadable";
  }
}

/** The stack has never been created on this backend (the Automation API's StackNotFoundError): bad input. */
export class StackNotFound extends Error {}

/**
 * A stack's outputs through the Automation API (`pulumi stack output --json --show-secrets
 * --stack`), plain values. The Pulumi CLI missing throws PulumiCliMissing (exit 2), a stack that does
 * not exist StackNotFound (exit 2), any other failure StackOutputsUnreadable (exit 3).
 */
export async function readStackOutputs(
  stack: string,
  workDir: string = PROJECT_ROOT,
): Promise<Record<string, unknown>> {
  const { LocalWorkspace, StackNotFoundError } = await import("@pulumi/pulumi/automation");
  const workspace = await LocalWorkspace.create({ workDir, pulumiCommand: await pulumiCommand() });
  try {
    const outputs = await workspace.stackOutputs(stack);
    return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
  } catch (err) {
    if (err instanceof StackNotFoundError)
      throw new StackNotFound(`stack ${stack} does not exist on this backend (${cliErrors(err)})`);
    throw new StackOutputsUnreadable(stack, err);
  }
}

/**
 * The one rule for a project's deployed id, from a stack's outputs (failover, the drills and key
 * rotation read it; they disagreed on the fallback). `projectIds.<role>`, when the stack exports
 * it, must be the configured id or the configured id with a generation suffix
 * (`<configured>-<suffix>`, components/projects.ts) — anything else is another project's id and
 * refused. Without it, the configured id only for a stack that is not ephemeral (it creates or
 * adopts exactly that id); an ephemeral stack's configured id names a project that does not exist,
 * so nothing is returned and the caller asks for the id. `configured` unknown: the output or nothing.
 */
export function projectIdFromOutputs(
  outputs: Record<string, unknown>,
  role: string,
  expected?: { configured: string; ephemeral: boolean },
): string | undefined {
  const ids = outputs.projectIds;
  const id = ids && typeof ids === "object" ? (ids as Record<string, unknown>)[role] : undefined;
  if (id === undefined || id === null)
    return expected && !expected.ephemeral ? expected.configured : undefined;
  if (typeof id !== "string" || !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(id))
    throw new DeployedProjectError(
      `projectIds.${role} output ${JSON.stringify(id)} is not a Google Cloud project id`,
    );
  if (expected && id !== expected.configured && !id.startsWith(`${expected.configured}-`))
    throw new DeployedProjectError(
      `projectIds.${role} output ${id} is not project ${expected.configured} nor one of its generations (${expected.configured}-<suffix>)`,
    );
  return id;
}

type ProjectRole = keyof PlatformConfig["projects"];

/**
 * The id of one of the stack's projects as deployed. An ephemeral stack creates its projects as
 * `<configured id>-<generation>` (components/projects.ts, generationSuffix), so the configured id
 * names a project that does not exist: the id is read from the stack's `projectIds` output
 * (projectIdFromOutputs). A stack that is not ephemeral creates or adopts exactly the configured
 * id, which needs no backend to know. A backend that cannot be read throws StackOutputsUnreadable.
 */
export async function deployedProjectId(config: PlatformConfig, role: ProjectRole): Promise<string> {
  if (!config.ephemeral) return config.projects[role];
  const hint = `give --project <the deployed ${role} project id> (\`pulumi stack output projectIds --stack ${config.stack}\`)`;
  let outputs: Record<string, unknown>;
  try {
    outputs = await readStackOutputs(config.stack);
  } catch (err) {
    if (!(err instanceof PulumiCliMissing) && !(err instanceof StackNotFound)) throw err;
    throw new DeployedProjectError(
      `stack ${config.stack} is ephemeral: its ${role} project's id carries a generation suffix, and its outputs cannot be read (${err.message}); ${hint}`,
    );
  }
  const expected = { configured: config.projects[role], ephemeral: true };
  let id: string | undefined;
  try {
    id = projectIdFromOutputs(outputs, role, expected);
  } catch {
    id = undefined;
  }
  if (!id)
    throw new DeployedProjectError(
      `stack ${config.stack} has no projectIds.${role} output starting with ${config.projects[role]}: deploy it, or ${hint}`,
    );
  return id;
}
