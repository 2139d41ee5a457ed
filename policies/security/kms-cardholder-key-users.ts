import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { cardholderProjects, parseKeyId, parseKeyRingId } from "../lib/gcp";

const CARDHOLDER_RING = "cardholder";
const KMS_GRANT_TYPES = [
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding",
  "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
  "gcp:kms/keyRingIAMBinding:KeyRingIAMBinding",
];

/**
 * Principals of the cardholder-data environment: service accounts of a project that holds
 * cardholder data (a resource labelled data-class=cardholder) and the service agents of such a
 * project.
 */
export function cardholderPrincipals(resources: PolicyResource[]): CardholderPrincipals {
  const projects = cardholderProjects(resources);
  const members = new Set<string>();
  const numbers = new Set<string>();
  for (const r of resources) {
    if (
      r.type === "gcp:projects/serviceIdentity:ServiceIdentity" &&
      projects.has(String(r.props.project)) &&
      r.props.member
    ) {
      members.add(String(r.props.member));
      const number = AGENT_ADDRESS.exec(String(r.props.member))?.[1];
      if (number) numbers.add(number);
    }
  }
  return { projects, members, numbers };
}

/** Every Google service agent is `service-<project number>@<its service's domain>`. */
const AGENT_ADDRESS = /^serviceAccount:service-(\d+)@[a-z0-9-]+\.iam\.gserviceaccount\.com$/;

interface CardholderPrincipals {
  projects: Set<string>;
  members: Set<string>;
  /** Numbers of the cde projects, read from their agents' addresses: agents created with their
   * API (the Compute Engine system agent) have no ServiceIdentity but share the number. */
  numbers: Set<string>;
}

function isCardholderPrincipal(member: string, cde: CardholderPrincipals): boolean {
  if (cde.members.has(member)) return true;
  const number = AGENT_ADDRESS.exec(member)?.[1];
  if (number && cde.numbers.has(number)) return true;
  const m = /^serviceAccount:[^@]+@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(member);
  return !!m && cde.projects.has(m[1]);
}

export const kmsCardholderKeyUsers = stackPolicy(
  {
    name: "kms-cardholder-key-users",
    description:
      "No principal outside the cardholder-data environment can use a cardholder key, by a grant on the key, its ring, or the project, folder or organisation above it.",
    controls: ["ENC-03"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Remove the grant; only service accounts and service agents of the cardholder-data project may hold roles on cardholder keys or the cardholder key ring.",
  },
  (resources) => {
    const cde = cardholderPrincipals(resources);
    const findings: Finding[] = [];
    for (const r of resources.filter((x) => KMS_GRANT_TYPES.includes(x.type))) {
      const ring = parseKeyId(r.props.cryptoKeyId)?.ring ?? parseKeyRingId(r.props.keyRingId)?.ring;
      if (ring !== CARDHOLDER_RING) continue;
      const members = r.props.members ? (r.props.members as string[]) : [String(r.props.member)];
      for (const member of members.filter((m) => !isCardholderPrincipal(m, cde))) {
        findings.push({
          urn: r.urn,
          problem: `${member} is outside the cardholder-data environment (${[...cde.projects].join(", ") || "no cardholder project found"}) but is granted ${String(r.props.role)} on a cardholder key`,
          fix: "remove the grant or use a principal of the cardholder-data project",
        });
      }
    }
    // Above the keys: a key-using role on the KMS project, or on a folder or the organisation above
    // it, reaches every key in it, cardholder keys included (IAM policies are inherited down the
    // resource hierarchy: https://cloud.google.com/kms/docs/resource-hierarchy#inheritance).
    const kmsProjects = new Set(
      resources.filter((r) => r.type === "gcp:kms/keyRing:KeyRing").map((r) => String(r.props.project)),
    );
    for (const r of resources.filter((x) => HIERARCHY_GRANT_TYPES.includes(x.type))) {
      if (!KEY_USING_ROLES.includes(String(r.props.role))) continue;
      const project = r.type.startsWith("gcp:projects/") ? String(r.props.project) : undefined;
      if (project !== undefined && !kmsProjects.has(project)) continue;
      const scope = project
        ? `project ${project}`
        : r.type.startsWith("gcp:folder/")
          ? `folder ${String(r.props.folder)}`
          : `organization ${String(r.props.orgId)}`;
      const members = r.props.members ? (r.props.members as string[]) : [String(r.props.member)];
      for (const member of members)
        findings.push({
          urn: r.urn,
          problem: `${member} holds ${String(r.props.role)} on ${scope}, which makes every key of the KMS project usable by it, cardholder keys included`,
          fix: "grant key roles on individual keys (or the tenant-kek ring) only",
        });
    }
    return findings;
  },
);

/** IAM grants above the keys: on a project, a folder or the organisation. */
const HIERARCHY_GRANT_TYPES = [
  "gcp:projects/iAMMember:IAMMember",
  "gcp:projects/iAMBinding:IAMBinding",
  "gcp:folder/iAMMember:IAMMember",
  "gcp:folder/iAMBinding:IAMBinding",
  "gcp:organizations/iAMMember:IAMMember",
  "gcp:organizations/iAMBinding:IAMBinding",
];

/** Predefined roles that encrypt or decrypt with keys (https://cloud.google.com/kms/docs/reference/permissions-and-roles). */
const KEY_USING_ROLES = [
  "roles/cloudkms.cryptoKeyEncrypterDecrypter",
  "roles/cloudkms.cryptoKeyEncrypter",
  "roles/cloudkms.cryptoKeyDecrypter",
  "roles/cloudkms.cryptoOperator",
  "roles/cloudkms.cryptoKeyEncrypterDecrypterViaDelegation",
  "roles/cloudkms.cryptoKeyDecrypterViaDelegation",
  "roles/cloudkms.cryptoKeyEncrypterViaDelegation",
];
