import { Finding, stackPolicy } from "../lib/define";

const SERVICE = "kubernetes:core/v1:Service";
const HEALTH_CHECK = "kubernetes:networking.gke.io/v1:HealthCheckPolicy";

interface Port {
  name?: string;
  port?: number;
  appProtocol?: string;
}

/**
 * The load balancer speaks to a Service's pods in the protocol its port's appProtocol names; a
 * health check in HTTPS on a port the balancer reaches in plain HTTP passes while every request
 * fails (https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources).
 */
export const serviceAppProtocol = stackPolicy(
  {
    name: "k8s-service-app-protocol",
    description:
      "Every Service port behind the Gateway declares the protocol its health check and pods speak: HTTPS health checks, HTTPS appProtocol.",
    controls: ["ENC-07"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      'Set appProtocol: "HTTPS" on the Service ports whose HealthCheckPolicy checks in HTTPS.',
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const check of resources.filter((r) => r.type === HEALTH_CHECK)) {
      const spec = (check.props.spec ?? {}) as {
        default?: { config?: { type?: string } };
        targetRef?: { name?: string };
      };
      const type = spec.default?.config?.type;
      const namespace = (check.props.metadata as { namespace?: string } | undefined)?.namespace;
      const services = resources.filter(
        (s) =>
          s.type === SERVICE &&
          (s.props.metadata as { name?: string; namespace?: string } | undefined)?.name ===
            spec.targetRef?.name &&
          (s.props.metadata as { namespace?: string } | undefined)?.namespace === namespace,
      );
      for (const service of services) {
        const ports = ((service.props.spec as { ports?: Port[] } | undefined)?.ports ?? []) as Port[];
        const wrong = ports.filter(
          (p) => (p.appProtocol ?? "HTTP").toUpperCase() !== String(type).toUpperCase(),
        );
        if (wrong.length)
          findings.push({
            urn: service.urn,
            problem: `port ${wrong.map((p) => p.name ?? p.port).join(", ")} has appProtocol ${JSON.stringify(wrong[0].appProtocol ?? null)} while its health check speaks ${type}`,
            fix: `set appProtocol: "${type}" on the port`,
          });
      }
    }
    return findings;
  },
);
