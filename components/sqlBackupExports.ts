import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";
import { grantPropagation } from "./lib/propagation";

/** The custom role the exporter holds: start an export, and read the instance and its operations. */
export const SQL_EXPORT_ROLE_ID = "qairopaySqlExport";
export const SQL_EXPORT_PERMISSIONS = ["cloudsql.instances.export", "cloudsql.instances.get"];

/** `<project>-<cluster>-backup-<region>`: the name the backup-retention module recognises (DET-01). */
export const backupBucketName = (project: string, cluster: string, region: Region): string =>
  `${project}-${cluster}-backup-${region}`;

/**
 * The workflow that exports one database to a new object of the bucket and waits for the export:
 * Cloud SQL Admin API `instances.export` (POST v1/projects/{project}/instances/{instance}/export,
 * InstancesExportRequest.exportContext) and `operations.get` until `status` is DONE, failing on the
 * operation's `error`. Each run writes a new, timestamped object: a locked bucket refuses to replace
 * one ("objects in the bucket can only be deleted or replaced once their age is greater than the
 * retention period": https://cloud.google.com/storage/docs/bucket-lock). `.gz` compresses it.
 *
 * Cloud SQL runs one operation per instance at a time and answers another with 409 (the provider
 * retries exactly that: "Waiting for other concurrent Cloud SQL operations to finish",
 * magic-modules transport/error_retry_predicates.go IsSqlOperationInProgressError), so the export
 * is retried on 409 — a backup, a maintenance or a `pulumi up` still running — and on 429 and 503,
 * which say the request was not taken, with backoff for about 75 minutes (EXPORT_RETRY); not on
 * 500/502/504, after which the export may be running: a second one to the same object would fail.
 * Cloud Scheduler's own retryConfig retries only its start call, never what the workflow does. `${http.default_retry}` does not
 * retry 409 (https://cloud.google.com/workflows/docs/reference/syntax/retrying), hence the
 * predicate; the poll, a plain read, takes the default.
 */
export function exportWorkflowSource(): string {
  return `main:
  params: [input]
  steps:
    - start:
        assign:
          - base: \${"https://sqladmin.googleapis.com/v1/projects/" + input.project}
          - uri: \${"gs://" + input.bucket + "/" + input.instance + "/" + text.replace_all(time.format(sys.now()), ":", "-") + ".sql.gz"}
    - export:
        try:
          call: http.post
          args:
            url: \${base + "/instances/" + input.instance + "/export"}
            auth:
              type: OAuth2
            body:
              exportContext:
                kind: sql#exportContext
                fileType: SQL
                uri: \${uri}
                databases: \${input.databases}
          result: started
        retry:
          predicate: \${${EXPORT_RETRY.predicate}}
          max_retries: ${EXPORT_RETRY.maxRetries}
          backoff:
            initial_delay: ${EXPORT_RETRY.initialDelay}
            max_delay: ${EXPORT_RETRY.maxDelay}
            multiplier: ${EXPORT_RETRY.multiplier}
    - wait:
        call: sys.sleep
        args:
          seconds: 30
    - poll:
        try:
          call: http.get
          args:
            url: \${base + "/operations/" + started.body.name}
            auth:
              type: OAuth2
          result: operation
        retry: \${http.default_retry}
    - check:
        switch:
          - condition: \${operation.body.status != "DONE"}
            next: wait
          - condition: \${"error" in operation.body}
            raise: \${operation.body.error}
    - done:
        return: \${uri}

${EXPORT_RETRY.predicate}:
  params: [e]
  steps:
    - not_http:
        switch:
          - condition: \${not("code" in e)}
            return: false
    - retryable:
        switch:
          - condition: \${e.code == 409 or e.code == 429 or e.code == 503}
            return: true
    - otherwise:
        return: false
`;
}

/**
 * How the export step retries: 60, 120, 240, 480 then 600 seconds apart, ten times — about 75
 * minutes, long enough for a Cloud SQL backup or maintenance to finish, short of the next day's run.
 */
export const EXPORT_RETRY = {
  predicate: "sql_busy_or_transient",
  maxRetries: 10,
  initialDelay: 60,
  maxDelay: 600,
  multiplier: 2,
} as const;

/** The export workflow of a cluster, also what its alerts watch (`resource.labels.workflow_id`). */
export const exportWorkflowName = (cluster: string): string => `${cluster}-backup-export`;

export interface SqlBackupExportsArgs {
  /**
   * Protect the buckets (`protect`); only an ephemeral environment turns it off.
   * @default true
   */
  protect?: boolean;
  project: pulumi.Input<string>;
  /** The cluster's key (`ledger`), in the buckets' and the workflow's names. */
  cluster: string;
  regions: readonly [Region, Region];
  /** Where the primary is: its exports go to the other region's bucket. */
  primaryRegion: Region;
  /** The cluster's instances by region: whichever is primary exports, as its service account. */
  instances: Record<Region, gcp.sql.DatabaseInstance>;
  database: string;
  /** Each region's CMEK key for its bucket (ENC-01, ENC-02). */
  encryptionKeys: Record<Region, pulumi.Input<string>>;
  /** Days an export can be neither deleted nor replaced, by anyone. */
  retentionDays: number;
  /** Lock the retention policy: irreversible, it can then only grow. */
  locked: boolean;
  /**
   * The identity that runs `pulumi up` (an IAM member): the workflow and the schedule run as the
   * exporter, and attaching a service account to a resource needs iam.serviceAccounts.actAs on it
   * (https://cloud.google.com/iam/docs/attach-service-accounts), so it is granted
   * roles/iam.serviceAccountUser on the exporter alone, never on the project.
   */
  deployer: string;
  /** Cron schedule, UTC. @default "0 1 * * *" */
  schedule?: string;
  labels: StandardLabels;
}

/**
 * The immutable, off-region copy of one Cloud SQL cluster (RES-10): every day the primary exports
 * its database to a bucket in the other region, whose retention policy — locked in production — lets
 * nobody, the deployer included, delete or replace an export before it is `retentionDays` old.
 * Cloud SQL's vault-based enhanced backups are not used: Google's backup options table gives them
 * no CMEK support and no cross-region backup (docs/backups.md). A workflow runs the export and waits
 * for it, Cloud Scheduler starts the workflow as the exporter account; both live in the bucket's
 * region, away from the primary, and follow a failover there (they hold no state). The primary's
 * service account may only create objects in the bucket ("storage.objects.create", with list and
 * delete "for exporting files in parallel only": https://cloud.google.com/sql/docs/postgres/import-export/import-export-sql).
 */
export class SqlBackupExports extends pulumi.ComponentResource {
  public readonly buckets: Record<Region, gcp.storage.Bucket>;
  /** The account that starts exports: Workflows and Cloud Scheduler act as it from outside the perimeter. */
  public readonly exporter: gcp.serviceaccount.Account;

  constructor(name: string, args: SqlBackupExportsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:backup:SqlBackupExports", name, {}, opts);
    const exportRegion = otherRegion(args.regions, args.primaryRegion);
    const buckets = backupBuckets(name, args, this);
    const { exporter, grantsPropagated } = exporterIdentity(name, args, this);
    const workflow = new gcp.workflows.Workflow(
      `${name}-workflow`,
      {
        project: args.project,
        region: exportRegion,
        name: exportWorkflowName(args.cluster),
        description: `Exports ${args.cluster} to its immutable backup bucket (RES-10).`,
        serviceAccount: exporter.email,
        sourceContents: exportWorkflowSource(),
        labels: args.labels,
      },
      { parent: this, dependsOn: [grantsPropagated] },
    );
    new gcp.cloudscheduler.Job(
      `${name}-schedule`,
      exportScheduleArgs(args, {
        exportRegion,
        workflowId: workflow.id,
        primaryInstance: args.instances[args.primaryRegion].name,
        bucket: buckets[exportRegion].name,
        exporterEmail: exporter.email,
      }),
      { parent: this, dependsOn: [workflow] },
    );
    this.buckets = buckets;
    this.exporter = exporter;
    this.registerOutputs({ buckets, exporter });
  }
}

const otherRegion = (regions: readonly Region[], region: Region) =>
  regions.find((r) => r !== region) as Region;

/** A bucket per region under a retention policy (locked in prod), and each instance's write grant on the other region's. */
function backupBuckets(
  name: string,
  args: SqlBackupExportsArgs,
  parent: pulumi.Resource,
): Record<Region, gcp.storage.Bucket> {
  const protect = args.protect ?? true;
  const other = (region: Region) => otherRegion(args.regions, region);
  const buckets = Object.fromEntries(
    args.regions.map((region) => [
      region,
      new gcp.storage.Bucket(`${name}-${region}`, backupBucketArgs(args, region), { parent, protect }),
    ]),
  ) as Record<Region, gcp.storage.Bucket>;
  // Each instance writes, once it is the primary, to the other region's bucket; nothing more.
  for (const region of args.regions)
    new gcp.storage.BucketIAMMember(
      `${name}-${region}-writer`,
      {
        bucket: buckets[other(region)].name,
        role: "roles/storage.objectCreator",
        member: pulumi.interpolate`serviceAccount:${args.instances[region].serviceAccountEmailAddress}`,
      },
      { parent },
    );
  return buckets;
}

/** One region's backup bucket: CMEK, no public access, exports kept for the retention period (then 60 days more). */
export function backupBucketArgs(
  args: Pick<
    SqlBackupExportsArgs,
    "project" | "cluster" | "encryptionKeys" | "retentionDays" | "locked" | "labels"
  >,
  region: Region,
): gcp.storage.BucketArgs {
  return {
    project: args.project,
    name: pulumi.output(args.project).apply((p) => backupBucketName(p, args.cluster, region)),
    location: region,
    storageClass: "STANDARD",
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    encryption: { defaultKmsKeyName: args.encryptionKeys[region] },
    retentionPolicy: { retentionPeriod: String(args.retentionDays * 86400), isLocked: args.locked },
    // Past its retention an export is kept 60 days more, then deleted.
    lifecycleRules: [{ action: { type: "Delete" }, condition: { age: args.retentionDays + 60 } }],
    forceDestroy: false,
    labels: args.labels,
  };
}

/** The exporter account, its export role and grants, and the wait for them to take effect. */
function exporterIdentity(
  name: string,
  args: SqlBackupExportsArgs,
  parent: pulumi.Resource,
): { exporter: gcp.serviceaccount.Account; grantsPropagated: pulumi.Resource } {
  const exporter = new gcp.serviceaccount.Account(
    `${name}-exporter`,
    {
      project: args.project,
      accountId: `${args.cluster}-backup-export`,
      displayName: `Exports ${args.cluster} to its immutable backup buckets`,
    },
    { parent },
  );
  const role = new gcp.projects.IAMCustomRole(
    `${name}-export-role`,
    {
      project: args.project,
      roleId: SQL_EXPORT_ROLE_ID,
      title: "QairoPay Cloud SQL export",
      description: "Start a Cloud SQL export and follow its operation (RES-10).",
      permissions: SQL_EXPORT_PERMISSIONS,
    },
    { parent },
  );
  const grants = [
    new gcp.projects.IAMMember(
      `${name}-exporter-export`,
      { project: args.project, role: role.name, member: exporter.member },
      { parent },
    ),
    new gcp.projects.IAMMember(
      `${name}-exporter-invoker`,
      { project: args.project, role: "roles/workflows.invoker", member: exporter.member },
      { parent },
    ),
    new gcp.serviceaccount.IAMMember(
      `${name}-exporter-deployer-act-as`,
      { serviceAccountId: exporter.name, role: "roles/iam.serviceAccountUser", member: args.deployer },
      { parent },
    ),
  ];
  // The workflow attaches the exporter, which Google checks against the deployer's actAs at
  // create: a grant seconds old is not yet in effect (rule iam-grant-propagation).
  const grantsPropagated = grantPropagation(
    `${name}-grants-propagated`,
    grants,
    [`${name}-exporter-export`, `${name}-exporter-invoker`, `${name}-exporter-deployer-act-as`],
    { parent },
  );
  return { exporter, grantsPropagated };
}

/** The daily Cloud Scheduler job that starts the export workflow as the exporter. */
export function exportScheduleArgs(
  args: Pick<SqlBackupExportsArgs, "project" | "cluster" | "schedule" | "database">,
  {
    exportRegion,
    workflowId,
    primaryInstance,
    bucket,
    exporterEmail,
  }: {
    exportRegion: Region;
    workflowId: pulumi.Input<string>;
    primaryInstance: pulumi.Input<string>;
    bucket: pulumi.Input<string>;
    exporterEmail: pulumi.Input<string>;
  },
): gcp.cloudscheduler.JobArgs {
  return {
    project: args.project,
    region: exportRegion,
    name: `${args.cluster}-backup-export`,
    description: `Starts the daily export of ${args.cluster} (RES-10).`,
    schedule: args.schedule ?? "0 1 * * *",
    timeZone: "Etc/UTC",
    httpTarget: {
      // Workflow Executions API: POST v1/{parent=projects/*/locations/*/workflows/*}/executions,
      // the workflow's input as the JSON string `argument` (the target Google's own backup
      // module schedules: terraform-google-sql-db modules/backup/main.tf).
      // Inside an enforced perimeter: "VPC Service Controls is enforced on the following
      // actions: Cloud Scheduler job creations, Cloud Scheduler job updates"
      // (https://cloud.google.com/scheduler/docs/secure-with-vpcsc); unverified whether
      // workflowexecutions.googleapis.com is one of its "supported targets" (that list is not in
      // the stored copy of the page): prove on staging, where the job is created inside the
      // perimeter and a create with an unsupported target fails.
      uri: pulumi.interpolate`https://workflowexecutions.googleapis.com/v1/${workflowId}/executions`,
      httpMethod: "POST",
      headers: { "Content-Type": "application/json" },
      body: pulumi.all([args.project, primaryInstance, bucket]).apply(([project, instance, bucket]) =>
        Buffer.from(
          JSON.stringify({
            argument: JSON.stringify({ project, instance, bucket, databases: [args.database] }),
          }),
        ).toString("base64"),
      ),
      oauthToken: {
        serviceAccountEmail: exporterEmail,
        scope: "https://www.googleapis.com/auth/cloud-platform",
      },
    },
    retryConfig: { retryCount: 3, minBackoffDuration: "300s" },
  };
}
