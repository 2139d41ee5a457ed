import { constraintOfPolicy, customConstraintId } from "../../../catalogue/orgConstraints/customConstraints";
import { CapturedResource } from "../../model";
import { label, RehearsalRule } from "../model";

const POLICY = "gcp:orgpolicy/policy:Policy";
const CUSTOM_CONSTRAINT = "gcp:orgpolicy/customConstraint:CustomConstraint";
const constraintOf = (policy: CapturedResource) => constraintOfPolicy(policy.inputs.name);
const isOrgPolicyObject = (r: CapturedResource) => r.type === POLICY || r.type === CUSTOM_CONSTRAINT;

/**
 * The legacy constraints Google accepts in a dry-run policy; beside them, custom constraints and
 * managed ones (`*.managed.*`). "Attempting to create an organization policy in dry-run mode using
 * any other constraint results in an error."
 */
export const DRY_RUN_LEGACY_CONSTRAINTS = [
  "gcp.restrictServiceUsage",
  "gcp.restrictEndpointUsage",
  "gcp.restrictTLSVersion",
  "gcp.restrictTLSCipherSuites",
];

export function acceptsDryRun(constraint: string): boolean {
  return (
    constraint.startsWith("custom.") ||
    /^[a-z]+\.managed\./.test(constraint) ||
    DRY_RUN_LEGACY_CONSTRAINTS.includes(constraint)
  );
}

/** A dry-run policy only for a constraint Google offers dry-run for. */
export const orgPolicyDryRunSupported: RehearsalRule = {
  id: "org-policy-dry-run-supported",
  severity: "error",
  description:
    "A policy's dryRunSpec names a custom, a managed or one of the four legacy constraints that have dry-run; any other is refused.",
  sources: [
    "https://cloud.google.com/resource-manager/docs/organization-policy/dry-run-policy (Limitations)",
  ],
  check(ctx, report) {
    for (const r of ctx.resources)
      if (r.type === POLICY && r.inputs.dryRunSpec !== undefined && !acceptsDryRun(constraintOf(r)))
        report.error(
          this.id,
          r,
          `its dryRunSpec names ${constraintOf(r)}, which has no dry-run mode: Google refuses the policy. Enforce it with spec (after the offline evaluation shows the plan complies) or leave it out.`,
        );
  },
};

/**
 * A policy naming one of this stack's custom constraints is created after it (the Policy API
 * answers NOT_FOUND for a constraint that does not exist), and no two org-policy objects are
 * created at once: Google answers 409 to concurrent custom constraints and policies, which the
 * provider does not retry (terraform-provider-google issues 21297 and 29271;
 * magic-modules transport/error_retry_predicates.go retries one 403 of orgpolicy only).
 */
export const orgPolicyOrdering: RehearsalRule = {
  id: "org-policy-ordering",
  severity: "error",
  description:
    "Org policies wait for the custom constraints they name, and constraints and policies are created one at a time (concurrent ones get 409).",
  sources: [
    "https://cloud.google.com/resource-manager/docs/reference/orgpolicy/rest/v2/folders.policies/create (NOT_FOUND if the constraint does not exist)",
    "https://github.com/hashicorp/terraform-provider-google/issues/21297",
    "https://github.com/hashicorp/terraform-provider-google/issues/29271",
  ],
  check(ctx, report) {
    const objects = ctx.resources.filter(isOrgPolicyObject);
    const constraints = new Map(
      objects.filter((r) => r.type === CUSTOM_CONSTRAINT).map((r) => [String(r.inputs.name), r]),
    );
    for (const policy of objects.filter((r) => r.type === POLICY)) {
      const name = constraintOf(policy);
      const constraint = constraints.get(name);
      if (constraint && !ctx.order.precedes(constraint.urn, policy.urn))
        report.error(
          this.id,
          policy,
          `it names ${name}, but does not wait for ${label(constraint)}: the Policy API answers NOT_FOUND when it comes first. Name the constraint through its output (constraint.name) or depend on it.`,
        );
      else if (!constraint && customConstraintId(name))
        report.error(this.id, policy, `it names ${name}, which no custom constraint of this stack defines.`);
    }
    for (const [i, a] of objects.entries()) {
      const concurrent = objects
        .slice(0, i)
        .find((b) => !ctx.order.precedes(b.urn, a.urn) && !ctx.order.precedes(a.urn, b.urn));
      if (concurrent)
        report.error(
          this.id,
          a,
          `it may be created at the same time as ${label(concurrent)}: Google answers 409 to concurrent org-policy changes and the provider does not retry. Chain them (dependsOn the previous one).`,
        );
    }
  },
};
