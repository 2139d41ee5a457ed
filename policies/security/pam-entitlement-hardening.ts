import { CONTROL_LIMITS } from "../../catalogue/limits";
import { Finding, stackPolicy } from "../lib/define";
import { protobufDurationSeconds } from "../../facts/durations";
import { cardholderProjects } from "../lib/gcp";
import { canonicalPrincipal } from "../lib/principals";
import {
  BACKUP_BUCKET_CONDITION,
  BACKUP_BUCKET_IAM,
  BASIC_ROLES,
  customRolePermissions,
  ENTITLEMENT_CUSTOM_ROLE_PERMISSIONS,
  ENTITLEMENT_PREDEFINED_ROLES,
  entitlements,
  ENTITLEMENT_STORAGE_PERMISSIONS,
  INSTANCE_BOUND_PERMISSIONS,
  SCRATCH_CONDITION,
  LASTING_PERMISSIONS,
  operateOnly,
  READ_ONLY_STORAGE_ROLES,
  UNBOUNDED_ADMIN_ROLES,
} from "../lib/privilegedAccess";

const ALLOWLIST_FIX = `grant only ${Object.keys(ENTITLEMENT_PREDEFINED_ROLES).join(", ")} (storage.objectViewer bound to resource.name.startsWith("projects/_/buckets/<project>-<name>-backup-")) or a custom role of the entitlement's project (components/privilegedAccess.ts)`;

/**
 * Why a role binding is outside the entitlements' allowlist, if it is: a predefined role not on
 * it, one without the condition it needs, or a custom role the plan does not define in the
 * entitlement's own project (whose permissions nobody can then judge).
 */
function allowedRole(
  role: string,
  condition: string | undefined,
  project: string,
  custom: Map<string, string[]>,
): string | undefined {
  if (role.startsWith("projects/"))
    return role.startsWith(`projects/${project}/roles/`) && custom.has(role)
      ? undefined
      : "a custom role the stack does not define in the entitlement's project";
  if (!(role in ENTITLEMENT_PREDEFINED_ROLES)) return "a predefined role outside the entitlements' allowlist";
  const needed = ENTITLEMENT_PREDEFINED_ROLES[role]?.(project);
  if (needed && !needed.test(condition ?? ""))
    return `the allowlist admits it only on the project's backup buckets, under resource.name.startsWith("projects/_/buckets/${project}-<name>-backup-")`;
  return undefined;
}

/** Why a custom role holds more than its purpose needs, if it does (ENTITLEMENT_CUSTOM_ROLE_PERMISSIONS). */
function beyondPurpose(role: string, permissions: string[]): { problem: string; fix: string } | undefined {
  const id = /^projects\/[^/]+\/roles\/([^/]+)$/.exec(role)?.[1];
  if (!id) return undefined;
  const allowed = ENTITLEMENT_CUSTOM_ROLE_PERMISSIONS[id];
  if (!allowed)
    return {
      problem: `its role ${role} is not one of the entitlements' custom roles, whose permissions are listed by purpose`,
      fix: `grant one of ${Object.keys(ENTITLEMENT_CUSTOM_ROLE_PERMISSIONS).join(", ")}, or add the role with its purpose and permissions to ENTITLEMENT_ROLES (catalogue/entitlementRoles.ts) in a reviewed change`,
    };
  const extra = permissions.filter((p) => !allowed.permissions.includes(p));
  return extra.length
    ? {
        problem: `its role ${role} holds ${extra.join(", ")}, beyond what it is for (${allowed.purpose})`,
        fix: `keep only ${allowed.permissions.join(", ")} in ${id}`,
      }
    : undefined;
}

export const pamEntitlementHardening = stackPolicy(
  {
    name: "pam-entitlement-hardening",
    description:
      "Every Privileged Access Manager entitlement grants only the allowlisted predefined roles (storage.objectViewer on the project's backup buckets only) and custom roles its project defines — each holding only the permissions of its purpose —, no basic role and no unbounded key, Cloud SQL or IAM administration (no lasting grant, Cloud SQL users and instance changes on named scratch instances only), for at most the catalogue's duration, to a group only, on a written justification; a different group approves, with its own justification, every grant in the cardholder-data environment or the key project and every grant of more than operating (reading data, keys, IAM, storage, database users, exports).",
    controls: ["IAM-07"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: `Set maxRequestDuration to ${CONTROL_LIMITS.privilegedGrantMaxSeconds}s or less, requesterJustificationConfig.unstructured, group: eligible users, predefined roles, and a manual approval step by a group that does not request wherever the entitlement is in the cde or the KMS project or grants more than operating (components/privilegedAccess.ts).`,
  },
  (resources) => {
    const cde = cardholderProjects(resources);
    // The key project: where the key rings are (the cardholder data's keys among them, ENC-05).
    const keyProjects = new Set(
      resources.filter((r) => r.type === "gcp:kms/keyRing:KeyRing").map((r) => String(r.props.project)),
    );
    const custom = customRolePermissions(resources);
    /** Why a grant of this entitlement needs approval, if it does. */
    const approvalReason = (project: string | undefined, roles: string[]): string | undefined => {
      if (project && cde.has(project)) return `access in the cardholder-data environment ${project}`;
      if (project && keyProjects.has(project)) return `access in key project ${project}`;
      for (const role of roles) {
        const permissions = custom.get(role);
        if (!permissions) return `${role} (a role whose permissions go beyond operating, or unknown)`;
        const beyond = permissions.filter((p) => !operateOnly(p));
        if (beyond.length) return `${role} (with ${beyond.join(", ")}: beyond operating)`;
      }
      return undefined;
    };
    const findings: Finding[] = [];
    for (const e of entitlements(resources)) {
      const r = e.resource;
      const add = (problem: string, fix: string) => findings.push({ urn: r.urn, problem, fix });
      const seconds = protobufDurationSeconds(r.props.maxRequestDuration);
      if (!(seconds <= CONTROL_LIMITS.privilegedGrantMaxSeconds))
        add(
          `maxRequestDuration is ${JSON.stringify(r.props.maxRequestDuration ?? null)}, over ${CONTROL_LIMITS.privilegedGrantMaxSeconds}s`,
          `set maxRequestDuration: "${CONTROL_LIMITS.privilegedGrantMaxSeconds}s" or less`,
        );
      const justification = r.props.requesterJustificationConfig as { unstructured?: unknown } | undefined;
      if (!justification?.unstructured)
        add(
          "a grant needs no written justification",
          "set requesterJustificationConfig: { unstructured: {} }",
        );
      const basic = e.roles.filter((role) => BASIC_ROLES.includes(role));
      if (basic.length) add(`it grants basic role ${basic.join(", ")}`, "grant predefined roles");
      for (const b of e.bindings) {
        if (UNBOUNDED_ADMIN_ROLES.test(b.role))
          add(
            `it grants ${b.role}, which administers keys, Cloud SQL or IAM without limit`,
            "grant the narrow custom roles of components/privilegedAccess.ts (ENTITLEMENT_CUSTOM_ROLES)",
          );
        const writesStorage =
          b.role.startsWith("roles/storage.") && !READ_ONLY_STORAGE_ROLES.includes(b.role);
        if (writesStorage)
          add(
            `it grants ${b.role}, which deletes, overwrites or administers what the buckets keep (the backup exports among them)`,
            `grant ${READ_ONLY_STORAGE_ROLES.join(", ")} and, for the restore's read grant, the custom role qairopayBackupBucketGrant on the backup buckets (components/privilegedAccess.ts)`,
          );
        const allowed = allowedRole(b.role, b.condition, e.project ?? "", custom);
        // Roles already refused above for what they do are not refused a second time.
        if (allowed && !BASIC_ROLES.includes(b.role) && !UNBOUNDED_ADMIN_ROLES.test(b.role) && !writesStorage)
          add(`it grants ${b.role}${b.condition ? ` under ${b.condition}` : ""}: ${allowed}`, ALLOWLIST_FIX);
        const permissions = custom.get(b.role) ?? [];
        const beyond = beyondPurpose(b.role, permissions);
        if (beyond) add(beyond.problem, beyond.fix);
        // A backup bucket's IAM only, for the restore's read grant that the drill takes back.
        const backupBucketGrant = (p: string) =>
          p === BACKUP_BUCKET_IAM && BACKUP_BUCKET_CONDITION.test(b.condition ?? "");
        const lasting = permissions.filter((p) => LASTING_PERMISSIONS.test(p) && !backupBucketGrant(p));
        if (lasting.length)
          add(
            `its role ${b.role} holds ${lasting.join(", ")}: a grant that outlasts the grant, or foreign key material`,
            "remove them from the custom role",
          );
        const storage = permissions.filter(
          (p) => p.startsWith("storage.") && !ENTITLEMENT_STORAGE_PERMISSIONS.includes(p),
        );
        if (storage.length)
          add(
            `its role ${b.role} holds ${storage.join(", ")}, which deletes, overwrites or administers what the buckets keep (the backup exports among them)`,
            `keep only ${ENTITLEMENT_STORAGE_PERMISSIONS.join(", ")} of Cloud Storage in the custom role`,
          );
        const unbound = permissions.filter((p) => INSTANCE_BOUND_PERMISSIONS.test(p));
        if (unbound.length && !SCRATCH_CONDITION.test(b.condition ?? ""))
          add(
            `its role ${b.role} holds ${unbound.join(", ")} on every instance, primaries included`,
            'bind the role with a condition on the scratch instances\' names (resource.name.startsWith("projects/<project>/instances/<env>-<cluster>-restore-"))',
          );
      }
      const nonGroups = e.requesters.filter((p) => !p.startsWith("group:"));
      if (!e.requesters.length || nonGroups.length)
        add(
          `it may be requested by ${JSON.stringify(nonGroups.length ? nonGroups : e.requesters)}, not a named group`,
          "name one group in eligibleUsers",
        );
      const workflow = (
        r.props.approvalWorkflow as
          | {
              manualApprovals?: {
                requireApproverJustification?: boolean;
                steps?: { approvalsNeeded?: number }[];
              };
            }
          | undefined
      )?.manualApprovals;
      // Approvers named in another form than the requesters are the requesters still (review of #26).
      const requesters = new Set(e.requesters.map(canonicalPrincipal));
      const selfApproved = e.approvers.filter((p) => requesters.has(canonicalPrincipal(p)));
      if (selfApproved.length)
        add(
          `its requesters ${selfApproved.join(", ")} also approve it`,
          "name a different group of approvers",
        );
      const reason = approvalReason(e.project, e.roles);
      if (reason) {
        if (!workflow?.steps?.length || !e.approvers.length)
          add(`it grants ${reason} without approval`, "add a manual approval step");
        else if (workflow.steps.some((s) => (s.approvalsNeeded ?? 0) < 1))
          add("an approval step needs no approval", "set approvalsNeeded: 1");
        if (workflow && workflow.requireApproverJustification !== true)
          add("its approvers need give no justification", "set requireApproverJustification: true");
      }
    }
    return findings;
  },
);
