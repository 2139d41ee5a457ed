import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stackOfUrn } from "../engine/model";
import { PolicyConfigError, stackPolicyConfigFile } from "../engine/policyConfig";
import { DeploymentError, parseDeployment } from "../engine/readDeployment";

// The privileged preview job judges a plan the pull request computed: its URNs are the pull
// request's words. A stack name that is a path, or a second stack's name, must not choose which
// policy configuration judges it (the attacker review of issue #29's pipeline).
const ROOT = path.join(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-pinning-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const bucket = (stack: string, name = "b") => ({
  urn: `urn:pulumi:${stack}::qairopay-platform::gcp:storage/bucket:Bucket::${name}`,
  type: "gcp:storage/bucket:Bucket",
  custom: true,
  inputs: { name, location: "US" },
});
const exportOf = (...resources: object[]) => ({ version: 3, deployment: { resources } });

describe("an export's stack name is a name, never a path", () => {
  test("a URN whose stack is a relative path is not a Pulumi URN", () => {
    const forged = bucket("../../../../_temp/pull-request/evil");
    expect(() => parseDeployment(exportOf(forged), "plan.json")).toThrow(DeploymentError);
    expect(() => parseDeployment(exportOf(forged), "plan.json")).toThrow(/is not a Pulumi URN/);
    expect(stackOfUrn(forged.urn)).toBeUndefined();
  });

  test("an export that mixes two stacks' resources is refused, naming both", () => {
    expect(() => parseDeployment(exportOf(bucket("prod"), bucket("staging", "c")), "plan.json")).toThrow(
      /mixes resources of several stacks \(prod, staging\)/,
    );
  });

  test("the policy configuration of a stack is looked up by name only", () => {
    expect(() => stackPolicyConfigFile("../../x")).toThrow(PolicyConfigError);
    expect(() => stackPolicyConfigFile("..")).toThrow(PolicyConfigError);
    expect(stackPolicyConfigFile("staging")).toMatch(/policies\/config\/staging\.json$/);
  });
});

describe("npm run policy -- --stack", () => {
  const run = (file: string, args: string[]) =>
    spawnSync(process.execPath, [path.join("tools", "launch.js"), "policy", "--state", file, ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });

  test("an export of staging judged as prod is refused with exit 2 (staging's configuration disables policies)", () => {
    const file = path.join(tmp, "staging.json");
    fs.writeFileSync(file, JSON.stringify(exportOf(bucket("staging"))));
    const refused = run(file, ["--stack", "prod"]);
    expect([refused.status, refused.stderr]).toEqual([
      2,
      expect.stringContaining('is an export of stack "staging", not of --stack prod'),
    ]);
    const judged = run(file, ["--stack", "staging", "--json"]);
    expect(judged.status).not.toBe(2);
    expect(JSON.parse(judged.stdout)).toHaveProperty("violations");
  });
});
