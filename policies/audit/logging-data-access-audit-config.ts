import { Finding, stackPolicy } from "../lib/define";
import { auditBuckets, platformProjects } from "./audit";

const REQUIRED = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"];

export const loggingDataAccessAudit = stackPolicy(
  {
    name: "logging-data-access-audit-config",
    description:
      "Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) are enabled for all services in every platform project.",
    controls: ["LOG-04"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add an IAMAuditConfig with service allServices and all three log types to the project (components/dataAccessAudit.ts).",
  },
  (resources) => {
    const anchor = auditBuckets(resources)[0] ?? resources.find((r) => r.type.startsWith("gcp:"));
    if (!anchor) return [];
    const configs = resources.filter(
      (r) => r.type === "gcp:projects/iAMAuditConfig:IAMAuditConfig" && r.props.service === "allServices",
    );
    const findings: Finding[] = [];
    for (const project of [...platformProjects(resources)].sort()) {
      const config = configs.find((c) => c.props.project === project);
      const types = (
        (config?.props.auditLogConfigs as { logType?: string; exemptedMembers?: string[] }[] | undefined) ??
        []
      )
        .filter((c) => !(c.exemptedMembers ?? []).length)
        .map((c) => c.logType);
      const missing = REQUIRED.filter((t) => !types.includes(t));
      if (missing.length)
        findings.push({
          urn: config?.urn ?? anchor.urn,
          problem: `project ${project} lacks Data Access audit logs ${missing.join(", ")} for allServices`,
          fix: "enable them with an IAMAuditConfig",
        });
    }
    return findings;
  },
);
