// tools/cli/command.ts: a command function's thrown errors become the exit-code contract's codes
// and words in-process exactly as tools/launch.js turns them into a process's (test/exitCodes.test.ts
// runs the process side).
import { CliCommand } from "../tools/cli/command";
import { failInput } from "../tools/cli/exitCodes";
import { Interrupted } from "../tools/cli/interrupted";
import { runInProcess } from "./helpers/cli";

const throwing = (err: () => never): CliCommand => ({ name: "demo", run: async () => err() });

test("bad input exits 2 with `error: <message>` and no stack trace", async () => {
  expect(
    await runInProcess(
      throwing(() => failInput("--to mars: no such region")),
      [],
    ),
  ).toEqual({
    code: 2,
    stdout: "",
    stderr: "error: --to mars: no such region\n",
  });
});

test("an interrupted run exits 130 and says what it stopped", async () => {
  const r = await runInProcess(
    throwing(() => {
      throw new Interrupted("SIGINT received: stopped before the switchover");
    }),
    [],
  );
  expect(r).toEqual({
    code: 130,
    stdout: "",
    stderr: "demo: SIGINT received: stopped before the switchover\n",
  });
});

test("a closed stdout exits 141 without a word", async () => {
  const epipe = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
  expect(
    await runInProcess(
      throwing(() => {
        throw epipe;
      }),
      [],
    ),
  ).toEqual({ code: 141, stdout: "", stderr: "" });
});

test("a crash exits 3 naming the project's file and line; the stack only with --verbose", async () => {
  const crash = throwing(() => {
    throw new TypeError("Cannot read properties of undefined (reading 'regions')");
  });
  const quiet = await runInProcess(crash, []);
  expect(quiet.code).toBe(3);
  expect(quiet.stderr).toMatch(
    /^demo failed: Cannot read properties of undefined \(reading 'regions'\)\n {2}at test\/command\.test\.ts:\d+:\d+\n {2}\(--verbose or DEBUG=1 prints the stack trace\)\n$/,
  );
  const verbose = await runInProcess(crash, ["--verbose"]);
  expect(verbose.stderr).toContain("TypeError: Cannot read properties of undefined");
  expect(verbose.stderr).not.toContain("(--verbose or DEBUG=1");
});

test("exitNow ends an in-process run with its code", async () => {
  const command: CliCommand = { name: "demo", run: async (_argv, io) => io.exitNow(130) };
  expect((await runInProcess(command, [])).code).toBe(130);
});
