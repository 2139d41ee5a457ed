/* eslint-disable @typescript-eslint/no-require-imports */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
/** The scripted `pulumi` (test/pulumiDouble): handed to the tools as QAIROPAY_PULUMI_ROOT. */
export const DOUBLE_ROOT = path.join(ROOT, "test", "pulumiDouble");

/** Its backend helpers, for setting the scene (a deployed platform stack) and reading the result. */
export const doubleBackend: {
  seedStack: (
    dir: string,
    project: string,
    name: string,
    state?: { outputs?: Record<string, unknown>; resources?: unknown[]; pending?: unknown[] },
  ) => void;
} = require(path.join(DOUBLE_ROOT, "backend.js"));

/**
 * A copy of the repository for one test: the compiled tools (bin/), the projects, stacks and
 * packs, with node_modules linked. Tools started from it take it as their project root, so stack
 * files, ledgers, journals and shard stack files are written there, never in the working tree.
 */
const checkouts: string[] = [];

/** Removes the checkouts this test file made (call in afterAll). */
export function removeCheckouts(): void {
  for (const dir of checkouts.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export function scratchCheckout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-checkout-"));
  checkouts.push(dir);
  for (const entry of ["Pulumi.yaml", "package.json", "stacks", "tenant-keys", "policies", "bin"])
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}node_modules`),
    });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.mkdirSync(path.join(dir, "backend"));
  return dir;
}

/** Where the scripted backend keeps a stack's lock files (pkg/backend/diy/lock.go's layout). */
export function lockDir(checkout: string, project: string, stack: string): string {
  return path.join(checkout, "backend", ".pulumi", "locks", "organization", project, stack);
}

/** The lock files a stack has now. */
export function lockFiles(checkout: string, project: string, stack: string): string[] {
  const dir = lockDir(checkout, project, stack);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** A lock held by another operator's update, as the backend writes it: `<id>.json` with its holder. */
export function holdLock(
  checkout: string,
  project: string,
  stack: string,
  holder: { pid: number; username: string; hostname: string },
): void {
  const dir = lockDir(checkout, project, stack);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "held.json"),
    JSON.stringify({ ...holder, timestamp: "2026-05-04T10:00:00Z" }),
  );
}

/** The environment that points a tool at the scripted CLI and the checkout's backend. */
export function doubleEnv(checkout: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    INIT_CWD: checkout,
    QAIROPAY_PULUMI_ROOT: DOUBLE_ROOT,
    PULUMI_BACKEND_URL: `file://${path.join(checkout, "backend")}`,
    PULUMI_DOUBLE_LOG: path.join(checkout, "pulumi-calls.jsonl"),
    PULUMI_CONFIG_PASSPHRASE: "test-passphrase",
    ...extra,
  };
}

/** The scripted CLI's invocations so far (argv of each). */
export function doubleCalls(checkout: string): string[][] {
  const file = path.join(checkout, "pulumi-calls.jsonl");
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
}

export interface ToolRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<number | null>;
}

/** Starts a tool of the checkout as `npm run <tool>` would (bin/tools/<tool>.js). */
export function startTool(
  checkout: string,
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { ownProcessGroup?: boolean } = {},
): ToolRun {
  // In a process group of its own, as a shell runs a foreground job: a terminal's Ctrl-C reaches the group.
  const child = spawn(process.execPath, [path.join(checkout, "bin", "tools", `${tool}.js`), ...args], {
    cwd: checkout,
    env,
    detached: options.ownProcessGroup,
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Waits until `ready()` holds (polling), or fails after `ms`. */
export async function until(ready: () => boolean, ms = 20_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
