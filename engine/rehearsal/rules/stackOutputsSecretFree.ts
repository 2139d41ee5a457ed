import { SECRET_SIG, SECRET_SIG_KEY } from "../../deployment";
import { RehearsalRule } from "../model";

/** Dotted paths of the secret values inside a stack's outputs. */
function secretPaths(value: unknown, path: string): string[] {
  if (!value || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG) return [path];
  return Object.entries(record).flatMap(([k, v]) => secretPaths(v, path ? `${path}.${k}` : k));
}

/**
 * No secret value in the stack's outputs (ENC-09): anyone who can read the stack (`pulumi stack
 * output --show-secrets`, a state backup) would hold it. Secrets live in Secret Manager; the
 * outputs name them. A stack rule rather than a policy: the engine does not send the root stack
 * resource, whose outputs these are, to policy packs.
 */
export const stackOutputsSecretFree: RehearsalRule = {
  id: "stack-outputs-secret-free",
  severity: "error",
  description:
    "The stack's outputs hold no secret value; secrets live in Secret Manager and the outputs name them.",
  sources: [
    "https://www.pulumi.com/docs/iac/concepts/secrets/",
    "https://cloud.google.com/secret-manager/docs/overview",
  ],
  check(ctx, report) {
    const stack = ctx.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    for (const path of secretPaths(stack?.outputs ?? {}, ""))
      report.asWritten.error(
        this.id,
        { urn: stack?.urn ?? "" },
        `the stack output ${path} holds a secret value: anyone who can read the stack's state or outputs holds it too. Store it in Secret Manager (components/platformSecrets.ts) and output the secret's name.`,
      );
  },
};
