import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { toDeployment } from "../engine/deployment";
import { planStack } from "./helpers/plan";
import { DOUBLE_ROOT, doubleEnv, removeCheckouts, scratchCheckout, startTool } from "./helpers/pulumiDouble";
import before from "./fixtures/prod-tenant-keks-before-shards.json";

afterAll(removeCheckouts);
jest.setTimeout(120_000);

/**
 * `tenants migrate` end to end: the script it writes, run by bash against the scripted `pulumi`
 * (test/pulumiDouble), moves every KEK of the platform stack into its shard stack in one `state
 * move` per shard, and runs again without harm after an interruption.
 */
test("the migration script moves each shard's keys in one `state move`, and a re-run (some or all moved) is harmless", async () => {
  const checkout = scratchCheckout();
  spawnSync("git", ["init", "-q"], { cwd: checkout });
  const platform = toDeployment((await planStack("prod")).resources);
  platform.deployment.resources.push(...(before.resources as never[]));
  const exported = path.join(checkout, "prod.json");
  fs.writeFileSync(exported, JSON.stringify(platform));
  const stacksDir = path.join(checkout, "backend", ".pulumi", "stacks");
  fs.mkdirSync(path.join(stacksDir, "qairopay-platform"), { recursive: true });
  fs.writeFileSync(
    path.join(stacksDir, "qairopay-platform", "prod.json"),
    JSON.stringify({
      version: 3,
      checkpoint: { stack: "organization/qairopay-platform/prod", latest: platform.deployment },
    }),
  );
  const env = doubleEnv(checkout, { PATH: `${path.join(DOUBLE_ROOT, "bin")}:${process.env.PATH}` });

  const migrate = startTool(
    checkout,
    "tenants",
    ["migrate", "--stack", "prod", "--state", exported, "--out", "migrate.sh"],
    env,
  );
  expect(await migrate.done).toBe(0);
  expect(migrate.stdout()).toContain("10 tenant KEKs move to 1 shard stacks:");
  expect(fs.readFileSync(path.join(checkout, "migrate.sh"), "utf8").match(/^move /gm)).toHaveLength(1);

  const keks = (project: string, stack: string) =>
    (
      JSON.parse(fs.readFileSync(path.join(stacksDir, project, `${stack}.json`), "utf8")).checkpoint.latest
        .resources as { urn: string; type: string }[]
    ).filter((r) => r.type === "gcp:kms/cryptoKey:CryptoKey" && r.urn.includes("-kek-"));
  const stateMoves = () =>
    fs
      .readFileSync(path.join(checkout, "pulumi-calls.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).argv as string[])
      .filter((argv) => argv.includes("state"));

  // An interrupted earlier run had moved three keys already.
  const urns = before.resources.map((r) => r.urn);
  const early = spawnSync(
    path.join(DOUBLE_ROOT, "bin", "pulumi"),
    ["-C", "tenant-keys", "stack", "select", "--create", "organization/qairopay-tenant-keys/prod-shard-000"],
    { cwd: checkout, env },
  );
  expect(early.status).toBe(0);
  spawnSync(
    path.join(DOUBLE_ROOT, "bin", "pulumi"),
    [
      "-C",
      "tenant-keys",
      "state",
      "move",
      "--source",
      "organization/qairopay-platform/prod",
      "--dest",
      "organization/qairopay-tenant-keys/prod-shard-000",
      "--yes",
      ...urns.slice(0, 3),
    ],
    { cwd: checkout, env },
  );
  expect(keks("qairopay-tenant-keys", "prod-shard-000")).toHaveLength(3);

  const run = spawnSync("bash", [path.join(checkout, "migrate.sh")], {
    cwd: checkout,
    env,
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expect(run.stdout).toContain("warning: Resource");
  expect(keks("qairopay-platform", "prod")).toEqual([]);
  expect(
    keks("qairopay-tenant-keys", "prod-shard-000")
      .map((r) => r.urn)
      .sort(),
  ).toEqual(
    urns
      .map((u) =>
        u.replace(
          /^urn:pulumi:prod::qairopay-platform::qairopay:kms:KeyHierarchy\$/,
          "urn:pulumi:prod-shard-000::qairopay-tenant-keys::",
        ),
      )
      .sort(),
  );
  // One `state move` for the shard in the script's run (and the three of the earlier one).
  expect(stateMoves()).toHaveLength(2);

  const again = spawnSync("bash", [path.join(checkout, "migrate.sh")], {
    cwd: checkout,
    env,
    encoding: "utf8",
  });
  expect(again.status).toBe(0);
  expect(again.stdout).toContain("organization/qairopay-tenant-keys/prod-shard-000: every key already moved");
});
