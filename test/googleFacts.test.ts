import * as fs from "fs";
import * as path from "path";
import { PolicyResource } from "@pulumi/policy";
import { CMEK_KEY_PATHS } from "../facts/google/cmekKeyPaths";
import { agentOfApi, agentOfDomain, SERVICE_AGENTS, ServiceAgentName } from "../facts/google/serviceAgents";
import { capturedResource, CapturedResource } from "../engine/model";
import { rehearseApply } from "../engine/rehearsal/rehearse";
import { cmekGrantBeforeUse } from "../engine/rehearsal/rules/cmekGrantBeforeUse";
import { kmsAgentGrantsExact } from "../policies/security/kms-service-agent-grants-exact";

const ROOT = path.join(__dirname, "..");
const KEY = "projects/p-kms/locations/us-east1/keyRings/ring/cryptoKeys/key";
const NUMBER = "123456789012";

/** An object with `value` at a dotted path (`*` an array of one element). */
function at(pathParts: string[], value: unknown): unknown {
  if (!pathParts.length) return value;
  const [head, ...rest] = pathParts;
  return head === "*" ? [at(rest, value)] : { [head]: at(rest, value) };
}

const uses = Object.entries(CMEK_KEY_PATHS).flatMap(([type, list]) => list.map((use) => ({ type, ...use })));

/** One resource naming KEY at the use's path, in project p1 of number NUMBER, and (optionally) the grant first. */
function stack(use: (typeof uses)[number], granted: boolean): CapturedResource[] {
  const urn = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;
  const project = capturedResource({
    urn: urn("gcp:organizations/project:Project", "p1"),
    type: "gcp:organizations/project:Project",
    name: "p1",
    custom: true,
    inputs: { projectId: "p1" },
    outputs: { projectId: "p1", number: NUMBER },
  });
  const grant = capturedResource({
    urn: urn("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "grant"),
    type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    name: "grant",
    custom: true,
    inputs: {
      cryptoKeyId: KEY,
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: `serviceAccount:service-${NUMBER}@${SERVICE_AGENTS[use.agent].domain}`,
    },
  });
  const inputs = { project: "p1", ...(at(use.path.split("."), KEY) as object) };
  const user = capturedResource({
    urn: urn(use.type, "user"),
    type: use.type,
    name: "user",
    custom: true,
    inputs,
    outputs: inputs,
    dependencies: granted ? [project.urn, grant.urn] : [project.urn],
  });
  return granted ? [project, grant, user] : [project, user];
}

function policyFindings(resources: CapturedResource[]): string[] {
  const reports: string[] = [];
  const props = (r: CapturedResource) => ({ ...r.inputs, ...r.outputs });
  kmsAgentGrantsExact.validateStack(
    {
      resources: resources.map(
        (r) => ({ urn: r.urn, type: r.type, name: r.name, props: props(r) }) as PolicyResource,
      ),
    } as never,
    (message: string) => reports.push(message),
  );
  return reports;
}

describe("one table of CMEK key paths for the policy and the rehearsal", () => {
  test.each(uses.map((u) => [`${u.type} ${u.path}`, u] as const))(
    "%s: both see the key and whose agent needs it",
    (_title, use) => {
      // The policy: a key named at this path with no grant to this agent is a violation; the grant clears it.
      expect(policyFindings(stack(use, false))).toEqual([
        expect.stringContaining(
          `the ${use.agent} agent of p1 (service-${NUMBER}@${SERVICE_AGENTS[use.agent].domain}) holds no`,
        ),
      ]);
      expect(policyFindings(stack(use, true))).toEqual([]);
      // The rehearsal: a key Google uses at create time needs the grant ordered first.
      const rehearsed = (granted: boolean) =>
        rehearseApply(stack(use, granted), {}, [cmekGrantBeforeUse]).map((f) => f.message);
      expect(rehearsed(false)).toEqual(
        use.usedAtCreate ? [expect.stringContaining(`encrypts with ${KEY} (${use.path})`)] : [],
      );
      expect(rehearsed(true)).toEqual([]);
    },
  );

  test("Storage buckets and node-pool boot disks are in it (the two tables had drifted on them)", () => {
    const paths = uses.map((u) => `${u.type} ${u.path} ${u.agent}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        "gcp:storage/bucket:Bucket encryption.defaultKmsKeyName storage",
        "gcp:container/cluster:Cluster nodeConfig.bootDiskKmsKey compute",
        "gcp:container/cluster:Cluster clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey compute",
        "gcp:container/nodePool:NodePool nodeConfig.bootDiskKmsKey compute",
      ]),
    );
  });
});

describe("one service-agent table", () => {
  const names = Object.keys(SERVICE_AGENTS) as ServiceAgentName[];

  test("each domain and each API belongs to one agent", () => {
    for (const name of names) {
      expect(agentOfDomain(SERVICE_AGENTS[name].domain)?.name).toBe(name);
      expect(agentOfApi(SERVICE_AGENTS[name].api)?.name).toBe(name);
    }
  });

  /** Source files outside facts/google that spell three or more of the table's domains: a copy of the table. */
  test("no other room keeps its own copy", () => {
    const domains = names.map((n) => SERVICE_AGENTS[n].domain);
    const copies: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "node_modules") walk(rel);
        } else if (rel.endsWith(".ts") && !rel.startsWith(path.join("facts", "google"))) {
          const text = fs.readFileSync(path.join(ROOT, rel), "utf8");
          const spelled = domains.filter((d) => text.includes(d));
          if (spelled.length >= 3) copies.push(`${rel}: ${spelled.join(", ")}`);
        }
      }
    };
    ["components", "platform", "policies", "engine", "tools", "tenantKeys", "ciIdentities"].forEach(walk);
    expect(copies).toEqual([]);
  });
});
