import { shortUrn } from "./model";

/*
 * One shape for every rule of the offline engine (the apply rehearsal's rules, the preview guard's,
 * the destroy rehearsal's), written like a policy's `resourcePolicy`: metadata that the docs and
 * the findings name, and a check that reports what it finds through a reporter. The packs'
 * violations are another thing (policies/lib/define.ts): a rule finding is what a real
 * `pulumi up` (or `destroy`) would trip over, on the resource that would fail.
 */

export type RuleSeverity = "error" | "warning";

/** One thing that would go wrong on a real `pulumi up`, on the resource that would fail. */
export interface RehearsalFinding {
  rule: string;
  urn: string;
  severity: RuleSeverity;
  /** Names the resource, what it waits for, what is missing and the fix. */
  message: string;
}

/** What a rule is, as docs/rehearsal.md and the findings name it. */
export interface RuleMetadata {
  /** kebab-case; the `rule` of every finding it reports. */
  id: string;
  /** The severity of what it reports when the facts are known (a warning when they are not). */
  severity: RuleSeverity;
  /** A full sentence: what it refuses. */
  description: string;
  /** Provider source paths or Google documentation URLs the rule encodes. */
  sources: string[];
}

/** The resource a finding is about (a registration, or a change to one). */
export interface FindingSubject {
  urn: string;
  type: string;
}

/**
 * How a check reports. Each call names the rule it reports for, which the engine holds to the
 * rule's own id (a finding under another rule's name is a bug that fails loudly).
 */
export interface Reporter {
  error(rule: string, on: FindingSubject, message: string): void;
  warning(rule: string, on: FindingSubject, message: string): void;
  /**
   * The same for a message that is already a whole sentence naming its subject (the apply
   * rehearsal's `<name> (<type>) calls …`, or one naming another resource first), kept as written.
   */
  asWritten: {
    error(rule: string, on: Pick<FindingSubject, "urn">, message: string): void;
    warning(rule: string, on: Pick<FindingSubject, "urn">, message: string): void;
  };
}

/** A rule over one kind of input: a plan to rehearse, a proposed update to guard. */
export interface Rule<Input> extends RuleMetadata {
  check(input: Input, report: Reporter): void;
}

/** A finding about one resource (or one change to it): `<short urn> (<type>): <message>`. */
export const findingAt = (
  rule: string,
  severity: RuleSeverity,
  on: FindingSubject,
  message: string,
): RehearsalFinding => ({
  rule,
  urn: on.urn,
  severity,
  message: `${shortUrn(on.urn)} (${on.type}): ${message}`,
});

/** Every rule run on the same input, in order; their findings in the order they were reported. */
export function runRules<Input>(rules: readonly Rule<Input>[], input: Input): RehearsalFinding[] {
  const findings: RehearsalFinding[] = [];
  for (const rule of rules) {
    const own = (id: string) => {
      if (id !== rule.id) throw new Error(`rule ${rule.id} reported a finding as ${id}`);
      return id;
    };
    const at = (severity: RuleSeverity) => (id: string, on: FindingSubject, message: string) =>
      findings.push(findingAt(own(id), severity, on, message));
    const asWritten =
      (severity: RuleSeverity) => (id: string, on: Pick<FindingSubject, "urn">, message: string) =>
        findings.push({ rule: own(id), urn: on.urn, severity, message });
    rule.check(input, {
      error: at("error"),
      warning: at("warning"),
      asWritten: { error: asWritten("error"), warning: asWritten("warning") },
    });
  }
  return findings;
}
