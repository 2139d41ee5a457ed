// Benchmark (not a test) of the emergency rotation of every tenant KEK (ENC-06) against the local
// KMS emulator over real HTTP, with the quota the stack requests for that many tenants.
// Time is compressed: "a minute" lasts 60 s / speedup, for the quota window, the pacing and the
// emulated round trip alike, so the wall time times `speedup` projects the real duration. What
// the projection cannot show is Google's own latency variance; the plan leaves a third of the
// 15-minute budget for it.
//   npm run bench:rotation -- --tenants 10000 --speedup 20 --runs 3
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command } from "commander";
import { runCommand } from "./cli/crash";
import { EXIT_OK, parseOrStop, verboseOption } from "./cli/exitCodes";
import { KmsEmulator } from "../engine/kmsEmulator";
import { loadStack } from "../engine/stackFile";
import { configFromValues } from "../platform/config/read";
import { RotationJournal } from "./keyRotation/journal";
import { KmsClient } from "./keyRotation/kmsClient";
import { rotateTenantKeys } from "./keyRotation/rotateTenantKeys";
import { planRotation } from "./keyRotation/rotationPlan";

const opts = parseOrStop(
  new Command("bench:rotation")
    .option("--tenants <n>", "tenants (one KEK each in both regions)", "10000")
    .option("--speedup <n>", "time compression factor", "20")
    .option("--latency-ms <n>", "emulated KMS round trip, in real milliseconds", "80")
    .option("--runs <n>", "runs", "3")
    .addOption(verboseOption()),
).opts<{ tenants: string; speedup: string; latencyMs: string; runs: string }>();

async function once(): Promise<{ projectedMinutes: number; wallS: number; throttled: number; peak: number }> {
  const speedup = Number(opts.speedup);
  const windowMs = 60_000 / speedup;
  const base = configFromValues(loadStack("prod").values, "prod");
  const config = {
    ...base,
    tenants: Array.from({ length: Number(opts.tenants) }, (_, i) => ({
      id: `t-${i}`,
      displayName: `T ${i}`,
    })),
  };
  const plan = planRotation(config);
  const emulator = new KmsEmulator({
    token: "bench",
    writesPerMinute: plan.writeQuotaPerMinute,
    readsPerMinute: 600,
    windowMs,
    latencyMs: Number(opts.latencyMs) / speedup,
  });
  const endpoint = await emulator.start();
  for (const r of plan.regions)
    emulator.seed(
      r.ring,
      config.tenants.map((t) => `kek-${t.id}`),
      new Date(0),
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-rotation-"));
  const journal = RotationJournal.create(path.join(dir, "r.jsonl"), {
    rotationId: "bench",
    stack: "bench",
    startedAt: new Date().toISOString(),
    reason: "benchmark",
    operator: "bench",
  });
  const client = new KmsClient({
    endpoint,
    accessToken: async () => "bench",
    quotaProject: plan.project,
    secondMs: 1000 / speedup,
  });
  const start = performance.now();
  const outcome = await rotateTenantKeys({ plan, client, journal, windowMs, concurrency: 16 });
  const wallS = (performance.now() - start) / 1000;
  await emulator.stop();
  fs.rmSync(dir, { recursive: true });
  if (!outcome.complete) throw new Error("the benchmark rotation did not complete");
  return {
    projectedMinutes: plan.projectedMinutes,
    wallS,
    throttled: emulator.stats.throttled,
    peak: emulator.stats.peakWritesPerWindow,
  };
}

async function main(): Promise<void> {
  const results = [];
  for (let i = 0; i < Number(opts.runs); i++) results.push(await once());
  const walls = results.map((r) => r.wallS).sort((a, b) => a - b);
  const median = walls[Math.floor(walls.length / 2)];
  const speedup = Number(opts.speedup);
  console.log(
    `rotation of ${opts.tenants} tenants x 2 regions: planned ${results[0].projectedMinutes.toFixed(1)} min; ` +
      `measured ${median.toFixed(1)} s at ${speedup}x (min ${walls[0].toFixed(1)}, max ${walls.at(-1)?.toFixed(1)}) ` +
      `= ${((median * speedup) / 60).toFixed(1)} min projected; throttled ${results.map((r) => r.throttled).join("/")}, ` +
      `peak writes per window ${Math.max(...results.map((r) => r.peak))} [${results.length} runs]`,
  );
}

runCommand("bench:rotation", async () => {
  await main();
  return EXIT_OK;
});
