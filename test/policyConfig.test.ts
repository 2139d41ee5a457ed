import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyConfigError, readPolicyConfig, stackPolicyConfigFile } from "../harness/policyConfig";
import { evaluatePacks } from "../harness/policyEvaluator";
import { PACKS } from "../policies/packs";
import { removeResource } from "./helpers/mutate";
import { planStack } from "./helpers/plan";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-policy-config-"));
const write = (name: string, body: unknown) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
  return file;
};

describe("per-stack policy configuration", () => {
  test("staging's file disables only the IDS check and, staging being ephemeral, the deletion guards; prod has none", () => {
    const file = stackPolicyConfigFile("staging");
    expect(file && readPolicyConfig(file)).toEqual({
      "ids-endpoint-per-region": { enforcementLevel: "disabled" },
      "stateful-resource-protected": { enforcementLevel: "disabled" },
    });
    expect(stackPolicyConfigFile("prod")).toBeUndefined();
  });

  test("an override changes the level the analyzer reports, and `disabled` silences the policy", async () => {
    const mutated = removeResource("prod-ledger-us-east1")((await planStack("prod")).resources);
    const advisory = await evaluatePacks(
      PACKS,
      mutated,
      readPolicyConfig(write("a.json", { "sql-instance-dr-replica": "advisory" })),
    );
    expect(
      advisory.filter((v) => v.policyName === "sql-instance-dr-replica").map((v) => v.enforcementLevel),
    ).toEqual(["advisory"]);
    const disabled = await evaluatePacks(
      PACKS,
      mutated,
      readPolicyConfig(write("d.json", { "sql-instance-dr-replica": { enforcementLevel: "disabled" } })),
    );
    expect(disabled.filter((v) => v.policyName === "sql-instance-dr-replica")).toEqual([]);
  });

  test("unknown policies, unknown levels and bad JSON are refused with the reason", () => {
    expect(() =>
      readPolicyConfig(
        write("u.json", { "sql-instance-dr-replca": "advisory", "iam-no-basic-roles": "optional" }),
      ),
    ).toThrow(PolicyConfigError);
    try {
      readPolicyConfig(write("u2.json", { "sql-instance-dr-replca": "advisory" }));
    } catch (err) {
      expect((err as Error).message).toContain("sql-instance-dr-replca: is not a policy of any pack");
    }
    expect(() => readPolicyConfig(write("bad.json", "{not json"))).toThrow(/cannot be read as JSON/);
  });
});
