// Entry point for `pulumi preview --policy-pack policies/ci-identities` on a CI identities stack.
// Constructing a PolicyPack starts the analyzer server, so tests and tools import ./policies.
import { PolicyPack } from "@pulumi/policy";
import { ciIdentityPolicies } from "./policies";

new PolicyPack("qairopay-ci-identities", { enforcementLevel: "mandatory", policies: ciIdentityPolicies });
