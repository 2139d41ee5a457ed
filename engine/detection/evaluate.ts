import { isCelError } from "@bufbuild/cel";
import { HEALTH_MODULES, HealthModuleSpec } from "../../catalogue/healthModules";
import { CapturedResource, shortUrn } from "../model";
import { evaluatorOf } from "../orgConstraints/evaluate";
import { Violation } from "../policyEvaluator";
import { assetOf } from "./assets";

/** The pack name the custom modules' evaluation reports under, beside the CrossGuard packs. */
export const HEALTH_MODULES_PACK = "scc-health-modules";

export const MODULE_TYPES = [
  "gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule",
  "gcp:securitycenter/managementFolderSecurityHealthAnalyticsCustomModule:ManagementFolderSecurityHealthAnalyticsCustomModule",
];

type State = "ENABLED" | "DISABLED" | "not deployed";

/** How the plan deploys each module: enabled if any copy is. */
function states(resources: CapturedResource[]): Map<string, State> {
  const out = new Map<string, State>();
  for (const r of resources) {
    if (!MODULE_TYPES.includes(r.type)) continue;
    const id = String(r.inputs.displayName ?? "");
    const state: State = r.inputs.enablementState === "ENABLED" ? "ENABLED" : "DISABLED";
    if (out.get(id) !== "ENABLED") out.set(id, state);
  }
  return out;
}

/**
 * Runs every custom module's predicate, with the CEL of the org constraints' evaluator, on the
 * planned resources of its type as Security Health Analytics would read them once they exist. A
 * match is the finding Google would raise: advisory, since the twin policy already refuses the
 * change. A predicate that cannot be evaluated on a resource is mandatory: Google would raise
 * nothing, and the control would go unwatched.
 */
export function evaluateHealthModules(
  resources: CapturedResource[],
  modules: HealthModuleSpec[] = HEALTH_MODULES,
): Violation[] {
  const state = states(resources);
  const assets = resources.flatMap((r) => {
    const asset = r.custom ? assetOf(r) : undefined;
    return asset ? [{ r, asset }] : [];
  });
  const violations: Violation[] = [];
  for (const m of modules) {
    const deployed = state.get(m.id) ?? "not deployed";
    for (const { r, asset } of assets) {
      if (asset.type !== m.resourceType) continue;
      const result = evaluatorOf(m.predicate)({ resource: asset.resource });
      const unevaluable = isCelError(result);
      if (!unevaluable && result !== true) continue;
      violations.push({
        policyPack: HEALTH_MODULES_PACK,
        policyName: m.id,
        enforcementLevel: unevaluable ? "mandatory" : "advisory",
        urn: r.urn,
        severity: m.severity.toLowerCase(),
        message:
          `${m.description}\n[${m.controls.join(", ")}] ${r.type} "${shortUrn(r.urn)}" (${m.resourceType}): ` +
          (unevaluable
            ? `the module's predicate cannot be evaluated on it (${result.message}), so Security Command Center would never report it`
            : `Security Command Center would raise a ${m.severity} finding ${m.id}`) +
          ` (module ${deployed}). Twin policy: ${m.twin}.`,
      });
    }
  }
  return violations;
}
