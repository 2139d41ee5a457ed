import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { toDeployment, SECRET_SIG, SECRET_SIG_KEY } from "../engine/deployment";
import { mockProjectNumber } from "../engine/gcpMocks";
import { parseDeployment } from "../engine/readDeployment";
import { planStack, withSecret } from "./helpers/plan";
import { runOffline } from "../engine/run";
import { loadStack } from "../engine/stackFile";

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, "..");
const PROJECTS = ["qp-prod-platform", "qp-prod-cde", "qp-prod-kms", "qp-prod-logging"];

/**
 * A deployed stack of the current program as Google would have it: project numbers, service-agent
 * addresses, server-assigned ids and addresses unlike the mocks', and every secret as ciphertext
 * (`pulumi stack export` without --show-secrets). Built from the offline plan by rewriting what only
 * Google knows, consistently everywhere it appears.
 */
function asDeployed(resources: Parameters<typeof toDeployment>[0]): unknown {
  let text = JSON.stringify(toDeployment(resources));
  PROJECTS.forEach((id, i) => {
    text = text
      .split(mockProjectNumber(id))
      .join(`8${String(40_000_000_000 + i * 7_919_113).padStart(11, "0")}`);
  });
  const rewrites: [RegExp, (m: string) => string][] = [
    // Cloud SQL's per-instance service account carries a random suffix.
    [/(p\d+)-mock(@gcp-sa-cloud-sql)/g, (m) => m.replace("-mock", "-xq7b2c")],
    // Older projects' Logging CMEK account: cmek-p<number>@ (what getProjectCmekSettings returns).
    [/service-(\d+)@gcp-sa-logging/g, (m) => m.replace("service-", "cmek-p")],
    // Server-assigned numbers of notification channels and alert policies.
    [
      /(notificationChannels|alertPolicies)\/(\d+)/g,
      (m) => m.replace(/\d+$/, (d) => String(BigInt(d) + 12345n)),
    ],
    // Addresses Google allocates.
    [/10\.255\.0\.3|10\.255\.16\.4|10\.255\.16\.5|172\.16\.0\.2/g, (m) => m.replace(/^\d+\.\d+/, "10.99")],
  ];
  for (const [pattern, rewrite] of rewrites) text = text.replace(pattern, rewrite);
  // Secrets as the state holds them without --show-secrets: ciphertext only.
  const encrypt = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(encrypt);
    if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record[SECRET_SIG_KEY] === SECRET_SIG)
        return { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: "v1:AAAAAAAAAAAAAAAA:c2VjcmV0" };
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, encrypt(v)]));
    }
    return value;
  };
  return { ...(encrypt(JSON.parse(text)) as object), version: 4, features: ["refreshBeforeUpdate"] };
}

function rehearse(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join("tools", "launch.js"), "rehearse", ...args], {
      cwd: ROOT,
      env: { ...process.env, INIT_CWD: ROOT },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("`rehearse --against` a real export", () => {
  let deployed: unknown;
  let file: string;
  beforeAll(async () => {
    deployed = asDeployed((await planStack("prod")).resources);
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "against-")), "prod.json");
    fs.writeFileSync(file, JSON.stringify(deployed));
  });

  test("the export really differs from the mocks: numbers, agents, ids, addresses and secrets", () => {
    const text = JSON.stringify(deployed);
    for (const id of PROJECTS) expect(text).not.toContain(mockProjectNumber(id));
    expect(text).toContain("@gcp-sa-cloud-sql.iam.gserviceaccount.com");
    expect(text).toContain("cmek-p8");
    expect(text).toContain('"ciphertext"');
    expect(text).not.toContain('"plaintext"');
    expect((deployed as { version: number }).version).toBe(4);
  });

  test("the current program against its own deployment: zero changes, exit 0", async () => {
    const run = await rehearse(["--stack", "prod", "--against", file, "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      findings: unknown[];
      changes: { urn: string; op: string; fields: string[] }[];
    };
    expect(out.changes.filter((c) => c.op !== "same")).toEqual([]);
    expect(out.findings).toEqual([]);
  });

  test("a secret the export holds only as ciphertext is unchanged; with --show-secrets plaintext it is compared", async () => {
    const plan = await runOffline(withSecret(loadStack("prod"), "pagerDutyServiceKey", "pd-key-1"));
    const old = parseDeployment(asDeployed(plan.resources), "export");
    const channel = old.find((r) => r.name === "prod-logging-alerts-pagerduty");
    expect(JSON.stringify(channel?.inputs)).toContain("[secret: ciphertext not decrypted]");
    const { previewAgainst } = await import("../engine/preview/preview");
    const rotated = await runOffline(
      withSecret(loadStack("prod"), "pagerDutyServiceKey", "pd-key-2"),
      undefined,
      old,
    );
    const same = previewAgainst(old, rotated.resources).changes.find((c) => c.urn === channel?.urn);
    expect(same?.op).toBe("same");
    // With plaintext (an export made with --show-secrets) the new key is a change.
    const shown = parseDeployment(toDeployment(plan.resources), "export --show-secrets");
    const changed = previewAgainst(shown, rotated.resources).changes.find((c) => c.urn === channel?.urn);
    expect(changed).toMatchObject({ op: "update", fields: ["sensitiveLabels.serviceKey"] });
  });
});
