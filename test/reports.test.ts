// The text of the reports says each thing once and in the order a reader needs it (issue #28 item 9).
import { ResourceChange } from "../engine/preview/diff";
import {
  describeChange,
  jsonChange,
  renderChangesText,
  renderFindingsSummaryText,
} from "../tools/cli/rehearsalReport";

const change = (
  op: ResourceChange["op"],
  fields: string[],
  replaceFields: string[] = [],
): ResourceChange => ({
  urn: "urn:pulumi:prod::qairopay-platform::gcp:sql/user:User::prod-ledger-migrator",
  type: "gcp:sql/user:User",
  op,
  fields,
  replaceFields,
});

test("a replacement names the fields that force it once, and the other changed fields after 'also'", () => {
  expect(describeChange(change("replace", ["instance"], ["instance"]))).toBe(
    "prod-ledger-migrator (gcp:sql/user:User): instance forces it",
  );
  expect(describeChange(change("replace", ["instance", "password"], ["instance"]))).toBe(
    "prod-ledger-migrator (gcp:sql/user:User): instance forces it; also password",
  );
  expect(describeChange(change("update", ["password"]))).toBe(
    "prod-ledger-migrator (gcp:sql/user:User): password",
  );
  expect(describeChange(change("create", []))).toBe("prod-ledger-migrator (gcp:sql/user:User)");
});

describe("the destroy rehearsal's report (issue #28 item 9)", () => {
  const deleted = {
    ...change("delete", []),
    urn: "urn:pulumi:staging::p::gcp:organizations/project:Project::stg-cde",
  };
  const retained = { ...change("delete", []), retained: true };

  test("retained resources are listed apart from the deleted ones, under `pulumi destroy`", () => {
    expect(renderChangesText([deleted, retained], "pulumi destroy").split("\n")).toEqual([
      "",
      "What `pulumi destroy` would do:",
      "  Deleted (1)",
      "    stg-cde (gcp:sql/user:User)",
      "  Kept in the cloud, forgotten by the stack (retainOnDelete) (1)",
      "    prod-ledger-migrator (gcp:sql/user:User)",
    ]);
    expect(jsonChange(retained)).toEqual({ urn: retained.urn, op: "delete", fields: [], retained: true });
    expect(jsonChange(deleted)).not.toHaveProperty("retained");
  });

  test("findings are summarised per rule, errors first, before the long lists", () => {
    const finding = (rule: string, severity: "error" | "warning") => ({
      rule,
      severity,
      urn: "u",
      message: "m",
    });
    expect(
      renderFindingsSummaryText([
        finding("rebuild-name-collision", "error"),
        finding("destroy-protected", "error"),
        finding("destroy-protected", "error"),
        finding("locked-bucket", "warning"),
      ]),
    ).toBe(
      "\nFindings by rule:\n  destroy-protected: 2 errors\n  rebuild-name-collision: 1 error\n  locked-bucket: 1 warning",
    );
    expect(renderFindingsSummaryText([])).toBe("");
  });

  test("staging's destroy deletes its projects and marks what their deletion takes with them as retained", async () => {
    const { rehearseDestroy } = await import("../engine/preview/destroy");
    const { planStack } = await import("./helpers/plan");
    const staging = (await planStack("staging")).resources;
    const { changes } = rehearseDestroy(staging);
    const retainedUrns = new Set(staging.filter((r) => r.retainOnDelete).map((r) => r.urn));
    expect(
      changes
        .filter((c) => c.retained)
        .map((c) => c.urn)
        .sort(),
    ).toEqual(
      changes
        .filter((c) => retainedUrns.has(c.urn))
        .map((c) => c.urn)
        .sort(),
    );
    expect(changes.filter((c) => c.retained).length).toBeGreaterThan(0);
    expect(
      changes.filter((c) => c.type === "gcp:organizations/project:Project").every((c) => !c.retained),
    ).toBe(true);
  });
});
