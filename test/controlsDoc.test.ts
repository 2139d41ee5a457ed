import * as fs from "fs";
import * as path from "path";
import { CONTROLS } from "../catalogue/controls";
import { BUILT_IN_CONSTRAINTS } from "../catalogue/orgConstraints/builtInConstraints";
import { CUSTOM_CONSTRAINTS } from "../catalogue/orgConstraints/customConstraints";
import { NO_CONSTRAINT } from "../catalogue/orgConstraints/gaps";
import { PCI_BY_CONTROL, PCI_REQUIREMENTS, pciNumber } from "../catalogue/pciDss";
import { allPolicies, casesOf, policiesOf, renderControlsDoc } from "../tools/controlsDoc";

const ROOT = path.join(__dirname, "..");
const exists = (file: string) => fs.existsSync(path.join(ROOT, file));
const LEVEL = { M: "mandatory", A: "advisory" } as const;

describe("docs/controls.md and control coverage", () => {
  test("docs/controls.md is generated from the current catalogue, policies and cases (npm run gen:controls)", () => {
    expect(fs.readFileSync(path.join(ROOT, "docs", "controls.md"), "utf8")).toBe(renderControlsDoc());
  });

  test("the catalogue holds each control of shared/controls.md once", () => {
    const ids = CONTROLS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The project's own two additions are marked as such, with why; every other ID is the catalogue's.
    expect(CONTROLS.filter((c) => c.projectAddition).map((c) => c.id)).toEqual(["IAM-08", "GOV-05"]);
    expect(fs.readFileSync(path.join(ROOT, "docs", "controls.md"), "utf8")).toContain(
      "- Origin: the project's own addition, not in the catalogue of `shared/controls.md`",
    );
    expect(ids).toEqual([
      "ENC-01",
      "ENC-02",
      "ENC-03",
      "ENC-04",
      "ENC-05",
      "ENC-06",
      "ENC-07",
      "ENC-08",
      "ENC-09",
      "IAM-01",
      "IAM-02",
      "IAM-03",
      "IAM-04",
      "IAM-05",
      "IAM-06",
      "IAM-07",
      "IAM-08",
      "TEN-01",
      "TEN-02",
      "LOG-01",
      "LOG-02",
      "LOG-03",
      "LOG-04",
      "LOG-05",
      "LOG-06",
      "LOG-07",
      "LOG-08",
      "NET-01",
      "NET-02",
      "NET-03",
      "NET-04",
      "NET-05",
      "NET-06",
      "NET-07",
      "NET-08",
      "NET-09",
      "REG-01",
      "RES-01",
      "RES-02",
      "RES-03",
      "RES-04",
      "RES-05",
      "RES-06",
      "RES-07",
      "RES-08",
      "RES-09",
      "RES-10",
      "RES-11",
      "K8S-01",
      "K8S-02",
      "K8S-03",
      "K8S-04",
      "DET-01",
      "DET-02",
      "GOV-01",
      "GOV-02",
      "GOV-03",
      "GOV-04",
      "GOV-05",
    ]);
  });

  test.each(CONTROLS.filter((c) => c.kind !== "T").map((c) => [c.id, c] as const))(
    "%s has a policy at its enforcement level, and a case proving the policy catches a violation",
    (_id, control) => {
      const levels = policiesOf(control.id).map((p) => p.policy.enforcementLevel);
      expect(levels).toContain(LEVEL[control.kind as "M" | "A"]);
      expect(casesOf(control.id).length).toBeGreaterThan(0);
    },
  );

  test.each(CONTROLS.filter((c) => c.kind === "T").map((c) => [c.id, c] as const))(
    "%s names the tests or tools that prove it, and they exist",
    (_id, control) => {
      expect(control.provenBy?.length).toBeGreaterThan(0);
      for (const file of control.provenBy ?? []) expect([file, exists(file)]).toEqual([file, true]);
    },
  );

  test("every file a control names exists", () => {
    for (const control of CONTROLS)
      for (const file of control.implementedBy)
        expect([control.id, file, exists(file)]).toEqual([control.id, file, true]);
  });

  test("every policy lives in a file named after it, and enforces catalogued controls only", () => {
    const ids = new Set(CONTROLS.map((c) => c.id));
    for (const { dir, policy } of allPolicies()) {
      expect([policy.name, exists(`policies/${dir}/${policy.name}.ts`)]).toEqual([policy.name, true]);
      for (const tag of policy.tags ?? [])
        expect([policy.name, tag, ids.has(tag)]).toEqual([policy.name, tag, true]);
    }
  });
});

describe("run-time constraints and PCI DSS (GOV-03, #14)", () => {
  test("every control has an org constraint or a recorded reason why none", () => {
    const covered = new Set([
      ...CUSTOM_CONSTRAINTS.flatMap((c) => c.controls),
      ...BUILT_IN_CONSTRAINTS.flatMap((b) => b.controls),
    ]);
    const neither = CONTROLS.filter((c) => !covered.has(c.id) && !NO_CONSTRAINT[c.id]).map((c) => c.id);
    expect(neither).toEqual([]);
    // A reason recorded for a control that does not exist is a stale entry.
    expect(Object.keys(NO_CONSTRAINT).filter((id) => !CONTROLS.some((c) => c.id === id))).toEqual([]);
  });

  test("every control names the PCI DSS v4.0.1 requirements it supports, each with its text", () => {
    expect(CONTROLS.filter((c) => !PCI_BY_CONTROL[c.id]?.length).map((c) => c.id)).toEqual([]);
    const numbers = Object.values(PCI_BY_CONTROL).flat().map(pciNumber);
    expect(numbers.filter((n) => !PCI_REQUIREMENTS[n])).toEqual([]);
    expect(numbers.every((n) => /^(A\d|\d{1,2})(\.\d+)+$/.test(n))).toBe(true);
  });

  test("docs/controls.md shows each control's constraints and the view by requirement", () => {
    const doc = renderControlsDoc();
    expect(doc).toContain(
      "- Org constraints: `custom.qp<Env>SqlInstancePrivateTls` (custom, sqladmin.googleapis.com/Instance;",
    );
    expect(doc).toContain(
      "- Org constraint: none — Log sinks are not resources custom constraints cover; the sinks are held at run time by the audit-trail IAM deny policy (components/auditTrailGuard.ts).",
    );
    expect(doc).toMatch(
      /\| 3\.7\.4 \| Keys are changed at the end of their defined cryptoperiod\. \| ENC-04 \|/,
    );
    expect(doc).toContain("### Left to the application or the organisation");
  });
});
