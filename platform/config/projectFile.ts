import { CONFIG_KEYS, ConfigKeySpec } from "./keys";

/**
 * The `config:` section of Pulumi.yaml, from the keys the program reads (keys.ts). `npm run
 * gen:project` writes it; a test fails when the file drifts.
 *
 * A secret key is declared `secret: true` only when it has no default. The CLI merges a project
 * default into the stack's configuration as a plaintext value (`createConfigValue` in
 * pkg/workspace/config.go) and then requires every `secret: true` key to be secure, so a secret
 * with a default breaks every stack that does not set it ("Stack '<stack>' with configuration key
 * '<key>' must be encrypted as it's secret", `validateStackConfigValue`). An optional secret is
 * therefore declared without the flag, and the program refuses a plaintext value for it itself
 * (platform/config/read.ts, `secretProblems`).
 */
/** What Pulumi.yaml declares of a key; its validation rule stays with the program. */
type DeclaredKey = Pick<ConfigKeySpec, "type" | "description" | "default" | "secret">;

export function projectConfigSection(keys: Record<string, DeclaredKey> = CONFIG_KEYS) {
  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(keys)) {
    config[key] = {
      type: spec.type,
      ...(spec.type === "array" ? { items: { type: "string" } } : {}),
      description: spec.description,
      ...(spec.secret && spec.default === undefined ? { secret: true } : {}),
      ...(spec.default !== undefined ? { default: spec.default } : {}),
    };
  }
  return config;
}
