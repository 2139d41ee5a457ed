import { PolicyResource } from "@pulumi/policy";
import { HEALTH_MODULES, HealthModuleSpec } from "../../catalogue/healthModules";
import { FOLDER_MODULE, PROJECT_MODULE } from "../lib/detection";
import { Finding, stackPolicy } from "../lib/define";

interface CustomConfig {
  predicate?: { expression?: string };
  resourceSelector?: { resourceTypes?: string[] };
  severity?: string;
}

/** What a deployed copy changes of the catalogue's module: predicate, resource types, severity. */
function drift(spec: HealthModuleSpec, module: PolicyResource): string[] {
  const c = (module.props.customConfig ?? {}) as CustomConfig;
  const out: string[] = [];
  if (module.props.enablementState !== "ENABLED")
    out.push(`enablementState is ${JSON.stringify(module.props.enablementState ?? null)}`);
  if (c.predicate?.expression !== spec.predicate) out.push("its predicate differs from the catalogue's");
  if (JSON.stringify(c.resourceSelector?.resourceTypes ?? []) !== JSON.stringify([spec.resourceType]))
    out.push(
      `it scans ${JSON.stringify(c.resourceSelector?.resourceTypes ?? [])}, not ["${spec.resourceType}"]`,
    );
  if (c.severity !== spec.severity)
    out.push(`its severity is ${JSON.stringify(c.severity ?? null)}, not ${spec.severity}`);
  return out;
}

export const sccHealthModulesDeployed = stackPolicy(
  {
    name: "scc-health-modules-deployed",
    description:
      "Every project where a catalogued Security Health Analytics custom module's resource type can exist (its API is enabled) runs that module, enabled and unchanged from the catalogue, in the project or on its folder.",
    controls: ["DET-01"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Keep HealthModules (components/healthModules.ts) over every project or the stack's folder; change a module's predicate only in catalogue/healthModules.ts.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const modules = resources.filter((r) => r.type === PROJECT_MODULE || r.type === FOLDER_MODULE);
    const folderOf = new Map(
      resources
        .filter((r) => r.type === "gcp:organizations/project:Project" && r.props.folderId)
        .map((r) => [String(r.props.projectId), String(r.props.folderId)]),
    );
    for (const spec of HEALTH_MODULES) {
      const copies = modules.filter((m) => m.props.displayName === spec.id);
      for (const copy of copies) {
        const problems = drift(spec, copy);
        if (problems.length)
          findings.push({
            urn: copy.urn,
            problem: `${spec.id}: ${problems.join("; ")}`,
            fix: "deploy the module exactly as the catalogue states it, enabled",
          });
      }
      // A copy that drifted is reported above, on itself.
      for (const service of resources.filter(
        (r) => r.type === "gcp:projects/service:Service" && r.props.service === spec.api,
      )) {
        const project = String(service.props.project);
        const covered = copies.some((m) =>
          m.type === PROJECT_MODULE ? m.props.project === project : m.props.folder === folderOf.get(project),
        );
        if (!covered)
          findings.push({
            urn: service.urn,
            problem: `project ${project} enables ${spec.api} but no enabled ${spec.id} module watches its ${spec.resourceType} resources`,
            fix: `deploy ${spec.id} in the project, or on its folder`,
          });
      }
    }
    return findings;
  },
);
