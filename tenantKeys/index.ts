// Entry point of the tenant-key shard stacks (tenant-keys/Pulumi.yaml): the shard's configuration
// is checked before anything registers, then its keys are built.
import { readShardConfig } from "./config";
import { buildTenantKeyShard } from "./program";
import { cheaperSdkStacks } from "../platform/sdkTraces";

cheaperSdkStacks();
export = buildTenantKeyShard(readShardConfig());
