import { Policies } from "@pulumi/policy";
import { repositoryScanning } from "./artifactregistry-repository-scanning";
import { repositoryCmek } from "./artifactregistry-repository-cmek";
import { repositoryWriters } from "./artifactregistry-repository-writers";
import { iamNoBasicRoles } from "./iam-no-basic-roles";
import { iamNoPublicPrincipals } from "./iam-no-public-principals";
import { iamPolicyDataReadable } from "./iam-policy-data-readable";
import { iamNoServiceAccountKeys } from "./iam-no-service-account-keys";
import { iamWorkloadDataPlaneOnly } from "./iam-workload-data-plane-only";
import { kmsAgentGrantsExact } from "./kms-service-agent-grants-exact";
import { kmsCardholderHsm } from "./kms-cardholder-key-hsm";
import { kmsCardholderKeyUsers } from "./kms-cardholder-key-users";
import { kmsCryptoKeyRetention } from "./kms-cryptokey-retention";
import { kmsCryptoKeyRotation } from "./kms-cryptokey-rotation";
import { labelsStandard } from "./gcp-resource-standard-labels";
import { networkFirewallIngress } from "./compute-firewall-ingress-restricted";
import { computeFirewallPolicyIngress } from "./compute-firewall-policy-ingress-restricted";
import { subnetNoExternalIpv6 } from "./compute-subnetwork-no-external-ipv6";
import { cdeNetworkSegmentation } from "./compute-cde-network-segmentation";
import { networkSubnetLogging } from "./compute-subnetwork-flow-logs-pga";
import { vpcEgressDefaultDeny } from "./compute-vpc-egress-default-deny";
import { dnsRestrictedGoogleApis } from "./dns-restricted-google-apis";
import { dnsResponsePolicyAllowlist } from "./dns-response-policy-allowlist";
import { redisInstanceHardening } from "./redis-instance-hardening";
import { secretCmekRegions } from "./secretmanager-secret-cmek-regions";
import { secretAccessors } from "./secretmanager-secret-accessors";
import { perimeterCoversProjects } from "./vpcsc-perimeter-covers-projects";
import { perimeterEgressAgentsOnly } from "./vpcsc-perimeter-egress-agents-only";
import { perimeterIngressNamedSources } from "./vpcsc-perimeter-ingress-named-sources";
import { perimeterRestrictsEnabledApis } from "./vpcsc-perimeter-restricts-enabled-apis";
import { orgPolicyGuardrailsApplied } from "./orgpolicy-guardrails-applied";
import { orgpolicyNoLegacyV1 } from "./orgpolicy-no-legacy-v1";
import { regionalResidency } from "./gcp-resource-region-residency";
import { sqlInstanceAuditFlags } from "./sql-instance-audit-flags";
import { sqlInstanceCardholderNoDataApi } from "./sql-instance-cardholder-no-data-api";
import { sqlInstanceCmek } from "./sql-instance-cmek";
import { storageBucketHardening } from "./storage-bucket-hardening";
import { sqlInstancePrivateTls } from "./sql-instance-private-tls";
import { sccNotificationEveryProject } from "./scc-notification-config-every-project";
import { pubsubFindingsTopicCmek } from "./pubsub-findings-topic-cmek";
import { pubsubManagedPublisherTopicReachable } from "./pubsub-managed-publisher-topic-reachable";
import { sccHealthModulesDeployed } from "./scc-health-modules-deployed";
import { pamEntitlementHardening } from "./pam-entitlement-hardening";
import { iamPrivilegedRolesNotStanding } from "./iam-privileged-roles-not-standing";
import { sqlUserIamAuthenticated } from "./sql-user-iam-authenticated";
import { iamEntitledRolesNotAuthoritative } from "./iam-entitled-roles-not-authoritative";

/** The security pack's policies; imported by tests and the offline evaluator, never via index.ts. */
export const securityPolicies: Policies = [
  repositoryCmek,
  repositoryWriters,
  cdeNetworkSegmentation,
  repositoryScanning,
  perimeterCoversProjects,
  perimeterRestrictsEnabledApis,
  perimeterIngressNamedSources,
  perimeterEgressAgentsOnly,
  orgPolicyGuardrailsApplied,
  orgpolicyNoLegacyV1,
  secretCmekRegions,
  secretAccessors,
  vpcEgressDefaultDeny,
  dnsRestrictedGoogleApis,
  dnsResponsePolicyAllowlist,
  kmsCryptoKeyRotation,
  kmsCryptoKeyRetention,
  kmsCardholderHsm,
  kmsCardholderKeyUsers,
  kmsAgentGrantsExact,
  sqlInstanceCmek,
  sqlInstancePrivateTls,
  sqlInstanceCardholderNoDataApi,
  sqlInstanceAuditFlags,
  sqlUserIamAuthenticated,
  redisInstanceHardening,
  storageBucketHardening,
  regionalResidency,
  networkSubnetLogging,
  networkFirewallIngress,
  computeFirewallPolicyIngress,
  subnetNoExternalIpv6,
  iamNoBasicRoles,
  iamNoPublicPrincipals,
  iamPolicyDataReadable,
  iamNoServiceAccountKeys,
  iamWorkloadDataPlaneOnly,
  iamPrivilegedRolesNotStanding,
  iamEntitledRolesNotAuthoritative,
  pamEntitlementHardening,
  sccHealthModulesDeployed,
  sccNotificationEveryProject,
  pubsubFindingsTopicCmek,
  pubsubManagedPublisherTopicReachable,
  labelsStandard,
];
