import { CapturedResource } from "../engine/model";
import { evaluateOrgConstraints, ORG_CONSTRAINTS_PACK } from "../engine/orgConstraints/evaluate";
import { duration, googleResource } from "../engine/orgConstraints/googleResources";
import { BUILT_IN_CONSTRAINTS } from "../catalogue/orgConstraints/builtInConstraints";
import { CUSTOM_CONSTRAINTS, customConstraintName } from "../catalogue/orgConstraints/customConstraints";
import { caseTitled } from "../specs/cases/policyCases";
import { editResource, removeResource, urnOf, violationsOf } from "../specs/mutate";
import { planStack } from "./helpers/plan";

let prod: CapturedResource[];
let staging: CapturedResource[];
beforeAll(async () => {
  prod = (await planStack("prod")).resources;
  staging = (await planStack("staging")).resources;
});

describe("the clean plans", () => {
  test("prod and staging: no custom constraint would refuse anything", () => {
    expect(evaluateOrgConstraints(prod)).toEqual([]);
    expect(evaluateOrgConstraints(staging)).toEqual([]);
  });

  test.each(CUSTOM_CONSTRAINTS.filter((c) => c.resourceType !== "storage.googleapis.com/Bucket"))(
    "$id is evaluated on prod's resources of its type (it can fire)",
    (c) => {
      const evaluated = prod.filter((r) => r.custom && googleResource(r)?.type === c.resourceType);
      expect(evaluated.length).toBeGreaterThan(0);
    },
  );
});

describe.each(CUSTOM_CONSTRAINTS)("$id denies what its twin $twin catches", (c) => {
  test.each(c.denies)("%s", (title) => {
    const policyCase = caseTitled(title);
    const mutated = policyCase.mutate(prod);
    const name = customConstraintName("prod", c.id);
    const found = evaluateOrgConstraints(mutated).filter((v) => v.policyName === name);
    expect(found).toContainEqual(
      expect.objectContaining({
        policyPack: ORG_CONSTRAINTS_PACK,
        urn: urnOf(mutated, policyCase.on),
        // prod runs the custom constraints in dry-run: reported, not blocking.
        enforcementLevel: "advisory",
        message: expect.stringContaining(`[${c.controls.join(", ")}]`),
      }),
    );
    expect(found.every((v) => v.urn === urnOf(mutated, policyCase.on))).toBe(true);
    // Refused by the condition itself, as Google would, never by an evaluation error.
    expect(found.map((v) => v.message).join("\n")).not.toContain("cannot be evaluated");
  });
});

describe("enforcement follows the stack's org policies", () => {
  const publicLedger = editResource("prod-ledger-us-central1", (p) => {
    (p.settings as { ipConfiguration: { ipv4Enabled: boolean } }).ipConfiguration.ipv4Enabled = true;
  });
  const refusal = (resources: CapturedResource[]) =>
    evaluateOrgConstraints(resources).find((v) => v.policyName === "custom.qpProdSqlInstancePrivateTls");

  test("mandatory once the policies enforce the constraint", () => {
    const enforced = publicLedger(prod).map((r) =>
      r.type === "gcp:orgpolicy/policy:Policy" && r.inputs.dryRunSpec
        ? { ...r, inputs: { ...r.inputs, spec: r.inputs.dryRunSpec, dryRunSpec: undefined } }
        : r,
    );
    expect(refusal(enforced)).toMatchObject({
      enforcementLevel: "mandatory",
      message: expect.stringMatching(
        /Google would refuse it: it does not satisfy the ALLOW condition \(constraint enforced\)/,
      ),
    });
  });

  test("staging enforces its own constraints from the start", () => {
    const mutated = editResource("staging-ledger-us-central1", (p) => {
      (p.settings as { ipConfiguration: { ipv4Enabled: boolean } }).ipConfiguration.ipv4Enabled = true;
    })(staging);
    // Staging's names carry its generation: a rebuild cannot reuse a deleted constraint's name.
    expect(evaluateOrgConstraints(mutated)).toEqual(
      ["SqlInstancePrivateTls", "SqlInstanceTlsKept"].map((id) =>
        expect.objectContaining({
          policyName: expect.stringMatching(new RegExp(`^custom\\.qpStaging${id}G[0-9a-f]{4}$`)),
          enforcementLevel: "mandatory",
        }),
      ),
    );
  });

  test("an export without the org policies still reports, as not applied", () => {
    const without = publicLedger(prod).filter((r) => !r.type.startsWith("gcp:orgpolicy/"));
    expect(refusal(without)).toMatchObject({
      enforcementLevel: "advisory",
      message: expect.stringContaining("(constraint not applied)"),
    });
  });
});

describe("the evaluator", () => {
  test("a condition that cannot be evaluated on a resource is reported, not passed", () => {
    const broken = { ...CUSTOM_CONSTRAINTS[0], id: "Broken", condition: "resource.noSuchField == 1" };
    const found = evaluateOrgConstraints(prod, [broken]);
    expect(found.length).toBe(
      prod.filter((r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance").length,
    );
    expect(found[0].message).toMatch(/its condition cannot be evaluated on it \(.*noSuchField/);
  });

  test("durations compare as durations, as Google types them", () => {
    const key = (rotationPeriod: string) =>
      evaluateOrgConstraints(
        editResource("prod-keys-us-central1-redis", (p) => (p.rotationPeriod = rotationPeriod))(prod),
      ).filter((v) => v.policyName === "custom.qpProdKmsKeyRotationRetention");
    expect(key("7776000s")).toEqual([]);
    expect(key("7776000.5s")).toHaveLength(1);
    expect(key("604800s")).toEqual([]);
    expect(duration("90s")).toMatchObject({ seconds: 90n, nanos: 0 });
  });

  test("unset inputs read as the provider's defaults (a Memorystore instance without TLS or AUTH)", () => {
    const mutated = editResource("prod-cache-us-east1-instance", (p) => {
      delete p.transitEncryptionMode;
      delete p.authEnabled;
    })(prod);
    expect(
      googleResource(mutated.find((r) => r.name === "prod-cache-us-east1-instance")!)?.resource,
    ).toMatchObject({
      transitEncryptionMode: "DISABLED",
      authEnabled: false,
    });
    expect(evaluateOrgConstraints(mutated).map((v) => v.policyName)).toEqual([
      "custom.qpProdRedisInstanceHardening",
    ]);
  });
});

describe("the catalogue", () => {
  test("every custom constraint names a twin policy and a case it denies", () => {
    for (const c of CUSTOM_CONSTRAINTS) {
      expect(c.denies.length).toBeGreaterThan(0);
      for (const title of c.denies) expect(caseTitled(title).policy).toBeDefined();
    }
  });

  test("built-in constraints with dry-run are the managed ones and the legacy four Google lists", () => {
    expect(BUILT_IN_CONSTRAINTS.filter((b) => b.dryRun).map((b) => b.constraint)).toEqual([
      "gcp.restrictTLSVersion",
      "iam.managed.disableServiceAccountKeyCreation",
      "iam.managed.allowedPolicyMembers",
      "container.managed.enablePrivateNodes",
      "container.managed.enableSecretsEncryption",
      "container.managed.enableBinaryAuthorization",
      "container.managed.disableABAC",
      "container.managed.disallowDefaultComputeServiceAccount",
      "container.managed.enableWorkloadIdentityFederation",
    ]);
  });
});

describe("OrgGuardrails as each stack applies it", () => {
  const policies = (resources: CapturedResource[]) =>
    resources.filter((r) => r.type === "gcp:orgpolicy/policy:Policy");
  const named = (resources: CapturedResource[], name: string) => {
    const r = resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}`);
    return r.inputs;
  };

  test("prod: each of its four projects, custom and managed constraints in dry-run, legacy ones enforced", () => {
    const prodPolicies = policies(prod);
    expect(new Set(prodPolicies.map((p) => String(p.inputs.parent).replace(/\d+$/, "N")))).toEqual(
      new Set(["projects/N"]),
    );
    expect(new Set(prodPolicies.map((p) => p.inputs.parent)).size).toBe(4);
    // Every custom and built-in constraint, less the two that act only when a project is created.
    expect(prodPolicies.length).toBe(4 * (CUSTOM_CONSTRAINTS.length + BUILT_IN_CONSTRAINTS.length - 2));
    expect(named(prod, "prod-guardrails-cde-SqlInstanceCmek")).toMatchObject({
      name: expect.stringMatching(/^projects\/\d+\/policies\/custom\.qpProdSqlInstanceCmek$/),
      dryRunSpec: { rules: [{ enforce: "TRUE" }] },
    });
    expect(named(prod, "prod-guardrails-cde-SqlInstanceCmek").spec).toBeUndefined();
    expect(named(prod, "prod-guardrails-cde-container.managed.enablePrivateNodes")).toMatchObject({
      dryRunSpec: { rules: [{ enforce: "TRUE" }] },
    });
    expect(named(prod, "prod-guardrails-cde-sql.restrictPublicIp")).toMatchObject({
      spec: { rules: [{ enforce: "TRUE" }] },
    });
    expect(prod.some((r) => r.name === "prod-guardrails-cde-compute.skipDefaultNetworkCreation")).toBe(false);
  });

  test("staging: its folder, everything enforced, the creation-time constraints included, its generation in the names", () => {
    const stagingPolicies = policies(staging);
    expect(new Set(stagingPolicies.map((p) => p.inputs.parent))).toEqual(new Set(["folders/538201947712"]));
    expect(stagingPolicies.length).toBe(CUSTOM_CONSTRAINTS.length + BUILT_IN_CONSTRAINTS.length);
    expect(stagingPolicies.every((p) => p.inputs.spec && p.inputs.dryRunSpec === undefined)).toBe(true);
    expect(named(staging, "staging-guardrails-SqlInstanceCmek").name).toMatch(
      /^custom\.qpStagingSqlInstanceCmekG[0-9a-f]{4}$/,
    );
    expect(named(staging, "staging-guardrails-folder-compute.skipDefaultNetworkCreation")).toMatchObject({
      spec: { rules: [{ enforce: "TRUE" }] },
    });
  });

  test("list constraints: deny lists add to the organisation's, allow lists name the stack's own KMS project and regions", async () => {
    expect(named(staging, "staging-guardrails-folder-gcp.restrictNonCmekServices").spec).toEqual({
      inheritFromParent: true,
      rules: [
        {
          values: {
            deniedValues: [
              "sqladmin.googleapis.com",
              "redis.googleapis.com",
              "container.googleapis.com",
              "artifactregistry.googleapis.com",
              "secretmanager.googleapis.com",
            ],
          },
        },
      ],
    });
    // Staging's KMS project carries the generation suffix: the real id, not the configured one.
    expect(named(staging, "staging-guardrails-folder-gcp.restrictCmekCryptoKeyProjects").spec).toEqual({
      rules: [
        { values: { allowedValues: [expect.stringMatching(/^under:projects\/qp-stg-kms-[0-9a-f]{4}$/)] } },
      ],
    });
    expect(named(prod, "prod-guardrails-kms-gcp.resourceLocations").spec).toEqual({
      rules: [{ values: { allowedValues: ["in:us-central1-locations", "in:us-east1-locations", "global"] } }],
    });
    expect(named(prod, "prod-guardrails-kms-compute.vmExternalIpAccess").spec).toEqual({
      rules: [{ denyAll: "TRUE" }],
    });
    // No peering beyond those that exist (private services access) unless the stack lists one.
    expect(named(prod, "prod-guardrails-cde-compute.restrictVpcPeering").spec).toEqual({
      rules: [{ denyAll: "TRUE" }],
    });
    const peered = await planStack("prod", {
      vpcPeeringAllowlist: ["projects/a1b2c3d4e5-tp/global/networks/servicenetworking"],
    });
    expect(named(peered.resources, "prod-guardrails-cde-compute.restrictVpcPeering").spec).toEqual({
      rules: [{ values: { allowedValues: ["projects/a1b2c3d4e5-tp/global/networks/servicenetworking"] } }],
    });
    // Domain restricted sharing, managed and dry-run in prod: the customer's identities and the organisation.
    expect(named(prod, "prod-guardrails-platform-iam.managed.allowedPolicyMembers").dryRunSpec).toEqual({
      rules: [
        {
          enforce: "TRUE",
          parameters: JSON.stringify({
            allowedMemberSubjects: ["is:C03k8q2xz"],
            allowedPrincipalSets: ["//cloudresourcemanager.googleapis.com/organizations/418726350912"],
          }),
        },
      ],
    });
  });
});

describe("orgpolicy-guardrails-applied, on the stack as a whole", () => {
  test("a custom constraint the stack no longer defines", async () => {
    const mutated = removeResource("prod-guardrails-FirewallNoInternetIngress")(prod);
    expect(
      (await violationsOf(mutated, "orgpolicy-guardrails-applied")).map((v) => v.message),
    ).toContainEqual(
      expect.stringContaining(
        "[GOV-03] stack: custom constraint FirewallNoInternetIngress (NET-03) is not defined.",
      ),
    );
  });

  test("a stack with no organisation policy at all", async () => {
    const mutated = prod.filter((r) => !r.type.startsWith("gcp:orgpolicy/"));
    const found = await violationsOf(mutated, "orgpolicy-guardrails-applied");
    expect(found.map((v) => v.message)).toContainEqual(
      expect.stringContaining("[GOV-03] stack: no organisation policy governs the stack's projects."),
    );
    expect(found.every((v) => v.enforcementLevel === "mandatory")).toBe(true);
  });
});
