import * as ipaddr from "ipaddr.js";
import { Finding, stackPolicy } from "../lib/define";
import { findingsTopics } from "../lib/detection";
import { agentRuleProblem, GOOGLE_AGENT, projectNumberOf, stackOrganizations } from "../lib/perimeterAgents";

const PERIMETER = "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter";
const ACCESS_LEVEL = "gcp:accesscontextmanager/accessLevel:AccessLevel";
/**
 * The fine-grained Access Context Manager types: each adds a rule, a project, a condition or a
 * whole configuration to a perimeter or access level from outside it, which the rules below never
 * see (magic-modules mmv1/products/accesscontextmanager/ServicePerimeterIngressPolicy.yaml: "Manage
 * a single IngressPolicy in the status (enforced) configuration for a service perimeter"; the
 * perimeter resource must then ignore_changes its own ingress_policies). The platform declares
 * perimeters and access levels whole (components/servicePerimeter.ts), so any of these is a rule
 * nobody judged.
 */
const FINE_GRAINED: Record<string, string> = {
  "gcp:accesscontextmanager/servicePerimeterIngressPolicy:ServicePerimeterIngressPolicy":
    "adds an ingress rule to a perimeter's enforced configuration",
  "gcp:accesscontextmanager/servicePerimeterDryRunIngressPolicy:ServicePerimeterDryRunIngressPolicy":
    "adds an ingress rule to a perimeter's dry-run configuration",
  "gcp:accesscontextmanager/servicePerimeterEgressPolicy:ServicePerimeterEgressPolicy":
    "adds an egress rule to a perimeter's enforced configuration",
  "gcp:accesscontextmanager/servicePerimeterDryRunEgressPolicy:ServicePerimeterDryRunEgressPolicy":
    "adds an egress rule to a perimeter's dry-run configuration",
  "gcp:accesscontextmanager/ingressPolicy:IngressPolicy": "adds a project to a perimeter's ingress rule",
  "gcp:accesscontextmanager/egressPolicy:EgressPolicy": "adds a project to a perimeter's egress rule",
  "gcp:accesscontextmanager/servicePerimeterResource:ServicePerimeterResource":
    "adds a project to a perimeter",
  "gcp:accesscontextmanager/servicePerimeterDryRunResource:ServicePerimeterDryRunResource":
    "adds a project to a perimeter's dry-run configuration",
  "gcp:accesscontextmanager/servicePerimeters:ServicePerimeters":
    "replaces every perimeter of the access policy",
  "gcp:accesscontextmanager/accessLevelCondition:AccessLevelCondition": "adds a condition to an access level",
  "gcp:accesscontextmanager/accessLevels:AccessLevels": "replaces every access level of the access policy",
  "gcp:accesscontextmanager/authorizedOrgsDesc:AuthorizedOrgsDesc":
    "authorizes another organisation's devices or data at the perimeter",
};
/** The one service an ingress rule may open from any source: aggregated log sinks' writers are Google's. */
const ANY_SOURCE_SERVICES = ["logging.googleapis.com"];
/** A log sink's writer identity: Cloud Logging's own account (service-[folder-|org-]N@ or pN-N@gcp-sa-logging). */
const SINK_WRITER = /^serviceAccount:[a-z0-9-]+@gcp-sa-logging\.iam\.gserviceaccount\.com$/;
/**
 * Google's service agents that the perimeter admits from any source: Security Command Center's
 * scanners and notification agent (DET-01, DET-02) and Privileged Access Manager's agent (IAM-07).
 * They call from Google's infrastructure, not from a network an access level could name, as
 * cloud-foundation-fabric's hardened perimeter admits SCC's agents from `access_levels: ["*"]`
 * (fast/stages/1-vpcsc/datasets/hardened/ingress-policies/fast-org-scc.yaml); nobody holds a key
 * of theirs. Each only to the services and projects of its scope (policies/lib/perimeterAgents.ts).
 */
interface Ingress {
  title?: string;
  ingressFrom?: {
    identities?: string[];
    identityType?: string;
    sources?: { accessLevel?: string; resource?: string }[];
  };
  ingressTo?: { operations?: { serviceName?: string }[]; resources?: string[] };
}
interface Condition {
  negate?: boolean;
  ipSubnetworks?: string[];
  members?: string[];
  regions?: string[];
  devicePolicy?: unknown;
  requiredAccessLevels?: string[];
}

/**
 * Ranges no operator network is: the internet at large. An access level's ipSubnetworks must name
 * the operators' egress ranges; a prefix shorter than /16 (IPv4) or /32 (IPv6) is a continent, not an office.
 */
function tooWide(cidr: string): boolean {
  try {
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    return bits < (addr.kind() === "ipv4" ? 16 : 32);
  } catch {
    return true;
  }
}

const perimeterProjects = (config: { resources?: string[] }) =>
  (config.resources ?? []).filter((r) => r.startsWith("projects/"));

export const perimeterIngressNamedSources = stackPolicy(
  {
    name: "vpcsc-perimeter-ingress-named-sources",
    description:
      "The perimeter admits named identities from outside only from named access levels: no access level at the perimeter's level (it would admit any identity from its networks), no ingress rule beyond Cloud Logging's sink writers and Google's detection and PAM service agents (each to the services and projects it calls only) takes any source (`*`) or no source, none admits an identity type instead of identities, and no access level admits an identity wherever it connects from, negates its condition or names the internet at large; every access level a source names is one the stack declares, and no fine-grained Access Context Manager resource adds a rule, project or condition from outside the perimeters and access levels.",
    controls: ["NET-07", "IAM-08"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Give each ingress rule sources: [{ accessLevel: <the operators' access level> }] (components/servicePerimeter.ts), and build access levels from networks, never from members alone.",
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const r of resources.filter((x) => FINE_GRAINED[x.type]))
      findings.push({
        urn: r.urn,
        problem: `it ${FINE_GRAINED[r.type]} from outside the ServicePerimeter and AccessLevel resources, where no rule of the perimeter's is judged`,
        fix: "remove it: declare the rule, project or condition in the ServicePerimeter or AccessLevel itself (components/servicePerimeter.ts)",
      });
    // An access level a source names must be one the stack declares and these rules judge.
    const declaredLevels = new Set(
      resources.filter((r) => r.type === ACCESS_LEVEL).map((r) => String(r.props.name)),
    );
    for (const level of resources.filter((r) => r.type === ACCESS_LEVEL)) {
      const basic = level.props.basic as { combiningFunction?: string; conditions?: Condition[] } | undefined;
      const conditions = basic?.conditions ?? [];
      // magic-modules mmv1/products/accesscontextmanager/AccessLevel.yaml, negate: "If true, the
      // Condition becomes a NAND over its non-empty fields, each field must be false".
      const negated = conditions.filter((c) => c.negate === true);
      if (negated.length)
        findings.push({
          urn: level.urn,
          problem: `access level ${String(level.props.name)} negates ${negated.length} condition(s): it admits every network except the ones named`,
          fix: "remove negate: an access level names the operators' networks it admits",
        });
      const wide = conditions.flatMap((c) => (c.ipSubnetworks ?? []).filter(tooWide));
      if (wide.length)
        findings.push({
          urn: level.urn,
          problem: `access level ${String(level.props.name)} admits ${wide.join(", ")}: the internet at large, not the operators' networks`,
          fix: "list only the operators' and CI's egress ranges (/16 or narrower) in ipSubnetworks",
        });
      const anywhere = conditions.filter(
        (c) =>
          (c.members ?? []).length > 0 &&
          !(c.ipSubnetworks ?? []).length &&
          !(c.regions ?? []).length &&
          !c.devicePolicy &&
          !(c.requiredAccessLevels ?? []).length,
      );
      // An access level is a network allowlist: every condition that can stand alone must name the
      // networks. magic-modules mmv1/products/accesscontextmanager/AccessLevel.yaml, combiningFunction:
      // "If AND is used, each Condition in conditions must be satisfied ... If OR is used, at least
      // one Condition in conditions must be satisfied for the AccessLevel to be applied". With OR a
      // condition without ipSubnetworks (regions only, a device policy, another level, an empty
      // one) admits what it matches from anywhere; with AND one network condition is enough. A
      // custom (CEL) level is judged nowhere.
      const networkless = conditions.filter((c) => !(c.ipSubnetworks ?? []).length);
      const standalone =
        basic?.combiningFunction === "OR"
          ? networkless
          : networkless.length === conditions.length
            ? networkless
            : [];
      if (basic && standalone.length)
        findings.push({
          urn: level.urn,
          problem: `access level ${String(level.props.name)} admits ${JSON.stringify(standalone)} without naming a network${basic.combiningFunction === "OR" ? " (combiningFunction OR: that condition alone grants the level)" : ""}`,
          fix: "give every condition the operators' ipSubnetworks, or combine with AND behind one that does",
        });
      if (level.props.custom)
        findings.push({
          urn: level.urn,
          problem: `access level ${String(level.props.name)} is a custom (CEL) level: which networks it admits is not judged`,
          fix: "use a basic level listing the operators' ipSubnetworks",
        });
      // Conditions combine with AND by default: a members-only condition then narrows the others,
      // unless it is all there is. With OR it stands on its own.
      const or = basic?.combiningFunction === "OR";
      if (anywhere.length && (or || anywhere.length === conditions.length))
        findings.push({
          urn: level.urn,
          problem: `access level ${String(level.props.name)} admits ${anywhere.flatMap((c) => c.members ?? []).join(", ")} from any network (a members condition with no network)`,
          fix: "drop the members condition: admit identities with an ingress rule from this level's networks",
        });
    }
    // The findings topics' projects by number, which an ingress rule names (`projects/<number>`).
    const topicProjects = findingsTopics(resources).flatMap((t) => {
      const n = projectNumberOf(resources, String(t.props.project));
      return n ? [`projects/${n}`] : [];
    });
    const orgs = stackOrganizations(resources);
    const perimeters = resources.filter((r) => r.type === PERIMETER);
    const knownProjects = new Set(
      perimeters.flatMap((p) =>
        [p.props.status, p.props.spec].flatMap(
          (c) => (c as { resources?: string[] } | undefined)?.resources ?? [],
        ),
      ),
    );
    for (const p of perimeters) {
      const config = (p.props.status ?? p.props.spec ?? {}) as {
        resources?: string[];
        accessLevels?: string[];
        ingressPolicies?: Ingress[];
      };
      // "VPC Service Controls allows a request if it satisfies the conditions of either the access
      // level or the ingress rule" (https://cloud.google.com/vpc-service-controls/docs/use-access-levels).
      if ((config.accessLevels ?? []).length)
        findings.push({
          urn: p.urn,
          problem: `the perimeter itself admits access levels ${config.accessLevels!.join(", ")}: any identity calling from their networks passes, whatever its ingress rules name (a token stolen from a pod, replayed from a CI runner)`,
          fix: "set accessLevels to [] and admit people and CI by name in ingress rules from that level",
        });
      (config.ingressPolicies ?? []).forEach((ingress, i) => {
        const services = (ingress.ingressTo?.operations ?? []).map((o) => String(o.serviceName));
        const identities = ingress.ingressFrom?.identities ?? [];
        // Cloud Logging from any source, for Google's sink writers only: not for anyone else.
        if (
          services.length &&
          services.every((s) => ANY_SOURCE_SERVICES.includes(s)) &&
          !ingress.ingressFrom?.identityType &&
          identities.length &&
          identities.every((m) => SINK_WRITER.test(m))
        )
          return;
        if (
          !ingress.ingressFrom?.identityType &&
          identities.length &&
          identities.every((m) => GOOGLE_AGENT.test(m))
        ) {
          const problem = agentRuleProblem(
            { identities, services, resources: ingress.ingressTo?.resources ?? [] },
            { perimeter: perimeterProjects(config), "findings-topic": topicProjects },
            orgs,
          );
          if (problem)
            findings.push({
              urn: p.urn,
              problem: `ingress rule ${i + 1}${ingress.title ? ` (${ingress.title})` : ""}: ${problem.problem}`,
              fix: problem.fix,
            });
          return;
        }
        const sources = ingress.ingressFrom?.sources ?? [];
        // magic-modules mmv1/products/accesscontextmanager/ServicePerimeter.yaml, identityType: "the
        // type of identities that are allowed access ... If left unspecified, then members of
        // `identities` field will be allowed access": ANY_* admits every such identity.
        const identityType = ingress.ingressFrom?.identityType;
        if (identityType && identityType !== "IDENTITY_TYPE_UNSPECIFIED")
          findings.push({
            urn: p.urn,
            problem: `ingress rule ${i + 1} admits identityType ${identityType} to ${services.join(", ") || "no service"}: any such identity, not the named ones`,
            fix: "drop identityType and list the identities the rule admits",
          });
        const who =
          ingress.ingressFrom?.identityType ??
          ((ingress.ingressFrom?.identities ?? []).join(", ") || "nobody");
        // A source project must be one a perimeter of the stack surrounds: a project of another
        // organisation is a network whoever owns it controls.
        const foreign = sources.filter((s) => !s.accessLevel && s.resource && !knownProjects.has(s.resource));
        if (foreign.length)
          findings.push({
            urn: p.urn,
            problem: `ingress rule ${i + 1} admits ${(ingress.ingressFrom?.identities ?? []).join(", ") || "its identities"} from ${foreign.map((s) => s.resource).join(", ")}, a project no perimeter of the stack surrounds (another organisation's network)`,
            fix: "name only the operators' access level, or projects inside the stack's perimeters, as sources",
          });
        const undeclared = sources.filter(
          (s) => s.accessLevel && s.accessLevel !== "*" && !declaredLevels.has(s.accessLevel),
        );
        if (undeclared.length)
          findings.push({
            urn: p.urn,
            problem: `ingress rule ${i + 1} admits ${who} from access level ${undeclared.map((s) => s.accessLevel).join(", ")}, which the stack does not declare: which networks it admits is judged nowhere`,
            fix: "name only access levels the stack declares (the operators' level of components/servicePerimeter.ts)",
          });
        // A named access level, or a project whose networks the call comes from; never `*`.
        const named =
          sources.length > 0 &&
          sources.every((s) => (s.accessLevel && s.accessLevel !== "*") || (!s.accessLevel && s.resource));
        if (!named)
          findings.push({
            urn: p.urn,
            problem: `ingress rule ${i + 1} admits ${who} to ${services.join(", ") || "no service"} from ${sources.length ? JSON.stringify(sources) : "no source"}: a stolen token of that identity works from anywhere`,
            fix: "set sources to the operators' access level only",
          });
      });
    }
    return findings;
  },
);
