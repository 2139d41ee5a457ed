import { Finding, stackPolicy } from "../lib/define";
import { alertedMetrics } from "./monitoring-security-event-alerts";

const CLUSTER = "gcp:container/cluster:Cluster";

/**
 * Break-glass lets any pod past Binary Authorization (K8S-04), so its every use must page (LOG-07):
 * each project running clusters has an alerted log-based metric, on its own logs, for pods created
 * with the break-glass label (components/lib/logFilters.ts breakGlassPodFilter).
 */
export const monitoringBreakGlassAlert = stackPolicy(
  {
    name: "monitoring-binauthz-breakglass-alert",
    description:
      "Every project running GKE clusters alerts on pods created with Binary Authorization's break-glass label.",
    controls: ["K8S-04", "LOG-07"],
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
      "Add a log-based metric on the project's own logs with breakGlassPodFilter() and an alert policy on it (platform/domains/logging.ts).",
  },
  (resources) => {
    const metrics = alertedMetrics(resources).filter(
      (m) =>
        !m.props.bucketName &&
        String(m.props.filter).includes("image-policy.k8s.io/break-glass") &&
        String(m.props.filter).includes("pods.create"),
    );
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const cluster of resources.filter((r) => r.type === CLUSTER)) {
      const project = String(cluster.props.project);
      if (seen.has(project)) continue;
      seen.add(project);
      if (!metrics.some((m) => m.props.project === project))
        findings.push({
          urn: cluster.urn,
          problem: `project ${project} runs clusters but no alert fires when a pod uses Binary Authorization's break-glass`,
          fix: "add the break-glass alert to the project's SecurityAlerts",
        });
    }
    return findings;
  },
);
