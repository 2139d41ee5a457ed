import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { cardholderProjects, parseKeyId } from "../lib/gcp";

const SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const CARDHOLDER_RING = "cardholder";

/**
 * Why an instance holds cardholder data: its label, its key (the cardholder ring), or its project
 * (one holding anything labelled cardholder). Any of them: relabelling an instance does not move it
 * out of the cardholder-data environment.
 */
function cardholderReason(instance: PolicyResource, projects: Set<string>): string | undefined {
  const settings = (instance.props.settings ?? {}) as { userLabels?: Record<string, string> };
  if (settings.userLabels?.["data-class"] === "cardholder") return "it is labelled data-class=cardholder";
  if (parseKeyId(instance.props.encryptionKeyName)?.ring === CARDHOLDER_RING)
    return "it is encrypted with a cardholder key";
  if (projects.has(String(instance.props.project)))
    return `its project ${String(instance.props.project)} holds cardholder data`;
  return undefined;
}

export const sqlInstanceCardholderNoDataApi = stackPolicy(
  {
    name: "sql-instance-cardholder-no-data-api",
    description:
      "No Cloud SQL instance holding cardholder data can be reached through the Cloud SQL Data API (executeSql), which reaches instances from the public internet.",
    controls: ["NET-09"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      'Set settings.dataApiAccess: "DISALLOW_DATA_API" explicitly on every cardholder-class instance (the provider keeps the instance\'s current value when the field is unset) and run its migration inside the cde cluster (components/migrationJob.ts).',
  },
  (resources) => {
    const projects = cardholderProjects(resources);
    const findings: Finding[] = [];
    for (const instance of resources.filter((r) => r.type === SQL_INSTANCE)) {
      const why = cardholderReason(instance, projects);
      if (!why) continue;
      const access = (instance.props.settings as { dataApiAccess?: unknown } | undefined)?.dataApiAccess;
      if (access === "DISALLOW_DATA_API") continue;
      findings.push({
        urn: instance.urn,
        problem:
          access === undefined
            ? `settings.dataApiAccess is unset on an instance that holds cardholder data (${why}): the provider reads the field as Optional+Computed and keeps whatever the instance has, ALLOW_DATA_API included`
            : `settings.dataApiAccess is ${JSON.stringify(access)} on an instance that holds cardholder data (${why}): executeSql reaches it from the public internet`,
        fix: 'set settings.dataApiAccess: "DISALLOW_DATA_API"',
      });
    }
    return findings;
  },
);
