import { OfflineRun } from "../../engine/run";
import { CapturedResource } from "../../engine/model";
import { loadStack, StackConfig } from "../../engine/stackFile";
import { cachedPlan } from "./planCache";

/**
 * Plans a stack file under stacks/, with optional overrides of `qairopay-platform:` keys; once per
 * `jest` run and configuration (planCache.ts), each caller getting its own copy.
 */
export async function planStack(stack: string, overrides: Record<string, unknown> = {}): Promise<OfflineRun> {
  return cachedPlan(withOverrides(loadStack(stack), overrides));
}

/** Plans a stack configuration as runOffline does, once per `jest` run (planCache.ts). */
export async function planConfig(config: StackConfig): Promise<OfflineRun> {
  return cachedPlan(config);
}

export function withOverrides(config: StackConfig, overrides: Record<string, unknown>): StackConfig {
  const values = { ...config.values };
  for (const [key, value] of Object.entries(overrides)) {
    const full = `qairopay-platform:${key}`;
    if (value === undefined) delete values[full];
    else values[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { ...config, values };
}

/** A stack configuration with a secret set as an operator would (`pulumi config set --secret`): a secure key. */
export function withSecret(config: StackConfig, key: string, value: string): StackConfig {
  const full = `qairopay-platform:${key}`;
  return {
    ...config,
    values: { ...config.values, [full]: value },
    secretKeys: [...config.secretKeys.filter((k) => k !== full), full],
  };
}

/**
 * Prod as it is operated: with the secret an operator sets through the stack's secrets provider
 * (`pulumi config set --secret`, docs/operations.md), which the committed stack file does not hold.
 */
export function prodAsOperated(): StackConfig {
  return withSecret(loadStack("prod"), "pagerDutyServiceKey", "offline-placeholder:pagerDutyServiceKey");
}

export function ofType(run: { resources: CapturedResource[] }, type: string): CapturedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function named(run: { resources: CapturedResource[] }, name: string): CapturedResource {
  const found = run.resources.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
  return found[0];
}

export const T = {
  sql: "gcp:sql/databaseInstance:DatabaseInstance",
  redis: "gcp:redis/instance:Instance",
  key: "gcp:kms/cryptoKey:CryptoKey",
  ring: "gcp:kms/keyRing:KeyRing",
  keyGrant: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  ringGrant: "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  firewall: "gcp:compute/firewall:Firewall",
  service: "gcp:projects/service:Service",
  project: "gcp:organizations/project:Project",
  identity: "gcp:projects/serviceIdentity:ServiceIdentity",
};

/** Registration order follows output resolution, so order-free comparisons sort both sides. */
export function sorted<T>(rows: T[]): T[] {
  return [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/**
 * Plans the stack's first tenant-key shard (its registry's tenants, up to the default limit) as
 * `tenants plan` does: the platform's outputs from its plan, through the shard's stack reference.
 */
export async function planTenantShard(stack: string): Promise<{ resources: CapturedResource[] }> {
  const { configFromValues } = await import("../../platform/config/read");
  const { platformFacts, defaultPlatformReference } = await import("../../tools/tenants/platformFacts");
  const { loadShardSet } = await import("../../tools/tenants/shardSet");
  const { planShard } = await import("../../tools/tenants/shardPlan");
  const stackConfig = loadStack(stack);
  const config = configFromValues(stackConfig.values, stack);
  const facts = await platformFacts(config, stackConfig, defaultPlatformReference(stack));
  return planShard(facts, loadShardSet(config).shards[0]);
}
