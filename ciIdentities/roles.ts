import { Grant } from "../components/pipelineIdentity";
import { CiIdentitiesConfig } from "./config";

/**
 * The roles of the apply identity (`<env>-deployer`, the platform's deployerPrincipal), each with the
 * resource types of the platform stack whose create, update and delete need it. A test holds this
 * table and the platform's plans together both ways: every Google type the prod and staging plans
 * register has its role here, and every role here serves a type they register. Which predefined
 * role carries which permissions is Google's (https://cloud.google.com/iam/docs/roles-permissions);
 * rows are cited where they were checked, and a row that is wrong fails the first `up` with
 * PERMISSION_DENIED naming the permission, never silently. Policy `iam-ci-identity-roles-exact`
 * checks what the stack grants against its own copy of this table.
 */
export const APPLY_RESOURCE_ROLES: { role: string; types: string[] }[] = [
  {
    role: "roles/serviceusage.serviceUsageAdmin",
    types: ["gcp:projects/service:Service", "gcp:projects/serviceIdentity:ServiceIdentity"],
  },
  {
    role: "roles/compute.networkAdmin",
    types: [
      "gcp:compute/network:Network",
      "gcp:compute/subnetwork:Subnetwork",
      "gcp:compute/route:Route",
      "gcp:compute/router:Router",
      "gcp:compute/routerNat:RouterNat",
      "gcp:compute/address:Address",
      "gcp:compute/globalAddress:GlobalAddress",
      "gcp:compute/forwardingRule:ForwardingRule",
      "gcp:compute/packetMirroring:PacketMirroring",
      "gcp:compute/sSLPolicy:SSLPolicy",
    ],
  },
  {
    // Cloud Armor: "The following operations require the Compute Security Admin role
    // (roles/compute.securityAdmin): Configuring, modifying, updating, and deleting a Cloud Armor
    // security policy" (https://cloud.google.com/armor/docs/create-security-policies).
    role: "roles/compute.securityAdmin",
    types: [
      "gcp:compute/firewall:Firewall",
      "gcp:compute/networkFirewallPolicy:NetworkFirewallPolicy",
      "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule",
      "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation",
      "gcp:compute/securityPolicy:SecurityPolicy",
    ],
  },
  { role: "roles/servicenetworking.networksAdmin", types: ["gcp:servicenetworking/connection:Connection"] },
  // The Kubernetes objects too: the providers authenticate as the deployer through IAM.
  { role: "roles/container.admin", types: ["gcp:container/cluster:Cluster", "kubernetes:*"] },
  // The clusters' `fleet` block registers memberships; the features are the fleet's.
  { role: "roles/gkehub.admin", types: ["gcp:gkehub/feature:Feature"] },
  {
    // The migration's Data API call (cloudsql.instances.executeSql) included.
    role: "roles/cloudsql.admin",
    types: [
      "gcp:sql/databaseInstance:DatabaseInstance",
      "gcp:sql/database:Database",
      "gcp:sql/user:User",
      "gcp:sql/provisionScript:ProvisionScript",
    ],
  },
  { role: "roles/redis.admin", types: ["gcp:redis/instance:Instance"] },
  {
    role: "roles/cloudkms.admin",
    types: [
      "gcp:kms/keyRing:KeyRing",
      "gcp:kms/cryptoKey:CryptoKey",
      "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
      "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
    ],
  },
  {
    role: "roles/secretmanager.admin",
    types: [
      "gcp:secretmanager/secret:Secret",
      "gcp:secretmanager/secretVersion:SecretVersion",
      "gcp:secretmanager/secretIamMember:SecretIamMember",
    ],
  },
  {
    role: "roles/artifactregistry.admin",
    types: [
      "gcp:artifactregistry/repository:Repository",
      "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    ],
  },
  { role: "roles/binaryauthorization.policyEditor", types: ["gcp:binaryauthorization/policy:Policy"] },
  {
    role: "roles/binaryauthorization.attestorsAdmin",
    types: [
      "gcp:binaryauthorization/attestor:Attestor",
      "gcp:binaryauthorization/attestorIamMember:AttestorIamMember",
    ],
  },
  {
    // The attestor's note and its IAM: containeranalysis.notes.setIamPolicy is in
    // roles/containeranalysis.admin, not in .editor (roles-permissions/containeranalysis).
    role: "roles/containeranalysis.admin",
    types: ["gcp:containeranalysis/note:Note", "gcp:containeranalysis/noteIamMember:NoteIamMember"],
  },
  {
    role: "roles/certificatemanager.editor",
    types: [
      "gcp:certificatemanager/certificate:Certificate",
      "gcp:certificatemanager/certificateMap:CertificateMap",
      "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
      "gcp:certificatemanager/dnsAuthorization:DnsAuthorization",
    ],
  },
  {
    role: "roles/dns.admin",
    types: [
      "gcp:dns/managedZone:ManagedZone",
      "gcp:dns/recordSet:RecordSet",
      "gcp:dns/responsePolicy:ResponsePolicy",
      "gcp:dns/responsePolicyRule:ResponsePolicyRule",
    ],
  },
  { role: "roles/ids.admin", types: ["gcp:cloudids/endpoint:Endpoint"] },
  {
    role: "roles/logging.configWriter",
    types: [
      "gcp:logging/metric:Metric",
      "gcp:logging/projectSink:ProjectSink",
      "gcp:logging/folderSink:FolderSink",
      "gcp:logging/projectBucketConfig:ProjectBucketConfig",
    ],
  },
  { role: "roles/monitoring.alertPolicyEditor", types: ["gcp:monitoring/alertPolicy:AlertPolicy"] },
  {
    role: "roles/monitoring.notificationChannelEditor",
    types: ["gcp:monitoring/notificationChannel:NotificationChannel"],
  },
  {
    role: "roles/iam.serviceAccountAdmin",
    types: ["gcp:serviceaccount/account:Account", "gcp:serviceaccount/iAMMember:IAMMember"],
  },
  {
    role: "roles/resourcemanager.projectIamAdmin",
    types: ["gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMAuditConfig:IAMAuditConfig"],
  },
  { role: "roles/iam.denyAdmin", types: ["gcp:iam/denyPolicy:DenyPolicy"] },
  // The workloads' database-login custom role: "Role Administrator (roles/iam.roleAdmin): Provides
  // access to all custom roles in the project and the organization" (roles-permissions/iam).
  { role: "roles/iam.roleAdmin", types: ["gcp:projects/iAMCustomRole:IAMCustomRole"] },
  // Detection, backups and just-in-time access (DET-01, DET-02, RES-10, IAM-07).
  // Security Health Analytics custom modules: "Security Center Management Admin
  // (roles/securitycentermanagement.admin): Full access to manage Cloud Security Command Center
  // services and custom modules configuration" (roles-permissions/securitycentermanagement); no
  // narrower predefined role holding securityHealthAnalyticsCustomModules.* was found there.
  {
    role: "roles/securitycentermanagement.admin",
    types: [
      "gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule",
      "gcp:securitycenter/managementFolderSecurityHealthAnalyticsCustomModule:ManagementFolderSecurityHealthAnalyticsCustomModule",
    ],
  },
  // "Create NotificationConfig: Security Center Notification Configurations Editor
  // (roles/securitycenter.notificationConfigEditor)"; creating one also needs
  // pubsub.topics.setIamPolicy on its topic (security-command-center/docs/how-to-api-manage-notifications,
  // notificationConfigs.create), which roles/pubsub.admin below carries.
  {
    role: "roles/securitycenter.notificationConfigEditor",
    types: ["gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig"],
  },
  // The findings topic and its publisher grant: pubsub.topics.setIamPolicy is Pub/Sub Admin's.
  {
    role: "roles/pubsub.admin",
    types: ["gcp:pubsub/topic:Topic", "gcp:pubsub/topicIAMMember:TopicIAMMember"],
  },
  // The backup buckets, their retention lock and their IAM (storage.buckets.setIamPolicy is Storage Admin's).
  {
    role: "roles/storage.admin",
    types: ["gcp:storage/bucket:Bucket", "gcp:storage/bucketIAMMember:BucketIAMMember"],
  },
  {
    role: "roles/gkebackup.admin",
    types: ["gcp:gkebackup/backupPlan:BackupPlan", "gcp:gkebackup/restorePlan:RestorePlan"],
  },
  // The export workflows and their schedules; both run as the exporter, whose actAs the platform
  // grants the deployer on that account alone (components/sqlBackupExports.ts).
  { role: "roles/workflows.editor", types: ["gcp:workflows/workflow:Workflow"] },
  { role: "roles/cloudscheduler.admin", types: ["gcp:cloudscheduler/job:Job"] },
  // "To create, update, and delete entitlements: Privileged Access Manager Admin
  // (roles/privilegedaccessmanager.admin). Additionally, either ... Project IAM Admin
  // (roles/resourcemanager.projectIamAdmin)" (iam/docs/pam-permissions-and-setup), held above.
  {
    role: "roles/privilegedaccessmanager.admin",
    types: ["gcp:privilegedaccessmanager/entitlement:entitlement"],
  },
];

/**
 * Roles that are not grantable on a project, and only where the stack needs them: Organization
 * Policy Administrator on the organisation (the stack defines custom constraints there and sets
 * policies), the access policy's editor (the perimeter), and, for a stack that creates its
 * projects, Project Creator on its folder and Billing Account User on the billing account.
 */
export const APPLY_ORGANIZATION_ROLES = [
  {
    role: "roles/orgpolicy.policyAdmin",
    types: ["gcp:orgpolicy/policy:Policy", "gcp:orgpolicy/customConstraint:CustomConstraint"],
  },
];
export const APPLY_ACCESS_POLICY_ROLES = [
  {
    role: "roles/accesscontextmanager.policyEditor",
    types: [
      "gcp:accesscontextmanager/accessLevel:AccessLevel",
      "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter",
    ],
  },
];
export const APPLY_CREATION_ROLES = [
  {
    role: "roles/resourcemanager.projectCreator",
    scope: "folder",
    types: ["gcp:organizations/project:Project"],
  },
  { role: "roles/billing.user", scope: "billingAccount", types: ["gcp:organizations/project:Project"] },
] as const;

/**
 * The plan identity previews without `--refresh` (a refresh reads data: secret versions' payloads,
 * for one), so it needs only what the program's own reads and the Kubernetes providers take: the
 * projects' metadata (getProject), Cloud Logging's CMEK settings (getProjectCmekSettings), and the
 * clusters and their objects (the providers' server-side dry-runs, refused as forbidden, fall back
 * to client-side diffs: pulumi-kubernetes provider/pkg/provider/provider.go). Plus reading the org
 * policies and the access policy, as the preview of those objects does.
 */
// The attestors' public keys are read at preview (gcp.kms.getKMSCryptoKeyVersion), which needs
// cloudkms.cryptoKeyVersions.viewPublicKey: roles/cloudkms.publicKeyViewer.
export const PLAN_RESOURCE_ROLES = [
  "roles/browser",
  "roles/logging.viewer",
  "roles/container.viewer",
  "roles/cloudkms.publicKeyViewer",
];
export const PLAN_ORGANIZATION_ROLES = ["roles/orgpolicy.policyViewer"];
export const PLAN_ACCESS_POLICY_ROLES = ["roles/accesscontextmanager.policyReader"];

/** Where the platform's resource roles go: each adopted project, or the folder the stack creates projects in. */
function resourceScopes(config: CiIdentitiesConfig): Grant["scope"][] {
  return "projects" in config.target
    ? config.target.projects.map((id) => ({ kind: "project" as const, id }))
    : [{ kind: "folder" as const, id: config.target.folderId }];
}

/** Every grant of the apply identity. */
export function applyGrants(config: CiIdentitiesConfig): Grant[] {
  const org = { kind: "organization" as const, id: config.organizationId };
  const policy = { kind: "accessPolicy" as const, id: config.accessPolicy };
  return [
    ...resourceScopes(config).flatMap((scope) => APPLY_RESOURCE_ROLES.map(({ role }) => ({ scope, role }))),
    ...APPLY_ORGANIZATION_ROLES.map(({ role }) => ({ scope: org, role })),
    ...APPLY_ACCESS_POLICY_ROLES.map(({ role }) => ({ scope: policy, role })),
    ...("folderId" in config.target
      ? [
          {
            scope: { kind: "folder" as const, id: config.target.folderId },
            role: APPLY_CREATION_ROLES[0].role,
          },
          {
            scope: { kind: "billingAccount" as const, id: config.target.billingAccount },
            role: APPLY_CREATION_ROLES[1].role,
          },
        ]
      : []),
  ];
}

/** Every grant of the plan identity. */
export function planGrants(config: CiIdentitiesConfig): Grant[] {
  return [
    ...resourceScopes(config).flatMap((scope) => PLAN_RESOURCE_ROLES.map((role) => ({ scope, role }))),
    ...PLAN_ORGANIZATION_ROLES.map((role) => ({
      scope: { kind: "organization" as const, id: config.organizationId },
      role,
    })),
    ...PLAN_ACCESS_POLICY_ROLES.map((role) => ({
      scope: { kind: "accessPolicy" as const, id: config.accessPolicy },
      role,
    })),
  ];
}

/** The roles of the apply identity that serve each resource type (every table above). */
export function applyRolesByType(): Map<string, string[]> {
  const served = new Map<string, string[]>();
  for (const { role, types } of [
    ...APPLY_RESOURCE_ROLES,
    ...APPLY_ORGANIZATION_ROLES,
    ...APPLY_ACCESS_POLICY_ROLES,
    ...APPLY_CREATION_ROLES,
  ])
    for (const type of types) served.set(type, [...(served.get(type) ?? []), role]);
  return served;
}
