import { z } from "zod";
import { CONFIG_KEYS, ConfigKey } from "./keys";
import { ALLOWED_REGIONS, Region } from "../../vocabulary/regions";
import { projectId, region } from "./valueRules";

export { parseNamedNetwork } from "./valueRules";

/**
 * The shape and rules of a stack's configuration, after each raw value has been converted to
 * the type Pulumi.yaml declares: each key's rule is declared with the key (keys.ts), this is
 * their sum. Cross-key rules follow in `crossKeyProblems`.
 */
export const configSchema = z.object(
  Object.fromEntries(Object.entries(CONFIG_KEYS).map(([key, spec]) => [key, spec.schema])) as {
    [K in ConfigKey]: (typeof CONFIG_KEYS)[K]["schema"];
  },
);

/**
 * Keys of other namespaces the program depends on: the Google provider's own settings, which
 * every default-provider resource inherits (pulumi-gcp provider configuration). Each is
 * optional; a value that is set must be valid.
 */
export const providerConfigSchema = {
  "gcp:project": projectId,
  "gcp:billingProject": projectId,
  "gcp:region": region,
  "gcp:zone": z.string().regex(/^(us-central1|us-east1)-[a-f]$/, {
    message: `must be a zone of ${ALLOWED_REGIONS.join(" or ")}, e.g. us-central1-a`,
  }),
  "gcp:userProjectOverride": z.enum(["true", "false"], { message: "must be true or false" }),
  "gcp:impersonateServiceAccount": z.email({ message: "must be a service account e-mail address" }),
} as const;

export type RawPlatformConfig = z.infer<typeof configSchema>;

/** Rules that relate several keys; each message names the keys involved. */
export function crossKeyProblems(c: RawPlatformConfig): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  if (new Set(c.regions).size !== c.regions.length) {
    problems.push({ key: "regions", message: `lists a region twice: ${JSON.stringify(c.regions)}` });
  }
  if (!c.regions.includes(c.primaryRegion)) {
    problems.push({
      key: "primaryRegion",
      message: `"${c.primaryRegion}" is not one of regions ${JSON.stringify(c.regions)}`,
    });
  }
  const ids = [c.platformProjectId, c.cdeProjectId, c.kmsProjectId, c.loggingProjectId];
  if (new Set(ids).size !== ids.length) {
    problems.push({
      key: "platformProjectId/cdeProjectId/kmsProjectId/loggingProjectId",
      message: `must be four different projects, got ${JSON.stringify(ids)}`,
    });
  }
  const parent = [c.organizationId, c.folderId].filter(Boolean);
  if (parent.length > 1) {
    problems.push({ key: "organizationId/folderId", message: "set one of them, not both" });
  }
  if (parent.length === 1 && !c.billingAccount) {
    problems.push({
      key: "billingAccount",
      message: "is required when projects are created (organizationId or folderId set)",
    });
  }
  if (c.drainedRegion && !c.regions.includes(c.drainedRegion)) {
    problems.push({
      key: "drainedRegion",
      message: `"${c.drainedRegion}" is not one of regions ${JSON.stringify(c.regions)}`,
    });
  }
  if (c.ephemeral && c.environment === "prod") {
    problems.push({
      key: "ephemeral",
      message: "prod is never ephemeral: its resources must outlive any deployment",
    });
  }
  if (c.ephemeral && parent.length === 0) {
    problems.push({
      key: "ephemeral",
      message:
        "needs organizationId or folderId: an ephemeral environment creates (and deletes) its own projects",
    });
  }
  const long = ids.filter((id) => id.length > 25);
  if (c.ephemeral && long.length) {
    problems.push({
      key: "platformProjectId/cdeProjectId/kmsProjectId/loggingProjectId",
      message: `${JSON.stringify(long)} leave no room for the 5-character generation suffix of an ephemeral environment (30 characters at most)`,
    });
  }
  if (c.orgPolicyScope === "folder" && !c.folderId) {
    problems.push({
      key: "orgPolicyScope",
      message:
        "is folder but folderId is empty: the narrowest scope of adopted projects is each project (orgPolicyScope: projects)",
    });
  }
  if (Boolean(c.sqlMigrationProxyImage) !== Boolean(c.sqlMigrationClientImage)) {
    problems.push({
      key: "sqlMigrationProxyImage/sqlMigrationClientImage",
      message: "set both (the migration Job needs the proxy and the client) or neither",
    });
  }
  const strangers = c.defaultServiceAccountsDeprivileged.filter((p) => !ids.includes(p));
  if (strangers.length) {
    problems.push({
      key: "defaultServiceAccountsDeprivileged",
      message: `${JSON.stringify(strangers)} are not projects of this stack (${ids.join(", ")})`,
    });
  }
  if (c.securityCommandCenterTier === "ENTERPRISE" && c.securityCommandCenterActivation !== "organization") {
    problems.push({
      key: "securityCommandCenterActivation",
      message: "is project, but the Enterprise tier is activated only at an organisation",
    });
  }
  if (
    c.pciComplianceFramework &&
    (c.securityCommandCenterTier !== "ENTERPRISE" || c.securityCommandCenterActivation !== "organization")
  ) {
    problems.push({
      key: "pciComplianceFramework",
      message:
        "needs Compliance Manager, which comes with the Enterprise tier activated at the organisation (securityCommandCenterTier ENTERPRISE, securityCommandCenterActivation organization)",
    });
  }
  if (c.privilegedAccessRequestersGroup === c.privilegedAccessApproversGroup) {
    problems.push({
      key: "privilegedAccessApproversGroup",
      message: `is the requesters' group ${JSON.stringify(c.privilegedAccessRequestersGroup)}: approvers must be a different group, or a requester approves themself`,
    });
  }
  if (c.backupRetentionLocked && c.ephemeral) {
    problems.push({
      key: "backupRetentionLocked",
      message: "an ephemeral environment is destroyed and rebuilt: a locked retention would outlive it",
    });
  }
  if (parent.length === 0 && c.billingAccount) {
    problems.push({ key: "billingAccount", message: "is set but neither organizationId nor folderId is" });
  }
  return problems;
}

export function orderedRegions(regions: readonly Region[], primary: Region): [Region, Region] {
  const secondary = regions.find((r) => r !== primary) as Region;
  return [primary, secondary];
}
