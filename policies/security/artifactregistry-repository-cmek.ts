import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";
import { parseKeyId } from "../lib/gcp";

/**
 * Images are data at rest like any other (ENC-01): each repository names a CMEK key of its own
 * region (Artifact Registry requires the key's location to match the repository's:
 * https://cloud.google.com/artifact-registry/docs/cmek). The key cannot be added later
 * (`kmsKeyName` is immutable), so a repository without one is replaced by a new repository.
 */
export const repositoryCmek = resourcePolicy<gcp.artifactregistry.RepositoryArgs>(
  {
    name: "artifactregistry-repository-cmek",
    description:
      "Every Artifact Registry repository is encrypted with a customer-managed key of its own region.",
    controls: ["ENC-01"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Set kmsKeyName to the region's images key; for an existing repository, move its images to a new CMEK repository (docs/artifact-registry.md).",
  },
  gcp.artifactregistry.Repository,
  (repo) => {
    const findings: Finding[] = [];
    const key = parseKeyId(repo.kmsKeyName);
    if (!key)
      findings.push({
        problem: `repository ${String(repo.repositoryId)} uses Google-managed encryption`,
        fix: "create it with kmsKeyName (a new repository: the key cannot be added)",
      });
    else if (key.location !== repo.location)
      findings.push({
        problem: `repository ${String(repo.repositoryId)} in ${String(repo.location)} names a key in ${key.location}`,
        fix: `use the ${String(repo.location)} images key`,
      });
    return findings;
  },
);
