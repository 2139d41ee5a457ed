import { anyResourcePolicy } from "../lib/define";

const PUBLIC = ["allUsers", "allAuthenticatedUsers"];
/**
 * `domain:D` is everyone of a Google Workspace domain: "A Google Apps domain name that represents all
 * the users of that domain" (https://cloud.google.com/java/docs/reference/google-cloud-core/latest/com.google.cloud.Identity,
 * domain(String)) — every employee, contractor and compromised mailbox, never a named principal.
 */
const isPublic = (m: string) => PUBLIC.includes(m) || m.startsWith("domain:");
/**
 * The one principal set an allow grant may name: the runs of a workload identity pool that carry
 * one attribute value (CI's `attribute.job/<job>`, components/githubFederation.ts). Every other
 * principalSet:// is a set nobody named one by one (https://cloud.google.com/iam/docs/principal-identifiers:
 * "All service accounts in a project, folder, or organization:
 * principalSet://cloudresourcemanager.googleapis.com/RESOURCE_TYPE/RESOURCE_NUMBER/type/ServiceAccount",
 * a pool's every identity `…/workloadIdentityPools/POOL_ID/*`, a workforce pool's groups).
 */
const POOL_ATTRIBUTE_SET =
  /^principalSet:\/\/iam\.googleapis\.com\/projects\/\d+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]+\/attribute\.[A-Za-z0-9_]+\/[^*]+$/;
const isWideSet = (m: string) => m.startsWith("principalSet://") && !POOL_ATTRIBUTE_SET.test(m);

export const iamNoPublicPrincipals = anyResourcePolicy(
  {
    name: "iam-no-public-principals",
    description:
      "No IAM grant names allUsers, allAuthenticatedUsers, a whole domain (domain:) or a principal set (principalSet://) other than a workload identity pool's runs with one attribute value.",
    controls: ["IAM-02"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Remove the public principal from the grant.",
  },
  (resource) => {
    const members = [resource.props.member, ...((resource.props.members as unknown[]) ?? [])].map(String);
    const found = members.filter(isPublic);
    const sets = members.filter(isWideSet);
    return [
      ...(found.length
        ? [
            {
              problem: `grants ${String(resource.props.role)} to ${found.join(", ")}`,
              fix: "grant named principals only",
            },
          ]
        : []),
      ...(sets.length
        ? [
            {
              problem: `grants ${String(resource.props.role)} to principal set ${sets.join(", ")}: every identity of that set, named by nobody`,
              fix: "grant named principals (a service account, a group); of principal sets, only a workload identity pool's runs with one attribute value (…/workloadIdentityPools/<pool>/attribute.<name>/<value>)",
            },
          ]
        : []),
    ];
  },
);
