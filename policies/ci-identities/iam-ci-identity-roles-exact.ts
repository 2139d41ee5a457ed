import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";

/**
 * What each CI identity may hold, by where it is granted. The policy's own copy on purpose
 * (policies/lib/define.ts): the program's table (ciIdentities/roles.ts) is judged against it, and a
 * role added to one and not the other fails.
 */
const PLATFORM_ROLES = [
  "roles/serviceusage.serviceUsageAdmin",
  "roles/compute.networkAdmin",
  "roles/compute.securityAdmin",
  "roles/servicenetworking.networksAdmin",
  "roles/container.admin",
  "roles/gkehub.admin",
  "roles/cloudsql.admin",
  "roles/redis.admin",
  "roles/cloudkms.admin",
  "roles/secretmanager.admin",
  "roles/artifactregistry.admin",
  "roles/binaryauthorization.policyEditor",
  "roles/binaryauthorization.attestorsAdmin",
  "roles/containeranalysis.admin",
  "roles/certificatemanager.editor",
  "roles/dns.admin",
  "roles/ids.admin",
  "roles/logging.configWriter",
  "roles/monitoring.alertPolicyEditor",
  "roles/monitoring.notificationChannelEditor",
  "roles/iam.serviceAccountAdmin",
  "roles/resourcemanager.projectIamAdmin",
  "roles/iam.denyAdmin",
  "roles/iam.roleAdmin",
  "roles/securitycentermanagement.admin",
  "roles/securitycenter.notificationConfigEditor",
  "roles/pubsub.admin",
  "roles/storage.admin",
  "roles/gkebackup.admin",
  "roles/workflows.editor",
  "roles/cloudscheduler.admin",
  "roles/privilegedaccessmanager.admin",
];

const PLAN_ROLES = [
  "roles/browser",
  "roles/logging.viewer",
  "roles/container.viewer",
  "roles/cloudkms.publicKeyViewer",
];

type ScopeKind = "project" | "folder" | "organization" | "accessPolicy" | "billingAccount";
type Identity = "apply" | "plan";

/** Exactly these roles wherever the identity holds any; the org and the access policy must hold theirs. */
const EXPECTED: Record<Identity, Record<ScopeKind, string[]>> = {
  apply: {
    project: PLATFORM_ROLES,
    // A stack that creates its projects gets the platform's roles on their folder, and may create them.
    folder: [...PLATFORM_ROLES, "roles/resourcemanager.projectCreator"],
    organization: ["roles/orgpolicy.policyAdmin"],
    accessPolicy: ["roles/accesscontextmanager.policyEditor"],
    billingAccount: ["roles/billing.user"],
  },
  plan: {
    project: PLAN_ROLES,
    folder: PLAN_ROLES,
    organization: ["roles/orgpolicy.policyViewer"],
    accessPolicy: ["roles/accesscontextmanager.policyReader"],
    billingAccount: [],
  },
};
const REQUIRED_SCOPES: ScopeKind[] = ["organization", "accessPolicy"];

const GRANT_TYPES: Record<string, { kind: ScopeKind; scope: (p: Record<string, unknown>) => unknown }> = {
  "gcp:projects/iAMMember:IAMMember": { kind: "project", scope: (p) => p.project },
  "gcp:folder/iAMMember:IAMMember": { kind: "folder", scope: (p) => p.folder },
  "gcp:organizations/iAMMember:IAMMember": { kind: "organization", scope: (p) => p.orgId },
  "gcp:accesscontextmanager/accessPolicyIamMember:AccessPolicyIamMember": {
    kind: "accessPolicy",
    scope: (p) => p.name,
  },
  "gcp:billing/accountIamMember:AccountIamMember": {
    kind: "billingAccount",
    scope: (p) => p.billingAccountId,
  },
};

/** The CI identities of the stack: service accounts named `<env>-deployer` (apply) and `<env>-plan`. */
function identities(resources: PolicyResource[]): { member: string; identity: Identity; urn: string }[] {
  return resources
    .filter((r) => r.type === "gcp:serviceaccount/account:Account")
    .flatMap((r) => {
      const id = String(r.props.accountId);
      const identity: Identity | undefined = id.endsWith("-deployer")
        ? "apply"
        : id.endsWith("-plan")
          ? "plan"
          : undefined;
      return identity
        ? [
            {
              member: `serviceAccount:${id}@${String(r.props.project)}.iam.gserviceaccount.com`,
              identity,
              urn: r.urn,
            },
          ]
        : [];
    });
}

export const ciIdentityRolesExact = stackPolicy(
  {
    name: "iam-ci-identity-roles-exact",
    description:
      "Each CI identity holds exactly its roles: the apply identity the platform's deployment roles on its projects or folder and the organisation and access-policy roles only it needs there, the plan identity read-only roles; a missing role and an extra one both fail.",
    controls: ["IAM-08"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Grant the CI identities only through ciIdentities/roles.ts, and change this policy's table with it when the platform needs a new role.",
  },
  (resources) => {
    const findings: Finding[] = [];
    for (const { member, identity, urn } of identities(resources)) {
      const held = new Map<string, { kind: ScopeKind; roles: Set<string>; urn: string }>();
      for (const r of resources) {
        const grant = GRANT_TYPES[r.type];
        if (!grant || r.props.member !== member) continue;
        const key = `${grant.kind} ${String(grant.scope(r.props))}`;
        const entry = held.get(key) ?? { kind: grant.kind, roles: new Set<string>(), urn: r.urn };
        entry.roles.add(String(r.props.role));
        held.set(key, entry);
      }
      for (const [scope, { kind, roles, urn: at }] of held) {
        const expected = EXPECTED[identity][kind];
        const missing = expected.filter((role) => !roles.has(role));
        const extra = [...roles].filter((role) => !expected.includes(role));
        if (missing.length)
          findings.push({
            urn: at,
            problem: `the ${identity} identity ${member} lacks ${missing.join(", ")} on ${scope}: the ${identity === "apply" ? "deployment" : "preview"} fails there`,
            fix: "grant exactly the roles of ciIdentities/roles.ts",
          });
        if (extra.length)
          findings.push({
            urn: at,
            problem: `the ${identity} identity ${member} holds ${extra.join(", ")} on ${scope}, beyond its roles`,
            fix: "remove the grant; a role the platform needs goes into ciIdentities/roles.ts and this policy's table together",
          });
      }
      for (const kind of REQUIRED_SCOPES)
        if (![...held.values()].some((h) => h.kind === kind))
          findings.push({
            urn,
            problem: `the ${identity} identity ${member} holds nothing on the ${kind}: it needs ${EXPECTED[identity][kind].join(", ")} there`,
            fix: "grant exactly the roles of ciIdentities/roles.ts",
          });
      if (![...held.values()].some((h) => h.kind === "project" || h.kind === "folder"))
        findings.push({
          urn,
          problem: `the ${identity} identity ${member} holds nothing on the platform's projects or their folder`,
          fix: "grant exactly the roles of ciIdentities/roles.ts",
        });
    }
    return findings;
  },
);
