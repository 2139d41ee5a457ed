/**
 * Every configuration key the program reads, with the type and description that `Pulumi.yaml`
 * declares for it. A test keeps `Pulumi.yaml` and this list identical, so the CLI's own type check
 * (`pulumi up`) and the offline engine agree on what a stack file may hold.
 */
import { z } from "zod";
import { ALLOWED_REGIONS, Region } from "../../vocabulary/regions";
import {
  group,
  int,
  isNamedNetwork,
  migrationImage,
  numericId,
  parseNamedNetwork,
  projectId,
  region,
  supernet,
} from "./valueRules";

export type ConfigKeyType = "string" | "integer" | "boolean" | "array";

export interface ConfigKeySpec {
  /**
   * Where the value goes in the typed configuration (PlatformConfig), as a dotted path; keys
   * without one are combined with others in read.ts (regions, the project factory, the migration
   * images, the org-policy scope), made a secret Output there (pagerDutyServiceKey) or read by the
   * validation (tenantsFile).
   */
  at?: string;
  /** What the validated value becomes there, when not itself (an empty string is none). */
  toConfig?: (value: never) => unknown;
  type: ConfigKeyType;
  description: string;
  /** Pulumi.yaml default; keys without one are required in every stack file. */
  default?: string | number | boolean | string[];
  secret?: boolean;
  /**
   * What a value must be, once converted to `type`: every rule of one key, with the key (the
   * program's validation, configSchema, is the sum of these). Cross-key rules: schema.ts.
   */
  schema: z.ZodType;
}

export const PROJECT_NAME = "qairopay-platform";

export const CONFIG_KEYS = {
  environment: {
    at: "environment",
    type: "string",
    description: "Environment name used in labels and resource names: prod or staging.",
    schema: z.enum(["prod", "staging"], { message: "must be prod or staging" }),
  },
  owner: {
    at: "owner",
    type: "string",
    description: "Team that owns the resources; written to the `owner` label.",
    schema: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { message: "must be a valid label value" }),
  },
  regions: {
    type: "array",
    description: "The two serving regions, active-active. Allowed: us-central1 and us-east1.",
    schema: z
      .array(region)
      .length(2, { message: `must list exactly the two regions ${ALLOWED_REGIONS.join(" and ")}` }),
  },
  primaryRegion: {
    type: "string",
    description: "Region holding the writable Cloud SQL primaries; changing it is the failover switch.",
    schema: region,
  },
  organizationId: {
    type: "string",
    description: "Numeric organisation id under which projects are created; empty to use existing projects.",
    default: "",
    schema: numericId("organisation"),
  },
  folderId: {
    type: "string",
    description: "Numeric folder id under which projects are created; empty to use existing projects.",
    default: "",
    schema: numericId("folder"),
  },
  billingAccount: {
    type: "string",
    description: "Billing account (XXXXXX-XXXXXX-XXXXXX) for created projects; empty to use existing ones.",
    default: "",
    schema: z.string().regex(/^([0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6})?$/, {
      message: "must be a billing account id XXXXXX-XXXXXX-XXXXXX, or empty",
    }),
  },
  platformProjectId: {
    at: "projects.platform",
    type: "string",
    description: "Project id of the workload project (GKE, tenant-data stores).",
    schema: projectId,
  },
  cdeProjectId: {
    at: "projects.cde",
    type: "string",
    description: "Project id of the cardholder-data environment (PCI scope).",
    schema: projectId,
  },
  kmsProjectId: {
    at: "projects.kms",
    type: "string",
    description: "Project id holding both KMS key hierarchies.",
    schema: projectId,
  },
  loggingProjectId: {
    at: "projects.logging",
    type: "string",
    description: "Project id of the isolated audit-logging project.",
    schema: projectId,
  },
  addressSpace: {
    at: "addressSpace",
    type: "string",
    description: "IPv4 supernet (at most /12) from which every subnet and range is planned.",
    schema: supernet,
  },
  tenantsFile: {
    type: "string",
    description: "Tenant registry file under stacks/ (id and display name of every tenant).",
    schema: z.string().regex(/^[\w.-]+\.ya?ml$/, { message: "must be a YAML file name under stacks/" }),
  },
  sqlDatabaseVersion: {
    at: "sql.databaseVersion",
    type: "string",
    description: "Cloud SQL for PostgreSQL major version.",
    default: "POSTGRES_18",
    schema: z.enum(["POSTGRES_16", "POSTGRES_17", "POSTGRES_18"], {
      message:
        "must be POSTGRES_16, POSTGRES_17 or POSTGRES_18 (Enterprise Plus, advanced disaster recovery)",
    }),
  },
  sqlTier: {
    at: "sql.tier",
    type: "string",
    description: "Cloud SQL Enterprise Plus machine tier (db-perf-optimized-N-*).",
    default: "db-perf-optimized-N-8",
    schema: z.string().regex(/^db-perf-optimized-N-(2|4|8|16|32|48|64|80|96|128)$/, {
      message: "must be an Enterprise Plus tier db-perf-optimized-N-<vCPUs>",
    }),
  },
  sqlBackupRetentionCount: {
    at: "sql.backupRetentionCount",
    type: "integer",
    description: "Automated backups kept per instance (1-365).",
    default: 30,
    schema: int(7, 365),
  },
  sqlLogRetentionDays: {
    at: "sql.logRetentionDays",
    type: "integer",
    description: "Days of write-ahead log kept for point-in-time recovery (1-35 on Enterprise Plus).",
    default: 14,
    schema: int(1, 35),
  },
  sqlDesignateDrReplica: {
    at: "sql.designateDrReplica",
    type: "boolean",
    description:
      "Whether each Cloud SQL primary names its DR replica (advanced disaster recovery); false only for the first deployment of a new cluster.",
    default: true,
    schema: z.boolean(),
  },
  sqlMigrationProxyImage: {
    type: "string",
    description:
      "The Cloud SQL Auth Proxy image of the cardholder database's migration Job, by digest, in the cluster project's `containers` repository of the primary region (e.g. cloud-sql-proxy@sha256:...); empty until the image pipeline has mirrored it, and then the migration does not run (docs/database-migration.md).",
    default: "",
    schema: migrationImage,
  },
  sqlMigrationClientImage: {
    type: "string",
    description:
      "The PostgreSQL client (psql) image of the cardholder database's migration Job, by digest, in the same repository (e.g. postgres@sha256:...); set together with sqlMigrationProxyImage.",
    default: "",
    schema: migrationImage,
  },
  kubernetesProviderTransition: {
    at: "kubernetesProviderTransition",
    type: "boolean",
    description:
      "For one `pulumi up` of a stack deployed before the Kubernetes providers carried clusterIdentifier: keeps the control plane's DNS endpoint as deployed, so that the providers gain the identifier without being replaced (which would delete every Kubernetes object). Turn off for the next `up`, which then changes the endpoint without replacing anything (docs/segmentation.md).",
    default: false,
    schema: z.boolean(),
  },
  legacyImageRepositories: {
    at: "images.legacyRepositories",
    type: "boolean",
    description:
      "Keep the pre-CMEK `images` Artifact Registry repositories of the platform project (and admit their images) while images move to the CMEK `containers` repositories; see docs/artifact-registry.md.",
    default: false,
    schema: z.boolean(),
  },
  maintenanceDay: {
    at: "maintenance.day",
    type: "integer",
    description: "Maintenance day for databases and caches, 1 (Monday) to 7 (Sunday).",
    default: 7,
    schema: int(1, 7),
  },
  maintenanceHour: {
    at: "maintenance.hour",
    type: "integer",
    description: "Maintenance start hour in UTC, 0-23.",
    default: 3,
    schema: int(0, 23),
  },
  redisMemorySizeGb: {
    at: "redis.memorySizeGb",
    type: "integer",
    description: "Memorystore for Redis capacity per region in GiB (5 or more for read replicas).",
    default: 5,
    schema: int(5, 300),
  },
  redisReplicaCount: {
    at: "redis.replicaCount",
    type: "integer",
    description: "Memorystore read replicas per region (1-5).",
    default: 2,
    schema: int(1, 5),
  },
  redisVersion: {
    at: "redis.version",
    type: "string",
    description: "Memorystore for Redis version.",
    default: "REDIS_7_2",
    schema: z.enum(["REDIS_7_0", "REDIS_7_2"], { message: "must be REDIS_7_0 or REDIS_7_2" }),
  },
  gkeReleaseChannel: {
    at: "gke.releaseChannel",
    type: "string",
    description: "GKE release channel of both Autopilot clusters: RAPID, REGULAR or STABLE.",
    default: "REGULAR",
    schema: z.enum(["RAPID", "REGULAR", "STABLE"], { message: "must be RAPID, REGULAR or STABLE" }),
  },
  controlPlaneAuthorizedNetworks: {
    at: "gke.authorizedNetworks",
    toConfig: (networks: string[]) =>
      networks.map((n) => parseNamedNetwork(n) as { name: string; cidr: string }),
    type: "array",
    description: "Networks allowed to reach the GKE control planes, as name=CIDR (never 0.0.0.0/0).",
    schema: z
      .array(
        z.string().refine(isNamedNetwork, {
          message:
            "must be name=CIDR with a private or public range narrower than /0, e.g. ops-vpn=203.0.113.0/28",
        }),
      )
      .min(1, { message: "must name at least one network" }),
  },
  gatewayDomain: {
    at: "gateway.domain",
    type: "string",
    description: "Public host name served by the multi-cluster Gateway (Google-managed certificate).",
    schema: z
      .string()
      .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, { message: "must be a DNS host name" }),
  },
  gatewayConfigRegion: {
    at: "gateway.configRegion",
    type: "string",
    description:
      "Region of the fleet's configuration cluster for multi-cluster Gateway; fixed, see docs/failover.md.",
    default: "us-central1",
    schema: region,
  },
  drainedRegion: {
    at: "gateway.drainedRegion",
    toConfig: (region: Region | "") => region || undefined,
    type: "string",
    description:
      "Region whose Gateway traffic weight is set to zero (a drill or an incident); empty for none.",
    default: "",
    schema: z.union([z.literal(""), region], {
      message: `must be empty or one of ${ALLOWED_REGIONS.join(", ")}`,
    }),
  },
  accessPolicy: {
    at: "perimeter.accessPolicy",
    type: "string",
    description:
      "The organisation's VPC Service Controls access policy (numeric id) that holds this stack's perimeter; owned by the organisation.",
    schema: z.string().regex(/^\d{1,20}$/, { message: "must be a numeric access policy id" }),
  },
  perimeterEnforced: {
    at: "perimeter.enforced",
    type: "boolean",
    description:
      "Enforce the VPC Service Controls perimeter; false runs it in dry-run (violations logged only).",
    default: false,
    schema: z.boolean(),
  },
  orgPolicyOrganizationId: {
    at: "orgPolicy.organizationId",
    type: "string",
    description:
      "Numeric id of the organisation that holds this stack's custom constraints (Google defines them only at an organisation; GOV-03).",
    schema: z.string().regex(/^\d{6,20}$/, { message: "must be a numeric organisation id" }),
  },
  orgPolicyEnforced: {
    at: "orgPolicy.enforced",
    type: "boolean",
    description:
      "Enforce the custom and managed constraints; false runs them in dry-run (violations logged only). Legacy built-in constraints have no dry-run and are enforced from the first up.",
    default: false,
    schema: z.boolean(),
  },
  orgPolicyScope: {
    type: "string",
    description:
      "Where the org policies are set: folder (the folder of the projects this stack creates) or projects (each of the four projects); empty picks folder when folderId is set, else projects.",
    default: "",
    schema: z.enum(["", "folder", "projects"], { message: "must be folder, projects or empty" }),
  },
  egressFqdnAllowlist: {
    at: "egressFqdnAllowlist",
    type: "array",
    description:
      "Third-party host names the platform VPC may reach on 443 (e.g. events.pagerduty.com); everything else outside Google's APIs is denied. Never applies to the cde VPC.",
    default: [],
    schema: z.array(
      z.string().regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, {
        message: "must be a fully qualified host name",
      }),
    ),
  },
  intrusionDetectionRegions: {
    at: "intrusionDetectionRegions",
    type: "array",
    description: "Regions where Cloud IDS inspects the platform VPC's traffic; empty for none.",
    default: [],
    schema: z.array(region),
  },
  auditLogRegion: {
    at: "audit.region",
    type: "string",
    description:
      "Region of the locked audit-log bucket and its key; fixed, it does not follow primaryRegion.",
    default: "us-central1",
    schema: region,
  },
  auditLogRetentionDays: {
    at: "audit.retentionDays",
    type: "integer",
    description: "Retention of the locked audit-log bucket in days: 365 or more, and it can only grow.",
    default: 400,
    schema: int(365, 3650),
  },
  drReplicaLagAlertSeconds: {
    at: "alerting.drReplicaLagSeconds",
    type: "integer",
    description: "Alert when a Cloud SQL disaster-recovery replica lags by more than this many seconds.",
    default: 60,
    schema: int(5, 3600),
  },
  alertEmails: {
    at: "alerting.emails",
    type: "array",
    description: "E-mail addresses of the on-call notification channels.",
    schema: z.array(z.email({ message: "must be an e-mail address" })).min(1, {
      message: "must list at least one address",
    }),
  },
  pagerDutyServiceKey: {
    type: "string",
    description: "PagerDuty integration key for the paging channel (secret); empty for none.",
    default: "",
    secret: true,
    schema: z.string(),
  },
  auditorsGroup: {
    at: "groups.auditors",
    type: "string",
    description: "Google group with read-only access to the audit log.",
    schema: group,
  },
  breakGlassGroup: {
    at: "groups.breakGlass",
    type: "string",
    description:
      "Google group of the break-glass accounts (admitted through the perimeter in an emergency). The IAM deny policies exempt the accounts of breakGlassAccounts by name, never this group: audit logs name the account, not the group, so only named accounts can be alerted on (IAM-07).",
    schema: group,
  },
  ephemeral: {
    at: "ephemeral",
    type: "boolean",
    description:
      "An environment that is destroyed and rebuilt (staging): nothing protected, and created projects get a generated suffix so a rebuild never reuses a name. Never in prod.",
    default: false,
    schema: z.boolean(),
  },
  securityCommandCenterTier: {
    at: "securityCommandCenter.tier",
    type: "string",
    description:
      "The Security Command Center tier the organisation activated outside this stack: PREMIUM or ENTERPRISE. An external prerequisite (no Pulumi resource activates it or switches its detectors on) that the stack declares and the rehearsal reports; Security Health Analytics custom modules need one of them (docs/detection.md).",
    schema: z.enum(["PREMIUM", "ENTERPRISE"], {
      message: "must be PREMIUM or ENTERPRISE (Security Health Analytics custom modules need one of them)",
    }),
  },
  securityCommandCenterActivation: {
    at: "securityCommandCenter.activation",
    type: "string",
    description:
      "Where Security Command Center is activated: organization (the organisation orgPolicyOrganizationId names) or project (each of the four projects, Premium only). Enterprise and Compliance Manager exist only at the organisation.",
    default: "organization",
    schema: z.enum(["organization", "project"], {
      message: "must be organization or project",
    }),
  },
  pciComplianceFramework: {
    at: "securityCommandCenter.pciComplianceFramework",
    type: "boolean",
    description:
      "Declare that the organisation deploys Compliance Manager's PCI DSS v4.0 framework on this stack's projects (Enterprise tier, organisation activation); reported as an external prerequisite. The predefined posture template covers PCI DSS v3.2.1 only (docs/detection.md).",
    default: false,
    schema: z.boolean(),
  },
  privilegedAccessRequestersGroup: {
    at: "groups.privilegedAccessRequesters",
    type: "string",
    description:
      "Google group whose members may request just-in-time privileged access (Privileged Access Manager) in an incident; it holds none of those roles standing (IAM-07).",
    schema: group,
  },
  privilegedAccessApproversGroup: {
    at: "groups.privilegedAccessApprovers",
    type: "string",
    description:
      "Google group whose members approve privileged-access requests; must differ from the requesters' group (IAM-07).",
    schema: group,
  },
  backupOperatorsGroup: {
    at: "groups.backupOperators",
    type: "string",
    description:
      "The only Google group that may read, restore or delete backups, just in time through Privileged Access Manager (RES-10).",
    schema: group,
  },
  breakGlassAccounts: {
    at: "breakGlassAccounts",
    type: "array",
    description:
      "The user accounts in the break-glass group (e-mail addresses): any activity of theirs raises an alert, and these accounts, by name, are the only break-glass exemption of the audit deny policies (IAM-07).",
    // The deny policies name each as principal://goog/subject/<email>, "a specific Google Account"
    // (https://cloud.google.com/iam/docs/principal-identifiers); a service account there is a
    // different principal (principal://iam.googleapis.com/projects/-/serviceAccounts/…), so the
    // exemption would silently not apply.
    schema: z
      .array(
        z
          .email({ message: "must be a user account's e-mail address" })
          .refine((email) => !email.endsWith(".gserviceaccount.com"), {
            message: "must be a user account's e-mail address, not a service account's",
          }),
      )
      .min(1, { message: "must list at least one account" }),
  },
  backupRetentionLocked: {
    at: "backups.retentionLocked",
    type: "boolean",
    description:
      "Lock the retention of the immutable backups (the export buckets' Bucket Lock, Backup for GKE's retention policies): irreversible, a locked retention can only grow. Never in an ephemeral environment; docs/backups.md says when to turn it on.",
    default: false,
    schema: z.boolean(),
  },
  deployerPrincipal: {
    at: "deployer.principal",
    type: "string",
    description:
      "IAM member that runs `pulumi up` (serviceAccount:, group: or user:): the only identity besides break-glass that the logging project's deny policy lets administer it.",
    schema: z.string().regex(/^(serviceAccount|group|user):[^@\s:]+@[a-z0-9.-]+\.[a-z]{2,}$/, {
      message: "must be an IAM member serviceAccount:EMAIL, group:EMAIL or user:EMAIL",
    }),
  },
  previewPrincipal: {
    at: "deployer.previewPrincipal",
    toConfig: (principal: string) => principal || undefined,
    type: "string",
    description:
      "IAM service account (serviceAccount:EMAIL) that CI previews this stack with: the read-only plan identity of ci-identities/, admitted into the perimeter from the operators' access level like the deployer; empty for none (docs/ci.md).",
    default: "",
    schema: z.union(
      [
        z.literal(""),
        z
          .string()
          .regex(/^serviceAccount:[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.iam\.gserviceaccount\.com$/),
      ],
      { message: "must be empty or serviceAccount:NAME@PROJECT.iam.gserviceaccount.com" },
    ),
  },
  imagePipelinePrincipal: {
    at: "images.pipeline",
    type: "string",
    description:
      "IAM member (serviceAccount:EMAIL) of the image pipeline: the only writer of the Artifact Registry repositories and the only signer of Binary Authorization attestations, after review.",
    schema: z
      .string()
      .regex(
        /^serviceAccount:[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/,
        {
          message:
            "must be serviceAccount:NAME@PROJECT.iam.gserviceaccount.com (one service account, never a group or user)",
        },
      ),
  },
  imageAttestationEnforced: {
    at: "images.attestationEnforced",
    type: "boolean",
    description:
      "Admit only images attested by the project's attestor (and Google's system images). false only for the up that adds the attestor to a stack whose running images are not yet attested; see docs/artifact-registry.md.",
    default: true,
    schema: z.boolean(),
  },
  defaultServiceAccountsDeprivileged: {
    at: "deployer.defaultServiceAccountsDeprivileged",
    type: "array",
    description:
      "Adopted projects (ids) whose Compute Engine default service account no longer holds Editor or any other role, done outside this stack (docs/segmentation.md); the apply rehearsal reports the others as an external prerequisite.",
    default: [],
    schema: z.array(projectId),
  },
  workspaceCustomerId: {
    at: "identity.workspaceCustomerId",
    type: "string",
    description:
      "Google Workspace or Cloud Identity customer id (C0xxxxxxx) of the organisation: the only principals the iam.managed.allowedPolicyMembers constraint lets IAM policies name.",
    schema: z.string().regex(/^C[0-9a-z]{6,12}$/, {
      message: "must be a Google Workspace / Cloud Identity customer id such as C0abc1234",
    }),
  },
  vpcPeeringAllowlist: {
    at: "identity.vpcPeeringAllowlist",
    type: "array",
    description:
      "Networks the stack's VPCs may peer with under compute.restrictVpcPeering: for private services access, projects/<tenant project>/global/networks/servicenetworking, the peerNetwork that `gcloud compute networks peerings list --network <vpc> --project <project>` shows for each project's connection. Empty denies every new peering, so a re-created connection fails (rule vpc-peering-allowed).",
    default: [],
    schema: z.array(
      z
        .string()
        .regex(/^projects\/[a-z][a-z0-9-]{4,61}[a-z0-9]\/global\/networks\/[a-z]([-a-z0-9]*[a-z0-9])?$/, {
          message: "must be projects/<project>/global/networks/<network>",
        }),
    ),
  },
  externallyEnabledApis: {
    at: "deployer.externallyEnabledApis",
    type: "array",
    description:
      "APIs enabled outside this stack in projects it adopts, as <project id>/<service>; the apply rehearsal trusts them.",
    default: [],
    schema: z.array(
      z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]\/[a-z0-9-]+(\.[a-z0-9-]+)*\.googleapis\.com$/, {
        message: "must be <project id>/<service>, e.g. qp-prod-platform/dns.googleapis.com",
      }),
    ),
  },
} as const satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
