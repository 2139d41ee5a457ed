import { runRules } from "../rule";
import { attestationBeforeSigning } from "./attestationBeforeSigning";
import { ResourceChange } from "./diff";

const POLICY = "gcp:binaryauthorization/policy:Policy";
const ATTESTOR = "gcp:binaryauthorization/attestor:Attestor";
const mode = (evaluationMode: string) => ({ project: "cde", defaultAdmissionRule: { evaluationMode } });
const policy = (op: ResourceChange["op"], from: string | undefined, to: string): ResourceChange => ({
  urn: `urn:pulumi:prod::qairopay::${POLICY}::binauthz`,
  type: POLICY,
  op,
  fields: ["defaultAdmissionRule"],
  replaceFields: [],
  ...(from ? { oldInputs: mode(from) } : {}),
  newInputs: mode(to),
});
const attestor = (project: string): ResourceChange => ({
  urn: `urn:pulumi:prod::qairopay::${ATTESTOR}::signer`,
  type: ATTESTOR,
  op: "create",
  fields: [],
  replaceFields: [],
  newInputs: { project },
});
const judge = (changes: ResourceChange[]) =>
  runRules([attestationBeforeSigning], { changes, dependedOn: new Set() });

describe("attestation-before-signing", () => {
  test("enforcing with an attestor that already exists passes", () => {
    expect(judge([policy("update", "ALWAYS_ALLOW", "REQUIRE_ATTESTATION")])).toEqual([]);
  });

  test("a fresh stack creating its policy and attestor together passes", () => {
    expect(judge([policy("create", undefined, "REQUIRE_ATTESTATION"), attestor("cde")])).toEqual([]);
  });

  test("enforcing with an attestor created in the same update: refused, the fix enforces later", () => {
    const [finding] = judge([policy("update", "ALWAYS_ALLOW", "REQUIRE_ATTESTATION"), attestor("cde")]);
    expect(finding.rule).toBe("attestation-before-signing");
    expect(finding.message).toContain("which this same update creates");
    expect(finding.message).toContain("Deploy with imageAttestationEnforced: false first");
  });

  test("an attestor created in another project does not count", () => {
    expect(judge([policy("update", "ALWAYS_ALLOW", "REQUIRE_ATTESTATION"), attestor("other")])).toEqual([]);
  });
});
