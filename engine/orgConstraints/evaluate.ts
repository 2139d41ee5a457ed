import { celEnv, isCelError, parse, plan, type CelResult } from "@bufbuild/cel";
import {
  CUSTOM_CONSTRAINTS,
  constraintOfPolicy,
  CustomConstraintSpec,
  customConstraintId,
  customConstraintName,
} from "../../catalogue/orgConstraints/customConstraints";
import { CapturedResource, shortUrn, stackOfUrn } from "../model";
import { Violation } from "../policyEvaluator";
import { googleResource } from "./googleResources";

/** The pack name the constraint evaluation reports under, beside the CrossGuard packs. */
export const ORG_CONSTRAINTS_PACK = "org-constraints";

const ORG_POLICY = "gcp:orgpolicy/policy:Policy";
const CUSTOM_CONSTRAINT = "gcp:orgpolicy/customConstraint:CustomConstraint";

export type Evaluator = (bindings: { resource: Record<string, unknown> }) => CelResult;

/**
 * Each condition parsed and planned once, with @bufbuild/cel: a CEL implementation tested against
 * cel-spec's conformance suite, with RE2 `matches()` as Google's cel-go has. A condition that does
 * not parse is a defect of the catalogue and throws.
 */
const compiled = new Map<string, Evaluator>();
export function evaluatorOf(condition: string): Evaluator {
  let run = compiled.get(condition);
  if (!run) {
    run = plan(celEnv(), parse(condition)) as Evaluator;
    compiled.set(condition, run);
  }
  return run;
}

/** How a stack applies each of our custom constraints, read from its org policies. */
type Mode = "enforced" | "dry-run" | "not applied";

function modes(resources: CapturedResource[]): Map<string, Mode> {
  const out = new Map<string, Mode>();
  for (const r of resources) {
    if (r.type !== ORG_POLICY) continue;
    const id = customConstraintId(constraintOfPolicy(r.inputs.name));
    if (!id) continue;
    const enforced = rulesOf(r.inputs.spec).some((rule) => rule.enforce === "TRUE");
    const dryRun = rulesOf(r.inputs.dryRunSpec).some((rule) => rule.enforce === "TRUE");
    const mode: Mode = enforced ? "enforced" : dryRun ? "dry-run" : "not applied";
    if (out.get(id) !== "enforced") out.set(id, mode);
  }
  return out;
}

const rulesOf = (spec: unknown): Record<string, unknown>[] =>
  ((spec as { rules?: Record<string, unknown>[] } | undefined)?.rules ?? []).filter(Boolean);

/** The name a constraint has in this plan (its CustomConstraint resource), or the stack's default. */
function namesOf(resources: CapturedResource[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== CUSTOM_CONSTRAINT) continue;
    const id = customConstraintId(String(r.inputs.name ?? ""));
    if (id) names.set(id, String(r.inputs.name));
  }
  return names;
}

/**
 * Runs every custom constraint's CEL condition on the planned resources of its type, as Google
 * would on their CREATE or UPDATE. A violation is mandatory when the stack enforces the constraint,
 * advisory while it is in dry-run or not applied; a condition that cannot be evaluated on a
 * resource is reported too (Google would refuse the request or never fire).
 */
export function evaluateOrgConstraints(
  resources: CapturedResource[],
  constraints: CustomConstraintSpec[] = CUSTOM_CONSTRAINTS,
): Violation[] {
  const mode = modes(resources);
  const names = namesOf(resources);
  const stack = stackOfUrn(resources[0]?.urn) ?? "prod";
  const violations: Violation[] = [];
  const views = resources.flatMap((r) => {
    const g = r.custom ? googleResource(r) : undefined;
    return g ? [{ r, g }] : [];
  });
  for (const c of constraints) {
    const name = names.get(c.id) ?? customConstraintName(stack, c.id);
    const applied = mode.get(c.id) ?? "not applied";
    for (const { r, g } of views) {
      if (g.type !== c.resourceType) continue;
      const result = evaluatorOf(c.condition)({ resource: g.resource });
      const refused = isCelError(result)
        ? `its condition cannot be evaluated on it (${result.message})`
        : (c.actionType === "ALLOW") !== (result === true)
          ? `${c.actionType === "ALLOW" ? "it does not satisfy" : "it matches"} the ${c.actionType} condition`
          : undefined;
      if (!refused) continue;
      violations.push({
        policyPack: ORG_CONSTRAINTS_PACK,
        policyName: name,
        enforcementLevel: applied === "enforced" ? "mandatory" : "advisory",
        urn: r.urn,
        severity: "high",
        message:
          `${c.displayName}.\n[${c.controls.join(", ")}] ${r.type} "${shortUrn(r.urn)}" (${c.resourceType}): ` +
          `Google would refuse it: ${refused} (constraint ${applied}). Twin policy: ${c.twin}.`,
      });
    }
  }
  return violations;
}
