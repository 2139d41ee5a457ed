import { PACKS } from "../policies/packs";
import { CapturedResource } from "./model";
import { evaluateOrgConstraints, ORG_CONSTRAINTS_PACK } from "./orgConstraints/evaluate";
import { evaluatePacks, PolicyOverrides, Violation } from "./policyEvaluator";

/** What `plan` and `policy` report, in report order: the platform's packs, then the org constraints. */
export const REPORTED_PACKS = [...PACKS.map((p) => p.name), ORG_CONSTRAINTS_PACK];

/**
 * The platform's CrossGuard packs and the custom constraints' CEL (GOV-03) on one stack's
 * resources, as `plan` and `policy --state` report them.
 */
export async function evaluateStackPolicies(
  resources: CapturedResource[],
  overrides: PolicyOverrides = {},
): Promise<Violation[]> {
  return [...(await evaluatePacks(PACKS, resources, overrides)), ...evaluateOrgConstraints(resources)];
}
