import { PACKS } from "../policies/packs";
import { evaluateHealthModules, HEALTH_MODULES_PACK } from "./detection/evaluate";
import { CapturedResource } from "./model";
import { evaluateOrgConstraints, ORG_CONSTRAINTS_PACK } from "./orgConstraints/evaluate";
import { evaluatePacks, PolicyOverrides, Violation } from "./policyEvaluator";

/**
 * What `plan` and `policy` report, in report order: the platform's packs, then the org constraints,
 * then Security Health Analytics' custom modules.
 */
export const REPORTED_PACKS = [...PACKS.map((p) => p.name), ORG_CONSTRAINTS_PACK, HEALTH_MODULES_PACK];

/**
 * The platform's CrossGuard packs, the custom constraints' CEL (GOV-03) and the custom modules' CEL
 * (DET-01) on one stack's resources, as `plan` and `policy --state` report them.
 */
export async function evaluateStackPolicies(
  resources: CapturedResource[],
  overrides: PolicyOverrides = {},
): Promise<Violation[]> {
  return [
    ...(await evaluatePacks(PACKS, resources, overrides)),
    ...evaluateOrgConstraints(resources),
    ...evaluateHealthModules(resources),
  ];
}
