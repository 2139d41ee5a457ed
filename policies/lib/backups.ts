/** Readers of the immutable backups (RES-10), shared by their policies. */
import { PolicyResource } from "@pulumi/policy";

/** Backup buckets are named `<project>-<cluster>-backup-<region>` (and a bucket's name never changes). */
export const BACKUP_BUCKET_NAME = /-backup-(us-central1|us-east1)$/;

export const backupBuckets = (resources: PolicyResource[]): PolicyResource[] =>
  resources.filter(
    (r) => r.type === "gcp:storage/bucket:Bucket" && BACKUP_BUCKET_NAME.test(String(r.props.name)),
  );

/** The roles that read, restore or delete backups. */
export const BACKUP_ROLES = /^roles\/(storage\.|gkebackup\.|backupdr\.)/;

/** A Cloud SQL instance's own service account (`p<number>-<id>@gcp-sa-cloud-sql…`), which writes its exports. */
export const isCloudSqlInstanceAccount = (member: string): boolean =>
  /^serviceAccount:p\d+-[a-z0-9]+@gcp-sa-cloud-sql\.iam\.gserviceaccount\.com$/.test(member);

/** The workflow argument a Cloud Scheduler job passes (`{"argument": "<JSON>"}`, base64), if it is one. */
export function scheduledArgument(job: PolicyResource): Record<string, unknown> | undefined {
  try {
    const body = JSON.parse(
      Buffer.from(
        String((job.props.httpTarget as { body?: string } | undefined)?.body ?? ""),
        "base64",
      ).toString(),
    ) as { argument?: string };
    return typeof body.argument === "string"
      ? (JSON.parse(body.argument) as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
