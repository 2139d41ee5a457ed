import * as gcp from "@pulumi/gcp";
import { GithubFederation, jobAttribute } from "../components/githubFederation";
import { PipelineIdentity } from "../components/pipelineIdentity";
import { CiIdentitiesConfig, DEPLOY_WORKFLOW, PREVIEW_WORKFLOW } from "./config";
import { applyGrants, planGrants } from "./roles";

/** APIs the CI project needs for federation: the pool (IAM), the token exchange (STS), impersonation. */
export const CI_PROJECT_APIS = ["iam.googleapis.com", "sts.googleapis.com", "iamcredentials.googleapis.com"];

/**
 * The identities one platform stack is previewed and deployed with (IAM-08), as cloud-foundation-
 * fabric's FAST stages do it (fast/stages/0-org-setup cicd-workflows.tf: a read-only `plan` and a
 * read-write `apply` service account per stage, each bound through Workload Identity Federation to
 * its repository and branch), narrowed further:
 *
 * - `<env>-plan`: read-only; impersonable by the preview workflow and the deploy workflow's preview
 *   job, runs on `main` only (never a pull request's code, docs/ci.md).
 * - `<env>-deployer`: the platform's deployerPrincipal; impersonable only by the deploy workflow's
 *   job in the `<env>` environment, which required reviewers approve; exactly the roles the stack
 *   needs (ciIdentities/roles.ts), org-level ones only where Google grants them nowhere lower.
 *
 * A separate project, run once by an organisation administrator, because the platform stack cannot
 * create the identity that runs its own first `up`, and an identity must not grant itself its roles.
 */
export function buildCiIdentities(config: CiIdentitiesConfig): Record<string, unknown> {
  const env = config.environment;
  const apis = CI_PROJECT_APIS.map(
    (service) =>
      new gcp.projects.Service(`${env}-ci-${service.split(".")[0]}`, {
        project: config.ciProject,
        service,
        disableOnDestroy: false,
      }),
  );
  const trust = { ...config.github, workflows: [PREVIEW_WORKFLOW, DEPLOY_WORKFLOW] };
  const federation = new GithubFederation(
    `${env}-github`,
    { project: config.ciProject, projectNumber: config.ciProjectNumber, poolId: `qp-${env}-github`, trust },
    { dependsOn: apis },
  );
  // The accounts and their bindings call the IAM API of the CI project: after its enablement.
  const afterApis = { dependsOn: apis };
  const plan = new PipelineIdentity(
    `${env}-plan`,
    {
      project: config.ciProject,
      accountId: `${env}-plan`,
      displayName: `QairoPay ${env} preview (read-only)`,
      description: `Previews the ${env} platform stack from ${config.github.repository}@${config.github.branch}; reads only.`,
      federatedPrincipals: [PREVIEW_WORKFLOW, DEPLOY_WORKFLOW].map((w) =>
        federation.principalSetOf(jobAttribute(trust, w)),
      ),
      grants: planGrants(config),
    },
    afterApis,
  );
  const apply = new PipelineIdentity(
    `${env}-deployer`,
    {
      project: config.ciProject,
      accountId: `${env}-deployer`,
      displayName: `QairoPay ${env} deployer`,
      description: `Runs pulumi up on the ${env} platform stack, from the deploy workflow's approved ${env} environment only.`,
      federatedPrincipals: [federation.principalSetOf(jobAttribute(trust, DEPLOY_WORKFLOW, env))],
      grants: applyGrants(config),
    },
    afterApis,
  );
  return {
    workloadIdentityProvider: federation.provider.name,
    planServiceAccount: plan.email,
    applyServiceAccount: apply.email,
    deployerPrincipal: apply.member,
    previewPrincipal: plan.member,
  };
}
