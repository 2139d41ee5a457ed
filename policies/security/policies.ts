import { Policies } from "@pulumi/policy";
import { iamNoBasicRoles } from "./iam-no-basic-roles";
import { iamNoPublicPrincipals } from "./iam-no-public-principals";
import { iamNoServiceAccountKeys } from "./iam-no-service-account-keys";
import { iamWorkloadDataPlaneOnly } from "./iam-workload-data-plane-only";
import { kmsAgentGrantsExact } from "./kms-agent-grants-exact";
import { kmsCardholderHsm } from "./kms-cardholder-hsm";
import { kmsCardholderKeyUsers } from "./kms-cardholder-key-users";
import { kmsCryptoKeyRetention } from "./kms-cryptokey-retention";
import { kmsCryptoKeyRotation } from "./kms-cryptokey-rotation";
import { labelsStandard } from "./labels-standard";
import { networkFirewallIngress } from "./network-firewall-ingress";
import { networkSubnetLogging } from "./network-subnet-logging";
import { redisInstanceHardening } from "./redis-instance-hardening";
import { regionalResidency } from "./regional-residency";
import { sqlInstanceAuditFlags } from "./sql-instance-audit-flags";
import { sqlInstanceCmek } from "./sql-instance-cmek";
import { sqlInstancePrivateTls } from "./sql-instance-private-tls";
import { tenantKekPerRegion } from "./tenant-kek-per-region";

/** The security pack's policies; imported by tests and the offline evaluator, never via index.ts. */
export const securityPolicies: Policies = [
  kmsCryptoKeyRotation,
  kmsCryptoKeyRetention,
  kmsCardholderHsm,
  kmsCardholderKeyUsers,
  kmsAgentGrantsExact,
  tenantKekPerRegion,
  sqlInstanceCmek,
  sqlInstancePrivateTls,
  sqlInstanceAuditFlags,
  redisInstanceHardening,
  regionalResidency,
  networkSubnetLogging,
  networkFirewallIngress,
  iamNoBasicRoles,
  iamNoPublicPrincipals,
  iamNoServiceAccountKeys,
  iamWorkloadDataPlaneOnly,
  labelsStandard,
];
