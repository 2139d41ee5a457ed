import { CapturedResource } from "../model";
import { RehearsalFinding } from "../rehearsal/model";
import { rehearseApply } from "../rehearsal/rehearse";
import { REHEARSAL_RULES } from "../rehearsal/rules";
import { StackFactInputs } from "../rehearsal/stackFacts";
import { diffStates, ResourceChange } from "./diff";
import { guardChanges } from "./guard";
import { kubernetesProviderReplacements } from "./kubernetesProviders";

export interface Preview {
  changes: ResourceChange[];
  findings: RehearsalFinding[];
}

/** URNs anything depends on, in either state. */
export function dependedOn(...states: CapturedResource[][]): Set<string> {
  return new Set(
    states.flat().flatMap((r) => [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]),
  );
}

/**
 * The offline `pulumi preview --diff` of `after` against the deployed `before`: every resource's
 * operation, the guard's findings on them, and the apply rehearsal of what is created or changed
 * (resources that already exist are done before anything starts).
 */
export function previewAgainst(
  before: CapturedResource[],
  after: CapturedResource[],
  facts: StackFactInputs = {},
): Preview {
  const changes = diffStates(before, after);
  const guard = guardChanges(changes, { dependedOn: dependedOn(before, after) });
  const untouched = new Set(changes.filter((c) => c.op === "same").map((c) => c.urn));
  const existing = new Set(changes.filter((c) => c.op === "same" || c.op === "update").map((c) => c.urn));
  const rehearsal = rehearseApply(after, facts, REHEARSAL_RULES, existing).filter(
    (f) => !untouched.has(f.urn),
  );
  return { changes, findings: [...guard, ...kubernetesProviderReplacements(before, after), ...rehearsal] };
}
