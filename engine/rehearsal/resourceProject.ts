import { CapturedResource } from "../model";
import { StackFacts } from "./stackFacts";

/** `projects/P/…` anywhere in a resource name or id (KMS ids, service-account names, deny-policy parents). */
function projectInPath(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  return /(?:^|\/)projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])(?:\/|$)/.exec(decodeURIComponent(value))?.[1];
}

/** Inputs that name the resource's project through another resource's id, by type. */
const PROJECT_FROM_PATH: Record<string, string> = {
  "gcp:kms/cryptoKey:CryptoKey": "keyRing",
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": "cryptoKeyId",
  "gcp:kms/keyRingIAMMember:KeyRingIAMMember": "keyRingId",
  "gcp:serviceaccount/iAMMember:IAMMember": "serviceAccountId",
  "gcp:iam/denyPolicy:DenyPolicy": "parent",
  // The connection is made in the network's project (resource_service_networking_connection.go).
  "gcp:servicenetworking/connection:Connection": "network",
  "gcp:cloudquota/sQuotaPreference:SQuotaPreference": "parent",
  "gcp:secretmanager/secretVersion:SecretVersion": "secret",
  // `projects/{project-id|project-number}` (magic-modules privilegedaccessmanager/Entitlement.yaml).
  "gcp:privilegedaccessmanager/entitlement:entitlement": "parent",
};

/**
 * The project a Google resource lives in, which is where its API must be enabled: the `project`
 * input, the project inside the id it hangs off, or else the provider's default project (what
 * the Google provider does with a missing `project`: `tpgresource.GetProject`).
 */
export function projectOf(r: CapturedResource, facts: StackFacts): string | undefined {
  if (r.type === "gcp:organizations/project:Project") return String(r.inputs.projectId);
  // A bucket's IAM is called on the bucket, which is billed to the bucket's project.
  if (r.type.startsWith("gcp:storage/bucketIAM")) return facts.bucketProjects.get(String(r.inputs.bucket));
  const pathInput = PROJECT_FROM_PATH[r.type];
  if (pathInput) return projectInPath(r.inputs[pathInput]);
  if (typeof r.inputs.project === "string" && r.inputs.project) return r.inputs.project;
  if (r.type.startsWith("gcp:logging/folderSink") || r.type.startsWith("gcp:logging/organizationSink"))
    return undefined;
  const providerRef = r.provider?.slice(0, r.provider.lastIndexOf("::"));
  return providerRef ? facts.providerProjects.get(providerRef) : undefined;
}
