import { CONFIG_KEYS, ConfigKey, ConfigKeySpec, PROJECT_NAME } from "../../platform/config/keys";
import { StackConfig } from "../stackFile";

/** One configuration change to rehearse: `--flip KEY=VALUE`. */
export interface ConfigFlip {
  key: ConfigKey;
  /** The value as the stack file would give it to the program (what PULUMI_CONFIG carries). */
  to: string;
  /** The stack's current value, or its Pulumi.yaml default, in the same form. */
  from: string;
}

/** A flip that cannot be rehearsed (exit 2): unknown key, secret, bad value, no change, repeated. */
export class FlipInputError extends Error {}

/** What the program reads for a key the stack file leaves out: its declared default, as the CLI passes it. */
function asPassed(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The value in the form the Pulumi CLI passes it: strings as they are, the rest as JSON. */
function parseValue(key: ConfigKey, spec: ConfigKeySpec, text: string): string {
  switch (spec.type) {
    case "boolean":
      if (text !== "true" && text !== "false")
        throw new FlipInputError(`--flip ${key}=${text}: ${key} is a boolean, give true or false`);
      return text;
    case "integer":
      if (!/^-?\d+$/.test(text)) throw new FlipInputError(`--flip ${key}=${text}: ${key} is an integer`);
      return text;
    case "array": {
      if (text.startsWith("[")) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new FlipInputError(`--flip ${key}=${text}: not a JSON array`);
        }
        if (!Array.isArray(parsed) || parsed.some((v) => typeof v !== "string"))
          throw new FlipInputError(`--flip ${key}=${text}: ${key} is a list of strings`);
        return JSON.stringify(parsed);
      }
      return JSON.stringify(text === "" ? [] : text.split(",").map((v) => v.trim()));
    }
    default:
      return text;
  }
}

/**
 * Parses the repeatable `--flip KEY=VALUE` arguments against the stack's configuration. Keys are
 * the program's own (`platform/config/keys.ts`, with or without the `qairopay-platform:` prefix);
 * secrets are refused (a value on the command line lands in shell history); a flip must change the
 * value and name its key once. Whether the new value is valid is the program's own check, run when
 * the flipped stack is planned.
 */
export function parseFlips(args: string[], stackConfig: StackConfig): ConfigFlip[] {
  const flips: ConfigFlip[] = [];
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new FlipInputError(`--flip ${arg}: give KEY=VALUE, e.g. perimeterEnforced=true`);
    const name = arg.slice(0, eq).replace(new RegExp(`^${PROJECT_NAME}:`), "");
    if (!(name in CONFIG_KEYS))
      throw new FlipInputError(
        `--flip ${arg}: ${name} is not a configuration key of ${PROJECT_NAME} (Pulumi.yaml lists them)`,
      );
    const key = name as ConfigKey;
    const spec: ConfigKeySpec = CONFIG_KEYS[key];
    if (spec.secret)
      throw new FlipInputError(
        `--flip ${key}: a secret is not flipped on the command line; edit the stack file`,
      );
    if (flips.some((f) => f.key === key)) throw new FlipInputError(`--flip ${key}: given twice`);
    const to = parseValue(key, spec, arg.slice(eq + 1));
    const current = stackConfig.values[`${PROJECT_NAME}:${key}`];
    const from = current ?? (spec.default === undefined ? "" : asPassed(spec.default));
    if (to === from)
      throw new FlipInputError(
        `--flip ${key}=${arg.slice(eq + 1)}: stack ${stackConfig.stack} already has it`,
      );
    flips.push({ key, to, from });
  }
  return flips;
}

/** The stack's configuration with the flips applied, as the CLI would pass it after `pulumi config set`. */
export function applyFlips(stackConfig: StackConfig, flips: ConfigFlip[]): StackConfig {
  const values = { ...stackConfig.values };
  for (const flip of flips) values[`${PROJECT_NAME}:${flip.key}`] = flip.to;
  return { ...stackConfig, values };
}
