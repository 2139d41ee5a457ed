import { PolicyResource } from "@pulumi/policy";

/** Shared readers for the logging policies. */
export const BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig";
export const SINK_TYPES = [
  "gcp:logging/projectSink:ProjectSink",
  "gcp:logging/folderSink:FolderSink",
  "gcp:logging/organizationSink:OrganizationSink",
];
export const REQUIRED_SINK_TERMS = [
  "cloudaudit.googleapis.com%2Factivity",
  "cloudaudit.googleapis.com%2Fdata_access",
  "cloudaudit.googleapis.com%2Fsystem_event",
  "cloudaudit.googleapis.com%2Fpolicy",
  "cloudkms.googleapis.com",
  "/logs/qairopay-audit",
];

/** The audit bucket(s): locked log buckets, or failing that every log bucket. */
export function auditBuckets(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => r.type === BUCKET);
}

export function bucketDestination(bucket: PolicyResource): string {
  return `logging.googleapis.com/projects/${String(bucket.props.project)}/locations/${String(bucket.props.location)}/buckets/${String(bucket.props.bucketId)}`;
}

/** Every project the stack deploys into: the `project` of any Google resource. */
export function platformProjects(resources: PolicyResource[]): Set<string> {
  const projects = new Set<string>();
  for (const r of resources) {
    if (r.type.startsWith("gcp:") && typeof r.props.project === "string") projects.add(r.props.project);
    if (r.type === "gcp:organizations/project:Project" && typeof r.props.projectId === "string")
      projects.add(r.props.projectId);
  }
  return projects;
}

export function missingSinkTerms(filter: unknown): string[] {
  const text = typeof filter === "string" ? filter : "";
  return REQUIRED_SINK_TERMS.filter((t) => !text.includes(t));
}
