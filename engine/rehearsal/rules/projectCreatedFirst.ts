import { projectName } from "../lookup";
import { isCloudResource } from "../../model";
import { label, RehearsalRule } from "../model";

/** A resource in a project this stack creates waits for the project. */
export const projectCreatedFirst: RehearsalRule = {
  id: "project-created-first",
  severity: "error",
  description: "A resource in a project that this stack creates starts only after the project exists.",
  sources: ["https://cloud.google.com/resource-manager/docs/creating-managing-projects"],
  check(ctx, report) {
    for (const r of ctx.resources) {
      if (!isCloudResource(r) || !r.type.startsWith("gcp:") || r.type === "gcp:organizations/project:Project")
        continue;
      const project = projectName(ctx, r);
      const creator = project ? ctx.stack.createdProjects.get(project) : undefined;
      if (creator && !ctx.order.precedes(creator.urn, r.urn))
        report.asWritten.error(
          this.id,
          r,
          `${label(r)} is created in project ${project}, which ${creator.name} creates in this stack, with no dependency on it: it would start before the project exists. Take the project id from ${creator.name}'s output or add dependsOn.`,
        );
    }
  },
};
