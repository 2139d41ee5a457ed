import { celEnv, isCelError, parse, plan } from "@bufbuild/cel";
import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";

const PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";
const SA_GRANT = "gcp:serviceaccount/iAMMember:IAMMember";
const GITHUB = "https://token.actions.githubusercontent.com";

/** The literal a condition compares a claim with (`assertion.X == "v"`), or the list it tests it against (`in [...]`). */
function pinned(condition: string, claim: string): string[] {
  const eq = new RegExp(`assertion\\.${claim}\\s*==\\s*("(?:[^"\\\\]|\\\\.)*")`).exec(condition);
  if (eq) return [JSON.parse(eq[1]) as string];
  const list = new RegExp(`assertion\\.${claim}\\s+in\\s+\\[([^\\]]*)\\]`).exec(condition);
  return list
    ? [...list[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string)
    : [];
}

/**
 * Whether the condition, evaluated as Google evaluates it (CEL over the token's claims), accepts a
 * token. A condition that cannot be evaluated on a token refuses it.
 */
function accepts(condition: string, assertion: Record<string, string>): boolean {
  const result = plan(celEnv(), parse(condition))({ assertion });
  return !isCelError(result) && result === true;
}

/**
 * The provider's condition judged by what it does: a token of the pinned repository, branch and
 * workflow is accepted, and the same token with any one of those changed (another repository of
 * the same name, a fork, another branch, another workflow file, a pull request's merge ref) is not.
 */
function conditionFindings(p: PolicyResource): Finding[] {
  const condition = String(p.props.attributeCondition ?? "");
  const id = `provider ${String(p.props.workloadIdentityPoolProviderId)}`;
  if (!condition)
    return [
      {
        urn: p.urn,
        problem: `${id} has no attribute condition: every GitHub repository's workflows get a Google token`,
        fix: "pin the repository, the branch and the workflows (components/githubFederation.ts)",
      },
    ];
  const [repositoryId] = pinned(condition, "repository_id");
  const [repository] = pinned(condition, "repository");
  const [ref] = pinned(condition, "ref");
  const workflows = pinned(condition, "workflow_ref").length
    ? pinned(condition, "workflow_ref")
    : pinned(condition, "job_workflow_ref");
  const unpinned = [
    ["repository_id", repositoryId],
    ["repository", repository],
    ["ref", ref],
    ["workflow_ref", workflows[0]],
  ].filter(([, v]) => !v);
  if (unpinned.length)
    return [
      {
        urn: p.urn,
        problem: `${id}'s condition does not pin ${unpinned.map(([c]) => c).join(", ")}: ${condition}`,
        fix: "compare each claim with one literal (components/githubFederation.ts githubAttributeCondition)",
      },
    ];
  const token = {
    repository_id: repositoryId,
    repository,
    repository_owner: repository.split("/")[0],
    ref,
    workflow_ref: workflows[0],
    job_workflow_ref: workflows[0],
    event_name: "push",
    sub: `repo:${repository}:ref:${ref}`,
  };
  const findings: Finding[] = [];
  if (!accepts(condition, token))
    findings.push({
      urn: p.urn,
      problem: `${id}'s condition refuses the very workflow it names (${workflows[0]})`,
      fix: "fix the condition",
    });
  const variants: [string, Partial<typeof token>][] = [
    ["a re-created repository of the same name", { repository_id: "1" }],
    ["a fork", { repository: `attacker/${repository.split("/")[1]}`, repository_owner: "attacker" }],
    [
      "another branch",
      { ref: "refs/heads/attacker", workflow_ref: workflows[0].replace(/@.*$/, "@refs/heads/attacker") },
    ],
    [
      "a pull request's run",
      { ref: "refs/pull/1/merge", event_name: "pull_request", sub: `repo:${repository}:pull_request` },
    ],
    [
      "another workflow file",
      {
        workflow_ref: `${repository}/.github/workflows/attacker.yml@${ref}`,
        job_workflow_ref: `${repository}/.github/workflows/attacker.yml@${ref}`,
      },
    ],
  ];
  for (const [what, change] of variants)
    if (accepts(condition, { ...token, ...change }))
      findings.push({
        urn: p.urn,
        problem: `${id}'s condition accepts a token from ${what}: ${condition}`,
        fix: "require the repository id and name, the branch's ref and the workflow refs together (&&)",
      });
  return findings;
}

/**
 * Who may impersonate a CI identity: one principal set per workflow job (`attribute.job`), never a
 * whole pool or a whole repository; the apply identity only a job of an environment (the approval).
 */
function bindingFindings(resources: PolicyResource[]): Finding[] {
  const findings: Finding[] = [];
  for (const g of resources.filter(
    (r) => r.type === SA_GRANT && r.props.role === "roles/iam.workloadIdentityUser",
  )) {
    const member = String(g.props.member);
    const apply = /-deployer@/.test(String(g.props.serviceAccountId));
    const job =
      /^principalSet:\/\/iam\.googleapis\.com\/projects\/\d+\/locations\/global\/workloadIdentityPools\/[^/]+\/attribute\.job\/(.+)$/.exec(
        member,
      )?.[1];
    if (!job)
      findings.push({
        urn: g.urn,
        problem: `${member} may impersonate ${String(g.props.serviceAccountId)}: not one workflow job's principal set (a whole pool, repository or subject)`,
        fix: "bind the principal set of one workflow job (components/githubFederation.ts jobAttribute)",
      });
    else if (!/:workflow:.+\.ya?ml@refs\/heads\//.test(job))
      findings.push({
        urn: g.urn,
        problem: `${member} names no workflow file on a branch`,
        fix: "bind the principal set of one workflow job (jobAttribute)",
      });
    else if (apply && !/^repo:[^:]+:environment:[^:]+:workflow:/.test(job))
      findings.push({
        urn: g.urn,
        problem: `the apply identity may be impersonated by ${job}, a job of no environment: nobody approves the deployment`,
        fix: "bind the deploy job of the stack's environment (required reviewers), jobAttribute(trust, DEPLOY_WORKFLOW, env)",
      });
  }
  return findings;
}

export const ciFederationPinned = stackPolicy(
  {
    name: "iam-ci-federation-pinned",
    description:
      "GitHub's tokens are exchanged only for runs of one repository, one branch and named workflow files, and each CI identity is impersonable only by one workflow job's principal set, the apply identity only by a job of its approved environment.",
    controls: ["IAM-08"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Build the pool and identities with components/githubFederation.ts and components/pipelineIdentity.ts (ci-identities/).",
  },
  (resources) => [
    ...resources
      .filter(
        (r) =>
          r.type === PROVIDER && (r.props.oidc as { issuerUri?: string } | undefined)?.issuerUri === GITHUB,
      )
      .flatMap(conditionFindings),
    ...bindingFindings(resources),
  ],
);
