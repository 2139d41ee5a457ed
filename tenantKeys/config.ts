import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TENANT_ID_PATTERN } from "../platform/config/tenants";

/** The Pulumi project of the tenant-key shard stacks (tenant-keys/Pulumi.yaml). */
export const TENANT_KEYS_PROJECT = "qairopay-tenant-keys";

export interface ShardConfig {
  /** The platform stack whose key rings hold this shard's keys (a stack reference name). */
  platformStack: string;
  shard: number;
  tenants: string[];
}

const schema = z.object({
  platformStack: z
    .string()
    .regex(/^([\w.-]+\/){0,2}[\w.-]+$/, { message: "must be a stack reference: [org/][project/]stack" }),
  shard: z.coerce.number().int().min(0),
  tenants: z
    .array(z.string().regex(TENANT_ID_PATTERN, { message: "must be a tenant id (lower-case DNS label)" }))
    .min(1, { message: "lists no tenant" })
    .refine((ids) => new Set(ids).size === ids.length, { message: "repeats a tenant" }),
});

/** Reads and validates the shard's configuration before anything registers; every problem at once. */
export function readShardConfig(): ShardConfig {
  const config = new pulumi.Config(TENANT_KEYS_PROJECT);
  const raw = {
    platformStack: config.get("platformStack"),
    shard: config.get("shard"),
    tenants: config.getObject<unknown>("tenants"),
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${TENANT_KEYS_PROJECT}:${i.path.join(".") || "config"}: ${i.message}`,
    );
    throw new pulumi.RunError(`invalid shard configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}
