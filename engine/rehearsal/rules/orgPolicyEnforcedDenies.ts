import { CUSTOM_CONSTRAINTS, customConstraintId } from "../../../catalogue/orgConstraints/customConstraints";
import { evaluateOrgConstraints } from "../../orgConstraints/evaluate";
import { RehearsalRule } from "../model";

const METHODS = new Map(CUSTOM_CONSTRAINTS.map((c) => [c.id, c.methodTypes as readonly string[]]));

/**
 * An org policy the stack enforces is checked by Google on every CREATE and UPDATE of the resource
 * types its custom constraint names: a planned resource its CEL condition denies is refused at
 * apply time. The same CEL runs offline on the plan (engine/orgConstraints, GOV-03); here a
 * refusal under an enforced constraint becomes an apply error, so a configuration flip that
 * enforces the constraints (`orgPolicyEnforced: true`) is rehearsed like any other change. A
 * resource that already exists meets only the constraints that judge UPDATE: a CREATE-only
 * constraint never sees it again (it is reported for its next update all the same, which it
 * would fail).
 */
export const orgPolicyEnforcedDenies: RehearsalRule = {
  id: "org-policy-enforced-denies",
  severity: "error",
  description:
    "No resource of the plan is one that an org policy the stack enforces would refuse: the custom constraint's CEL, evaluated on the resource as the provider sends it, allows it (ALLOW) or does not match it (DENY).",
  sources: [
    "https://cloud.google.com/resource-manager/docs/organization-policy/creating-managing-custom-constraints",
    "https://cloud.google.com/resource-manager/docs/organization-policy/dry-run-policy",
    "engine/orgConstraints/evaluate.ts (the constraints' CEL with @bufbuild/cel)",
  ],
  check(ctx, report) {
    for (const v of evaluateOrgConstraints(ctx.resources)) {
      if (v.enforcementLevel !== "mandatory") continue;
      const methods = METHODS.get(customConstraintId(v.policyName) ?? "") ?? ["CREATE", "UPDATE"];
      if (!methods.includes("UPDATE") && ctx.order.isExisting(v.urn)) continue;
      report.asWritten.error(
        this.id,
        v,
        `${v.message.split("\n").pop()} The org policy ${v.policyName} is enforced: the create or update is refused at apply time. Change the resource, or keep the constraint in dry-run until it complies.`,
      );
    }
  },
};
