import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import { ALLOWED_REGIONS, Region } from "./regions";

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const projectId = z.string().regex(PROJECT_ID, {
  message: "must be a Google Cloud project id: 6-30 characters, lower-case letters, digits and '-'",
});
const numericId = (what: string) =>
  z.string().regex(/^(\d{6,20})?$/, { message: `must be a numeric ${what} id, or empty` });
const group = z.email({ message: "must be a Google group e-mail address" });
const region = z.enum(ALLOWED_REGIONS, { message: `must be one of ${ALLOWED_REGIONS.join(", ")}` });
const int = (min: number, max: number) =>
  z
    .number()
    .int()
    .min(min, { message: `must be between ${min} and ${max}` })
    .max(max, { message: `must be between ${min} and ${max}` });

/** An image in the project's own repository, pinned by digest (a tag could be moved under an admitted name). */
const migrationImage = z.string().regex(/^([a-z0-9]+([._/-][a-z0-9]+)*@sha256:[0-9a-f]{64})?$/, {
  message:
    "must be empty or an image path in the containers repository pinned by digest, e.g. cloud-sql-proxy@sha256:<64 hex>",
});

const supernet = z.string().refine(isSupernet, {
  message: "must be a private IPv4 CIDR block (RFC 1918) of prefix length /12 or shorter, e.g. 10.64.0.0/12",
});

/**
 * The shape and rules of a stack's configuration, after each raw value has been converted to
 * the type Pulumi.yaml declares. Cross-key rules follow in `crossKeyProblems`.
 */
export const configSchema = z.object({
  environment: z.enum(["prod", "staging"], { message: "must be prod or staging" }),
  owner: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { message: "must be a valid label value" }),
  regions: z
    .array(region)
    .length(2, { message: `must list exactly the two regions ${ALLOWED_REGIONS.join(" and ")}` }),
  primaryRegion: region,
  organizationId: numericId("organisation"),
  folderId: numericId("folder"),
  billingAccount: z.string().regex(/^([0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6})?$/, {
    message: "must be a billing account id XXXXXX-XXXXXX-XXXXXX, or empty",
  }),
  platformProjectId: projectId,
  cdeProjectId: projectId,
  kmsProjectId: projectId,
  loggingProjectId: projectId,
  addressSpace: supernet,
  tenantsFile: z.string().regex(/^[\w.-]+\.ya?ml$/, { message: "must be a YAML file name under stacks/" }),
  sqlDatabaseVersion: z.enum(["POSTGRES_16", "POSTGRES_17", "POSTGRES_18"], {
    message: "must be POSTGRES_16, POSTGRES_17 or POSTGRES_18 (Enterprise Plus, advanced disaster recovery)",
  }),
  sqlTier: z.string().regex(/^db-perf-optimized-N-(2|4|8|16|32|48|64|80|96|128)$/, {
    message: "must be an Enterprise Plus tier db-perf-optimized-N-<vCPUs>",
  }),
  sqlBackupRetentionCount: int(7, 365),
  sqlLogRetentionDays: int(1, 35),
  sqlDesignateDrReplica: z.boolean(),
  sqlMigrationProxyImage: migrationImage,
  sqlMigrationClientImage: migrationImage,
  legacyImageRepositories: z.boolean(),
  kubernetesProviderTransition: z.boolean(),
  maintenanceDay: int(1, 7),
  maintenanceHour: int(0, 23),
  redisMemorySizeGb: int(5, 300),
  redisReplicaCount: int(1, 5),
  redisVersion: z.enum(["REDIS_7_0", "REDIS_7_2"], { message: "must be REDIS_7_0 or REDIS_7_2" }),
  gkeReleaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"], { message: "must be RAPID, REGULAR or STABLE" }),
  controlPlaneAuthorizedNetworks: z
    .array(
      z.string().refine(isNamedNetwork, {
        message:
          "must be name=CIDR with a private or public range narrower than /0, e.g. ops-vpn=203.0.113.0/28",
      }),
    )
    .min(1, { message: "must name at least one network" }),
  gatewayDomain: z
    .string()
    .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, { message: "must be a DNS host name" }),
  gatewayConfigRegion: region,
  drainedRegion: z.union([z.literal(""), region], {
    message: `must be empty or one of ${ALLOWED_REGIONS.join(", ")}`,
  }),
  intrusionDetectionRegions: z.array(region),
  accessPolicy: z.string().regex(/^\d{1,20}$/, { message: "must be a numeric access policy id" }),
  perimeterEnforced: z.boolean(),
  orgPolicyOrganizationId: z.string().regex(/^\d{6,20}$/, { message: "must be a numeric organisation id" }),
  orgPolicyEnforced: z.boolean(),
  orgPolicyScope: z.enum(["", "folder", "projects"], { message: "must be folder, projects or empty" }),
  egressFqdnAllowlist: z.array(
    z.string().regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, {
      message: "must be a fully qualified host name",
    }),
  ),
  auditLogRegion: region,
  auditLogRetentionDays: int(365, 3650),
  drReplicaLagAlertSeconds: int(5, 3600),
  alertEmails: z.array(z.email({ message: "must be an e-mail address" })).min(1, {
    message: "must list at least one address",
  }),
  pagerDutyServiceKey: z.string(),
  auditorsGroup: group,
  breakGlassGroup: group,
  ephemeral: z.boolean(),
  securityCommandCenterTier: z.enum(["PREMIUM", "ENTERPRISE"], {
    message: "must be PREMIUM or ENTERPRISE (Security Health Analytics custom modules need one of them)",
  }),
  securityCommandCenterActivation: z.enum(["organization", "project"], {
    message: "must be organization or project",
  }),
  pciComplianceFramework: z.boolean(),
  privilegedAccessRequestersGroup: group,
  privilegedAccessApproversGroup: group,
  backupOperatorsGroup: group,
  breakGlassAccounts: z
    .array(z.email({ message: "must be a user account's e-mail address" }))
    .min(1, { message: "must list at least one account" }),
  backupRetentionLocked: z.boolean(),
  deployerPrincipal: z.string().regex(/^(serviceAccount|group|user):[^@\s:]+@[a-z0-9.-]+\.[a-z]{2,}$/, {
    message: "must be an IAM member serviceAccount:EMAIL, group:EMAIL or user:EMAIL",
  }),
  previewPrincipal: z.union(
    [
      z.literal(""),
      z
        .string()
        .regex(/^serviceAccount:[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.iam\.gserviceaccount\.com$/),
    ],
    { message: "must be empty or serviceAccount:NAME@PROJECT.iam.gserviceaccount.com" },
  ),
  imagePipelinePrincipal: z
    .string()
    .regex(
      /^serviceAccount:[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/,
      {
        message:
          "must be serviceAccount:NAME@PROJECT.iam.gserviceaccount.com (one service account, never a group or user)",
      },
    ),
  imageAttestationEnforced: z.boolean(),
  defaultServiceAccountsDeprivileged: z.array(projectId),
  workspaceCustomerId: z.string().regex(/^C[0-9a-z]{6,12}$/, {
    message: "must be a Google Workspace / Cloud Identity customer id such as C0abc1234",
  }),
  vpcPeeringAllowlist: z.array(
    z
      .string()
      .regex(/^projects\/[a-z][a-z0-9-]{4,61}[a-z0-9]\/global\/networks\/[a-z]([-a-z0-9]*[a-z0-9])?$/, {
        message: "must be projects/<project>/global/networks/<network>",
      }),
  ),
  externallyEnabledApis: z.array(
    z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]\/[a-z0-9-]+(\.[a-z0-9-]+)*\.googleapis\.com$/, {
      message: "must be <project id>/<service>, e.g. qp-prod-platform/dns.googleapis.com",
    }),
  ),
});

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

/** `name=CIDR`, where the CIDR is valid and never the whole internet. */
export function parseNamedNetwork(value: string): { name: string; cidr: string } | undefined {
  const m = /^([a-z][a-z0-9-]{0,62})=(.+)$/.exec(value);
  if (!m) return undefined;
  try {
    const [, prefix] = ipaddr.IPv4.parseCIDR(m[2]);
    if (prefix < 8 || ipaddr.IPv4.networkAddressFromCIDR(m[2]).toString() !== m[2].split("/")[0])
      return undefined;
  } catch {
    return undefined;
  }
  return { name: m[1], cidr: m[2] };
}

function isNamedNetwork(value: string): boolean {
  return parseNamedNetwork(value) !== undefined;
}

function isSupernet(value: string): boolean {
  try {
    const [address, prefix] = ipaddr.IPv4.parseCIDR(value);
    const canonical = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
    return prefix <= 12 && prefix >= 8 && address.range() === "private" && canonical === address.toString();
  } catch {
    return false;
  }
}
