// The text of the reports says each thing once and in the order a reader needs it (issue #28 item 9).
import { ResourceChange } from "../harness/preview/diff";
import { describeChange } from "../tools/cli/rehearsalReport";

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
