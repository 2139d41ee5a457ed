// Entry point for `pulumi preview --policy-pack policies/audit`. Constructing a PolicyPack starts
// the analyzer server, so tests and the offline tools import ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { PACKS } from "../packs";

const pack = PACKS.find((p) => p.name === "qairopay-audit");
if (!pack) throw new Error("qairopay-audit is not registered in policies/packs.ts");

new PolicyPack(pack.name, { enforcementLevel: "mandatory", policies: pack.policies });
