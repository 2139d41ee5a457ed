import { ChildProcess, fork } from "child_process";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../../platform/paths";
import type { ShardReport, WorkerReply, WorkerRequest } from "./planWorker";

/** The compiled worker (tools/build.js keeps bin/ current; tests run the sources, the children bin/). */
const WORKER = path.join(PROJECT_ROOT, "bin", "tools", "tenants", "planWorker.js");
import { PlatformFacts, ShardInput } from "./shardPlan";

export interface PlanAllOptions {
  /** Child processes planning shards side by side. @default the machine's cores, at most 4 */
  workers?: number;
  /** Include each shard's resources in its report (`--json`). */
  withResources: boolean;
  /** Receives each shard's report in shard order, as soon as it and those before it are done. */
  onReport: (report: ShardReport) => void | Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

export interface CoverageProblem {
  tenant?: string;
  shard?: number;
  problem: string;
}

export interface PlanAllResult {
  shards: number;
  resources: number;
  /** Tenant KEKs across the shards. */
  keks: number;
  coverage: CoverageProblem[];
}

/**
 * Plans every shard in child processes and checks what no single shard can: every registered tenant
 * has a KEK in every serving region, in exactly one shard, and no shard is over its limit.
 */
export async function planAllShards(
  platform: PlatformFacts | Promise<PlatformFacts>,
  regions: readonly string[],
  tenants: readonly string[],
  limit: number,
  shards: ShardInput[],
  options: PlanAllOptions,
): Promise<PlanAllResult> {
  const regionsOf = new Map<string, Set<string>>();
  const shardOf = new Map<string, number>();
  const coverage: CoverageProblem[] = [];
  let resources = 0;
  let keks = 0;
  const collect = (report: ShardReport) => {
    resources += report.resourceCount;
    keks += report.keks.length;
    if (report.shard.tenants.length > limit)
      coverage.push({
        shard: report.shard.shard,
        problem: `shard ${report.shard.stack} holds ${report.shard.tenants.length} tenants, over the limit of ${limit}`,
      });
    for (const [tenant, region] of report.keks) {
      const other = shardOf.get(tenant);
      if (other !== undefined && other !== report.shard.shard)
        coverage.push({
          tenant,
          problem: `tenant ${tenant} has KEKs in shards ${other} and ${report.shard.shard}`,
        });
      shardOf.set(tenant, report.shard.shard);
      if (!regionsOf.has(tenant)) regionsOf.set(tenant, new Set());
      regionsOf.get(tenant)?.add(region);
    }
  };
  await runWorkers(platform, shards, options, collect);
  for (const tenant of tenants)
    for (const region of regions.filter((r) => !regionsOf.get(tenant)?.has(r)))
      coverage.push({ tenant, problem: `tenant ${tenant} has no KEK in ${region} in any shard` });
  return { shards: shards.length, resources, keks, coverage };
}

async function runWorkers(
  platformFacts: PlatformFacts | Promise<PlatformFacts>,
  shards: ShardInput[],
  options: PlanAllOptions,
  collect: (report: ShardReport) => void,
): Promise<void> {
  if (shards.length === 0) return;
  const count = Math.min(options.workers ?? Math.min(os.availableParallelism(), 4), shards.length);
  const pending = [...shards];
  const done = new Map<number, ShardReport>();
  const order = shards.map((s) => s.shard);
  let delivered = 0;
  let chain = Promise.resolve();
  // The children start (and load the SDK) while the platform's outputs are still being planned.
  const workers: ChildProcess[] = Array.from({ length: count }, () =>
    // A larger young generation: planning allocates in bursts, and scavenges dominated the profile.
    fork(WORKER, [], { execArgv: ["--max-semi-space-size=32"], stdio: ["ignore", "inherit", "pipe", "ipc"] }),
  );
  // What a planner says on stderr is kept (the end of it) to explain an early exit.
  const stderr = workers.map((w) => {
    const tail: string[] = [];
    w.stderr?.on("data", (chunk: Buffer) => {
      tail.push(chunk.toString());
      if (tail.length > 20) tail.shift();
    });
    return tail;
  });
  try {
    const platform = await platformFacts;
    await new Promise<void>((resolve, reject) => {
      const dispatch = (worker: ChildProcess) => {
        const next = pending.shift();
        if (next)
          worker.send({
            type: "shard",
            shard: next,
            withResources: options.withResources,
          } satisfies WorkerRequest);
      };
      workers.forEach((worker, i) => {
        worker.on("exit", (code) => {
          if (delivered < shards.length) {
            const said = stderr[i].join("").trim().split("\n").slice(-10).join("\n");
            reject(
              new Error(
                `a shard planner exited (code ${code}) before the plan finished${said ? `:\n${said}` : ""}`,
              ),
            );
          }
        });
        worker.on("message", (reply: WorkerReply) => {
          if (reply.type === "failed") return reject(new Error(`shard ${reply.shard}: ${reply.message}`));
          done.set(reply.report.shard.shard, reply.report);
          dispatch(worker);
          // Reports leave in shard order: hold the ones that finished early.
          chain = chain.then(async () => {
            while (delivered < order.length && done.has(order[delivered])) {
              const report = done.get(order[delivered]) as ShardReport;
              done.delete(order[delivered]);
              collect(report);
              await options.onReport(report);
              delivered++;
              options.onProgress?.(delivered, shards.length);
            }
            if (delivered === shards.length) resolve();
          }, reject);
        });
        worker.send({ type: "platform", platform } satisfies WorkerRequest);
        dispatch(worker);
      });
    });
  } finally {
    for (const worker of workers) worker.kill();
  }
}
