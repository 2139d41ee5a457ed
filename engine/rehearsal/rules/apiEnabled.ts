import { apiFactOf, FLEET_FEATURE_APIS } from "../facts/apis";
import { apiProblem, projectName } from "../lookup";
import { isCloudResource } from "../../model";
import { label, RehearsalRule } from "../model";

/** Every Google resource waits for the APIs it calls to be enabled in its project. */
export const apiEnabled: RehearsalRule = {
  id: "api-enabled",
  severity: "error",
  description:
    "A Google resource is created only after the APIs it calls are enabled in its project (or declared enabled outside the stack).",
  sources: [
    "https://cloud.google.com/service-usage/docs/enable-disable",
    "terraform-provider-google google/services/*/resource_*.go (each resource's {{<Service>BasePath}})",
  ],
  check(ctx, report) {
    for (const r of ctx.resources) {
      if (!isCloudResource(r) || !r.type.startsWith("gcp:")) continue;
      const fact = apiFactOf(r.type);
      if (!fact) {
        report.asWritten.warning(
          this.id,
          r,
          `${label(r)}: the rehearsal's model does not know which API this type calls; add it to engine/rehearsal/facts/apis.ts`,
        );
        continue;
      }
      const apis = [...fact.apis];
      if (r.type === "gcp:gkehub/feature:Feature")
        apis.push(...(FLEET_FEATURE_APIS[String(r.inputs.name)] ?? []));
      // generateServiceIdentity creates the agent of a service that must be on in the project.
      if (r.type === "gcp:projects/serviceIdentity:ServiceIdentity") apis.push(String(r.inputs.service));
      if (!apis.length) continue;
      const project = projectName(ctx, r);
      if (!project) {
        report.asWritten.warning(
          this.id,
          r,
          `${label(r)}: cannot tell which project it is created in (no project input, no provider project)`,
        );
        continue;
      }
      for (const api of apis) {
        const problem = apiProblem(ctx, r, project, api);
        if (problem) report.asWritten.error(this.id, r, `${label(r)} calls ${api}: ${problem}.`);
      }
    }
  },
};
