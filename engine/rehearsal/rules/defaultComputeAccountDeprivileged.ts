import { constraintOfPolicy } from "../../../catalogue/orgConstraints/customConstraints";
import { enablements } from "../lookup";
import { RehearsalRule } from "../model";
import { plain } from "../../deployment";

const POLICY = "gcp:orgpolicy/policy:Policy";
const CONSTRAINT = "iam.automaticIamGrantsForDefaultServiceAccounts";

/**
 * The Compute Engine default service account is created with the Compute Engine API and, unless
 * iam.automaticIamGrantsForDefaultServiceAccounts is enforced at that moment, granted Editor
 * ("If your organization enforces the iam.automaticIamGrantsForDefaultServiceAccounts organization
 * policy constraint, the default Compute Engine service account in your project might not
 * automatically get" its roles: https://cloud.google.com/kubernetes-engine/security/configure-node-service-accounts).
 * A project the stack creates is covered when the constraint is on its folder before its Compute
 * Engine API; an adopted project only by its owner, outside the stack: an external prerequisite,
 * declared in defaultServiceAccountsDeprivileged once done (docs/segmentation.md).
 */
export const defaultComputeAccountDeprivileged: RehearsalRule = {
  id: "default-compute-account-deprivileged",
  severity: "warning",
  description:
    "In every project with the Compute Engine API, the default service account holds no Editor: prevented by the folder's iam.automaticIamGrantsForDefaultServiceAccounts before the API is enabled (created projects), or declared done by the project's owner (adopted projects).",
  sources: [
    "https://cloud.google.com/kubernetes-engine/security/configure-node-service-accounts",
    "https://cloud.google.com/resource-manager/docs/organization-policy/restricting-service-accounts#disable_service_account_default_grants",
  ],
  check(ctx, report) {
    const computeProjects = new Set(
      ctx.resources
        .filter(
          (r) => r.type === "gcp:projects/service:Service" && r.inputs.service === "compute.googleapis.com",
        )
        .map((r) => String(r.inputs.project)),
    );
    for (const project of [...computeProjects].sort()) {
      const created = ctx.stack.createdProjects.get(project);
      const api = enablements(ctx, project, "compute.googleapis.com")[0];
      if (created) {
        const folder = `folders/${String(plain(created.inputs.folderId) ?? "")}`;
        const guard = ctx.resources.find(
          (r) =>
            r.type === POLICY &&
            plain(r.inputs.parent) === folder &&
            constraintOfPolicy(plain(r.inputs.name)) === CONSTRAINT &&
            (plain(r.inputs.spec) as { rules?: { enforce?: string }[] } | undefined)?.rules?.[0]?.enforce ===
              "TRUE",
        );
        if (guard && ctx.order.precedes(guard.urn, api.urn)) continue;
        report.asWritten.warning(
          this.id,
          api,
          `${project} is created with its Compute Engine API before ${CONSTRAINT} is enforced on ${folder}${guard ? ` (${guard.name} comes later)` : ""}: its default service account gets Editor. Set the constraint on the folder first (CreationGuardrails).`,
        );
      } else if (!ctx.stack.defaultServiceAccountsDeprivileged.has(project)) {
        report.asWritten.warning(
          this.id,
          { urn: (api ?? ctx.resources[0]).urn },
          `external prerequisite: ${project} is adopted, so its Compute Engine default service account may still hold Editor (the stack's nodes no longer use it). Remove its grants (docs/segmentation.md, "The Compute Engine default service account") and list ${project} in defaultServiceAccountsDeprivileged.`,
        );
      }
    }
  },
};
