// Entry point for `pulumi preview --policy-pack policies/security`. Constructing a PolicyPack starts
// the analyzer server, so tests and the offline tools import ./policies (via ../packs.ts) instead.
import { PolicyPack } from "@pulumi/policy";
import { securityPolicies } from "./policies";

new PolicyPack("qairopay-security", { enforcementLevel: "mandatory", policies: securityPolicies });
