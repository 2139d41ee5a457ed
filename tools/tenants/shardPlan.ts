import { evaluatePacks, Violation } from "../../engine/policyEvaluator";
import { GcpMocks } from "../../engine/gcpMocks";
import { CapturedResource } from "../../engine/model";
import { RehearsalFinding, rehearseApply } from "../../engine/rehearsal/rehearse";
import { runOfflineProgram } from "../../engine/run";
import { TENANT_KEY_PACK } from "../../policies/packs";
import { readShardConfig, TENANT_KEYS_PROJECT } from "../../tenantKeys/config";
import { buildTenantKeyShard, TenantKeyRings } from "../../tenantKeys/program";

export interface ShardInput {
  shard: number;
  /** The shard stack's name (shardStackName). */
  stack: string;
  tenants: string[];
}

export interface PlatformFacts {
  /** The stack reference the shards name (`[org/]qairopay-platform/<stack>`). */
  reference: string;
  /** The platform stack's outputs, as its plan or export has them. */
  outputs: Record<string, unknown>;
  /** `<kms project>/cloudkms.googleapis.com`: the platform enables Cloud KMS, not the shard. */
  externallyEnabledApis: string[];
  deployer?: string;
  /** The platform stack's `gcp:project`: the shards' provider gets the same (`tenants up` sets it). */
  gcpProject?: string;
}

export interface ShardPlan {
  shard: ShardInput;
  resources: CapturedResource[];
  violations: Violation[];
  rehearsal: RehearsalFinding[];
}

/** The shard's stack configuration, as `tenants up` sets it (`qairopay-tenant-keys:*`). */
export function shardConfigValues(
  platformStack: string,
  shard: ShardInput,
  gcpProject?: string,
): Record<string, string> {
  return {
    ...(gcpProject ? { "gcp:project": gcpProject } : {}),
    [`${TENANT_KEYS_PROJECT}:platformStack`]: platformStack,
    [`${TENANT_KEYS_PROJECT}:shard`]: String(shard.shard),
    [`${TENANT_KEYS_PROJECT}:tenants`]: JSON.stringify(shard.tenants),
  };
}

/**
 * Plans one shard stack offline: its program under the mocks, its stack reference answered with the
 * platform's outputs, then the tenant-key pack and the apply rehearsal, as for the platform.
 */
export async function planShard(platform: PlatformFacts, shard: ShardInput): Promise<ShardPlan> {
  // The program says the same (tenantKeys/program.ts); said here, before the runtime starts.
  if (!(platform.outputs.tenantKeys as TenantKeyRings | undefined)?.rings)
    throw new Error(
      `platform stack ${platform.reference} exports no tenantKeys output: run \`pulumi up\` on the platform stack first`,
    );
  const run = await runOfflineProgram({
    project: TENANT_KEYS_PROJECT,
    stackConfig: {
      stack: shard.stack,
      values: shardConfigValues(platform.reference, shard, platform.gcpProject),
      secretKeys: [],
    },
    mocks: new GcpMocks(undefined, { [platform.reference]: platform.outputs }),
    program: () => {
      const config = readShardConfig();
      return () => buildTenantKeyShard(config);
    },
  });
  const [violations, rehearsal] = [
    await evaluatePacks([TENANT_KEY_PACK], run.resources),
    rehearseApply(run.resources, {
      externallyEnabledApis: platform.externallyEnabledApis,
      deployer: platform.deployer,
    }),
  ];
  return { shard, resources: run.resources, violations, rehearsal };
}

export type { TenantKeyRings };
