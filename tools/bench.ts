// Benchmarks (not tests): medians of repeated runs, each in a fresh process so that start-up and
// peak memory are measured as a user meets them.
//   npm run bench                     install, start-up (plan vs SDK load, language host), prod plan,
//                                     policy-only times, and each phase of npm test
//   npm run bench -- --tenants 100,1000,10000   offline plan scaling with generated tenant registries
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../platform/paths";
import { Command } from "commander";
import { measureLanguageHostStart } from "./bench/languageHost";

const ROOT = PROJECT_ROOT;
const program = new Command("bench")
  .option("--runs <n>", "runs per measurement", "5")
  .option("--tenants <list>", "tenant counts for the scaling benchmark (comma-separated)")
  .option("--skip-tests", "do not time the test suite")
  .option("--skip-install", "do not time npm ci")
  .parse(process.argv);
const opts = program.opts<{ runs: string; tenants?: string; skipTests?: boolean; skipInstall?: boolean }>();
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
function scriptCommand(name: string): string[] {
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
  void main();
}

async function main(): Promise<void> {
  if (!opts.skipInstall) installTimes();
  startupTimes();
  await languageHostTimes();
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
  if (!opts.skipTests) testPhaseTimes();
}

/** `npm ci` from the committed lockfile into a scratch directory (npm's cache warm, as on a CI runner that keeps it). */
function installTimes(): void {
  const samples = Array.from({ length: Math.min(runs, 3) }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-install-"));
    for (const f of ["package.json", "package-lock.json"])
      fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    try {
      const start = process.hrtime.bigint();
      const result = spawnSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], {
        cwd: dir,
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(`npm ci failed:\n${result.stderr}`);
      return { wallMs: Number(process.hrtime.bigint() - start) / 1e6, peakMb: 0 };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  report("npm ci (committed lockfile)", samples);
}

/** The offline plan against loading the SDKs it needs, run by run in the same session. */
function startupTimes(): void {
  const sdkLoad = [
    process.execPath,
    "-e",
    'for (const m of ["@pulumi/pulumi", "@pulumi/gcp", "@pulumi/kubernetes", "@pulumi/policy"]) require(m)',
  ];
  const sdk: Sample[] = [];
  const plan: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    sdk.push(measure(sdkLoad));
    plan.push(measure([...planCommand, "--stack", "prod", "--json"]));
  }
  report("loading the Pulumi SDKs alone", sdk);
  report("offline plan of prod + all packs (npm run plan)", plan);
  const ratios = plan.map((p, i) => p.wallMs / sdk[i].wallMs);
  console.log(
    `${"plan / SDK load, run by run".padEnd(44)} median ${median(ratios).toFixed(2)}x (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})  [target 2.5x]`,
  );
}

/** The program started as `pulumi preview` starts it, up to its first resource registration. */
async function languageHostTimes(): Promise<void> {
  for (const stack of ["prod", "staging"]) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await measureLanguageHostStart(stack));
    const first = samples.map((x) => x.firstRegistrationMs / 1000);
    console.log(
      `${`language host start-up, ${stack}`.padEnd(44)} first registration median ${median(first).toFixed(2)} s (min ${Math.min(...first).toFixed(2)}, max ${Math.max(...first).toFixed(2)})  peak RSS median ${median(samples.map((x) => x.peakMb)).toFixed(0)} MB  [${runs} runs, target 3 s]`,
    );
  }
}

/** Each phase of `npm test`, and the whole of it (its phases run concurrently). */
function testPhaseTimes(): void {
  const n = Math.min(runs, 3);
  const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);
  const phases: [string, string[]][] = [
    ["npm test: typecheck (tsc --noEmit)", [bin("tsc"), "--noEmit", "-p", "."]],
    ["npm test: lint (eslint)", [bin("eslint"), "--max-warnings", "0", "."]],
    ["npm test: format check (prettier)", [bin("prettier"), "--check", "."]],
    [
      "npm test: unit tests but the drills (jest)",
      [bin("jest"), "--silent", "--testPathIgnorePatterns", "drills"],
    ],
    ["npm test: PostgreSQL drills (jest)", [bin("jest"), "--silent", "test/drills.test.ts"]],
    ["npm test, whole (phases concurrently)", ["npm", "test", "--silent"]],
  ];
  for (const [label, command] of phases)
    report(
      label,
      Array.from({ length: n }, () => measure(command)),
    );
}
