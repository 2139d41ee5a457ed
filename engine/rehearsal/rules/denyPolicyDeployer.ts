import { ALL_PRINCIPALS, LIFECYCLE_PERMISSIONS, v2Principal } from "../facts/permissions";
import { projectName } from "../lookup";
import { label, RehearsalContext, RehearsalRule } from "../model";
import { plain } from "../../deployment";
import { CapturedResource } from "../../model";

const DENY_TYPE = "gcp:iam/denyPolicy:DenyPolicy";

interface DenyRule {
  deniedPrincipals?: string[];
  exceptionPrincipals?: string[];
  deniedPermissions?: string[];
  exceptionPermissions?: string[];
  denialCondition?: unknown;
}

/**
 * What a deny policy's attachment point covers ("the principals in the policy can't use the
 * specified permissions to access the resource, or any of the resource's descendants":
 * https://cloud.google.com/iam/docs/deny-overview): a project and what lives in it, or a folder,
 * its sinks and the projects the stack creates in it.
 */
export function covers(ctx: RehearsalContext, policy: CapturedResource): (r: CapturedResource) => boolean {
  const parent = decodeURIComponent(String(plain(policy.inputs.parent) ?? ""));
  const folder = /\/folders\/(\d+)$/.exec(parent)?.[1];
  if (!folder) {
    const scope = projectName(ctx, policy);
    return (r) => scope !== undefined && projectName(ctx, r) === scope;
  }
  const inFolder = new Set(
    [...ctx.stack.createdProjects].filter(([, p]) => String(p.inputs.folderId) === folder).map(([id]) => id),
  );
  return (r) => String(plain(r.inputs.folder) ?? "") === folder || inFolder.has(projectName(ctx, r) ?? "");
}

/** A deny policy must not stop the identity that deploys the stack from managing what it deploys there. */
export const denyPolicyDeployer: RehearsalRule = {
  id: "deny-policy-deployer",
  severity: "error",
  description:
    "No IAM deny policy of the stack denies the deploying identity a permission that creating, updating or deleting another resource of the stack in that scope needs.",
  sources: [
    "https://cloud.google.com/iam/docs/deny-overview",
    "https://cloud.google.com/iam/docs/deny-permissions-support",
    "terraform-provider-google google/services/resourcemanager/iam_project.go (setIamPolicy)",
  ],
  check(ctx, report) {
    for (const policy of ctx.resources.filter((r) => r.type === DENY_TYPE)) {
      const inScope = covers(ctx, policy);
      if (!ctx.stack.deployer) {
        report.asWritten.warning(
          this.id,
          policy,
          `${label(policy)}: the deploying principal is unknown (stack config deployerPrincipal, or --deployer), so whether this policy locks out the deployer cannot be checked`,
        );
        continue;
      }
      const deployer = v2Principal(ctx.stack.deployer);
      const rules = ((plain(policy.inputs.rules) as { denyRule?: DenyRule }[]) ?? []).map(
        (r) => r.denyRule ?? {},
      );
      const denied = new Set<string>();
      for (const rule of rules) {
        const applies =
          (rule.deniedPrincipals ?? []).some((p) => p === ALL_PRINCIPALS || p === deployer) &&
          !(rule.exceptionPrincipals ?? []).includes(deployer) &&
          !rule.denialCondition;
        if (applies)
          for (const p of rule.deniedPermissions ?? [])
            if (!(rule.exceptionPermissions ?? []).includes(p)) denied.add(p);
      }
      if (!denied.size) continue;
      const scope =
        projectName(ctx, policy) ??
        decodeURIComponent(String(plain(policy.inputs.parent) ?? "")).replace(
          "cloudresourcemanager.googleapis.com/",
          "",
        );
      for (const r of ctx.resources) {
        if (r.urn === policy.urn || !inScope(r)) continue;
        const blocked = (LIFECYCLE_PERMISSIONS[r.type] ?? []).filter((p) => denied.has(p));
        if (blocked.length)
          report.asWritten.error(
            this.id,
            r,
            `${label(r)} is managed in ${scope}, where ${policy.name} denies ${ctx.stack.deployer} (the deployer) ${blocked.join(", ")}: its create, update or delete fails with 403. Add the deployer to the rule's exceptionPrincipals, or move the operation out of that scope.`,
          );
      }
    }
  },
};
