import { setTimeout as sleep } from "timers/promises";
import { APPLICATION_DATABASE } from "../../components/databaseMigration";
import { backupBucketName } from "../../components/sqlBackupExports";
import { Region } from "../../vocabulary/regions";
import { PlatformConfig } from "../../platform/config/types";
import { DATA_API } from "../../platform/dataApi";
import { Integrity, readIntegrity } from "./integrity";
import { Interrupted } from "../cli/interrupted";

export const RESTORE_CLUSTERS = { ledger: "platform", "card-vault": "cde" } as const;
export type RestoreCluster = keyof typeof RESTORE_CLUSTERS;

/**
 * The drill verifies a restored copy through the Data API (executeSql), which cardholder instances
 * turn off (platform/domains/data.ts DATA_API, NET-09): restoring one would leave cardholder data
 * in a scratch instance for hours and prove nothing. Refused before anything is created.
 */
export class RestoreUnverifiable extends Error {
  constructor(what: string) {
    super(
      `${what} does not allow the Cloud SQL Data API (DISALLOW_DATA_API: no internet path to cardholder data, NET-09), which this drill reads the restored copy's integrity through, so it restores nothing. Drill the cardholder copy from inside the perimeter instead: restore it with a backup-restore grant and run the integrity queries of tools/drill/integrity.ts over the Cloud SQL connector from a workload of the cde, as card-vault's migration Job connects (docs/drills.md, "Cardholder data").`,
    );
    this.name = "RestoreUnverifiable";
  }
}

/** Refuses a cluster whose instances the stack creates without the Data API (see RestoreUnverifiable). */
export function assertVerifiable(cluster: RestoreCluster): void {
  if (!DATA_API[cluster])
    throw new RestoreUnverifiable(`${cluster}'s instances (the stack's dataApi: false)`);
}

/** The label that marks a scratch instance as the drill's own: only such an instance is ever deleted. */
export const DRILL_LABEL = { "qairopay-drill": "restore" };
// One fixed scratch name serves every run: "The deleted instance name can be reused immediately to
// create a new instance" (https://cloud.google.com/sql/docs/postgres/delete-instance).

/** Where one cluster's immutable copy is and where the drill restores it. */
export interface RestoreTarget {
  cluster: RestoreCluster;
  project: string;
  /** The primary, whose exports are the objects under `<primary>/` (exportWorkflowSource). */
  primary: string;
  /** The DR replica in the copy's region: the scratch instance copies its settings (key, flags, network). */
  template: string;
  /** The copy's region, away from the primary: the restore proves the copy usable without it. */
  region: Region;
  bucket: string;
  database: string;
  scratch: string;
}

/**
 * The target of one cluster, named as the stack names it (platform/domains/backups.ts). `project`
 * is the cluster's project as deployed (tools/cli/deployedProjects.ts): an ephemeral stack's ids
 * carry a generation suffix, and the bucket's name is made from the deployed id.
 */
export function restoreTarget(
  config: PlatformConfig,
  cluster: RestoreCluster,
  project: string = config.projects[RESTORE_CLUSTERS[cluster]],
): RestoreTarget {
  const region = config.regions.find((r) => r !== config.primaryRegion) as Region;
  const env = config.environment;
  return {
    cluster,
    project,
    primary: `${env}-${cluster}-${config.primaryRegion}`,
    template: `${env}-${cluster}-${region}`,
    region,
    bucket: backupBucketName(project, cluster, region),
    database: APPLICATION_DATABASE,
    scratch: `${env}-${cluster}-restore-drill`,
  };
}

export interface CloudSqlRestoreOptions {
  target: RestoreTarget;
  accessToken: () => Promise<string>;
  /** The caller's IAM principal: the Data API runs the integrity queries as its database user. */
  operator: string;
  rtoObjectiveSeconds: number;
  /** Leave the scratch instance for inspection (it is deleted by the next run). */
  keep?: boolean;
  /** Base URLs, overridable for tests against a local server. */
  sqlAdmin?: string;
  storage?: string;
  pollMs?: number;
  /** How long one operation may take. @default 2 h (an import of a large ledger takes long) */
  operationTimeoutMs?: number;
  log?: (line: string) => void;
  /**
   * Ctrl-C or SIGTERM (trapSignals): the drill stops following its operations and removes what it
   * created (the scratch instance, and the bucket grant, which would otherwise let every Cloud SQL
   * instance of the project read the copy: the service account is the project's).
   */
  signal?: AbortSignal;
}

export interface CloudSqlRestoreReport {
  source: "immutable-copy";
  target: "cloud-sql";
  cluster: RestoreCluster;
  project: string;
  region: string;
  /** The export restored: the newest object of the primary in the off-region bucket. */
  object: string;
  objectCreated: string;
  scratch: string;
  restoreSeconds: number;
  /** Whether the integrity could be read (the Data API on the scratch instance), and why not. */
  integrityVerified: boolean;
  notes: string[];
  tables: number;
  tenants: number;
  rows: number;
  digests: Integrity["digests"];
  markerFunction: boolean;
  pgaudit: boolean;
  /** The scratch instance and the drill's read access to the bucket are gone again. */
  cleanedUp: boolean;
  rtoObjectiveSeconds: number;
  passed: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

/** A Google API answered with an error status; the drill stops there and says which call. */
export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The objectViewer binding the drill gives the scratch instance on the bucket, and takes back. */
const VIEWER = "roles/storage.objectViewer";
const CLOUD_SQL_AGENT = /^serviceAccount:[^@]+@gcp-sa-cloud-sql\.iam\.gserviceaccount\.com$/;

/**
 * The restore drill against Google (RES-11), through the documented REST shapes of the Cloud SQL
 * Admin API v1 and the Cloud Storage JSON API v1: the newest export of the primary in the off-region
 * locked bucket (objects.list, paged) is imported (instances.import, importContext kind
 * sql#importContext, fileType SQL) into a new scratch instance in the bucket's region that copies
 * the DR replica's settings (instances.get, instances.insert), every long call followed through
 * operations.get until `status` is DONE and failed on its `error`; the scratch instance's service
 * account reads the object through a bucket binding added for the drill and removed after it
 * ("storage.objects.get" for imports: https://cloud.google.com/sql/docs/postgres/import-export/import-export-sql);
 * the tenant tables' digests, the marker function and pgAudit are read through the Data API
 * (instances.executeSql with autoIamAuthn) where the instance allows it. A re-run first deletes a
 * scratch instance a previous run left behind (one labelled as the drill's, never another).
 */
export async function runCloudSqlRestore(options: CloudSqlRestoreOptions): Promise<CloudSqlRestoreReport> {
  const t = options.target;
  const sqlAdmin = options.sqlAdmin ?? "https://sqladmin.googleapis.com/v1";
  const storage = options.storage ?? "https://storage.googleapis.com/storage/v1";
  const log = options.log ?? (() => undefined);
  const call = async (method: string, url: string, body?: unknown): Promise<Body> => {
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${await options.accessToken()}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => ({}))) as Body;
    if (!response.ok)
      throw new GoogleApiError(
        response.status,
        `${method} ${url}: ${response.status} ${answer.error?.message ?? JSON.stringify(answer)}`,
      );
    return answer;
  };
  const project = `${sqlAdmin}/projects/${t.project}`;
  const instanceUrl = (name: string) => `${project}/instances/${name}`;
  const stopIfInterrupted = (what: string) => {
    if (options.signal?.aborted)
      throw new Interrupted(
        `interrupted (${String((options.signal.reason as Error | undefined)?.message ?? "cancelled")}) during ${what}: cleaning up`,
      );
  };
  /** Follows an operation to DONE; the drill's own steps stop there on a signal, its clean-up does not. */
  const wait = async (what: string, operation: Body, interruptible = true): Promise<void> => {
    const deadline = Date.now() + (options.operationTimeoutMs ?? 2 * 3_600_000);
    while (operation.status !== "DONE") {
      if (interruptible) stopIfInterrupted(what);
      if (Date.now() > deadline)
        throw new Error(`${what}: operation ${operation.name} not DONE in time; it goes on in Cloud SQL`);
      await sleep(options.pollMs ?? 10_000);
      operation = await call("GET", `${project}/operations/${operation.name}`);
    }
    if (interruptible) stopIfInterrupted(what);
    if (operation.error)
      throw new Error(`${what} failed: ${JSON.stringify(operation.error.errors ?? operation.error)}`);
  };
  const getScratch = async (): Promise<Body | undefined> => {
    try {
      return await call("GET", instanceUrl(t.scratch));
    } catch (err) {
      if (err instanceof GoogleApiError && err.status === 404) return undefined;
      throw err;
    }
  };
  const deleteScratch = async (): Promise<void> => {
    const existing = await getScratch();
    if (!existing) return;
    const labels = (existing.settings?.userLabels ?? {}) as Record<string, string>;
    if (Object.entries(DRILL_LABEL).some(([k, v]) => labels[k] !== v))
      throw new Error(
        `${t.scratch} exists in ${t.project} without the drill's label ${JSON.stringify(DRILL_LABEL)}: not the drill's to delete; remove or rename it first`,
      );
    log(`deleting scratch instance ${t.scratch}`);
    await wait(`delete ${t.scratch}`, await call("DELETE", instanceUrl(t.scratch)), false);
  };
  /** Adds `member` as object viewer, or with none removes every Cloud SQL agent the drill added. */
  const setBucketViewer = async (member?: string): Promise<void> => {
    // Version 3 returns conditional bindings whole, so writing the policy back keeps them.
    const policy = await call("GET", `${storage}/b/${t.bucket}/iam?optionsRequestedPolicyVersion=3`);
    const bindings = ((policy.bindings ?? []) as { role: string; members: string[]; condition?: unknown }[])
      .map((b) =>
        b.role === VIEWER && !b.condition
          ? { ...b, members: b.members.filter((m) => !CLOUD_SQL_AGENT.test(m)) }
          : b,
      )
      .filter((b) => b.members.length);
    if (member) bindings.push({ role: VIEWER, members: [member] });
    // The policy's etag makes a concurrent change fail (412) instead of being overwritten.
    await call("PUT", `${storage}/b/${t.bucket}/iam`, { ...policy, version: 3, bindings });
  };

  const object = await newestExport(call, storage, t);
  log(`restoring gs://${t.bucket}/${object.name} (${object.timeCreated}) into ${t.scratch}`);
  const template = await call("GET", instanceUrl(t.template));
  // The stack's setting, as Google holds it on the DR replica the copy would clone.
  if (template.settings?.dataApiAccess !== "ALLOW_DATA_API")
    throw new RestoreUnverifiable(
      `${t.template} (dataApiAccess ${JSON.stringify(template.settings?.dataApiAccess ?? null)})`,
    );
  await deleteScratch();
  const start = performance.now();
  let restoreSeconds = 0;
  let cleanedUp = false;
  let integrityVerified = false;
  let integrity: Integrity = { digests: [], markerFunction: false, pgaudit: false };
  const notes: string[] = [];
  try {
    await wait(
      `create ${t.scratch}`,
      await call("POST", `${project}/instances`, scratchInstance(t, template)),
    );
    const scratch = await call("GET", instanceUrl(t.scratch));
    await setBucketViewer(`serviceAccount:${scratch.serviceAccountEmailAddress}`);
    await wait(
      `create database ${t.database}`,
      await call("POST", `${instanceUrl(t.scratch)}/databases`, { name: t.database }),
    );
    await wait(
      `import gs://${t.bucket}/${object.name}`,
      await call("POST", `${instanceUrl(t.scratch)}/import`, {
        importContext: {
          kind: "sql#importContext",
          fileType: "SQL",
          uri: `gs://${t.bucket}/${object.name}`,
          database: t.database,
        },
      }),
    );
    if (scratch.settings?.dataApiAccess === "ALLOW_DATA_API") {
      await wait(
        `add ${options.operator} as a database user`,
        await call("POST", `${instanceUrl(t.scratch)}/users`, iamUser(options.operator)),
      );
      integrity = await readIntegrity(async (sql) =>
        rowsOf(
          await call("POST", `${instanceUrl(t.scratch)}/executeSql`, {
            sqlStatement: sql,
            database: t.database,
            autoIamAuthn: true,
          }),
        ),
      );
      integrityVerified = true;
    } else
      notes.push(
        `${t.template} does not allow the Data API (dataApiAccess ${JSON.stringify(scratch.settings?.dataApiAccess ?? null)}), nor does its copy: verify the integrity from inside the perimeter (docs/drills.md)`,
      );
    // Restored and verified: the clean-up after it is not part of the recovery time.
    restoreSeconds = (performance.now() - start) / 1000;
  } finally {
    if (options.keep)
      notes.push(`${t.scratch} kept, and its read access to the bucket: the next run removes both`);
    else
      try {
        await setBucketViewer();
        await deleteScratch();
        cleanedUp = true;
      } catch (err) {
        // A failed clean-up must not hide why the drill stopped; the next run finishes it.
        notes.push(`clean-up failed, the next run retries it: ${(err as Error).message}`);
      }
  }
  const measured = {
    source: "immutable-copy" as const,
    target: "cloud-sql" as const,
    cluster: t.cluster,
    project: t.project,
    region: t.region,
    object: `gs://${t.bucket}/${object.name}`,
    objectCreated: object.timeCreated,
    scratch: t.scratch,
    restoreSeconds,
    integrityVerified,
    notes,
    tables: new Set(integrity.digests.map((d) => d.table)).size,
    tenants: new Set(integrity.digests.map((d) => d.tenant)).size,
    rows: integrity.digests.reduce((n, d) => n + d.rows, 0),
    digests: integrity.digests,
    markerFunction: integrity.markerFunction,
    pgaudit: integrity.pgaudit,
    cleanedUp,
    rtoObjectiveSeconds: options.rtoObjectiveSeconds,
  };
  return { ...measured, passed: cloudSqlRestorePassed(measured) };
}

/** Restored and read back whole, the migration's effects present, within the objective. */
export function cloudSqlRestorePassed(r: Omit<CloudSqlRestoreReport, "passed">): boolean {
  return (
    r.integrityVerified &&
    r.rows > 0 &&
    r.markerFunction &&
    r.pgaudit &&
    r.restoreSeconds <= r.rtoObjectiveSeconds
  );
}

/** The newest `.sql.gz` under `<primary>/`; the names are timestamps, so the greatest is the newest. */
async function newestExport(
  call: (method: string, url: string) => Promise<Body>,
  storage: string,
  t: RestoreTarget,
): Promise<{ name: string; timeCreated: string }> {
  const objects: { name: string; timeCreated: string }[] = [];
  let pageToken: string | undefined;
  do {
    const query = new URLSearchParams({ prefix: `${t.primary}/`, ...(pageToken ? { pageToken } : {}) });
    const page = await call("GET", `${storage}/b/${t.bucket}/o?${query}`);
    objects.push(...((page.items ?? []) as { name: string; timeCreated: string }[]));
    pageToken = page.nextPageToken as string | undefined;
  } while (pageToken);
  const exports = objects
    .filter((o) => o.name.endsWith(".sql.gz"))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (!exports.length)
    throw new Error(
      `no export of ${t.primary} in gs://${t.bucket}: the ${t.cluster}-backup-export workflow has not run yet`,
    );
  return exports[exports.length - 1];
}

/**
 * The scratch instance: the DR replica's version, tier, flags, network and region key (CMEK:
 * `diskEncryptionConfiguration.kmsKeyName`), as a standalone zonal primary without backups or
 * deletion protection, labelled as the drill's. A replica's own fields are not copied.
 */
export function scratchInstance(t: RestoreTarget, template: Body): Body {
  const s = template.settings ?? {};
  return {
    name: t.scratch,
    region: t.region,
    databaseVersion: template.databaseVersion,
    ...(template.diskEncryptionConfiguration?.kmsKeyName
      ? { diskEncryptionConfiguration: { kmsKeyName: template.diskEncryptionConfiguration.kmsKeyName } }
      : {}),
    settings: {
      tier: s.tier,
      edition: s.edition,
      availabilityType: "ZONAL",
      dataDiskType: s.dataDiskType,
      ipConfiguration: s.ipConfiguration,
      databaseFlags: s.databaseFlags,
      dataApiAccess: s.dataApiAccess,
      backupConfiguration: { enabled: false },
      deletionProtectionEnabled: false,
      userLabels: { ...(s.userLabels ?? {}), ...DRILL_LABEL },
    },
  };
}

/**
 * The caller as an IAM database user with cloudsqlsuperuser (`databaseRoles`, as the provider's
 * google_sql_user sends it); a service account's user name drops ".gserviceaccount.com".
 */
export function iamUser(principal: string): Body {
  const serviceAccount = principal.endsWith(".gserviceaccount.com");
  return {
    name: serviceAccount ? principal.slice(0, -".gserviceaccount.com".length) : principal,
    type: serviceAccount ? "CLOUD_IAM_SERVICE_ACCOUNT" : "CLOUD_IAM_USER",
    databaseRoles: ["cloudsqlsuperuser"],
  };
}

/**
 * executeSql's answer as rows of text: `results[0].columns[].name` and `rows[].values[].value`
 * (`nullValue` for NULL); a failed statement comes back as `status`, which stops the drill.
 */
export function rowsOf(answer: Body): Record<string, string>[] {
  if (answer.status?.code)
    throw new Error(`executeSql: ${answer.status.message ?? JSON.stringify(answer.status)}`);
  const result = answer.results?.[0] ?? {};
  const columns = ((result.columns ?? []) as { name: string }[]).map((c) => c.name);
  return ((result.rows ?? []) as { values: { value?: string }[] }[]).map((row) =>
    Object.fromEntries(columns.map((c, i) => [c, row.values[i]?.value ?? ""])),
  );
}
