// A tool that acts on a deployed project reads its id; it never derives it from the configuration
// (issue #28 item 5). An ephemeral stack (staging) creates `<configured id>-<generation>`
// (components/projects.ts), so the configured id names a project that does not exist: the
// immutable-copy restore drill (`drill restore --from immutable-copy --execute`) would have looked
// for the export bucket of qp-stg-platform. Read through the scripted `pulumi` (test/pulumiDouble).
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { configFromValues } from "../platform/config/read";
import { loadStack } from "../engine/stackFile";
import {
  DeployedProjectError,
  deployedProjectId,
  projectIdFromOutputs,
  StackOutputsUnreadable,
} from "../tools/cli/deployedProjects";
import { restoreTarget } from "../tools/drill/cloudSqlRestore";
import { DOUBLE_ROOT, doubleBackend } from "./helpers/pulumiDouble";

const ROOT = path.join(__dirname, "..");
const BACKEND = fs.mkdtempSync(path.join(os.tmpdir(), "deployed-projects-"));
const config = (stack: string) => configFromValues(loadStack(stack).values, stack);

beforeAll(() => {
  process.env.QAIROPAY_PULUMI_ROOT = DOUBLE_ROOT;
  process.env.PULUMI_BACKEND_URL = `file://${BACKEND}`;
});

test("staging (ephemeral): the drill's project and export bucket are the deployed, generation-suffixed ones", async () => {
  doubleBackend.seedStack(BACKEND, "qairopay-platform", "staging", {
    outputs: { projectIds: { platform: "qp-stg-platform-7c1e", cde: "qp-stg-cde-7c1e" } },
  });
  const staging = config("staging");
  expect(staging.ephemeral).toBe(true);
  const project = await deployedProjectId(staging, "platform");
  expect(project).toBe("qp-stg-platform-7c1e");
  const target = restoreTarget(staging, "ledger", project);
  expect([target.project, target.bucket.includes("qp-stg-platform-7c1e")]).toEqual([
    "qp-stg-platform-7c1e",
    true,
  ]);
  // What the drill looked for before: a project and a bucket that do not exist.
  expect(restoreTarget(staging, "ledger").project).toBe("qp-stg-platform");
}, 60_000);

test("a deployed stack without the output, or with another project's id, is refused with what to give instead", async () => {
  doubleBackend.seedStack(BACKEND, "qairopay-platform", "staging", {
    outputs: { projectIds: { platform: "qp-prod-platform" } },
  });
  await expect(deployedProjectId(config("staging"), "platform")).rejects.toThrow(
    new DeployedProjectError(
      "stack staging has no projectIds.platform output starting with qp-stg-platform: deploy it, or give --project <the deployed platform project id> (`pulumi stack output projectIds --stack staging`)",
    ),
  );
}, 60_000);

test("prod (not ephemeral): the configured id is the deployed one, known without a backend", async () => {
  process.env.QAIROPAY_PULUMI_ROOT = "/nonexistent";
  try {
    await expect(deployedProjectId(config("prod"), "platform")).resolves.toBe("qp-prod-platform");
  } finally {
    process.env.QAIROPAY_PULUMI_ROOT = DOUBLE_ROOT;
  }
});

test("`drill … --execute --stack staging` without a Pulumi CLI: exit 2 naming --project, before any lock or call", async () => {
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "tools/launch.js",
        "drill",
        "restore",
        "--from",
        "immutable-copy",
        "--execute",
        "--stack",
        "staging",
        "--cluster",
        "ledger",
        "--operator",
        "oncall@qairopay.example",
      ],
      { cwd: ROOT, env: { ...process.env, QAIROPAY_PULUMI_ROOT: "/nonexistent", PATH: "/usr/bin:/bin" } },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(
    /^error: stack staging is ephemeral: its platform project's id carries a generation suffix, and its outputs cannot be read \(the Pulumi CLI is needed .*\); give --project <the deployed platform project id>/,
  );
}, 60_000);

test("a backend that cannot be read is not bad input: StackOutputsUnreadable (exit 3), not the error that asks for --project (exit 2)", async () => {
  doubleBackend.seedStack(BACKEND, "qairopay-platform", "staging", {});
  fs.writeFileSync(
    path.join(BACKEND, ".pulumi", "stacks", "qairopay-platform", "staging.json"),
    "{ truncated",
  );
  const read = deployedProjectId(config("staging"), "platform");
  await expect(read).rejects.toBeInstanceOf(StackOutputsUnreadable);
  await expect(read).rejects.toThrow(
    /^cannot read the outputs of stack staging from its backend: .*failed to load checkpoint/s,
  );
}, 60_000);

describe("projectIdFromOutputs: the one rule failover, the drills and key rotation read a deployed project id by", () => {
  const outputs = { projectIds: { platform: "qp-stg-platform-7c1e", kms: "qp-stg-kms-7c1e" } };
  test.each([
    [
      "a generation of the configured id",
      outputs,
      "platform",
      { configured: "qp-stg-platform", ephemeral: true },
      "qp-stg-platform-7c1e",
    ],
    [
      "exactly the configured id",
      { projectIds: { platform: "qp-prod-platform" } },
      "platform",
      { configured: "qp-prod-platform", ephemeral: false },
      "qp-prod-platform",
    ],
    [
      "no output, a stack that is not ephemeral: the configured id",
      {},
      "platform",
      { configured: "qp-prod-platform", ephemeral: false },
      "qp-prod-platform",
    ],
    [
      "no output, an ephemeral stack: nothing (the caller asks)",
      {},
      "platform",
      { configured: "qp-stg-platform", ephemeral: true },
      undefined,
    ],
    [
      "no output for this role, an ephemeral stack: nothing",
      outputs,
      "cde",
      { configured: "qp-stg-cde", ephemeral: true },
      undefined,
    ],
    ["the configuration unknown: the output", outputs, "kms", undefined, "qp-stg-kms-7c1e"],
    ["the configuration unknown, no output: nothing", {}, "kms", undefined, undefined],
  ])("%s", (_what, given, role, expected, id) => {
    expect(projectIdFromOutputs(given, role, expected)).toBe(id);
  });
  test.each([
    [
      "another project's id",
      { projectIds: { platform: "qp-prod-platform" } },
      { configured: "qp-stg-platform", ephemeral: true },
      /is not project qp-stg-platform nor one of its generations/,
    ],
    [
      "a prefix that is not a generation",
      { projectIds: { platform: "qp-stg-platformx" } },
      { configured: "qp-stg-platform", ephemeral: true },
      /nor one of its generations/,
    ],
    [
      "not a project id",
      { projectIds: { platform: 42 } },
      undefined,
      /projectIds.platform output 42 is not a Google Cloud project id/,
    ],
  ])("refused: %s", (_what, given, expected, message) => {
    expect(() => projectIdFromOutputs(given, "platform", expected)).toThrow(DeployedProjectError);
    expect(() => projectIdFromOutputs(given, "platform", expected)).toThrow(message);
  });
});
