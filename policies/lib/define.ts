import {
  EnforcementLevel,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import type * as pulumi from "@pulumi/pulumi";
import { bindingsOf, withPolicyBindings } from "./iamPolicies";

/*
 * Policies judge the program; they never import its values (components/, platform/). A fact
 * such as Google's load-balancer ranges or the cross-tenant marker therefore appears once on each
 * side on purpose: a policy that read the component's constant would approve the component's
 * own mistake, and the packs must also judge stacks exported from elsewhere. Google's own facts
 * (facts/google/: who a service agent is, where a type names its CMEK key) are not decisions of
 * the platform: the packs read them from the same leaf as the program, so the two cannot drift.
 */

/** Where every policy's documentation lives: the generated control map. */
export const CONTROLS_DOC = "https://github.com/qairopay/platform/blob/main/docs/controls.md";

export interface ControlMetadata {
  /** kebab-case `<service>-<resource>-<check>`. */
  name: string;
  /** A full sentence. */
  description: string;
  /** Control ids from shared/controls.md that this policy enforces. */
  controls: string[];
  enforcementLevel: EnforcementLevel;
  severity: "low" | "medium" | "high" | "critical";
  remediationSteps: string;
}

/** A problem found on one resource: what is wrong (with the offending value) and how to fix it. */
export interface Finding {
  problem: string;
  fix: string;
  /** Stack policies name the resource; resource policies report on the one they check. */
  urn?: string;
}

function common(meta: ControlMetadata) {
  return {
    name: meta.name,
    description: meta.description,
    enforcementLevel: meta.enforcementLevel,
    severity: meta.severity,
    remediationSteps: meta.remediationSteps,
    url: `${CONTROLS_DOC}#${meta.controls[0].toLowerCase()}`,
    tags: meta.controls,
    framework: {
      name: "qairopay-controls",
      version: "1",
      reference: meta.controls.join(","),
      specification: meta.description,
    },
  };
}

/** `[ENC-01] <type> "<name>": <problem>. Fix: <fix>` — the control, the resource, the value and the fix. */
export function violationMessage(meta: ControlMetadata, resource: string, finding: Finding): string {
  return `[${meta.controls.join(", ")}] ${resource}: ${finding.problem}. Fix: ${finding.fix}`;
}

export function resourceLabel(r: { type: string; name: string }): string {
  return `${r.type} "${r.name}"`;
}

type ResourceClass<TProps> = {
  new (...args: never[]): pulumi.Resource & TProps;
  isInstance(o: unknown): boolean;
};

/** A resource policy on one type; `check` returns every finding for the resource's inputs. */
export function resourcePolicy<TArgs>(
  meta: ControlMetadata,
  resourceClass: ResourceClass<unknown>,
  check: (props: TArgs, resource: { type: string; name: string; urn: string; protect: boolean }) => Finding[],
): ResourceValidationPolicy {
  return {
    ...common(meta),
    validateResource: validateResourceOfType(resourceClass as never, (props, args, report) => {
      const resource = { type: args.type, name: args.name, urn: args.urn, protect: args.opts.protect };
      for (const finding of check(props as TArgs, resource)) {
        report(violationMessage(meta, resourceLabel(resource), finding));
      }
    }),
  };
}

/**
 * A resource policy over several types (e.g. every resource with a `region`). An authoritative IAM
 * policy is also judged as each of its bindings (policies/lib/iamPolicies.ts), reported on itself.
 */
export function anyResourcePolicy(
  meta: ControlMetadata,
  check: (resource: {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    protect: boolean;
  }) => Finding[],
): ResourceValidationPolicy {
  return {
    ...common(meta),
    validateResource: (args, report) => {
      const resource = {
        type: args.type,
        name: args.name,
        urn: args.urn,
        props: args.props,
        protect: args.opts.protect,
      };
      for (const judged of [resource, ...bindingsOf(resource)])
        for (const finding of check(judged)) report(violationMessage(meta, resourceLabel(resource), finding));
    },
  };
}

/**
 * A stack policy: `check` sees every resource and names the offending one in each finding; an
 * authoritative IAM policy also as its bindings, each with the policy's urn (policies/lib/iamPolicies.ts).
 */
export function stackPolicy(
  meta: ControlMetadata,
  check: (resources: PolicyResource[]) => Finding[],
): StackValidationPolicy {
  return {
    ...common(meta),
    validateStack: (args, report: ReportViolation) => {
      const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
      for (const finding of check(withPolicyBindings(args.resources))) {
        const resource = finding.urn ? byUrn.get(finding.urn) : undefined;
        const label = resource ? resourceLabel(resource) : "stack";
        report(violationMessage(meta, label, finding), finding.urn);
      }
    },
  };
}
