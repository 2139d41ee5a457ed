import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { cardholderProjects } from "../lib/gcp";
import { auditBuckets } from "./audit";
import { alertedMetrics } from "./monitoring-security-event-alerts";
import { pagingAlertPolicies, silencedAlerts } from "../lib/alerting";

/**
 * What Privileged Access Manager logs for a grant requested, approved and activated, in every API
 * version (https://cloud.google.com/iam/docs/audit-logging/audit-logging-pam): Admin Activity
 * records of CreateGrant and ApproveGrant, and the System Event PAMActivateGrant.
 */
export const PAM_GRANT_METHODS = [
  ...["v1", "v1alpha", "v1beta"].flatMap((v) =>
    ["CreateGrant", "ApproveGrant"].map(
      (m) => `google.cloud.privilegedaccessmanager.${v}.PrivilegedAccessManager.${m}`,
    ),
  ),
  "PAMActivateGrant",
];
/** How a break-glass account's actions are recognised: its own, and through a service account it impersonates. */
export const BREAK_GLASS_FIELDS = [
  "protoPayload.authenticationInfo.principalEmail=",
  "protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail=",
];

/**
 * The changes a grant could make lasting or that open cardholder data (components/lib/privilegedAccessFilters.ts
 * privilegedChangeFilters): what each alert's filter must hold, and what would narrow it.
 */
const CHANGE_ALERTS = (kms: string[], cde: string[]) => [
  {
    what: "an IAM change of any key or key ring in the KMS project",
    holds: ['protoPayload.serviceName="cloudkms.googleapis.com"', 'protoPayload.methodName="SetIamPolicy"'],
    narrowed: (f: string) => f.includes("cryptoKeys/") || !kms.every((p) => f.includes(`projects/${p}/`)),
  },
  {
    what: "an IAM change of any backup bucket",
    holds: ['protoPayload.methodName="storage.setIamPermissions"', 'resource.labels.bucket_name:"-backup-"'],
    narrowed: (f: string) => /bucket_name="/.test(f),
  },
  {
    what: "a database user created or changed, or an instance updated, in the cde",
    holds: [
      'protoPayload.serviceName="cloudsql.googleapis.com"',
      "users\\.(create|update)",
      "instances\\.(update|patch)",
    ],
    narrowed: (f: string) =>
      !cde.every((p) => f.includes(`resource.labels.project_id="${p}"`)) || /database_id/.test(f),
  },
];

/** The metric counts the audit bucket, which every platform project's audit logs reach (LOG-03). */
const countsAuditBucket = (metric: PolicyResource, bucket: PolicyResource) =>
  String(metric.props.bucketName ?? "") ===
  `projects/${String(bucket.props.project)}/locations/${String(bucket.props.location)}/buckets/${String(bucket.props.bucketId)}`;

/** Anything that negates or excludes can narrow an OR of names without removing one. */
const plain = (f: string) => !/(^|\s|\()(-|NOT\s)/.test(f);

/** A break-glass term: `<field>"<account>"`, the account's own action or its impersonation. */
const BREAK_GLASS_TERM = new RegExp(
  `^(${BREAK_GLASS_FIELDS.map((f) => f.replace(/\./g, "\\.")).join("|")})"([^"()]+)"$`,
);

/**
 * The accounts a break-glass filter names, when it is nothing but an OR of break-glass terms
 * (parentheses aside): any other term — an AND, an implicit AND by a space, a NOT, a second
 * field — can narrow it to match none of their actions. Undefined when it is not.
 */
function breakGlassTerms(filter: string): { field: string; account: string }[] | undefined {
  const terms = filter
    .replace(/[()]/g, " ")
    .trim()
    .split(/\s+OR\s+/);
  const parsed = terms.map((t) => BREAK_GLASS_TERM.exec(t.trim()));
  if (!parsed.every((m) => m)) return undefined;
  return parsed.map((m) => ({ field: m![1], account: m![2] }));
}

/**
 * The break-glass accounts an alert pages on whatever they do: each named, both as the principal
 * and as the impersonator of a service account, by a metric over the audit bucket whose filter is
 * a plain OR of those terms and which an enabled alert policy with a notification channel fires on
 * at its first count (alertedMetrics). Only these may be exempt from the audit deny policies
 * (policies/audit/audit.ts widenedExceptions): an exemption nobody is alerted on is a silent way
 * around them.
 */
export function alertedBreakGlassAccounts(
  resources: PolicyResource[],
  paging: PolicyResource[] = pagingAlertPolicies(resources),
): Set<string> {
  const bucket = auditBuckets(resources)[0];
  const accounts = new Set<string>();
  if (!bucket) return accounts;
  for (const metric of alertedMetrics(resources, paging).filter((m) => countsAuditBucket(m, bucket))) {
    const terms = breakGlassTerms(String(metric.props.filter ?? ""));
    if (!terms) continue;
    const [own, impersonating] = BREAK_GLASS_FIELDS.map(
      (field) => new Set(terms.filter((t) => t.field === field).map((t) => t.account)),
    );
    for (const account of own) if (impersonating.has(account)) accounts.add(account);
  }
  return accounts;
}

export const monitoringPrivilegedAccessAlerts = stackPolicy(
  {
    name: "monitoring-privileged-access-alerts",
    description:
      "Alerts fire on every just-in-time grant requested, approved or activated (every API version), on any action of a break-glass account, and on what could make a grant lasting or open card data (KMS and backup-bucket IAM changes, cde database users and instance updates), counted over the audit bucket that holds every project's logs.",
    controls: ["IAM-07"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Keep the privileged-access alerts of the logging project (components/lib/privilegedAccessFilters.ts) on the audit bucket.",
  },
  (resources) => {
    const bucket = auditBuckets(resources)[0];
    if (!bucket) return [];
    const filtersOf = (alerts: PolicyResource[]) =>
      alertedMetrics(resources, alerts)
        .filter((m) => countsAuditBucket(m, bucket))
        .map((m) => String(m.props.filter));
    const paging = pagingAlertPolicies(resources);
    const findings: Finding[] = [];
    // Each check over a set of alert policies: a failure that silent alerts would mend names them.
    const check = (passes: (alerts: PolicyResource[]) => boolean, otherwise: Omit<Finding, "urn">) => {
      if (!passes(paging))
        findings.push({ urn: bucket.urn, ...(silencedAlerts(resources, passes) ?? otherwise) });
    };
    check(
      (alerts) =>
        filtersOf(alerts).some((f) => plain(f) && PAM_GRANT_METHODS.every((m) => f.includes(`"${m}"`))),
      {
        problem: `no alerted metric over the audit bucket matches every grant method (${PAM_GRANT_METHODS.join(", ")})`,
        fix: "alert on protoPayload.methodName of each, with no exclusion",
      },
    );
    check((alerts) => alertedBreakGlassAccounts(resources, alerts).size > 0, {
      problem:
        "no alerted metric over the audit bucket matches the break-glass accounts' actions, their own and through impersonation",
      fix: `alert on ${BREAK_GLASS_FIELDS.join(" and ")} of each break-glass account, a plain OR of those terms, watched by an enabled alert policy that fires above zero, with a notification channel the stack declares and keeps enabled`,
    });
    const kms = [
      ...new Set(
        resources.filter((r) => r.type === "gcp:kms/keyRing:KeyRing").map((r) => String(r.props.project)),
      ),
    ];
    const cde = [...cardholderProjects(resources)];
    for (const alert of CHANGE_ALERTS(kms, cde))
      check(
        (alerts) =>
          filtersOf(alerts).some(
            (f) => plain(f) && alert.holds.every((h) => f.includes(h)) && !alert.narrowed(f),
          ),
        {
          problem: `no alerted metric over the audit bucket matches ${alert.what}`,
          fix: "keep the alerts of components/lib/privilegedAccessFilters.ts privilegedChangeFilters, unnarrowed",
        },
      );
    return findings;
  },
);
