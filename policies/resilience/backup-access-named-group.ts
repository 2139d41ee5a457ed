import { BACKUP_ROLES, backupBuckets, isCloudSqlInstanceAccount } from "../lib/backups";
import { Finding, stackPolicy } from "../lib/define";
import { entitlements, grants } from "../lib/privilegedAccess";

/** Google's own agents may hold their service-agent role (Backup for GKE's, on its project). */
const isAgentRole = (member: string, role: string) =>
  /^serviceAccount:service-\d+@gcp-sa-[a-z-]+\.iam\.gserviceaccount\.com$/.test(member) &&
  /\.serviceAgent$/.test(role);

export const backupAccessNamedGroup = stackPolicy(
  {
    name: "backup-access-named-group",
    description:
      "Only one named group may read, restore or delete backups, and only just in time: no standing grant of a backup role to anyone, the backup buckets written only by their Cloud SQL instances, every entitlement to backup roles open to the same single group.",
    controls: ["RES-10"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Remove standing grants of storage, gkebackup and backupdr roles; backup operators request the backup-restore entitlement (platform/domains/privilegedAccess.ts).",
  },
  (resources) => {
    const findings: Finding[] = [];
    const buckets = new Set(backupBuckets(resources).map((b) => String(b.props.name)));
    const backupProjects = new Set(
      resources
        .filter(
          (r) =>
            (r.type === "gcp:storage/bucket:Bucket" && buckets.has(String(r.props.name))) ||
            r.type === "gcp:gkebackup/backupPlan:BackupPlan",
        )
        .map((r) => String(r.props.project)),
    );
    for (const g of grants(resources)) {
      const onBucket =
        g.resource.type.startsWith("gcp:storage/bucketIAM") && buckets.has(String(g.resource.props.bucket));
      const onProject =
        g.resource.type.startsWith("gcp:projects/iAM") &&
        backupProjects.has(String(g.resource.props.project));
      if (!onBucket && !(onProject && BACKUP_ROLES.test(g.role))) continue;
      for (const member of g.members) {
        const writer =
          onBucket && g.role === "roles/storage.objectCreator" && isCloudSqlInstanceAccount(member);
        if (writer || isAgentRole(member, g.role)) continue;
        findings.push({
          urn: g.resource.urn,
          problem: `${member} holds ${g.role} standing on ${onBucket ? `backup bucket ${String(g.resource.props.bucket)}` : `project ${String(g.resource.props.project)}, which holds backups`}`,
          fix: "remove it: backups are read, restored or deleted only through the backup-restore entitlement",
        });
      }
    }
    const backupEntitlements = entitlements(resources).filter((e) =>
      e.roles.some((r) => BACKUP_ROLES.test(r)),
    );
    const oneGroup = (e: (typeof backupEntitlements)[number]) =>
      e.requesters.length === 1 && e.requesters[0].startsWith("group:");
    // The named group: the one most entitlements to backup roles name (the first of a tie, by name).
    const counts = new Map<string, number>();
    for (const e of backupEntitlements.filter(oneGroup))
      counts.set(e.requesters[0], (counts.get(e.requesters[0]) ?? 0) + 1);
    const named = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
    for (const e of backupEntitlements)
      if (!oneGroup(e) || e.requesters[0] !== named)
        findings.push({
          urn: e.resource.urn,
          problem: `backup roles may be requested by ${JSON.stringify(e.requesters)}, not the one named group ${named ?? "(none)"}`,
          fix: "name the backup operators' group alone, in every entitlement to backup roles",
        });
    return findings;
  },
);
