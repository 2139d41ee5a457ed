import { CapturedResource } from "../engine/model";
import { rehearseApply } from "../engine/rehearsal/rehearse";
import { previewAgainst } from "../engine/preview/preview";
import { shortUrn } from "../engine/model";
import { editResource, removeResource } from "../specs/mutate";
import { named, planStack } from "./helpers/plan";

/** Issue 29 item 4: the nodes' own service account, and the default account it replaces. */
let prod: CapturedResource[];
let staging: CapturedResource[];
beforeAll(async () => {
  prod = (await planStack("prod")).resources;
  staging = (await planStack("staging")).resources;
});

const urn = (resources: CapturedResource[], name: string) => named({ resources }, name).urn;
const ruleFindings = (resources: CapturedResource[], rule: string, given = {}) =>
  rehearseApply(resources, given).filter((f) => f.rule === rule);

describe("the node service account", () => {
  test("every cluster's nodes run as its project's gke-nodes account, which holds the node role only", () => {
    for (const [cluster, project] of [
      ["prod-gke-us-central1-cluster", "qp-prod-platform"],
      ["prod-cde-gke-us-east1-cluster", "qp-prod-cde"],
    ]) {
      const defaults = (
        named({ resources: prod }, cluster).inputs.clusterAutoscaling as {
          autoProvisioningDefaults: Record<string, unknown>;
        }
      ).autoProvisioningDefaults;
      expect(defaults.serviceAccount).toBe(`gke-nodes@${project}.iam.gserviceaccount.com`);
    }
    const grants = prod.filter(
      (r) => r.type.endsWith("iAMMember:IAMMember") && String(r.inputs.member).includes("gke-nodes@"),
    );
    expect(grants.map((g) => [g.type, g.inputs.role]).sort()).toEqual([
      ["gcp:projects/iAMMember:IAMMember", "roles/container.defaultNodeServiceAccount"],
      ["gcp:projects/iAMMember:IAMMember", "roles/container.defaultNodeServiceAccount"],
    ]);
    expect(named({ resources: prod }, "prod-images-us-east1-containers-nodes-reader").inputs).toMatchObject({
      role: "roles/artifactregistry.reader",
      member: "serviceAccount:gke-nodes@qp-prod-platform.iam.gserviceaccount.com",
      repository: "containers",
    });
    expect(named({ resources: prod }, "prod-cde-gke-nodes-deployer-act-as").inputs).toMatchObject({
      role: "roles/iam.serviceAccountUser",
      member: "serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com",
    });
  });

  test("a deployed cluster on the default account moves to it in place: an update, never a replacement", () => {
    const deployed = editResource("prod-cde-gke-us-central1-cluster", (p) => {
      delete (p.clusterAutoscaling as { autoProvisioningDefaults: Record<string, unknown> })
        .autoProvisioningDefaults.serviceAccount;
    })(prod);
    const { changes, findings } = previewAgainst(deployed, prod);
    expect(changes.find((c) => shortUrn(c.urn) === "prod-cde-gke-us-central1-cluster")).toMatchObject({
      op: "update",
    });
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

describe("node-service-account-ready", () => {
  test("the clean stacks", () => {
    expect(ruleFindings(prod, "node-service-account-ready")).toEqual([]);
    expect(ruleFindings(staging, "node-service-account-ready")).toEqual([]);
  });

  test("a cluster whose nodes' account lacks the node role", () => {
    const found = ruleFindings(removeResource("prod-cde-gke-nodes-role")(prod), "node-service-account-ready");
    expect(found.map((f) => f.urn)).toEqual(
      ["prod-cde-gke-us-central1-cluster", "prod-cde-gke-us-east1-cluster"].map((n) => urn(prod, n)),
    );
    expect(found[0].message).toBe(
      "prod-cde-gke-us-central1-cluster (gcp:container/cluster:Cluster): its nodes run as gke-nodes@qp-prod-cde.iam.gserviceaccount.com, which holds no roles/container.defaultNodeServiceAccount on qp-prod-cde: nodes cannot write logs and metrics. Grant it (NodeServiceAccount).",
    );
  });

  test("a deployer that may not act as the nodes' account", () => {
    const found = ruleFindings(
      removeResource("prod-gke-nodes-deployer-act-as")(prod),
      "node-service-account-ready",
    );
    expect(found.map((f) => f.urn)).toEqual(
      ["prod-gke-us-central1-cluster", "prod-gke-us-east1-cluster"].map((n) => urn(prod, n)),
    );
    expect(found[0].message).toContain(
      "holds nothing that lets it act as gke-nodes@qp-prod-platform.iam.gserviceaccount.com",
    );
  });

  test("grants not ordered before the cluster", () => {
    const detached = editResource("prod-gke-us-east1-cluster", (_p, r) => {
      r.dependencies = [];
      r.propertyDependencies = {};
      r.parent = prod.find((x) => x.type === "pulumi:pulumi:Stack")?.urn;
    })(prod);
    const found = ruleFindings(detached, "node-service-account-ready");
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining("roles/container.defaultNodeServiceAccount (prod-gke-nodes-role"),
      expect.stringContaining(
        "actAs on gke-nodes@qp-prod-platform.iam.gserviceaccount.com (prod-gke-nodes-deployer-act-as",
      ),
    ]);
  });
});

describe("default-compute-account-deprivileged", () => {
  test("adopted projects declared done by their owner: nothing to report", () => {
    expect(
      ruleFindings(prod, "default-compute-account-deprivileged", {
        defaultServiceAccountsDeprivileged: ["qp-prod-platform", "qp-prod-cde"],
      }),
    ).toEqual([]);
  });

  test("a created project whose folder gets the constraint only at the end", () => {
    // The projects no longer wait for the creation-time constraints (as when OrgGuardrails set them last).
    const late = staging.map((r) =>
      r.type === "qairopay:projects:PlatformProjects" ? { ...r, dependencies: [] } : r,
    );
    const found = ruleFindings(late, "default-compute-account-deprivileged");
    expect(found.length).toBe(2);
    expect(found[0]).toMatchObject({ severity: "warning" });
    expect(found[0].message).toMatch(
      /^qp-stg-(platform|cde)-[0-9a-f]{4} is created with its Compute Engine API before iam\.automaticIamGrantsForDefaultServiceAccounts is enforced on folders\/538201947712 \(staging-guardrails-folder-iam\.automaticIamGrantsForDefaultServiceAccounts comes later\)/,
    );
  });
});

describe("the creation-time constraints on staging's folder", () => {
  test("come before the projects, keeping their names (aliased from OrgGuardrails)", () => {
    const policy = named(
      { resources: staging },
      "staging-guardrails-folder-iam.automaticIamGrantsForDefaultServiceAccounts",
    );
    expect(policy.inputs.spec).toEqual({ rules: [{ enforce: "TRUE" }] });
    expect(policy.parent).toContain("qairopay:orgpolicy:CreationGuardrails::staging-guardrails-folder");
    // A component dependency is recorded as its children: the projects wait for both policies.
    expect(named({ resources: staging }, "staging").dependencies).toEqual(
      ["iam.automaticIamGrantsForDefaultServiceAccounts", "compute.skipDefaultNetworkCreation"].map((c) =>
        urn(staging, `staging-guardrails-folder-${c}`),
      ),
    );
  });
});

describe("the configuration keys of the hardening (a bad value stops the program before anything is registered)", () => {
  test("an image pipeline that is a group, a malformed customer id, a stranger declared deprivileged", async () => {
    await expect(
      planStack("prod", {
        imagePipelinePrincipal: "group:ci@qairopay.com",
        workspaceCustomerId: "qairopay.com",
        defaultServiceAccountsDeprivileged: ["qp-prod-platform", "qp-someone-else"],
        vpcPeeringAllowlist: ["servicenetworking"],
      }),
    ).rejects.toThrow(
      [
        'qairopay-platform:imagePipelinePrincipal = "group:ci@qairopay.com": must be serviceAccount:NAME@PROJECT.iam.gserviceaccount.com (one service account, never a group or user)',
        'qairopay-platform:workspaceCustomerId = "qairopay.com": must be a Google Workspace / Cloud Identity customer id such as C0abc1234',
        'qairopay-platform:vpcPeeringAllowlist[0] = "servicenetworking": must be projects/<project>/global/networks/<network>',
      ].join("\n  - "),
    );
    await expect(
      planStack("prod", { defaultServiceAccountsDeprivileged: ["qp-prod-platform", "qp-someone-else"] }),
    ).rejects.toThrow(
      'qairopay-platform:defaultServiceAccountsDeprivileged: ["qp-someone-else"] are not projects of this stack (qp-prod-platform, qp-prod-cde, qp-prod-kms, qp-prod-logging)',
    );
  });
});

describe("requiring attestations on a deployed stack (the preview guard)", () => {
  test("in the same update that creates the attestor: refused; after a transition up with it: allowed", async () => {
    // A stack deployed before attestations: no attestor, note or signing grants, the repositories by name.
    const transition = (await planStack("prod", { imageAttestationEnforced: false })).resources;
    const beforeAttestors = transition.filter(
      (r) =>
        !/^gcp:(binaryauthorization\/attestor|containeranalysis\/note)/.test(r.type) &&
        !r.name.includes("-signing-key-"),
    );
    const direct = previewAgainst(beforeAttestors, prod);
    expect(
      direct.findings
        .filter((f) => f.rule === "attestation-before-signing")
        .map((f) => [f.severity, shortUrn(f.urn)])
        .sort(),
    ).toEqual([
      ["error", "prod-cde-images-policy"],
      ["error", "prod-images-policy"],
    ]);
    expect(direct.findings.find((f) => f.rule === "attestation-before-signing")?.message).toContain(
      "Deploy with imageAttestationEnforced: false first, sign the running images, then enforce",
    );
    // The transition up created the attestors; enforcing afterwards is an ordinary update.
    const enforce = previewAgainst(transition, prod);
    expect(enforce.findings.filter((f) => f.rule === "attestation-before-signing")).toEqual([]);
    expect(enforce.changes.find((c) => shortUrn(c.urn) === "prod-images-policy")).toMatchObject({
      op: "update",
    });
  });
});
