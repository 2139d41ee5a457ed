/**
 * The Google API each resource type calls, which must be enabled in the resource's own project
 * before the resource is created (the API's consumer project is the project in the request URL).
 * `callerApis` are consumed in the deployer's own quota project instead (Resource Manager,
 * Service Usage): they cannot be seen from the plan and are listed in docs/rehearsal.md.
 * Sources: the base URL of each resource in terraform-provider-google
 * (google/services/<service>/resource_*.go, `{{<Service>BasePath}}`), and
 * https://cloud.google.com/service-usage/docs/enable-disable.
 */
export interface ApiFact {
  apis: string[];
  callerApis?: string[];
}

const compute: ApiFact = { apis: ["compute.googleapis.com"] };
const kms: ApiFact = { apis: ["cloudkms.googleapis.com"] };
const logging: ApiFact = { apis: ["logging.googleapis.com"] };
const monitoring: ApiFact = { apis: ["monitoring.googleapis.com"] };
const certificateManager: ApiFact = { apis: ["certificatemanager.googleapis.com"] };
const dns: ApiFact = { apis: ["dns.googleapis.com"] };
const iam: ApiFact = { apis: ["iam.googleapis.com"] };

const resourceManager: ApiFact = { apis: [], callerApis: ["cloudresourcemanager.googleapis.com"] };

export const API_FACTS: Record<string, ApiFact> = {
  // Access Context Manager objects belong to the organisation's access policy, not to a project:
  // the caller's quota project pays (https://cloud.google.com/access-context-manager/docs/overview).
  "gcp:accesscontextmanager/accessLevel:AccessLevel": {
    apis: [],
    callerApis: ["accesscontextmanager.googleapis.com"],
  },
  "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter": {
    apis: [],
    callerApis: ["accesscontextmanager.googleapis.com"],
  },
  "gcp:artifactregistry/repository:Repository": { apis: ["artifactregistry.googleapis.com"] },
  // Custom constraints live in the organisation, policies on a folder or project: the caller's
  // quota project pays, and must have the API on ("The orgpolicy.googleapis.com API requires a
  // quota project", terraform-google-org-policy issue 94).
  "gcp:orgpolicy/customConstraint:CustomConstraint": { apis: [], callerApis: ["orgpolicy.googleapis.com"] },
  "gcp:orgpolicy/policy:Policy": { apis: [], callerApis: ["orgpolicy.googleapis.com"] },
  "gcp:binaryauthorization/policy:Policy": { apis: ["binaryauthorization.googleapis.com"] },
  "gcp:certificatemanager/certificate:Certificate": certificateManager,
  "gcp:certificatemanager/certificateMap:CertificateMap": certificateManager,
  "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry": certificateManager,
  "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": certificateManager,
  "gcp:cloudids/endpoint:Endpoint": { apis: ["ids.googleapis.com", "servicenetworking.googleapis.com"] },
  "gcp:cloudquota/sQuotaPreference:SQuotaPreference": { apis: ["cloudquotas.googleapis.com"] },
  "gcp:compute/firewall:Firewall": compute,
  "gcp:compute/globalAddress:GlobalAddress": compute,
  "gcp:compute/network:Network": compute,
  "gcp:compute/packetMirroring:PacketMirroring": compute,
  "gcp:compute/route:Route": compute,
  "gcp:compute/router:Router": compute,
  "gcp:compute/routerNat:RouterNat": compute,
  "gcp:compute/sSLPolicy:SSLPolicy": compute,
  "gcp:compute/securityPolicy:SecurityPolicy": compute,
  "gcp:compute/subnetwork:Subnetwork": compute,
  "gcp:compute/networkFirewallPolicy:NetworkFirewallPolicy": compute,
  "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule": compute,
  "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation": compute,
  "gcp:compute/serviceAttachment:ServiceAttachment": compute,
  "gcp:compute/forwardingRule:ForwardingRule": compute,
  "gcp:compute/address:Address": compute,
  "gcp:compute/regionBackendService:RegionBackendService": compute,
  "gcp:compute/regionHealthCheck:RegionHealthCheck": compute,
  "gcp:container/cluster:Cluster": { apis: ["container.googleapis.com"] },
  "gcp:dns/managedZone:ManagedZone": dns,
  "gcp:dns/recordSet:RecordSet": dns,
  "gcp:dns/responsePolicy:ResponsePolicy": dns,
  "gcp:dns/responsePolicyRule:ResponsePolicyRule": dns,
  "gcp:gkehub/feature:Feature": { apis: ["gkehub.googleapis.com"] },
  // IAM v2 has no project in its URL (policies/{parent}/denypolicies): the caller's project pays
  // (iam2/resource_iam_deny_policy.go; its acceptance test attaches one to a fresh project).
  "gcp:iam/denyPolicy:DenyPolicy": { apis: [], callerApis: ["iam.googleapis.com"] },
  "gcp:kms/cryptoKey:CryptoKey": kms,
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": kms,
  "gcp:kms/keyRing:KeyRing": kms,
  "gcp:kms/keyRingIAMMember:KeyRingIAMMember": kms,
  "gcp:logging/folderSink:FolderSink": { apis: [], callerApis: ["logging.googleapis.com"] },
  "gcp:logging/organizationSink:OrganizationSink": { apis: [], callerApis: ["logging.googleapis.com"] },
  "gcp:logging/metric:Metric": logging,
  "gcp:logging/projectBucketConfig:ProjectBucketConfig": logging,
  "gcp:logging/projectSink:ProjectSink": logging,
  "gcp:monitoring/alertPolicy:AlertPolicy": monitoring,
  "gcp:monitoring/notificationChannel:NotificationChannel": monitoring,
  "gcp:organizations/project:Project": {
    apis: [],
    callerApis: ["cloudresourcemanager.googleapis.com", "cloudbilling.googleapis.com"],
  },
  "gcp:projects/iAMAuditConfig:IAMAuditConfig": resourceManager,
  "gcp:projects/iAMMember:IAMMember": resourceManager,
  // The CI identities stack (ci-identities/): grants above the project level are the caller's calls
  // to Resource Manager (folders, organisations), Access Context Manager and Cloud Billing.
  "gcp:folder/iAMMember:IAMMember": resourceManager,
  "gcp:organizations/iAMMember:IAMMember": resourceManager,
  "gcp:accesscontextmanager/accessPolicyIamMember:AccessPolicyIamMember": {
    apis: [],
    callerApis: ["accesscontextmanager.googleapis.com"],
  },
  "gcp:billing/accountIamMember:AccountIamMember": { apis: [], callerApis: ["cloudbilling.googleapis.com"] },
  "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": iam,
  "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": iam,
  "gcp:projects/service:Service": { apis: [], callerApis: ["serviceusage.googleapis.com"] },
  "gcp:projects/serviceIdentity:ServiceIdentity": { apis: [], callerApis: ["serviceusage.googleapis.com"] },
  "gcp:redis/instance:Instance": { apis: ["redis.googleapis.com"] },
  "gcp:secretmanager/secret:Secret": { apis: ["secretmanager.googleapis.com"] },
  "gcp:secretmanager/secretVersion:SecretVersion": { apis: ["secretmanager.googleapis.com"] },
  "gcp:secretmanager/secretIamMember:SecretIamMember": { apis: ["secretmanager.googleapis.com"] },
  "gcp:projects/iAMCustomRole:IAMCustomRole": iam,
  "gcp:serviceaccount/account:Account": iam,
  "gcp:serviceaccount/iAMMember:IAMMember": iam,
  "gcp:servicenetworking/connection:Connection": { apis: ["servicenetworking.googleapis.com"] },
  "gcp:sql/databaseInstance:DatabaseInstance": { apis: ["sqladmin.googleapis.com"] },
  "gcp:sql/database:Database": { apis: ["sqladmin.googleapis.com"] },
  "gcp:sql/user:User": { apis: ["sqladmin.googleapis.com"] },
  // A project's notification configs and custom modules live under the project
  // (securitycenter.googleapis.com/v2/projects/{project}/locations/{location}/notificationConfigs;
  // securitycentermanagement.googleapis.com/v1/projects/{project}/locations/{location}/
  // securityHealthAnalyticsCustomModules: magic-modules mmv1/products/securitycenterv2,
  // securitycentermanagement); a folder's under the folder, paid by the caller's quota project.
  "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig": {
    apis: ["securitycenter.googleapis.com"],
  },
  "gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule":
    { apis: ["securitycentermanagement.googleapis.com"] },
  "gcp:securitycenter/managementFolderSecurityHealthAnalyticsCustomModule:ManagementFolderSecurityHealthAnalyticsCustomModule":
    { apis: [], callerApis: ["securitycentermanagement.googleapis.com"] },
};

/**
 * Fleet features call the feature's own API besides GKE Hub's
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/multi-cluster-services#enabling,
 * https://cloud.google.com/kubernetes-engine/docs/how-to/enabling-multi-cluster-gateways).
 */
export const FLEET_FEATURE_APIS: Record<string, string[]> = {
  multiclusterservicediscovery: [
    "multiclusterservicediscovery.googleapis.com",
    "trafficdirector.googleapis.com",
    "dns.googleapis.com",
  ],
  multiclusteringress: ["multiclusteringress.googleapis.com"],
};

/**
 * The API of a provider module, for types the table above does not list: each pulumi-gcp module
 * wraps one Google API (its `{{<Service>BasePath}}` in terraform-provider-google
 * google/services/<module>/product.go). Modules whose calls are billed to the caller
 * (Resource Manager, organisation-level services) are not listed: their types need an entry.
 */
export const MODULE_APIS: Record<string, string> = {
  alloydb: "alloydb.googleapis.com",
  artifactregistry: "artifactregistry.googleapis.com",
  bigquery: "bigquery.googleapis.com",
  bigtable: "bigtableadmin.googleapis.com",
  binaryauthorization: "binaryauthorization.googleapis.com",
  certificateauthority: "privateca.googleapis.com",
  certificatemanager: "certificatemanager.googleapis.com",
  cloudfunctions: "cloudfunctions.googleapis.com",
  cloudfunctionsv2: "cloudfunctions.googleapis.com",
  cloudids: "ids.googleapis.com",
  cloudrun: "run.googleapis.com",
  cloudrunv2: "run.googleapis.com",
  cloudscheduler: "cloudscheduler.googleapis.com",
  cloudtasks: "cloudtasks.googleapis.com",
  compute: "compute.googleapis.com",
  container: "container.googleapis.com",
  // Notes and their IAM (Binary Authorization attestors' notes): ContainerAnalysisBasePath.
  containeranalysis: "containeranalysis.googleapis.com",
  dns: "dns.googleapis.com",
  filestore: "file.googleapis.com",
  gkebackup: "gkebackup.googleapis.com",
  privilegedaccessmanager: "privilegedaccessmanager.googleapis.com",
  workflows: "workflows.googleapis.com",
  gkehub: "gkehub.googleapis.com",
  kms: "cloudkms.googleapis.com",
  logging: "logging.googleapis.com",
  memcache: "memcache.googleapis.com",
  monitoring: "monitoring.googleapis.com",
  networksecurity: "networksecurity.googleapis.com",
  pubsub: "pubsub.googleapis.com",
  redis: "redis.googleapis.com",
  secretmanager: "secretmanager.googleapis.com",
  serviceaccount: "iam.googleapis.com",
  servicenetworking: "servicenetworking.googleapis.com",
  spanner: "spanner.googleapis.com",
  sql: "sqladmin.googleapis.com",
  storage: "storage.googleapis.com",
  vpcaccess: "vpcaccess.googleapis.com",
};

/** The API fact of a type: its own entry, else its module's API, else unknown. */
export function apiFactOf(type: string): ApiFact | undefined {
  const own = API_FACTS[type];
  if (own) return own;
  const module = /^gcp:([a-z0-9]+)\//.exec(type)?.[1];
  const api = module ? MODULE_APIS[module] : undefined;
  return api ? { apis: [api] } : undefined;
}
