import { CapturedResource, shortUrn } from "../model";
import { ApplyOrder } from "./applyOrder";
import { StackFacts } from "./stackFacts";

/** One thing that would go wrong on a real `pulumi up`, on the resource that would fail. */
export interface Finding {
  rule: string;
  urn: string;
  severity: "error" | "warning";
  /** Names the resource, what it waits for, what is missing and the fix. */
  message: string;
}

/** What every rule reads: the registrations, the engine's apply order, and facts of the stack. */
export interface RehearsalContext {
  resources: CapturedResource[];
  byUrn: Map<string, CapturedResource>;
  order: ApplyOrder;
  stack: StackFacts;
}

/**
 * An apply-time rule of Google Cloud or of the engine, written like a policy: an id, what it
 * checks, and the provider source or Google document it is built from.
 */
export interface RehearsalRule {
  id: string;
  description: string;
  /** Provider source paths or Google documentation URLs the rule encodes. */
  sources: string[];
  check(ctx: RehearsalContext): Finding[];
}

/** The resource's Pulumi name, for messages. */
export const label = (r: CapturedResource): string => `${r.name} (${r.type})`;

/** An error finding about one resource (or one change to it). */
export const errorAt = (rule: string, r: { urn: string; type: string }, message: string): Finding => ({
  rule,
  urn: r.urn,
  severity: "error",
  message: `${shortUrn(r.urn)} (${r.type}): ${message}`,
});
