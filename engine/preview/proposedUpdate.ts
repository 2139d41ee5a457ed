import { Rule } from "../rule";
import { ResourceChange } from "./diff";

/** What the guard judges: every change one `pulumi up` would make, and what the stack depends on. */
export interface ProposedUpdate {
  changes: ResourceChange[];
  /** URNs that something depends on (in either state): a VPC with dependants is stateful. */
  dependedOn: Set<string>;
}

/** A rule of the guard: what a preview must never carry to `pulumi up`. */
export type GuardRule = Rule<ProposedUpdate>;
