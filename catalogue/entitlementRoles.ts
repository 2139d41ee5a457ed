/**
 * The custom roles entitlements grant where no predefined role is narrow enough (IAM-07). An
 * entitlement may grant a custom role: "choose a different predefined role, or create a custom role
 * with the permissions you need" (https://cloud.google.com/iam/docs/pam-create-entitlements).
 * Permission names from https://cloud.google.com/iam/docs/roles-permissions/cloudsql, .../container
 * and https://cloud.google.com/kms/docs/reference/permissions-and-roles.
 *
 * One list for both sides: the component creates each role with exactly these permissions, and
 * pam-entitlement-hardening refuses a role holding any other, so that the checks by kind (lasting
 * grants, storage, instance-bound Cloud SQL) cannot miss the next kind — decrypt on the key
 * operator, a token or pods/exec on the incident operator.
 */
export const ENTITLEMENT_ROLES = {
  /**
   * Operate without reading: restart or fail over a Cloud SQL instance, see workloads and delete a
   * pod so its controller recreates it. Not instances.update (flags: pgAudit), instances.export
   * (copies the data out), users.* or executeSql, pods.exec or secrets (a workload's identity).
   */
  incidentOperator: {
    roleId: "qairopayIncidentOperator",
    purpose:
      "restart or fail over an instance, see workloads and delete a pod for its controller to recreate",
    title: "QairoPay incident operator",
    permissions: [
      "cloudsql.instances.failover",
      "cloudsql.instances.get",
      "cloudsql.instances.list",
      "cloudsql.instances.restart",
      "container.clusters.get",
      "container.clusters.list",
      "container.deployments.get",
      "container.deployments.list",
      "container.events.list",
      "container.jobs.get",
      "container.jobs.list",
      "container.nodes.get",
      "container.nodes.list",
      "container.pods.delete",
      "container.pods.get",
      "container.pods.list",
    ],
  },
  /**
   * Rotate a key: a new version (cryptoKeyVersions.create), made primary or the schedule changed
   * (cryptoKeys.update: "locations.keyRings.cryptoKeys.updatePrimaryVersion cloudkms.cryptoKeys.update",
   * https://cloud.google.com/kms/docs/reference/permissions-and-roles). Never keyRings.setIamPolicy or
   * cryptoKeys.setIamPolicy (a lasting decrypt grant), import jobs, or the version updates and
   * destructions the audit-trail deny refuses anyway. Enough for `npm run rotate-keys`
   * (tools/keyRotation/kmsClient.ts: cryptoKeys list/get, cryptoKeyVersions create, updatePrimaryVersion).
   */
  keyOperator: {
    roleId: "qairopayKeyOperator",
    purpose:
      "rotate a key (npm run rotate-keys: a new version made primary, billed to the key project), never use or destroy one",
    title: "QairoPay key operator",
    permissions: [
      "cloudkms.cryptoKeyVersions.create",
      "cloudkms.cryptoKeyVersions.get",
      "cloudkms.cryptoKeyVersions.list",
      "cloudkms.cryptoKeys.get",
      "cloudkms.cryptoKeys.list",
      "cloudkms.cryptoKeys.update",
      "cloudkms.keyRings.get",
      "cloudkms.keyRings.list",
      // rotate-keys bills its calls to the KMS project (x-goog-user-project): "The caller must have
      // serviceusage.services.use permission on the project" (https://cloud.google.com/apis/docs/system-parameters,
      // as google-cloud-cpp's UserProjectOption documents it).
      "serviceusage.services.use",
    ],
  },
  /**
   * See what a restore needs: instances (the DR replica a scratch copy takes its settings from),
   * their backups and databases, and follow the operations. Configuration, never rows.
   */
  sqlRestoreRead: {
    roleId: "qairopaySqlRestoreRead",
    purpose: "see the instances, backups and databases a restore needs: configuration, never rows",
    title: "QairoPay Cloud SQL restore (read)",
    permissions: [
      "cloudsql.backupRuns.get",
      "cloudsql.backupRuns.list",
      "cloudsql.databases.get",
      "cloudsql.databases.list",
      "cloudsql.instances.get",
      "cloudsql.instances.list",
    ],
  },
  /**
   * Restore into a scratch instance (granted with a condition on the scratch instances' names, which
   * Cloud SQL supports: "Allowing users to create instances with specific prefixes",
   * https://cloud.google.com/sql/docs/postgres/iam-conditions): create it, import an export or
   * restore a backup into it, create its database, delete it.
   * Unverified: whether the name condition applies to cloudsql.databases.create (and users.create,
   * below). terraform-google-sql-db PR #616 reports the opposite for databases.list: "IAM
   * conditions can only be used to restrict access to DatabaseInstances or BackupRuns. They can't be
   * used to restrict access to Database resources" (a 403 under the condition). If so, the drill's
   * `databases` and `users` inserts on the scratch copy fail with 403 (tools/drill/cloudSqlRestore.ts);
   * prove on staging with `npm run drill` before relying on it. Never instances.update or users.* of
   * a primary: cloudsql.admin's patch to ALLOW_DATA_API and a CLOUD_IAM_USER with
   * cloudsqlsuperuser on card-vault are not here.
   */
  sqlRestore: {
    roleId: "qairopaySqlRestore",
    purpose:
      "restore into a scratch instance: create it, import or restore into it, create its database, delete it",
    title: "QairoPay Cloud SQL restore into a scratch instance",
    permissions: [
      "cloudsql.databases.create",
      "cloudsql.instances.create",
      "cloudsql.instances.delete",
      "cloudsql.instances.import",
      "cloudsql.instances.restoreBackup",
    ],
  },
  /**
   * Verify a restored copy through the Data API as the restore drill does (tools/drill/cloudSqlRestore.ts:
   * users.insert of the operator as an IAM user, executeSql with autoIamAuthn), on the scratch
   * instances only, and only where the data is not cardholder data (the platform: card-vault's
   * instances refuse the Data API, NET-09).
   */
  sqlRestoreVerify: {
    roleId: "qairopaySqlRestoreVerify",
    purpose: "verify a restored scratch copy through the Data API as an IAM user",
    title: "QairoPay Cloud SQL restore verification",
    permissions: ["cloudsql.instances.executeSql", "cloudsql.instances.login", "cloudsql.users.create"],
  },
  /**
   * Let a scratch instance read the backup bucket for the restore: the drill reads the bucket's IAM
   * policy and writes it back with the instance's objectViewer binding added, then removed
   * (tools/drill/cloudSqlRestore.ts setBucketViewer: the JSON API's getIamPolicy and setIamPolicy,
   * which need storage.buckets.getIamPolicy and storage.buckets.setIamPolicy:
   * https://cloud.google.com/storage/docs/access-control/iam-json). Granted on the backup buckets
   * only. Instead of roles/storage.admin, which also deletes and overwrites the exports, changes the
   * buckets' retention and lifecycle, and creates buckets (attacker review).
   */
  backupBucketGrant: {
    roleId: "qairopayBackupBucketGrant",
    purpose: "let a scratch instance read a backup bucket for the restore, and take the grant back",
    title: "QairoPay backup bucket read grant for a restore",
    permissions: ["storage.buckets.getIamPolicy", "storage.buckets.setIamPolicy"],
  },
} as const;
