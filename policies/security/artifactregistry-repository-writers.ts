import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";

const REPOSITORY = "gcp:artifactregistry/repository:Repository";
const REPOSITORY_GRANTS = [
  "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
  "gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding",
];
const PROJECT_GRANTS = ["gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding"];

/** Predefined roles that push, overwrite or delete images (https://cloud.google.com/artifact-registry/docs/access-control#roles). */
export const WRITING_ROLES = [
  "roles/artifactregistry.writer",
  "roles/artifactregistry.repoAdmin",
  "roles/artifactregistry.createOnPushWriter",
  "roles/artifactregistry.createOnPushRepoAdmin",
  "roles/artifactregistry.admin",
];

const membersOf = (r: PolicyResource): string[] =>
  r.props.members ? (r.props.members as string[]) : [String(r.props.member)];

/**
 * Only the image pipeline writes images (K8S-04): across every repository of the stack one
 * principal, a single service account, holds a writing role, granted on the repositories and never
 * on their project (which would reach every repository, present and future). Attestations decide
 * what runs; the single writer keeps what is stored, scanned and offered for review to what the
 * pipeline built.
 */
export const repositoryWriters = stackPolicy(
  {
    name: "artifactregistry-repository-writers",
    description:
      "One service account, the image pipeline, is the only writer of the image repositories, granted per repository, never on the project, and no repository fills itself from elsewhere (remote or virtual).",
    controls: ["K8S-04"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Grant roles/artifactregistry.writer on each repository to the image pipeline only (stack config imagePipelinePrincipal); remove other writers and project-level writer roles.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const repositories = resources.filter((r) => r.type === REPOSITORY);
    if (!repositories.length) return findings;
    // magic-modules mmv1/products/artifactregistry/Repository.yaml, mode: "The mode configures the
    // repository to serve artifacts from different sources" (default STANDARD_REPOSITORY). A
    // remote repository fills itself from its upstream (Docker Hub, any registry) and a virtual one
    // serves other repositories' images, both under this project's registry path, which Binary
    // Authorization's allowlist and the attestations' reviewers trust as the pipeline's.
    for (const r of repositories) {
      const mode = String(r.props.mode ?? "STANDARD_REPOSITORY");
      if (mode !== "STANDARD_REPOSITORY")
        findings.push({
          urn: r.urn,
          problem: `repository ${String(r.props.repositoryId)} is a ${mode}${r.props.remoteRepositoryConfig ? ` of ${JSON.stringify(r.props.remoteRepositoryConfig)}` : ""}: images the pipeline never built appear under the project's registry path`,
          fix: "keep every repository STANDARD_REPOSITORY; bring third-party images in through the image pipeline, which builds, scans and attests them",
        });
    }
    const imageProjects = new Set(repositories.map((r) => String(r.props.project)));
    const grants = resources.filter(
      (r) => REPOSITORY_GRANTS.includes(r.type) && WRITING_ROLES.includes(String(r.props.role)),
    );
    // The pipeline: the writer that holds a writing role on the most repositories.
    const counts = new Map<string, number>();
    for (const g of grants) for (const m of membersOf(g)) counts.set(m, (counts.get(m) ?? 0) + 1);
    const pipeline = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    for (const g of grants)
      for (const member of membersOf(g)) {
        if (member === pipeline && member.startsWith("serviceAccount:")) continue;
        findings.push({
          urn: g.urn,
          problem:
            member === pipeline
              ? `the image writer ${member} is not a single service account`
              : `${member} may write images to repository ${String(g.props.repository)} besides the image pipeline (${String(pipeline)})`,
          fix: "keep the image pipeline's service account the only writer",
        });
      }
    for (const g of resources.filter(
      (r) =>
        PROJECT_GRANTS.includes(r.type) &&
        WRITING_ROLES.includes(String(r.props.role)) &&
        imageProjects.has(String(r.props.project)),
    ))
      for (const member of membersOf(g))
        findings.push({
          urn: g.urn,
          problem: `${member} holds ${String(g.props.role)} on project ${String(g.props.project)}, which writes to every repository in it`,
          fix: "grant writing roles per repository, to the image pipeline only",
        });
    return findings;
  },
);
