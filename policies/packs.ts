import { Policies } from "@pulumi/policy";
import { auditPolicies } from "./audit/policies";
import { ciIdentityPolicies } from "./ci-identities/policies";
import { kubernetesPolicies } from "./kubernetes/policies";
import { resiliencePolicies } from "./resilience/policies";
import { securityPolicies } from "./security/policies";
import { tenantKeyPolicies } from "./tenant-keys/policies";

export interface PackDefinition {
  /** The name `pulumi preview --policy-pack` reports. */
  name: string;
  version: string;
  /** Directory under policies/ holding the pack's PulumiPolicy.yaml. */
  dir: string;
  policies: Policies;
}

/** Every policy pack, in report order. The offline evaluator, the CLI packs and the tests share this list. */
export const PACKS: PackDefinition[] = [
  { name: "qairopay-security", version: "0.1.0", dir: "security", policies: securityPolicies },
  { name: "qairopay-resilience", version: "0.1.0", dir: "resilience", policies: resiliencePolicies },
  { name: "qairopay-audit", version: "0.1.0", dir: "audit", policies: auditPolicies },
  { name: "qairopay-kubernetes", version: "0.1.0", dir: "kubernetes", policies: kubernetesPolicies },
];

/** The pack of the tenant-key shard stacks (`tenants plan`, `pulumi up` in tenant-keys/). */
export const TENANT_KEY_PACK: PackDefinition = {
  name: "qairopay-tenant-keys",
  version: "0.1.0",
  dir: "tenant-keys",
  policies: tenantKeyPolicies,
};

/** The pack of the CI identities stacks (`pulumi up` in ci-identities/, docs/ci.md). */
export const CI_IDENTITY_PACK: PackDefinition = {
  name: "qairopay-ci-identities",
  version: "0.1.0",
  dir: "ci-identities",
  policies: ciIdentityPolicies,
};
