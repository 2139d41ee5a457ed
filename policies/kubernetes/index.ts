// Entry point for `pulumi preview --policy-pack policies/kubernetes`. Constructing a PolicyPack starts
// the analyzer server, so tests and the offline tools import ./policies (via ../packs.ts) instead.
import { PolicyPack } from "@pulumi/policy";
import { kubernetesPolicies } from "./policies";

new PolicyPack("qairopay-kubernetes", { enforcementLevel: "mandatory", policies: kubernetesPolicies });
