import { addResource, editResource, removeResource } from "../mutate";
import type { PolicyCase } from "./policyCases";

/**
 * The audit trail outside the logging project, and the auditors' reach inside it (issue 29,
 * items 3 and 9): each way to cut the trail or widen who may, as a mutation of the prod plan.
 */
type Rule = { description: string; denyRule: Record<string, unknown> };
const rules = (p: Record<string, unknown>) => p.rules as Rule[];
const ruleOf = (p: Record<string, unknown>, permission: string) => {
  const rule = rules(p).find((r) => (r.denyRule.deniedPermissions as string[]).includes(permission));
  if (!rule) throw new Error(`no rule denies ${permission}`);
  return rule.denyRule;
};
const AUDITORS = "group:audit-readers@qairopay.com";

export const AUDIT_TRAIL_CASES: PolicyCase[] = [
  {
    policy: "logging-audit-trail-deny",
    title: "a project without the audit-trail deny policy (removed)",
    mutate: removeResource("prod-audit-trail-guard-cde"),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": in project qp-prod-cde, logging.googleapis.com/sinks.create is not denied; logging.googleapis.com/sinks.update is not denied; logging.googleapis.com/sinks.delete is not denied; cloudresourcemanager.googleapis.com/projects.setIamPolicy is not denied: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "logging-audit-trail-deny",
    title: "a deny that misses the key's disabling (cryptoKeyVersions.update)",
    mutate: editResource("prod-audit-trail-guard-kms", (p) => {
      const rule = ruleOf(p, "cloudkms.googleapis.com/cryptoKeyVersions.update");
      rule.deniedPermissions = (rule.deniedPermissions as string[]).filter(
        (x) => !x.endsWith("cryptoKeyVersions.update"),
      );
    }),
    on: "prod-audit-trail-guard-kms",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-kms": in project qp-prod-kms, cloudkms.googleapis.com/cryptoKeyVersions.update is not denied: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "logging-audit-trail-deny",
    title: "the sink rule's exception widened to any principal",
    mutate: editResource("prod-audit-trail-guard-platform", (p) => {
      const rule = ruleOf(p, "logging.googleapis.com/sinks.delete");
      rule.exceptionPrincipals = [
        ...(rule.exceptionPrincipals as string[]),
        "principalSet://goog/public:all",
      ];
    }),
    on: "prod-audit-trail-guard-platform",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-platform": in project qp-prod-platform, logging.googleapis.com/sinks.create: the rule excepts principalSet://goog/public:all; logging.googleapis.com/sinks.update: the rule excepts principalSet://goog/public:all; logging.googleapis.com/sinks.delete: the rule excepts principalSet://goog/public:all: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "logging-audit-trail-deny",
    title: "the audit-config rule's exception widened to a second group",
    mutate: editResource("prod-audit-trail-guard-cde", (p) => {
      const rule = ruleOf(p, "cloudresourcemanager.googleapis.com/projects.setIamPolicy");
      rule.exceptionPrincipals = [
        ...(rule.exceptionPrincipals as string[]),
        "principalSet://goog/group/platform-admins@qairopay.com",
      ];
    }),
    on: "prod-audit-trail-guard-cde",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-cde": in project qp-prod-cde, cloudresourcemanager.googleapis.com/projects.setIamPolicy: the rule excepts group principalSet://goog/group/platform-admins@qairopay.com, whose members no break-glass alert names: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "logging-audit-trail-deny",
    title:
      "the audit-config rule's exception widened to a second service account beside PAM's agent (which only PAM's may be)",
    mutate: editResource("prod-audit-trail-guard-cde", (p) => {
      const rule = ruleOf(p, "cloudresourcemanager.googleapis.com/projects.setIamPolicy");
      rule.exceptionPrincipals = [
        ...(rule.exceptionPrincipals as string[]),
        "principal://iam.googleapis.com/projects/-/serviceAccounts/ledger@qp-prod-platform.iam.gserviceaccount.com",
      ];
    }),
    on: "prod-audit-trail-guard-cde",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-cde": in project qp-prod-cde, cloudresourcemanager.googleapis.com/projects.setIamPolicy: the rule excepts 2 identities: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "logging-audit-trail-deny",
    title: "PAM's agent excepted from the sink rule too (its exception is for setIamPolicy only)",
    mutate: editResource("prod-audit-trail-guard-platform", (p) => {
      const rule = ruleOf(p, "logging.googleapis.com/sinks.delete");
      rule.exceptionPrincipals = [
        ...(rule.exceptionPrincipals as string[]),
        "principal://iam.googleapis.com/projects/-/serviceAccounts/service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com",
      ];
    }),
    on: "prod-audit-trail-guard-platform",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-platform": in project qp-prod-platform, logging.googleapis.com/sinks.create: the rule excepts 2 identities; logging.googleapis.com/sinks.update: the rule excepts 2 identities; logging.googleapis.com/sinks.delete: the rule excepts 2 identities: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "logging-audit-trail-deny",
    title: "sink deletion carved out as an exception permission (excluded)",
    mutate: editResource("prod-audit-trail-guard-platform", (p) => {
      ruleOf(p, "logging.googleapis.com/sinks.delete").exceptionPermissions = [
        "logging.googleapis.com/sinks.delete",
      ];
    }),
    on: "prod-audit-trail-guard-platform",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-platform": in project qp-prod-platform, logging.googleapis.com/sinks.delete: the rule lists it as an exception: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "logging-audit-trail-deny",
    title: "the key rule denied only under a tag condition (switched off)",
    mutate: editResource("prod-audit-trail-guard-kms", (p) => {
      ruleOf(p, "cloudkms.googleapis.com/cryptoKeys.setIamPolicy").denialCondition = {
        title: "tagged",
        expression: "resource.matchTag('418726350912/guard', 'on')",
      };
    }),
    on: "prod-audit-trail-guard-kms",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-kms": in project qp-prod-kms, cloudkms.googleapis.com/cryptoKeyVersions.destroy: the rule denies only under a condition; cloudkms.googleapis.com/cryptoKeyVersions.update: the rule denies only under a condition; cloudkms.googleapis.com/cryptoKeys.setIamPolicy: the rule denies only under a condition: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "logging-audit-trail-deny",
    title: "the deny narrowed to one named principal instead of everyone",
    mutate: editResource("prod-audit-trail-guard-cde", (p) => {
      ruleOf(p, "logging.googleapis.com/sinks.update").deniedPrincipals = [
        "principal://goog/subject/intern@qairopay.com",
      ];
    }),
    on: "prod-audit-trail-guard-cde",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-cde": in project qp-prod-cde, logging.googleapis.com/sinks.create: the rule denies named principals only; logging.googleapis.com/sinks.update: the rule denies named principals only; logging.googleapis.com/sinks.delete: the rule denies named principals only: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "monitoring-audit-trail-alerts",
    title: "a project without a sink-change alert (removed)",
    mutate: removeResource("prod-card-vault-alerts-audit-sink-change"),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": project qp-prod-cde has no alerted log-based metric on its own logs for sink or exclusion change. Fix: add one (a metric on the audit bucket does not see the sink that stops feeding it)',
  },
  {
    policy: "monitoring-audit-trail-alerts",
    title: "the audit key's alert moved onto the audit bucket (bypassed: the bucket no longer sees it)",
    mutate: editResource(
      "prod-kms-alerts-audit-key-state-change",
      (p) => (p.bucketName = "projects/qp-prod-logging/locations/us-central1/buckets/audit-log"),
    ),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": project qp-prod-kms has no alerted log-based metric on its own logs for audit key disabled or destroyed. Fix: add one (a metric on the audit bucket does not see the sink that stops feeding it)',
  },
  {
    policy: "monitoring-audit-trail-alerts",
    title: "an audit-config metric no alert policy watches",
    mutate: removeResource("prod-ledger-alerts-audit-config-change-alert"),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": project qp-prod-platform has no alerted log-based metric on its own logs for audit config change. Fix: add one (a metric on the audit bucket does not see the sink that stops feeding it)',
  },
  {
    policy: "monitoring-audit-trail-alerts",
    title: "the key IAM alert watching another key",
    mutate: editResource("prod-kms-alerts-audit-key-iam-change", (p) => {
      p.filter = String(p.filter).replace("cryptoKeys/audit-log", "cryptoKeys/redis");
    }),
    on: "prod-audit-log-bucket",
    message:
      '[LOG-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": project qp-prod-kms has no alerted log-based metric on its own logs for audit key IAM change. Fix: add one (a metric on the audit bucket does not see the sink that stops feeding it)',
  },
  {
    policy: "logging-project-isolation",
    title: "the auditors given project-wide roles/logging.viewer (widened; CIS GCP 2.x least privilege)",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "auditors-see-everything",
      inputs: { project: "qp-prod-logging", role: "roles/logging.viewer", member: AUDITORS },
    }),
    on: "auditors-see-everything",
    message:
      "[LOG-01] gcp:projects/iAMMember:IAMMember \"auditors-see-everything\": group:audit-readers@qairopay.com holds roles/logging.viewer in logging project qp-prod-logging. Fix: remove it; only sink writers (bucketWriter on the audit bucket), auditors (viewAccessor on the audit bucket's view) and the project's own service agents (their service-agent role) belong here",
  },
  {
    policy: "logging-project-isolation",
    title: "the auditors' view access without its bucket condition",
    mutate: editResource("prod-logging-isolation-auditors-viewAccessor", (p) => delete p.condition),
    on: "prod-logging-isolation-auditors-viewAccessor",
    message:
      "[LOG-01] gcp:projects/iAMMember:IAMMember \"prod-logging-isolation-auditors-viewAccessor\": group:audit-readers@qairopay.com holds roles/logging.viewAccessor in logging project qp-prod-logging without a condition limiting it to the audit bucket. Fix: remove it; only sink writers (bucketWriter on the audit bucket), auditors (viewAccessor on the audit bucket's view) and the project's own service agents (their service-agent role) belong here",
  },
  {
    policy: "logging-project-isolation",
    title: "the auditors' view access moved to the _Default bucket",
    mutate: editResource("prod-logging-isolation-auditors-viewAccessor", (p) => {
      const c = p.condition as { expression: string };
      c.expression = c.expression.replace("buckets/audit-log/", "buckets/_Default/");
    }),
    on: "prod-logging-isolation-auditors-viewAccessor",
    message:
      "[LOG-01] gcp:projects/iAMMember:IAMMember \"prod-logging-isolation-auditors-viewAccessor\": group:audit-readers@qairopay.com holds roles/logging.viewAccessor in logging project qp-prod-logging without a condition limiting it to the audit bucket. Fix: remove it; only sink writers (bucketWriter on the audit bucket), auditors (viewAccessor on the audit bucket's view) and the project's own service agents (their service-agent role) belong here",
  },
  {
    policy: "logging-project-isolation",
    title: "break-glass excepted from the deny on direct log writes",
    mutate: editResource("prod-logging-isolation-deny", (p) => {
      const rule = ruleOf(p, "logging.googleapis.com/logEntries.create");
      rule.exceptionPrincipals = [
        ...(rule.exceptionPrincipals as string[]),
        "principalSet://goog/group/break-glass@qairopay.com",
      ];
    }),
    on: "prod-logging-isolation-deny",
    message:
      '[LOG-01] gcp:iam/denyPolicy:DenyPolicy "prod-logging-isolation-deny": the IAM deny policies of logging project qp-prod-logging leave a gap: logging.googleapis.com/logEntries.create: the rule excepts principalSet://goog/group/break-glass@qairopay.com, who could forge entries the locked bucket keeps. Fix: keep the deny policy of components/loggingIsolation.ts: bucket, sink and IAM administration denied to all but the deployer and break-glass, direct log writes to all but the sink writers',
  },
  // Break-glass is exempt by the accounts the break-glass alert names, never by a group: an audit
  // log names the account that acted, not the group that exempted it (IAM-07; attacker review).
  {
    policy: "logging-audit-trail-deny",
    title: "break-glass exempt as a group again (its members act unalerted)",
    mutate: editResource("prod-audit-trail-guard-platform", (p) => {
      const rule = ruleOf(p, "logging.googleapis.com/sinks.delete");
      rule.exceptionPrincipals = [
        ...(rule.exceptionPrincipals as string[]).filter((x) => !x.startsWith("principal://goog/subject/")),
        "principalSet://goog/group/break-glass@qairopay.com",
      ];
    }),
    on: "prod-audit-trail-guard-platform",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-platform": in project qp-prod-platform, logging.googleapis.com/sinks.create: the rule excepts group principalSet://goog/group/break-glass@qairopay.com, whose members no break-glass alert names; logging.googleapis.com/sinks.update: the rule excepts group principalSet://goog/group/break-glass@qairopay.com, whose members no break-glass alert names; logging.googleapis.com/sinks.delete: the rule excepts group principalSet://goog/group/break-glass@qairopay.com, whose members no break-glass alert names: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    policy: "logging-audit-trail-deny",
    title: "an account exempt that the break-glass alert does not name",
    mutate: editResource("prod-audit-trail-guard-kms", (p) => {
      const rule = ruleOf(p, "cloudkms.googleapis.com/cryptoKeyVersions.destroy");
      rule.exceptionPrincipals = [
        ...(rule.exceptionPrincipals as string[]),
        "principal://goog/subject/key-admin@qairopay.com",
      ];
    }),
    on: "prod-audit-trail-guard-kms",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-kms": in project qp-prod-kms, cloudkms.googleapis.com/cryptoKeyVersions.destroy: the rule excepts principal://goog/subject/key-admin@qairopay.com, whom no break-glass alert names; cloudkms.googleapis.com/cryptoKeyVersions.update: the rule excepts principal://goog/subject/key-admin@qairopay.com, whom no break-glass alert names; cloudkms.googleapis.com/cryptoKeys.setIamPolicy: the rule excepts principal://goog/subject/key-admin@qairopay.com, whom no break-glass alert names: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  {
    // The same edit leaves every project's audit-trail deny short too (logging-audit-trail-deny).
    policy: "logging-project-isolation",
    title: "the break-glass alert stops naming an account the deny policies still exempt",
    mutate: editResource("prod-logging-alerts-break-glass-activity", (p) => {
      p.filter = String(p.filter).replace(/ OR [^ ]+="break-glass-2@qairopay\.com"/g, "");
    }),
    on: "prod-audit-trail-guard-logging",
    message:
      '[LOG-01] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-logging": the IAM deny policies of logging project qp-prod-logging leave a gap: logging.googleapis.com/buckets.delete: the rule excepts principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/buckets.update: the rule excepts principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/buckets.undelete: the rule excepts principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/sinks.create: the rule excepts principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/sinks.update: the rule excepts principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/sinks.delete: the rule excepts principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; cloudresourcemanager.googleapis.com/projects.setIamPolicy: the rule excepts principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names. Fix: keep the deny policy of components/loggingIsolation.ts: bucket, sink and IAM administration denied to all but the deployer and break-glass, direct log writes to all but the sink writers',
  },
  {
    policy: "logging-project-isolation",
    title: "break-glass exempt from the logging project's administration deny as a group",
    mutate: editResource("prod-logging-isolation-deny", (p) => {
      const rule = ruleOf(p, "logging.googleapis.com/buckets.delete");
      rule.exceptionPrincipals = [
        ...(rule.exceptionPrincipals as string[]).filter((x) => !x.startsWith("principal://goog/subject/")),
        "principalSet://goog/group/break-glass@qairopay.com",
      ];
    }),
    on: "prod-logging-isolation-deny",
    message:
      '[LOG-01] gcp:iam/denyPolicy:DenyPolicy "prod-logging-isolation-deny": the IAM deny policies of logging project qp-prod-logging leave a gap: logging.googleapis.com/buckets.delete: the rule excepts group principalSet://goog/group/break-glass@qairopay.com, whose members no break-glass alert names; logging.googleapis.com/buckets.update: the rule excepts group principalSet://goog/group/break-glass@qairopay.com, whose members no break-glass alert names; logging.googleapis.com/buckets.undelete: the rule excepts group principalSet://goog/group/break-glass@qairopay.com, whose members no break-glass alert names. Fix: keep the deny policy of components/loggingIsolation.ts: bucket, sink and IAM administration denied to all but the deployer and break-glass, direct log writes to all but the sink writers',
  },
];
