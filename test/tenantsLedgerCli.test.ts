import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * The shard ledger as a lockfile, end to end (issue #23): `tenants assign` in a git repository, the
 * merge of two onboarding branches in either order, the stale ledger refused, and the plans of the
 * changed shards only, of a group, and the groups joined.
 */
const ROOT = path.join(__dirname, "..");
let repo: string;
beforeEach(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-ledger-"));
  git("init", "-q", "-b", "main");
});
afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd: repo,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
const file = (name: string) => path.join(repo, name);
const registry = (...ids: string[]) =>
  fs.writeFileSync(
    file("tenants.yaml"),
    `tenants:\n${ids.map((id) => `  - id: ${id}\n    displayName: ${id}\n`).join("")}`,
  );
const ledger = () => JSON.parse(fs.readFileSync(file("ledger.json"), "utf8"));

function tenants(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "tools", "launch.js"), "tenants", ...args], {
      cwd: ROOT,
      env: { ...process.env, INIT_CWD: repo },
    });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
const OWN = ["--stack", "prod", "--tenants-file", "tenants.yaml", "--ledger", "ledger.json"];
const assign = (...extra: string[]) => tenants("assign", ...OWN, ...extra);

describe("tenants assign: the ledger as a lockfile", () => {
  test("assign writes once and is then up to date; a removed tenant is retired in place; check refuses a stale ledger naming assign (exit 2)", async () => {
    registry("t-a", "t-b", "t-c");
    expect((await assign("--limit", "2")).code).toBe(0);
    expect(ledger()).toEqual({ limit: 2, assignments: { "t-a": 0, "t-b": 0, "t-c": 1 }, retired: [] });
    const again = await assign("--json");
    expect([again.code, JSON.parse(again.stdout).written]).toEqual([0, false]);
    registry("t-a", "t-c", "t-d");
    const stale = await tenants("check", ...OWN);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain(
      "is stale for the tenant registry: registered but not in the ledger: t-d; no longer registered but not marked retired: t-b. " +
        "Run `npm run tenants -- assign --stack prod --tenants-file tenants.yaml --ledger ledger.json`",
    );
    const assigned = JSON.parse((await assign("--json")).stdout);
    expect([assigned.added, assigned.retired, assigned.changedShards]).toEqual([{ "t-d": 1 }, ["t-b"], [1]]);
    expect(ledger().assignments).toEqual({ "t-a": 0, "t-b": 0, "t-c": 1, "t-d": 1 });
    expect((await tenants("check", ...OWN)).code).toBe(0);
  });

  test.each([
    ["a first", "onboard-a", "onboard-b"],
    ["b first", "onboard-b", "onboard-a"],
  ])(
    "two onboarding branches merged (%s): the ledger conflict is refused with the procedure, and assign --from-ref main places both and moves nobody",
    async (_order, first, second) => {
      registry("t-base");
      expect((await assign("--limit", "2")).code).toBe(0);
      git("add", ".");
      git("commit", "-qm", "base");
      for (const branch of ["onboard-a", "onboard-b"]) {
        git("checkout", "-qb", branch, "main");
        registry("t-base", `t-${branch.slice(-1)}`);
        expect((await assign()).code).toBe(0);
        // Each branch put its tenant in shard 0, the one place left.
        expect(ledger().assignments[`t-${branch.slice(-1)}`]).toBe(0);
        git("commit", "-qam", branch);
      }
      git("checkout", "-q", "main");
      git("merge", "-q", first);
      expect(() => git("merge", "-q", second)).toThrow();
      expect(git("diff", "--name-only", "--diff-filter=U").split("\n").sort()).toEqual([
        "",
        "ledger.json",
        "tenants.yaml",
      ]);
      // The registry's conflict is a person's to resolve (both tenants stay); the ledger's is assign's.
      registry("t-base", `t-${first.slice(-1)}`, `t-${second.slice(-1)}`);
      const refused = await assign();
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("holds git merge conflict markers");
      expect(refused.stderr).toContain("--from-ref origin/main");
      const resolved = await assign("--from-ref", "main", "--json");
      expect(resolved.code).toBe(0);
      // The first-merged branch's tenant keeps its shard; the second's gets a new one.
      expect(ledger()).toEqual({
        limit: 2,
        assignments: { "t-base": 0, [`t-${first.slice(-1)}`]: 0, [`t-${second.slice(-1)}`]: 1 },
        retired: [],
      });
      expect((await tenants("check", ...OWN)).code).toBe(0);
    },
    120_000,
  );

  test("a clean merge that over-fills a shard is refused by check, and assign names --from-ref", async () => {
    registry("t-a", "t-b", "t-c");
    fs.writeFileSync(
      file("ledger.json"),
      JSON.stringify({ limit: 2, assignments: { "t-a": 0, "t-b": 0, "t-c": 0 } }),
    );
    const [check, assigned] = await Promise.all([tenants("check", ...OWN), assign()]);
    expect([check.code, assigned.code]).toEqual([2, 2]);
    expect(check.stderr).toContain("shard 0 holds 3 tenants, over the limit of 2");
    expect(assigned.stderr).toContain("add --from-ref origin/main");
    expect(ledger().assignments).toEqual({ "t-a": 0, "t-b": 0, "t-c": 0 });
  });
});

describe("tenants plan of the changed shards only, of a group, and the groups joined", () => {
  test("--since-ledger plans only the shard whose tenants changed; --group 1/2 and 2/2 join into the full report", async () => {
    registry("t-a", "t-b", "t-c");
    expect((await assign("--limit", "1")).code).toBe(0);
    fs.copyFileSync(file("ledger.json"), file("old.json"));
    registry("t-a", "t-b", "t-c", "t-d");
    expect((await assign()).code).toBe(0);
    const [since, one, two] = await Promise.all([
      tenants("plan", ...OWN, "--since-ledger", "old.json", "--json"),
      tenants("plan", ...OWN, "--group", "1/2", "--json"),
      tenants("plan", ...OWN, "--group", "2/2", "--json"),
    ]);
    const out = JSON.parse(since.stdout);
    expect([since.code, out.shards.map((s: { stack: string }) => s.stack)]).toEqual([0, ["prod-shard-003"]]);
    expect(out.summary).toMatchObject({
      tenants: 4,
      shards: 4,
      planned: 1,
      selection: { by: "since-ledger" },
    });
    expect(out.coverage).toEqual([]);
    const stacks = (r: { stdout: string }) =>
      JSON.parse(r.stdout).shards.map((s: { stack: string }) => s.stack);
    expect([one.code, stacks(one), two.code, stacks(two)]).toEqual([
      0,
      ["prod-shard-000", "prod-shard-002"],
      0,
      ["prod-shard-001", "prod-shard-003"],
    ]);
    fs.writeFileSync(file("g1.json"), one.stdout);
    fs.writeFileSync(file("g2.json"), two.stdout);
    const [joined, markdown, partial] = await Promise.all([
      tenants("report", "--join", "g2.json", "g1.json"),
      tenants("report", "--join", "g1.json", "g2.json", "--format", "markdown"),
      tenants("report", "--join", "g1.json"),
    ]);
    const report = JSON.parse(joined.stdout);
    expect([joined.code, Object.keys(report), stacks(joined)]).toEqual([
      0,
      ["shards", "coverage", "summary"],
      ["prod-shard-000", "prod-shard-001", "prod-shard-002", "prod-shard-003"],
    ]);
    expect(report.summary).toMatchObject({ tenants: 4, shards: 4, planned: 4, keks: 8 });
    expect(markdown.stdout).toContain("### ✅ Tenant-key shards: 4 of 4 planned, 4 tenants, 8 keys");
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain("error: groups 2/2 missing: every group's report is needed");
  }, 300_000);
});
