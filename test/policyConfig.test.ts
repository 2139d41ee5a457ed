import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  describePolicyConfiguration,
  PolicyConfigError,
  policyConfigurationLine,
  readPolicyConfig,
  stackPolicyConfigFile,
} from "../engine/policyConfig";
import { renderMarkdown, renderVerdictText, renderViolationsText } from "../tools/cli/report";
import { evaluatePacks } from "../engine/policyEvaluator";
import { PACKS } from "../policies/packs";
import { removeResource } from "../specs/mutate";
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

  test("the reports say which policies the configuration turns off or makes advisory (issue #28)", () => {
    const file = stackPolicyConfigFile("staging") as string;
    const staging = describePolicyConfiguration(file, readPolicyConfig(file));
    expect(staging).toEqual({
      file: "policies/config/staging.json",
      weakened: { "ids-endpoint-per-region": "disabled", "stateful-resource-protected": "disabled" },
    });
    const line =
      "Policy configuration policies/config/staging.json: off: ids-endpoint-per-region, stateful-resource-protected";
    expect(renderViolationsText([], ["security"], staging).split("\n")).toEqual([
      "",
      "Policy report (security): 0 mandatory, 0 advisory violations",
      `  ${line}`,
      "  No policy violations.",
    ]);
    expect(renderMarkdown("t", [], ["security"], undefined, staging)).toContain(
      "> ⚠️ Policy configuration `policies/config/staging.json`: off: ids-endpoint-per-region, stateful-resource-protected.",
    );
    // Advisory and "all" are named; mandatory (no weakening) is not; no file, no line.
    const mixed = describePolicyConfiguration(tmp + "/x.json", {
      all: "advisory",
      "ids-endpoint-per-region": "mandatory",
      "stateful-resource-protected": { enforcementLevel: "disabled" },
    });
    expect(mixed.weakened).toEqual({ all: "advisory", "stateful-resource-protected": "disabled" });
    expect(policyConfigurationLine(mixed)).toBe(
      `Policy configuration ${tmp}/x.json: off: stateful-resource-protected; advisory: all`,
    );
    expect(policyConfigurationLine(describePolicyConfiguration(undefined, {}))).toBe("");
    expect(renderViolationsText([], ["security"])).not.toContain("Policy configuration");
  });

  test("the verdict line: FAIL on a mandatory violation or a rehearsal error, PASS on advisories and warnings", () => {
    const stack = {
      urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s",
      type: "pulumi:pulumi:Stack",
      name: "p-s",
      custom: false,
    };
    const bucket = {
      ...stack,
      urn: "urn:pulumi:s::p::gcp:storage/bucket:Bucket::b",
      type: "gcp:storage/bucket:Bucket",
      custom: true,
    };
    const resources = [stack, bucket] as unknown as Parameters<typeof renderVerdictText>[2];
    const violation = (enforcementLevel: string) =>
      ({
        enforcementLevel,
        policyPack: "x",
        policyName: "y",
        urn: bucket.urn,
        message: "m",
      }) as unknown as Parameters<typeof renderVerdictText>[1][number];
    const finding = (severity: string) => ({ rule: "r", urn: bucket.urn, severity, message: "m" }) as never;
    expect(renderVerdictText("plan", [violation("advisory")], resources, [finding("warning")])).toBe(
      "PASS plan: 0 mandatory, 1 advisory violation; rehearsal: 0 errors, 1 warning (exit 0)\n" +
        "  1 cloud resources (2 registrations with components, providers and the stack)",
    );
    expect(renderVerdictText("plan", [violation("mandatory")], resources, [])).toMatch(
      /^FAIL plan: 1 mandatory, 0 advisory violation; rehearsal: 0 errors, 0 warnings \(exit 1\)/,
    );
    expect(renderVerdictText("plan", [], resources, [finding("error")])).toMatch(
      /^FAIL .*rehearsal: 1 error, 0 warnings \(exit 1\)/,
    );
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
