import { Finding, stackPolicy } from "../lib/define";
import { meta, ofKind } from "./k8s";

type Rule = { action?: string; match?: { expr?: { expression?: string } } };

/** A Cloud Armor policy that rate-limits and runs preconfigured WAF rules. */
function isProtective(rules: Rule[]): boolean {
  const rateLimited = rules.some((r) => r.action === "rate_based_ban" || r.action === "throttle");
  const waf = rules.some(
    (r) =>
      (r.match?.expr?.expression ?? "").includes("evaluatePreconfiguredWaf") &&
      String(r.action).startsWith("deny"),
  );
  return rateLimited && waf;
}

export const gatewayCloudArmor = stackPolicy(
  {
    name: "gateway-backend-cloud-armor",
    description:
      "Every backend of the public Gateway has a Cloud Armor policy with rate limiting and preconfigured WAF rules.",
    controls: ["NET-05"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Attach a GCPBackendPolicy naming the GatewayEdge Cloud Armor policy to every ServiceImport the routes send traffic to.",
  },
  (resources) => {
    const armor = new Map(
      resources
        .filter((r) => r.type === "gcp:compute/securityPolicy:SecurityPolicy")
        .map((r) => [String(r.props.name), r]),
    );
    const backendPolicies = ofKind(resources, "GCPBackendPolicy");
    const findings: Finding[] = [];
    for (const route of ofKind(resources, "HTTPRoute")) {
      const refs = (
        (
          route.props.spec as {
            rules?: { backendRefs?: { kind?: string; name?: string; namespace?: string }[] }[];
          }
        ).rules ?? []
      ).flatMap((r) => r.backendRefs ?? []);
      for (const ref of refs) {
        const namespace = ref.namespace ?? meta(route).namespace;
        const policy = backendPolicies.find((p) => {
          const target = (p.props.spec as { targetRef?: { kind?: string; name?: string } }).targetRef;
          return (
            meta(p).namespace === namespace &&
            target?.name === ref.name &&
            target?.kind === (ref.kind ?? "Service")
          );
        });
        const armorName = (policy?.props.spec as { default?: { securityPolicy?: string } } | undefined)
          ?.default?.securityPolicy;
        const security = armorName ? armor.get(armorName) : undefined;
        if (!security || !isProtective((security.props.rules as Rule[] | undefined) ?? [])) {
          findings.push({
            urn: policy?.urn ?? route.urn,
            problem: `backend ${String(namespace)}/${String(ref.name)} has ${security ? `Cloud Armor policy ${armorName} without rate limiting and WAF rules` : "no Cloud Armor policy"}`,
            fix: "attach the GatewayEdge Cloud Armor policy with a GCPBackendPolicy",
          });
        }
      }
    }
    return findings;
  },
);
