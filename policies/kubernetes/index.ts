// Entry point for `pulumi preview --policy-pack policies/kubernetes`. Constructing a PolicyPack starts
// the analyzer server, so tests and the offline tools import ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { PACKS } from "../packs";

const pack = PACKS.find((p) => p.name === "qairopay-kubernetes");
if (!pack) throw new Error("qairopay-kubernetes is not registered in policies/packs.ts");

new PolicyPack(pack.name, { enforcementLevel: "mandatory", policies: pack.policies });
