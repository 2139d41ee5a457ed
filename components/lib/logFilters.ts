/**
 * Log names, filters and markers of the audit-logging tier, as pure functions so that tests and
 * policies read the same strings the program deploys. Filter syntax:
 * https://cloud.google.com/logging/docs/view/logging-query-language
 */
import { CROSS_TENANT_MARKER } from "./auditMigration";

/** The application audit log every service writes to (see docs/audit-logging.md). */
export const APPLICATION_AUDIT_LOG = "qairopay-audit";

/** Cloud Audit Logs streams (https://cloud.google.com/logging/docs/audit#types). */
export const AUDIT_LOG_STREAMS = ["activity", "data_access", "system_event", "policy"] as const;

/**
 * What every sink routes: all four Cloud Audit Logs streams, the Cloud KMS audit logs (named
 * explicitly so a change to the stream list can never drop them), and the application audit log.
 */
export function auditSinkFilter(): string {
  const streams = AUDIT_LOG_STREAMS.map((s) => `logName:"/logs/cloudaudit.googleapis.com%2F${s}"`);
  return [
    ...streams,
    'protoPayload.serviceName="cloudkms.googleapis.com"',
    `logName:"/logs/${APPLICATION_AUDIT_LOG}"`,
  ].join(" OR ");
}

/** The IAM condition that limits a sink writer to the one audit bucket. */
export function bucketWriterCondition(location: string, bucketId: string) {
  return {
    title: `only-${bucketId}`,
    description: `Write only to the ${bucketId} log bucket.`,
    expression: `resource.name.endsWith("locations/${location}/buckets/${bucketId}")`,
  };
}

/**
 * Cross-tenant access attempts on one instance (TEN-02): the pgAudit FUNCTION record of the tenant
 * guard's marker call. Cloud SQL sends pgAudit records as Data Access audit logs of the instance,
 * method `cloudsql.instances.query`, the record in `protoPayload.request` as a `PgAuditEntry`
 * (https://cloud.google.com/sql/docs/postgres/pg-audit; field list and sample entry:
 * https://cloud.google.com/alloydb/docs/pgaudit/view-audit-log). It matches on the audited object,
 * not on `statement`: the migration's own CREATE FUNCTION and GRANT records, and on cardholder
 * instances the READ record of the guard's SELECT, carry the marker in their statement too.
 */
export function crossTenantFilter(project: string, instance: string): string {
  return [
    'resource.type="cloudsql_database"',
    `resource.labels.database_id="${project}:${instance}"`,
    `logName="projects/${project}/logs/cloudaudit.googleapis.com%2Fdata_access"`,
    'protoPayload.request.@type="type.googleapis.com/google.cloud.sql.audit.v1.PgAuditEntry"',
    'protoPayload.request.auditClass="FUNCTION"',
    // `statement`, a field Google documents for PgAuditEntry (`object` is not among them); with the
    // FUNCTION class it is the guard's call only: the migration's records are DDL and ROLE, and a
    // cardholder instance's record of the guard's SELECT is READ.
    `protoPayload.request.statement:"${CROSS_TENANT_MARKER}"`,
  ].join(" AND ");
}

/** Security events alerted on from the audit bucket (LOG-07). */
export function securityEventFilters(
  loggingProject: string,
): Record<string, { description: string; filter: string }> {
  return {
    "logging-project-iam-change": {
      description: "IAM policy of the logging project changed.",
      filter: `protoPayload.methodName="SetIamPolicy" AND resource.type="project" AND resource.labels.project_id="${loggingProject}"`,
    },
    "log-sink-or-bucket-change": {
      description: "A log sink or log bucket was created, changed or deleted.",
      filter:
        'protoPayload.serviceName="logging.googleapis.com" AND protoPayload.methodName=~"ConfigServiceV2\\.(CreateSink|UpdateSink|DeleteSink|CreateBucket|UpdateBucket|DeleteBucket|UndeleteBucket)"',
    },
    "kms-key-disable-or-destroy": {
      description: "A Cloud KMS key version was disabled, or scheduled for destruction.",
      filter:
        'protoPayload.serviceName="cloudkms.googleapis.com" AND (protoPayload.methodName="DestroyCryptoKeyVersion" OR (protoPayload.methodName="UpdateCryptoKeyVersion" AND protoPayload.request.cryptoKeyVersion.state="DISABLED"))',
    },
    "cloudsql-failover": {
      description: "A Cloud SQL instance failed over, switched over or was promoted.",
      filter:
        'protoPayload.serviceName="cloudsql.googleapis.com" AND protoPayload.methodName=~"cloudsql\\.instances\\.(failover|switchover|promoteReplica)"',
    },
  };
}

/**
 * Changes that cut a project's audit trail, alerted on from the project's own logs (not from the
 * audit bucket, which a deleted or disabled sink no longer feeds). These calls are Admin Activity
 * entries, which the project's `_Required` sink keeps whatever happens to ours: "you cannot modify
 * the _Required sink or exclude logs from it"
 * (https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.exclusions).
 */
export function auditTrailFilters(): Record<string, { description: string; filter: string }> {
  return {
    "audit-sink-change": {
      description: "A log sink or exclusion of this project was created, changed or deleted.",
      // A sink's own exclusions and `disabled` change through UpdateSink; the Exclusion methods
      // are the _Default sink's (https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.exclusions).
      filter:
        'protoPayload.serviceName="logging.googleapis.com" AND protoPayload.methodName=~"ConfigServiceV2\\.(CreateSink|UpdateSink|DeleteSink|CreateExclusion|UpdateExclusion|DeleteExclusion)"',
    },
    "audit-config-change": {
      description: "The Data Access audit configuration of this project changed.",
      // CIS Google Cloud Foundations Benchmark 2.5 ("log metric filter and alerts for audit
      // configuration changes"): audit configs are part of the IAM policy.
      filter:
        'protoPayload.methodName="SetIamPolicy" AND protoPayload.serviceData.policyDelta.auditConfigDeltas:*',
    },
  };
}

/**
 * Changes to the audit log's key (LOG-05): a disabled or destroyed version, or a revoked grant,
 * makes the locked bucket unwritable and unreadable. Alerted on from the KMS project's own logs.
 */
export function auditKeyFilters(keyId: string): Record<string, { description: string; filter: string }> {
  const onKey = `protoPayload.serviceName="cloudkms.googleapis.com" AND protoPayload.resourceName:"${keyId}"`;
  return {
    "audit-key-state-change": {
      description: "A version of the audit log's key was disabled, changed or scheduled for destruction.",
      filter: `${onKey} AND (protoPayload.methodName="DestroyCryptoKeyVersion" OR protoPayload.methodName="UpdateCryptoKeyVersion")`,
    },
    "audit-key-iam-change": {
      description: "The IAM policy of the audit log's key changed.",
      filter: `${onKey} AND protoPayload.methodName="SetIamPolicy"`,
    },
  };
}

/**
 * A pod created with Binary Authorization's break-glass label (K8S-04): "To enable breakglass, you
 * add a label field to the Pod specification with a break-glass policy flag", and "a breakglass
 * event is automatically logged to Cloud Audit Logs" (https://cloud.google.com/binary-authorization/docs/using-breakglass).
 * The label is `image-policy.k8s.io/break-glass` (older clusters read the `alpha.` annotation of the
 * same name): matched as text, so either form is caught. Pod creation is an Admin Activity entry of
 * the cluster's Kubernetes audit log, always written.
 */
export function breakGlassPodFilter(): string {
  return 'resource.type="k8s_cluster" AND protoPayload.methodName="io.k8s.core.v1.pods.create" AND "image-policy.k8s.io/break-glass"';
}
