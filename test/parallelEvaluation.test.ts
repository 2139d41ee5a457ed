import { evaluatePacks, evaluatePacksInParallel } from "../harness/policyEvaluator";
import { PACKS } from "../policies/packs";
import { removeResource } from "./helpers/mutate";
import { planStack } from "./helpers/plan";

describe("parallel policy evaluation (large plans)", () => {
  test("a worker thread evaluating half the packs returns exactly what the sequential evaluation returns", async () => {
    const prod = (await planStack("prod")).resources;
    const broken = removeResource("prod-cache-us-east1-instance")(
      removeResource("prod-ledger-us-east1")(prod),
    );
    const sequential = await evaluatePacks(PACKS, broken);
    expect(sequential.length).toBeGreaterThan(1);
    expect(await evaluatePacksInParallel(PACKS, broken, {}, 0)).toEqual(sequential);
  });
});
