import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { celEnv, parse, plan } from "@bufbuild/cel";
import { DEPLOY_WORKFLOW, PREVIEW_WORKFLOW } from "../ciIdentities/config";
import { APPLY_RESOURCE_ROLES, applyRolesByType } from "../ciIdentities/roles";
import {
  GITHUB_ATTRIBUTE_MAPPING,
  githubAttributeCondition,
  jobAttribute,
} from "../components/githubFederation";
import { CapturedResource } from "../engine/model";
import { loadStack } from "../engine/stackFile";
import { configFromValues } from "../platform/config/read";
import { ciIdentitiesStackFile, planCiIdentities } from "../tools/ciIdentitiesPlan";
import { planStack } from "./helpers/plan";

const ROOT = path.join(__dirname, "..");
const REPO = "qairopay/platform";
const TRUST = {
  repository: REPO,
  repositoryId: "812734650",
  branch: "main",
  workflows: [PREVIEW_WORKFLOW, DEPLOY_WORKFLOW],
};

let ci: Record<"prod" | "staging", CapturedResource[]>;
let platform: Record<"prod" | "staging", CapturedResource[]>;
beforeAll(async () => {
  // One offline run at a time: the Pulumi runtime is process-global (engine/run.ts).
  const cp = await planCiIdentities("prod");
  const cs = await planCiIdentities("staging");
  for (const p of [cp, cs]) expect([p.violations, p.rehearsal]).toEqual([[], []]);
  ci = { prod: cp.resources, staging: cs.resources };
  platform = { prod: (await planStack("prod")).resources, staging: (await planStack("staging")).resources };
});

const outputsOf = (resources: CapturedResource[]) =>
  resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs as Record<string, string>;

describe("the CI identities (IAM-08, issue #29)", () => {
  test.each(["prod", "staging"] as const)(
    "%s: the identities it creates are the ones the platform stack names (deployerPrincipal, previewPrincipal)",
    (stack) => {
      const config = configFromValues(loadStack(stack).values, stack);
      const outputs = outputsOf(ci[stack]);
      expect([outputs.deployerPrincipal, outputs.previewPrincipal]).toEqual([
        config.deployer.principal,
        config.deployer.previewPrincipal,
      ]);
    },
  );

  test("the workflow files the provider trusts exist", () => {
    for (const workflow of [PREVIEW_WORKFLOW, DEPLOY_WORKFLOW])
      expect([workflow, fs.existsSync(path.join(ROOT, workflow))]).toEqual([workflow, true]);
  });

  test("the provider exchanges only tokens of this repository's main branch and two workflow files", () => {
    const provider = ci.prod.find(
      (r) => r.type === "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
    );
    expect(provider?.inputs).toMatchObject({
      project: "qp-platform-ci",
      workloadIdentityPoolId: "qp-prod-github",
      workloadIdentityPoolProviderId: "github",
      oidc: { issuerUri: "https://token.actions.githubusercontent.com" },
      attributeMapping: GITHUB_ATTRIBUTE_MAPPING,
      attributeCondition:
        'assertion.repository_id == "812734650" && assertion.repository == "qairopay/platform" && assertion.ref == "refs/heads/main" && assertion.workflow_ref in ["qairopay/platform/.github/workflows/pull-request-preview.yml@refs/heads/main", "qairopay/platform/.github/workflows/deploy.yml@refs/heads/main"]',
    });
  });

  test("the condition, evaluated as CEL on GitHub's claims: the deploy run passes, a pull request's run does not", () => {
    const accepts = (claims: Record<string, string>) =>
      plan(celEnv(), parse(githubAttributeCondition(TRUST)))({ assertion: claims }) === true;
    const deploy = {
      repository_id: "812734650",
      repository: REPO,
      ref: "refs/heads/main",
      workflow_ref: `${REPO}/.github/workflows/deploy.yml@refs/heads/main`,
    };
    expect(accepts(deploy)).toBe(true);
    // The old pull-request workflow's jobs: PR code with a token, which is what must never happen.
    expect(
      accepts({
        ...deploy,
        ref: "refs/pull/7/merge",
        workflow_ref: `${REPO}/.github/workflows/pull-request.yml@refs/pull/7/merge`,
      }),
    ).toBe(false);
    expect(
      accepts({ ...deploy, workflow_ref: `${REPO}/.github/workflows/pull-request.yml@refs/heads/main` }),
    ).toBe(false);
  });

  test("who may impersonate whom: the plan identity the two workflows' jobs on main, the apply identity only the deploy job of its environment", () => {
    const bindings = (resources: CapturedResource[]) =>
      resources
        .filter((r) => r.type === "gcp:serviceaccount/iAMMember:IAMMember")
        .map((r) => [r.name, r.inputs.role, String(r.inputs.member).split("/attribute.job/")[1]]);
    expect(bindings(ci.prod)).toEqual([
      ["prod-plan-federated-0", "roles/iam.workloadIdentityUser", jobAttribute(TRUST, PREVIEW_WORKFLOW)],
      ["prod-plan-federated-1", "roles/iam.workloadIdentityUser", jobAttribute(TRUST, DEPLOY_WORKFLOW)],
      [
        "prod-deployer-federated-0",
        "roles/iam.workloadIdentityUser",
        jobAttribute(TRUST, DEPLOY_WORKFLOW, "prod"),
      ],
    ]);
    expect(jobAttribute(TRUST, DEPLOY_WORKFLOW, "prod")).toBe(
      "repo:qairopay/platform:environment:prod:workflow:qairopay/platform/.github/workflows/deploy.yml@refs/heads/main",
    );
  });

  test("prod grants on its four projects; staging, which creates its projects, on its folder with project creation and billing", () => {
    const scopes = (resources: CapturedResource[], member: string) =>
      [
        ...new Set(
          resources
            .filter((r) => /iAMMember|IamMember/.test(r.type) && r.inputs.member === member)
            .map(
              (r) =>
                `${r.type.split(":")[1]} ${String(r.inputs.project ?? r.inputs.folder ?? r.inputs.orgId ?? r.inputs.billingAccountId ?? r.inputs.name)}`,
            ),
        ),
      ].sort();
    expect(scopes(ci.prod, "serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com")).toEqual([
      "accesscontextmanager/accessPolicyIamMember 847362519014",
      "organizations/iAMMember 418726350912",
      "projects/iAMMember qp-prod-cde",
      "projects/iAMMember qp-prod-kms",
      "projects/iAMMember qp-prod-logging",
      "projects/iAMMember qp-prod-platform",
    ]);
    expect(
      scopes(ci.staging, "serviceAccount:staging-deployer@qp-platform-ci.iam.gserviceaccount.com"),
    ).toEqual([
      "accesscontextmanager/accessPolicyIamMember 847362519014",
      "billing/accountIamMember 01A2B3-C4D5E6-F7A8B9",
      "folder/iAMMember folders/538201947712",
      "organizations/iAMMember 418726350912",
    ]);
  });

  test("the apply identity's roles and the platform's resources, both ways: every type has its role, every role serves a type", () => {
    const byType = applyRolesByType();
    const typeOf = (t: string) => (t.startsWith("kubernetes:") ? "kubernetes:*" : t);
    const managed = new Set(
      [...platform.prod, ...platform.staging]
        .filter((r) => r.custom && !r.type.startsWith("pulumi:") && !/^(random|time):/.test(r.type))
        .map((r) => typeOf(r.type)),
    );
    expect([...managed].filter((t) => !byType.has(t)).sort()).toEqual([]);
    const used = new Set([...managed].flatMap((t) => byType.get(t) ?? []));
    const roles = [...new Set([...byType.values()].flat())];
    expect(roles.filter((role) => !used.has(role))).toEqual([]);
    // 24, and detection, backups and just-in-time access's eight (#24).
    expect(APPLY_RESOURCE_ROLES.length).toBe(24 + 8);
  });

  test("a bad configuration is refused before anything registers, every problem named", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-identities-"));
    const file = path.join(dir, "Pulumi.bad.yaml");
    fs.writeFileSync(
      file,
      fs
        .readFileSync(ciIdentitiesStackFile("staging"), "utf8")
        .replace('repositoryId: "812734650"', "repositoryId: qairopay")
        .replace("  qairopay-ci-identities:billingAccount: 01A2B3-C4D5E6-F7A8B9\n", ""),
    );
    await expect(planCiIdentities("bad", file)).rejects.toThrow(
      "invalid CI identities configuration:\n  qairopay-ci-identities:repositoryId: must be a numeric repository id (gh api repos/OWNER/NAME --jq .id)\n  qairopay-ci-identities:billingAccount: is required with folderId",
    );
  });
});
