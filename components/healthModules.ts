import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { HealthModuleSpec } from "../catalogue/healthModules";

/** Where the modules run: on the folder every project inherits from, or in each project. */
export type HealthModuleScope =
  | { kind: "folder"; folderId: string; dependsOn?: pulumi.Input<pulumi.Resource>[] }
  | {
      kind: "projects";
      /**
       * Each project, with the APIs it enables: a module runs where its resource type can exist.
       * `dependsOn` holds the project's Security Command Center Management API enablement.
       */
      projects: Record<
        string,
        { id: pulumi.Input<string>; apis: string[]; dependsOn?: pulumi.Input<pulumi.Resource>[] }
      >;
    };

export interface HealthModulesArgs {
  scope: HealthModuleScope;
  /** The modules to deploy: the catalogue's (catalogue/healthModules.ts), passed by the composition. */
  modules: HealthModuleSpec[];
}

/** The custom module's configuration, exactly as the catalogue states it. */
export function customConfig(m: HealthModuleSpec) {
  return {
    predicate: { expression: m.predicate, title: m.id, description: m.description },
    resourceSelector: { resourceTypes: [m.resourceType] },
    severity: m.severity,
    description: m.description,
    recommendation: m.recommendation,
  };
}

/**
 * Security Health Analytics custom modules from the catalogue (DET-01), enabled: folder-level where
 * the stack owns the folder of its projects ("Custom modules that you create at the organization or
 * folder level are inherited by the child folders and projects": magic-modules
 * ProjectSecurityHealthAnalyticsCustomModule.yaml), otherwise in each project whose APIs allow the
 * module's resource type. Security Health Analytics itself, and the tier that runs custom modules,
 * are the organisation's to activate (docs/detection.md).
 */
export class HealthModules extends pulumi.ComponentResource {
  constructor(name: string, args: HealthModulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:detection:HealthModules", name, {}, opts);
    const modules = args.modules;
    const scope = args.scope;
    if (scope.kind === "folder") {
      for (const m of modules)
        new gcp.securitycenter.ManagementFolderSecurityHealthAnalyticsCustomModule(
          `${name}-${m.id}`,
          {
            folder: scope.folderId,
            location: "global",
            displayName: m.id,
            enablementState: "ENABLED",
            customConfig: customConfig(m),
          },
          { parent: this, dependsOn: scope.dependsOn },
        );
    } else {
      for (const [role, project] of Object.entries(scope.projects))
        for (const m of modules.filter((x) => project.apis.includes(x.api)))
          new gcp.securitycenter.ManagementProjectSecurityHealthAnalyticsCustomModule(
            `${name}-${role}-${m.id}`,
            {
              project: project.id,
              location: "global",
              displayName: m.id,
              enablementState: "ENABLED",
              customConfig: customConfig(m),
            },
            { parent: this, dependsOn: project.dependsOn },
          );
    }
    this.registerOutputs({});
  }
}
