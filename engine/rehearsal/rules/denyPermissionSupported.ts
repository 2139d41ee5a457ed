import { DENY_SUPPORTED_PERMISSIONS, denySupported } from "../../../facts/google/denyPermissions";
import { label, RehearsalRule } from "../model";
import { plain } from "../../deployment";

const DENY_TYPE = "gcp:iam/denyPolicy:DenyPolicy";

/**
 * Every permission a deny policy names is one deny policies accept: "You can use some, but not all,
 * Identity and Access Management (IAM) permissions in deny policies"
 * (https://cloud.google.com/iam/docs/deny-permissions-support). Any other makes the policy's create
 * fail, and with it `pulumi up`.
 */
export const denyPermissionSupported: RehearsalRule = {
  id: "deny-permission-supported",
  severity: "error",
  description:
    "Every permission an IAM deny policy of the stack denies or excepts is one Google's deny policies accept (facts/google/denyPermissions.ts), in the IAM v2 form SERVICE_FQDN/RESOURCE.ACTION.",
  sources: ["https://cloud.google.com/iam/docs/deny-permissions-support", "facts/google/denyPermissions.ts"],
  check(ctx, report) {
    for (const policy of ctx.resources.filter((r) => r.type === DENY_TYPE)) {
      const rules =
        (plain(policy.inputs.rules) as { denyRule?: Record<string, unknown> }[] | undefined) ?? [];
      const named = rules.flatMap((r) => [
        ...((r.denyRule?.deniedPermissions as string[] | undefined) ?? []),
        ...((r.denyRule?.exceptionPermissions as string[] | undefined) ?? []),
      ]);
      for (const permission of [...new Set(named)].filter((p) => !denySupported(p)))
        report.asWritten.error(
          this.id,
          policy,
          `${label(policy)} names ${permission}, which is not among the permissions deny policies accept (${DENY_SUPPORTED_PERMISSIONS.length} known: facts/google/denyPermissions.ts, from https://cloud.google.com/iam/docs/deny-permissions-support)${/^[a-z0-9]+\.googleapis\.com\/[A-Za-z]+\.[A-Za-z]+$/.test(permission) ? "" : "; deny policies take the IAM v2 form SERVICE_FQDN/RESOURCE.ACTION"}: the policy's create fails with 400. Look the permission up on that page and add it to the facts, or deny another one.`,
        );
    }
  },
};
