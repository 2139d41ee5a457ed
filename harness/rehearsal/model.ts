import { CapturedResource } from "../model";
import { findingAt, RehearsalFinding, RuleMetadata } from "../rule";
import { ApplyOrder } from "./applyOrder";
import { StackFacts } from "./stackFacts";

export type { RehearsalFinding } from "../rule";

/** What every rule reads: the registrations, the engine's apply order, and facts of the stack. */
export interface RehearsalContext {
  resources: CapturedResource[];
  byUrn: Map<string, CapturedResource>;
  order: ApplyOrder;
  stack: StackFacts;
}

/**
 * An apply-time rule of Google Cloud or of the engine, written like a policy: the metadata every
 * rule carries (harness/rule.ts: an id, what it checks, the provider source or Google document it
 * is built from) and a check of the whole plan. Its findings carry their own severity: a rule
 * reports a warning where the stack does not say enough to judge.
 */
export interface RehearsalRule extends Omit<RuleMetadata, "severity"> {
  check(ctx: RehearsalContext): RehearsalFinding[];
}

/** The resource's Pulumi name, for messages. */
export const label = (r: CapturedResource): string => `${r.name} (${r.type})`;

/** An error finding about one resource (or one change to it). */
export const errorAt = (rule: string, r: { urn: string; type: string }, message: string): RehearsalFinding =>
  findingAt(rule, "error", r, message);
