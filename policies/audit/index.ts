// Entry point for `pulumi preview --policy-pack policies/audit`. Constructing a PolicyPack starts
// the analyzer server, so tests and the offline tools import ./policies (via ../packs.ts) instead.
import { PolicyPack } from "@pulumi/policy";
import { auditPolicies } from "./policies";

new PolicyPack("qairopay-audit", { enforcementLevel: "mandatory", policies: auditPolicies });
