// Benchmarks (not tests): medians of repeated runs, each in a fresh process so that start-up and
// peak memory are measured as a user meets them.
//   npm run bench                     install, start-up (plan vs SDK load, language host), prod plan,
//                                     policy-only times, and each phase of npm test
//                                     and the tenant-key shards at 1,000, 10,000 and 100,000 generated
//                                     tenants: the onboarding pull request (assign, check, plan of the
//                                     changed shard), the full plan, one CI group's plan at N = 4/16/64
//   npm run bench -- --tenants 1000,10000   only the tenant-key shard benchmark, for these counts
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../platform/paths";
import { Command } from "commander";
import { runCommand } from "./cli/crash";
import { EXIT_OK, parseOrStop, verboseOption } from "./cli/exitCodes";
import { measureLanguageHostStart } from "./bench/languageHost";

const ROOT = PROJECT_ROOT;
const program = new Command("bench")
  .option("--runs <n>", "runs per measurement", "5")
  .option("--tenants <list>", "only the tenant-key benchmark, for these tenant counts (comma-separated)")
  .option("--skip-tenants", "do not run the tenant-key benchmark")
  .option("--skip-tests", "do not time the test suite")
  .option("--skip-install", "do not time npm ci")
  .addOption(verboseOption());
parseOrStop(program);
const opts = program.opts<{
  runs: string;
  tenants?: string;
  skipTenants?: boolean;
  skipTests?: boolean;
  skipInstall?: boolean;
}>();
const runs = Number(opts.runs);

interface Sample {
  wallMs: number;
  peakMb: number;
  /** User + system CPU seconds of the process and its children: the figure a loaded machine distorts least. */
  cpuS?: number;
}

/** Runs a command under GNU time for wall time and peak RSS. */
function measure(command: string[], env: NodeJS.ProcessEnv = {}): Sample {
  // Progress on stderr (the figures go to stdout): a 100,000-tenant run takes many minutes.
  process.stderr.write(
    `  … ${command
      .map((a) => path.basename(a))
      .join(" ")
      .slice(0, 160)}\n`,
  );
  const start = process.hrtime.bigint();
  const result = spawnSync("/usr/bin/time", ["-f", "%M %U %S", ...command], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`${command.join(" ")} failed (${result.status}):\n${result.stderr}`);
  const [peakKb, user, system] = (result.stderr.trim().split("\n").pop() ?? "").split(" ").map(Number);
  return { wallMs, peakMb: peakKb / 1024, cpuS: user + system };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(label: string, samples: Sample[]): void {
  console.log(
    `${label.padEnd(44)} wall median ${(median(samples.map((s) => s.wallMs)) / 1000).toFixed(2)} s ` +
      `(min ${(Math.min(...samples.map((s) => s.wallMs)) / 1000).toFixed(2)}, max ${(Math.max(...samples.map((s) => s.wallMs)) / 1000).toFixed(2)})  ` +
      `peak RSS median ${median(samples.map((s) => s.peakMb)).toFixed(0)} MB` +
      (samples[0]?.cpuS !== undefined
        ? `  CPU median ${median(samples.map((s) => s.cpuS ?? 0)).toFixed(2)} s`
        : "") +
      `  [${samples.length} runs]`,
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
  if (!opts.skipTenants) tenantKeyScaling([1000, 10000, 100000]);
  if (!opts.skipTests) testPhaseTimes();
}

/**
 * The tenant-key shards (issues #13, #23): for generated registries of each size, the onboarding
 * pull request (one tenant added: `tenants assign`, `tenants check` and `tenants plan
 * --since-ledger`, against the prod platform plan measured in the same run), the full `tenants plan`
 * below 100,000 tenants, and at the largest size the full plan's group `1/N` for N = 4, 16, 64 (one
 * CI matrix job's share). The platform plan again with the largest registry, to show its time does
 * not grow with the tenants. Peak RSS is that of the largest single process (GNU time reports the
 * maximum over the process and the children it waited for).
 */
function tenantKeyScaling(counts: number[]): void {
  const tenantsCommand = scriptCommand("tenants");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-bench-tenants-"));
  const platform = Array.from({ length: Math.min(runs, 3) }, () =>
    measure([...planCommand, "--stack", "prod", "--json"]),
  );
  report("prod platform plan (for the ratios below)", platform);
  const base = median(platform.map((p) => p.wallMs));
  const targets: Record<number, number> = { 10000: 5, 100000: 50 };
  const writeRegistry = (file: string, count: number, extra: string[] = []) =>
    fs.writeFileSync(
      file,
      `tenants:\n${Array.from({ length: count }, (_, i) => `  - id: tenant-${String(i).padStart(6, "0")}\n    displayName: Tenant ${i}\n`).join("")}` +
        extra.map((id) => `  - id: ${id}\n    displayName: ${id}\n`).join(""),
    );
  const ratio = (label: string, samples: Sample[], target?: number) =>
    console.log(
      `${`  ${label}`.padEnd(44)} ${(median(samples.map((x) => x.wallMs)) / base).toFixed(1)}x the prod plan${target ? `  [target ${target}x]` : ""}  max process ${Math.max(...samples.map((x) => x.peakMb)).toFixed(0)} MB  [target 1024 MB]`,
    );
  for (const count of counts) {
    const registry = path.join(tmp, `tenants-${count}.yaml`);
    const ledger = path.join(tmp, `ledger-${count}.json`);
    writeRegistry(registry, count);
    measure([...tenantsCommand, "assign", "--stack", "prod", "--tenants-file", registry, "--ledger", ledger]);
    // The onboarding pull request: one tenant added to the registry, the ledger assigned again from
    // the base branch's, then what CI runs: the check and the plan of the changed shard.
    const onboarded = path.join(tmp, `tenants-${count}-onboarded.yaml`);
    const newLedger = path.join(tmp, `ledger-${count}-onboarded.json`);
    writeRegistry(onboarded, count, ["onboarded-tenant"]);
    const own = ["--stack", "prod", "--tenants-file", onboarded, "--ledger", newLedger];
    const n = Math.min(runs, 3);
    const assign = Array.from({ length: n }, () => {
      fs.copyFileSync(ledger, newLedger);
      return measure([...tenantsCommand, "assign", ...own]);
    });
    report(`tenants assign, ${count} tenants + 1`, assign);
    const check = Array.from({ length: n }, () => measure([...tenantsCommand, "check", ...own]));
    report(`tenants check, ${count} tenants`, check);
    const incremental = Array.from({ length: n }, () =>
      measure([...tenantsCommand, "plan", ...own, "--since-ledger", ledger]),
    );
    report(`tenants plan --since-ledger, ${count} (1 shard)`, incremental);
    const pullRequest = incremental.map((p, i) => ({
      wallMs: p.wallMs + check[i].wallMs + assign[i].wallMs,
      peakMb: Math.max(p.peakMb, check[i].peakMb, assign[i].peakMb),
    }));
    ratio(`onboarding PR (assign+check+plan)`, pullRequest, 3);
    if (count < 100000) {
      const full = Array.from({ length: n }, () =>
        measure([
          ...tenantsCommand,
          "plan",
          "--stack",
          "prod",
          "--tenants-file",
          registry,
          "--ledger",
          ledger,
        ]),
      );
      report(`tenants plan, ${count} tenants (${Math.ceil(count / 1000)} shards)`, full);
      ratio("full plan", full, targets[count]);
    }
  }
  // One matrix job's share of the full plan at the largest registry.
  const largest = Math.max(...counts);
  for (const groups of [4, 16, 64]) {
    if (Math.ceil(largest / 1000) < groups) continue;
    const samples = Array.from({ length: Math.min(runs, 3) }, () =>
      measure([
        ...tenantsCommand,
        "plan",
        "--stack",
        "prod",
        "--tenants-file",
        path.join(tmp, `tenants-${largest}.yaml`),
        "--ledger",
        path.join(tmp, `ledger-${largest}.json`),
        "--group",
        `1/${groups}`,
      ]),
    );
    report(`tenants plan --group 1/${groups}, ${largest} tenants`, samples);
    ratio(`one group of ${groups} (${Math.ceil(Math.ceil(largest / 1000) / groups)} shards)`, samples);
  }
  // The platform plan with the largest registry as its own: only the KMS quota is sized from it.
  const stacksCopy = path.join(ROOT, "stacks", `bench-tenants-${largest}.yaml`);
  fs.copyFileSync(path.join(tmp, `tenants-${largest}.yaml`), stacksCopy);
  const stackFile = path.join(tmp, "Pulumi.prod.yaml"); // prod's file, another registry: still stack prod (a --stack-file of another environment is refused)
  fs.writeFileSync(
    stackFile,
    fs
      .readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8")
      .replace(/tenantsFile: .*/, `tenantsFile: bench-tenants-${largest}.yaml`),
  );
  try {
    report(
      `prod platform plan with ${largest} tenants registered`,
      Array.from({ length: Math.min(runs, 3) }, () =>
        measure([...planCommand, "--stack", "prod", "--stack-file", stackFile, "--json"]),
      ),
    );
  } finally {
    fs.rmSync(stacksCopy);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  machine();
}

/** The machine and its load after the run (the header has it before): the figures mean little without them. */
function machine(): void {
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (1/5/15 min)`,
  );
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

/** Loading the SDKs the program needs, and nothing else: the floor the start-up targets are ratios to. */
const sdkLoad = [
  process.execPath,
  "-e",
  'for (const m of ["@pulumi/pulumi", "@pulumi/gcp", "@pulumi/kubernetes", "@pulumi/policy"]) require(m)',
];

const ratioLine = (label: string, ratios: number[], target: number) =>
  console.log(
    `${label.padEnd(44)} median ${median(ratios).toFixed(2)}x (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})  [target ${target}x]`,
  );

/** The offline plan against loading the SDKs it needs, run by run in the same session. */
function startupTimes(): void {
  const sdk: Sample[] = [];
  const plan: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    sdk.push(measure(sdkLoad));
    plan.push(measure([...planCommand, "--stack", "prod", "--json"]));
  }
  report("loading the Pulumi SDKs alone", sdk);
  report("offline plan of prod + all packs (npm run plan)", plan);
  ratioLine(
    "plan / SDK load, run by run",
    plan.map((p, i) => p.wallMs / sdk[i].wallMs),
    2.5,
  );
}

/**
 * The program started as `pulumi preview` starts it, to its first and its last resource
 * registration, against the mocks' monitor and the strict one (languageHost.ts); each run is
 * paired with an SDK load measured just before it, for same-run ratios.
 */
async function languageHostTimes(): Promise<void> {
  for (const stack of ["prod", "staging"])
    for (const strict of [false, true]) {
      const sdk: Sample[] = [];
      const samples = [];
      for (let i = 0; i < runs; i++) {
        sdk.push(measure(sdkLoad));
        samples.push(await measureLanguageHostStart(stack, { strict }));
      }
      const label = `language host, ${stack}${strict ? " (strict monitor)" : ""}`;
      const secs = (ms: number[]) =>
        `median ${(median(ms) / 1000).toFixed(2)} s (min ${(Math.min(...ms) / 1000).toFixed(2)}, max ${(Math.max(...ms) / 1000).toFixed(2)})`;
      console.log(
        `${label.padEnd(44)} first registration ${secs(samples.map((x) => x.firstRegistrationMs))}, last ${secs(samples.map((x) => x.lastRegistrationMs))}  peak RSS median ${median(samples.map((x) => x.peakMb)).toFixed(0)} MB  [${runs} runs]`,
      );
      ratioLine(
        "  first registration / SDK load, run by run",
        samples.map((x, i) => x.firstRegistrationMs / sdk[i].wallMs),
        2.5,
      );
      ratioLine(
        "  last registration / SDK load, run by run",
        samples.map((x, i) => x.lastRegistrationMs / sdk[i].wallMs),
        2.5,
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

// Last: main runs synchronously up to its first await, and reads the module's constants (sdkLoad…),
// which are initialised only once the whole module has been evaluated.
console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `load average ${os.loadavg()[0].toFixed(2)}, node ${process.version}`,
);
if (opts.tenants) tenantKeyScaling(opts.tenants.split(",").map(Number));
else
  runCommand("bench", async () => {
    await main();
    return EXIT_OK;
  });
