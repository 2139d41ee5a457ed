import { GUARD } from "./preview/guard";
import { ApplyOrder } from "./rehearsal/applyOrder";
import { RehearsalContext } from "./rehearsal/model";
import { REHEARSAL_RULES } from "./rehearsal/rules";
import { gatherStackFacts } from "./rehearsal/stackFacts";
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

describe("a message already naming its subject", () => {
  test("is kept as written, under the rule's own id", () => {
    const written: Rule<string[]> = {
      id: "a-rule",
      severity: "error",
      description: "d",
      sources: [],
      check(messages, report) {
        for (const m of messages)
          (m.startsWith("?") ? report.asWritten.warning : report.asWritten.error)("a-rule", on, m);
      },
    };
    expect(runRules([written], ["ledger waits for x.", "?ledger may wait."])).toEqual([
      { rule: "a-rule", urn: on.urn, severity: "error", message: "ledger waits for x." },
      { rule: "a-rule", urn: on.urn, severity: "warning", message: "?ledger may wait." },
    ]);
    expect(() =>
      runRules([{ ...written, check: (_m, report) => report.asWritten.error("b-rule", on, "x") }], []),
    ).toThrow("rule a-rule reported a finding as b-rule");
  });
});

describe("every registered rule has the one shape", () => {
  const emptyPlan: RehearsalContext = {
    resources: [],
    byUrn: new Map(),
    order: new ApplyOrder([]),
    stack: gatherStackFacts([], {}),
  };
  const registered: [string, Rule<never>, unknown][] = [
    ...REHEARSAL_RULES.map((r): [string, Rule<never>, unknown] => [r.id, r as Rule<never>, emptyPlan]),
    ...GUARD.map((r): [string, Rule<never>, unknown] => [
      r.id,
      r as Rule<never>,
      { changes: [], dependedOn: new Set() },
    ]),
  ];

  test("ids are kebab-case and unique", () => {
    const ids = registered.map(([id]) => id);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test.each(registered)(
    "%s: metadata (severity, description, sources) and a check that reports",
    (_id, rule, input) => {
      expect(["error", "warning"]).toContain(rule.severity);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(rule.sources.length).toBeGreaterThan(0);
      // A check takes the input and a reporter, and returns nothing: findings go through the reporter.
      expect(rule.check.length).toBe(2);
      const report = {
        error: jest.fn(),
        warning: jest.fn(),
        asWritten: { error: jest.fn(), warning: jest.fn() },
      };
      expect((rule.check as (i: unknown, r: typeof report) => unknown)(input, report)).toBeUndefined();
    },
  );
});
