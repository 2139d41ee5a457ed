// The commands README and docs/ show are commands that work (issue #28 item 7): every `npm run`
// example names a script that exists with flags its tool declares, every flag a tool declares is
// documented, piped examples are `npm run -s` (npm's banner would corrupt the JSON), and every
// fenced block marked `runnable` is run, each command's exit code checked against its
// `# exit N` comment (0 when it has none). The runnable set is kept small and cheap: the heavy
// plans are run by test/cli.test.ts.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GUARD_RULES } from "../engine/preview/guardRules";

const ROOT = path.join(__dirname, "..");
const PAGES = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md") && f !== "controls.md")
    .map((f) => `docs/${f}`),
];
const SCRIPTS = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

interface Block {
  page: string;
  info: string;
  lines: string[];
}

function fencedBlocks(page: string): Block[] {
  const blocks: Block[] = [];
  let open: Block | undefined;
  for (const line of fs.readFileSync(path.join(ROOT, page), "utf8").split("\n")) {
    const fence = /^```(.*)$/.exec(line);
    if (fence && !open) open = { page, info: fence[1].trim(), lines: [] };
    else if (fence && open) {
      blocks.push(open);
      open = undefined;
    } else open?.lines.push(line);
  }
  return blocks;
}

const BLOCKS = PAGES.flatMap(fencedBlocks);

/** The commands of a block: continuation lines joined, comments kept apart. */
function commands(block: Block): { command: string; comment: string }[] {
  const joined = block.lines.join("\n").replace(/\\\n\s*/g, "");
  return joined
    .split("\n")
    .map((line) => {
      const hash = line.search(/\s#\s/);
      return hash < 0
        ? { command: line.trim(), comment: "" }
        : { command: line.slice(0, hash).trim(), comment: line.slice(hash).trim() };
    })
    .filter((c) => c.command && !c.command.startsWith("#"));
}

/** The flags a script's tool declares (commander options, the shared ones included). */
function declaredFlags(script: string): Set<string> {
  const tool = /^node tools\/launch\.js (\w+)$/.exec(SCRIPTS[script])?.[1];
  if (!tool) return new Set();
  const source = fs.readFileSync(path.join(ROOT, "tools", `${tool}.ts`), "utf8");
  const flags = new Set([...source.matchAll(/[oO]ption\(\s*"(--[a-z][a-z-]*)/g)].map((m) => m[1]));
  if (source.includes("formatOption()")) flags.add("--format");
  if (source.includes("verboseOption()") || source.includes("runGenerator(")) flags.add("--verbose");
  if (source.includes("runGenerator(")) flags.add("--check");
  flags.add("--help");
  return flags;
}

const NPM_RUN = /\bnpm run (-s )?([\w:-]+)(?: -- ([^|;&>]*))?/g;

describe("the npm examples in README and docs/", () => {
  const uses = BLOCKS.flatMap((b) =>
    commands(b).flatMap(({ command }) =>
      [...command.matchAll(NPM_RUN)].map((m) => ({
        page: b.page,
        command,
        silent: Boolean(m[1]),
        script: m[2],
        args: m[3] ?? "",
      })),
    ),
  );

  test("there are examples to check", () => {
    expect(uses.length).toBeGreaterThan(50);
  });

  test("name scripts that exist, with flags their tools declare", () => {
    const wrong = uses.flatMap((u) => {
      if (!(u.script in SCRIPTS)) return [`${u.page}: npm run ${u.script}: no such script`];
      const declared = declaredFlags(u.script);
      return [...u.args.matchAll(/(?:^|\s|\[)(--[a-z][a-z-]*)/g)]
        .map((m) => m[1])
        .filter((flag) => !declared.has(flag))
        .map((flag) => `${u.page}: \`${u.command}\`: ${flag} is not an option of ${u.script}`);
    });
    expect(wrong).toEqual([]);
  });

  test("are `npm run -s`: without it npm prints its banner on stdout, before the JSON", () => {
    expect(uses.filter((u) => !u.silent).map((u) => `${u.page}: ${u.command}`)).toEqual([]);
  });

  test("document every flag of every command (compared with what each tool declares)", () => {
    const text = PAGES.map((p) => fs.readFileSync(path.join(ROOT, p), "utf8")).join("\n");
    const undocumented = Object.keys(SCRIPTS).flatMap((script) =>
      [...declaredFlags(script)]
        .filter((flag) => flag !== "--help" && !new RegExp(`${flag}(?![a-z-])`).test(text))
        .map((flag) => `${script} ${flag}`),
    );
    expect(undocumented).toEqual([]);
  });

  test("the flag extraction sees the options (so the two checks above can fail)", () => {
    expect([...declaredFlags("rehearse")]).toEqual(
      expect.arrayContaining(["--stack", "--state", "--against", "--flip", "--format", "--verbose"]),
    );
    expect([...declaredFlags("gen:controls")].sort()).toEqual(["--check", "--help", "--verbose"]);
  });
});

function run(command: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-o", "pipefail", "-c", command], { cwd: ROOT, env: process.env });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("the blocks marked runnable", () => {
  const runnable = BLOCKS.filter((b) => /^(sh|bash) runnable$/.test(b.info)).flatMap((b) =>
    commands(b).map((c) => ({
      ...c,
      page: b.page,
      expected: Number(/# exit (\d+)/.exec(c.comment)?.[1] ?? 0),
    })),
  );

  test("exist, in README at least", () => {
    expect(runnable.filter((r) => r.page === "README.md").length).toBeGreaterThanOrEqual(3);
  });

  test.each(runnable.map((r) => [`${r.page}: ${r.command}`, r] as const))(
    "%s",
    async (_name, r) => {
      const result = await run(r.command);
      expect([r.command, result.code, result.code === r.expected ? "" : result.output]).toEqual([
        r.command,
        r.expected,
        "",
      ]);
    },
    120_000,
  );
});

test("docs/rehearsal.md lists every rule of the guard and the destroy rehearsal that findings name, and no other", () => {
  const dir = path.join(ROOT, "engine", "preview");
  const reported = new Set(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => [
        ...fs
          .readFileSync(path.join(dir, f), "utf8")
          .matchAll(/\b(?:error|errorAt|warning|warningAt)\(\s*"([a-z]+(?:-[a-z]+)+)"/g),
      ])
      .map((m) => m[1]),
  );
  expect(reported.size).toBeGreaterThanOrEqual(11);
  expect(GUARD_RULES.map((r) => r.id).sort()).toEqual([...reported].sort());
  const doc = fs.readFileSync(path.join(ROOT, "docs", "rehearsal.md"), "utf8");
  for (const r of GUARD_RULES) expect([r.id, doc.includes(`| \`${r.id}\` |`)]).toEqual([r.id, true]);
});
