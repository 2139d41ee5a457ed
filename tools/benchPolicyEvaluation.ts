// Times policy evaluation alone, in process: the stack is planned once, then every pack is
// evaluated on it `runs` times. Prints one JSON line: { resources, medianMs, minMs, maxMs }.
// Used by tools/bench.ts; args: <stack-file> <stack-name> <runs>.
import { runCommand } from "./cli/crash";
import { evaluatePacks } from "../engine/policyEvaluator";
import { runOffline } from "../engine/run";
import { readStackFile } from "../engine/stackFile";
import { PACKS } from "../policies/packs";

async function main(): Promise<void> {
  const [file, stack, runs] = process.argv.slice(2);
  const run = await runOffline(readStackFile(file, stack));
  const times: number[] = [];
  for (let i = 0; i < Number(runs); i++) {
    const start = process.hrtime.bigint();
    await evaluatePacks(PACKS, run.resources);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const line = {
    resources: run.resources.length,
    medianMs: times[Math.floor(times.length / 2)],
    minMs: times[0],
    maxMs: times[times.length - 1],
  };
  process.stdout.write(JSON.stringify(line) + "\n");
}

runCommand("benchPolicyEvaluation", async () => {
  await main();
  return 0;
});
