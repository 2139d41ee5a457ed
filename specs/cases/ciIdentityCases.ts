import { addResource, editResource, removeResource } from "../mutate";
import type { PolicyCase } from "./policyCases";

/** Failing cases of the CI identities pack (IAM-08), each a mutation of ci-identities/Pulumi.prod.yaml's plan. */
const DEPLOYER = "serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com";
const PLAN = "serviceAccount:prod-plan@qp-platform-ci.iam.gserviceaccount.com";
const PROVIDER = "prod-github-github";
const PROVIDER_TYPE =
  'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider "prod-github-github"';
const POOL = "projects/730418265903/locations/global/workloadIdentityPools/qp-prod-github";
const REPO = "qairopay/platform";
const CONDITION = `assertion.repository_id == "812734650" && assertion.repository == "${REPO}" && assertion.ref == "refs/heads/main" && assertion.workflow_ref in ["${REPO}/.github/workflows/pull-request-preview.yml@refs/heads/main", "${REPO}/.github/workflows/deploy.yml@refs/heads/main"]`;
const ci = "ci-identities-prod" as const;

/** A grant added to the plan, as a changed program would add it. */
const grant = (name: string, project: string, role: string, member: string) =>
  addResource({
    type: "gcp:projects/iAMMember:IAMMember",
    name,
    urn: `urn:pulumi:prod::qairopay-ci-identities::gcp:projects/iAMMember:IAMMember::${name}`,
    inputs: { project, role, member },
  });

const setCondition = (condition: string) =>
  editResource(PROVIDER, (p) => {
    p.attributeCondition = condition;
  });

export const CI_IDENTITY_CASES: PolicyCase[] = [
  {
    policy: "iam-ci-identity-roles-exact",
    against: ci,
    title: "the apply identity missing a role on one project (the deployment fails there)",
    mutate: removeResource("prod-deployer-project-qp-prod-cde-cloudsql-admin"),
    on: "prod-deployer-project-qp-prod-cde-serviceusage-serviceUsageAdmin",
    message: `[IAM-08] gcp:projects/iAMMember:IAMMember "prod-deployer-project-qp-prod-cde-serviceusage-serviceUsageAdmin": the apply identity ${DEPLOYER} lacks roles/cloudsql.admin on project qp-prod-cde: the deployment fails there. Fix: grant exactly the roles of ciIdentities/roles.ts`,
  },
  {
    policy: "iam-ci-identity-roles-exact",
    against: ci,
    title: "the apply identity made project owner",
    mutate: grant("prod-deployer-owner", "qp-prod-cde", "roles/owner", DEPLOYER),
    on: "prod-deployer-project-qp-prod-cde-serviceusage-serviceUsageAdmin",
    message: `[IAM-08] gcp:projects/iAMMember:IAMMember "prod-deployer-project-qp-prod-cde-serviceusage-serviceUsageAdmin": the apply identity ${DEPLOYER} holds roles/owner on project qp-prod-cde, beyond its roles. Fix: remove the grant; a role the platform needs goes into ciIdentities/roles.ts and this policy's table together`,
  },
  {
    policy: "iam-ci-identity-roles-exact",
    against: ci,
    title: "the read-only plan identity given a write role",
    mutate: grant("prod-plan-sql", "qp-prod-platform", "roles/cloudsql.admin", PLAN),
    on: "prod-plan-project-qp-prod-platform-browser",
    message: `[IAM-08] gcp:projects/iAMMember:IAMMember "prod-plan-project-qp-prod-platform-browser": the plan identity ${PLAN} holds roles/cloudsql.admin on project qp-prod-platform, beyond its roles. Fix: remove the grant; a role the platform needs goes into ciIdentities/roles.ts and this policy's table together`,
  },
  {
    policy: "iam-ci-identity-roles-exact",
    against: ci,
    title: "the apply identity without its organisation role (custom constraints cannot be applied)",
    mutate: removeResource("prod-deployer-organization-418726350912-orgpolicy-policyAdmin"),
    on: "prod-deployer-account",
    message: `[IAM-08] gcp:serviceaccount/account:Account "prod-deployer-account": the apply identity ${DEPLOYER} holds nothing on the organization: it needs roles/orgpolicy.policyAdmin there. Fix: grant exactly the roles of ciIdentities/roles.ts`,
  },
  {
    policy: "iam-ci-federation-pinned",
    against: ci,
    title: "a provider with no attribute condition (every repository on GitHub federates)",
    mutate: setCondition(""),
    on: PROVIDER,
    message: `[IAM-08] ${PROVIDER_TYPE}: provider github has no attribute condition: every GitHub repository's workflows get a Google token. Fix: pin the repository, the branch and the workflows (components/githubFederation.ts)`,
  },
  {
    policy: "iam-ci-federation-pinned",
    against: ci,
    title: "the workflow pin dropped (any workflow on main, a new one included, gets a token)",
    mutate: setCondition(CONDITION.replace(/ && assertion\.workflow_ref in \[[^\]]*\]/, "")),
    on: PROVIDER,
    message: `[IAM-08] ${PROVIDER_TYPE}: provider github's condition does not pin workflow_ref: ${CONDITION.replace(/ && assertion\.workflow_ref in \[[^\]]*\]/, "")}. Fix: compare each claim with one literal (components/githubFederation.ts githubAttributeCondition)`,
  },
  {
    policy: "iam-ci-federation-pinned",
    against: ci,
    title: "the pins widened by an OR on the owner (any repository of the organisation federates)",
    mutate: setCondition(`${CONDITION} || assertion.repository_owner == "qairopay"`),
    on: PROVIDER,
    message: `[IAM-08] ${PROVIDER_TYPE}: provider github's condition accepts a token from a re-created repository of the same name: ${CONDITION} || assertion.repository_owner == "qairopay". Fix: require the repository id and name, the branch's ref and the workflow refs together (&&)`,
  },
  {
    policy: "iam-ci-federation-pinned",
    against: ci,
    title: "the apply identity bound to the whole repository (any workflow, any branch, no approval)",
    mutate: editResource("prod-deployer-federated-0", (p) => {
      p.member = `principalSet://iam.googleapis.com/${POOL}/attribute.repository/${REPO}`;
    }),
    on: "prod-deployer-federated-0",
    message: `[IAM-08] gcp:serviceaccount/iAMMember:IAMMember "prod-deployer-federated-0": principalSet://iam.googleapis.com/${POOL}/attribute.repository/${REPO} may impersonate projects/qp-platform-ci/serviceAccounts/prod-deployer@qp-platform-ci.iam.gserviceaccount.com: not one workflow job's principal set (a whole pool, repository or subject). Fix: bind the principal set of one workflow job (components/githubFederation.ts jobAttribute)`,
  },
  {
    policy: "iam-ci-federation-pinned",
    against: ci,
    title: "the apply identity bound to the preview job, which no reviewer approves",
    mutate: editResource("prod-deployer-federated-0", (p) => {
      p.member = `principalSet://iam.googleapis.com/${POOL}/attribute.job/repo:${REPO}:ref:refs/heads/main:workflow:${REPO}/.github/workflows/deploy.yml@refs/heads/main`;
    }),
    on: "prod-deployer-federated-0",
    message: `[IAM-08] gcp:serviceaccount/iAMMember:IAMMember "prod-deployer-federated-0": the apply identity may be impersonated by repo:${REPO}:ref:refs/heads/main:workflow:${REPO}/.github/workflows/deploy.yml@refs/heads/main, a job of no environment: nobody approves the deployment. Fix: bind the deploy job of the stack's environment (required reviewers), jobAttribute(trust, DEPLOY_WORKFLOW, env)`,
  },
];
