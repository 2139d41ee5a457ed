import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { BUILT_IN_CONSTRAINTS } from "../../catalogue/orgConstraints/builtInConstraints";
import {
  constraintOfPolicy,
  CUSTOM_CONSTRAINTS,
  customConstraintId,
} from "../../catalogue/orgConstraints/customConstraints";

const POLICY = "gcp:orgpolicy/policy:Policy";
const CUSTOM_CONSTRAINT = "gcp:orgpolicy/customConstraint:CustomConstraint";

type Rule = { enforce?: string; denyAll?: string; allowAll?: string; values?: unknown; condition?: unknown };
const rulesOf = (spec: unknown): Rule[] => (spec as { rules?: Rule[] } | undefined)?.rules ?? [];
/** A rule that constrains: enforce TRUE (boolean and custom), a value list or denyAll (list). */
const enforcing = (rule: Rule) =>
  rule.enforce === "TRUE" || rule.denyAll === "TRUE" || rule.values !== undefined;
const constraintOf = (p: PolicyResource) => constraintOfPolicy(p.props.name);

/**
 * How a policy's spec or dryRunSpec turns its constraint off while still setting it: `reset`
 * restores Google's default, a rule with enforce FALSE or allowAll TRUE lifts it, and a condition on
 * an enforcing rule limits it to the resources the condition's tags select
 * (https://cloud.google.com/resource-manager/docs/organization-policy/tags-organization-policy).
 */
function switchedOff(spec: unknown): string[] {
  const s = spec as { reset?: boolean; rules?: Rule[] } | undefined;
  if (!s) return [];
  const found: string[] = [];
  if (s.reset === true) found.push("reset: true (Google's default applies instead)");
  for (const r of s.rules ?? []) {
    if (r.enforce === "FALSE" || r.allowAll === "TRUE")
      found.push(
        `a rule ${r.enforce === "FALSE" ? "enforce: FALSE" : "allowAll: TRUE"}${r.condition ? " under a condition" : ""} lifts it`,
      );
    else if (enforcing(r) && r.condition) found.push("its enforcing rule holds only under a condition");
  }
  return found;
}
const sameSet = (a: unknown, b: string[]) =>
  Array.isArray(a) && a.length === b.length && b.every((x) => a.includes(x));

/**
 * GOV-03: the stack applies the catalogue's constraints (policies/org-constraints) — each custom
 * constraint defined exactly as the catalogue writes it (what `plan` evaluates offline is what
 * Google evaluates), and every constraint set, enforcing or in dry-run, on every scope the stack's
 * org policies use (the folder, or each project).
 */
export const orgPolicyGuardrailsApplied = stackPolicy(
  {
    name: "orgpolicy-guardrails-applied",
    description:
      "The stack defines every custom constraint of the catalogue as written there and sets every catalogue constraint, enforced or in dry-run, on each scope it governs, never reset, lifted or conditioned, and enforced where the catalogue promises it.",
    controls: ["GOV-03"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Keep the OrgGuardrails component (components/orgGuardrails.ts) with the catalogue of policies/org-constraints; change a condition in the catalogue, never in the stack.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const definitions = new Map<string, PolicyResource>();
    for (const r of resources.filter((x) => x.type === CUSTOM_CONSTRAINT)) {
      const id = customConstraintId(String(r.props.name ?? ""));
      if (id) definitions.set(id, r);
    }
    for (const c of CUSTOM_CONSTRAINTS) {
      const r = definitions.get(c.id);
      if (!r) {
        findings.push({
          problem: `custom constraint ${c.id} (${c.controls.join(", ")}) is not defined`,
          fix: "keep every constraint of catalogue/orgConstraints/customConstraints.ts in OrgGuardrails",
        });
        continue;
      }
      const differs = [
        r.props.condition !== c.condition && "condition",
        r.props.actionType !== c.actionType && "actionType",
        !sameSet(r.props.resourceTypes, [c.resourceType]) && "resourceTypes",
        !sameSet(r.props.methodTypes, c.methodTypes) && "methodTypes",
      ].filter(Boolean);
      if (differs.length)
        findings.push({
          urn: r.urn,
          problem: `its ${differs.join(", ")} ${differs.length === 1 ? "differs" : "differ"} from the catalogue's ${c.id}, so the offline evaluation does not judge what Google would`,
          fix: "define it from the catalogue (catalogue/orgConstraints/customConstraints.ts)",
        });
    }

    const policies = resources.filter((r) => r.type === POLICY);
    const scopes = [...new Set(policies.map((p) => String(p.props.parent ?? "")))].sort();
    if (!scopes.length) {
      findings.push({
        problem: "no organisation policy governs the stack's projects",
        fix: "add the OrgGuardrails component (platform/domains/guardrails.ts)",
      });
      return findings;
    }
    const enforcedBuiltIns = new Set(BUILT_IN_CONSTRAINTS.filter((b) => !b.dryRun).map((b) => b.constraint));
    for (const p of policies) {
      const off = [...switchedOff(p.props.spec), ...switchedOff(p.props.dryRunSpec)];
      if (off.length)
        findings.push({
          urn: p.urn,
          problem: `it sets ${constraintOf(p)} but switches it off: ${off.join("; ")}`,
          fix: "keep one unconditional enforcing rule and no reset",
        });
      if (enforcedBuiltIns.has(constraintOf(p)) && !rulesOf(p.props.spec).some(enforcing))
        findings.push({
          urn: p.urn,
          problem: `${constraintOf(p)} is promised enforced from the first up, but spec has no enforcing rule`,
          fix: 'enforce it in spec (rules: [{ enforce: "TRUE" }] or the list rule)',
        });
      if (![...rulesOf(p.props.spec), ...rulesOf(p.props.dryRunSpec)].some(enforcing))
        findings.push({
          urn: p.urn,
          problem: `it sets ${constraintOf(p)} without an enforcing rule, in spec or in dryRunSpec`,
          fix: 'set rules: [{ enforce: "TRUE" }] (or the list rule) in spec, or in dryRunSpec while trying it',
        });
    }
    const set = new Set(policies.map((p) => `${String(p.props.parent)}|${constraintOf(p)}`));
    const setId = new Set(
      policies.flatMap((p) => {
        const id = customConstraintId(constraintOf(p));
        return id ? [`${String(p.props.parent)}|${id}`] : [];
      }),
    );
    for (const scope of scopes) {
      const missing = [
        ...CUSTOM_CONSTRAINTS.filter((c) => !setId.has(`${scope}|${c.id}`)).map((c) => c.id),
        ...BUILT_IN_CONSTRAINTS.filter(
          (b) => !(b.atCreationOnly && !scope.startsWith("folders/")) && !set.has(`${scope}|${b.constraint}`),
        ).map((b) => b.constraint),
      ];
      // Reported on the scope's first policy: the scope has no resource of its own in the stack.
      if (missing.length)
        findings.push({
          urn: policies.find((p) => p.props.parent === scope)?.urn,
          problem: `${scope} is governed without ${missing.join(", ")}`,
          fix: "set every catalogue constraint on every scope (OrgGuardrails does)",
        });
    }
    return findings;
  },
);
