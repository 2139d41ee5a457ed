import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { loadStack } from "../engine/stackFile";
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
import { cliErrors } from "../tools/cli/pulumiCli";
import { lockedBy, StackLocked } from "../tools/cli/stackState";
import { failoverPreview, failoverPreviewWithReplacement, stepEvent } from "./fixtures/engineEvents";

let plan: FailoverPlan;
beforeAll(async () => {
  const stackConfig = loadStack("prod");
  plan = await planFailover(stackConfig, configFromValues(stackConfig.values, "prod"), "us-east1");
});

interface FakeOptions {
  /** Events of each preview in turn (the last repeats): the preflight's, then the guarded one's. */
  previews?: EngineEvent[][];
  /** Events the up streams (default: the last preview's). */
  upEvents?: EngineEvent[];
  failUp?: boolean;
  pending?: unknown[];
  locked?: boolean;
  failPreflightPreview?: string;
  failGuardedPreview?: string;
  /** The nth preview (1-based) is refused for a held lock, as Pulumi Cloud's 409 is mapped (automation.ts). */
  lockedAtPreview?: number;
}

/** A stack that answers as the Automation API would, replaying recorded engine event streams. */
function fakeStack(
  calls: string[],
  opts: FakeOptions = {},
): FailoverStack & { config: Record<string, string> } {
  const config: Record<string, string> = { [PRIMARY_REGION_KEY]: "us-central1" };
  const previews = opts.previews ?? [failoverPreview()];
  let previewCount = 0;
  return {
    name: "prod",
    config,
    exportState: async () => (
      calls.push("export"),
      { version: 3, deployment: { pending_operations: opts.pending } }
    ),
    probeLock: async () => {
      calls.push("probeLock");
      if (opts.locked) throw new StackLocked("prod", "the stack is currently locked by 1 lock(s).");
    },
    setConfig: async (key, value) => {
      calls.push(`setConfig ${value}`);
      config[key] = value;
    },
    preview: async (onEvent) => {
      calls.push("preview");
      const events = previews[Math.min(previewCount++, previews.length - 1)];
      if (previewCount === opts.lockedAtPreview)
        throw new StackLocked("prod", "[409] Conflict: Another update is currently in progress.");
      if (previewCount === 1 && opts.failPreflightPreview) throw new Error(opts.failPreflightPreview);
      if (previewCount > 1 && opts.failGuardedPreview) throw new Error(opts.failGuardedPreview);
      events.forEach(onEvent);
    },
    up: async (onEvent, signal) => {
      calls.push("up");
      if (opts.failUp) throw new Error("interrupted");
      for (const e of opts.upEvents ?? previews[previews.length - 1]) {
        if (signal.aborted) throw new Error("update canceled");
        onEvent(e);
      }
      if (signal.aborted) throw new Error("update canceled");
    },
    outputs: async () => ({
      ledgerPrimary: `qp-prod-platform:${config[PRIMARY_REGION_KEY]}:prod-ledger-${config[PRIMARY_REGION_KEY]}`,
      cardVaultPrimary: `qp-prod-cde:${config[PRIMARY_REGION_KEY]}:prod-card-vault-${config[PRIMARY_REGION_KEY]}`,
    }),
  };
}

function fakeSql(calls: string[], lag = 2): CloudSql & { primaries: Set<string> } {
  const primaries = new Set<string>();
  const operations = new Map<string, string>();
  return {
    primaries,
    replicaLagSeconds: async (_p, instance) => (calls.push(`lag ${instance}`), lag),
    isPrimary: async (_p, instance) => primaries.has(instance),
    runningSwitchover: async () => undefined,
    startSwitchover: async (_p, instance) => {
      calls.push(`switchover ${instance}`);
      operations.set(`op-${instance}`, instance);
      return `op-${instance}`;
    },
    waitForOperation: async (_p, operation) => {
      calls.push(`wait ${operation}`);
      primaries.add(operations.get(operation) ?? operation.replace(/^op-/, ""));
    },
  };
}

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-failover-")), "prod.json");
const quiet = () => undefined;
const SWITCHED = [
  "switchover prod-ledger-us-east1",
  "wait op-prod-ledger-us-east1",
  "switchover prod-card-vault-us-east1",
  "wait op-prod-card-vault-us-east1",
];

describe("failover --execute, online path (recorded engine events)", () => {
  test("completes in order: preflight (lag, then Pulumi: pending, lock, preview), switchovers, config, guarded preview, watched up, verify", async () => {
    const calls: string[] = [];
    const journalFile = tmp();
    const report = await executeFailover({
      plan,
      reason: "INC-1234 drill",
      stack: fakeStack(calls),
      sql: fakeSql(calls),
      journalFile,
      maxLagSeconds: 60,
      log: quiet,
    });
    expect(report.outcome).toBe("completed");
    expect(calls).toEqual([
      "lag prod-ledger-us-east1",
      "lag prod-card-vault-us-east1",
      "export",
      "probeLock",
      "preview",
      ...SWITCHED,
      "setConfig us-east1",
      // Pending operations are checked again before the guarded preview and up.
      "export",
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

  test.each([
    [
      "an ephemeral stack without projectIds (its configured ids name projects that do not exist)",
      { ephemeral: true },
      {},
      /is ephemeral and has no projectIds.platform output/,
    ],
    [
      "another project's id in projectIds",
      {},
      { projectIds: { platform: "qp-stg-platform", cde: "qp-prod-cde" } },
      /projectIds.platform output qp-stg-platform is not project qp-prod-platform nor one of its generations/,
    ],
  ])("refused before any switchover: %s", async (_what, planExtra, outputs, message) => {
    const calls: string[] = [];
    const stack = fakeStack(calls);
    const sql: CloudSql = {
      ...fakeSql(calls),
      startSwitchover: async () => {
        throw new Error("no switchover may start");
      },
    };
    const run = executeFailover({
      plan: { ...plan, ...planExtra },
      reason: "drill",
      stack: {
        ...stack,
        outputs: async () => ({ ...(await stack.outputs()), projectIds: undefined, ...outputs }),
      },
      sql,
      journalFile: tmp(),
      maxLagSeconds: 60,
      log: quiet,
    });
    await expect(run).rejects.toBeInstanceOf(FailoverRefused);
    await expect(run).rejects.toThrow(message);
  });

  test("switchovers go to the deployed projects (an ephemeral stack's ids carry a suffix)", async () => {
    const seen: string[] = [];
    const sql: CloudSql = {
      ...fakeSql([]),
      isPrimary: async (project, instance) => seen.includes(`${project}/${instance}`),
      startSwitchover: async (project, instance) => (seen.push(`${project}/${instance}`), "op"),
      waitForOperation: async () => undefined,
    };
    const stack = fakeStack([]);
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

  describe("the preflight refuses before any switchover, and nothing changes", () => {
    const runWith = async (opts: FakeOptions) => {
      const calls: string[] = [];
      const stack = fakeStack(calls, opts);
      const result = executeFailover({
        plan,
        reason: "drill",
        stack,
        sql: fakeSql(calls),
        journalFile: tmp(),
        maxLagSeconds: 60,
        log: quiet,
      });
      await result.catch(() => undefined);
      expect(
        calls.filter((c) => c.startsWith("switchover") || c.startsWith("setConfig") || c === "up"),
      ).toEqual([]);
      expect(stack.config[PRIMARY_REGION_KEY]).toBe("us-central1");
      return result;
    };

    test("operations an interrupted run left pending: the commands that resolve them", async () => {
      const pending = [
        {
          type: "creating",
          resource: {
            urn: "urn:pulumi:prod::qairopay-platform::gcp:sql/user:User::x",
            type: "gcp:sql/user:User",
            inputs: {},
          },
        },
      ];
      await expect(runWith({ pending })).rejects.toThrow(
        /^preflight: stack prod has 1 operation\(s\) left pending by an interrupted run \(urn:pulumi:prod::qairopay-platform::gcp:sql\/user:User::x creating\)[\s\S]*pulumi refresh --stack prod --yes --import-pending-creates 'urn:pulumi:prod::qairopay-platform::gcp:sql\/user:User::x' --import-pending-creates <id, if it exists in Google Cloud>[\s\S]*pulumi refresh --stack prod --yes --clear-pending-creates/,
      );
    });

    test("a held lock", async () => {
      await expect(runWith({ locked: true })).rejects.toBeInstanceOf(StackLocked);
    });

    test("a preview of the current configuration that fails (backend, decryption, plugins, packs, clusters)", async () => {
      await expect(
        runWith({
          failPreflightPreview:
            "stderr: error: failed to decrypt encrypted configuration value 'pagerDutyServiceKey'",
        }),
      ).rejects.toThrow(
        "preflight: pulumi preview of the current configuration failed: error: failed to decrypt encrypted configuration value 'pagerDutyServiceKey'",
      );
    });

    test("a preview of the current configuration that the guard already refuses", async () => {
      await expect(runWith({ previews: [failoverPreviewWithReplacement()] })).rejects.toThrow(
        /^preflight: the preview of the current configuration already has changes the guard refuses/,
      );
    });
  });

  test("a preview that would replace a database blocks `up`; the journal stays open and the run resumes there once fixed", async () => {
    const calls: string[] = [];
    const journalFile = tmp();
    const sql = fakeSql(calls);
    const options = { plan, reason: "drill", sql, journalFile, maxLagSeconds: 60, log: quiet };
    const blocked = await executeFailover({
      ...options,
      stack: fakeStack(calls, { previews: [failoverPreview(), failoverPreviewWithReplacement()] }),
    });
    expect(blocked.outcome).toBe("blocked");
    expect(blocked.findings.map((f) => f.rule)).toEqual(["stateful-replace"]);
    expect(calls).not.toContain("up");
    expect(JSON.parse(fs.readFileSync(journalFile, "utf8")).outcome).toBeUndefined();
    calls.length = 0;
    const fixed = fakeStack(calls);
    fixed.config[PRIMARY_REGION_KEY] = "us-east1";
    expect((await executeFailover({ ...options, stack: fixed })).outcome).toBe("completed");
    expect(calls).toEqual(["export", "preview", "up"]);
  });

  test("a guarded preview that fails after the switchovers: refused with the CLI's error, the journal open, nothing switched twice on the re-run", async () => {
    const calls: string[] = [];
    const journalFile = tmp();
    const sql = fakeSql(calls);
    const options = { plan, reason: "drill", sql, journalFile, maxLagSeconds: 60, log: quiet };
    await expect(
      executeFailover({
        ...options,
        stack: fakeStack(calls, { failGuardedPreview: "stderr: error: could not load plugin kubernetes" }),
      }),
    ).rejects.toThrow(
      "preview failed: error: could not load plugin kubernetes; the journal stays open: fix the cause and run the same command again",
    );
    expect(JSON.parse(fs.readFileSync(journalFile, "utf8")).outcome).toBeUndefined();
    calls.length = 0;
    const stack = fakeStack(calls);
    stack.config[PRIMARY_REGION_KEY] = "us-east1";
    expect((await executeFailover({ ...options, stack })).outcome).toBe("completed");
    expect(calls).toEqual(["export", "preview", "up"]);
  });

  test("the live guard refuses replacing a Kubernetes provider (it re-creates every object it manages)", async () => {
    const provider = stepEvent(
      "replace",
      "urn:pulumi:prod::qairopay-platform::qairopay:gke:GkeCluster$pulumi:providers:kubernetes::prod-us-east1-k8s",
      "pulumi:providers:kubernetes",
      { keys: ["kubeconfig"] },
    );
    const calls: string[] = [];
    const report = await executeFailover({
      plan,
      reason: "drill",
      stack: fakeStack(calls, { previews: [failoverPreview(), [...failoverPreview(), provider]] }),
      sql: fakeSql(calls),
      journalFile: tmp(),
      maxLagSeconds: 60,
      log: quiet,
    });
    expect(report.outcome).toBe("blocked");
    expect(report.findings.map((f) => f.rule)).toEqual(["kubernetes-provider-replaced"]);
    expect(calls).not.toContain("up");
  });

  test("the up applies what the guard judged: a step the preview did not announce cancels it", async () => {
    const extra = stepEvent(
      "delete",
      "urn:pulumi:prod::qairopay-platform::gcp:storage/bucket:Bucket::prod-artifacts",
      "gcp:storage/bucket:Bucket",
    );
    let cancelled = false;
    let targeted: string[] = [];
    const calls: string[] = [];
    const stack = fakeStack(calls, {
      upEvents: [...failoverPreview().slice(0, 2), extra, ...failoverPreview().slice(2)],
    });
    // This fake ignores the restriction (the scripted CLI honours it: failoverCli.test.ts): the watch is the second line.
    const watched: FailoverStack = {
      ...stack,
      up: async (onEvent, signal, targets) => {
        targeted = targets;
        signal.addEventListener("abort", () => (cancelled = true));
        return stack.up(onEvent, signal, targets);
      },
    };
    const journalFile = tmp();
    const report = await executeFailover({
      plan,
      reason: "drill",
      stack: watched,
      sql: fakeSql(calls),
      journalFile,
      maxLagSeconds: 60,
      log: quiet,
    });
    expect(cancelled).toBe(true);
    // The up was restricted to what the judged preview changes, and the stray step is not among them.
    const judged = failoverPreview()
      .map((e) => e.resourcePreEvent?.metadata)
      .filter((m) => m && m.op !== "same")
      .map((m) => m?.urn);
    expect(targeted.length).toBeGreaterThan(0);
    expect(new Set(targeted)).toEqual(new Set(judged));
    expect(targeted).not.toContain(extra.resourcePreEvent?.metadata.urn);
    expect(report.outcome).toBe("blocked");
    expect(report.findings.map((f) => [f.rule, f.urn])).toEqual([
      ["stateful-delete", extra.resourcePreEvent?.metadata.urn],
      ["up-diverged", extra.resourcePreEvent?.metadata.urn],
    ]);
    expect(
      JSON.parse(fs.readFileSync(journalFile, "utf8")).done.map((d: { step: string }) => d.step),
    ).not.toContain("up");
  });

  test.each([
    [1, "the preflight preview"],
    [2, "the guarded preview"],
  ])(
    "a lock held at preview %i (%s; Pulumi Cloud's 409) is a held lock (exit 4), not a failed preview",
    async (at) => {
      const calls: string[] = [];
      const run = executeFailover({
        plan,
        reason: "drill",
        stack: fakeStack(calls, { lockedAtPreview: at }),
        sql: fakeSql(calls),
        journalFile: tmp(),
        maxLagSeconds: 60,
        log: quiet,
      });
      await expect(run).rejects.toBeInstanceOf(StackLocked);
      await expect(run).rejects.toThrow("[409] Conflict: Another update is currently in progress.");
      expect(calls).not.toContain("up");
    },
  );

  test("a resume after an up killed at once refuses while its creates are pending (the CLI keeps them: the up would create them again), with the commands", async () => {
    const calls: string[] = [];
    const opts: FakeOptions = { failUp: true };
    const stack = fakeStack(calls, opts);
    const sql = fakeSql(calls);
    const journalFile = tmp();
    const run = () =>
      executeFailover({ plan, reason: "drill", stack, sql, journalFile, maxLagSeconds: 60, log: quiet });
    await expect(run()).rejects.toThrow(/^up failed/);
    opts.failUp = false;
    opts.pending = [
      {
        type: "creating",
        resource: {
          urn: "urn:pulumi:prod::qairopay-platform::gcp:sql/user:User::ledger-app",
          type: "gcp:sql/user:User",
          inputs: {},
        },
      },
    ];
    calls.length = 0;
    await expect(run()).rejects.toThrow(
      /^stack prod has 1 operation\(s\) left pending by an interrupted run \(urn:pulumi:prod::qairopay-platform::gcp:sql\/user:User::ledger-app creating\), refused before the guarded preview and up[\s\S]*pulumi refresh --stack prod --yes --import-pending-creates 'urn:pulumi:prod::qairopay-platform::gcp:sql\/user:User::ledger-app'/,
    );
    expect(calls).toEqual(["export"]);
    // Resolved, the same command finishes.
    opts.pending = [];
    calls.length = 0;
    expect((await run()).outcome).toBe("completed");
    expect(calls).toEqual(["export", "preview", "up"]);
  });

  test("a runner lost after the switchovers: the same command from another machine (no journal) finds the replicas primary and goes forward, without lag check or a second switchover", async () => {
    const calls: string[] = [];
    const sql = fakeSql(calls);
    // The now-primary instances report no replica lag at all.
    sql.replicaLagSeconds = async (_p, instance) => (calls.push(`lag ${instance}`), undefined);
    sql.primaries.add("prod-ledger-us-east1");
    sql.primaries.add("prod-card-vault-us-east1");
    const report = await executeFailover({
      plan,
      reason: "drill",
      stack: fakeStack(calls),
      sql,
      journalFile: tmp(),
      maxLagSeconds: 60,
      log: quiet,
    });
    expect(report.outcome).toBe("completed");
    // Pending and lock checked; the old configuration's preview skipped (the state shows the new roles).
    expect(calls).toEqual(["export", "probeLock", "setConfig us-east1", "export", "preview", "up"]);
  });

  test("a lagging DR replica is refused at preflight; nothing changes", async () => {
    const calls: string[] = [];
    await expect(
      executeFailover({
        plan,
        reason: "drill",
        stack: fakeStack(calls),
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

  test("interrupted during up, the resume judges the preview again, then runs up, without switching again; a second failover is refused meanwhile", async () => {
    const calls: string[] = [];
    const journalFile = tmp();
    const sql = fakeSql(calls);
    const options = { plan, reason: "drill", sql, journalFile, maxLagSeconds: 60, log: quiet };
    await expect(executeFailover({ ...options, stack: fakeStack(calls, { failUp: true }) })).rejects.toThrow(
      /^up failed: interrupted; the journal stays open/,
    );
    await expect(
      executeFailover({
        ...options,
        plan: { ...plan, from: "us-east1", to: "us-central1" },
        stack: fakeStack([]),
      }),
    ).rejects.toThrow(/an unfinished failover us-central1 → us-east1 of prod/);
    await expect(rollbackFailover(fakeStack([]), journalFile, PRIMARY_REGION_KEY, quiet)).rejects.toThrow(
      /a Cloud SQL switchover already happened/,
    );
    calls.length = 0;
    const stack = fakeStack(calls);
    stack.config[PRIMARY_REGION_KEY] = "us-east1";
    const report = await executeFailover({ ...options, stack });
    expect(report.outcome).toBe("completed");
    // Every run that has an up to do judges a fresh preview first.
    expect(calls).toEqual(["export", "preview", "up"]);
  });

  test("a switchover still running (the last run was interrupted while following it) is followed, never sent again", async () => {
    const calls: string[] = [];
    const journalFile = tmp();
    const sql = fakeSql(calls);
    const controller = new AbortController();
    const interrupted: CloudSql = {
      ...sql,
      waitForOperation: async (_p, operation, signal) => {
        calls.push(`wait ${operation}`);
        controller.abort(new Error("SIGINT"));
        throw signal?.reason;
      },
    };
    const options = { plan, reason: "drill", journalFile, maxLagSeconds: 60, log: quiet };
    await expect(
      executeFailover({ ...options, sql: interrupted, stack: fakeStack(calls), signal: controller.signal }),
    ).rejects.toThrow(
      "the switchover of prod-ledger-us-east1 goes on in Cloud SQL (operation op-prod-ledger-us-east1); run the same command again to follow it",
    );
    expect(JSON.parse(fs.readFileSync(journalFile, "utf8")).requested).toEqual({
      ledger: "op-prod-ledger-us-east1",
    });
    calls.length = 0;
    expect((await executeFailover({ ...options, sql, stack: fakeStack(calls) })).outcome).toBe("completed");
    expect(calls.filter((c) => c.includes("ledger"))).toEqual(["wait op-prod-ledger-us-east1"]);

    // Killed between the request and its journal line: the running operation is found in Cloud SQL.
    const found: string[] = [];
    const base = fakeSql(found);
    const running: CloudSql = {
      ...base,
      runningSwitchover: async (_p, instance) =>
        instance === "prod-ledger-us-east1" ? "op-seen" : undefined,
      waitForOperation: async (project, operation, signal) => {
        if (operation !== "op-seen") return base.waitForOperation(project, operation, signal);
        found.push("wait op-seen");
        base.primaries.add("prod-ledger-us-east1");
      },
    };
    await executeFailover({ ...options, journalFile: tmp(), sql: running, stack: fakeStack(found) });
    expect(found.filter((c) => c.includes("ledger") || c.includes("op-seen"))).toEqual([
      "lag prod-ledger-us-east1",
      "wait op-seen",
    ]);
  });

  test("interrupted before any switchover, it can be closed (rolled back) with nothing to undo", async () => {
    const journalFile = tmp();
    const calls: string[] = [];
    const stack = fakeStack(calls);
    const sql: CloudSql = {
      ...fakeSql(calls),
      startSwitchover: async () => Promise.reject(new Error("killed")),
    };
    await expect(
      executeFailover({ plan, reason: "drill", stack, sql, journalFile, maxLagSeconds: 60, log: quiet }),
    ).rejects.toThrow("killed");
    const report = await rollbackFailover(stack, journalFile, PRIMARY_REGION_KEY, quiet);
    expect(report.outcome).toBe("rolled-back");
    expect(stack.config[PRIMARY_REGION_KEY]).toBe("us-central1");
    await expect(rollbackFailover(stack, journalFile, PRIMARY_REGION_KEY, quiet)).rejects.toThrow(
      `nothing to roll back: the last failover in ${journalFile} is rolled-back`,
    );
    await expect(rollbackFailover(stack, tmp(), PRIMARY_REGION_KEY, quiet)).rejects.toThrow(
      /^nothing to roll back: no failover was started \(.+ does not exist\)$/,
    );
  });

  test("verification asks Cloud SQL: a replica that did not become primary fails the run", async () => {
    const calls: string[] = [];
    const sql: CloudSql = {
      ...fakeSql(calls),
      isPrimary: async () => false,
      waitForOperation: async () => undefined,
    };
    await expect(
      executeFailover({
        plan,
        reason: "drill",
        stack: fakeStack(calls),
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
  test("reads the lag from Monitoring, the role from the Admin API, finds a running switchover, and follows one to DONE", async () => {
    const seen: string[] = [];
    let polls = 0;
    const answer = (url: string, method: string): [number, unknown] => {
      if (url.startsWith("/v3/projects/p/timeSeries"))
        return [200, { timeSeries: [{ points: [{ value: { doubleValue: 1.5 } }] }] }];
      if (url === "/v1/projects/p/instances/db-east") return [200, { instanceType: "READ_REPLICA_INSTANCE" }];
      if (url === "/v1/projects/p/instances/db-east/switchover" && method === "POST")
        return [200, { name: "op-1", status: "RUNNING", operationType: "SWITCHOVER" }];
      if (url === "/v1/projects/p/operations/op-1")
        return [200, { name: "op-1", status: ++polls > 1 ? "DONE" : "RUNNING" }];
      if (url.startsWith("/v1/projects/p/operations?instance=db-east"))
        return [
          200,
          {
            items: [
              { name: "op-2", operationType: "UPDATE", status: "RUNNING" },
              { name: "op-1", operationType: "SWITCHOVER", status: "RUNNING" },
            ],
          },
        ];
      if (url.startsWith("/v1/projects/p/operations?instance=db-west"))
        return [200, { items: [{ name: "op-0", operationType: "SWITCHOVER", status: "DONE" }] }];
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
      expect(await sql.runningSwitchover("p", "db-east")).toBe("op-1");
      expect(await sql.runningSwitchover("p", "db-west")).toBeUndefined();
      const operation = await sql.startSwitchover("p", "db-east");
      await sql.waitForOperation("p", operation);
      expect(polls).toBe(2);
      expect(seen.every((s) => s.endsWith("Bearer token-1"))).toBe(true);
      expect(seen[0]).toContain('resource.labels.database_id="p:db-east"');
      await expect(sql.isPrimary("p", "missing")).rejects.toThrow(/404/);
    } finally {
      server.close();
    }
  });

  test("a connection that fails names its cause, not just `fetch failed`", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const sql = cloudSqlClient({ accessToken: async () => "t", sqlAdmin: `http://127.0.0.1:${port}/v1` });
    await expect(sql.isPrimary("p", "db")).rejects.toThrow(
      `GET http://127.0.0.1:${port}/v1/projects/p/instances/db: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});

describe("the CLI's own words from an Automation API error", () => {
  // The SDK's own classes, as our CLI runner builds its errors (tools/cli/pulumiCli.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CommandResult } = require("@pulumi/pulumi/automation/cmd");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createCommandError } = require("@pulumi/pulumi/automation/errors");

  test("an error that is the first line of stdout, lock lines on stderr, and a silent CLI are all told", () => {
    const first = createCommandError(
      new CommandResult("    error: googleapi: Error 409: operation in progress\n", "", 1),
    );
    expect(cliErrors(first)).toBe("error: googleapi: Error 409: operation in progress");
    const locked = createCommandError(
      new CommandResult(
        "",
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  gs://b/.pulumi/locks/organization/p/prod/x.json: created by ci@runner (pid 7) at 2026-05-04T10:00:00Z\n",
        255,
      ),
    );
    expect(locked.name).toBe("ConcurrentUpdateError");
    expect(cliErrors(locked).split("\n")).toEqual([
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
      "gs://b/.pulumi/locks/organization/p/prod/x.json: created by ci@runner (pid 7) at 2026-05-04T10:00:00Z",
    ]);
    expect(lockedBy(locked, "prod")?.message).toContain("created by ci@runner (pid 7)");
    expect(cliErrors(createCommandError(new CommandResult("", "", 1)))).toBe("");
  });
});
