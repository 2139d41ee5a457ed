// Entry point for `pulumi preview --policy-pack policies/resilience`. Constructing a PolicyPack starts
// the analyzer server, so tests and the offline tools import ./policies (via ../packs.ts) instead.
import { PolicyPack } from "@pulumi/policy";
import { resiliencePolicies } from "./policies";

new PolicyPack("qairopay-resilience", { enforcementLevel: "mandatory", policies: resiliencePolicies });
