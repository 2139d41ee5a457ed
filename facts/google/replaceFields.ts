/**
 * Replace-forcing ("ForceNew" / immutable) input fields of the stateful resource types, as the
 * provider defines them. Changing one makes `pulumi up` replace the resource, i.e. destroy data
 * or key material; the failover test asserts that none of them moves when `primaryRegion` does.
 *
 * Sources (terraform-provider-google, which @pulumi/gcp bridges):
 * - sql: google/services/sql/resource_sql_database_instance.go — region, name, project,
 *   encryption_key_name, settings.collation, replica_configuration are ForceNew;
 *   master_instance_name is ForceNew except on the two sides of a switchover (CustomizeDiff
 *   isSwitchoverFromOldPrimarySide), which is why it is listed under `switchover`.
 * - redis: mmv1/products/redis/Instance.yaml — name, region, project, tier, authorized_network,
 *   connect_mode, reserved_ip_range, transit_encryption_mode, customer_managed_key, location_id
 *   are immutable.
 * - kms: mmv1/products/kms/CryptoKey.yaml and KeyRing.yaml — name, key_ring, purpose,
 *   skip_initial_version_creation, import_only, destroy_scheduled_duration,
 *   version_template.protection_level; key ring name, location, project.
 * - compute: mmv1/products/compute/Subnetwork.yaml, Network.yaml — name, network, region,
 *   project; auto_create_subnetworks.
 */
export interface ReplaceFields {
  /** Dotted paths into the inputs. */
  always: string[];
  /** Replace-forcing unless the change is a switchover of roles between the cluster's instances. */
  switchover?: string[];
}

export const REPLACE_FIELDS: Record<string, ReplaceFields> = {
  // pulumi-kubernetes provider/pkg/provider/diff.go forceNewProperties: .metadata.name and
  // .metadata.namespace always; a Job's completions, parallelism, selector and template; a
  // ConfigMap's data while ConfigMaps are not mutable (the provider's default) or it is immutable.
  "kubernetes:batch/v1:Job": {
    always: [
      "metadata.name",
      "metadata.namespace",
      "spec.completions",
      "spec.parallelism",
      "spec.selector",
      "spec.template",
    ],
  },
  "kubernetes:core/v1:ConfigMap": { always: ["metadata.name", "metadata.namespace", "data", "binaryData"] },
  // @pulumiverse/time: triggers "when changed, will trigger a new base timestamp value" (Offset) and
  // "will run any creation or destroy delays again" (Sleep): a new resource.
  "time:index/offset:Offset": { always: ["triggers"] },
  "time:index/sleep:Sleep": { always: ["triggers"] },
  "gcp:sql/databaseInstance:DatabaseInstance": {
    always: ["name", "project", "region", "encryptionKeyName", "settings.collation", "replicaConfiguration"],
    switchover: ["masterInstanceName"],
  },
  "gcp:redis/instance:Instance": {
    always: [
      "name",
      "project",
      "region",
      "tier",
      "authorizedNetwork",
      "connectMode",
      "reservedIpRange",
      "transitEncryptionMode",
      "customerManagedKey",
      "locationId",
    ],
  },
  "gcp:kms/cryptoKey:CryptoKey": {
    always: [
      "name",
      "keyRing",
      "purpose",
      "skipInitialVersionCreation",
      "importOnly",
      "destroyScheduledDuration",
      "versionTemplate.protectionLevel",
    ],
  },
  "gcp:kms/keyRing:KeyRing": { always: ["name", "location", "project"] },
  "gcp:compute/subnetwork:Subnetwork": { always: ["name", "network", "region", "project"] },
  "gcp:compute/network:Network": { always: ["name", "project", "autoCreateSubnetworks"] },
  // resource_storage_bucket.go (ForceNew): the immutable Cloud SQL exports (RES-10).
  "gcp:storage/bucket:Bucket": {
    always: [
      "name",
      "project",
      "location",
      "enableObjectRetention",
      "customPlacementConfig.dataLocations",
      "hierarchicalNamespace",
      "hierarchicalNamespace.enabled",
    ],
  },
  // mmv1/products/gkebackup/BackupPlan.yaml: a plan holds its backups (RES-10).
  "gcp:gkebackup/backupPlan:BackupPlan": { always: ["cluster", "location", "name", "project"] },
};

export function valueAtPath(object: Record<string, unknown>, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>(
      (node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined),
      object,
    );
}

/**
 * Immutable input fields of the other types the platform deploys: a change at the field, or a
 * change that adds or removes the block holding it, replaces the resource. Read from the
 * schemas of terraform-provider-google-beta 7.45-7.47, which @pulumi/gcp 9.37 bridges
 * (google-beta/services/<service>/resource_*.go, ForceNew; magic-modules mmv1/products/<product>/
 * <Resource>.yaml, immutable: true). A block marked ForceNew replaces only when added or removed;
 * its unlisted children update in place, so a listed path never matches its descendants.
 * Conditional replacements (GKE enableL4IlbSubsetting true to false, ...) are not listed.
 */
/** An IAM member resource's ForceNew fields: its scope, role, member and condition (every `*_iam_member`). */
function iamMemberFields(scope: string): string[] {
  return [
    scope,
    "role",
    "member",
    "condition",
    "condition.expression",
    "condition.title",
    "condition.description",
  ];
}

export const IMMUTABLE_FIELDS: Record<string, string[]> = {
  // resource_sql_user.go, resource_sql_database.go, resource_sql_provision_script.go (ForceNew;
  // a changed script runs again on replacement, which is how a migration is re-applied).
  "gcp:sql/user:User": ["host", "iamEmail", "instance", "name", "project", "type"],
  "gcp:sql/database:Database": ["instance", "name", "project"],
  "gcp:sql/provisionScript:ProvisionScript": [
    "script",
    "instance",
    "database",
    "user",
    "passwordSecretVersion",
    "project",
  ],
  // resource_compute_address.go / resource_compute_forwarding_rule.go (Private Service Connect
  // endpoints): ForceNew fields; a forwarding rule's `target` changes in place (setTarget).
  "gcp:compute/address:Address": [
    "address",
    "addressType",
    "description",
    "ipCollection",
    "ipVersion",
    "name",
    "network",
    "networkTier",
    "prefixLength",
    "project",
    "purpose",
    "region",
    "subnetwork",
  ],
  "gcp:compute/forwardingRule:ForwardingRule": [
    "allPorts",
    "backendService",
    "description",
    "ipAddress",
    "ipCollection",
    "ipProtocol",
    "ipVersion",
    "isMirroringCollector",
    "loadBalancingScheme",
    "name",
    "network",
    "networkTier",
    "noAutomateDnsZone",
    "portRange",
    "ports",
    "project",
    "region",
    "serviceDirectoryRegistrations",
    "serviceLabel",
    "sourceIpRanges",
    "subnetwork",
  ],
  "gcp:container/cluster:Cluster": [
    "name",
    "location",
    "clusterIpv4Cidr",
    "description",
    "enableKubernetesAlpha",
    "enableTpu",
    "enableAutopilot",
    "initialNodeCount",
    "network",
    "subnetwork",
    "project",
    "networkingMode",
    "defaultMaxPodsPerNode",
    "datapathProvider",
    "dataplaneOptimizationMode",
    "nodePools",
    "nodeConfig",
    "clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey",
    "tpuConfig.enabled",
    "tpuConfig.useServiceNetworking",
    "confidentialNodes",
    "confidentialNodes.enabled",
    "confidentialNodes.confidentialInstanceType",
    "masterAuth.clientCertificateConfig",
    "masterAuth.clientCertificateConfig.issueClientCertificate",
    "ipAllocationPolicy",
    "ipAllocationPolicy.clusterIpv4CidrBlock",
    "ipAllocationPolicy.servicesIpv4CidrBlock",
    "ipAllocationPolicy.clusterSecondaryRangeName",
    "ipAllocationPolicy.servicesSecondaryRangeName",
    "ipAllocationPolicy.podCidrOverprovisionConfig",
    "privateClusterConfig.masterIpv4CidrBlock",
    "privateClusterConfig.privateEndpointSubnetwork",
    "userManagedKeysConfig.clusterCa",
    "userManagedKeysConfig.etcdApiCa",
    "userManagedKeysConfig.etcdPeerCa",
    "userManagedKeysConfig.aggregationCa",
    "nodeConfig.guestAccelerators",
    "nodeConfig.guestAccelerators.count",
    "nodeConfig.guestAccelerators.type",
    "nodeConfig.guestAccelerators.gpuDriverInstallationConfig",
    "nodeConfig.guestAccelerators.gpuDriverInstallationConfig.gpuDriverVersion",
    "nodeConfig.guestAccelerators.gpuPartitionSize",
    "nodeConfig.guestAccelerators.gpuSharingConfig",
    "nodeConfig.guestAccelerators.gpuSharingConfig.gpuSharingStrategy",
    "nodeConfig.guestAccelerators.gpuSharingConfig.maxSharedClientsPerGpu",
    "nodeConfig.localSsdCount",
    "nodeConfig.ephemeralStorageConfig",
    "nodeConfig.ephemeralStorageConfig.localSsdCount",
    "nodeConfig.ephemeralStorageLocalSsdConfig",
    "nodeConfig.ephemeralStorageLocalSsdConfig.localSsdCount",
    "nodeConfig.ephemeralStorageLocalSsdConfig.dataCacheCount",
    "nodeConfig.localNvmeSsdBlockConfig",
    "nodeConfig.localNvmeSsdBlockConfig.localSsdCount",
    "nodeConfig.secondaryBootDisks",
    "nodeConfig.secondaryBootDisks.diskImage",
    "nodeConfig.secondaryBootDisks.mode",
    "nodeConfig.metadata",
    "nodeConfig.minCpuPlatform",
    "nodeConfig.oauthScopes",
    "nodeConfig.preemptible",
    "nodeConfig.reservationAffinity",
    "nodeConfig.reservationAffinity.consumeReservationType",
    "nodeConfig.reservationAffinity.key",
    "nodeConfig.reservationAffinity.values",
    "nodeConfig.spot",
    "nodeConfig.serviceAccount",
    "nodeConfig.shieldedInstanceConfig",
    "nodeConfig.shieldedInstanceConfig.enableSecureBoot",
    "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring",
    "nodeConfig.sandboxConfig",
    "nodeConfig.bootDiskKmsKey",
    "nodeConfig.nodeGroup",
    "nodeConfig.advancedMachineFeatures",
    "nodeConfig.advancedMachineFeatures.threadsPerCore",
    "nodeConfig.advancedMachineFeatures.enableNestedVirtualization",
    "nodeConfig.soleTenantConfig",
    "nodeConfig.soleTenantConfig.nodeAffinities",
    "nodeConfig.soleTenantConfig.nodeAffinities.key",
    "nodeConfig.soleTenantConfig.nodeAffinities.operator",
    "nodeConfig.soleTenantConfig.nodeAffinities.values",
    "nodeConfig.hostMaintenancePolicy",
    "nodeConfig.hostMaintenancePolicy.maintenanceInterval",
    "nodeConfig.hostMaintenancePolicy.opportunisticMaintenanceStrategy",
    "nodeConfig.confidentialNodes.confidentialInstanceType",
    "nodeConfig.enableConfidentialStorage",
    "nodeConfig.localSsdEncryptionMode",
    "nodeConfig.maxRunDuration",
    "nodeConfig.flexStart",
    // conditional, not listed: enableL4IlbSubsetting/enableFqdnNetworkPolicy (true->false), dnsConfig.additiveVpcScopeDnsDomain (autopilot),
    // enableK8sBetaApis.enabledApis (removal)
  ],
  "gcp:organizations/project:Project": ["projectId", "tags"],
  "gcp:logging/projectBucketConfig:ProjectBucketConfig": ["project", "location", "bucketId"],
  "gcp:logging/projectSink:ProjectSink": ["name", "project"],
  "gcp:logging/folderSink:FolderSink": ["name", "folder"],
  "gcp:logging/metric:Metric": [
    "project",
    "metricDescriptor.labels.key",
    "metricDescriptor.labels.valueType",
  ],
  "gcp:projects/service:Service": ["service", "project"],
  "gcp:projects/serviceIdentity:ServiceIdentity": ["service", "project"],
  "gcp:servicenetworking/connection:Connection": ["network", "service"],
  "gcp:compute/globalAddress:GlobalAddress": [
    "name",
    "address",
    "addressType",
    "description",
    "ipVersion",
    "network",
    "prefixLength",
    "purpose",
    "project",
  ],
  "gcp:compute/firewall:Firewall": ["name", "direction", "params", "project"],
  "gcp:compute/router:Router": [
    "name",
    "encryptedInterconnectRouter",
    "nccGateway",
    "network",
    "params",
    "region",
    "project",
  ],
  "gcp:compute/routerNat:RouterNat": [
    "name",
    "router",
    "endpointTypes",
    "initialNatIps",
    "region",
    "type",
    "project",
  ],
  "gcp:dns/managedZone:ManagedZone": [
    "dnsName",
    "name",
    "reverseLookup",
    "serviceDirectoryConfig",
    "visibility",
    "project",
  ],
  "gcp:dns/recordSet:RecordSet": ["managedZone", "name", "project", "routingPolicy.healthCheck"],
  "gcp:artifactregistry/repository:Repository": [
    "repositoryId",
    "format",
    "location",
    "kmsKeyName",
    "mode",
    "project",
    "mavenConfig.allowSnapshotOverwrites",
    "mavenConfig.versionPolicy",
    "remoteRepositoryConfig",
    "remoteRepositoryConfig.description",
    "remoteRepositoryConfig.aptRepository",
    "remoteRepositoryConfig.dockerRepository",
    "remoteRepositoryConfig.mavenRepository",
    "remoteRepositoryConfig.npmRepository",
    "remoteRepositoryConfig.pythonRepository",
    "remoteRepositoryConfig.yumRepository",
    "remoteRepositoryConfig.commonRepository",
    "remoteRepositoryConfig.noCache",
  ],
  "gcp:iam/denyPolicy:DenyPolicy": ["name", "parent"],
  "gcp:serviceaccount/account:Account": ["accountId", "project"],
  // resourcemanager/resource_google_project_iam_custom_role.go: role_id and project ForceNew.
  "gcp:projects/iAMCustomRole:IAMCustomRole": ["roleId", "project"],
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": iamMemberFields("cryptoKeyId"),
  "gcp:kms/keyRingIAMMember:KeyRingIAMMember": iamMemberFields("keyRingId"),
  "gcp:projects/iAMMember:IAMMember": iamMemberFields("project"),
  "gcp:serviceaccount/iAMMember:IAMMember": iamMemberFields("serviceAccountId"),
  "gcp:gkehub/feature:Feature": ["location", "name", "project"],
  "gcp:binaryauthorization/policy:Policy": ["project"],
  "gcp:certificatemanager/certificate:Certificate": [
    "name",
    "location",
    "scope",
    "project",
    "managed",
    "managed.domains",
    "managed.dnsAuthorizations",
    "managed.issuanceConfig",
  ],
  "gcp:certificatemanager/certificateMap:CertificateMap": ["name", "project"],
  "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry": [
    "name",
    "map",
    "hostname",
    "matcher",
    "project",
  ],
  "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": [
    "name",
    "domain",
    "location",
    "type",
    "project",
  ],
  "gcp:compute/sSLPolicy:SSLPolicy": ["name", "description", "project"],
  "gcp:compute/securityPolicy:SecurityPolicy": ["name", "project", "type"],
  "gcp:monitoring/alertPolicy:AlertPolicy": ["project"],
  "gcp:monitoring/notificationChannel:NotificationChannel": ["project"],
  "gcp:cloudids/endpoint:Endpoint": ["name", "location", "network", "severity", "description", "project"],
  "gcp:compute/packetMirroring:PacketMirroring": ["network", "network.url", "description", "project"],
  "gcp:cloudquota/sQuotaPreference:SQuotaPreference": ["parent"],
  "gcp:projects/iAMAuditConfig:IAMAuditConfig": ["project"],
  // Perimeter, egress and secrets (#15); same sources. A secret's replicas list is compared whole
  // here, so a change of a replica's kmsKeyName (in place for the provider) also reads as a
  // replacement: the safe side, since adding or removing a region does replace every secret.
  "gcp:accesscontextmanager/accessLevel:AccessLevel": ["name", "parent"],
  // Org policy (GOV-03): magic-modules mmv1/products/orgpolicy/CustomConstraint.yaml marks
  // parent, name and resourceTypes immutable; Policy.yaml parent and name.
  "gcp:orgpolicy/customConstraint:CustomConstraint": ["name", "parent", "resourceTypes"],
  "gcp:orgpolicy/policy:Policy": ["name", "parent"],
  "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter": ["name", "parent", "perimeterType"],
  "gcp:compute/networkFirewallPolicy:NetworkFirewallPolicy": ["name", "policyType", "project"],
  "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation": [
    "attachmentTarget",
    "firewallPolicy",
    "name",
    "project",
  ],
  "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule": [
    "firewallPolicy",
    "priority",
    "project",
  ],
  "gcp:compute/route:Route": [
    "description",
    "destRange",
    "name",
    "network",
    "nextHopGateway",
    "nextHopIlb",
    "nextHopInstance",
    "nextHopInstanceZone",
    "nextHopIp",
    "nextHopVpnTunnel",
    "params",
    "params.resourceManagerTags",
    "priority",
    "project",
    "tags",
  ],
  "gcp:secretmanager/secret:Secret": [
    "secretId",
    "project",
    "tags",
    "replication",
    "replication.auto",
    "replication.userManaged",
    "replication.userManaged.replicas.location",
  ],
  "gcp:secretmanager/secretIamMember:SecretIamMember": ["project", ...iamMemberFields("secretId")],
  // mmv1/products/containeranalysis/Note.yaml and binaryauthorization/Attestor.yaml (name, and the
  // attestor's noteReference: "This field may not be updated"); a new public key is an update.
  "gcp:containeranalysis/note:Note": ["name", "project"],
  "gcp:containeranalysis/noteIamMember:NoteIamMember": ["project", ...iamMemberFields("note")],
  "gcp:binaryauthorization/attestor:Attestor": ["name", "project", "attestationAuthorityNote.noteReference"],
  "gcp:binaryauthorization/attestorIamMember:AttestorIamMember": ["project", ...iamMemberFields("attestor")],
  "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": [
    "project",
    "location",
    ...iamMemberFields("repository"),
  ],
  // mmv1/products/dns/ResponsePolicy.yaml (responsePolicyName) and ResponsePolicyRule.yaml
  // (ruleName; the policy it belongs to is part of its URL).
  "gcp:dns/responsePolicy:ResponsePolicy": ["responsePolicyName", "project"],
  "gcp:dns/responsePolicyRule:ResponsePolicyRule": ["ruleName", "responsePolicy", "project"],
  // Detection, backups and just-in-time access (DET-01, DET-02, RES-10, IAM-07), read from
  // terraform-provider-google-beta v7.45.0's schemas (ForceNew): securitycentermanagement/,
  // securitycenterv2/, pubsub/resource_pubsub_topic.go, gkebackup/, workflows/, cloudscheduler/,
  // privilegedaccessmanager/.
  "gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule":
    ["displayName", "location", "project"],
  "gcp:securitycenter/managementFolderSecurityHealthAnalyticsCustomModule:ManagementFolderSecurityHealthAnalyticsCustomModule":
    ["displayName", "folder", "location"],
  "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig": [
    "configId",
    "location",
    "project",
  ],
  "gcp:pubsub/topic:Topic": ["name", "project", "tags"],
  "gcp:pubsub/topicIAMMember:TopicIAMMember": ["project", ...iamMemberFields("topic")],
  "gcp:storage/bucketIAMMember:BucketIAMMember": iamMemberFields("bucket"),
  "gcp:gkebackup/restorePlan:RestorePlan": ["backupPlan", "cluster", "location", "name", "project"],
  "gcp:workflows/workflow:Workflow": [
    "name",
    "namePrefix",
    "project",
    "region",
    "serviceAccount",
    "sourceContents",
    "tags",
  ],
  "gcp:cloudscheduler/job:Job": ["name", "project", "region"],
  // The approval workflow is immutable: changing it replaces the entitlement, and any open grant with it.
  "gcp:privilegedaccessmanager/entitlement:entitlement": [
    "approvalWorkflow",
    "entitlementId",
    "location",
    "parent",
  ],
  "gcp:secretmanager/secretVersion:SecretVersion": [
    "isSecretDataBase64",
    "project",
    "secret",
    "secretData",
    "secretDataWoVersion",
  ],
};
