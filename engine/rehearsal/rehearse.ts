import { CapturedResource } from "../model";
import { runRules } from "../rule";
import { ApplyOrder } from "./applyOrder";
import { RehearsalFinding, RehearsalRule } from "./model";
import { REHEARSAL_RULES } from "./rules";
import { gatherStackFacts, StackFactInputs } from "./stackFacts";

/**
 * Replays the registrations in the engine's apply order against the model of Google Cloud's
 * apply-time rules. Errors first, then warnings; each list in registration order.
 */
export function rehearseApply(
  resources: CapturedResource[],
  facts: StackFactInputs = {},
  rules: RehearsalRule[] = REHEARSAL_RULES,
  existing: ReadonlySet<string> = new Set(),
): RehearsalFinding[] {
  const ctx = {
    resources,
    byUrn: new Map(resources.map((r) => [r.urn, r])),
    order: new ApplyOrder(resources, existing),
    stack: gatherStackFacts(resources, facts),
  };
  const findings = runRules(rules, ctx);
  const rank = new Map(resources.map((r, i) => [r.urn, i]));
  return findings.sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
      (rank.get(a.urn) ?? 0) - (rank.get(b.urn) ?? 0),
  );
}

export type { RehearsalFinding } from "./model";
