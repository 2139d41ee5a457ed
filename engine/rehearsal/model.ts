import { CapturedResource } from "../model";
import { findingAt, RehearsalFinding, Rule } from "../rule";
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
 * An apply-time rule of Google Cloud or of the engine, in the one rule shape (engine/rule.ts): an
 * id, the severity of what it finds, what it checks, the provider source or Google document it is
 * built from, and a check of the whole plan that reports through a reporter. A rule reports a
 * warning instead where the stack does not say enough to judge.
 */
export type RehearsalRule = Rule<RehearsalContext>;

/** The resource's Pulumi name, for messages. */
export const label = (r: CapturedResource): string => `${r.name} (${r.type})`;

/** An error finding about one resource (or one change to it). */
export const errorAt = (rule: string, r: { urn: string; type: string }, message: string): RehearsalFinding =>
  findingAt(rule, "error", r, message);
