// Benchmarks (not tests): medians of repeated runs, each in a fresh process so that start-up and
// peak memory are measured as a user meets them.
//   npm run bench                     prod plan with all packs, test-suite wall time, policy-only times
//   npm run bench -- --tenants 100,1000,10000   offline plan scaling with generated tenant registries
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../platform/paths";
import { Command } from "commander";

const ROOT = PROJECT_ROOT;
const program = new Command("bench")
  .option("--runs <n>", "runs per measurement", "5")
  .option("--tenants <list>", "tenant counts for the scaling benchmark (comma-separated)")
  .option("--skip-tests", "do not time the test suite")
  .parse(process.argv);
const opts = program.opts<{ runs: string; tenants?: string; skipTests?: boolean }>();
const runs = Number(opts.runs);

interface Sample {
  wallMs: number;
  peakMb: number;
}

/** Runs a command under GNU time for wall time and peak RSS. */
function measure(command: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const start = process.hrtime.bigint();
  const result = spawnSync("/usr/bin/time", ["-f", "%M", ...command], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`${command.join(" ")} failed (${result.status}):\n${result.stderr}`);
  const peakKb = Number(result.stderr.trim().split("\n").pop());
  return { wallMs, peakMb: peakKb / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(label: string, samples: Sample[]): void {
  console.log(
    `${label.padEnd(44)} wall median ${(median(samples.map((s) => s.wallMs)) / 1000).toFixed(2)} s ` +
      `(min ${(Math.min(...samples.map((s) => s.wallMs)) / 1000).toFixed(2)}, max ${(Math.max(...samples.map((s) => s.wallMs)) / 1000).toFixed(2)})  ` +
      `peak RSS median ${median(samples.map((s) => s.peakMb)).toFixed(0)} MB  [${samples.length} runs]`,
  );
}

/** An npm script's command exactly as package.json has it, minus npm itself. */
function scriptCommand(name: "plan" | "policy"): string[] {
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const [bin, ...args] = scripts[name].split(" ");
  return [bin === "node" ? process.execPath : bin, ...args];
}
const planCommand = scriptCommand("plan");
const policyCommand = scriptCommand("policy");
/** Node with the plan script's flags, for in-process measurements. */
const node = planCommand.slice(0, -1);

/** Policy evaluation alone, in process (planned once, evaluated `runs` times). */
function policyEvaluation(stackFile: string, stack: string, label: string): void {
  const result = spawnSync(
    node[0],
    [...node.slice(1), "benchPolicyEvaluation", stackFile, stack, String(runs)],
    {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 1 << 26,
    },
  );
  if (result.status !== 0) throw new Error(`policy evaluation benchmark failed:\n${result.stderr}`);
  const r = JSON.parse(result.stdout) as {
    resources: number;
    medianMs: number;
    minMs: number;
    maxMs: number;
  };
  console.log(
    `${label.padEnd(44)} median ${(r.medianMs / 1000).toFixed(2)} s (min ${(r.minMs / 1000).toFixed(2)}, max ${(r.maxMs / 1000).toFixed(2)}) over ${r.resources} resources  [${runs} runs]`,
  );
}
console.log(
  `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);

if (opts.tenants) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-bench-"));
  const prod = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
  for (const count of opts.tenants.split(",").map(Number)) {
    const registry = `bench-tenants-${count}.yaml`;
    const registryPath = path.join(ROOT, "stacks", registry);
    const tenants = Array.from(
      { length: count },
      (_, i) => `  - id: tenant-${String(i).padStart(5, "0")}\n    displayName: Tenant ${i}\n`,
    );
    fs.writeFileSync(registryPath, `tenants:\n${tenants.join("")}`);
    const stackFile = path.join(tmp, `Pulumi.bench${count}.yaml`);
    fs.writeFileSync(stackFile, prod.replace(/tenantsFile: .*/, `tenantsFile: ${registry}`));
    try {
      const samples = Array.from({ length: runs }, () =>
        measure([...planCommand, "--stack", `bench${count}`, "--stack-file", stackFile, "--json"]),
      );
      report(`offline plan + all packs, ${count} tenants`, samples);
      policyEvaluation(stackFile, `bench${count}`, `policy evaluation only, ${count} tenants`);
    } finally {
      fs.rmSync(registryPath);
    }
  }
} else {
  report(
    "offline plan of prod + all packs (npm run plan)",
    Array.from({ length: runs }, () => measure([...planCommand, "--stack", "prod", "--json"])),
  );
  policyEvaluation(
    path.join(ROOT, "stacks", "Pulumi.prod.yaml"),
    "prod",
    "policy evaluation only, prod (in process)",
  );
  const exported = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-bench-")), "prod.json");
  measure([...planCommand, "--stack", "prod", "--export-state", exported, "--json"]);
  report(
    "policy audit of the prod export (npm run policy)",
    Array.from({ length: runs }, () => measure([...policyCommand, "--state", exported, "--json"])),
  );
  if (!opts.skipTests) {
    report(
      "test suite (jest, transpile-only)",
      Array.from({ length: Math.min(runs, 5) }, () =>
        measure([path.join(ROOT, "node_modules", ".bin", "jest"), "--silent"]),
      ),
    );
  }
}
