import { Finding, stackPolicy } from "../lib/define";
import { canonicalPrincipal, foreignPrincipal, stackIdentity } from "../lib/principals";
import {
  BASIC_ROLES,
  breakGlassGroups,
  customRolePermissions,
  entitlements,
  grants,
} from "../lib/privilegedAccess";

/**
 * Roles that mint another identity's credentials. Granted on a service account they impersonate that
 * account (the workloads' Kubernetes service accounts hold workloadIdentityUser on their own:
 * components/workloadAccounts.ts); granted on a project, folder or organisation they impersonate
 * every account in it, present and future, whoever holds them.
 */
export const IMPERSONATION_ROLES = [
  "roles/iam.workloadIdentityUser",
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.serviceAccountOpenIdTokenCreator",
  "roles/iam.serviceAccountUser",
];
/** Grants on a project, a folder or the organisation: inherited by every resource below. */
const HIERARCHY = /^gcp:(projects|folder|organizations)\/iAM(Member|Binding|Policy):/;

/**
 * Roles that read data, operate its stores or change IAM in production (IAM-07): never held by a
 * person standing, whether an entitlement grants them or not. Google's predefined roles, by prefix or
 * name; logging viewers are the auditors' read-only access to the audit log (LOG-01), not listed.
 */
export const PRIVILEGED_ROLES: RegExp[] = [
  ...BASIC_ROLES.map((r) => new RegExp(`^${r.replace(/[./]/g, "\\$&")}$`)),
  /^roles\/resourcemanager\.(projectIamAdmin|folderIamAdmin|organizationAdmin|folderAdmin)$/,
  /^roles\/iam\.(securityAdmin|serviceAccountAdmin|roleAdmin)$/,
  // Impersonation: each mints a service account's credentials (an access token, an OpenID token,
  // a key, or as a Kubernetes or federated identity: workloadIdentityUser), and on a project it
  // reaches every account in it (https://cloud.google.com/iam/docs/service-account-permissions).
  ...IMPERSONATION_ROLES.map((r) => new RegExp(`^${r.replace(/[./]/g, "\\$&")}$`)),
  /^roles\/iam\.serviceAccountKeyAdmin$/,
  // The guardrails' administrators: deny policies (iam.denypolicies.*), organisation policies,
  // organisation custom roles, workload identity pools and providers (who federates in), firewall
  // and SSL policies (compute.securityAdmin): https://cloud.google.com/iam/docs/roles-permissions/iam,
  // .../orgpolicy, .../compute.
  /^roles\/iam\.(denyAdmin|organizationRoleAdmin|workloadIdentityPoolAdmin)$/,
  /^roles\/orgpolicy\.policyAdmin$/,
  /^roles\/compute\.securityAdmin$/,
  /^roles\/cloudsql\./,
  /^roles\/container\.(admin|clusterAdmin|developer)$/,
  /^roles\/cloudkms\./,
  /^roles\/secretmanager\.(admin|secretAccessor)$/,
  /^roles\/storage\.(admin|objectAdmin|objectViewer|objectUser)$/,
  /^roles\/redis\.(admin|editor|dbConnectionUser)$/,
  /^roles\/gkebackup\./,
  /^roles\/backupdr\./,
  /^roles\/privilegedaccessmanager\.admin$/,
  // Rewrites or deletes the perimeters and access levels (NET-07) of the access policy:
  // https://cloud.google.com/iam/docs/roles-permissions/accesscontextmanager.
  /^roles\/accesscontextmanager\.(policyAdmin|policyEditor)$/,
];

/**
 * Permissions that make a custom role privileged (IAM-07): those by which the privileged predefined
 * roles above read data, use keys, mint credentials or change IAM and the guardrails. A custom role
 * is judged by what it holds, since a new one holding cloudkms.cryptoKeyVersions.useToDecrypt
 * decrypts as roles/cloudkms.cryptoKeyDecrypter does. Permission names:
 * https://cloud.google.com/kms/docs/reference/permissions-and-roles,
 * https://cloud.google.com/iam/docs/service-account-permissions, https://cloud.google.com/iam/docs/roles-permissions/cloudsql,
 * .../secretmanager, .../storage, .../container, .../iam, .../orgpolicy.
 */
export const PRIVILEGED_PERMISSIONS: RegExp[] = [
  /\.setIamPolicy$/,
  /^cloudkms\.(cryptoKeyVersions\.(useTo|destroy|restore)|cryptoKeys\.update$|importJobs\.)/,
  /^iam\.serviceAccounts\.(actAs|getAccessToken|getOpenIdToken|signBlob|signJwt|implicitDelegation|setIamPolicy)$/,
  /^iam\.serviceAccountKeys\.(create|upload)$/,
  /^iam\.(roles|denypolicies)\.(create|update|delete)$/,
  /^orgpolicy\.policy\.set$/,
  /^cloudsql\.(users\.|instances\.(update|executeSql|login|connect|import|export|clone|delete|restoreBackup)$|databases\.(update|delete)$)/,
  /^secretmanager\.versions\.(access|add)$/,
  /^storage\.objects\.(get|list|create|delete|update)$/,
  /^storage\.buckets\.(update|delete)$/,
  /^container\.(pods\.(exec|attach|portForward)|secrets\.(get|list)|(roles|clusterRoles|roleBindings|clusterRoleBindings)\.(create|update|escalate|bind))$/,
  /^redis\.instances\.(getAuthString|update)$/,
  /^accesscontextmanager\.(servicePerimeters|accessLevels)\.(create|update|delete|replaceAll|commit)$/,
];

/**
 * People, however an allow policy names them: `user:`/`group:`, and the principal identifiers
 * (https://cloud.google.com/iam/docs/principal-identifiers): a Google Account
 * `principal://goog/subject/EMAIL`, a group `principalSet://goog/group/EMAIL`, and workforce
 * identities `principal(Set)://iam.googleapis.com/locations/global/workforcePools/…`. The same grant
 * to `principal://goog/subject/mallory@…` passed where `user:mallory@…` was refused (review).
 */
const PERSON =
  /^(user:|group:|principal:\/\/goog\/subject\/|principalSet:\/\/goog\/group\/|principal(Set)?:\/\/iam\.googleapis\.com\/locations\/global\/workforcePools\/)/;
const isPerson = (member: string) => PERSON.test(member);

export const iamPrivilegedRolesNotStanding = stackPolicy(
  {
    name: "iam-privileged-roles-not-standing",
    description:
      "No user or group holds standing a role that reads data, operates its stores or changes IAM — any role an entitlement grants, or one of the privileged roles — except the break-glass group; no service account or workload identity of another project or organisation holds such a role or one of the stack's custom roles.",
    controls: ["IAM-07"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Remove the grant; people obtain the role just in time through a Privileged Access Manager entitlement (platform/domains/privilegedAccess.ts); automation runs as a service account of the stack's own projects.",
  },
  (resources) => {
    const entitled = new Set(entitlements(resources).flatMap((e) => e.roles));
    const exempt = breakGlassGroups(resources);
    const custom = customRolePermissions(resources);
    const privilegedPermissions = (role: string) =>
      (custom.get(role) ?? []).filter((permission) => PRIVILEGED_PERMISSIONS.some((p) => p.test(permission)));
    const privileged = (role: string) =>
      entitled.has(role) ||
      PRIVILEGED_ROLES.some((p) => p.test(role)) ||
      privilegedPermissions(role).length > 0;
    const stack = stackIdentity(resources);
    const findings: Finding[] = [];
    for (const g of grants(resources)) {
      if (!privileged(g.role) && !custom.has(g.role)) continue;
      // Another organisation's or project's account: nobody here rotates, audits or removes it.
      for (const member of g.members) {
        const foreign = foreignPrincipal(member, stack);
        if (foreign)
          findings.push({
            urn: g.resource.urn,
            problem: `${member} holds ${g.role}: ${foreign.problem}`,
            fix: foreign.fix,
          });
      }
      if (IMPERSONATION_ROLES.includes(g.role) && HIERARCHY.test(g.resource.type))
        for (const member of g.members)
          findings.push({
            urn: g.resource.urn,
            problem: `${member} holds ${g.role} on ${hierarchyScope(g.resource.props)}: it impersonates every service account there, present and future`,
            fix: "grant it on the one service account to be impersonated (gcp.serviceaccount.IAMMember)",
          });
      if (!privileged(g.role)) continue;
      const holding = privilegedPermissions(g.role);
      const why = holding.length ? ` (a custom role holding ${holding.join(", ")})` : "";
      for (const member of g.members.filter((m) => isPerson(m) && !exempt.has(canonicalPrincipal(m))))
        findings.push({
          urn: g.resource.urn,
          problem: `${member} holds ${g.role} standing${why}`,
          fix: "remove it and request the role just in time through an entitlement",
        });
    }
    return findings;
  },
);

const hierarchyScope = (props: Record<string, unknown>): string =>
  props.project !== undefined
    ? `project ${String(props.project)}`
    : props.folder !== undefined
      ? `folder ${String(props.folder)}`
      : `organization ${String(props.orgId)}`;
