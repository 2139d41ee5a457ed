import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { auditBuckets, bucketDestination, SINK_TYPES } from "./audit";

const PROJECT_GRANT_TYPES = [
  "gcp:projects/iAMMember:IAMMember",
  "gcp:projects/iAMBinding:IAMBinding",
  "gcp:projects/iAMPolicy:IAMPolicy",
];
/** Read-only roles the auditors' group may hold. */
export const AUDITOR_ROLES = [
  "roles/logging.viewer",
  "roles/logging.privateLogViewer",
  "roles/logging.viewAccessor",
];

/**
 * The logging project's own service agents created by this stack (ServiceIdentity), which hold the
 * role Google gives the agents it creates itself (`roles/<service>.serviceAgent`): Pub/Sub's, whose
 * topic carries the findings (DET-02). Nothing else of Google's holds a role there.
 */
function ownAgentRole(resources: PolicyResource[], project: string, member: string, role: string): boolean {
  return (
    /^roles\/[a-z]+\.serviceAgent$/.test(role) &&
    /^serviceAccount:service-\d+@gcp-sa-[a-z-]+\.iam\.gserviceaccount\.com$/.test(member) &&
    resources.some(
      (r) =>
        r.type === "gcp:projects/serviceIdentity:ServiceIdentity" &&
        r.props.project === project &&
        r.props.member === member &&
        role === `roles/${String(r.props.service).split(".")[0]}.serviceAgent`,
    )
  );
}

export const loggingProjectIsolation = stackPolicy(
  {
    name: "logging-project-isolation",
    description:
      "Only sink writer identities (limited to the audit bucket), the auditors' group and the project's own service agents (their service-agent role) hold roles in the logging project, every other project's sink writer holds its grant, and a deny policy protects it.",
    controls: ["LOG-01"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Remove the grant; grant sink writers roles/logging.bucketWriter with a condition on the audit bucket, auditors read-only roles, and keep the project's IAM deny policy.",
  },
  (resources) => {
    const buckets = auditBuckets(resources);
    const findings: Finding[] = [];
    const writers = new Set(
      resources.filter((r) => SINK_TYPES.includes(r.type)).map((r) => String(r.props.writerIdentity)),
    );
    for (const bucket of buckets) {
      const project = String(bucket.props.project);
      for (const grant of resources.filter(
        (r) => PROJECT_GRANT_TYPES.includes(r.type) && r.props.project === project,
      )) {
        const role = String(grant.props.role);
        const members =
          grant.type === "gcp:projects/iAMPolicy:IAMPolicy"
            ? ["(whole policy)"]
            : grant.props.members
              ? (grant.props.members as string[])
              : [String(grant.props.member)];
        const condition = String(
          (grant.props.condition as { expression?: unknown } | undefined)?.expression ?? "",
        );
        for (const member of members) {
          const isWriter =
            writers.has(member) &&
            role === "roles/logging.bucketWriter" &&
            condition.includes(`buckets/${String(bucket.props.bucketId)}`);
          const isAuditor = member.startsWith("group:") && AUDITOR_ROLES.includes(role);
          if (!isWriter && !isAuditor && !ownAgentRole(resources, project, member, role)) {
            findings.push({
              urn: grant.urn,
              problem: `${member} holds ${role} in logging project ${project}${writers.has(member) ? " without a condition limiting it to the audit bucket" : ""}`,
              fix: "remove it; only sink writers (bucketWriter on the audit bucket) and auditors (read-only) belong here",
            });
          }
        }
      }
      // Exactly, both ways: a sink from another project whose writer holds no grant delivers nothing
      // (https://cloud.google.com/logging/docs/export/configure_export_v2#dest-auth). A writer not
      // known yet (a preview of a new sink) is judged on the next run.
      for (const sink of resources.filter(
        (r) =>
          r.type === "gcp:logging/projectSink:ProjectSink" &&
          r.props.project !== project &&
          r.props.destination === bucketDestination(bucket),
      )) {
        const writer = String(sink.props.writerIdentity ?? "");
        const granted = resources.some(
          (g) =>
            g.type === "gcp:projects/iAMMember:IAMMember" &&
            g.props.project === project &&
            g.props.member === writer &&
            g.props.role === "roles/logging.bucketWriter",
        );
        if (writer.startsWith("serviceAccount:") && !granted)
          findings.push({
            urn: sink.urn,
            problem: `its writer ${writer} holds no roles/logging.bucketWriter in logging project ${project}: the sink delivers nothing to the audit bucket`,
            fix: "grant the sink's writerIdentity roles/logging.bucketWriter with a condition on the audit bucket (components/auditLog.ts does)",
          });
      }
      const parent = encodeURIComponent(`cloudresourcemanager.googleapis.com/projects/${project}`);
      if (
        !resources.some(
          (r) =>
            r.type === "gcp:iam/denyPolicy:DenyPolicy" &&
            (r.props.parent === parent ||
              decodeURIComponent(String(r.props.parent)) === decodeURIComponent(parent)),
        )
      ) {
        findings.push({
          urn: bucket.urn,
          problem: `logging project ${project} has no IAM deny policy`,
          fix: "add the deny policy of components/loggingIsolation.ts",
        });
      }
    }
    return findings;
  },
);
