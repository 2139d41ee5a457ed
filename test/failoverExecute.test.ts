import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { loadStack } from "../harness/stackFile";
import { configFromValues } from "../platform/config/read";
import { cloudSqlClient } from "../tools/failover/cloudSql";
import {
  CloudSql,
  executeFailover,
  FailoverRefused,
  FailoverStack,
  rollbackFailover,
} from "../tools/failover/execute";
import { FailoverPlan, planFailover, PRIMARY_REGION_KEY } from "../tools/failover/plan";
import { failoverPreview, failoverPreviewWithReplacement } from "./fixtures/engineEvents";

let plan: FailoverPlan;
beforeAll(async () => {
  const stackConfig = loadStack("prod");
  plan = await planFailover(stackConfig, configFromValues(stackConfig.values, "prod"), "us-east1");
});

/** A stack that answers as the Automation API would, replaying a recorded preview event stream. */
function fakeStack(events: EngineEvent[], calls: string[], opts: { failUp?: boolean } = {}): FailoverStack {
  const config: Record<string, string> = { [PRIMARY_REGION_KEY]: "us-central1" };
  return {
    getConfig: async (key) => config[key],
    setConfig: async (key, value) => {
      calls.push(`setConfig ${value}`);
      config[key] = value;
    },
    preview: async (onEvent) => {
      calls.push("preview");
      events.forEach(onEvent);
    },
    up: async () => {
      calls.push("up");
      if (opts.failUp) throw new Error("interrupted");
    },
    outputs: async () => ({
      ledgerPrimary: `qp-prod-platform:${config[PRIMARY_REGION_KEY]}:prod-ledger-${config[PRIMARY_REGION_KEY]}`,
      cardVaultPrimary: `qp-prod-cde:${config[PRIMARY_REGION_KEY]}:prod-card-vault-${config[PRIMARY_REGION_KEY]}`,
    }),
  };
}

function fakeSql(calls: string[], lag = 2): CloudSql {
  const primaries = new Set<string>();
  return {
    replicaLagSeconds: async (_p, instance) => (calls.push(`lag ${instance}`), lag),
    isPrimary: async (_p, instance) => primaries.has(instance),
    switchover: async (_p, instance) => {
      calls.push(`switchover ${instance}`);
      primaries.add(instance);
    },
  };
}

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-failover-")), "prod.json");
const quiet = () => undefined;

describe("failover --execute, online path (recorded engine events)", () => {
  test("completes in order: preflight, switchovers, config, guarded refreshed preview, up, verify against Cloud SQL", async () => {
    const calls: string[] = [];
    const journalFile = tmp();
    const report = await executeFailover({
      plan,
      reason: "INC-1234 drill",
      stack: fakeStack(failoverPreview(), calls),
      sql: fakeSql(calls),
      journalFile,
      maxLagSeconds: 60,
      log: quiet,
    });
    expect(report.outcome).toBe("completed");
    expect(calls).toEqual([
      "lag prod-ledger-us-east1",
      "lag prod-card-vault-us-east1",
      "switchover prod-ledger-us-east1",
      "switchover prod-card-vault-us-east1",
      "setConfig us-east1",
      "preview",
      "up",
    ]);
    const journal = JSON.parse(fs.readFileSync(journalFile, "utf8"));
    expect(journal.done.map((d: { step: string }) => d.step)).toEqual([
      "preflight",
      "switchover:ledger",
      "switchover:card-vault",
      "config",
      "preview",
      "up",
      "verify",
    ]);
    expect(journal).toMatchObject({
      outcome: "completed",
      reason: "INC-1234 drill",
      from: "us-central1",
      to: "us-east1",
    });
  });

  test("switchovers go to the deployed projects (an ephemeral stack's ids carry a suffix)", async () => {
    const seen: string[] = [];
    const sql: CloudSql = {
      replicaLagSeconds: async () => 1,
      isPrimary: async (project, instance) => seen.includes(`${project}/${instance}`),
      switchover: async (project, instance) => void seen.push(`${project}/${instance}`),
    };
    const stack = fakeStack(failoverPreview(), []);
    const withIds: FailoverStack = {
      ...stack,
      outputs: async () => ({
        ...(await stack.outputs()),
        projectIds: { platform: "qp-prod-platform-1a2b", cde: "qp-prod-cde-1a2b" },
      }),
    };
    await executeFailover({
      plan,
      reason: "drill",
      stack: withIds,
      sql,
      journalFile: tmp(),
      maxLagSeconds: 60,
      log: quiet,
    });
    expect(seen).toEqual([
      "qp-prod-platform-1a2b/prod-ledger-us-east1",
      "qp-prod-cde-1a2b/prod-card-vault-us-east1",
    ]);
  });

  test("a preview that would replace a database blocks `up`; the journal stays open and the run resumes there once fixed", async () => {
    const calls: string[] = [];
    const journalFile = tmp();
    const sql = fakeSql(calls);
    const options = { plan, reason: "drill", sql, journalFile, maxLagSeconds: 60, log: quiet };
    const blocked = await executeFailover({
      ...options,
      stack: fakeStack(failoverPreviewWithReplacement(), calls),
    });
    expect(blocked.outcome).toBe("blocked");
    expect(blocked.findings.map((f) => f.rule)).toEqual(["stateful-replace"]);
    expect(calls).not.toContain("up");
    expect(JSON.parse(fs.readFileSync(journalFile, "utf8")).outcome).toBeUndefined();
    calls.length = 0;
    const fixed = fakeStack(failoverPreview(), calls);
    await fixed.setConfig(PRIMARY_REGION_KEY, "us-east1");
    calls.length = 0;
    expect((await executeFailover({ ...options, stack: fixed })).outcome).toBe("completed");
    expect(calls).toEqual(["preview", "up"]);
  });

  test("a lagging DR replica is refused at preflight; nothing changes", async () => {
    const calls: string[] = [];
    await expect(
      executeFailover({
        plan,
        reason: "drill",
        stack: fakeStack(failoverPreview(), calls),
        sql: fakeSql(calls, 300),
        journalFile: tmp(),
        maxLagSeconds: 60,
        log: quiet,
      }),
    ).rejects.toThrow(
      new FailoverRefused(
        "preflight: prod-ledger-us-east1 lags by 300 s, over 60 s: a failover now would lose more than the RPO allows",
      ),
    );
    expect(calls.filter((c) => !c.startsWith("lag"))).toEqual([]);
  });

  test("interrupted during up, it resumes at `up` without switching again; a second failover is refused meanwhile", async () => {
    const calls: string[] = [];
    const journalFile = tmp();
    const sql = fakeSql(calls);
    const options = { plan, reason: "drill", sql, journalFile, maxLagSeconds: 60, log: quiet };
    await expect(
      executeFailover({ ...options, stack: fakeStack(failoverPreview(), calls, { failUp: true }) }),
    ).rejects.toThrow("interrupted");
    await expect(
      executeFailover({
        ...options,
        plan: { ...plan, from: "us-east1", to: "us-central1" },
        stack: fakeStack(failoverPreview(), []),
      }),
    ).rejects.toThrow(/an unfinished failover us-central1 → us-east1 of prod/);
    await expect(rollbackFailover(fakeStack([], []), journalFile, PRIMARY_REGION_KEY, quiet)).rejects.toThrow(
      /a Cloud SQL switchover already happened/,
    );
    calls.length = 0;
    const stack = fakeStack(failoverPreview(), calls);
    await stack.setConfig(PRIMARY_REGION_KEY, "us-east1");
    calls.length = 0;
    const report = await executeFailover({ ...options, stack });
    expect(report.outcome).toBe("completed");
    expect(calls).toEqual(["up"]);
  });

  test("interrupted before any switchover, it can be closed (rolled back) with nothing to undo", async () => {
    const journalFile = tmp();
    const calls: string[] = [];
    const stack = fakeStack(failoverPreview(), calls);
    const sql: CloudSql = { ...fakeSql(calls), switchover: async () => Promise.reject(new Error("killed")) };
    await expect(
      executeFailover({ plan, reason: "drill", stack, sql, journalFile, maxLagSeconds: 60, log: quiet }),
    ).rejects.toThrow("killed");
    const report = await rollbackFailover(stack, journalFile, PRIMARY_REGION_KEY, quiet);
    expect(report.outcome).toBe("rolled-back");
    expect(await stack.getConfig(PRIMARY_REGION_KEY)).toBe("us-central1");
  });

  test("verification asks Cloud SQL: a replica that did not become primary fails the run", async () => {
    const calls: string[] = [];
    const sql: CloudSql = {
      ...fakeSql(calls),
      isPrimary: async () => false,
      switchover: async () => undefined,
    };
    await expect(
      executeFailover({
        plan,
        reason: "drill",
        stack: fakeStack(failoverPreview(), calls),
        sql,
        journalFile: tmp(),
        maxLagSeconds: 60,
        log: quiet,
      }),
    ).rejects.toThrow(
      /verify: prod-ledger-us-east1 is not the primary in Cloud SQL; prod-card-vault-us-east1 is not the primary in Cloud SQL/,
    );
  });
});

describe("the Cloud SQL client over real HTTP", () => {
  test("reads the lag from Monitoring, the role from the Admin API, and follows a switchover to DONE", async () => {
    const seen: string[] = [];
    let polls = 0;
    const answer = (url: string, method: string): [number, unknown] => {
      if (url.startsWith("/v3/projects/p/timeSeries"))
        return [200, { timeSeries: [{ points: [{ value: { doubleValue: 1.5 } }] }] }];
      if (url === "/v1/projects/p/instances/db-east") return [200, { instanceType: "READ_REPLICA_INSTANCE" }];
      if (url === "/v1/projects/p/instances/db-east/switchover" && method === "POST")
        return [200, { name: "op-1", status: "RUNNING" }];
      if (url === "/v1/projects/p/operations/op-1")
        return [200, { name: "op-1", status: ++polls > 1 ? "DONE" : "RUNNING" }];
      return [404, {}];
    };
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${decodeURIComponent(req.url ?? "")} ${req.headers.authorization}`);
      const [status, body] = answer(req.url ?? "", req.method ?? "");
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const sql = cloudSqlClient({
        accessToken: async () => "token-1",
        sqlAdmin: `${base}/v1`,
        monitoring: `${base}/v3`,
        pollMs: 1,
      });
      expect(await sql.replicaLagSeconds("p", "db-east")).toBe(1.5);
      expect(await sql.isPrimary("p", "db-east")).toBe(false);
      await sql.switchover("p", "db-east");
      expect(polls).toBe(2);
      expect(seen.every((s) => s.endsWith("Bearer token-1"))).toBe(true);
      expect(seen[0]).toContain('resource.labels.database_id="p:db-east"');
      await expect(sql.isPrimary("p", "missing")).rejects.toThrow(/404/);
    } finally {
      server.close();
    }
  });
});
