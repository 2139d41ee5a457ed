import { Finding, stackPolicy } from "../lib/define";
import { foreignPrincipal, stackIdentity } from "../lib/principals";
import {
  BASIC_ROLES,
  breakGlassGroups,
  customRolePermissions,
  entitlements,
  grants,
} from "../lib/privilegedAccess";

/**
 * Roles that read data, operate its stores or change IAM in production (IAM-07): never held by a
 * person standing, whether an entitlement grants them or not. Google's predefined roles, by prefix or
 * name; logging viewers are the auditors' read-only access to the audit log (LOG-01), not listed.
 */
export const PRIVILEGED_ROLES: RegExp[] = [
  ...BASIC_ROLES.map((r) => new RegExp(`^${r.replace(/[./]/g, "\\$&")}$`)),
  /^roles\/resourcemanager\.(projectIamAdmin|organizationAdmin|folderAdmin)$/,
  /^roles\/iam\.(securityAdmin|serviceAccountTokenCreator|serviceAccountUser|serviceAccountAdmin|roleAdmin)$/,
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
 * People, however an allow policy names them: `user:`/`group:`, and the principal identifiers
 * (https://cloud.google.com/iam/docs/principal-identifiers): a Google Account
 * `principal://goog/subject/EMAIL`, a group `principalSet://goog/group/EMAIL`, and workforce
 * identities `principal(Set)://iam.googleapis.com/locations/global/workforcePools/…`. The same grant
 * to `principal://goog/subject/mallory@…` passed where `user:mallory@…` was refused (review).
 */
const PERSON =
  /^(user:|group:|principal:\/\/goog\/subject\/|principalSet:\/\/goog\/group\/|principal(Set)?:\/\/iam\.googleapis\.com\/locations\/global\/workforcePools\/)/;
const isPerson = (member: string) => PERSON.test(member);
/** The break-glass exemption names a group as `group:EMAIL`; its principalSet form is the same group. */
const asGroupMember = (member: string) => member.replace(/^principalSet:\/\/goog\/group\//, "group:");

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
    const privileged = (role: string) => entitled.has(role) || PRIVILEGED_ROLES.some((p) => p.test(role));
    const custom = customRolePermissions(resources);
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
      if (!privileged(g.role)) continue;
      for (const member of g.members.filter((m) => isPerson(m) && !exempt.has(asGroupMember(m))))
        findings.push({
          urn: g.resource.urn,
          problem: `${member} holds ${g.role} standing`,
          fix: "remove it and request the role just in time through an entitlement",
        });
    }
    return findings;
  },
);
