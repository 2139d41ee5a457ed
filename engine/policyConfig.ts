import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../platform/paths";
import { z } from "zod";
import { PACKS } from "../policies/packs";
import { PolicyOverrides } from "./policyEvaluator";

export class PolicyConfigError extends Error {}

const LEVELS = ["advisory", "mandatory", "disabled"] as const;
const level = z.enum(LEVELS);
const fileSchema = z.record(
  z.string(),
  z.union([level, z.object({ enforcementLevel: level }).passthrough()]),
);

export const POLICY_CONFIG_DIR = path.join(PROJECT_ROOT, "policies", "config");

/** The stack's policy configuration file, `policies/config/<stack>.json`, if it has one. */
export function stackPolicyConfigFile(stack: string): string | undefined {
  // Never a path: the name may come from an export's URNs, which a pull request writes.
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(stack) || /^\.+$/.test(stack))
    throw new PolicyConfigError(`"${stack}" is not a stack name (letters, digits, '-', '_' or '.')`);
  const file = path.join(POLICY_CONFIG_DIR, `${stack}.json`);
  return fs.existsSync(file) ? file : undefined;
}

/**
 * Reads a policy configuration in the format of `pulumi preview --policy-pack-config`:
 * `{ "<policy-name>": "advisory" | { "enforcementLevel": "advisory" } }`. Unknown policy names
 * and levels are errors, so a typo never silently leaves a policy mandatory or disabled.
 */
export function readPolicyConfig(file: string): PolicyOverrides {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PolicyConfigError(
      `policy configuration ${file} cannot be read as JSON: ${(err as Error).message}`,
    );
  }
  const parsed = fileSchema.safeParse(json);
  const names = new Set(PACKS.flatMap((p) => p.policies.map((policy) => policy.name)));
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`);
  if (parsed.success) {
    for (const name of Object.keys(parsed.data).filter((n) => n !== "all" && !names.has(n)))
      problems.push(`${name}: is not a policy of any pack`);
  }
  if (problems.length)
    throw new PolicyConfigError(`policy configuration ${file} is invalid:\n  - ${problems.join("\n  - ")}`);
  return parsed.data as PolicyOverrides;
}

/**
 * What a policy configuration changes, as the reports state it: the file, and each policy it
 * turns off or makes advisory ("all" stands for every policy it does not name). A report that
 * says nothing of it would show a disabled policy's silence as a clean result.
 */
export interface PolicyConfiguration {
  /** The file, relative to the repository root when inside it; null when none applies. */
  file: string | null;
  /** Policy name (or "all") → level, for the levels that weaken: disabled, advisory. */
  weakened: Record<string, "disabled" | "advisory">;
}

export function describePolicyConfiguration(
  file: string | undefined,
  overrides: PolicyOverrides,
): PolicyConfiguration {
  const weakened: Record<string, "disabled" | "advisory"> = {};
  for (const [name, value] of Object.entries(overrides).sort(([a], [b]) => a.localeCompare(b))) {
    const level = typeof value === "string" ? value : value.enforcementLevel;
    if (level === "disabled" || level === "advisory") weakened[name] = level;
  }
  const relative = file && path.relative(PROJECT_ROOT, path.resolve(file));
  return {
    file: file ? (relative && !relative.startsWith("..") ? relative : path.resolve(file)) : null,
    weakened,
  };
}

/** One line for the text reports, or "" when no configuration weakens a policy. */
export function policyConfigurationLine(c: PolicyConfiguration): string {
  const names = (level: string) =>
    Object.entries(c.weakened)
      .filter(([, l]) => l === level)
      .map(([n]) => n);
  const parts = (["disabled", "advisory"] as const)
    .filter((level) => names(level).length)
    .map((level) => `${level === "disabled" ? "off" : "advisory"}: ${names(level).join(", ")}`);
  return parts.length ? `Policy configuration ${c.file}: ${parts.join("; ")}` : "";
}
