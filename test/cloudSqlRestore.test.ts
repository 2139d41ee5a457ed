import * as http from "http";
import { AddressInfo } from "net";
import { loadStack } from "../engine/stackFile";
import { configFromValues } from "../platform/config/read";
import {
  CloudSqlRestoreOptions,
  DRILL_LABEL,
  iamUser,
  restoreTarget,
  rowsOf,
  runCloudSqlRestore,
  assertVerifiable,
  RestoreUnverifiable,
} from "../tools/drill/cloudSqlRestore";
import { MIGRATION_SQL, TENANT_TABLES_SQL } from "../tools/drill/integrity";
import { Interrupted } from "../tools/cli/interrupted";

// The restore drill's calls to Google (RES-11) as contract tests: a local HTTP server answers with
// the documented REST shapes of the Cloud SQL Admin API v1 (instances get/insert/delete/import/
// executeSql, databases.insert, users.insert, operations.get: Operation.status PENDING|RUNNING|DONE,
// Operation.error.errors[]) and the Cloud Storage JSON API v1 (objects.list with nextPageToken,
// buckets getIamPolicy/setIamPolicy with etag), and checks every request the drill makes.

const prodTarget = () => restoreTarget(configFromValues(loadStack("prod").values, "prod"), "ledger");

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface FakeOptions {
  /** Data API setting of the DR replica the scratch copies. */
  dataApiAccess?: string;
  /** Instances that exist before the drill (name → settings.userLabels). */
  existing?: Record<string, Record<string, string>>;
  importError?: Json;
  objects?: string[][];
  sqlStatus?: Json;
}

/** A stand-in for sqladmin.googleapis.com/v1 and storage.googleapis.com/storage/v1. */
async function fakeGoogle(opts: FakeOptions = {}) {
  const t = prodTarget();
  const calls: { method: string; path: string; body: Json; auth?: string }[] = [];
  const instances = new Map<string, Json>(
    Object.entries(opts.existing ?? {}).map(([name, userLabels]) => [
      name,
      { name, settings: { userLabels } },
    ]),
  );
  instances.set(t.template, {
    name: t.template,
    instanceType: "READ_REPLICA_INSTANCE",
    masterInstanceName: `${t.project}:${t.primary}`,
    replicaConfiguration: { failoverTarget: false },
    databaseVersion: "POSTGRES_15",
    region: t.region,
    diskEncryptionConfiguration: { kmsKeyName: "projects/k/locations/us-east1/keyRings/r/cryptoKeys/ledger" },
    settings: {
      tier: "db-custom-2-7680",
      edition: "ENTERPRISE",
      availabilityType: "REGIONAL",
      dataDiskType: "PD_SSD",
      ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/h/global/networks/vpc" },
      databaseFlags: [{ name: "cloudsql.enable_pgaudit", value: "on" }],
      dataApiAccess: opts.dataApiAccess ?? "ALLOW_DATA_API",
      backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true },
      userLabels: { environment: "prod" },
    },
  });
  let policy: Json = {
    version: 1,
    etag: "CAE=",
    bindings: [
      {
        role: "roles/storage.objectCreator",
        members: ["serviceAccount:p1@gcp-sa-cloud-sql.iam.gserviceaccount.com"],
      },
    ],
  };
  const initialPolicy = structuredClone(policy);
  const operations = new Map<string, { polls: number; error?: Json }>();
  const operation = (error?: Json) => {
    const name = `op-${operations.size + 1}`;
    operations.set(name, { polls: 0, error });
    return [200, { kind: "sql#operation", name, status: "PENDING" }] as const;
  };
  const pages = opts.objects ?? [
    [`${t.primary}/2026-01-01T01-00-00.000Z.sql.gz`, `${t.primary}/2026-01-03T01-00-00.000Z.sql.gz`],
    [`${t.primary}/2026-01-02T01-00-00.000Z.sql.gz`, `${t.primary}/notes.txt`],
  ];
  const answer = (method: string, url: URL, body: Json): readonly [number, Json] => {
    const p = url.pathname;
    const sql = `/v1/projects/${t.project}`;
    const bucket = `/storage/v1/b/${t.bucket}`;
    if (method === "GET" && p === `${bucket}/o`) {
      expect(url.searchParams.get("prefix")).toBe(`${t.primary}/`);
      const page = Number(url.searchParams.get("pageToken") ?? 0);
      return [
        200,
        {
          kind: "storage#objects",
          items: pages[page].map((name) => ({ name, timeCreated: `created ${name}` })),
          ...(page + 1 < pages.length ? { nextPageToken: String(page + 1) } : {}),
        },
      ];
    }
    if (p === `${bucket}/iam` && method === "GET") {
      expect(url.searchParams.get("optionsRequestedPolicyVersion")).toBe("3");
      return [200, policy];
    }
    if (p === `${bucket}/iam` && method === "PUT") {
      if (body.etag !== policy.etag) return [412, { error: { code: 412, message: "Precondition Failed" } }];
      policy = { ...body, etag: `${policy.etag}+` };
      return [200, policy];
    }
    const op = /^\/v1\/projects\/[^/]+\/operations\/([^/]+)$/.exec(p);
    if (op && method === "GET") {
      const state = operations.get(op[1]);
      if (!state) return [404, { error: { code: 404, message: "operation not found" } }];
      state.polls++;
      const status = state.polls >= 2 ? "DONE" : "RUNNING";
      return [
        200,
        { name: op[1], status, ...(status === "DONE" && state.error ? { error: state.error } : {}) },
      ];
    }
    if (method === "POST" && p === `${sql}/instances`) {
      instances.set(body.name, {
        ...body,
        serviceAccountEmailAddress: "p9-scratch@gcp-sa-cloud-sql.iam.gserviceaccount.com",
      });
      return operation();
    }
    const inst = /^\/v1\/projects\/[^/]+\/instances\/([^/]+)(\/\w+)?$/.exec(p);
    if (inst) {
      const [, name, verb] = inst;
      const found = instances.get(name);
      if (!found) return [404, { error: { code: 404, message: `instance ${name} does not exist` } }];
      if (method === "GET" && !verb) return [200, found];
      if (method === "DELETE" && !verb) return (instances.delete(name), operation());
      if (method === "POST" && (verb === "/databases" || verb === "/users")) return operation();
      if (method === "POST" && verb === "/import") return operation(opts.importError);
      if (method === "POST" && verb === "/executeSql")
        return [200, executeSql(body.sqlStatement, opts.sqlStatus)];
    }
    return [404, { error: { code: 404, message: `no such call ${method} ${p}` } }];
  };
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "", "http://x");
      const body = raw ? (JSON.parse(raw) as Json) : {};
      calls.push({ method: req.method ?? "", path: url.pathname, body, auth: req.headers.authorization });
      const [status, answerBody] = answer(req.method ?? "", url, body);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(answerBody));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const options: CloudSqlRestoreOptions = {
    target: t,
    accessToken: async () => "token-1",
    operator: "oncall@qairopay.example",
    rtoObjectiveSeconds: 60,
    sqlAdmin: `${base}/v1`,
    storage: `${base}/storage/v1`,
    pollMs: 1,
  };
  return {
    t,
    calls,
    options,
    instances,
    policy: () => policy,
    initialPolicy,
    operations,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The Data API's answer (SqlInstancesExecuteSqlResponse) to each statement the drill sends. */
function executeSql(statement: string, status?: Json): Json {
  if (status) return { status };
  const result = (columns: string[], rows: string[][]) => ({
    results: [
      {
        columns: columns.map((name) => ({ name, type: "TEXT" })),
        rows: rows.map((values) => ({ values: values.map((value) => ({ value })) })),
      },
    ],
  });
  if (statement === TENANT_TABLES_SQL) return result(["name"], [["ledger_entries"], ["tenant_accounts"]]);
  if (statement === MIGRATION_SQL) return result(["marker", "pgaudit"], [["true", "true"]]);
  const table = /^SELECT '([a-z_]+)' AS "table"/.exec(statement)?.[1];
  return result(
    ["table", "tenant", "rows", "checksum"],
    [
      [table ?? "?", "acme", "12", "0cc175b9c0f1b6a831c399e269772661"],
      [table ?? "?", "globex", "7", "92eb5ffee6ae2fec3ad71c777531578f"],
    ],
  );
}

const route = (c: { method: string; path: string }) =>
  `${c.method} ${c.path.replace(/^\/(v1|storage\/v1)\/(projects\/[^/]+|b\/[^/]+)/, "")}`;

describe("restore from the immutable copy in Google Cloud (RES-11), against the documented REST shapes", () => {
  test("the stack's names: the copy in the other region's bucket, the scratch instance beside it", () => {
    expect(prodTarget()).toEqual({
      cluster: "ledger",
      project: "qp-prod-platform",
      primary: "prod-ledger-us-central1",
      template: "prod-ledger-us-east1",
      region: "us-east1",
      bucket: "qp-prod-platform-ledger-backup-us-east1",
      database: "qairopay",
      scratch: "prod-ledger-restore-drill",
    });
  });

  test("newest export imported into a scratch copy of the DR replica, verified through the Data API, then removed", async () => {
    const g = await fakeGoogle();
    try {
      const report = await runCloudSqlRestore(g.options);
      const scratch = `/instances/${g.t.scratch}`;
      expect(g.calls.map(route)).toEqual([
        "GET /o",
        "GET /o",
        `GET /instances/${g.t.template}`,
        `GET ${scratch}`,
        "POST /instances",
        "GET /operations/op-1",
        "GET /operations/op-1",
        `GET ${scratch}`,
        "GET /iam",
        "PUT /iam",
        `POST ${scratch}/databases`,
        "GET /operations/op-2",
        "GET /operations/op-2",
        `POST ${scratch}/import`,
        "GET /operations/op-3",
        "GET /operations/op-3",
        `POST ${scratch}/users`,
        "GET /operations/op-4",
        "GET /operations/op-4",
        `POST ${scratch}/executeSql`,
        `POST ${scratch}/executeSql`,
        `POST ${scratch}/executeSql`,
        `POST ${scratch}/executeSql`,
        "GET /iam",
        "PUT /iam",
        `GET ${scratch}`,
        `DELETE ${scratch}`,
        "GET /operations/op-5",
        "GET /operations/op-5",
      ]);
      expect(g.calls.every((c) => c.auth === "Bearer token-1")).toBe(true);
      const body = (r: string) => g.calls.find((c) => route(c) === r)?.body;
      // The replica's key, flags and network; zonal, no backups, deletable, labelled; no replica fields.
      expect(body("POST /instances")).toEqual({
        name: "prod-ledger-restore-drill",
        region: "us-east1",
        databaseVersion: "POSTGRES_15",
        diskEncryptionConfiguration: {
          kmsKeyName: "projects/k/locations/us-east1/keyRings/r/cryptoKeys/ledger",
        },
        settings: {
          tier: "db-custom-2-7680",
          edition: "ENTERPRISE",
          availabilityType: "ZONAL",
          dataDiskType: "PD_SSD",
          ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/h/global/networks/vpc" },
          databaseFlags: [{ name: "cloudsql.enable_pgaudit", value: "on" }],
          dataApiAccess: "ALLOW_DATA_API",
          backupConfiguration: { enabled: false },
          deletionProtectionEnabled: false,
          userLabels: { environment: "prod", ...DRILL_LABEL },
        },
      });
      expect(body(`POST ${scratch}/import`)).toEqual({
        importContext: {
          kind: "sql#importContext",
          fileType: "SQL",
          uri: "gs://qp-prod-platform-ledger-backup-us-east1/prod-ledger-us-central1/2026-01-03T01-00-00.000Z.sql.gz",
          database: "qairopay",
        },
      });
      expect(body(`POST ${scratch}/databases`)).toEqual({ name: "qairopay" });
      expect(body(`POST ${scratch}/users`)).toEqual({
        name: "oncall@qairopay.example",
        type: "CLOUD_IAM_USER",
        databaseRoles: ["cloudsqlsuperuser"],
      });
      const sql = g.calls.filter((c) => c.path.endsWith("/executeSql")).map((c) => c.body);
      expect(sql.every((b) => b.database === "qairopay" && b.autoIamAuthn === true)).toBe(true);
      // The scratch instance could read the bucket during the drill, and nothing else changed.
      const granted = g.calls.filter((c) => route(c) === "PUT /iam")[0].body;
      expect(granted.bindings).toContainEqual({
        role: "roles/storage.objectViewer",
        members: ["serviceAccount:p9-scratch@gcp-sa-cloud-sql.iam.gserviceaccount.com"],
      });
      expect(granted.version).toBe(3);
      expect(g.policy().bindings).toEqual(g.initialPolicy.bindings);
      expect(g.instances.has(g.t.scratch)).toBe(false);
      expect(report).toMatchObject({
        object:
          "gs://qp-prod-platform-ledger-backup-us-east1/prod-ledger-us-central1/2026-01-03T01-00-00.000Z.sql.gz",
        integrityVerified: true,
        tables: 2,
        tenants: 2,
        rows: 38,
        markerFunction: true,
        pgaudit: true,
        cleanedUp: true,
        notes: [],
        passed: true,
      });
      expect(report.digests[0]).toEqual({
        table: "ledger_entries",
        tenant: "acme",
        rows: 12,
        checksum: "0cc175b9c0f1b6a831c399e269772661",
      });
    } finally {
      await g.close();
    }
  });

  test("a failed import stops the drill with the operation's errors, and the scratch instance and its access are still removed", async () => {
    const g = await fakeGoogle({
      importError: {
        kind: "sql#operationErrors",
        errors: [{ code: "ERROR_RDBMS", message: "role does not exist" }],
      },
    });
    try {
      await expect(runCloudSqlRestore(g.options)).rejects.toThrow(
        /^import gs:\/\/.*\.sql\.gz failed: \[\{"code":"ERROR_RDBMS","message":"role does not exist"\}\]$/,
      );
      expect(g.instances.has(g.t.scratch)).toBe(false);
      expect(g.policy().bindings).toEqual(g.initialPolicy.bindings);
    } finally {
      await g.close();
    }
  });

  test("Ctrl-C during the restore stops it, and the scratch instance and its bucket grant are still removed", async () => {
    const g = await fakeGoogle();
    const controller = new AbortController();
    try {
      const run = runCloudSqlRestore({
        ...g.options,
        signal: controller.signal,
        // The operator presses Ctrl-C once the database exists (the import is next).
        accessToken: async () => {
          if (g.calls.some((c) => c.method === "POST" && c.path.endsWith("/databases")))
            controller.abort(new Error("SIGINT"));
          return "token-1";
        },
      });
      // An Interrupted, which the CLI reports with exit 130, not a crash's 3 (tools/cli/crash.ts).
      await expect(run).rejects.toBeInstanceOf(Interrupted);
      await expect(run).rejects.toThrow(
        /^interrupted \(SIGINT\) during (create database|import) .*: cleaning up$/,
      );
      expect(g.instances.has(g.t.scratch)).toBe(false);
      expect(g.policy().bindings).toEqual(g.initialPolicy.bindings);
    } finally {
      await g.close();
    }
  });

  test("a re-run deletes the scratch instance an interrupted run left, and refuses one that is not the drill's", async () => {
    const left = await fakeGoogle({ existing: { "prod-ledger-restore-drill": { ...DRILL_LABEL } } });
    try {
      expect((await runCloudSqlRestore(left.options)).passed).toBe(true);
      expect(left.calls.slice(3, 5).map(route)).toEqual([
        "GET /instances/prod-ledger-restore-drill",
        "DELETE /instances/prod-ledger-restore-drill",
      ]);
    } finally {
      await left.close();
    }
    const foreign = await fakeGoogle({ existing: { "prod-ledger-restore-drill": { team: "payments" } } });
    try {
      await expect(runCloudSqlRestore(foreign.options)).rejects.toThrow(
        'prod-ledger-restore-drill exists in qp-prod-platform without the drill\'s label {"qairopay-drill":"restore"}: not the drill\'s to delete; remove or rename it first',
      );
      expect(foreign.calls.some((c) => c.method === "DELETE" || c.method === "POST")).toBe(false);
    } finally {
      await foreign.close();
    }
  });

  test("no export yet: a clear error before anything is created", async () => {
    const g = await fakeGoogle({ objects: [[]] });
    try {
      await expect(runCloudSqlRestore(g.options)).rejects.toThrow(
        "no export of prod-ledger-us-central1 in gs://qp-prod-platform-ledger-backup-us-east1: the ledger-backup-export workflow has not run yet",
      );
      expect(g.calls.map(route)).toEqual(["GET /o"]);
    } finally {
      await g.close();
    }
  });

  test("a DR replica without the Data API (cardholder data) is refused before anything is created: no instance, no grant, no import", async () => {
    const g = await fakeGoogle({ dataApiAccess: "DISALLOW_DATA_API" });
    try {
      await expect(runCloudSqlRestore(g.options)).rejects.toThrow(
        new RestoreUnverifiable('prod-ledger-us-east1 (dataApiAccess "DISALLOW_DATA_API")'),
      );
      expect(g.calls.filter((c) => c.method !== "GET")).toEqual([]);
      expect(g.calls.some((c) => c.path.includes("restore-drill") || c.path.endsWith("/iam"))).toBe(false);
    } finally {
      await g.close();
    }
  });

  test("the stack's card-vault is refused by name before any call (its instances have no Data API), the ledger is not", () => {
    expect(() => assertVerifiable("card-vault")).toThrow(RestoreUnverifiable);
    expect(() => assertVerifiable("card-vault")).toThrow(
      /DISALLOW_DATA_API.*NET-09.*from inside the perimeter/,
    );
    expect(() => assertVerifiable("ledger")).not.toThrow();
  });

  test("a statement the database refuses stops the drill with its message", async () => {
    const g = await fakeGoogle({
      sqlStatus: { code: 7, message: "permission denied for table ledger_entries" },
    });
    try {
      await expect(runCloudSqlRestore(g.options)).rejects.toThrow(
        "executeSql: permission denied for table ledger_entries",
      );
      expect(g.instances.has(g.t.scratch)).toBe(false);
    } finally {
      await g.close();
    }
  });

  test("--keep leaves the scratch instance and says so", async () => {
    const g = await fakeGoogle();
    try {
      const report = await runCloudSqlRestore({ ...g.options, keep: true });
      expect(g.instances.has(g.t.scratch)).toBe(true);
      expect(report.cleanedUp).toBe(false);
      expect(report.notes[0]).toMatch(/^prod-ledger-restore-drill kept/);
    } finally {
      await g.close();
    }
  });

  test("IAM database users: a service account's name drops .gserviceaccount.com", () => {
    expect(iamUser("drill@qp-prod-ops.iam.gserviceaccount.com")).toEqual({
      name: "drill@qp-prod-ops.iam",
      type: "CLOUD_IAM_SERVICE_ACCOUNT",
      databaseRoles: ["cloudsqlsuperuser"],
    });
  });

  test("executeSql rows: a NULL value (nullValue) reads as empty text", () => {
    expect(
      rowsOf({
        results: [
          {
            columns: [{ name: "a" }, { name: "b" }],
            rows: [{ values: [{ value: "1" }, { nullValue: true }] }],
          },
        ],
      }),
    ).toEqual([{ a: "1", b: "" }]);
  });
});
