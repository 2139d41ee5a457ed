import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import {
  cliStackConfigError,
  ProjectFile,
  secretsMetadataProblem,
  validateProject,
} from "../engine/cliStackConfig";
import { readStackFile, StackFileError } from "../engine/stackFile";
import { ConfigKeySpec } from "../platform/config/keys";
import { projectConfigSection } from "../platform/config/projectFile";

const ROOT = path.join(__dirname, "..");
const read = (file: string) => parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
const project = read("Pulumi.yaml") as ProjectFile;
const stackFiles = fs
  .readdirSync(path.join(ROOT, "stacks"))
  .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
  .map((f) => ({ stack: f.slice("Pulumi.".length, -".yaml".length), doc: read(`stacks/${f}`) }));

describe("committed stack files, validated as the Pulumi CLI validates them (pkg/workspace/config.go)", () => {
  test("there are stack files to check, and Pulumi.yaml passes the CLI's project validation", () => {
    expect(stackFiles.map((s) => s.stack).sort()).toEqual(["prod", "staging"]);
    expect(validateProject(project)).toBeUndefined();
  });

  test.each(stackFiles.map((s) => [s.stack, s.doc]))(
    "%s: defaults merged, every key of its type, secret keys encrypted, secrets from a real provider",
    (stack, doc) => {
      expect(cliStackConfigError(project, stack, doc.config)).toBeUndefined();
      expect(secretsMetadataProblem(doc)).toBeUndefined();
    },
  );

  test("a `secret: true` key with a plaintext default breaks every stack that does not set it (the file as it was)", () => {
    const before: ProjectFile = {
      ...project,
      config: {
        ...project.config,
        pagerDutyServiceKey: { type: "string", default: "", secret: true },
      },
    };
    const staging = stackFiles.find((s) => s.stack === "staging")?.doc;
    expect(cliStackConfigError(before, "staging", staging.config)).toBe(
      "Stack 'staging' with configuration key 'pagerDutyServiceKey' must be encrypted as it's secret",
    );
  });

  test("the generator flags a secret only when it has no default (an optional secret would break the stacks)", () => {
    const keys: Record<string, Omit<ConfigKeySpec, "schema">> = {
      optional: { type: "string", description: "d", default: "", secret: true },
      required: { type: "string", description: "d", secret: true },
    };
    expect(projectConfigSection(keys)).toEqual({
      optional: { type: "string", description: "d", default: "" },
      required: { type: "string", description: "d", secret: true },
    });
    const generated: ProjectFile = { name: "p", config: projectConfigSection(keys) as ProjectFile["config"] };
    expect(cliStackConfigError(generated, "s", { "p:required": { secure: "v1:a:b" } })).toBeUndefined();
    expect(cliStackConfigError(generated, "s", { "p:required": "plain" })).toBe(
      "Stack 's' with configuration key 'required' must be encrypted as it's secret",
    );
  });

  test("a ciphertext with no secrets-provider metadata (prod's, as it was) is refused; a provider's own metadata is accepted", () => {
    const forged = { config: { "qairopay-platform:pagerDutyServiceKey": { secure: "v1:2xTq:Wm9h" } } };
    expect(secretsMetadataProblem(forged)).toMatch(
      /^qairopay-platform:pagerDutyServiceKey: a secure: value with no secrets-provider metadata/,
    );
    expect(
      secretsMetadataProblem({
        ...forged,
        secretsprovider: "gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k",
      }),
    ).toMatch(/encryptedkey \(the data key it wrapped\) is missing/);
    expect(
      secretsMetadataProblem({
        ...forged,
        secretsprovider: "gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k",
        encryptedkey: "CiQAb3Jk",
      }),
    ).toBeUndefined();
    expect(
      secretsMetadataProblem({ ...forged, encryptionsalt: "v1:c2FsdA==:v1:bm9uY2U=:Y3Q=" }),
    ).toBeUndefined();
  });

  test("the offline tools refuse a forged ciphertext too, before anything runs (exit 2 in the CLIs)", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-stack-")), "Pulumi.prod.yaml");
    fs.writeFileSync(
      file,
      fs.readFileSync(path.join(ROOT, "stacks/Pulumi.prod.yaml"), "utf8") +
        "  qairopay-platform:pagerDutyServiceKey:\n    secure: v1:2xTqLq9Jx6k4mB0u:Wm9h2fK3p8QyZr1sV7cT0bN4dE6gH5jL9aP2xR8uY3w=\n",
    );
    expect(() => readStackFile(file, "prod")).toThrow(
      new StackFileError(
        `stack file ${file}: qairopay-platform:pagerDutyServiceKey: a secure: value with no secrets-provider metadata (encryptionsalt, or secretsprovider and encryptedkey): no provider of this project made it, so no backend can decrypt it. Set secrets with \`pulumi config set --secret\` on a stack initialised with \`pulumi stack init --secrets-provider …\` (docs/operations.md)`,
      ),
    );
  });

  test("a stack file of another environment is refused under this stack's name, both ways round (issue #28)", () => {
    const prodFile = path.join(ROOT, "stacks/Pulumi.prod.yaml");
    expect(() => readStackFile(prodFile, "staging")).toThrow(
      new StackFileError(
        `stack file ${prodFile} configures environment "prod", not stack "staging": give --stack prod with it, or the stack file of staging`,
      ),
    );
    expect(() => readStackFile(path.join(ROOT, "stacks/Pulumi.staging.yaml"), "prod")).toThrow(
      /configures environment "staging", not stack "prod"/,
    );
    expect(readStackFile(prodFile, "prod").stack).toBe("prod");
  });

  test("the CLI's other refusals, in its words: a missing key, a wrong type, a bad default", () => {
    const prod = stackFiles.find((s) => s.stack === "prod")?.doc.config as Record<string, unknown>;
    const without = Object.fromEntries(
      Object.entries(prod).filter(
        ([k]) => k !== "qairopay-platform:owner" && k !== "qairopay-platform:sqlTier",
      ),
    );
    // sqlTier has a default: only owner is missing.
    expect(cliStackConfigError(project, "prod", without)).toBe(
      "Stack 'prod' is missing configuration value 'owner'",
    );
    expect(
      cliStackConfigError(
        project,
        "prod",
        Object.fromEntries(Object.entries(prod).filter(([k]) => !/:(owner|environment|regions)$/.test(k))),
      ),
    ).toBe("Stack 'prod' is missing configuration values 'environment', 'owner' and 'regions'");
    expect(
      cliStackConfigError(project, "prod", { ...prod, "qairopay-platform:maintenanceHour": "three" }),
    ).toBe("Stack 'prod' with configuration key 'maintenanceHour' must be of type 'integer'");
    expect(cliStackConfigError(project, "prod", { ...prod, "qairopay-platform:regions": "us-east1" })).toBe(
      "Stack 'prod' with configuration key 'regions' must be of type 'array<string>'",
    );
    expect(validateProject({ name: "p", config: { n: { type: "integer", default: "x" } } })).toBe(
      "The default value specified for configuration key 'n' is not of the expected type 'integer'",
    );
    expect(validateProject({ name: "p", config: { a: { type: "array" } } })).toMatch(
      /declares an array but does not specify the underlying type/,
    );
  });
});
