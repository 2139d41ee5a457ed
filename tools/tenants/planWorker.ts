// A child process of `tenants plan`: plans the shards it is sent, one at a time, and answers with
// each shard's report. Separate processes, because the Pulumi runtime is process-global and a
// machine has more than one core.
import { parseKeyRingId } from "../../policies/lib/gcp";
import { jsonResource } from "../cli/report";
import { PlatformFacts, planShard, ShardInput } from "./shardPlan";

export type WorkerRequest =
  | { type: "platform"; platform: PlatformFacts }
  | { type: "shard"; shard: ShardInput; withResources: boolean };

export interface ShardReport {
  shard: ShardInput;
  resources?: ReturnType<typeof jsonResource>[];
  violations: Awaited<ReturnType<typeof planShard>>["violations"];
  rehearsal: Awaited<ReturnType<typeof planShard>>["rehearsal"];
  /** `[tenant, region]` of every KEK the shard's plan holds, for the cross-shard check. */
  keks: [string, string][];
  resourceCount: number;
  seconds: number;
}

export type WorkerReply =
  { type: "report"; report: ShardReport } | { type: "failed"; shard: number; message: string };

let platform: PlatformFacts | undefined;
let queue = Promise.resolve();

process.on("message", (request: WorkerRequest) => {
  if (request.type === "platform") {
    platform = request.platform;
    return;
  }
  queue = queue.then(() => planOne(request.shard, request.withResources));
});

async function planOne(shard: ShardInput, withResources: boolean): Promise<void> {
  const started = process.hrtime.bigint();
  try {
    if (!platform) throw new Error("no platform outputs were sent before the shard");
    const plan = await planShard(platform, shard);
    const keks: [string, string][] = [];
    for (const r of plan.resources) {
      const tenant = (r.inputs.labels as Record<string, string> | undefined)?.tenant;
      const ring = parseKeyRingId(r.inputs.keyRing);
      if (r.type === "gcp:kms/cryptoKey:CryptoKey" && tenant && ring?.ring === "tenant-kek")
        keks.push([tenant, ring.location]);
    }
    const report: ShardReport = {
      shard,
      resources: withResources ? plan.resources.map(jsonResource) : undefined,
      violations: plan.violations,
      rehearsal: plan.rehearsal,
      keks,
      resourceCount: plan.resources.length,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
    process.send?.({ type: "report", report } satisfies WorkerReply);
  } catch (err) {
    process.send?.({
      type: "failed",
      shard: shard.shard,
      message: (err as Error).message,
    } satisfies WorkerReply);
  }
}
