import * as fs from "fs";
import * as path from "path";
import { CapturedResource } from "../engine/model";
import { assetOf } from "../engine/detection/assets";
import { evaluateHealthModules, HEALTH_MODULES_PACK } from "../engine/detection/evaluate";
import { customConfig } from "../components/healthModules";
import { HEALTH_MODULES } from "../catalogue/healthModules";
import { caseTitled } from "../specs/cases/policyCases";
import { editResource, urnOf } from "../specs/mutate";
import { planStack } from "./helpers/plan";

let prod: CapturedResource[];
let staging: CapturedResource[];
beforeAll(async () => {
  prod = (await planStack("prod")).resources;
  staging = (await planStack("staging")).resources;
});

describe("the clean plans", () => {
  test("prod and staging: no custom module would raise a finding, and every predicate evaluates", () => {
    expect(evaluateHealthModules(prod)).toEqual([]);
    expect(evaluateHealthModules(staging)).toEqual([]);
  });

  test.each(HEALTH_MODULES)("$id is evaluated on prod's resources of its type (it can fire)", (m) => {
    expect(prod.filter((r) => r.custom && assetOf(r)?.type === m.resourceType).length).toBeGreaterThan(0);
  });

  test("prod runs every module where its API is enabled, staging on its folder, all as the catalogue states them", () => {
    const copies = (rs: CapturedResource[]) =>
      rs.filter((r) => /SecurityHealthAnalyticsCustomModule$/.test(r.type));
    for (const r of [...copies(prod), ...copies(staging)]) {
      const spec = HEALTH_MODULES.find((m) => m.id === r.inputs.displayName);
      expect(spec).toBeDefined();
      expect(r.inputs).toMatchObject({
        enablementState: "ENABLED",
        location: "global",
        customConfig: customConfig(spec!),
      });
    }
    expect(copies(staging)).toHaveLength(HEALTH_MODULES.length);
    expect(copies(staging).every((r) => r.inputs.folder === "538201947712")).toBe(true);
    // Cloud SQL's four modules in the platform and cde projects, KMS's two in the kms project, ...
    expect(
      copies(prod)
        .filter((r) => String(r.inputs.displayName).startsWith("qairopay_sql_"))
        .map((r) => r.inputs.project)
        .sort(),
    ).toEqual([...Array(4).fill("qp-prod-cde"), ...Array(4).fill("qp-prod-platform")]);
    expect(
      copies(prod)
        .filter((r) => String(r.inputs.displayName).startsWith("qairopay_kms_"))
        .map((r) => r.inputs.project),
    ).toEqual(["qp-prod-kms", "qp-prod-kms"]);
  });
});

describe.each(HEALTH_MODULES)("$id finds what its twin $twin refuses", (m) => {
  test.each(m.denies)("%s", (title) => {
    const policyCase = caseTitled(title);
    const mutated = policyCase.mutate(prod);
    const found = evaluateHealthModules(mutated).filter((v) => v.policyName === m.id);
    expect(found).toContainEqual(
      expect.objectContaining({
        policyPack: HEALTH_MODULES_PACK,
        urn: urnOf(mutated, policyCase.on),
        // A finding, not a refusal: the twin policy already blocks the change.
        enforcementLevel: "advisory",
        message: expect.stringContaining(
          `Security Command Center would raise a ${m.severity} finding ${m.id} (module ENABLED)`,
        ),
      }),
    );
    expect(found.every((v) => v.urn === urnOf(mutated, policyCase.on))).toBe(true);
  });
});

describe("the evaluator", () => {
  test("a predicate that cannot be evaluated is reported as mandatory, never passed", () => {
    const broken = { ...HEALTH_MODULES[0], id: "broken", predicate: "resource.noSuchField.size > 0" };
    const found = evaluateHealthModules(prod, [broken]);
    expect(found).toHaveLength(
      prod.filter((r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance").length,
    );
    expect(found[0]).toMatchObject({
      enforcementLevel: "mandatory",
      message: expect.stringMatching(
        /cannot be evaluated on it \(.*noSuchField.*\), so Security Command Center would never report it \(module not deployed\)/,
      ),
    });
  });

  test("a module the plan does not deploy still reports, as not deployed", () => {
    const without = editResource(
      "prod-ledger-us-east1",
      (p) => delete p.encryptionKeyName,
    )(prod.filter((r) => !/SecurityHealthAnalyticsCustomModule$/.test(r.type)));
    const found = evaluateHealthModules(without);
    expect(found.map((v) => v.policyName)).toEqual(["qairopay_sql_instance_cmek"]);
    expect(found[0].message).toMatch(
      /Security Command Center would raise a HIGH finding qairopay_sql_instance_cmek \(module not deployed\)\. Twin policy: sql-instance-cmek\.$/,
    );
  });

  test("the stored resource: a cluster's location, a key's full name, a bucket's retention as an int64 string", () => {
    const asset = (name: string) => assetOf(prod.find((r) => r.name === name)!)?.resource;
    expect(asset("prod-cde-gke-us-east1-cluster")).toMatchObject({
      location: "us-east1",
      privateClusterConfig: { enablePrivateNodes: true },
      databaseEncryption: { state: "ENCRYPTED" },
    });
    expect(asset("prod-keys-us-east1-card-vault-sql")).toMatchObject({
      name: "projects/qp-prod-kms/locations/us-east1/keyRings/cardholder/cryptoKeys/card-vault-sql",
    });
    expect(asset("prod-ledger-backups-us-east1")).toMatchObject({
      retentionPolicy: { retentionPeriod: "2592000", isLocked: true },
    });
  });

  test("a key of the cardholder ring without HSM is found, which no custom constraint can see", () => {
    const mutated = editResource("prod-keys-us-east1-card-vault-sql", (p) => {
      (p.versionTemplate as Record<string, string>).protectionLevel = "SOFTWARE";
    })(prod);
    expect(evaluateHealthModules(mutated).map((v) => v.policyName)).toEqual([
      "qairopay_kms_cardholder_key_hsm",
    ]);
  });

  test("unset booleans read as proto3's absent field: a cluster without private nodes is found", () => {
    const mutated = editResource("prod-gke-us-central1-cluster", (p) => {
      (p.privateClusterConfig as Record<string, unknown>).enablePrivateNodes = false;
    })(prod);
    expect(evaluateHealthModules(mutated).map((v) => v.policyName)).toEqual([
      "qairopay_gke_cluster_hardening",
    ]);
  });
});

describe("docs/detection.md", () => {
  test("its table lists every module of the catalogue with its controls, twin and severity, and no other", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "detection.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `(qairopay_\w+)` \| ([^|]+) \| ([^|]+) \| (\w+) \|$/gm)].map((m) =>
      [m[1], m[2].trim(), m[3].trim(), m[4]].join(" "),
    );
    expect(rows).toEqual(
      HEALTH_MODULES.map((m) => [m.id, m.controls.join(", "), m.twin, m.severity].join(" ")),
    );
  });
});
