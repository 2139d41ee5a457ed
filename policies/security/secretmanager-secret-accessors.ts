import { anyResourcePolicy } from "../lib/define";

/** Grants on one secret. */
const SECRET_GRANTS = [
  "gcp:secretmanager/secretIamMember:SecretIamMember",
  "gcp:secretmanager/secretIamBinding:SecretIamBinding",
  "gcp:secretmanager/regionalSecretIamMember:RegionalSecretIamMember",
  "gcp:secretmanager/regionalSecretIamBinding:RegionalSecretIamBinding",
];
/**
 * A secret's whole IAM policy as one JSON document (policyData), often unknown until apply and
 * authoritative: it replaces every grant the readers above make. The platform grants per member
 * (components/platformSecrets.ts), so a policy resource is a grant nobody judged.
 */
const SECRET_POLICIES = [
  "gcp:secretmanager/secretIamPolicy:SecretIamPolicy",
  "gcp:secretmanager/regionalSecretIamPolicy:RegionalSecretIamPolicy",
];
/** The project a grant's secret lives in: its project, or the one its full secret name names. */
const projectOf = (props: Record<string, unknown>) =>
  props.project !== undefined
    ? String(props.project)
    : /^projects\/([^/]+)\//.exec(String(props.secretId ?? ""))?.[1];
/**
 * The one role a secret's grant may carry: roles/secretmanager.secretAccessor, "Allows accessing
 * the payload of secrets" (secretmanager.versions.access only). Any other role on a secret changes
 * it or its IAM policy: roles/secretmanager.admin holds secretmanager.secrets.setIamPolicy, a
 * lasting grant to any principal (https://cloud.google.com/iam/docs/roles-permissions/secretmanager);
 * roles/secretmanager.secretVersionAdder adds the version the workloads read next
 * (https://cloud.google.com/secret-manager/docs/add-secret-version). The deployer administers
 * secrets from its project-level role (ciIdentities/roles.ts), never from a grant on the secret.
 */
const ACCESSOR = "roles/secretmanager.secretAccessor";

export const secretAccessors = anyResourcePolicy(
  {
    name: "secretmanager-secret-accessors",
    description:
      "A grant on a Secret Manager secret gives roles/secretmanager.secretAccessor, and only to service accounts of the secret's own project: no other role (which would change the secret or its IAM policy), no person, group or domain, and no whole IAM policy set on a secret.",
    controls: ["ENC-09", "IAM-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant roles/secretmanager.secretAccessor on the secret to the workload's service account only (components/platformSecrets.ts readers); people reach secrets through a Privileged Access Manager entitlement.",
  },
  (resource) => {
    if (SECRET_POLICIES.includes(resource.type))
      return [
        {
          problem: `it sets the whole IAM policy of secret ${String(resource.props.secretId)} (policyData), replacing its readers' grants with ones no rule judges`,
          fix: `grant ${ACCESSOR} per reader with SecretIamMember (components/platformSecrets.ts readers)`,
        },
      ];
    if (!SECRET_GRANTS.includes(resource.type)) return [];
    const role = String(resource.props.role);
    const members = [resource.props.member, ...((resource.props.members as unknown[] | undefined) ?? [])]
      .filter((m) => m !== undefined)
      .map(String);
    const findings = [];
    if (role !== ACCESSOR)
      findings.push({
        problem: `it grants ${role} on secret ${String(resource.props.secretId)}: more than reading it (a new version, or its IAM policy)`,
        fix: `grant ${ACCESSOR} only`,
      });
    const others = members.filter((m) => !m.startsWith("serviceAccount:"));
    if (others.length)
      findings.push({
        problem: `it grants ${role} on secret ${String(resource.props.secretId)} to ${others.join(", ")}, not a service account`,
        fix: "grant the workload's service account; people use a Privileged Access Manager entitlement",
      });
    // A service account of another project is one whose keys and impersonators that project's
    // owners decide: the workload reading a secret runs in the secret's project.
    const project = projectOf(resource.props);
    const foreign = members.filter(
      (m) =>
        m.startsWith("serviceAccount:") && (!project || !m.endsWith(`@${project}.iam.gserviceaccount.com`)),
    );
    if (foreign.length)
      findings.push({
        problem: `it grants ${role} on secret ${String(resource.props.secretId)} to ${foreign.join(", ")}, not a service account of the secret's project ${project ?? "(unknown)"}`,
        fix: "grant the workload's own service account, created in the secret's project",
      });
    return findings;
  },
);
