import { runRules } from "../rule";
import { ResourceChange } from "./diff";
import { inPlaceRejected } from "./inPlaceRejected";
import { LOGGING_BUCKET } from "./lockedRetention";

const KEY = "projects/p/locations/us/keyRings/r/cryptoKeys/k";
const update = (newInputs: Record<string, unknown>): ResourceChange => ({
  urn: `urn:pulumi:prod::qairopay::${LOGGING_BUCKET}::audit`,
  type: LOGGING_BUCKET,
  op: "update",
  fields: ["cmekSettings"],
  replaceFields: [],
  oldInputs: { cmekSettings: { kmsKeyName: KEY } },
  newInputs,
});
const judge = (c: ResourceChange) => runRules([inPlaceRejected], { changes: [c], dependedOn: new Set() });

describe("in-place-rejected", () => {
  test("a log bucket keeping its key passes", () => {
    expect(judge(update({ cmekSettings: { kmsKeyName: KEY }, description: "x" }))).toEqual([]);
  });

  test("a log bucket losing its key: refused, quoting Cloud Logging", () => {
    const [finding] = judge(update({}));
    expect(finding.rule).toBe("in-place-rejected");
    expect(finding.message).toContain("would lose its customer-managed key");
    expect(finding.message).toContain("can't reconfigure the log bucket to change or remove CMEK");
  });
});
