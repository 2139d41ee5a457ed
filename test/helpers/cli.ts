import { spawn } from "child_process";
import * as path from "path";
import { Writable } from "stream";
import { servePlainPlansFrom } from "../../engine/run";
import { CliCommand, CommandIO, ExitNow, invoke } from "../../tools/cli/command";
import { cachedPlan } from "./planCache";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ROOT = path.join(__dirname, "..", "..");

// The commands run in-process plan the stack files' configurations again and again (plan, policy,
// rehearse, failover, a flip's both sides): in the files that run them, the plain plans come from
// this jest run's plan cache, each computed once by the same program (test/helpers/planCache.ts).
// A process run (runProcess) plans for itself.
servePlainPlansFrom(cachedPlan);

/** A stream that keeps what is written to it. */
class Captured extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (err?: Error | null) => void) {
    this.text += chunk.toString();
    done();
  }
}

/**
 * Runs a command function in this process, as tools/launch.js runs it in its own: the same
 * arguments, exit code, stdout and stderr, without starting Node and loading the SDK again.
 */
export async function runInProcess(
  command: CliCommand,
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const stdout = new Captured();
  const stderr = new Captured();
  const io: CommandIO = {
    stdout,
    stderr,
    env: { ...process.env, INIT_CWD: ROOT, ...env },
    exitNow: (code) => {
      throw new ExitNow(code);
    },
  };
  const code = await invoke(command, argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs a tool as npm does (`node tools/launch.js <tool>`): for the contract of the process itself. */
export function runProcess(tool: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join("tools", "launch.js"), tool, ...args], {
      cwd: ROOT,
      // As `npm run` from the repository root: user paths resolve there (tools/tenants/inputs.ts).
      env: { ...process.env, INIT_CWD: ROOT, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
