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

/**
 * Why a sink filter selects less than the union of its terms, or undefined. In the Logging query
 * language (https://cloud.google.com/logging/docs/view/logging-query-language) juxtaposed
 * comparisons are ANDed and NOT or `-` negates, so a filter keeps every required stream only as a
 * plain disjunction `field=value OR field:value OR …`: anything else (AND, NOT, parentheses, a
 * negative comparison, an implicit AND) can narrow it.
 */
export function narrowedSinkFilter(filter: unknown): string | undefined {
  const text = typeof filter === "string" ? filter : "";
  const disjuncts = text.split(/\s+OR\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const narrowing = disjuncts.filter((d) => !/^[A-Za-z_][\w.]*\s*[=:]\s*("[^"]*"|[^\s"()]+)$/.test(d.trim()));
  return narrowing.length
    ? `it is not a plain OR of comparisons: ${narrowing.map((d) => `“${d.trim()}”`).join(", ")} can narrow it`
    : undefined;
}

/** Ways a sink routing to the audit bucket routes less than its filter says: switched off, excluded or narrowed. */
export function sinkWeakenings(sink: PolicyResource): string[] {
  const p = sink.props as {
    disabled?: boolean;
    filter?: unknown;
    exclusions?: { name?: string; disabled?: boolean }[];
  };
  const found: string[] = [];
  if (p.disabled === true) found.push("the sink is disabled: it routes nothing");
  const active = (p.exclusions ?? []).filter((e) => e.disabled !== true);
  if (active.length)
    found.push(
      `exclusion(s) ${active.map((e) => String(e.name)).join(", ")} drop entries the filter selects`,
    );
  const narrowed = narrowedSinkFilter(p.filter);
  if (narrowed) found.push(`the filter is narrowed: ${narrowed}`);
  const missing = missingSinkTerms(p.filter);
  if (missing.length) found.push(`filter omits ${missing.join(", ")}`);
  return found;
}

/** A rule of an IAM deny policy, as `gcp.iam.DenyPolicy` takes it. */
export interface DenyRule {
  deniedPrincipals?: string[];
  exceptionPrincipals?: string[];
  deniedPermissions?: string[];
  exceptionPermissions?: string[];
  denialCondition?: unknown;
}

export const EVERYONE = "principalSet://goog/public:all";

export function denyRules(policies: PolicyResource[]): DenyRule[] {
  return policies.flatMap((d) =>
    ((d.props.rules ?? []) as { denyRule?: DenyRule }[]).map((r) => r.denyRule ?? {}),
  );
}

/**
 * Why an exception list is wider than "the deployer and the alerted break-glass accounts": anyone
 * at all, a set of principals (a domain, a project's or pool's identities), more than one service
 * account (the deployer is one identity), any group, or a user account that no break-glass alert
 * names. Audit logs name the account that acted, never the group that exempted it, so a group's
 * members — and any account the alert does not name — would use the exemption unalerted (IAM-07).
 */
export function widenedExceptions(
  exceptions: string[],
  alertedAccounts: ReadonlySet<string> = new Set(),
): string | undefined {
  const serviceAccounts = exceptions.filter((p) =>
    p.startsWith("principal://iam.googleapis.com/projects/-/serviceAccounts/"),
  );
  const users = exceptions.filter((p) => p.startsWith("principal://goog/subject/"));
  const groups = exceptions.filter((p) => p.startsWith("principalSet://goog/group/"));
  const other = exceptions.filter(
    (p) => !serviceAccounts.includes(p) && !users.includes(p) && !groups.includes(p),
  );
  if (other.length) return `excepts ${other.join(", ")}`;
  if (serviceAccounts.length > 1) return `excepts ${serviceAccounts.length} identities`;
  if (groups.length) return `excepts group ${groups.join(", ")}, whose members no break-glass alert names`;
  const unalerted = users.filter((p) => !alertedAccounts.has(p.slice("principal://goog/subject/".length)));
  if (unalerted.length) return `excepts ${unalerted.join(", ")}, whom no break-glass alert names`;
  return undefined;
}

/**
 * Whether some rule denies `permission` to everyone, unconditionally, with no exception wider than
 * `narrow` allows: undefined when one does, else why not (no rule names it, or the first reason
 * each rule that names it falls short).
 */
export function denialGap(
  rules: DenyRule[],
  permission: string,
  narrow: (exceptions: string[]) => string | undefined = widenedExceptions,
): string | undefined {
  const naming = rules.filter((r) => (r.deniedPermissions ?? []).includes(permission));
  if (!naming.length) return `${permission} is not denied`;
  const why = naming.map((rule) => {
    if (!(rule.deniedPrincipals ?? []).includes(EVERYONE)) return "denies named principals only";
    if (rule.denialCondition) return "denies only under a condition";
    if ((rule.exceptionPermissions ?? []).includes(permission)) return "lists it as an exception";
    return narrow(rule.exceptionPrincipals ?? []);
  });
  return why.every((w) => w !== undefined) ? `${permission}: the rule ${why[0]}` : undefined;
}
