import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** GitHub's OIDC issuer (https://docs.github.com/en/actions/reference/security/oidc). */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** Which workflow runs of which repository a provider accepts tokens from. */
export interface GithubTrust {
  /** `owner/name`. */
  repository: string;
  /** The repository's numeric id (`gh api repos/OWNER/NAME --jq .id`): a deleted and re-created repository of the same name gets another. */
  repositoryId: string;
  /** The one branch whose workflows may federate, e.g. `main`. */
  branch: string;
  /** Workflow files, e.g. `.github/workflows/deploy.yml`. */
  workflows: string[];
}

/** `owner/name/.github/workflows/file.yml@refs/heads/branch`: the `workflow_ref` claim of a run of that file on that branch. */
export const workflowRef = (trust: GithubTrust, workflow: string): string =>
  `${trust.repository}/${workflow}@refs/heads/${trust.branch}`;

/**
 * The provider's attribute condition: only tokens of this repository (by id and name), of a run on
 * the branch, of one of the listed workflow files are exchanged at all. `workflow_ref` is "the ref
 * path to the workflow", e.g. `octocat/hello-world/.github/workflows/my-workflow.yml@refs/heads/my_branch`,
 * and `ref` "the git ref that triggered the workflow run" (GitHub's OIDC reference,
 * https://docs.github.com/en/actions/reference/security/oidc): a pull request's run has
 * `refs/pull/N/merge`, and a workflow edited on another branch has that branch in both.
 */
export function githubAttributeCondition(trust: GithubTrust): string {
  const refs = trust.workflows.map((w) => JSON.stringify(workflowRef(trust, w)));
  return [
    `assertion.repository_id == ${JSON.stringify(trust.repositoryId)}`,
    `assertion.repository == ${JSON.stringify(trust.repository)}`,
    `assertion.ref == ${JSON.stringify(`refs/heads/${trust.branch}`)}`,
    `assertion.workflow_ref in [${refs.join(", ")}]`,
  ].join(" && ");
}

/**
 * Claims mapped onto the federated principal. `attribute.job` joins the subject (which names the
 * job's environment, or else its ref: "repo:ORG/REPO:environment:NAME", "repo:ORG/REPO:ref:REF")
 * with the workflow, so a service account can trust one workflow's jobs of one environment and
 * nothing else (fabric's FAST `fast_sub` does the same with the ref alone).
 */
export const GITHUB_ATTRIBUTE_MAPPING = {
  "google.subject": "assertion.sub",
  "attribute.repository": "assertion.repository",
  "attribute.repository_id": "assertion.repository_id",
  "attribute.ref": "assertion.ref",
  "attribute.workflow_ref": "assertion.workflow_ref",
  "attribute.job": 'assertion.sub + ":workflow:" + assertion.workflow_ref',
};

/** The `attribute.job` value of a run of `workflow` on the branch, in `environment` (or none). */
export function jobAttribute(trust: GithubTrust, workflow: string, environment?: string): string {
  const subject = environment
    ? `repo:${trust.repository}:environment:${environment}`
    : `repo:${trust.repository}:ref:refs/heads/${trust.branch}`;
  return `${subject}:workflow:${workflowRef(trust, workflow)}`;
}

export interface GithubFederationArgs {
  /** The project holding the pool (the CI project). */
  project: string;
  /** Its number: principal sets name the pool by project number, known here before the pool exists. */
  projectNumber: string;
  /** Pool id, 4-32 characters of [a-z0-9-]. */
  poolId: string;
  trust: GithubTrust;
}

/**
 * A Workload Identity pool with one GitHub provider (IAM-08): GitHub's OIDC tokens are exchanged
 * only for runs of the named workflows on the named branch of this one repository, so no fork,
 * pull request, other branch or other workflow file gets a Google token at all. Which of those runs
 * may impersonate which service account is decided by each account's binding (`principalSetOf`).
 */
export class GithubFederation extends pulumi.ComponentResource {
  public readonly pool: gcp.iam.WorkloadIdentityPool;
  public readonly provider: gcp.iam.WorkloadIdentityPoolProvider;
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL`, what principal sets name. */
  public readonly poolName: string;

  constructor(name: string, args: GithubFederationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:ci:GithubFederation", name, {}, opts);
    this.pool = new gcp.iam.WorkloadIdentityPool(
      `${name}-pool`,
      {
        project: args.project,
        workloadIdentityPoolId: args.poolId,
        displayName: "GitHub Actions (QairoPay)",
        description: `Runs of ${args.trust.repository} on ${args.trust.branch}: ${args.trust.workflows.join(", ")}`,
      },
      { parent: this },
    );
    this.provider = new gcp.iam.WorkloadIdentityPoolProvider(
      `${name}-github`,
      {
        project: args.project,
        workloadIdentityPoolId: this.pool.workloadIdentityPoolId,
        workloadIdentityPoolProviderId: "github",
        displayName: "GitHub Actions",
        attributeMapping: GITHUB_ATTRIBUTE_MAPPING,
        attributeCondition: githubAttributeCondition(args.trust),
        oidc: { issuerUri: GITHUB_ISSUER },
      },
      { parent: this },
    );
    // Plain text, not the pool's output: the bindings that name it are then known at preview, so
    // the policy pack can judge them before anything is created.
    this.poolName = `projects/${args.projectNumber}/locations/global/workloadIdentityPools/${args.poolId}`;
    this.registerOutputs({ pool: this.pool, provider: this.provider, poolName: this.poolName });
  }

  /** The principal set of the runs whose `attribute.job` is `job` (see jobAttribute). */
  principalSetOf(job: string): string {
    return `principalSet://iam.googleapis.com/${this.poolName}/attribute.job/${job}`;
  }
}
