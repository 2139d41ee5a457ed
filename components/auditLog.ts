import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { auditSinkFilter, bucketWriterCondition } from "./lib/logFilters";

export const AUDIT_BUCKET_ID = "audit-log";

/** Where the platform's audit logs come from: one sink per project, or one aggregated sink. */
export type AuditLogSources =
  | { kind: "projects"; projects: Record<string, pulumi.Input<string>> }
  | { kind: "folder"; folderId: string }
  | { kind: "organization"; organizationId: string };

export interface AuditLogArgs {
  /**
   * Protect the stateful resources (`protect`, and the provider's and API's deletion guards).
   * Only an ephemeral environment (staging, `ephemeral: true`) turns it off, to be destroyed.
   * @default true
   */
  protect?: boolean;
  /** The isolated logging project. */
  loggingProject: pulumi.Input<string>;
  /** Role name of the logging project within `sources.projects`, whose own sink needs no writer grant. */
  loggingProjectRole?: string;
  /** Bucket region; fixed, it never follows `primaryRegion`. */
  region: Region;
  /** Retention in days; at least 365 (LOG-02). A locked bucket's retention can only grow. */
  retentionDays: number;
  /** CMEK key id in the bucket's region (LOG-05). */
  kmsKeyName: pulumi.Input<string>;
  sources: AuditLogSources;
  /** Resources the bucket must wait for (the logging agent's key grant). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The append-only audit log: a locked, CMEK-encrypted log bucket in the logging project, and
 * the sinks that route every platform project's audit logs (or, where an organisation or folder
 * is configured, one aggregated sink) into it. Each project's sink writes as that project's Logging
 * service account (its writerIdentity), and each identity may write to this one bucket only:
 * `roles/logging.bucketWriter` on the logging project under a condition naming the bucket (LOG-01, LOG-03).
 */
export class AuditLog extends pulumi.ComponentResource {
  public readonly bucket: gcp.logging.ProjectBucketConfig;
  /** `logging.googleapis.com/projects/P/locations/R/buckets/B`, the sinks' destination. */
  public readonly destination: pulumi.Output<string>;
  /** The writer identity (`serviceAccount:...`) of every sink that needed a grant. */
  public readonly writerIdentities: pulumi.Output<string>[];

  constructor(name: string, args: AuditLogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:logging:AuditLog", name, {}, opts);
    if (args.retentionDays < 365)
      throw new Error(`${name}: retentionDays ${args.retentionDays} is under 365`);
    const bucket = new gcp.logging.ProjectBucketConfig(
      `${name}-bucket`,
      {
        project: args.loggingProject,
        location: args.region,
        bucketId: AUDIT_BUCKET_ID,
        retentionDays: args.retentionDays,
        locked: true,
        cmekSettings: { kmsKeyName: args.kmsKeyName },
        description: "QairoPay audit log: append-only, locked, CMEK-encrypted.",
      },
      // Retained on delete even when unprotected: a locked bucket cannot be deleted while it holds
      // logs, and an ephemeral environment's goes with its project.
      { parent: this, protect: args.protect ?? true, retainOnDelete: true, dependsOn: args.dependsOn },
    );
    const destination = pulumi.interpolate`logging.googleapis.com/projects/${args.loggingProject}/locations/${args.region}/buckets/${AUDIT_BUCKET_ID}`;
    const filter = auditSinkFilter();
    const description =
      "Routes audit logs, KMS audit logs and the application audit log to the audit-log bucket.";
    const sinkName = "qairopay-audit-log";
    const writers: { key: string; identity: pulumi.Output<string> }[] = [];

    if (args.sources.kind === "projects") {
      for (const [role, project] of Object.entries(args.sources.projects)) {
        const sink = new gcp.logging.ProjectSink(
          `${name}-${role}`,
          { project, name: sinkName, destination, filter, description, uniqueWriterIdentity: true },
          { parent: this, dependsOn: [bucket] },
        );
        // A sink into a bucket of its own project writes without a grant (Cloud Logging docs,
        // "Set destination permissions"): only cross-project writers are granted.
        if (role !== args.loggingProjectRole) writers.push({ key: role, identity: sink.writerIdentity });
      }
    } else {
      const aggregated = { name: sinkName, destination, filter, description, includeChildren: true };
      const sinkOpts = { parent: this, dependsOn: [bucket] };
      const sink =
        args.sources.kind === "folder"
          ? new gcp.logging.FolderSink(
              `${name}-folder`,
              { ...aggregated, folder: args.sources.folderId },
              sinkOpts,
            )
          : new gcp.logging.OrganizationSink(
              `${name}-organization`,
              { ...aggregated, orgId: args.sources.organizationId },
              sinkOpts,
            );
      writers.push({ key: args.sources.kind, identity: sink.writerIdentity });
    }

    for (const writer of writers) {
      new gcp.projects.IAMMember(
        `${name}-${writer.key}-writer`,
        {
          project: args.loggingProject,
          role: "roles/logging.bucketWriter",
          member: writer.identity,
          condition: bucketWriterCondition(args.region, AUDIT_BUCKET_ID),
        },
        { parent: this },
      );
    }
    this.bucket = bucket;
    this.destination = destination;
    this.writerIdentities = writers.map((w) => w.identity);
    this.registerOutputs({ bucket, destination, writerIdentities: this.writerIdentities });
  }
}
