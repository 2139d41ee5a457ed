/* eslint-disable @typescript-eslint/no-require-imports */
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

/** A directory holding `bin/pulumi`: the CLI the tools run, instead of the `pulumi` on PATH. */
export const PULUMI_ROOT_ENV = "QAIROPAY_PULUMI_ROOT";

/** The Pulumi CLI cannot be started; the message says how to point the tools at one. */
export class PulumiCliMissing extends Error {}

// The SDK's own result and error classes, so that errors are classified exactly as the Automation
// API classifies them (ConcurrentUpdateError, StackNotFoundError: automation/errors.ts).
const { CommandResult } = require("@pulumi/pulumi/automation/cmd");
const { createCommandError } = require("@pulumi/pulumi/automation/errors");

/** CLI processes running now: a second Ctrl-C is passed to them (the CLI then stops at once). */
const running = new Set<ChildProcess>();

let cached: Promise<PulumiCommand> | undefined;

/**
 * The Pulumi CLI for the Automation API: found as `PulumiCommand.get` finds it (`$QAIROPAY_PULUMI_ROOT/bin/pulumi`,
 * else `pulumi` on PATH; `pulumi version` must print a semver of major 3, at least the SDK's
 * minimum: automation/cmd.ts), run in a process group of its own.
 *
 * Why a group of its own: Ctrl-C in a terminal sends SIGINT to the whole foreground process group
 * (pulumi/pulumi#6334, pulumi/pulumi-dotnet#124), so the CLI would get it once from the terminal
 * and once more from the Automation API's `signal` (automation/cmd.ts: `proc.kill("SIGINT")` on
 * abort) — and a second SIGINT makes the CLI terminate at once instead of cancelling
 * (pkg/backend/cancellation_scope.go: "If you would like to terminate immediately, press ^C
 * again"). In its own group the CLI gets exactly the signals the tool forwards. Everything else is
 * what the SDK's own `run` does (`--non-interactive`, PULUMI_AUTOMATION_API, the CLI's directory
 * first on PATH for its bundled plugins).
 */
export function pulumiCommand(): Promise<PulumiCommand> {
  cached ??= load();
  return cached;
}

async function load(): Promise<PulumiCommand> {
  const { PulumiCommand } = await import("@pulumi/pulumi/automation");
  const root = process.env[PULUMI_ROOT_ENV] || undefined;
  let found: PulumiCommand;
  try {
    found = await PulumiCommand.get({ root, skipVersionCheck: false });
  } catch (err) {
    const where = root ? `${path.join(root, "bin", "pulumi")} (${PULUMI_ROOT_ENV})` : "`pulumi` on PATH";
    throw new PulumiCliMissing(
      `the Pulumi CLI is needed and ${where} cannot be run (${cliErrors(err).split("\n")[0]}): install it ` +
        `(https://www.pulumi.com/docs/iac/download-install/) and put it on PATH, or set ${PULUMI_ROOT_ENV} ` +
        "to the directory that holds bin/pulumi",
    );
  }
  const command = found.command;
  const grouped = Object.create(found) as PulumiCommand & { run: typeof run };
  grouped.run = run;
  return grouped;

  function run(
    args: string[],
    cwd: string,
    additionalEnv: Record<string, string>,
    onOutput?: (data: string) => void,
    onError?: (data: string) => void,
    signal?: AbortSignal,
  ): Promise<unknown> {
    if (!args.includes("--non-interactive")) args.push("--non-interactive");
    const env: NodeJS.ProcessEnv = { ...process.env, ...additionalEnv, PULUMI_AUTOMATION_API: "true" };
    if (path.isAbsolute(command))
      env.PATH = `${path.dirname(command)}${path.delimiter}${additionalEnv.PATH ?? process.env.PATH ?? ""}`;
    return new Promise((resolve, reject) => {
      if (signal?.aborted)
        return reject(createCommandError(new CommandResult("", "not started: cancelled", -2)));
      const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      running.add(child);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        onOutput?.(d.toString());
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        onError?.(d.toString());
      });
      const cancel = () => child.kill("SIGINT");
      signal?.addEventListener("abort", cancel, { once: true });
      child.on("error", (err) => {
        running.delete(child);
        reject(createCommandError(new CommandResult(stdout, `${stderr}${err.message}`, -2, err)));
      });
      child.on("close", (code, killedBy) => {
        running.delete(child);
        signal?.removeEventListener("abort", cancel);
        const exit = code ?? (killedBy ? -1 : 0);
        if (exit === 0) return resolve(new CommandResult(stdout, stderr, 0));
        // Killed by a signal, the CLI could say nothing: say what happened.
        const said = killedBy ? `${stderr}error: pulumi was killed by ${killedBy}\n` : stderr;
        reject(createCommandError(new CommandResult(stdout, said, exit)));
      });
    });
  }
}

/** Runs one CLI command that the Automation API has no option for (e.g. `refresh --import-pending-creates`). */
export async function runPulumi(
  args: string[],
  cwd: string,
  signal?: AbortSignal,
): Promise<{ stdout: string; stderr: string }> {
  const cli = (await pulumiCommand()) as PulumiCommand & {
    run: (
      a: string[],
      c: string,
      e: Record<string, string>,
      o?: unknown,
      r?: unknown,
      s?: AbortSignal,
    ) => Promise<{ stdout: string; stderr: string }>;
  };
  return cli.run([...args], cwd, {}, undefined, undefined, signal);
}

/** The CLI's version as `pulumi version` printed it. */
export async function pulumiVersion(): Promise<string> {
  return String((await pulumiCommand()).version ?? "unknown");
}

/** The processes of the CLI running now (a second Ctrl-C is sent to them). */
export function runningCliProcesses(): ChildProcess[] {
  return [...running];
}

/**
 * The CLI's own error lines from an Automation API error (whose message dumps the whole command
 * result: code, stdout, stderr): its `error: …` lines and the lock lines under them, else its last
 * lines. What an operator needs, without the rest.
 */
export function cliErrors(err: unknown): string {
  const text = (err as { message?: string } | undefined)?.message ?? String(err);
  // CommandResult.toString(): "code: <n>\n stdout: <stdout>\n stderr: <stderr>\n err?: <error>".
  const lines = text
    .split("\n")
    .filter((l) => !/^\s*(code: -?\d+|err\?:.*)\s*$/.test(l))
    .map((l) => l.replace(/^\s*(stdout|stderr):\s*/, "").trim());
  const errors = lines.filter((l) => /^error: /.test(l) || / created by .+ \(pid \d+\)/.test(l));
  return (errors.length ? errors : lines.filter(Boolean).slice(-3)).join("\n");
}
