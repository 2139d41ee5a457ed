import { Rule, runRules } from "./rule";

const on = {
  urn: "urn:pulumi:prod::qairopay::gcp:sql/databaseInstance:DatabaseInstance::ledger",
  type: "gcp:sql/databaseInstance:DatabaseInstance",
};
const rule = (id: string, reportAs = id): Rule<string[]> => ({
  id,
  severity: "error",
  description: "d",
  sources: [],
  check(messages, report) {
    for (const m of messages) (m.startsWith("?") ? report.warning : report.error)(reportAs, on, m);
  },
});

describe("runRules", () => {
  test("every rule in order; each finding names the rule, the resource and its severity", () => {
    expect(runRules([rule("b-rule"), rule("a-rule")], ["x", "?y"])).toEqual([
      { rule: "b-rule", urn: on.urn, severity: "error", message: `ledger (${on.type}): x` },
      { rule: "b-rule", urn: on.urn, severity: "warning", message: `ledger (${on.type}): ?y` },
      { rule: "a-rule", urn: on.urn, severity: "error", message: `ledger (${on.type}): x` },
      { rule: "a-rule", urn: on.urn, severity: "warning", message: `ledger (${on.type}): ?y` },
    ]);
  });

  test("a finding reported under another rule's id fails loudly", () => {
    expect(() => runRules([rule("a-rule", "b-rule")], ["x"])).toThrow(
      "rule a-rule reported a finding as b-rule",
    );
  });
});
