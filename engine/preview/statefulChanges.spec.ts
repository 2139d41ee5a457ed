import { runRules } from "../rule";
import { ResourceChange } from "./diff";
import { ProposedUpdate } from "./proposedUpdate";
import { statefulDelete, statefulReplace } from "./statefulChanges";

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const NETWORK = "gcp:compute/network:Network";
const urn = (type: string, name: string) => `urn:pulumi:prod::qairopay::${type}::${name}`;

/** One change to one resource of the type; each case changes one property of it. */
const change = (type: string, op: ResourceChange["op"], replaceFields: string[] = []): ResourceChange => ({
  urn: urn(type, "ledger"),
  type,
  op,
  fields: replaceFields,
  replaceFields,
});
const judge = (changes: ResourceChange[], dependedOn: string[] = []) =>
  runRules([statefulReplace, statefulDelete], { changes, dependedOn: new Set(dependedOn) } as ProposedUpdate);

describe("stateful-replace", () => {
  test("an update in place of a database passes", () => {
    expect(judge([change(SQL, "update", [])])).toEqual([]);
  });

  test("a database replaced: the problem names what is lost and the field, the fix says change it back", () => {
    const [finding, ...rest] = judge([change(SQL, "replace", ["region"])]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: "stateful-replace", severity: "error", urn: urn(SQL, "ledger") });
    expect(finding.message).toContain("losing a Cloud SQL instance and its data, because region changed");
    expect(finding.message).toContain("Change it back");
  });

  test("a network nothing uses may be replaced; one in use may not", () => {
    expect(judge([change(NETWORK, "replace", ["name"])])).toEqual([]);
    expect(
      judge([change(NETWORK, "replace", ["name"])], [urn(NETWORK, "ledger")]).map((f) => f.rule),
    ).toEqual(["stateful-replace"]);
  });

  test("a stateless type replaced passes", () => {
    expect(judge([change("gcp:compute/firewall:Firewall", "replace", ["network"])])).toEqual([]);
  });
});

describe("stateful-delete", () => {
  test("a database deleted: the problem names what is lost, the fix is an alias", () => {
    const [finding] = judge([change(SQL, "delete")]);
    expect(finding.rule).toBe("stateful-delete");
    expect(finding.message).toContain("would be deleted, losing a Cloud SQL instance and its data");
    expect(finding.message).toContain("add an alias");
  });

  test("a database created passes", () => {
    expect(judge([change(SQL, "create")])).toEqual([]);
  });
});
