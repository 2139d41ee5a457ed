import { RehearsalRule } from "../model";
import { apiEnabled } from "./apiEnabled";
import { cmekGrantBeforeUse } from "./cmekGrantBeforeUse";
import { crdInstalled } from "./crdInstalled";
import { customResourceStatusAwaited } from "./customResourceStatusAwaited";
import { defaultComputeAccountDeprivileged } from "./defaultComputeAccountDeprivileged";
import { denyPermissionSupported } from "./denyPermissionSupported";
import { denyPolicyDeployer } from "./denyPolicyDeployer";
import { entitlementRolesUsable } from "./entitlementRolesUsable";
import { externalPrerequisites } from "./externalPrerequisites";
import { fieldLimits } from "./fieldLimits";
import { gkePrivateEndpointNetworks } from "./gkePrivateEndpointNetworks";
import { iamGrantPropagation } from "./iamGrantPropagation";
import { logMetricPropagation } from "./logMetricPropagation";
import { nodeServiceAccountReady } from "./nodeServiceAccountReady";
import { orgPolicyDryRunSupported, orgPolicyOrdering } from "./orgPolicyApplyRules";
import { orgPolicyEnforcedDenies } from "./orgPolicyEnforcedDenies";
import { perimeterCiReachable } from "./perimeterCiReachable";
import { perimeterCrossings } from "./perimeterCrossings";
import { privateServiceAccessFirst } from "./privateServiceAccessFirst";
import { privilegedAccessAgentAllowed } from "./privilegedAccessAgentAllowed";
import { projectCreatedFirst } from "./projectCreatedFirst";
import { sccNotificationAgentGrant } from "./sccNotificationAgentGrant";
import { serviceAgentExists } from "./serviceAgentExists";
import { serviceAgentRole } from "./serviceAgentRole";
import { sqlDrDesignationApplied } from "./sqlDrDesignationApplied";
import { sqlMigrationRuns } from "./sqlMigrationRuns";
import { sqlProvisionScriptPrerequisites } from "./sqlProvisionScriptPrerequisites";
import { stackOutputsSecretFree } from "./stackOutputsSecretFree";
import { vpcPeeringAllowed } from "./vpcPeeringAllowed";
import { workloadIdentityPool } from "./workloadIdentityPool";

/** Every apply-time rule; docs/rehearsal.md lists them with their sources. */
export const REHEARSAL_RULES: RehearsalRule[] = [
  projectCreatedFirst,
  apiEnabled,
  serviceAgentExists,
  serviceAgentRole,
  workloadIdentityPool,
  nodeServiceAccountReady,
  defaultComputeAccountDeprivileged,
  cmekGrantBeforeUse,
  iamGrantPropagation,
  privateServiceAccessFirst,
  vpcPeeringAllowed,
  logMetricPropagation,
  crdInstalled,
  customResourceStatusAwaited,
  denyPolicyDeployer,
  denyPermissionSupported,
  fieldLimits,
  sqlDrDesignationApplied,
  sqlProvisionScriptPrerequisites,
  sqlMigrationRuns,
  stackOutputsSecretFree,
  perimeterCrossings,
  perimeterCiReachable,
  gkePrivateEndpointNetworks,
  orgPolicyDryRunSupported,
  orgPolicyOrdering,
  orgPolicyEnforcedDenies,
  externalPrerequisites,
  sccNotificationAgentGrant,
  privilegedAccessAgentAllowed,
  entitlementRolesUsable,
];
