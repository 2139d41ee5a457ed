/**
 * Whose a non-person principal is (IAM-07): the stack's own, or another project's or organisation's.
 * A service account's address names its project: by id for user-managed accounts
 * (`NAME@PROJECT_ID.iam.gserviceaccount.com`), Workload Identity (`PROJECT_ID.svc.id.goog[ns/ksa]`)
 * and App Engine's default (`PROJECT_ID@appspot.gserviceaccount.com`); by number for Google's
 * service agents (`service-PROJECT_NUMBER@…`, `service-org-ORGANIZATION_ID@…`), Cloud SQL's
 * instance accounts (`pPROJECT_NUMBER-…@gcp-sa-cloud-sql…`), Compute Engine's default
 * (`PROJECT_NUMBER-compute@developer.gserviceaccount.com`) and workload identity pools
 * (`principal[Set]://iam.googleapis.com/projects/PROJECT_NUMBER/…`):
 * https://cloud.google.com/iam/docs/service-account-types, https://cloud.google.com/iam/docs/service-agents,
 * https://cloud.google.com/iam/docs/principal-identifiers.
 */
import { PolicyResource } from "@pulumi/policy";
import { agentOfDomain } from "../../facts/google/serviceAgents";
import { AGENT_SCOPES, projectNumberOf, stackOrganizations } from "./perimeterAgents";

const PERIMETER = "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter";

interface PerimeterConfig {
  resources?: string[];
  ingressPolicies?: { ingressFrom?: { identities?: string[] } }[];
}

export interface StackIdentity {
  /** Project ids: every project a resource other than a grant is in, and the CI project of the deployers the perimeter admits. */
  projects: Set<string>;
  /** Project numbers: those the stack's regular perimeters surround, and its projects' agents show. */
  numbers: Set<string>;
  organizations: Set<string>;
}

/**
 * The projects and organisations whose principals are the stack's own. The CI identities live in a
 * project of their own stack (ci-identities/); the prod plan knows it only as the project of the
 * accounts the perimeter admits by name, the ingress rules vpcsc-perimeter-ingress-named-sources judges.
 * Bridge perimeters do not count: a bridge naming another organisation's project is the bypass.
 */
/**
 * One spelling per Google identity, to compare principals written in either form: a group as
 * `group:EMAIL` or `principalSet://goog/group/EMAIL`, a Google Account as `user:EMAIL` or
 * `principal://goog/subject/EMAIL` (https://cloud.google.com/iam/docs/principal-identifiers), the
 * address in lower case.
 */
export const canonicalPrincipal = (p: string): string =>
  p
    .replace(/^principalSet:\/\/goog\/group\//, "group:")
    .replace(/^principal:\/\/goog\/subject\//, "user:")
    .toLowerCase();

export function stackIdentity(resources: PolicyResource[]): StackIdentity {
  // A grant does not make its project the stack's: the foreign account's own project, granted
  // something there in the same pull request, would otherwise vouch for it.
  const projects = new Set<string>();
  for (const r of resources)
    if (r.type.startsWith("gcp:") && typeof r.props.project === "string" && typeof r.props.role !== "string")
      projects.add(r.props.project);
  const numbers = new Set<string>();
  for (const project of projects) {
    const n = projectNumberOf(resources, project);
    if (n) numbers.add(n);
  }
  const regular = resources.filter(
    (r) => r.type === PERIMETER && r.props.perimeterType !== "PERIMETER_TYPE_BRIDGE",
  );
  for (const p of regular)
    for (const config of [p.props.status, p.props.spec] as (PerimeterConfig | undefined)[]) {
      for (const resource of config?.resources ?? []) {
        const m = /^projects\/(\d+)$/.exec(resource);
        if (m) numbers.add(m[1]);
      }
      for (const ingress of config?.ingressPolicies ?? [])
        for (const id of ingress.ingressFrom?.identities ?? []) {
          const m = /^serviceAccount:[a-z][a-z0-9-]*@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(id);
          if (m && !googleDomain(m[1])) projects.add(m[1]);
        }
    }
  return { projects, numbers, organizations: stackOrganizations(resources) };
}

/**
 * Where a principal's address says it belongs: a project id, a project number or an organisation;
 * `agentShaped` when a user-managed account's address has the shape of a Google agent's
 * (`service-<number>@x.iam…`): Google's agent of a domain facts/google/serviceAgents.ts lacks, or
 * project x's look-alike — the packs cannot tell, and refuse either way.
 */
type Home = { project: string; agentShaped?: boolean } | { number: string } | { organization: string };

/**
 * The names Google gives its agents (https://cloud.google.com/iam/docs/service-agents):
 * service-PROJECT_NUMBER@, service-org-ORGANIZATION_NUMBER@, service-folder-FOLDER_NUMBER@,
 * bq-PROJECT_NUMBER@bigquery-encryption, cmek-pPROJECT_NUMBER@, Cloud SQL's pPROJECT_NUMBER-…@.
 */
const AGENT_NAME = /^(?:service-(?:org-|folder-)?|bq-|cmek-p|p)\d+(?:-[a-z0-9]+)?$/;

/**
 * Google's service agent domains: the table's, and `gcp-sa-*` and the detectors' (perimeterAgents.ts).
 * Any other `<x>.iam.gserviceaccount.com` is project x's, whatever the account's name:
 * `service-102116835757@evil-project.iam…` is a user-managed account of evil-project.
 */
function googleDomain(domain: string): boolean {
  return (
    domain.startsWith("gcp-sa-") ||
    agentOfDomain(`${domain}.iam.gserviceaccount.com`) !== undefined ||
    domain in AGENT_SCOPES
  );
}

function homeOf(member: string): Home | "person" | "unplaced" {
  if (/^(user|group|domain|deleted):|^principal(Set)?:\/\/goog\//.test(member)) return "person";
  if (/^principal(Set)?:\/\/iam\.googleapis\.com\/locations\/global\/workforcePools\//.test(member))
    return "person";
  const pool = /^principal(?:Set)?:\/\/iam\.googleapis\.com\/projects\/(\d+)\//.exec(member);
  if (pool) return { number: pool[1] };
  const workload = /^serviceAccount:([a-z][a-z0-9-]+)\.svc\.id\.goog\[/.exec(member);
  if (workload) return { project: workload[1] };
  const email = /^serviceAccount:([a-z0-9-]+)@([a-z0-9.-]+)$/.exec(member);
  if (!email) return "unplaced";
  const [, name, domain] = email;
  const iam = /^([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(domain)?.[1];
  if (iam && !googleDomain(iam))
    return { project: iam, agentShaped: /^(?:service-|bq-)/.test(name) && AGENT_NAME.test(name) };
  if (iam) {
    // service-<number>@, service-org-<id>@, cmek-p<number>@, Cloud SQL's p<number>-<suffix>@;
    // a folder's agent (service-folder-<id>@) names a folder the packs do not place.
    const agent = /^(?:service-|bq-|cmek-p|p)(\d+)(?:-[a-z0-9]+)?$/.exec(name);
    const org = /^service-org-(\d+)$/.exec(name);
    return org ? { organization: org[1] } : agent ? { number: agent[1] } : "unplaced";
  }
  // Google's per-project accounts outside iam.gserviceaccount.com: the Google APIs Service Agent
  // (PROJECT_NUMBER@cloudservices.gserviceaccount.com) and the legacy Cloud Build account
  // (PROJECT_NUMBER@cloudbuild.gserviceaccount.com), https://cloud.google.com/iam/docs/service-agents.
  const perProject = /^(\d+)$/.exec(name);
  if (perProject && ["cloudservices.gserviceaccount.com", "cloudbuild.gserviceaccount.com"].includes(domain))
    return { number: perProject[1] };
  if (domain === "appspot.gserviceaccount.com") return { project: name };
  const compute = /^(\d+)-compute$/.exec(name);
  if (compute && domain === "developer.gserviceaccount.com") return { number: compute[1] };
  return "unplaced";
}

/**
 * Why a non-person principal is not the stack's, or undefined when it is (or is a person, which
 * iam-privileged-roles-not-standing judges on its own): the project or organisation its address
 * names, against the stack's.
 */
export function foreignPrincipal(
  member: string,
  stack: StackIdentity,
): { problem: string; fix: string } | undefined {
  const home = homeOf(member);
  const removed = (problem: string) => ({
    problem,
    fix: "remove the grant; run automation as a service account of the stack's own projects",
  });
  if (home === "person") return undefined;
  if (home === "unplaced") {
    const [, name = "", domain = ""] = /^serviceAccount:([^@]+)@(.+)$/.exec(member) ?? [];
    // A Google agent's address the packs cannot place (a folder's agent, a domain with dots such
    // as cloud-ml.google.com.iam…): the fix may be a fact, not the grant.
    return /\.iam\.gserviceaccount\.com$/.test(domain) && AGENT_NAME.test(name)
      ? {
          problem: `a Google service agent of ${domain} the packs cannot place in a project of the stack (a folder's agent, or a domain facts/google/serviceAgents.ts lacks)`,
          fix: "if its domain is missing, add it to facts/google/serviceAgents.ts with its source (https://cloud.google.com/iam/docs/service-agents); otherwise remove the grant",
        }
      : removed("an account whose address names no project of the stack");
  }
  if ("project" in home) {
    if (stack.projects.has(home.project)) return undefined;
    return home.agentShaped
      ? {
          problem: `an account of project ${home.project}, which is not one of the stack's, or the agent of a Google service agent domain ${home.project}.iam.gserviceaccount.com the packs do not know`,
          fix: "if it is Google's, add the domain to facts/google/serviceAgents.ts with its source (https://cloud.google.com/iam/docs/service-agents); otherwise remove the grant",
        }
      : removed(`an account of project ${home.project}, which is not one of the stack's`);
  }
  if ("number" in home)
    return stack.numbers.has(home.number)
      ? undefined
      : removed(`an identity of project number ${home.number}, which no perimeter of the stack surrounds`);
  return stack.organizations.has(home.organization)
    ? undefined
    : removed(
        `an agent of organisation ${home.organization}, not of the stack's (${[...stack.organizations].join(", ") || "none named"})`,
      );
}
