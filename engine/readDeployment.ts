import * as fs from "fs";
import { z } from "zod";
import { SECRET_SIG, SECRET_SIG_KEY, UNDECRYPTED_SECRET } from "./deployment";
import { CapturedResource } from "./model";

export class DeploymentError extends Error {}

// A stack name is 1-100 of [A-Za-z0-9_.-] (pulumi/pulumi sdk/go/common/tokens/stack_name.go: "a
// stack name may only contain alphanumeric, hyphens, underscores, or periods"). Anything else in a
// URN was not written by the CLI, and the stack name picks the policy configuration file.
const resourceSchema = z.object({
  urn: z.string().regex(/^urn:pulumi:[A-Za-z0-9_.-]{1,100}::[^:]+::.+::.+$/, {
    message: "is not a Pulumi URN (stack names are 1-100 letters, digits, '-', '_' or '.')",
  }),
  type: z.string().min(1),
  custom: z.boolean().optional(),
  id: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  parent: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
  propertyDependencies: z.record(z.string(), z.array(z.string())).optional(),
  provider: z.string().optional(),
  protect: z.boolean().optional(),
  retainOnDelete: z.boolean().optional(),
  ignoreChanges: z.array(z.string()).optional(),
  additionalSecretOutputs: z.array(z.string()).optional(),
  deleteBeforeReplace: z.boolean().optional(),
});

// Version 4 is what the CLI writes when the deployment uses newer state features (its `features`
// list), 3 otherwise; both share the DeploymentV3 shape (pkg/resource/stack/deployment.go,
// DeploymentSchemaVersionLatest = 4; sdk/go/common/apitype/core.go).
const deploymentSchema = z.object({
  version: z.union([z.literal(3), z.literal(4)], { message: "must be 3 or 4 (pulumi stack export format)" }),
  features: z.array(z.string()).optional(),
  deployment: z.object({
    manifest: z.record(z.string(), z.unknown()).optional(),
    resources: z.array(resourceSchema).optional(),
  }),
});

/** Reads a `pulumi stack export` file (of a real stack or of `plan --export-state`) into registrations. */
export function readDeployment(file: string): CapturedResource[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new DeploymentError(`state file ${file} cannot be read`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DeploymentError(`state file ${file} is not JSON: ${(err as Error).message}`);
  }
  return parseDeployment(json, file);
}

export function parseDeployment(json: unknown, source: string): CapturedResource[] {
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new DeploymentError(
      `state file ${source} is not a Pulumi deployment export:\n  - ${problems.join("\n  - ")}`,
    );
  }
  const stacks = [...new Set((parsed.data.deployment.resources ?? []).map((r) => r.urn.split("::")[0]))];
  if (stacks.length > 1)
    throw new DeploymentError(
      `state file ${source} mixes resources of several stacks (${stacks.map((s) => s.slice("urn:pulumi:".length)).join(", ")}); an export holds one stack`,
    );
  return (parsed.data.deployment.resources ?? []).map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.urn.split("::").slice(3).join("::"),
    parent: r.parent,
    custom: r.custom ?? false,
    id: r.id,
    inputs: fromStateSecrets(r.inputs ?? {}),
    outputs: fromStateSecrets(r.outputs ?? r.inputs ?? {}),
    protect: r.protect ?? false,
    retainOnDelete: r.retainOnDelete ?? false,
    deleteBeforeReplace: r.deleteBeforeReplace ?? false,
    dependencies: r.dependencies ?? [],
    propertyDependencies: r.propertyDependencies ?? {},
    provider: r.provider,
    ignoreChanges: r.ignoreChanges ?? [],
    replaceOnChanges: [],
    additionalSecretOutputs: r.additionalSecretOutputs ?? [],
  }));
}

/**
 * State secrets become runtime secrets the analyzer understands: `plaintext` (an export made with
 * `--show-secrets`) as its value, `ciphertext` (without it) as UNDECRYPTED_SECRET.
 */
function fromStateSecrets(value: unknown): never {
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG_KEY] === SECRET_SIG) {
      let inner: unknown = UNDECRYPTED_SECRET;
      if (typeof record.plaintext === "string") {
        try {
          inner = JSON.parse(record.plaintext);
        } catch {
          inner = record.plaintext;
        }
      }
      return { [SECRET_SIG_KEY]: SECRET_SIG, value: fromStateSecrets(inner) } as never;
    }
    if (Array.isArray(value)) return value.map(fromStateSecrets) as never;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromStateSecrets(v)])) as never;
  }
  return value as never;
}
