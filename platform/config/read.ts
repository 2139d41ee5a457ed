import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigKey, ConfigKeySpec, PROJECT_NAME } from "./keys";
import {
  configSchema,
  crossKeyProblems,
  RawPlatformConfig,
  orderedRegions,
  providerConfigSchema,
} from "./schema";
import { readTenantRegistry, Tenant } from "./tenants";
import { DeclaredConfig, PlatformConfig } from "./types";

/**
 * A stack configuration that cannot be deployed. It is a RunError so that `pulumi up` prints the
 * message without a stack trace; `problems` lists every fault found, each naming key and value.
 */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(
      `The stack configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

type RawValues = Partial<Record<ConfigKey, string>>;

/**
 * Reads and validates the whole configuration of the current stack. Every problem is collected
 * before failing, and nothing is registered before this returns.
 */
export function readPlatformConfig(): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  return configFromValues(all, pulumi.getStack(), Object.keys(all).filter(isConfigSecret));
}

// The SDK's own record of which keys the CLI passed as secrets (PULUMI_CONFIG_SECRET_KEYS).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const isConfigSecret: (key: string) => boolean = require("@pulumi/pulumi/runtime/config").isConfigSecret;

/**
 * The config of a stack from `namespace:key` strings, as the CLI passes them (also used by tools).
 * `secretKeys`, the keys that were `secure:` in the stack file, lets a secret key given in
 * plaintext be refused (secretProblems).
 */
export function configFromValues(
  all: Record<string, string>,
  stack: string,
  secretKeys: readonly string[] = [],
): PlatformConfig {
  const raw: RawValues = {};
  for (const key of Object.keys(CONFIG_KEYS) as ConfigKey[]) {
    const value = all[`${PROJECT_NAME}:${key}`];
    if (value !== undefined) raw[key] = value;
  }
  const unknown = Object.keys(all)
    .filter((k) => k.startsWith(`${PROJECT_NAME}:`))
    .map((k) => k.slice(PROJECT_NAME.length + 1))
    .filter((k) => !(k in CONFIG_KEYS));
  return validateConfig(raw, stack, unknown, [
    ...providerConfigProblems(all),
    ...secretProblems(raw, new Set(secretKeys)),
  ]);
}

/**
 * Secret keys (keys.ts `secret: true`) holding a plaintext value. Pulumi.yaml cannot flag an
 * optional secret (platform/config/projectFile.ts), so the program refuses what the CLI would
 * refuse for a flagged one, in the CLI's words (pkg/workspace/config.go, validateStackConfigValue).
 */
export function secretProblems(raw: RawValues, secretKeys: ReadonlySet<string>): string[] {
  return (Object.entries(CONFIG_KEYS) as [ConfigKey, ConfigKeySpec][])
    .filter(([key, spec]) => spec.secret && raw[key] && !secretKeys.has(`${PROJECT_NAME}:${key}`))
    .map(
      ([key]) =>
        `${PROJECT_NAME}:${key}: must be encrypted as it's secret: remove it from the stack file and set it with \`pulumi config set --secret ${key} <value>\` (docs/operations.md)`,
    );
}

/** Problems with the keys of other namespaces the program relies on (`gcp:project`, ...). */
export function providerConfigProblems(all: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(providerConfigSchema)) {
    const value = all[key];
    if (value === undefined) continue;
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      problems.push(`${key} = ${JSON.stringify(value)}: ${parsed.error.issues[0].message}`);
  }
  return problems;
}

/** Pure core of `readPlatformConfig`: raw strings (as Pulumi passes them) in, config or ConfigError out. */
export function validateConfig(
  raw: RawValues,
  stack: string,
  unknownKeys: string[] = [],
  otherProblems: string[] = [],
): PlatformConfig {
  const problems = [
    ...unknownKeys.map(
      (k) => `${PROJECT_NAME}:${k}: is not a configuration key of this project (see Pulumi.yaml)`,
    ),
    ...otherProblems,
  ];
  const { typed, problems: typeProblems } = typedValues(raw);
  problems.push(...typeProblems);
  const parsed = configSchema.safeParse(typed);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      if (!(key in typed)) continue; // already reported as missing or mistyped
      const value = issue.path.length > 1 ? (typed[key] as unknown[])[issue.path[1] as number] : typed[key];
      const where = issue.path.length > 1 ? `${key}[${String(issue.path[1])}]` : key;
      problems.push(`${PROJECT_NAME}:${where} = ${JSON.stringify(value)}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const c = parsed.data;
  for (const p of crossKeyProblems(c)) problems.push(`${PROJECT_NAME}:${p.key}: ${p.message}`);
  const registry = readTenantRegistry(c.tenantsFile);
  problems.push(...registry.problems);
  if (problems.length) throw new ConfigError(problems);

  return platformConfigOf(c, stack, registry.tenants);
}

/**
 * Each raw value converted to the type its declaration gives it (keys.ts), or its default; a
 * missing required key or a value of the wrong type is a problem.
 */
export function typedValues(raw: RawValues): { typed: Record<string, unknown>; problems: string[] } {
  const typed: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as [ConfigKey, ConfigKeySpec][]) {
    const converted = convert(key, spec, raw[key]);
    if ("problem" in converted) problems.push(converted.problem);
    else typed[key] = converted.value;
  }
  return { typed, problems };
}

/**
 * The typed configuration the program is built from, from the validated values of the declared
 * keys (every one of which it reads: test/configKeysRead.test.ts) and the tenant registry.
 */
export function platformConfigOf(c: RawPlatformConfig, stack: string, tenants: Tenant[]): PlatformConfig {
  const declared: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as [ConfigKey, ConfigKeySpec][]) {
    if (spec.at === undefined) continue;
    const value = spec.toConfig ? spec.toConfig(c[key] as never) : c[key];
    const path = spec.at.split(".");
    let at = declared;
    for (const step of path.slice(0, -1)) at = (at[step] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = value;
  }
  const d = declared as DeclaredConfig;
  const [primaryRegion, secondaryRegion] = orderedRegions(c.regions, c.primaryRegion);
  const parentId = c.organizationId || c.folderId;
  return {
    ...d,
    stack,
    regions: [primaryRegion, secondaryRegion],
    primaryRegion,
    secondaryRegion,
    projectFactory: parentId
      ? {
          organizationId: c.organizationId || undefined,
          folderId: c.folderId || undefined,
          billingAccount: c.billingAccount,
        }
      : undefined,
    tenants,
    sql: {
      ...d.sql,
      migrationImages:
        c.sqlMigrationProxyImage && c.sqlMigrationClientImage
          ? { proxy: c.sqlMigrationProxyImage, client: c.sqlMigrationClientImage }
          : undefined,
    },
    orgPolicy: { ...d.orgPolicy, scope: c.orgPolicyScope || (c.folderId ? "folder" : "projects") },
    alerting: {
      ...d.alerting,
      // Wrapped at once, so the key is an Output secret all the way to the state (as requireSecret does).
      pagerDutyServiceKey: c.pagerDutyServiceKey ? pulumi.secret(c.pagerDutyServiceKey) : undefined,
    },
  };
}

function convert(
  key: ConfigKey,
  spec: ConfigKeySpec,
  value: string | undefined,
): { value: unknown } | { problem: string } {
  const name = `${PROJECT_NAME}:${key}`;
  if (value === undefined) {
    if (spec.default !== undefined) return { value: spec.default };
    return { problem: `${name}: is required but missing (${spec.description})` };
  }
  switch (spec.type) {
    case "string":
      return { value };
    case "integer":
      return /^-?\d+$/.test(value.trim())
        ? { value: Number(value) }
        : { problem: `${name} = ${JSON.stringify(value)}: must be an integer` };
    case "boolean":
      return value === "true" || value === "false"
        ? { value: value === "true" }
        : { problem: `${name} = ${JSON.stringify(value)}: must be true or false` };
    case "array": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = value;
      }
      return Array.isArray(parsed) && parsed.every((v) => typeof v === "string")
        ? { value: parsed }
        : { problem: `${name} = ${value}: must be a list of strings` };
    }
  }
}
