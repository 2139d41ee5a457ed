import { IAM_PROPAGATION_SECONDS, IAM_PROPAGATION_WAIT } from "../components/lib/propagation";
import { PROPAGATION_SECONDS } from "../engine/rehearsal/facts/propagation";
import { CapturedResource } from "../engine/model";
import { planStack } from "./helpers/plan";

/**
 * One mechanism and one number for waiting on IAM grants (components/lib/propagation.ts): the streams
 * had two (sql-cde's grantPropagation, 420 s; harden's per-region Sleep of its own 120 s).
 */
let plans: CapturedResource[][];
beforeAll(async () => {
  plans = [(await planStack("prod")).resources, (await planStack("staging")).resources];
});

const GRANT = /IAMMember|IamMember|iAMMember/;

test("every wait that follows an IAM grant waits the platform's one propagation time", () => {
  for (const resources of plans) {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const grantWaits = resources.filter(
      (r) =>
        r.type === "time:index/sleep:Sleep" &&
        r.dependencies.some((d) => GRANT.test(byUrn.get(d)?.type ?? "")),
    );
    expect(grantWaits.length).toBeGreaterThan(0);
    expect(
      grantWaits.filter((s) => s.inputs.createDuration !== IAM_PROPAGATION_WAIT).map((s) => s.name),
    ).toEqual([]);
  }
  // The rehearsal rule that asks for the wait reads the same number.
  expect(PROPAGATION_SECONDS.iamGrant).toBe(IAM_PROPAGATION_SECONDS);
});

test("the attestors' public keys are read after one wait for both regions' viewer grants", () => {
  const [prod] = plans;
  const waits = prod.filter(
    (r) => r.type === "time:index/sleep:Sleep" && /signing-keys?-.*readable/.test(r.name),
  );
  expect(waits.map((w) => [w.name, w.inputs.createDuration, w.inputs.triggers])).toEqual(
    ["prod-cde-images", "prod-images"].map((name) => [
      `${name}-signing-keys-readable`,
      IAM_PROPAGATION_WAIT,
      { grants: `${name}-signing-key-us-central1-deployer,${name}-signing-key-us-east1-deployer` },
    ]),
  );
});
