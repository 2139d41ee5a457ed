import { RehearsalRule } from "../model";
import { apiEnabled } from "./apiEnabled";
import { cmekGrantBeforeUse } from "./cmekGrantBeforeUse";
import { crdInstalled } from "./crdInstalled";
import { customResourceStatusAwaited } from "./customResourceStatusAwaited";
import { denyPolicyDeployer } from "./denyPolicyDeployer";
import { externalPrerequisites } from "./externalPrerequisites";
import { fieldLimits } from "./fieldLimits";
import { logMetricPropagation } from "./logMetricPropagation";
import { orgPolicyDryRunSupported, orgPolicyOrdering } from "./orgPolicyApplyRules";
import { perimeterCrossings } from "./perimeterCrossings";
import { privateServiceAccessFirst } from "./privateServiceAccessFirst";
import { privilegedAccessAgentAllowed } from "./privilegedAccessAgentAllowed";
import { projectCreatedFirst } from "./projectCreatedFirst";
import { sccNotificationAgentGrant } from "./sccNotificationAgentGrant";
import { serviceAgentExists } from "./serviceAgentExists";
import { serviceAgentRole } from "./serviceAgentRole";
import { sqlDrDesignationApplied } from "./sqlDrDesignationApplied";
import { sqlProvisionScriptPrerequisites } from "./sqlProvisionScriptPrerequisites";
import { stackOutputsSecretFree } from "./stackOutputsSecretFree";
import { workloadIdentityPool } from "./workloadIdentityPool";

/** Every apply-time rule; docs/rehearsal.md lists them with their sources. */
export const REHEARSAL_RULES: RehearsalRule[] = [
  projectCreatedFirst,
  apiEnabled,
  serviceAgentExists,
  serviceAgentRole,
  workloadIdentityPool,
  cmekGrantBeforeUse,
  privateServiceAccessFirst,
  logMetricPropagation,
  crdInstalled,
  customResourceStatusAwaited,
  denyPolicyDeployer,
  fieldLimits,
  sqlDrDesignationApplied,
  sqlProvisionScriptPrerequisites,
  stackOutputsSecretFree,
  perimeterCrossings,
  orgPolicyDryRunSupported,
  orgPolicyOrdering,
  externalPrerequisites,
  sccNotificationAgentGrant,
  privilegedAccessAgentAllowed,
];
