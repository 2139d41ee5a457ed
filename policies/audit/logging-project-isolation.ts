import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import {
  auditBuckets,
  bucketDestination,
  denialGap,
  denyRules,
  SINK_TYPES,
  widenedExceptions,
} from "./audit";
import { alertedBreakGlassAccounts } from "./monitoring-privileged-access-alerts";

const PROJECT_GRANT_TYPES = [
  "gcp:projects/iAMMember:IAMMember",
  "gcp:projects/iAMBinding:IAMBinding",
  "gcp:projects/iAMPolicy:IAMPolicy",
];
/** Administration of the audit bucket and its routing (see components/loggingIsolation.ts). */
export const ADMIN_PERMISSIONS = [
  "logging.googleapis.com/buckets.delete",
  "logging.googleapis.com/buckets.update",
  "logging.googleapis.com/buckets.undelete",
  "logging.googleapis.com/sinks.create",
  "logging.googleapis.com/sinks.update",
  "logging.googleapis.com/sinks.delete",
  "cloudresourcemanager.googleapis.com/projects.setIamPolicy",
];

/**
 * The auditors' one role, on the audit bucket only: roles/logging.viewAccessor under a condition
 * naming one of the bucket's views (https://cloud.google.com/logging/docs/logs-views). Project-wide
 * viewer roles read every log of the logging project, not only the audit bucket.
 */
export const AUDITOR_ROLE = "roles/logging.viewAccessor";

/** The view a condition limits a grant to, when it is `resource.name == "…/buckets/B/views/V"` alone. */
export function conditionView(expression: string): { bucket: string; view: string } | undefined {
  const m =
    /^resource\.name\s*==\s*"projects\/[^/"]+\/locations\/[^/"]+\/buckets\/([^/"]+)\/views\/([^/"]+)"$/.exec(
      expression.trim(),
    );
  return m ? { bucket: m[1], view: m[2] } : undefined;
}

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
          const view = conditionView(condition);
          const isAuditor =
            member.startsWith("group:") &&
            role === AUDITOR_ROLE &&
            view?.bucket === String(bucket.props.bucketId);
          if (!isWriter && !isAuditor && !ownAgentRole(resources, project, member, role)) {
            const unlimited =
              writers.has(member) || (member.startsWith("group:") && role === AUDITOR_ROLE)
                ? " without a condition limiting it to the audit bucket"
                : "";
            findings.push({
              urn: grant.urn,
              problem: `${member} holds ${role} in logging project ${project}${unlimited}`,
              fix: "remove it; only sink writers (bucketWriter on the audit bucket), auditors (viewAccessor on the audit bucket's view) and the project's own service agents (their service-agent role) belong here",
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
      const parent = `cloudresourcemanager.googleapis.com/projects/${project}`;
      const denies = resources.filter(
        (r) =>
          r.type === "gcp:iam/denyPolicy:DenyPolicy" && decodeURIComponent(String(r.props.parent)) === parent,
      );
      const rules = denyRules(denies);
      // Administration: denied to everyone but one identity (the deployer) and the break-glass
      // accounts the break-glass alert names, each by name (never a group: IAM-07).
      const alerted = alertedBreakGlassAccounts(resources);
      const adminGaps = ADMIN_PERMISSIONS.map((p) =>
        denialGap(rules, p, (exceptions) => widenedExceptions(exceptions, alerted)),
      ).filter((g) => g !== undefined);
      // Direct log writes: denied to everyone but the sink writers. Anyone else (break-glass
      // included) could forge entries that the locked bucket then keeps for its whole retention.
      const writerPrincipals = new Set(
        [...writers].map(
          (w) =>
            `principal://iam.googleapis.com/projects/-/serviceAccounts/${w.replace(/^serviceAccount:/, "")}`,
        ),
      );
      const writeGap = denialGap(rules, "logging.googleapis.com/logEntries.create", (exceptions) => {
        const others = exceptions.filter((p) => !writerPrincipals.has(p));
        return others.length
          ? `excepts ${others.join(", ")}, who could forge entries the locked bucket keeps`
          : undefined;
      });
      const gaps = [...adminGaps, ...(writeGap ? [writeGap] : [])];
      // On the policy whose rule falls short, or on the bucket when no rule names the permission.
      const culprit = denies.find((d) =>
        gaps.some((g) =>
          denyRules([d]).some((r) => (r.deniedPermissions ?? []).some((p) => g.startsWith(`${p}:`))),
        ),
      );
      if (gaps.length)
        findings.push({
          urn: (culprit ?? bucket).urn,
          problem: denies.length
            ? `the IAM deny policies of logging project ${project} leave a gap: ${gaps.join("; ")}`
            : `logging project ${project} has no IAM deny policy`,
          fix: "keep the deny policy of components/loggingIsolation.ts: bucket, sink and IAM administration denied to all but the deployer and break-glass, direct log writes to all but the sink writers",
        });
    }
    return findings;
  },
);
