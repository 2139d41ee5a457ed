import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { parse } from "yaml";
import { CONFIG_KEYS } from "../platform/config/keys";
import { ConfigError, validateConfig } from "../platform/config/read";
import { validateTenantRegistry } from "../platform/config/tenants";
import { loadStack } from "../engine/stackFile";

const ROOT = path.join(__dirname, "..");

/** The prod stack's values without the `qairopay-platform:` prefix, as raw strings. */
function prodRaw(): Record<string, string> {
  const values = loadStack("prod").values;
  return Object.fromEntries(
    Object.entries(values)
      .filter(([k]) => k.startsWith("qairopay-platform:"))
      .map(([k, v]) => [k.slice("qairopay-platform:".length), v]),
  );
}

function problemsOf(raw: Record<string, string>): string[] {
  try {
    validateConfig(raw, "test");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("stack configuration", () => {
  test("Pulumi.yaml declares exactly the keys the program reads, with the same types and defaults", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    expect(project.name).toBe("qairopay-platform");
    expect(project.stackConfigDir).toBe("stacks");
    expect(Object.keys(project.config).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      const declared = project.config[key];
      expect({
        key,
        type: declared.type,
        description: declared.description,
        default: declared.default,
      }).toEqual({
        key,
        type: spec.type,
        description: spec.description,
        default: "default" in spec ? spec.default : undefined,
      });
      if (spec.type === "array") expect(declared.items).toEqual({ type: "string" });
    }
  });

  test("prod and staging stack files are valid", () => {
    const prod = validateConfig(prodRaw(), "prod");
    expect(prod.regions).toEqual(["us-central1", "us-east1"]);
    expect(prod.primaryRegion).toBe("us-central1");
    expect(prod.projectFactory).toBeUndefined();
    expect(prod.tenants.map((t) => t.id)).toEqual([
      "acme-payments",
      "borealis-travel",
      "cedar-health",
      "dune-outfitters",
      "ember-energy",
    ]);
    expect(prod.maintenance).toEqual({ day: 7, hour: 3 });
  });

  test("a wrong type names the key, the value and what is allowed", () => {
    expect(problemsOf({ ...prodRaw(), maintenanceHour: "three" })).toEqual([
      'qairopay-platform:maintenanceHour = "three": must be an integer',
    ]);
    expect(problemsOf({ ...prodRaw(), regions: "us-central1" })).toEqual([
      "qairopay-platform:regions = us-central1: must be a list of strings",
    ]);
  });

  test("a break-glass account must be a user: a service account is another principal to the deny policies", () => {
    const problems = problemsOf({
      ...prodRaw(),
      breakGlassAccounts: JSON.stringify(["bg@qp-prod-platform.iam.gserviceaccount.com"]),
    });
    expect(problems).toEqual([
      "qairopay-platform:breakGlassAccounts[0] = \"bg@qp-prod-platform.iam.gserviceaccount.com\": must be a user account's e-mail address, not a service account's",
    ]);
  });

  test("a region outside us-central1/us-east1 is rejected", () => {
    expect(problemsOf({ ...prodRaw(), primaryRegion: "europe-west1" })).toEqual([
      'qairopay-platform:primaryRegion = "europe-west1": must be one of us-central1, us-east1',
    ]);
    expect(problemsOf({ ...prodRaw(), regions: '["us-central1","asia-east1"]' })).toEqual([
      'qairopay-platform:regions[1] = "asia-east1": must be one of us-central1, us-east1',
    ]);
  });

  test("a missing required key is reported with its description", () => {
    const raw = prodRaw();
    delete raw.kmsProjectId;
    expect(problemsOf(raw)).toEqual([
      "qairopay-platform:kmsProjectId: is required but missing (Project id holding both KMS key hierarchies.)",
    ]);
  });

  test("every problem is reported at once", () => {
    const raw: Record<string, string> = {
      ...prodRaw(),
      maintenanceHour: "25",
      sqlTier: "db-f1-micro",
      addressSpace: "8.8.0.0/12",
    };
    delete raw.owner;
    const problems = problemsOf(raw);
    expect(problems).toEqual([
      "qairopay-platform:owner: is required but missing (Team that owns the resources; written to the `owner` label.)",
      'qairopay-platform:addressSpace = "8.8.0.0/12": must be a private IPv4 CIDR block (RFC 1918) of prefix length /12 or shorter, e.g. 10.64.0.0/12',
      'qairopay-platform:sqlTier = "db-f1-micro": must be an Enterprise Plus tier db-perf-optimized-N-<vCPUs>',
      "qairopay-platform:maintenanceHour = 25: must be between 0 and 23",
    ]);
  });

  test("cross-key rules: primary among regions, four distinct projects, complete project factory", () => {
    expect(problemsOf({ ...prodRaw(), cdeProjectId: "qp-prod-platform", folderId: "123456789012" })).toEqual([
      'qairopay-platform:platformProjectId/cdeProjectId/kmsProjectId/loggingProjectId: must be four different projects, got ["qp-prod-platform","qp-prod-platform","qp-prod-kms","qp-prod-logging"]',
      "qairopay-platform:billingAccount: is required when projects are created (organizationId or folderId set)",
    ]);
  });

  test("unknown keys in the project namespace are rejected", () => {
    expect(() => validateConfig(prodRaw(), "prod", ["primaryRegon"])).toThrow(
      "qairopay-platform:primaryRegon: is not a configuration key of this project (see Pulumi.yaml)",
    );
  });
});

describe("tenant registry", () => {
  test("ids must be unique, lower-case DNS labels", () => {
    const { problems } = validateTenantRegistry(
      {
        tenants: [
          { id: "acme", displayName: "A" },
          { id: "Acme_2", displayName: "B" },
          { id: "acme", displayName: "C" },
        ],
      },
      "stacks/t.yaml",
    );
    expect(problems).toEqual([
      "stacks/t.yaml: tenants.1.id = \"Acme_2\": must be a lower-case DNS label (a-z, 0-9, '-'), start with a letter, at most 40 characters",
    ]);
    expect(
      validateTenantRegistry(
        {
          tenants: [
            { id: "acme", displayName: "A" },
            { id: "acme", displayName: "C" },
          ],
        },
        "s",
      ).problems,
    ).toEqual(['s: tenants.1.id = "acme": duplicates tenants.0.id']);
  });

  test("an empty registry is rejected", () => {
    expect(validateTenantRegistry({ tenants: [] }, "s").problems).toEqual([
      "s: tenants = []: lists no tenant",
    ]);
  });
});

describe("the tenant registry's YAML", () => {
  test("read with YAML 1.2's core schema: a date-like display name stays a string", () => {
    const { readTenantRegistryFile } = jest.requireActual("../platform/config/tenants");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-"));
    const file = path.join(dir, "tenants.yaml");
    fs.writeFileSync(file, "tenants:\n  - id: founded\n    displayName: 2024-01-01\n");
    expect(readTenantRegistryFile(file)).toEqual({
      tenants: [{ id: "founded", displayName: "2024-01-01" }],
      problems: [],
    });
  });
});
