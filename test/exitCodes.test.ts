// The exit-code contract (README, "Exit codes") through real processes: a crash — a source that
// does not compile, a module that throws while it loads, an error nobody handled — exits 3 naming
// the file and line, never 1 (the verdict's code); the stack only with --verbose or DEBUG=1; a
// closed stdout exits 141 without a word. The crash cases run the real tools/launch.js,
// tools/build.js and tools/cli/crash.ts in a scratch checkout holding tools that crash on purpose.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
// V8's frames are indented by four spaces; the crash report's own "  at <file>:<line>" by two.
const STACK_FRAME = /^ {4}at .+:\d+:\d+\)?$/m;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function launch(
  root: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  closeStdout = false,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "tools", "launch.js"), ...args], {
      cwd: root,
      env: { ...process.env, DEBUG: "", INIT_CWD: root, ...env },
    });
    let stdout = "";
    let stderr = "";
    // The reader goes away before the tool writes: its first write meets EPIPE.
    if (closeStdout) child.stdout.destroy();
    else child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A checkout with the real launcher, build and crash handling, and the given tools. */
function scratchCheckout(tools: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-exit-"));
  for (const file of [
    "tools/launch.js",
    "tools/build.js",
    "tools/cli/badInput.ts",
    "tools/cli/command.ts",
    "tools/cli/crash.ts",
    "tools/cli/crashReport.ts",
    "tools/cli/exitCodes.ts",
    "tools/cli/interrupted.ts",
    "tsconfig.json",
  ]) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(root, file));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
  for (const [name, source] of Object.entries(tools))
    fs.writeFileSync(path.join(root, "tools", `${name}.ts`), source);
  return root;
}

/** Compiles the scratch checkout once, so that the runs side by side do not each compile it. */
function build(root: string): void {
  expect(spawnSync(process.execPath, [path.join(root, "tools", "build.js")]).status).toBe(0);
}

const TOOLS = {
  // Line 3 reads a field of a section the configuration lacks: a TypeError while the module loads.
  loadCrash: [
    "// a module that throws while it loads",
    "const config: { region?: { name: string } } = {};",
    "export const name = config.region!.name;",
    "",
  ].join("\n"),
  runtimeCrash: [
    'import { runCommand } from "./cli/crash";',
    "async function main(): Promise<number> {",
    "  await new Promise((resolve) => setTimeout(resolve, 1));",
    '  throw new Error("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") });',
    "}",
    'runCommand("runtimeCrash", main);',
    "",
  ].join("\n"),
  lateRejection: [
    'import { runCommand } from "./cli/crash";',
    "// A promise nobody awaits rejects while main still runs.",
    'void Promise.reject(new RangeError("a background task failed"));',
    'runCommand("lateRejection", () => new Promise<number>(() => undefined));',
    "",
  ].join("\n"),
  // A drill's own step stopped by Ctrl-C after its clean-up (tools/drill/cloudSqlRestore.ts).
  interruptedRun: [
    'import { runCommand } from "./cli/crash";',
    'import { Interrupted } from "./cli/interrupted";',
    'runCommand("interruptedRun", async () => {',
    '  throw new Interrupted("interrupted (SIGINT) during import: cleaned up");',
    "});",
    "",
  ].join("\n"),
  verdict: ['import { runCommand } from "./cli/crash";', 'runCommand("verdict", async () => 1);', ""].join(
    "\n",
  ),
};

describe("a crash exits 3 with the file and line, never 1", () => {
  let root: string;
  beforeAll(() => {
    root = scratchCheckout(TOOLS);
    build(root);
  });

  test("an exception while a module loads: exit 3, `<tool> failed: <message>`, its source line, no stack", async () => {
    const r = await launch(root, ["loadCrash"]);
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split("\n");
    expect(lines.at(-3)).toMatch(
      /^loadCrash failed: Cannot read properties of undefined \(reading 'name'\)$/,
    );
    expect(lines.at(-2)).toMatch(/^ {2}at tools\/loadCrash\.ts:3:\d+$/);
    expect(lines.at(-1)).toBe("  (--verbose or DEBUG=1 prints the stack trace)");
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  test("an error main throws: exit 3, the message with its cause, the TypeScript line (source-mapped)", async () => {
    const r = await launch(root, ["runtimeCrash"]);
    expect(r.code).toBe(3);
    expect(r.stderr.split("\n").slice(0, 2)).toEqual([
      "runtimeCrash failed: fetch failed: connect ECONNREFUSED 127.0.0.1:1",
      "  at tools/runtimeCrash.ts:4:9",
    ]);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  test("an interruption a tool lets through is not a crash: exit 130 and its message, no source line", async () => {
    const r = await launch(root, ["interruptedRun"]);
    expect([r.code, r.stderr]).toEqual([
      130,
      "interruptedRun: interrupted (SIGINT) during import: cleaned up\n",
    ]);
  });

  test("--verbose and DEBUG=1 print the stack; DEBUG=0 does not", async () => {
    const [verbose, debug, off] = await Promise.all([
      launch(root, ["runtimeCrash", "--verbose"]),
      launch(root, ["runtimeCrash"], { DEBUG: "1" }),
      launch(root, ["runtimeCrash"], { DEBUG: "0" }),
    ]);
    for (const r of [verbose, debug]) {
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(STACK_FRAME);
      expect(r.stderr).toContain("Error: fetch failed");
    }
    expect(off.code).toBe(3);
    expect(off.stderr).not.toMatch(STACK_FRAME);
  });

  test("a rejection nobody handled: exit 3 (Node alone would exit 1)", async () => {
    const r = await launch(root, ["lateRejection"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^lateRejection failed: a background task failed\n {2}at tools\/lateRejection\.ts:3:\d+\n/,
    );
  });

  test("a verdict still exits 1 through the same path", async () => {
    expect((await launch(root, ["verdict"])).code).toBe(1);
  });

  test("a source that does not compile: exit 3 naming <file>:<line>:<column>, not a stack into bin/", async () => {
    const broken = scratchCheckout({ ...TOOLS, syntaxError: "export const retries = ;\n" });
    const r = await launch(broken, ["verdict"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      "verdict failed: cannot compile tools/syntaxError.ts:1:24: Expression expected.",
    );
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  test("an unknown tool or no tool: exit 2 (usage)", async () => {
    const [unknown, none] = await Promise.all([launch(root, ["nosuchtool"]), launch(root, [])]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: no tool "nosuchtool"');
    expect(none.code).toBe(2);
  });
});

describe("the real commands", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-exit-real-"));
  // The smallest deployment export `rehearse --state` accepts: the stack resource alone.
  const state = path.join(tmp, "state.json");
  fs.writeFileSync(
    state,
    JSON.stringify({
      version: 3,
      deployment: {
        manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3.248.0" },
        resources: [
          {
            urn: "urn:pulumi:prod::qairopay-platform::pulumi:pulumi:Stack::qairopay-platform-prod",
            custom: false,
            type: "pulumi:pulumi:Stack",
          },
        ],
      },
    }),
  );

  test("stdout closed before the report: exit 141, nothing on stderr", async () => {
    const r = await launch(ROOT, ["rehearse", "--state", state, "--json"], {}, true);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(141);
  });

  test("the same report to an open stdout exits 0, so 141 is the closed pipe's", async () => {
    const r = await launch(ROOT, ["rehearse", "--state", state, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ findings: [], prerequisites: [] });
  });

  test("a benchmark's usage error exits 2, as every command's does (commander alone exits 1)", async () => {
    const r = await launch(ROOT, ["benchDrills", "--runz", "3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--runz'");
  });

  test("--verbose is an option of the commands, subcommands included (tenants)", async () => {
    const results = await Promise.all(
      [["plan"], ["tenants", "plan"]].map((command) => launch(ROOT, [...command, "--verbose", "--help"])),
    );
    for (const r of results) {
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("--verbose");
      expect(r.code).toBe(0);
    }
  });
});

test("every command's entry point goes through runCommand or is a command function (or loads and exits synchronously)", () => {
  const scripts = Object.values(
    (
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts,
  );
  const tools = scripts.flatMap((s) => /^node tools\/launch\.js (\w+)$/.exec(s)?.[1] ?? []);
  expect(tools.length).toBeGreaterThanOrEqual(13);
  for (const tool of tools) {
    const source = fs.readFileSync(path.join(ROOT, "tools", `${tool}.ts`), "utf8");
    // A `.then(…, (err) => process.exit(n))` or `.catch` of its own would pick its own code again.
    expect([tool, /process\.exit\(1\)|main\(\)\.(then|catch)\(/.test(source)]).toEqual([tool, false]);
    // A command function (tools/cli/command.ts) is run by tools/launch.js through runAsProcess, and
    // exits nowhere itself; a module-level script calls runCommand.
    const commandFunction = /^export const command: CliCommand = /m.test(source);
    if (commandFunction) expect([tool, source.includes("process.exit")]).toEqual([tool, false]);
    if (/\basync function main\b/.test(source))
      expect([tool, commandFunction || source.includes("runCommand(")]).toEqual([tool, true]);
  }
});
