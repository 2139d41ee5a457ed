/** Readers of Privileged Access Manager entitlements and of IAM grants (IAM-07, RES-10). */
import { PolicyResource } from "@pulumi/policy";

export const ENTITLEMENT = "gcp:privilegedaccessmanager/entitlement:entitlement";
export const BASIC_ROLES = ["roles/owner", "roles/editor", "roles/viewer"];

export interface EntitlementView {
  resource: PolicyResource;
  project?: string;
  roles: string[];
  requesters: string[];
  approvers: string[];
}

/** An entitlement's project, roles, requesters and approvers, from its inputs. */
export function entitlementView(r: PolicyResource): EntitlementView {
  const access = (
    r.props.privilegedAccess as { gcpIamAccess?: { roleBindings?: { role?: string }[] } } | undefined
  )?.gcpIamAccess;
  const steps =
    (
      r.props.approvalWorkflow as
        { manualApprovals?: { steps?: { approvers?: { principals?: string[] } }[] } } | undefined
    )?.manualApprovals?.steps ?? [];
  return {
    resource: r,
    project: /^projects\/([^/]+)$/.exec(String(r.props.parent ?? ""))?.[1],
    roles: (access?.roleBindings ?? []).map((b) => String(b.role)),
    requesters: ((r.props.eligibleUsers as { principals?: string[] }[] | undefined) ?? []).flatMap(
      (u) => u.principals ?? [],
    ),
    approvers: steps.flatMap((s) => s.approvers?.principals ?? []),
  };
}

export const entitlements = (resources: PolicyResource[]): EntitlementView[] =>
  resources.filter((r) => r.type === ENTITLEMENT).map(entitlementView);

/** A grant of a role to members, on a project or a resource: every `*IAMMember`/`*IAMBinding` type. */
export interface Grant {
  resource: PolicyResource;
  role: string;
  members: string[];
}

export function grants(resources: PolicyResource[]): Grant[] {
  return resources.flatMap((r) => {
    if (!r.type.startsWith("gcp:") || typeof r.props.role !== "string") return [];
    const members =
      typeof r.props.member === "string"
        ? [r.props.member]
        : ((r.props.members as string[] | undefined) ?? []);
    return members.length ? [{ resource: r, role: r.props.role, members }] : [];
  });
}

/**
 * The break-glass groups: those a deny policy exempts from its rules (`principalSet://goog/group/…`),
 * as the logging project's isolation does (LOG-01). They alone may hold privileged roles standing.
 */
export function breakGlassGroups(resources: PolicyResource[]): Set<string> {
  const groups = new Set<string>();
  for (const r of resources.filter((x) => x.type === "gcp:iam/denyPolicy:DenyPolicy"))
    for (const rule of (r.props.rules as { denyRule?: { exceptionPrincipals?: string[] } }[] | undefined) ??
      [])
      for (const p of rule.denyRule?.exceptionPrincipals ?? []) {
        const m = /^principalSet:\/\/goog\/group\/(.+)$/.exec(p);
        if (m) groups.add(`group:${m[1]}`);
      }
  return groups;
}
