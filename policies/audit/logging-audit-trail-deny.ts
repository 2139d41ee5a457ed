import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { projectInPath } from "../lib/gcp";
import { auditBuckets, denialGap, denyRules, platformProjects, widenedExceptions } from "./audit";
import { alertedBreakGlassAccounts } from "./monitoring-privileged-access-alerts";

const DENY = "gcp:iam/denyPolicy:DenyPolicy";
const PROJECT = "gcp:organizations/project:Project";

/** What cuts the audit trail, denied in every project (IAM v2 names; see components/auditTrailGuard.ts). */
export const TRAIL_PERMISSIONS = [
  "logging.googleapis.com/sinks.create",
  "logging.googleapis.com/sinks.update",
  "logging.googleapis.com/sinks.delete",
  "cloudresourcemanager.googleapis.com/projects.setIamPolicy",
];
/** What disables, destroys or ungrants the audit log's key, denied in the project holding it. */
export const KEY_PERMISSIONS = [
  "cloudkms.googleapis.com/cryptoKeyVersions.destroy",
  "cloudkms.googleapis.com/cryptoKeyVersions.update",
  "cloudkms.googleapis.com/cryptoKeys.setIamPolicy",
];

const SET_IAM_POLICY = "cloudresourcemanager.googleapis.com/projects.setIamPolicy";
/**
 * Privileged Access Manager's agent of an organisation: it writes each just-in-time grant into the
 * project's IAM policy with setIamPolicy (IAM-07), so the setIamPolicy rule may except it besides
 * the deployer and break-glass (components/auditTrailGuard.ts `iamGrantingAgents`).
 */
const PAM_AGENT =
  /^principal:\/\/iam\.googleapis\.com\/projects\/-\/serviceAccounts\/service-org-\d+@gcp-sa-pam\.iam\.gserviceaccount\.com$/;
const withPamAgent = (alerted: ReadonlySet<string>) => (exceptions: string[]) =>
  widenedExceptions(
    exceptions.filter((p) => !PAM_AGENT.test(p)),
    alerted,
  );

/** `cloudresourcemanager.googleapis.com/projects/P` or `/folders/F`, URL-encoded or not. */
function attachment(policy: PolicyResource): { kind: "projects" | "folders"; id: string } | undefined {
  const m = /\/(projects|folders)\/([^/]+)$/.exec(decodeURIComponent(String(policy.props.parent ?? "")));
  return m ? { kind: m[1] as "projects" | "folders", id: m[2] } : undefined;
}

/**
 * The audit trail outside the logging project (LOG-01, LOG-03, LOG-04, LOG-05): every project the
 * stack deploys into is covered, on itself or its folder, by an IAM deny policy that denies
 * everyone (`principalSet://goog/public:all`) the sink changes and the IAM policy changes that
 * narrow Data Access audit configs, and, where the audit log's key lives, the key's disabling,
 * destruction and IAM changes, with no condition, no permission carved out, and no exception
 * wider than one service account (the deployer) and the break-glass accounts the alerts name, each by
 * name (never a group, whose members no alert names: IAM-07) — and, on setIamPolicy,
 * Privileged Access Manager's agent, which grants the entitlements that way.
 */
export const loggingAuditTrailDeny = stackPolicy(
  {
    name: "logging-audit-trail-deny",
    description:
      "Every project is covered by an IAM deny policy that stops all but the deployer and break-glass from changing log sinks, audit configs (IAM; PAM's agent may, to grant entitlements) and, in the KMS project, the audit log's key.",
    controls: ["LOG-01", "LOG-03", "LOG-04", "LOG-05"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Keep components/auditTrailGuard.ts on the folder or on every project: deny all principals the sink, setIamPolicy and key permissions, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names.",
  },
  (resources) => {
    const anchor = auditBuckets(resources)[0];
    if (!anchor) return [];
    const keyProject = projectInPath(
      (anchor.props.cmekSettings as { kmsKeyName?: unknown } | undefined)?.kmsKeyName,
    );
    const folderOf = new Map(
      resources
        .filter((r) => r.type === PROJECT && typeof r.props.projectId === "string")
        .map((r) => [String(r.props.projectId), String(r.props.folderId ?? "")]),
    );
    const denies = resources.filter((r) => r.type === DENY);
    const alerted = alertedBreakGlassAccounts(resources);
    const findings: Finding[] = [];
    for (const project of [...platformProjects(resources)].sort()) {
      const covering = denies.filter((d) => {
        const at = attachment(d);
        return at && (at.kind === "projects" ? at.id === project : at.id === folderOf.get(project));
      });
      const required =
        project === keyProject ? [...TRAIL_PERMISSIONS, ...KEY_PERMISSIONS] : TRAIL_PERMISSIONS;
      const rules = denyRules(covering);
      const narrow = (exceptions: string[]) => widenedExceptions(exceptions, alerted);
      const problems = required
        .map((permission) =>
          denialGap(rules, permission, permission === SET_IAM_POLICY ? withPamAgent(alerted) : narrow),
        )
        .filter((p) => p !== undefined);
      if (problems.length)
        findings.push({
          urn: (covering[0] ?? anchor).urn,
          problem: `in project ${project}, ${problems.join("; ")}: the audit trail can be cut there`,
          fix: "deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)",
        });
    }
    return findings;
  },
);
