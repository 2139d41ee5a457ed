import { anyResourcePolicy, Finding } from "../lib/define";

// Project, folder and organisation audit configs (gcp:projects/iAMAuditConfig:IAMAuditConfig,
// gcp:folder/iamAuditConfig:IamAuditConfig, gcp:organizations/iamAuditConfig:IamAuditConfig): a
// folder's or the organisation's applies to every project under it. Matched by the token's end,
// whatever its casing, so a type of another spelling or a future scope is judged too.
const isAuditConfig = (type: string) => /^gcp:[^:]+:[A-Za-z]*AuditConfig$/i.test(type);

type AuditLogConfig = { logType?: string; exemptedMembers?: string[] };

/**
 * https://cloud.google.com/iam/docs/reference/rest/v1/Policy#AuditConfig: "If there are
 * AuditConfigs for both allServices and a specific service, the union of the two AuditConfigs is
 * used for that service: the log_types specified in each AuditConfig are enabled, and the
 * exemptedMembers in each AuditLogConfig are exempted." A config for one service, or one set on a
 * folder or the organisation, cannot add a gap in log types, but its exemptions silence those
 * members wherever it applies — for card-vault's own account, its every decrypt. LOG-04 is judged
 * per project by logging-data-access-audit-config; this judges every exemption, anywhere.
 */
export const loggingAuditConfigNoExemptions = anyResourcePolicy(
  {
    name: "logging-audit-config-no-exemptions",
    description:
      "No audit config, for any service, on any project, folder or the organisation, exempts a member from audit logging.",
    controls: ["LOG-04"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Remove exemptedMembers: Data Access audit logs record every principal, the workloads' own accounts included.",
  },
  (r) => {
    if (!isAuditConfig(r.type)) return [];
    const findings: Finding[] = [];
    const scope =
      r.props.project !== undefined
        ? `project ${String(r.props.project)}`
        : r.props.folder !== undefined
          ? String(r.props.folder) // folders/{folder_id}
          : `organizations/${String(r.props.orgId)}`;
    for (const c of (r.props.auditLogConfigs as AuditLogConfig[] | undefined) ?? []) {
      const exempted = c.exemptedMembers ?? [];
      if (exempted.length > 0)
        findings.push({
          problem: `${String(r.props.service)} ${String(c.logType)} audit logs of ${scope} exempt ${exempted.join(", ")}: their calls are not recorded${r.props.service === "allServices" ? "" : ", whatever allServices enables (the two are unioned)"}`,
          fix: "remove exemptedMembers",
        });
    }
    return findings;
  },
);
