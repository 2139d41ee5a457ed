import { Finding, stackPolicy } from "../lib/define";

const REPOSITORY = "gcp:artifactregistry/repository:Repository";
const SERVICE = "gcp:projects/service:Service";

/**
 * A repository's `vulnerabilityScanningConfig.enablementConfig: INHERITED` scans only when the
 * Container Scanning API is on in its project; otherwise nothing scans and nothing says so
 * (https://cloud.google.com/artifact-registry/docs/analysis).
 */
export const repositoryScanning = stackPolicy(
  {
    name: "artifactregistry-repository-scanning",
    description:
      "Every Artifact Registry repository of images is scanned for vulnerabilities: scanning not disabled, and the Container Scanning API on in its project.",
    controls: ["K8S-04"],
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
      "Keep vulnerabilityScanningConfig.enablementConfig INHERITED (or ENABLED) and enable containerscanning.googleapis.com in the repository's project.",
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const repo of resources.filter((r) => r.type === REPOSITORY && r.props.format === "DOCKER")) {
      const mode = (repo.props.vulnerabilityScanningConfig as { enablementConfig?: string } | undefined)
        ?.enablementConfig;
      if (mode === "DISABLED")
        findings.push({
          urn: repo.urn,
          problem: "vulnerability scanning is DISABLED",
          fix: "set enablementConfig: INHERITED",
        });
      const on = resources.some(
        (s) =>
          s.type === SERVICE &&
          s.props.service === "containerscanning.googleapis.com" &&
          s.props.project === repo.props.project,
      );
      if (mode !== "DISABLED" && !on)
        findings.push({
          urn: repo.urn,
          problem: `scanning is ${mode ?? "INHERITED"} but containerscanning.googleapis.com is not enabled in ${String(repo.props.project)}: nothing scans`,
          fix: "enable containerscanning.googleapis.com in the project",
        });
    }
    return findings;
  },
);
