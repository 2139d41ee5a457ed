// Entry point for `pulumi preview --policy-pack policies/tenant-keys` on a tenant-key shard stack.
// Constructing a PolicyPack starts the analyzer server, so tests and tools import ./policies.
import { PolicyPack } from "@pulumi/policy";
import { tenantKeyPolicies } from "./policies";

new PolicyPack("qairopay-tenant-keys", { enforcementLevel: "mandatory", policies: tenantKeyPolicies });
