import { GcpMocks, mockProjectNumber } from "../engine/gcpMocks";
import { analyzeStackRequest } from "../engine/policyEvaluator";
import { runOffline } from "../engine/run";
import { loadStack, toStackConfig } from "../engine/stackFile";
import { ConfigError } from "../platform/config/read";
import { named, planStack, sorted, withOverrides } from "./helpers/plan";
import type { OfflineRun } from "../engine/run";

let prod: OfflineRun;
beforeAll(async () => {
  prod = await planStack("prod");
});

describe("engine-less harness", () => {
  test("captures every registration with its options", () => {
    const primary = named(prod, "prod-ledger-us-central1");
    expect(primary.urn).toBe(
      "urn:pulumi:prod::qairopay-platform::qairopay:database:PostgresCluster$gcp:sql/databaseInstance:DatabaseInstance::prod-ledger-us-central1",
    );
    expect(primary.parent).toBe(
      "urn:pulumi:prod::qairopay-platform::qairopay:database:PostgresCluster::prod-ledger",
    );
    expect(primary.custom).toBe(true);
    expect(primary.protect).toBe(true);
    expect(primary.provider).toBe(
      "urn:pulumi:prod::qairopay-platform::pulumi:providers:gcp::default::00000000-0000-4000-8000-000000000001",
    );
    expect(primary.dependencies).toEqual(
      expect.arrayContaining([
        "urn:pulumi:prod::qairopay-platform::qairopay:network:PrivateNetwork$gcp:servicenetworking/connection:Connection::prod-platform-net-psa",
        "urn:pulumi:prod::qairopay-platform::qairopay:kms:KeyHierarchy$gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember::prod-keys-us-central1-ledger-sql-platform-cloud-sql",
      ]),
    );
    expect(primary.propertyDependencies.encryptionKeyName).toEqual([
      "urn:pulumi:prod::qairopay-platform::qairopay:kms:KeyHierarchy$gcp:kms/cryptoKey:CryptoKey::prod-keys-us-central1-ledger-sql",
    ]);
    const key = named(prod, "prod-keys-us-east1-ledger-sql");
    expect({ protect: key.protect, retainOnDelete: key.retainOnDelete }).toEqual({
      protect: true,
      retainOnDelete: true,
    });
  });

  test("nested URNs carry the full chain of parent types", () => {
    const stack = prod.resources[0];
    expect(stack.type).toBe("pulumi:pulumi:Stack");
    expect(stack.urn).toBe("urn:pulumi:prod::qairopay-platform::pulumi:pulumi:Stack::qairopay-platform-prod");
    expect(new Set(prod.resources.map((r) => r.urn)).size).toBe(prod.resources.length);
  });

  test("mocks answer like the provider: key ids, service-agent e-mails with project numbers", () => {
    const key = named(prod, "prod-keys-us-central1-card-vault-sql");
    expect(key.id).toBe(
      "projects/qp-prod-kms/locations/us-central1/keyRings/cardholder/cryptoKeys/card-vault-sql",
    );
    const grant = named(prod, "prod-keys-us-central1-card-vault-sql-cde-cloud-sql");
    expect(grant.inputs).toEqual({
      cryptoKeyId: "projects/qp-prod-kms/locations/us-central1/keyRings/cardholder/cryptoKeys/card-vault-sql",
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: `serviceAccount:service-${mockProjectNumber("qp-prod-cde")}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
    });
    // The attestors' public keys are read from KMS: version 1 of each signing key.
    const signingKeys = (project: string) =>
      ["us-central1", "us-east1"].flatMap((r) =>
        ["image-attestor", "cde-image-attestor"].map((k) => [
          "gcp:kms/getKMSCryptoKeyVersion:getKMSCryptoKeyVersion",
          `projects/${project}/locations/${r}/keyRings/attestation/cryptoKeys/${k}`,
        ]),
      );
    const byInput = (c: { token: string; inputs: Record<string, unknown> }) => [
      c.token,
      c.inputs.projectId ?? c.inputs.project ?? c.inputs.cryptoKey,
    ];
    expect(
      sorted(prod.calls.map(byInput).filter((c) => String(c[0]).includes("getKMSCryptoKeyVersion"))),
    ).toEqual(sorted(signingKeys("qp-prod-kms")));
    expect(prod.calls.map(byInput).filter((c) => !String(c[0]).includes("getKMSCryptoKeyVersion"))).toEqual([
      ["gcp:organizations/getProject:getProject", "qp-prod-platform"],
      ["gcp:organizations/getProject:getProject", "qp-prod-cde"],
      ["gcp:organizations/getProject:getProject", "qp-prod-kms"],
      ["gcp:organizations/getProject:getProject", "qp-prod-logging"],
      ["gcp:logging/getProjectCmekSettings:getProjectCmekSettings", "qp-prod-logging"],
      // Cloud Storage's agent of each data project, which encrypts the backup buckets (RES-10).
      ["gcp:storage/getProjectServiceAccount:getProjectServiceAccount", "qp-prod-platform"],
      ["gcp:storage/getProjectServiceAccount:getProjectServiceAccount", "qp-prod-cde"],
    ]);
  });

  test("secrets stay secrets: Redis AUTH is a secret output", () => {
    const redis = named(prod, "prod-cache-us-central1-instance");
    expect(redis.outputs.authString).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: "offline-mock-redis-auth-string",
    });
  });

  test("offline, secure: values are placeholders or come from QAIROPAY_OFFLINE_SECRETS, and stay secret keys", () => {
    const file = {
      "qairopay-platform:pagerDutyServiceKey": { secure: "v1:ciphertext" },
      "qairopay-platform:owner": "team",
    };
    const saved = process.env.QAIROPAY_OFFLINE_SECRETS;
    try {
      delete process.env.QAIROPAY_OFFLINE_SECRETS;
      expect(toStackConfig("x", file)).toEqual({
        stack: "x",
        values: {
          "qairopay-platform:pagerDutyServiceKey": "offline-placeholder:pagerDutyServiceKey",
          "qairopay-platform:owner": "team",
        },
        secretKeys: ["qairopay-platform:pagerDutyServiceKey"],
      });
      process.env.QAIROPAY_OFFLINE_SECRETS = JSON.stringify({ pagerDutyServiceKey: "pd-test-key" });
      expect(toStackConfig("x", file).values["qairopay-platform:pagerDutyServiceKey"]).toBe("pd-test-key");
      process.env.QAIROPAY_OFFLINE_SECRETS = "not json";
      expect(() => toStackConfig("x", file)).toThrow(
        "QAIROPAY_OFFLINE_SECRETS is not a JSON object of key to value",
      );
    } finally {
      if (saved === undefined) delete process.env.QAIROPAY_OFFLINE_SECRETS;
      else process.env.QAIROPAY_OFFLINE_SECRETS = saved;
    }
  });

  test("AnalyzeStack messages carry property dependencies as the engine sends them: only non-empty ones", () => {
    const key = named(prod, "prod-keys-us-central1-ledger-sql");
    expect(Object.keys(key.propertyDependencies)).toContain("labels");
    const [message] = analyzeStackRequest(
      [key],
      new Map(prod.resources.map((r) => [r.urn, r])),
    ).getResourcesList();
    const deps: Record<string, string[]> = {};
    message
      .getPropertydependenciesMap()
      .forEach((v: { getUrnsList(): string[] }, k: string) => (deps[k] = v.getUrnsList()));
    expect(deps).toEqual({
      keyRing: [
        "urn:pulumi:prod::qairopay-platform::qairopay:kms:KeyHierarchy$gcp:kms/keyRing:KeyRing::prod-keys-us-central1-tenant-data",
      ],
    });
  });

  test("an unexpected data-source call fails loudly", () => {
    expect(() => new GcpMocks().call({ token: "gcp:compute/getZones:getZones", inputs: {} })).toThrow(
      "unexpected data-source call gcp:compute/getZones:getZones: add an explicit answer to engine/gcpMocks.ts",
    );
  });

  test("bad configuration fails before any resource is registered", async () => {
    const program = jest.fn(() => ({}));
    const bad = withOverrides(loadStack("prod"), { primaryRegion: "europe-west1" });
    await expect(runOffline(bad, program)).rejects.toThrow(ConfigError);
    expect(program).not.toHaveBeenCalled();
  });

  test("staging, ephemeral, creates its four projects under the folder with one generation suffix, unprotected", async () => {
    const staging = await planStack("staging");
    const projects = staging.resources.filter((r) => r.type === "gcp:organizations/project:Project");
    const generation = staging.resources.find((r) => r.type === "random:index/randomId:RandomId");
    expect(generation?.inputs).toEqual({ byteLength: 2 });
    const suffix = String(generation?.outputs.hex);
    expect(suffix).toMatch(/^[0-9a-f]{4}$/);
    expect(
      projects.map((p) => [
        p.inputs.projectId,
        p.inputs.name,
        p.inputs.folderId,
        p.inputs.billingAccount,
        p.protect,
      ]),
    ).toEqual(
      ["platform", "cde", "kms", "logging"].map((role) => [
        `qp-stg-${role}-${suffix}`,
        `qp-stg-${role}`,
        "538201947712",
        "01A2B3-C4D5E6-F7A8B9",
        false,
      ]),
    );
    expect(
      projects.every((p) => p.inputs.autoCreateNetwork === false && p.inputs.deletionPolicy === "DELETE"),
    ).toBe(true);
    // Created projects need no look-up; the logging CMEK account and Cloud Storage's agents always
    // come from a data source (reading them creates them).
    expect(
      staging.calls
        .filter((c) => !c.token.includes("getKMSCryptoKeyVersion"))
        .map((c) => [c.token, c.inputs.project]),
    ).toEqual([
      ["gcp:logging/getProjectCmekSettings:getProjectCmekSettings", `qp-stg-logging-${suffix}`],
      ["gcp:storage/getProjectServiceAccount:getProjectServiceAccount", `qp-stg-platform-${suffix}`],
      ["gcp:storage/getProjectServiceAccount:getProjectServiceAccount", `qp-stg-cde-${suffix}`],
    ]);
  });

  test("a stack that is not ephemeral creates protected projects with the ids it is given", async () => {
    const lasting = await planStack("staging", { ephemeral: false });
    const projects = lasting.resources.filter((r) => r.type === "gcp:organizations/project:Project");
    expect(projects.map((p) => [p.inputs.projectId, p.protect, p.inputs.deletionPolicy])).toEqual(
      ["platform", "cde", "kms", "logging"].map((role) => [`qp-stg-${role}`, true, "PREVENT"]),
    );
  });
});

describe("mocks seeded from a deployed stack (engine/deployedSeed.ts)", () => {
  const seed = (
    numbers: Record<string, string>,
    byUrn: Record<string, { id: string; outputs: object }> = {},
  ) => ({
    byUrn: new Map(
      Object.entries(byUrn).map(([urn, v]) => [
        urn,
        { id: v.id, outputs: v.outputs as Record<string, unknown> },
      ]),
    ),
    projectNumbers: new Map(Object.entries(numbers)),
    loggingCmekAccounts: new Map<string, string>(),
  });
  const newResource = (mocks: GcpMocks, type: string, inputs: Record<string, unknown>, urn?: string) =>
    mocks.newResource({ type, name: "r", inputs, provider: "", id: "", custom: true, urn }).state as Record<
      string,
      unknown
    >;

  test("every agent address and name derived from a project number takes the seeded number, never the mock's", () => {
    const mocks = new GcpMocks(seed({ "qp-prod-cde": "840000000007" }));
    const attestor = newResource(mocks, "gcp:binaryauthorization/attestor:Attestor", {
      project: "qp-prod-cde",
      name: "a",
      attestationAuthorityNote: { noteReference: "n" },
    });
    expect((attestor.attestationAuthorityNote as Record<string, unknown>).delegationServiceAccountEmail).toBe(
      "service-840000000007@gcp-sa-binaryauthorization.iam.gserviceaccount.com",
    );
    const config = newResource(
      mocks,
      "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig",
      {
        project: "qp-prod-cde",
        configId: "c",
      },
    );
    expect(config.serviceAccount).toBe(
      "service-840000000007@gcp-sa-scc-notification.iam.gserviceaccount.com",
    );
    expect(
      newResource(mocks, "gcp:iam/workloadIdentityPool:WorkloadIdentityPool", {
        project: "qp-prod-cde",
        workloadIdentityPoolId: "p",
      }).name,
    ).toBe("projects/840000000007/locations/global/workloadIdentityPools/p");
    expect(
      mocks.call({
        token: "gcp:storage/getProjectServiceAccount:getProjectServiceAccount",
        inputs: { project: "qp-prod-cde" },
      }).emailAddress,
    ).toBe("service-840000000007@gs-project-accounts.iam.gserviceaccount.com");
    expect(JSON.stringify([attestor, config])).not.toContain(mockProjectNumber("qp-prod-cde"));
  });

  test("a deployed resource keeps the computed fields nested in the blocks the program sets", () => {
    const urn = "urn:pulumi:prod::p::gcp:binaryauthorization/attestor:Attestor::a";
    const mocks = new GcpMocks(
      seed(
        {},
        {
          [urn]: {
            id: "projects/x/attestors/a",
            outputs: {
              attestationAuthorityNote: { noteReference: "old", delegationServiceAccountEmail: "deployed@x" },
            },
          },
        },
      ),
    );
    const state = newResource(
      mocks,
      "gcp:binaryauthorization/attestor:Attestor",
      { project: "x", attestationAuthorityNote: { noteReference: "new", publicKeys: [] } },
      urn,
    );
    expect(state.attestationAuthorityNote).toEqual({
      noteReference: "new",
      publicKeys: [],
      delegationServiceAccountEmail: "deployed@x",
    });
  });
});
