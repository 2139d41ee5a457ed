import { runRules } from "../rule";
import { ResourceChange } from "./diff";
import { nameReuse } from "./nameReuse";

const RING = "gcp:kms/keyRing:KeyRing";
const ring = { project: "keys", location: "us-east1", name: "tenant" };
const change = (
  name: string,
  op: ResourceChange["op"],
  inputs: { oldInputs?: Record<string, unknown>; newInputs?: Record<string, unknown> },
): ResourceChange => ({
  urn: `urn:pulumi:prod::qairopay::${RING}::${name}`,
  type: RING,
  op,
  fields: [],
  replaceFields: op === "replace" ? ["name"] : [],
  ...inputs,
});
const judge = (changes: ResourceChange[]) => runRules([nameReuse], { changes, dependedOn: new Set() });

describe("name-reuse", () => {
  test("a key ring created under a new name passes", () => {
    expect(
      judge([
        change("old", "delete", { oldInputs: ring }),
        change("new", "create", { newInputs: { ...ring, name: "tenant-2" } }),
      ]),
    ).toEqual([]);
  });

  test("a key ring renamed in the program (delete + create of the same name): refused, the fix is an alias", () => {
    const [finding] = judge([
      change("old", "delete", { oldInputs: ring }),
      change("new", "create", { newInputs: ring }),
    ]);
    expect(finding.rule).toBe("name-reuse");
    expect(finding.message).toContain("keys/us-east1/tenant that old");
    expect(finding.message).toContain("Cloud KMS never deletes a key ring");
    expect(finding.message).toContain("alias the renamed one");
  });

  test("a key ring replaced under its own name: refused", () => {
    const [finding] = judge([change("old", "replace", { oldInputs: ring, newInputs: ring })]);
    expect(finding.message).toContain("its replacement would take the same name keys/us-east1/tenant");
  });
});
