import { Finding, stackPolicy } from "../lib/define";
import { GATEWAY_CLASS, meta, ofKind } from "./k8s";

const STRONG_PROFILES = ["MODERN", "RESTRICTED"];
const STRONG_VERSIONS = ["TLS_1_2", "TLS_1_3"];

type Listener = { name?: string; protocol?: string };
type Route = {
  parentRefs?: { name?: string; sectionName?: string }[];
  rules?: { filters?: { type?: string; requestRedirect?: { scheme?: string } }[]; backendRefs?: unknown[] }[];
};

export const gatewayHttpsTls = stackPolicy(
  {
    name: "gateway-https-only-tls12",
    description:
      "The public Gateway serves HTTPS only (plain HTTP only redirects) with an SSL policy of TLS 1.2 or later and a MODERN or RESTRICTED profile.",
    controls: ["ENC-07"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Give the Gateway an HTTPS listener, redirect its HTTP listener, and attach a GCPGatewayPolicy naming an SSLPolicy with minTlsVersion TLS_1_2 and profile MODERN.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const sslPolicies = resources.filter((r) => r.type === "gcp:compute/sSLPolicy:SSLPolicy");
    for (const gateway of ofKind(resources, "Gateway").filter(
      (g) => (g.props.spec as { gatewayClassName?: string }).gatewayClassName === GATEWAY_CLASS,
    )) {
      const name = meta(gateway).name;
      const listeners = (gateway.props.spec as { listeners?: Listener[] }).listeners ?? [];
      if (!listeners.some((l) => l.protocol === "HTTPS"))
        findings.push({
          urn: gateway.urn,
          problem: "the Gateway has no HTTPS listener",
          fix: "add one on port 443",
        });
      for (const plain of listeners.filter((l) => l.protocol === "HTTP")) {
        const routes = ofKind(resources, "HTTPRoute").filter((r) =>
          ((r.props.spec as Route).parentRefs ?? []).some(
            (p) => p.name === name && (p.sectionName === plain.name || !p.sectionName),
          ),
        );
        const serving = routes.filter((r) =>
          ((r.props.spec as Route).rules ?? []).some(
            (rule) =>
              (rule.backendRefs ?? []).length > 0 ||
              !(rule.filters ?? []).some(
                (f) => f.type === "RequestRedirect" && f.requestRedirect?.scheme === "https",
              ),
          ),
        );
        for (const route of serving) {
          findings.push({
            urn: route.urn,
            problem: `HTTPRoute ${String(meta(route).name)} serves plain HTTP on listener ${String(plain.name)}`,
            fix: "only redirect to https on the HTTP listener",
          });
        }
      }
      const policy = ofKind(resources, "GCPGatewayPolicy").find(
        (p) =>
          (p.props.spec as { targetRef?: { name?: string } }).targetRef?.name === name &&
          meta(p).namespace === meta(gateway).namespace,
      );
      const sslName = (policy?.props.spec as { default?: { sslPolicy?: string } } | undefined)?.default
        ?.sslPolicy;
      const ssl = sslPolicies.find((s) => s.props.name === sslName);
      if (!ssl) {
        findings.push({
          urn: gateway.urn,
          problem: `no SSL policy is attached to the Gateway (GCPGatewayPolicy sslPolicy: ${JSON.stringify(sslName ?? null)})`,
          fix: "attach a TLS 1.2+ SSL policy",
        });
      } else if (
        !STRONG_VERSIONS.includes(String(ssl.props.minTlsVersion)) ||
        !STRONG_PROFILES.includes(String(ssl.props.profile))
      ) {
        findings.push({
          urn: ssl.urn,
          problem: `SSL policy ${String(sslName)} allows minTlsVersion ${String(ssl.props.minTlsVersion)} with profile ${String(ssl.props.profile)}`,
          fix: "use minTlsVersion TLS_1_2 and profile MODERN or RESTRICTED",
        });
      }
    }
    return findings;
  },
);
