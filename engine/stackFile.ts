import * as fs from "fs";
import * as path from "path";
// js-yaml, as the tenant registry: `plan` loads one YAML parser, not two. The core schema, as
// YAML 1.2 and the `yaml` package read it: no timestamps turned into dates.
import { CORE_SCHEMA, load } from "js-yaml";
import { STACKS_DIR } from "../platform/config/tenants";
import { secretsMetadataProblem } from "./cliStackConfig";

/** A stack's configuration as the Pulumi CLI would hand it to the program. */
export interface StackConfig {
  stack: string;
  /** `namespace:key` to the string the CLI passes in PULUMI_CONFIG (objects and lists JSON-encoded). */
  values: Record<string, string>;
  /** Keys whose value is `secure:` in the stack file. */
  secretKeys: string[];
}

export class StackFileError extends Error {}

/**
 * Offline, `secure:` values cannot be decrypted (no secrets provider), so each becomes a placeholder
 * naming its key, unless QAIROPAY_OFFLINE_SECRETS holds a JSON object with a value for that key.
 * Either way the key is listed as secret, so the program reads it as an Output secret.
 */
export function offlineSecretValue(key: string): string {
  const supplied = process.env.QAIROPAY_OFFLINE_SECRETS;
  if (supplied) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(supplied);
    } catch {
      throw new StackFileError("QAIROPAY_OFFLINE_SECRETS is not a JSON object of key to value");
    }
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === "string") return value;
  }
  return `offline-placeholder:${key}`;
}

export function stackFilePath(stack: string): string {
  return path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
}

export function readStackFile(file: string, stack: string): StackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`stack file ${path.relative(process.cwd(), file) || file} cannot be read`);
  }
  let doc: unknown;
  try {
    doc = load(text, { schema: CORE_SCHEMA });
  } catch (err) {
    throw new StackFileError(
      `stack file ${file} is not valid YAML: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  const config = (doc as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new StackFileError(`stack file ${file}: "config" must be a map of keys to values`);
  }
  // A ciphertext no secrets provider could have made fails `pulumi up` at once: fail here too.
  const forged = secretsMetadataProblem(doc as Record<string, unknown>);
  if (forged) throw new StackFileError(`stack file ${file}: ${forged}`);
  // `--stack staging --stack-file stacks/Pulumi.prod.yaml` would judge prod's configuration under
  // staging's name and staging's policy configuration (policies/config/staging.json turns policies
  // off), and report it as staging's: refused, whichever way round (issue #28).
  const environment = (config as Record<string, unknown>)["qairopay-platform:environment"];
  if (typeof environment === "string" && environment !== stack)
    throw new StackFileError(
      `stack file ${file} configures environment "${environment}", not stack "${stack}": ` +
        `give --stack ${environment} with it, or the stack file of ${stack}`,
    );
  return toStackConfig(stack, config as Record<string, unknown>);
}

/** Converts stack-file values to what the CLI passes: strings as they are, everything else as JSON. */
export function toStackConfig(stack: string, config: Record<string, unknown>): StackConfig {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (value && typeof value === "object" && "secure" in value) {
      values[key] = offlineSecretValue(key.split(":").pop() as string);
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { stack, values, secretKeys };
}

export function loadStack(stack: string): StackConfig {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new StackFileError(`"${stack}" is not a valid stack name`);
  return readStackFile(stackFilePath(stack), stack);
}
