import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliResult, runInProcess, runProcess } from "./helpers/cli";
import { command as planCommand } from "../tools/plan";
import { command as policyCommand } from "../tools/policy";
import { command as rehearseCommand } from "../tools/rehearse";
import { command as failoverCommand } from "../tools/failover";

const ROOT = path.join(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-cli-"));
const COMMANDS = {
  plan: planCommand,
  policy: policyCommand,
  rehearse: rehearseCommand,
  failover: failoverCommand,
};

/**
 * Runs a CLI's command function in-process with captured I/O; `tenants` (a module-level script),
 * and the runs marked `asProcess` (the contract of the process itself: its exit code and stdout),
 * as npm does.
 */
function run(
  tool: "plan" | "policy" | "rehearse" | "failover" | "tenants",
  args: string[],
  asProcess = false,
): Promise<CliResult> {
  return tool === "tenants" || asProcess ? runProcess(tool, args) : runInProcess(COMMANDS[tool], args);
}

const NO_STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe("npm run plan", () => {
  const exported = path.join(tmp, "prod.json");
  let plan: CliResult;
  // One full plan of prod in a child process: 5 s of CPU, but over 60 s when `npm test` runs the
  // type check, the linter and two test workers beside it on a loaded two-core machine.
  beforeAll(async () => {
    plan = await run("plan", ["--stack", "prod", "--json", "--export-state", exported]);
  }, 180_000);

  test("--json lists every resource with the contract's fields and exits 0", async () => {
    expect(plan.code).toBe(0);
    const out = JSON.parse(plan.stdout);
    // `prerequisites` extends the contract (DET-01, IAM-07): what the stack declares was done outside it.
    // `policyConfiguration` extends it too (issue #28): prod applies no policy configuration.
    expect(Object.keys(out)).toEqual([
      "stack",
      "resources",
      "violations",
      "rehearsal",
      "prerequisites",
      "policyConfiguration",
    ]);
    expect(out.policyConfiguration).toEqual({ file: null, weakened: {} });
    expect(out.stack).toBe("prod");
    expect(out.violations).toEqual([]);
    // Only the external prerequisite of prod's adopted projects (their default accounts), as warnings.
    expect(out.rehearsal.map((f: { rule: string; severity: string }) => [f.rule, f.severity])).toEqual([
      ["default-compute-account-deprivileged", "warning"],
      ["default-compute-account-deprivileged", "warning"],
    ]);
    expect(out.prerequisites.map((p: { id: string }) => p.id)).toEqual(["scc-activation", "pam-onboarding"]);
    for (const p of out.prerequisites) expect(Object.keys(p)).toEqual(["id", "what", "verify"]);
    expect(out.resources.length).toBeGreaterThan(100);
    for (const r of out.resources) {
      expect(Object.keys(r)).toEqual([
        "urn",
        "type",
        "name",
        "parent",
        "custom",
        "inputs",
        "protect",
        "dependencies",
        "provider",
      ]);
    }
    const redis = out.resources.find((r: { name: string }) => r.name === "prod-cache-us-central1-instance");
    expect(redis.parent).toBe(
      "urn:pulumi:prod::qairopay-platform::qairopay:cache:RedisCache::prod-cache-us-central1",
    );
  });

  test("--export-state writes a version-3 deployment that `policy --state` accepts", async () => {
    const state = JSON.parse(fs.readFileSync(exported, "utf8"));
    expect(state.version).toBe(3);
    expect(Object.keys(state.deployment)).toEqual(["manifest", "resources"]);
    const sql = state.deployment.resources.find((r: { urn: string }) =>
      r.urn.endsWith("::prod-ledger-us-central1"),
    );
    expect(sql).toMatchObject({
      custom: true,
      type: "gcp:sql/databaseInstance:DatabaseInstance",
      id: "prod-ledger-us-central1",
      protect: true,
    });
    expect(Object.keys(sql)).toEqual(
      expect.arrayContaining([
        "urn",
        "custom",
        "type",
        "id",
        "inputs",
        "outputs",
        "parent",
        "dependencies",
        "propertyDependencies",
        "provider",
        "protect",
      ]),
    );
    // As a process: the exit code and the JSON on stdout are the contract CI reads.
    const policy = await run("policy", ["--state", exported, "--json"], true);
    expect([policy.code, JSON.parse(policy.stdout)]).toEqual([
      0,
      { violations: [], policyConfiguration: { file: null, weakened: {} } },
    ]);
  });

  test("`policy --state` exits 1 with a mandatory stack violation when a DR replica is removed", async () => {
    const state = JSON.parse(fs.readFileSync(exported, "utf8"));
    state.deployment.resources = state.deployment.resources.filter(
      (r: { urn: string }) => !r.urn.endsWith("::prod-card-vault-us-east1"),
    );
    const mutated = path.join(tmp, "mutated.json");
    fs.writeFileSync(mutated, JSON.stringify(state));
    const policy = await run("policy", ["--state", mutated, "--json"]);
    expect(policy.code).toBe(1);
    const violations = JSON.parse(policy.stdout).violations;
    // The replica's key grant is now unused, which ENC-08 also reports.
    expect(violations.map((v: { policyName: string }) => v.policyName).sort()).toEqual([
      "kms-service-agent-grants-exact",
      "sql-instance-dr-replica",
    ]);
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          policyPack: "qairopay-resilience",
          policyName: "sql-instance-dr-replica",
          enforcementLevel: "mandatory",
          urn: "urn:pulumi:prod::qairopay-platform::qairopay:database:PostgresCluster$gcp:sql/databaseInstance:DatabaseInstance::prod-card-vault-us-central1",
        }),
      ]),
    );
  });

  test("`policy --state` runs the custom constraints as Google would: advisory in dry-run, mandatory once enforced", async () => {
    type Entry = { urn: string; type: string; inputs: Record<string, Record<string, unknown>> };
    const state = JSON.parse(fs.readFileSync(exported, "utf8"));
    const ledger = state.deployment.resources.find((r: Entry) => r.urn.endsWith("::prod-ledger-us-central1"));
    (ledger.inputs.settings.ipConfiguration as Record<string, unknown>).ipv4Enabled = true;
    const mutated = path.join(tmp, "public-ledger.json");
    fs.writeFileSync(mutated, JSON.stringify(state));
    const constraintOf = (stdout: string) =>
      JSON.parse(stdout).violations.filter((v: { policyPack: string }) => v.policyPack === "org-constraints");
    const dryRun = await run("policy", ["--state", mutated, "--json"]);
    expect(dryRun.code).toBe(1);
    // Refused on create (ALLOW: private and TLS) and on any update that sets it (DENY).
    expect(constraintOf(dryRun.stdout)).toEqual(
      ["custom.qpProdSqlInstancePrivateTls", "custom.qpProdSqlInstanceTlsKept"].map((policyName) =>
        expect.objectContaining({ policyName, enforcementLevel: "advisory", urn: ledger.urn }),
      ),
    );

    for (const r of state.deployment.resources as Entry[])
      if (r.type === "gcp:orgpolicy/policy:Policy" && r.inputs.dryRunSpec) {
        r.inputs.spec = r.inputs.dryRunSpec;
        delete r.inputs.dryRunSpec;
      }
    const enforced = path.join(tmp, "public-ledger-enforced.json");
    fs.writeFileSync(enforced, JSON.stringify(state));
    const result = await run("policy", ["--state", enforced, "--json"]);
    expect(constraintOf(result.stdout)).toEqual(
      ["custom.qpProdSqlInstancePrivateTls", "custom.qpProdSqlInstanceTlsKept"].map((policyName) =>
        expect.objectContaining({ policyName, enforcementLevel: "mandatory" }),
      ),
    );
  });

  test("a stack file with a wrong type, a foreign region and a missing key: exit 2, every key named, no stack trace", async () => {
    const prod = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    const bad = prod
      .replace("qairopay-platform:maintenanceHour: 3", "qairopay-platform:maintenanceHour: three")
      .replace(
        "qairopay-platform:primaryRegion: us-central1",
        "qairopay-platform:primaryRegion: europe-west1",
      )
      .replace(/^ {2}qairopay-platform:kmsProjectId: .*\n/m, "");
    const file = path.join(tmp, "Pulumi.bad.yaml");
    fs.writeFileSync(file, bad);
    // Under prod's name: the file is prod's (a stack file of another environment is refused first).
    const result = await run("plan", ["--stack", "prod", "--stack-file", file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("qairopay-platform:kmsProjectId: is required but missing");
    expect(result.stderr).toContain(
      'qairopay-platform:primaryRegion = "europe-west1": must be one of us-central1, us-east1',
    );
    expect(result.stderr).toContain('qairopay-platform:maintenanceHour = "three": must be an integer');
    expect(result.stderr).not.toMatch(NO_STACK_TRACE);
  });

  test("--policy-config can lower a policy to advisory: the removed replica then exits 0", async () => {
    const state = JSON.parse(fs.readFileSync(exported, "utf8"));
    state.deployment.resources = state.deployment.resources.filter(
      (r: { urn: string }) => !r.urn.endsWith("::prod-card-vault-us-east1"),
    );
    const mutated = path.join(tmp, "mutated-config.json");
    fs.writeFileSync(mutated, JSON.stringify(state));
    const config = path.join(tmp, "lower.json");
    fs.writeFileSync(
      config,
      JSON.stringify({ "sql-instance-dr-replica": "advisory", "kms-service-agent-grants-exact": "advisory" }),
    );
    const result = await run("policy", ["--state", mutated, "--json", "--policy-config", config]);
    expect(result.code).toBe(0);
    expect(
      JSON.parse(result.stdout).violations.map((v: { enforcementLevel: string }) => v.enforcementLevel),
    ).toEqual(["advisory", "advisory"]);
  });

  test("`rehearse --state` of the export is clean; an API removed from it is an error on what calls it (exit 1)", async () => {
    const clean = await run("rehearse", ["--state", exported, "--json"]);
    expect(clean.code).toBe(0);
    // The export carries defaultServiceAccountsDeprivileged (empty) in its outputs: the same two
    // warnings; and the stack's declared prerequisites (its output externalPrerequisites).
    expect(JSON.parse(clean.stdout)).toEqual({
      findings: [
        expect.objectContaining({ rule: "default-compute-account-deprivileged", severity: "warning" }),
        expect.objectContaining({ rule: "default-compute-account-deprivileged", severity: "warning" }),
      ],
      prerequisites: [
        expect.objectContaining({ id: "scc-activation" }),
        expect.objectContaining({ id: "pam-onboarding" }),
      ],
    });
    const state = JSON.parse(fs.readFileSync(exported, "utf8"));
    state.deployment.resources = state.deployment.resources.filter(
      (r: { urn: string }) => !r.urn.endsWith("::prod-platform-certificatemanager"),
    );
    const mutated = path.join(tmp, "no-certificatemanager.json");
    fs.writeFileSync(mutated, JSON.stringify(state));
    const result = await run("rehearse", ["--state", mutated, "--json"]);
    expect(result.code).toBe(1);
    // Beside the two warnings of the clean export (prod's default accounts).
    const findings = JSON.parse(result.stdout).findings.filter(
      (f: { severity: string }) => f.severity === "error",
    );
    expect(findings.map((f: { urn: string }) => f.urn.split("::").pop()).sort()).toEqual([
      "prod-edge-certificate",
      "prod-edge-certificate-map",
      "prod-edge-certificate-map-entry",
      "prod-edge-dns-auth",
    ]);
    for (const f of findings) {
      expect(Object.keys(f)).toEqual(["rule", "urn", "severity", "message"]);
      expect(f).toMatchObject({ rule: "api-enabled", severity: "error" });
    }
    const text = await run("rehearse", ["--state", mutated]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      "Apply rehearsal (what a first `pulumi up` would meet): 4 errors, 2 warnings",
    );
    expect(text.stdout).toMatch(
      /\n\nExternal prerequisites the stack declares \(not verifiable offline; confirm before the first `pulumi up`\):\n  - Security Command Center ENTERPRISE is activated for organisation 418726350912, .*\n      verify: gcloud scc manage services describe security-health-analytics --organization=418726350912 && /,
    );
  });

  test("`rehearse --deployer` checks the logging project's deny policy against another identity", async () => {
    const result = await run("rehearse", [
      "--state",
      exported,
      "--json",
      "--deployer",
      "group:platform-admins@qairopay.com",
    ]);
    expect(result.code).toBe(1);
    const rules = new Set(JSON.parse(result.stdout).findings.map((f: { rule: string }) => f.rule));
    // The deny policies lock the other identity out; it may not act as the nodes' service accounts;
    // the migrations' IAM database user is the stack's deployer, not this one; the perimeter admits
    // one nobody needs; prod's default accounts stay an external prerequisite.
    expect([...rules].sort()).toEqual(
      [
        "deny-policy-deployer",
        "node-service-account-ready",
        "sql-provision-script-prerequisites",
        "perimeter-crossings",
        "default-compute-account-deprivileged",
      ].sort(),
    );
  });

  test("rehearse: bad input exits 2 with a message", async () => {
    const [none, both, missing, deployer] = await Promise.all([
      run("rehearse", []),
      run("rehearse", ["--stack", "prod", "--state", exported]),
      run("rehearse", ["--state", path.join(tmp, "missing.json")], true),
      run("rehearse", ["--state", exported, "--deployer", "me"]),
    ]);
    expect(none.code).toBe(2);
    expect(both).toMatchObject({
      code: 2,
      stderr: "error: give exactly one of --stack <name> or --state <file>\n",
    });
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot be read") });
    expect(deployer).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--deployer me: must be an IAM member"),
    });
  });

  test("a provider key of another namespace with a bad value is rejected by name before anything runs", async () => {
    const prod = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    const file = path.join(tmp, "Pulumi.badproject.yaml");
    fs.writeFileSync(file, prod.replace("gcp:project: qp-prod-platform", "gcp:project: Not A Project!"));
    const result = await run("rehearse", ["--stack", "prod", "--stack-file", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gcp:project = "Not A Project!": must be a Google Cloud project id');
    expect(result.stderr).not.toMatch(NO_STACK_TRACE);
  });

  test("`rehearse --against`: the primaryRegion flip changes nothing stateful (exit 0); a replaced database is an error (exit 1)", async () => {
    const flip = path.join(tmp, "Pulumi.flip.yaml");
    fs.writeFileSync(
      flip,
      fs
        .readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8")
        .replace("primaryRegion: us-central1", "primaryRegion: us-east1"),
    );
    const flipped = await run("rehearse", [
      "--stack",
      "prod",
      "--stack-file",
      flip,
      "--against",
      exported,
      "--json",
    ]);
    expect(flipped.code).toBe(0);
    const out = JSON.parse(flipped.stdout);
    expect(Object.keys(out)).toEqual(["findings", "changes", "prerequisites"]);
    expect(out.findings).toEqual([]);
    expect(
      out.changes
        .filter((c: { op: string }) => c.op !== "same")
        .map((c: { op: string; urn: string }) => `${c.op} ${c.urn.split("::").pop()}`)
        .sort(),
      // The four instances in place; the ledger's migration script runs again on its new primary,
      // card-vault's Job, script, login window, grant and wait are new ones there; the backup
      // exports' workflows and schedules move to the new export region (RES-10: they hold no
      // state, and the region is part of their identity).
    ).toEqual(
      [
        "replace prod-card-vault-backups-schedule",
        "replace prod-card-vault-backups-workflow",
        "replace prod-ledger-backups-schedule",
        "replace prod-ledger-backups-workflow",
        "replace prod-ledger-migration-script",
        ...["job", "script", "window", "login", "login-propagated"].map(
          (part) => `replace prod-card-vault-migration-job-${part}`,
        ),
        "update prod-card-vault-us-central1",
        "update prod-card-vault-us-east1",
        "update prod-ledger-us-central1",
        "update prod-ledger-us-east1",
      ].sort(),
    );
    expect(Object.keys(out.changes[0])).toEqual(["urn", "op", "fields"]);

    const state = JSON.parse(fs.readFileSync(exported, "utf8"));
    for (const r of state.deployment.resources)
      if (r.urn.endsWith("::prod-ledger-us-east1"))
        r.inputs.encryptionKeyName = "projects/other/keyRings/x/cryptoKeys/y";
    const changed = path.join(tmp, "replaced.json");
    fs.writeFileSync(changed, JSON.stringify(state));
    const replaced = await run("rehearse", ["--state", changed, "--against", exported, "--json"]);
    expect(replaced.code).toBe(1);
    // The replacement itself, and the new instance's key that nobody granted to Cloud SQL's agent.
    expect(
      JSON.parse(replaced.stdout).findings.map((f: { rule: string; urn: string }) => [
        f.rule,
        f.urn.split("::").pop(),
      ]),
    ).toEqual([
      ["stateful-replace", "prod-ledger-us-east1"],
      ["cmek-grant-before-use", "prod-ledger-us-east1"],
    ]);
  });

  test("`rehearse --destroy`: staging destroys cleanly (exit 0), prod refuses (exit 1)", async () => {
    const [staging, prod, both] = await Promise.all([
      run("rehearse", ["--stack", "staging", "--destroy", "--json"]),
      run("rehearse", ["--state", exported, "--destroy"]),
      run("rehearse", ["--stack", "prod", "--destroy", "--against", exported]),
    ]);
    expect([staging.code, JSON.parse(staging.stdout).findings]).toEqual([0, []]);
    expect(prod.code).toBe(1);
    expect(prod.stdout).toContain("destroy-protected");
    expect(both.code).toBe(2);
  });

  test("`failover` plans offline (exit 0) and refuses bad input (exit 2)", async () => {
    const [planned, current, foreign, unconfirmed] = await Promise.all([
      run("failover", ["--stack", "prod", "--to", "us-east1", "--json"]),
      run("failover", ["--stack", "prod", "--to", "us-central1"]),
      run("failover", ["--stack", "prod", "--to", "europe-west1"], true),
      run("failover", ["--stack", "prod", "--to", "us-east1", "--execute", "--reason", "x"]),
    ]);
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.stdout);
    expect(plan).toMatchObject({ stack: "prod", from: "us-central1", to: "us-east1", findings: [] });
    expect(plan.switchovers.map((s: { replica: string }) => s.replica)).toEqual([
      "prod-ledger-us-east1",
      "prod-card-vault-us-east1",
    ]);
    expect(current).toMatchObject({
      code: 2,
      stderr: "error: --to us-central1: already the primary region of stack prod\n",
    });
    expect(foreign.code).toBe(2);
    expect(unconfirmed).toMatchObject({
      code: 2,
      stderr: "error: --execute and --rollback need --confirm-stack prod\n",
    });
  });

  test("`policy --state` applies the policy configuration of the export's own stack (staging: ephemeral)", async () => {
    const staging = path.join(tmp, "staging.json");
    expect((await run("plan", ["--stack", "staging", "--export-state", staging, "--json"])).code).toBe(0);
    const [own, explicit] = await Promise.all([
      run("policy", ["--state", staging, "--json"]),
      run("policy", ["--state", staging, "--json", "--policy-config", path.join(tmp, "none.json")]),
    ]);
    expect([own.code, JSON.parse(own.stdout).violations]).toEqual([0, []]);
    // …and says so: two policies off by configuration, not two policies that found nothing (issue #28).
    expect(JSON.parse(own.stdout).policyConfiguration).toEqual({
      file: "policies/config/staging.json",
      weakened: { "ids-endpoint-per-region": "disabled", "stateful-resource-protected": "disabled" },
    });
    expect(explicit).toMatchObject({ code: 2, stderr: expect.stringContaining("none.json") });
  });

  test("bad arguments exit 2", async () => {
    // As processes: the exit code is the contract.
    expect((await run("plan", ["--stack", "prod", "--format", "xml"], true)).code).toBe(2);
    expect(await run("policy", ["--state", path.join(tmp, "missing.json")], true)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("cannot be read"),
    });
  });

  test("the text report leads with its verdict, and counts what plan --json lists, labelled (issue #28)", async () => {
    const [text, json] = [
      await run("policy", ["--state", exported]),
      JSON.parse(fs.readFileSync(exported, "utf8")).deployment.resources as {
        custom: boolean;
        type: string;
      }[],
    ];
    expect(text.code).toBe(0);
    const cloud = json.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length;
    expect(text.stdout.split("\n").slice(0, 2)).toEqual([
      `PASS policy audit of ${exported}: 0 mandatory, 0 advisory violations (exit 0)`,
      `  ${cloud} cloud resources (${json.length} registrations with components, providers and the stack)`,
    ]);
  });

  test("--format markdown renders a pull-request comment", async () => {
    const md = await run("policy", ["--state", exported, "--format", "markdown"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("### ✅ Policy audit of");
    expect(md.stdout).toContain("**0 mandatory, 0 advisory violations**");
  });
});

describe("npm run tenants", () => {
  test("plan --tenants-file <relative path> --json: every tenant's KEK in both regions, across shards of at most --limit", async () => {
    const dir = fs.mkdtempSync(path.join(ROOT, ".tmp-tenants-"));
    try {
      const ids = ["t-a", "t-b", "t-c", "t-d", "t-e"];
      fs.writeFileSync(
        path.join(dir, "registry.yaml"),
        `tenants:\n${ids.map((id) => `  - id: ${id}\n    displayName: ${id}\n`).join("")}`,
      );
      const relative = path.relative(ROOT, path.join(dir, "registry.yaml"));
      const ledger = path.relative(ROOT, path.join(dir, "ledger.json"));
      // The ledger is a lockfile (issue #23): a registry of one's own is planned with its own ledger,
      // which `tenants assign` writes; without one, the stack's ledger is stale for it (exit 2).
      const [stale, assigned] = await Promise.all([
        run("tenants", ["plan", "--stack", "prod", "--tenants-file", relative, "--limit", "2", "--json"]),
        run("tenants", [
          "assign",
          "--stack",
          "prod",
          "--tenants-file",
          relative,
          "--ledger",
          ledger,
          "--limit",
          "2",
        ]),
      ]);
      expect([stale.code, stale.stdout]).toEqual([2, ""]);
      expect(stale.stderr).toContain(
        "is stale for the tenant registry: registered but not in the ledger: t-a, t-b",
      );
      expect(stale.stderr).toContain(
        `Run \`npm run tenants -- assign --stack prod --tenants-file ${relative} --limit 2\``,
      );
      expect(assigned.code).toBe(0);
      const [planned, missing, text] = await Promise.all([
        run("tenants", ["plan", "--stack", "prod", "--tenants-file", relative, "--ledger", ledger, "--json"]),
        run("tenants", ["plan", "--stack", "prod", "--tenants-file", "no-such-registry.yaml"]),
        run("tenants", ["plan", "--stack", "prod"]),
      ]);
      expect(planned.code).toBe(0);
      const out = JSON.parse(planned.stdout);
      expect(Object.keys(out)).toEqual(["shards", "coverage", "summary"]);
      expect(out.shards.map((s: { stack: string; tenants: string[] }) => [s.stack, s.tenants])).toEqual([
        ["prod-shard-000", ["t-a", "t-b"]],
        ["prod-shard-001", ["t-c", "t-d"]],
        ["prod-shard-002", ["t-e"]],
      ]);
      expect(Object.keys(out.shards[0])).toEqual([
        "stack",
        "tenants",
        "resources",
        "violations",
        "rehearsal",
      ]);
      const keks = out.shards.flatMap(
        (s: { resources: { type: string; inputs: { labels: { tenant: string }; keyRing: string } }[] }) =>
          s.resources
            .filter((r) => r.type === "gcp:kms/cryptoKey:CryptoKey")
            .map((r) => `${r.inputs.labels.tenant}@${String(r.inputs.keyRing).split("/")[3]}`),
      );
      expect(keks.sort()).toEqual(ids.flatMap((t) => [`${t}@us-central1`, `${t}@us-east1`]));
      expect(out.coverage).toEqual([]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("no-such-registry.yaml cannot be read");
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(
        "Cross-shard check: every tenant has a KEK in every serving region, in exactly one shard.",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  test("up refuses a --confirm-stack that is not the stack, before anything else (exit 2)", async () => {
    const result = await run("tenants", ["up", "--stack", "prod", "--confirm-stack", "staging"]);
    expect([result.code, result.stderr.trim()]).toEqual([
      2,
      "error: --confirm-stack staging does not match --stack prod",
    ]);
  });

  test("--platform-stack must be fully qualified: a short name would resolve in the shards' own project (exit 2)", async () => {
    const result = await run("tenants", ["plan", "--stack", "prod", "--platform-stack", "prod"]);
    expect([result.code, result.stderr.trim()]).toEqual([
      2,
      "error: --platform-stack prod: give it fully qualified, <org>/qairopay-platform/<stack> (a short name would resolve in the shards' own project)",
    ]);
  });
});
