/**
 * What each of Google's service agents may reach through the perimeter (NET-07): an allowlist per
 * agent, so that admitting an agent from any source (it calls from Google's infrastructure, not
 * from a network an access level could name) does not also admit it to every service and project.
 */
import { PolicyResource } from "@pulumi/policy";

export interface AgentScope {
  /** Who the agent is, in a reviewer's words. */
  label: string;
  /** The services it calls; `*` for the detectors, which scan every service. */
  services: string[] | "*";
  /** The projects it calls in: every one (`*`), the perimeter's own, or the findings topics' projects. */
  projects: "*" | "perimeter" | "findings-topic";
  /** Whether it may leave the perimeter (an egress rule). */
  egress: boolean;
}

/**
 * Security Command Center's detectors read every service of every project and the organisation's
 * own (cloud-foundation-fabric fast/stages/1-vpcsc/datasets/hardened/ingress-policies/fast-org-scc.yaml
 * admits them to `*`); its notification agent only publishes to the findings topic (Pub/Sub, in
 * the topic's project); Privileged Access Manager's agent only writes each grant's binding into
 * the IAM policy of the projects that hold entitlements (Resource Manager) on behalf of PAM's API
 * — the scopes platform/domains/perimeter.ts gives them, judged here from the plan alone.
 */
const DETECTORS: AgentScope = {
  label: "Security Command Center detector",
  services: "*",
  projects: "*",
  egress: true,
};
export const AGENT_SCOPES: Record<string, AgentScope> = {
  "security-center-api": DETECTORS,
  "gcp-sa-ktd-hpsa": DETECTORS,
  "gcp-sa-csc-hpsa": DETECTORS,
  "gcp-sa-securitycenter": DETECTORS,
  "gcp-sa-scc-notification": {
    label: "Security Command Center notification agent",
    services: ["pubsub.googleapis.com"],
    projects: "findings-topic",
    egress: false,
  },
  "gcp-sa-pam": {
    label: "Privileged Access Manager agent",
    services: ["cloudresourcemanager.googleapis.com", "privilegedaccessmanager.googleapis.com"],
    projects: "perimeter",
    egress: false,
  },
};

/**
 * A Google agent of the table: only `service-<number>@` or `service-org-<id>@` of these domains; a
 * user-managed account (`name@project.iam…`) is never one of them.
 */
export const GOOGLE_AGENT = new RegExp(
  `^serviceAccount:service-(?:org-)?\\d+@(?:${Object.keys(AGENT_SCOPES).join("|")})\\.iam\\.gserviceaccount\\.com$`,
);

/**
 * The organisations the stack acts in: every `organizations/<id>` a resource names as its parent,
 * organisation or orgId (org policies, custom constraints, organisation-level configurations).
 */
export function stackOrganizations(resources: PolicyResource[]): Set<string> {
  const orgs = new Set<string>();
  for (const r of resources)
    for (const key of ["parent", "organization", "orgId"]) {
      const v = r.props[key];
      const m = typeof v === "string" ? /^(?:organizations\/)?(\d+)$/.exec(v) : null;
      if (m && (key !== "parent" || v.startsWith("organizations/"))) orgs.add(m[1]);
    }
  return orgs;
}

/**
 * An organisation-level agent (`service-org-<id>@`) of another organisation than the stack's: it
 * acts for that organisation's Security Command Center or PAM, whoever administers it. Undefined
 * when the agent is not organisation-level, or the stack names no organisation to compare with.
 */
export function foreignOrganizationAgent(member: string, orgs: ReadonlySet<string>): string | undefined {
  const m = /^serviceAccount:service-org-(\d+)@/.exec(member);
  if (!m || !orgs.size || orgs.has(m[1])) return undefined;
  const label = agentScope(member)?.label ?? "Google service agent";
  return `${member} (${label}) is the agent of organisation ${m[1]}, not of the stack's (${[...orgs].join(", ")})`;
}

/** The stack's own agent of the same service, in place of another organisation's. */
export function ownAgentFix(member: string, orgs: ReadonlySet<string>): string {
  const own = [...orgs].map((o) => member.replace(/service-org-\d+@/, `service-org-${o}@`));
  return `name the stack's own agent instead (${own.join(" or ")}): another organisation's agent acts for whoever administers that organisation`;
}

export function agentScope(member: string): AgentScope | undefined {
  if (!GOOGLE_AGENT.test(member)) return undefined;
  return AGENT_SCOPES[/@([a-z0-9-]+)\.iam\./.exec(member)![1]];
}

/**
 * A project's number, from the grant of a `roles/<service>.serviceAgent` role on the project to a
 * `service-<number>@` agent: a project's agents hold their service agent role on their own project
 * (facts/google/serviceAgents.ts: `service-PROJECT_NUMBER@gcp-sa-…`), as the platform grants
 * Pub/Sub's agent roles/pubsub.serviceAgent in the logging project.
 */
export function projectNumberOf(resources: PolicyResource[], project: string): string | undefined {
  for (const r of resources) {
    if (r.type !== "gcp:projects/iAMMember:IAMMember" || r.props.project !== project) continue;
    if (!/^roles\/[A-Za-z0-9.]+\.serviceAgent$/.test(String(r.props.role))) continue;
    const m = /^serviceAccount:service-(\d+)@/.exec(String(r.props.member));
    if (m) return m[1];
  }
  return undefined;
}

interface Rule {
  identities?: string[];
  services: string[];
  resources: string[];
}

/**
 * Why an ingress rule of agents reaches more than each agent's scope, if it does: a service or
 * project outside it. `allowed` are the `projects/<n>` each kind of scope names.
 */
export function agentRuleProblem(
  rule: Rule,
  allowed: { perimeter: string[]; "findings-topic": string[] },
  orgs: ReadonlySet<string> = new Set(),
): { problem: string; fix: string } | undefined {
  const scopeFix =
    "limit the agent's rule to the services and projects it calls (policies/lib/perimeterAgents.ts)";
  for (const member of rule.identities ?? []) {
    const scope = agentScope(member);
    if (!scope) continue;
    const foreign = foreignOrganizationAgent(member, orgs);
    if (foreign) return { problem: foreign, fix: ownAgentFix(member, orgs) };
    if (scope.services !== "*") {
      const extra = rule.services.filter((s) => !(scope.services as string[]).includes(s));
      if (extra.length || !rule.services.length)
        return {
          problem: `${member} (${scope.label}) is admitted to ${extra.join(", ") || "no named service"}, beyond ${scope.services.join(", ")}`,
          fix: scopeFix,
        };
    }
    if (scope.projects !== "*") {
      const projects = allowed[scope.projects];
      const extra = rule.resources.filter((r) => !projects.includes(r));
      if (extra.length || !rule.resources.length)
        return {
          problem: `${member} (${scope.label}) is admitted to ${extra.join(", ") || "no named project"}, beyond ${projects.join(", ") || "(none known)"}`,
          fix: scopeFix,
        };
    }
  }
  return undefined;
}
