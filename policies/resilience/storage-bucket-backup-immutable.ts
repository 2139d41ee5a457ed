import { CONTROL_LIMITS } from "../../catalogue/limits";
import { backupBuckets, scheduledArgument } from "../lib/backups";
import { Finding, stackPolicy } from "../lib/define";

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const JOB = "gcp:cloudscheduler/job:Job";
const CUSTOM_ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole";
const EXPORT_PERMISSIONS = ["cloudsql.instances.export", "cloudsql.instances.get"];

export const storageBucketBackupImmutable = stackPolicy(
  {
    name: "storage-bucket-backup-immutable",
    description: `Every Cloud SQL primary is exported daily to a backup bucket outside its region, whose retention policy keeps each export at least ${CONTROL_LIMITS.immutableBackupMinDays} days and, where the stack protects its resources, is locked; the exporter may do nothing but export.`,
    controls: ["RES-10"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Keep SqlBackupExports (components/sqlBackupExports.ts) for every cluster, with the catalogue's retention and backupRetentionLocked in a lasting environment.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const buckets = backupBuckets(resources);
    const min = CONTROL_LIMITS.immutableBackupMinDays * 86400;
    for (const b of buckets) {
      const policy = b.props.retentionPolicy as { retentionPeriod?: string; isLocked?: boolean } | undefined;
      if (!policy) {
        findings.push({
          urn: b.urn,
          problem: "it has no retention policy: anyone who may delete objects can delete the exports",
          fix: `set retentionPolicy: { retentionPeriod: "${min}", isLocked: true }`,
        });
        continue;
      }
      const seconds = Number(policy.retentionPeriod ?? NaN);
      if (!(seconds >= min))
        findings.push({
          urn: b.urn,
          problem: `its retention period is ${JSON.stringify(policy.retentionPeriod ?? null)} seconds, under ${min}`,
          fix: `set retentionPolicy.retentionPeriod: "${min}" or more`,
        });
      if (b.opts.protect && policy.isLocked !== true)
        findings.push({
          urn: b.urn,
          problem:
            "its retention policy is not locked: whoever administers the bucket can shorten or remove it",
          fix: "set retentionPolicy.isLocked: true (backupRetentionLocked)",
        });
    }
    const jobs = resources.filter((r) => r.type === JOB).map((j) => ({ job: j, arg: scheduledArgument(j) }));
    for (const primary of resources.filter((r) => r.type === INSTANCE && !r.props.masterInstanceName)) {
      const exported = jobs.find(
        ({ job, arg }) =>
          job.props.project === primary.props.project &&
          arg?.instance === primary.props.name &&
          !job.props.paused,
      );
      const bucket = exported && buckets.find((b) => b.props.name === exported.arg?.bucket);
      const location = String(bucket?.props.location ?? "").toLowerCase();
      if (!exported || !bucket)
        findings.push({
          urn: primary.urn,
          problem: "no scheduled export writes it to an immutable backup bucket",
          fix: "add SqlBackupExports for its cluster",
        });
      else if (location === String(primary.props.region))
        findings.push({
          urn: exported.job.urn,
          problem: `it exports ${String(primary.props.name)} to ${String(bucket.props.name)} in the primary's own region ${location}: the copy dies with the region`,
          fix: "export to the other region's bucket",
        });
    }
    for (const role of resources.filter(
      (r) => r.type === CUSTOM_ROLE && /SqlExport$/.test(String(r.props.roleId)),
    )) {
      const extra = ((role.props.permissions as string[] | undefined) ?? []).filter(
        (p) => !EXPORT_PERMISSIONS.includes(p),
      );
      if (extra.length)
        findings.push({
          urn: role.urn,
          problem: `the exporter's role also holds ${extra.join(", ")}`,
          fix: `hold ${EXPORT_PERMISSIONS.join(" and ")} only`,
        });
    }
    return findings;
  },
);
