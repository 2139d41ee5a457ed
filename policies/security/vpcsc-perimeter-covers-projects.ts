import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";

const PERIMETER = "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter";
/** The data services the perimeter must restrict (NET-07). */
const REQUIRED_SERVICES = [
  "sqladmin.googleapis.com",
  "cloudkms.googleapis.com",
  "redis.googleapis.com",
  "container.googleapis.com",
  "secretmanager.googleapis.com",
  "logging.googleapis.com",
  "storage.googleapis.com",
  "artifactregistry.googleapis.com",
  "monitoring.googleapis.com",
];

interface PerimeterConfig {
  resources?: string[];
  restrictedServices?: string[];
  vpcAccessibleServices?: { enableRestriction?: boolean; allowedServices?: string[] };
}

/**
 * The project numbers a stack shows: created projects' `number`, and the numbers in its service
 * agents' addresses (`service-<number>@…`), which every project of this platform has.
 */
function projectNumbers(resources: PolicyResource[]): Set<string> {
  const numbers = new Set<string>();
  for (const r of resources) {
    if (r.type === "gcp:organizations/project:Project" && r.props.number) numbers.add(String(r.props.number));
    for (const m of JSON.stringify(r.props).matchAll(/serviceAccount:service-(\d{6,})@/g)) numbers.add(m[1]);
  }
  return numbers;
}

/**
 * Bridge perimeters that join a project of the stack to one outside it: "a resource can also be in
 * zero or more perimeter bridges ... Cross project operations are permitted if all effected resources
 * share some perimeter (whether bridge or regular)" (Access Context Manager API v1,
 * ServicePerimeter.PerimeterType: https://cloud.google.com/dotnet/docs/reference/Google.Identity.AccessContextManager.V1/latest/Google.Identity.AccessContextManager.V1.ServicePerimeter.Types.PerimeterType),
 * so a bridge holding the cde and another organisation's project opens every restricted service
 * between the two, whatever the regular perimeter's ingress and egress rules say. The platform
 * declares no bridge; a bridge among the stack's own projects changes nothing.
 */
function bridgesOut(resources: PolicyResource[], numbers: Set<string>): Finding[] {
  const findings: Finding[] = [];
  for (const b of resources.filter(
    (r) => r.type === PERIMETER && r.props.perimeterType === "PERIMETER_TYPE_BRIDGE",
  )) {
    const listed = [b.props.status, b.props.spec].flatMap(
      (c) => (c as PerimeterConfig | undefined)?.resources ?? [],
    );
    const ours = listed.filter((r) => numbers.has(r.replace(/^projects\//, "")));
    const foreign = [...new Set(listed.filter((r) => !numbers.has(r.replace(/^projects\//, ""))))];
    if (ours.length && foreign.length)
      findings.push({
        urn: b.urn,
        problem: `bridge perimeter ${String(b.props.name)} joins the stack's ${[...new Set(ours)].join(", ")} to ${foreign.join(", ")}, outside the stack: every restricted service is open between them, around the perimeter's ingress and egress rules`,
        fix: "delete the bridge; admit the other project's callers with a named ingress or egress rule of the stack's perimeter",
      });
  }
  return findings;
}

export const perimeterCoversProjects = stackPolicy(
  {
    name: "vpcsc-perimeter-covers-projects",
    description:
      "A VPC Service Controls perimeter surrounds every project of the stack, restricts the platform's data services, and lets its networks reach only restricted services.",
    controls: ["NET-07"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Keep the ServicePerimeter (components/servicePerimeter.ts) with every project number in resources, the data services in restrictedServices, and vpcAccessibleServices limited to RESTRICTED-SERVICES.",
  },
  (resources) => {
    const perimeters = resources.filter(
      (r) => r.type === PERIMETER && r.props.perimeterType !== "PERIMETER_TYPE_BRIDGE",
    );
    const numbers = projectNumbers(resources);
    const findings: Finding[] = bridgesOut(resources, numbers);
    if (!perimeters.length)
      return numbers.size
        ? [
            ...findings,
            {
              problem: "no VPC Service Controls perimeter surrounds the stack's projects",
              fix: "add the ServicePerimeter component",
            },
          ]
        : findings;
    for (const p of perimeters) {
      // The enforced configuration, or the dry-run one while the perimeter is being tried.
      const config = (p.props.status ?? p.props.spec ?? {}) as PerimeterConfig;
      const inside = new Set((config.resources ?? []).map((r) => r.replace(/^projects\//, "")));
      const outside = [...numbers].filter((n) => !inside.has(n));
      if (outside.length)
        findings.push({
          urn: p.urn,
          problem: `project number(s) ${outside.join(", ")} of the stack are outside the perimeter`,
          fix: "add them to resources as projects/<number>",
        });
      const missing = REQUIRED_SERVICES.filter((s) => !(config.restrictedServices ?? []).includes(s));
      if (missing.length)
        findings.push({
          urn: p.urn,
          problem: `${missing.join(", ")} not restricted`,
          fix: "add them to restrictedServices",
        });
      const vpc = config.vpcAccessibleServices;
      if (
        !vpc?.enableRestriction ||
        JSON.stringify(vpc.allowedServices) !== JSON.stringify(["RESTRICTED-SERVICES"])
      )
        findings.push({
          urn: p.urn,
          problem: `vpcAccessibleServices is ${JSON.stringify(vpc ?? null)}: the networks inside may call services outside the perimeter's reach`,
          fix: 'set vpcAccessibleServices { enableRestriction: true, allowedServices: ["RESTRICTED-SERVICES"] }',
        });
    }
    return findings;
  },
);
