import { Finding, stackPolicy } from "../lib/define";
import { VPC_SC_SERVICES } from "../lib/vpcScSupportedServices";

const PERIMETER = "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter";
const SERVICE = "gcp:projects/service:Service";

export const perimeterRestrictsEnabledApis = stackPolicy(
  {
    name: "vpcsc-perimeter-restricts-enabled-apis",
    description:
      "Every API a project of the stack enables that VPC Service Controls supports is among the perimeter's restricted services, and the table of supported services knows every API the stack enables.",
    controls: ["NET-07"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add the API to RESTRICTED_SERVICES (components/servicePerimeter.ts); for an API the table does not know, look it up (gcloud access-context-manager supported-services describe) and add its row to policies/lib/vpcScSupportedServices.ts.",
  },
  (resources) => {
    const perimeters = resources.filter(
      (r) => r.type === PERIMETER && r.props.perimeterType !== "PERIMETER_TYPE_BRIDGE",
    );
    if (!perimeters.length) return [];
    const enabled = new Map<string, string[]>();
    for (const s of resources.filter((r) => r.type === SERVICE)) {
      const api = String(s.props.service);
      enabled.set(api, [...(enabled.get(api) ?? []), String(s.props.project)]);
    }
    const findings: Finding[] = [];
    for (const p of perimeters) {
      // The enforced configuration, or the dry-run one while the perimeter is being tried.
      const config = (p.props.status ?? p.props.spec ?? {}) as { restrictedServices?: string[] };
      const restricted = new Set(config.restrictedServices ?? []);
      for (const [api, projects] of [...enabled].sort()) {
        const fact = VPC_SC_SERVICES[api];
        if (!fact)
          findings.push({
            urn: p.urn,
            problem: `${api} is enabled (${projects.join(", ")}) and the table of VPC Service Controls support does not know it`,
            fix: "look it up and add its row to policies/lib/vpcScSupportedServices.ts",
          });
        else if (fact.supported === true && !restricted.has(api))
          findings.push({
            urn: p.urn,
            problem: `${api} is enabled (${projects.join(", ")}) and supported by VPC Service Controls, but not restricted: its data can leave the perimeter, and the VPCs (limited to RESTRICTED-SERVICES) cannot call it`,
            fix: "add it to restrictedServices",
          });
      }
    }
    return findings;
  },
);
