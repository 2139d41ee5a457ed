import { plain } from "../../deployment";
import { ALL_PRINCIPALS, v2Principal } from "../facts/permissions";
import { isRead, PREDEFINED_ROLE_ACTIONS, v2Permission } from "../facts/rolePermissions";
import { label, RehearsalRule } from "../model";
import { covers } from "./denyPolicyDeployer";

const DENY_TYPE = "gcp:iam/denyPolicy:DenyPolicy";
const ENTITLEMENT = "gcp:privilegedaccessmanager/entitlement:entitlement";
const CUSTOM_ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole";

interface DenyRule {
  deniedPrincipals?: string[];
  exceptionPrincipals?: string[];
  deniedPermissions?: string[];
  exceptionPermissions?: string[];
  denialCondition?: unknown;
}

/**
 * A deny policy outranks every allow, a just-in-time grant's included ("Deny policies are checked
 * before allow policies": https://cloud.google.com/iam/docs/deny-overview). An entitlement whose
 * role's every write is denied, in its project, to those who request it is approved and then grants
 * nothing: the operator finds out in the incident. So each role an entitlement grants must keep at
 * least one of its writes or uses out of every unconditional deny rule that covers the project and
 * whose exceptions do not name the requesters' group. (A rule with a tag condition may not apply:
 * given the benefit of the doubt.)
 */
export const entitlementRolesUsable: RehearsalRule = {
  id: "entitlement-roles-usable",
  severity: "error",
  description:
    "Every role a Privileged Access Manager entitlement grants keeps at least one write that no IAM deny policy covering its project refuses to its requesters.",
  sources: [
    "https://cloud.google.com/iam/docs/deny-overview",
    "https://cloud.google.com/iam/docs/deny-permissions-support",
    "https://cloud.google.com/iam/docs/roles-permissions",
  ],
  check(ctx, report) {
    const custom = new Map(
      ctx.resources
        .filter((r) => r.type === CUSTOM_ROLE)
        .map((r) => [
          `projects/${String(plain(r.inputs.project))}/roles/${String(plain(r.inputs.roleId))}`,
          (plain(r.inputs.permissions) as string[] | undefined) ?? [],
        ]),
    );
    const denies = ctx.resources.filter((r) => r.type === DENY_TYPE);
    for (const e of ctx.resources.filter((r) => r.type === ENTITLEMENT)) {
      const requesters = (
        (plain(e.inputs.eligibleUsers) as { principals?: string[] }[] | undefined) ?? []
      ).flatMap((u) => (u.principals ?? []).map(v2Principal));
      const rules = denies
        .filter((d) => covers(ctx, d)(e))
        .flatMap((d) =>
          ((plain(d.inputs.rules) as { denyRule?: DenyRule }[] | undefined) ?? []).map(
            (r) => r.denyRule ?? {},
          ),
        )
        .filter(
          (rule) =>
            !rule.denialCondition &&
            (rule.deniedPrincipals ?? []).some((p) => p === ALL_PRINCIPALS || requesters.includes(p)) &&
            !requesters.some((p) => (rule.exceptionPrincipals ?? []).includes(p)),
        );
      const denied = (permission: string) =>
        rules.some(
          (rule) =>
            (rule.deniedPermissions ?? []).includes(v2Permission(permission)) &&
            !(rule.exceptionPermissions ?? []).includes(v2Permission(permission)),
        );
      const bindings =
        (
          plain(e.inputs.privilegedAccess) as
            { gcpIamAccess?: { roleBindings?: { role?: string }[] } } | undefined
        )?.gcpIamAccess?.roleBindings ?? [];
      for (const role of bindings.map((b) => String(b.role))) {
        const known = custom.get(role) ?? PREDEFINED_ROLE_ACTIONS[role];
        if (!known) {
          report.asWritten.warning(
            this.id,
            e,
            `${label(e)} grants ${role}, whose permissions the rehearsal does not know: add it to engine/rehearsal/facts/rolePermissions.ts (from https://cloud.google.com/iam/docs/roles-permissions) so that a deny policy refusing all of it is caught.`,
          );
          continue;
        }
        const actions = known.filter((p) => !isRead(p));
        if (actions.length && actions.every(denied))
          report.asWritten.error(
            this.id,
            e,
            `${label(e)} grants ${role}, but the deny policies of its project refuse every write of it (${actions.join(", ")}) to its requesters: a grant is approved and then does nothing. Drop the role, or grant one the deny policies leave usable (break-glass is the route for what they refuse).`,
          );
      }
    }
  },
};
