import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { failoverPreview, stepEvent } from "./fixtures/engineEvents";
import {
  doubleBackend,
  doubleCalls,
  doubleEnv,
  holdLock,
  lockFiles,
  removeCheckouts,
  scratchCheckout,
  startTool,
  ToolRun,
  until,
} from "./helpers/pulumiDouble";

afterAll(removeCheckouts);
jest.setTimeout(180_000);

/**
 * `failover --execute` end to end: the tool as on-call runs it, against the scripted `pulumi`
 * (test/pulumiDouble) for the platform stack and a Cloud SQL Admin and Monitoring API over real
 * HTTP (below): the preflight that must pass before the irreversible switchover, a held lock,
 * Ctrl-C during `up`, a failed `up`, and the re-runs.
 */

/** Cloud SQL as the failover sees it: roles, switchover operations (DONE after two polls), replica lag. */
class CloudSqlServer {
  readonly posts: string[] = [];
  private readonly primaries = new Set(["prod-ledger-us-central1", "prod-card-vault-us-central1"]);
  private readonly operations = new Map<string, { instance: string; polls: number }>();
  private server?: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      let m: RegExpExecArray | null;
      if ((m = /^\/v3\/projects\/[^/]+\/timeSeries$/.exec(url.pathname)))
        return send(200, { timeSeries: [{ points: [{ value: { doubleValue: 0.4 } }] }] });
      if (
        req.method === "POST" &&
        (m = /^\/v1\/projects\/[^/]+\/instances\/([^/]+)\/switchover$/.exec(url.pathname))
      ) {
        this.posts.push(m[1]);
        const name = `op-${this.posts.length}`;
        this.operations.set(name, { instance: m[1], polls: 0 });
        return send(200, { name, status: "PENDING", operationType: "SWITCHOVER" });
      }
      if ((m = /^\/v1\/projects\/[^/]+\/operations\/([^/]+)$/.exec(url.pathname))) {
        const op = this.operations.get(m[1]);
        if (!op) return send(404, {});
        if (++op.polls >= 2) {
          this.primaries.add(op.instance);
          this.primaries.delete(op.instance.replace("us-east1", "us-central1"));
        }
        return send(200, {
          name: m[1],
          status: op.polls >= 2 ? "DONE" : "RUNNING",
          operationType: "SWITCHOVER",
        });
      }
      if (/^\/v1\/projects\/[^/]+\/operations$/.test(url.pathname)) return send(200, { items: [] });
      if ((m = /^\/v1\/projects\/[^/]+\/instances\/([^/]+)$/.exec(url.pathname)))
        return send(200, {
          instanceType: this.primaries.has(m[1]) ? "CLOUD_SQL_INSTANCE" : "READ_REPLICA_INSTANCE",
        });
      send(404, {});
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

let sql: CloudSqlServer;
let base: string;
beforeEach(async () => {
  sql = new CloudSqlServer();
  base = await sql.start();
});
afterEach(() => sql.stop());

const outputs = {
  ledgerPrimary:
    "qp-prod-platform:${qairopay-platform:primaryRegion}:prod-ledger-${qairopay-platform:primaryRegion}",
  cardVaultPrimary:
    "qp-prod-cde:${qairopay-platform:primaryRegion}:prod-card-vault-${qairopay-platform:primaryRegion}",
};

function setUp(scenario: Record<string, unknown[]>) {
  const checkout = scratchCheckout();
  doubleBackend.seedStack(path.join(checkout, "backend"), "qairopay-platform", "prod", {
    outputs: {
      ledgerPrimary: "qp-prod-platform:us-central1:prod-ledger-us-central1",
      cardVaultPrimary: "qp-prod-cde:us-central1:prod-card-vault-us-central1",
    },
  });
  const scenarioFile = path.join(checkout, "scenario.json");
  const setScenario = (s: Record<string, unknown[]>) => {
    fs.writeFileSync(scenarioFile, JSON.stringify({ "qairopay-platform": s }));
    fs.rmSync(`${scenarioFile}.calls.json`, { force: true });
  };
  setScenario(scenario);
  const env = doubleEnv(checkout, {
    QAIROPAY_KMS_ACCESS_TOKEN: "sql-token",
    PULUMI_DOUBLE_SCENARIO: scenarioFile,
  });
  const stackFile = path.join(checkout, "stacks", "Pulumi.prod.yaml");
  const original = fs.readFileSync(stackFile, "utf8");
  const failover = (): ToolRun =>
    startTool(
      checkout,
      "failover",
      [
        "--stack",
        "prod",
        "--to",
        "us-east1",
        "--execute",
        "--confirm-stack",
        "prod",
        "--reason",
        "INC-77 drill",
        "--sql-endpoint",
        `${base}/v1`,
        "--monitoring-endpoint",
        `${base}/v3`,
      ],
      env,
      { ownProcessGroup: true },
    );
  const journal = () => JSON.parse(fs.readFileSync(path.join(checkout, ".failovers", "prod.json"), "utf8"));
  const ops = () =>
    doubleCalls(checkout)
      .map((argv) => argv[0])
      .filter((c) => ["preview", "up", "refresh", "cancel"].includes(c));
  return { checkout, stackFile, original, failover, journal, ops, setScenario };
}

const unchanged = { events: [] };
const guarded = { events: failoverPreview() };
const applied = { events: failoverPreview(), outputs };

describe("`failover --execute` against the Pulumi CLI's failure modes", () => {
  test("the whole failover: Pulumi preflight before the switchover, comments kept in the stack file, the guarded preview and up", async () => {
    const s = setUp({ preview: [unchanged, guarded], up: [applied] });
    const run = s.failover();
    expect(await run.done).toBe(0);
    expect(s.journal()).toMatchObject({ outcome: "completed", reason: "INC-77 drill" });
    expect(sql.posts).toEqual(["prod-ledger-us-east1", "prod-card-vault-us-east1"]);
    // The lock probe (a refresh of the root stack alone) and the preflight preview came first.
    expect(s.ops()).toEqual(["refresh", "preview", "preview", "up"]);
    // One line changed; every comment and key order kept.
    const after = fs.readFileSync(s.stackFile, "utf8");
    expect(after).toBe(
      s.original.replace(
        "qairopay-platform:primaryRegion: us-central1",
        "qairopay-platform:primaryRegion: us-east1",
      ),
    );
    expect(after).toContain("# Production. Projects already exist");
  });

  test("a held lock stops the run at preflight: exit 4, the holder named, no switchover requested, the stack file untouched", async () => {
    const s = setUp({ preview: [unchanged], up: [applied] });
    holdLock(s.checkout, "qairopay-platform", "prod", { pid: 4242, username: "ci", hostname: "runner-7" });
    const run = s.failover();
    expect(await run.done).toBe(4);
    expect(run.stderr()).toContain("refused: stack prod is locked by another update; nothing was changed.");
    expect(run.stderr()).toContain("created by ci@runner-7 (pid 4242)");
    expect(sql.posts).toEqual([]);
    expect(fs.readFileSync(s.stackFile, "utf8")).toBe(s.original);
  });

  test("a failed `up` (exit 1, the engine's error), then Ctrl-C during the next `up` (Pulumi cancels cleanly, exit 130), then the run that completes: each resume judges a fresh preview before its up", async () => {
    const s = setUp({
      preview: [unchanged, guarded],
      up: [
        { events: failoverPreview().slice(0, 2), fail: "googleapi: Error 409: operation in progress" },
        { ...applied, waitForSignal: true },
        applied,
      ],
    });
    const failed = s.failover();
    expect(await failed.done).toBe(1);
    expect(failed.stderr()).toContain("refused: up failed:");
    expect(failed.stderr()).toContain("googleapi: Error 409: operation in progress");

    const interrupted = s.failover();
    await until(() => s.ops().filter((o) => o === "up").length === 2, 60_000, "the second up to start");
    // Once the CLI is running its update (it started, took the lock, streams its events).
    await new Promise((r) => setTimeout(r, 1500));
    // The terminal's Ctrl-C reaches the tool's process group; the tool forwards one SIGINT to Pulumi.
    process.kill(-interrupted.child.pid!, "SIGINT");
    expect(await interrupted.done).toBe(130);
    expect(interrupted.stderr()).toContain(
      "interrupted: cancelled during up: Pulumi finished the steps in flight and recorded the state",
    );
    expect(s.journal().outcome).toBeUndefined();
    expect(s.journal().done.map((d: { step: string }) => d.step)).not.toContain("up");
    expect(lockFiles(s.checkout, "qairopay-platform", "prod")).toEqual([]);

    const resumed = s.failover();
    expect(await resumed.done).toBe(0);
    expect(s.ops()).toEqual(["refresh", "preview", "preview", "up", "preview", "up", "preview", "up"]);
    // Switched once, whatever happened after.
    expect(sql.posts).toEqual(["prod-ledger-us-east1", "prod-card-vault-us-east1"]);
    expect(s.journal().outcome).toBe("completed");
  });

  test("the up is restricted to what the guard judged: a step the preview did not announce is not applied at all (the watch could only cancel after it)", async () => {
    const stray = stepEvent(
      "delete",
      "urn:pulumi:prod::qairopay-platform::gcp:storage/bucket:Bucket::prod-artifacts",
      "gcp:storage/bucket:Bucket",
    );
    const s = setUp({
      preview: [unchanged, guarded],
      up: [{ events: [...failoverPreview(), stray], outputs }],
    });
    const run = s.failover();
    expect(await run.done).toBe(0);
    const up = doubleCalls(s.checkout).find((argv) => argv[0] === "up") ?? [];
    const targets = up.flatMap((a, i) => (up[i - 1] === "--target" ? [a] : []));
    expect(targets).toContain(
      "urn:pulumi:prod::qairopay-platform::pulumi:pulumi:Stack::qairopay-platform-prod",
    );
    expect(targets).not.toContain(stray.resourcePreEvent?.metadata.urn);
    const appliedFile = path.join(s.checkout, "pulumi-calls.jsonl.applied");
    const appliedSteps = fs
      .readFileSync(appliedFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { urn: string; op: string });
    expect(appliedSteps.length).toBeGreaterThan(0);
    expect(appliedSteps.map((a) => a.urn)).not.toContain(stray.resourcePreEvent?.metadata.urn);
    expect(s.journal().outcome).toBe("completed");
  });

  test("--rollback with nothing to roll back says so (no ENOENT)", async () => {
    const s = setUp({});
    const run = startTool(
      s.checkout,
      "failover",
      ["--stack", "prod", "--rollback", "--confirm-stack", "prod"],
      doubleEnv(s.checkout),
    );
    expect(await run.done).toBe(1);
    expect(run.stderr()).toMatch(
      /^refused: nothing to roll back: no failover of stack prod is unfinished \(.+\.failovers\/prod\.json\)\n$/,
    );
  });
});
