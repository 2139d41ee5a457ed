import { ResourceChange, diffStates } from "../preview/diff";
import { guardChanges } from "../preview/guard";
import { kubernetesProviderReplacements } from "../preview/kubernetesProviders";
import { dependedOn } from "../preview/preview";
import { RehearsalFinding } from "../rehearsal/model";
import { rehearseApply } from "../rehearsal/rehearse";
import { REHEARSAL_RULES } from "../rehearsal/rules";
import { StackFactInputs } from "../rehearsal/stackFacts";
import { runOffline } from "../run";
import { StackConfig } from "../stackFile";
import { applyFlips, ConfigFlip } from "./configFlip";

export interface FlipRehearsal {
  flips: ConfigFlip[];
  /** Every resource's operation from the current plan to the flipped one. */
  changes: ResourceChange[];
  /** The guard's findings on those changes, then every rehearsal rule on the flipped plan. */
  findings: RehearsalFinding[];
}

/**
 * A configuration flip rehearsed like a failover: the stack is planned as it is and with the flips
 * applied; the flipped plan is previewed against the current one (each resource's operation, the
 * guard against replacing or deleting what holds data, Kubernetes providers that would be
 * replaced) and every apply-time rule runs on the whole flipped plan, with what the current plan
 * holds counted as existing. The current plan stands in for the deployed state: run `rehearse
 * --against` on a real export for drift. A flipped value the program refuses throws its ConfigError.
 */
export async function rehearseFlip(
  stackConfig: StackConfig,
  flips: ConfigFlip[],
  facts: StackFactInputs = {},
): Promise<FlipRehearsal> {
  const current = (await runOffline(stackConfig)).resources;
  const flipped = (await runOffline(applyFlips(stackConfig, flips))).resources;
  const changes = diffStates(current, flipped);
  const guard = guardChanges(changes, { dependedOn: dependedOn(current, flipped) });
  const existing = new Set(changes.filter((c) => c.op === "same" || c.op === "update").map((c) => c.urn));
  return {
    flips,
    changes,
    findings: [
      ...guard,
      ...kubernetesProviderReplacements(current, flipped),
      ...rehearseApply(flipped, facts, REHEARSAL_RULES, existing),
    ],
  };
}
