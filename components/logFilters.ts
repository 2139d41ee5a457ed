/**
 * Log names, filters and markers of the audit-logging tier, as pure functions so that tests and
 * policies read the same strings the program deploys. Filter syntax:
 * https://cloud.google.com/logging/docs/view/logging-query-language
 */

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
 * The marker the application's tenant guard leaves when it refuses a cross-tenant query: it calls
 * the SQL function `qairopay_cross_tenant_denied(actor_tenant, target_tenant)`, which pgaudit
 * (class `function`) records in the instance's postgres log.
 */
export const CROSS_TENANT_MARKER = "qairopay_cross_tenant_denied";

export function crossTenantFilter(project: string, instance: string): string {
  return [
    'resource.type="cloudsql_database"',
    `resource.labels.database_id="${project}:${instance}"`,
    'logName:"/logs/cloudsql.googleapis.com%2Fpostgres.log"',
    `textPayload:"${CROSS_TENANT_MARKER}"`,
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
