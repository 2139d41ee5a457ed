import { Policies } from "@pulumi/policy";
import { iamNoBasicRoles } from "../security/iam-no-basic-roles";
import { iamNoPublicPrincipals } from "../security/iam-no-public-principals";
import { iamNoServiceAccountKeys } from "../security/iam-no-service-account-keys";
import { ciFederationPinned } from "./iam-ci-federation-pinned";
import { ciIdentityRolesExact } from "./iam-ci-identity-roles-exact";

/**
 * What the CI identities stack must hold (IAM-08): federation pinned to this repository's workflows
 * on its branch, each identity impersonable by its jobs only, exactly its roles; and, as everywhere,
 * no basic role, no public principal, no key.
 */
export const ciIdentityPolicies: Policies = [
  ciFederationPinned,
  ciIdentityRolesExact,
  iamNoBasicRoles,
  iamNoPublicPrincipals,
  iamNoServiceAccountKeys,
];
