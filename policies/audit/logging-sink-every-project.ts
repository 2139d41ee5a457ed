import { Finding, stackPolicy } from "../lib/define";
import { auditBuckets, bucketDestination, platformProjects, sinkWeakenings } from "./audit";

export const loggingSinkEveryProject = stackPolicy(
  {
    name: "logging-sink-every-project",
    description:
      "Every platform project routes its audit logs, the Cloud KMS audit logs and the application audit log to the audit bucket, directly or through an aggregated sink that is enabled, has no exclusion and whose filter is not narrowed.",
    controls: ["LOG-03"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Add a ProjectSink (or a folder/organisation sink with includeChildren) to the audit bucket whose filter is a plain OR covering the four audit streams, cloudkms.googleapis.com and /logs/qairopay-audit; keep it enabled and without exclusions.",
  },
  (resources) => {
    const buckets = auditBuckets(resources);
    if (buckets.length === 0) {
      const anchor = resources.find((r) => r.type.startsWith("gcp:"));
      return anchor
        ? [
            {
              urn: anchor.urn,
              problem: "the stack has no audit log bucket",
              fix: "add the AuditLog component",
            },
          ]
        : [];
    }
    const destinations = new Set(buckets.map(bucketDestination));
    const findings: Finding[] = [];
    const routes = (sink: (typeof resources)[number]) => destinations.has(String(sink.props.destination));
    for (const sink of resources.filter(
      (r) => r.type.startsWith("gcp:logging/") && r.type.endsWith("Sink") && routes(r),
    )) {
      const weakenings = sinkWeakenings(sink);
      if (weakenings.length)
        findings.push({
          urn: sink.urn,
          problem: weakenings.join("; "),
          fix: "keep the sink enabled, without exclusions, its filter a plain OR of the four audit streams, cloudkms.googleapis.com and the application log",
        });
    }
    const aggregated = resources.some(
      (r) =>
        (r.type === "gcp:logging/folderSink:FolderSink" ||
          r.type === "gcp:logging/organizationSink:OrganizationSink") &&
        r.props.includeChildren === true &&
        routes(r) &&
        sinkWeakenings(r).length === 0,
    );
    if (aggregated) return findings;
    // A project whose sink is incomplete was reported above, on the sink itself.
    const covered = new Set(
      resources
        .filter((r) => r.type === "gcp:logging/projectSink:ProjectSink" && routes(r))
        .map((r) => String(r.props.project)),
    );
    for (const project of [...platformProjects(resources)].filter((p) => !covered.has(p)).sort()) {
      findings.push({
        urn: buckets[0].urn,
        problem: `project ${project} has no complete sink to ${[...destinations].join(", ")}`,
        fix: `add a ProjectSink in ${project}`,
      });
    }
    return findings;
  },
);
