import { addResource, editResource, removeResource } from "../mutate";
import type { PolicyCase } from "./policyCases";

/**
 * The ways just-in-time access (IAM-07) breaks: longer, unjustified or self-approved grants,
 * broader requesters, basic roles, approval dropped in the cde, standing access next to it,
 * an authoritative binding that strips grants, and alerts that miss a grant or a break-glass act.
 */
type Entitlement = {
  maxRequestDuration: string;
  requesterJustificationConfig: Record<string, unknown>;
  eligibleUsers: { principals: string[] }[];
  privilegedAccess: { gcpIamAccess: { roleBindings: { role: string; conditionExpression?: string }[] } };
  approvalWorkflow?: {
    manualApprovals: {
      requireApproverJustification: boolean;
      steps: { approvers: { principals: string[] } }[];
    };
  };
};
const entitlement = (p: Record<string, unknown>) => p as unknown as Entitlement;

export const PRIVILEGED_ACCESS_CASES: PolicyCase[] = [
  {
    policy: "pam-entitlement-hardening",
    title: "a grant that lasts a day",
    mutate: editResource(
      "prod-platform-access-incident-operator",
      (p) => (entitlement(p).maxRequestDuration = "86400s"),
    ),
    on: "prod-platform-access-incident-operator",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-platform-access-incident-operator": maxRequestDuration is "86400s", over 7200s. Fix: set maxRequestDuration: "7200s" or less',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "a grant without a written justification",
    mutate: editResource(
      "prod-kms-access-key-operator",
      (p) => (entitlement(p).requesterJustificationConfig = { notMandatory: {} }),
    ),
    on: "prod-kms-access-key-operator",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-kms-access-key-operator": a grant needs no written justification. Fix: set requesterJustificationConfig: { unstructured: {} }',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "an entitlement to a basic role",
    mutate: editResource("prod-platform-access-data-access", (p) =>
      entitlement(p).privilegedAccess.gcpIamAccess.roleBindings.push({ role: "roles/editor" }),
    ),
    on: "prod-platform-access-data-access",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-platform-access-data-access": it grants basic role roles/editor. Fix: grant predefined roles',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "an entitlement any single user can request",
    mutate: editResource(
      "prod-platform-access-incident-operator",
      (p) => (entitlement(p).eligibleUsers = [{ principals: ["user:mallory@qairopay.com"] }]),
    ),
    on: "prod-platform-access-incident-operator",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-platform-access-incident-operator": it may be requested by ["user:mallory@qairopay.com"], not a named group. Fix: name one group in eligibleUsers',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "cde access granted without approval",
    mutate: editResource("prod-cde-access-incident-operator", (p) => delete entitlement(p).approvalWorkflow),
    on: "prod-cde-access-incident-operator",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-incident-operator": it grants access in the cardholder-data environment qp-prod-cde without approval. Fix: add a manual approval step',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "key administration granted without approval (the KMS project holds no cardholder label)",
    mutate: editResource("prod-kms-access-key-operator", (p) => delete entitlement(p).approvalWorkflow),
    on: "prod-kms-access-key-operator",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-kms-access-key-operator": it grants access in key project qp-prod-kms without approval. Fix: add a manual approval step',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "the platform's unapproved operator role widened to exports (copies the data out)",
    mutate: editResource("prod-platform-access-qairopayIncidentOperator", (p) =>
      (p.permissions as string[]).push("cloudsql.instances.export"),
    ),
    on: "prod-platform-access-incident-operator",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-platform-access-incident-operator": it grants projects/qp-prod-platform/roles/qairopayIncidentOperator (with cloudsql.instances.export: beyond operating) without approval. Fix: add a manual approval step',
  },
  {
    policy: "pam-entitlement-hardening",
    title:
      "the platform's unapproved operator given pods/exec (container.developer: act as the ledger's identity)",
    mutate: editResource("prod-platform-access-incident-operator", (p) =>
      entitlement(p).privilegedAccess.gcpIamAccess.roleBindings.push({ role: "roles/container.developer" }),
    ),
    on: "prod-platform-access-incident-operator",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-platform-access-incident-operator": it grants roles/container.developer (a role whose permissions go beyond operating, or unknown) without approval. Fix: add a manual approval step',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "reading the platform's data granted without approval",
    mutate: editResource("prod-platform-access-data-access", (p) => delete entitlement(p).approvalWorkflow),
    on: "prod-platform-access-data-access",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-platform-access-data-access": it grants roles/cloudsql.client (a role whose permissions go beyond operating, or unknown) without approval. Fix: add a manual approval step',
  },
  {
    policy: "pam-entitlement-hardening",
    title:
      "backup restores given Cloud SQL admin again (patch card-vault to the Data API, a superuser of one's own)",
    mutate: editResource("prod-cde-access-backup-restore", (p) =>
      entitlement(p).privilegedAccess.gcpIamAccess.roleBindings.push({ role: "roles/cloudsql.admin" }),
    ),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": it grants roles/cloudsql.admin, which administers keys, Cloud SQL or IAM without limit. Fix: grant the narrow custom roles of components/privilegedAccess.ts (ENTITLEMENT_CUSTOM_ROLES)',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "the key operator given Cloud KMS admin again (keyRings.setIamPolicy)",
    mutate: editResource(
      "prod-kms-access-key-operator",
      (p) => (entitlement(p).privilegedAccess.gcpIamAccess.roleBindings = [{ role: "roles/cloudkms.admin" }]),
    ),
    on: "prod-kms-access-key-operator",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-kms-access-key-operator": it grants roles/cloudkms.admin, which administers keys, Cloud SQL or IAM without limit. Fix: grant the narrow custom roles of components/privilegedAccess.ts (ENTITLEMENT_CUSTOM_ROLES)',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "the key operator's role widened to key-ring IAM (a lasting self-grant of decrypt)",
    mutate: editResource("prod-kms-access-qairopayKeyOperator", (p) =>
      (p.permissions as string[]).push("cloudkms.keyRings.setIamPolicy"),
    ),
    on: "prod-kms-access-key-operator",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-kms-access-key-operator": its role projects/qp-prod-kms/roles/qairopayKeyOperator holds cloudkms.keyRings.setIamPolicy: a grant that outlasts the grant, or foreign key material. Fix: remove them from the custom role',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "restores allowed on every instance of the cde (the scratch-name condition removed)",
    mutate: editResource("prod-cde-access-backup-restore", (p) => {
      for (const b of entitlement(p).privilegedAccess.gcpIamAccess.roleBindings) delete b.conditionExpression;
    }),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": its role projects/qp-prod-cde/roles/qairopaySqlRestore holds cloudsql.instances.delete, cloudsql.instances.import, cloudsql.instances.restoreBackup on every instance, primaries included. Fix: bind the role with a condition on the scratch instances\' names (resource.name.startsWith("projects/<project>/instances/<env>-<cluster>-restore-"))',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "restores allowed on every instance but the scratch ones (the scratch-name condition negated)",
    mutate: editResource("prod-cde-access-backup-restore", (p) => {
      for (const b of entitlement(p).privilegedAccess.gcpIamAccess.roleBindings)
        if (b.conditionExpression?.includes("-restore-")) b.conditionExpression = `!${b.conditionExpression}`;
    }),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": its role projects/qp-prod-cde/roles/qairopaySqlRestore holds cloudsql.instances.delete, cloudsql.instances.import, cloudsql.instances.restoreBackup on every instance, primaries included. Fix: bind the role with a condition on the scratch instances\' names (resource.name.startsWith("projects/<project>/instances/<env>-<cluster>-restore-"))',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "the Data API verification widened to every instance by a prefix that stops at /instances/",
    mutate: editResource("prod-platform-access-backup-restore", (p) => {
      for (const b of entitlement(p).privilegedAccess.gcpIamAccess.roleBindings)
        if (b.role.endsWith("qairopaySqlRestoreVerify"))
          b.conditionExpression = 'resource.name.startsWith("projects/qp-prod-platform/instances/")';
    }),
    on: "prod-platform-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-platform-access-backup-restore": its role projects/qp-prod-platform/roles/qairopaySqlRestoreVerify holds cloudsql.instances.executeSql, cloudsql.users.create on every instance, primaries included. Fix: bind the role with a condition on the scratch instances\' names (resource.name.startsWith("projects/<project>/instances/<env>-<cluster>-restore-"))',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "the Data API verification widened from the scratch instances to the whole project",
    mutate: editResource("prod-platform-access-backup-restore", (p) => {
      for (const b of entitlement(p).privilegedAccess.gcpIamAccess.roleBindings)
        if (b.role.endsWith("qairopaySqlRestoreVerify"))
          b.conditionExpression = 'resource.name.startsWith("projects/qp-prod-platform/")';
    }),
    on: "prod-platform-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-platform-access-backup-restore": its role projects/qp-prod-platform/roles/qairopaySqlRestoreVerify holds cloudsql.instances.executeSql, cloudsql.users.create on every instance, primaries included. Fix: bind the role with a condition on the scratch instances\' names (resource.name.startsWith("projects/<project>/instances/<env>-<cluster>-restore-"))',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "requesters approving their own grants",
    mutate: editResource("prod-cde-access-data-access", (p) => {
      const steps = entitlement(p).approvalWorkflow?.manualApprovals.steps ?? [];
      steps[0].approvers.principals = ["group:sre-oncall@qairopay.com"];
    }),
    on: "prod-cde-access-data-access",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-data-access": its requesters group:sre-oncall@qairopay.com also approve it. Fix: name a different group of approvers',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "cde approvals without a justification",
    mutate: editResource("prod-cde-access-backup-restore", (p) => {
      const approvals = entitlement(p).approvalWorkflow?.manualApprovals;
      if (approvals) approvals.requireApproverJustification = false;
    }),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": its approvers need give no justification. Fix: set requireApproverJustification: true',
  },
  {
    policy: "iam-privileged-roles-not-standing",
    title: "the on-call group holding Cloud SQL admin standing",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "oncall-sql-admin",
      inputs: {
        project: "qp-prod-cde",
        role: "roles/cloudsql.admin",
        member: "group:sre-oncall@qairopay.com",
      },
    }),
    on: "oncall-sql-admin",
    message:
      '[IAM-07] gcp:projects/iAMMember:IAMMember "oncall-sql-admin": group:sre-oncall@qairopay.com holds roles/cloudsql.admin standing. Fix: remove it and request the role just in time through an entitlement',
  },
  {
    policy: "iam-privileged-roles-not-standing",
    title: "a person holding an entitled role standing, beside the entitlement",
    mutate: addResource({
      type: "gcp:projects/iAMBinding:IAMBinding",
      name: "iam-admins",
      inputs: {
        project: "qp-prod-kms",
        role: "roles/resourcemanager.projectIamAdmin",
        members: ["user:alice@qairopay.com"],
      },
    }),
    on: "iam-admins",
    message:
      '[IAM-07] gcp:projects/iAMBinding:IAMBinding "iam-admins": user:alice@qairopay.com holds roles/resourcemanager.projectIamAdmin standing. Fix: remove it and request the role just in time through an entitlement',
  },
  {
    policy: "iam-privileged-roles-not-standing",
    title:
      "a folder's Google agent (service-folder-N@gcp-sa-logging) given IAM admin: named as an agent the packs cannot place",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "folder-agent-admin",
      inputs: {
        project: "qp-prod-kms",
        role: "roles/resourcemanager.projectIamAdmin",
        member: "serviceAccount:service-folder-123456789012@gcp-sa-logging.iam.gserviceaccount.com",
      },
    }),
    on: "folder-agent-admin",
    message:
      '[IAM-07] gcp:projects/iAMMember:IAMMember "folder-agent-admin": serviceAccount:service-folder-123456789012@gcp-sa-logging.iam.gserviceaccount.com holds roles/resourcemanager.projectIamAdmin: a Google service agent of gcp-sa-logging.iam.gserviceaccount.com the packs cannot place in a project of the stack (a folder\'s agent, or a domain facts/google/serviceAgents.ts lacks). Fix: if its domain is missing, add it to facts/google/serviceAgents.ts with its source (https://cloud.google.com/iam/docs/service-agents); otherwise remove the grant',
  },
  {
    policy: "iam-privileged-roles-not-standing",
    title:
      "another project's Google APIs Service Agent (N@cloudservices) given IAM admin: placed by its number",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "foreign-cloudservices-admin",
      inputs: {
        project: "qp-prod-kms",
        role: "roles/resourcemanager.projectIamAdmin",
        member: "serviceAccount:999999999999@cloudservices.gserviceaccount.com",
      },
    }),
    on: "foreign-cloudservices-admin",
    message:
      '[IAM-07] gcp:projects/iAMMember:IAMMember "foreign-cloudservices-admin": serviceAccount:999999999999@cloudservices.gserviceaccount.com holds roles/resourcemanager.projectIamAdmin: an identity of project number 999999999999, which no perimeter of the stack surrounds. Fix: remove the grant; run automation as a service account of the stack\'s own projects',
  },
  {
    policy: "iam-entitled-roles-not-authoritative",
    title: "an authoritative binding of an entitled role",
    mutate: addResource({
      type: "gcp:projects/iAMBinding:IAMBinding",
      name: "sql-clients",
      inputs: {
        project: "qp-prod-platform",
        role: "roles/cloudsql.client",
        members: ["serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com"],
      },
    }),
    on: "sql-clients",
    message:
      '[IAM-07] gcp:projects/iAMBinding:IAMBinding "sql-clients": it manages every member of roles/cloudsql.client, which an entitlement grants, in project qp-prod-platform. Fix: use gcp.projects.IAMMember for the members the stack grants',
  },
  {
    policy: "iam-entitled-roles-not-authoritative",
    title: "a project's whole IAM policy managed by the stack",
    mutate: addResource({
      type: "gcp:projects/iAMPolicy:IAMPolicy",
      name: "cde-policy",
      inputs: { project: "qp-prod-cde", policyData: "{}" },
    }),
    on: "cde-policy",
    message:
      '[IAM-07] gcp:projects/iAMPolicy:IAMPolicy "cde-policy": it replaces the whole IAM policy of project qp-prod-cde, where Privileged Access Manager adds grants. Fix: manage individual members with gcp.projects.IAMMember',
  },
  {
    policy: "iam-policy-data-readable",
    title: "a key ring's whole IAM policy whose bindings the packs cannot read",
    mutate: addResource({
      type: "gcp:kms/keyRingIAMPolicy:KeyRingIAMPolicy",
      name: "ring-policy",
      inputs: {
        keyRingId: "projects/qp-prod-kms/locations/us-central1/keyRings/cardholder",
        policyData: JSON.stringify({
          bindings: { role: "roles/cloudkms.admin", members: ["user:mallory@qairopay.com"] },
        }),
      },
    }),
    on: "ring-policy",
    message:
      '[IAM-07, IAM-02] gcp:kms/keyRingIAMPolicy:KeyRingIAMPolicy "ring-policy": policyData\'s bindings is not a list: a policy the packs cannot read is not judged. Fix: write policyData as the JSON of {"bindings": [{"role": ..., "members": [...]}]}, or grant per member with the IamMember type',
  },
  {
    policy: "iam-policy-data-readable",
    title: "a key ring's whole IAM policy whose bindings are unknown at preview",
    mutate: addResource({
      type: "gcp:kms/keyRingIAMPolicy:KeyRingIAMPolicy",
      name: "ring-policy",
      inputs: {
        keyRingId: "projects/qp-prod-kms/locations/us-central1/keyRings/cardholder",
        // @pulumi/policy's unknown sentinel (proxy.js unknownStringValue): a value preview cannot know.
        policyData: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      },
    }),
    on: "ring-policy",
    message:
      '[IAM-07, IAM-02] gcp:kms/keyRingIAMPolicy:KeyRingIAMPolicy "ring-policy": policyData is unknown at preview: its grants would be judged only at the end of `up`, once applied (the grant checks judge the whole stack). Fix: write the bindings in the change (literal JSON or gcp.organizations.getIAMPolicy of literal bindings), or grant per member with the IamMember type',
  },
  {
    policy: "iam-policy-data-readable",
    title: "a project's whole IAM policy carrying audit configs that exempt a member",
    mutate: addResource({
      type: "gcp:projects/iAMPolicy:IAMPolicy",
      name: "cde-audit-policy",
      inputs: {
        project: "qp-prod-cde",
        policyData: JSON.stringify({
          bindings: [],
          auditConfigs: [
            {
              service: "allServices",
              auditLogConfigs: [
                {
                  logType: "DATA_READ",
                  exemptedMembers: ["serviceAccount:card-vault-workload@qp-prod-cde.iam.gserviceaccount.com"],
                },
              ],
            },
          ],
        }),
      },
    }),
    on: "cde-audit-policy",
    message:
      '[IAM-07, IAM-02] gcp:projects/iAMPolicy:IAMPolicy "cde-audit-policy": policyData carries auditConfigs: an authoritative policy replaces the audit logging the stack declares, and no audit policy reads what it sets (exemptions included). Fix: declare audit logging with the IAMAuditConfig types (components/dataAccessAudit.ts), never inside an IAM policy',
  },
  {
    policy: "monitoring-privileged-access-alerts",
    title: "grants in one API version left unalerted",
    mutate: editResource("prod-logging-alerts-privileged-access-grant", (p) => {
      p.filter = String(p.filter).replace(
        / OR protoPayload\.methodName="google\.cloud\.privilegedaccessmanager\.v1beta\.[^"]+"/g,
        "",
      );
    }),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches every grant method (google.cloud.privilegedaccessmanager.v1.PrivilegedAccessManager.CreateGrant, google.cloud.privilegedaccessmanager.v1.PrivilegedAccessManager.ApproveGrant, google.cloud.privilegedaccessmanager.v1alpha.PrivilegedAccessManager.CreateGrant, google.cloud.privilegedaccessmanager.v1alpha.PrivilegedAccessManager.ApproveGrant, google.cloud.privilegedaccessmanager.v1beta.PrivilegedAccessManager.CreateGrant, google.cloud.privilegedaccessmanager.v1beta.PrivilegedAccessManager.ApproveGrant, PAMActivateGrant). Fix: alert on protoPayload.methodName of each, with no exclusion',
  },
  {
    policy: "monitoring-privileged-access-alerts",
    title: "grant activations excluded from the alert",
    mutate: editResource(
      "prod-logging-alerts-privileged-access-grant",
      (p) => (p.filter = `${String(p.filter)} AND NOT protoPayload.methodName="PAMActivateGrant"`),
    ),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches every grant method (google.cloud.privilegedaccessmanager.v1.PrivilegedAccessManager.CreateGrant, google.cloud.privilegedaccessmanager.v1.PrivilegedAccessManager.ApproveGrant, google.cloud.privilegedaccessmanager.v1alpha.PrivilegedAccessManager.CreateGrant, google.cloud.privilegedaccessmanager.v1alpha.PrivilegedAccessManager.ApproveGrant, google.cloud.privilegedaccessmanager.v1beta.PrivilegedAccessManager.CreateGrant, google.cloud.privilegedaccessmanager.v1beta.PrivilegedAccessManager.ApproveGrant, PAMActivateGrant). Fix: alert on protoPayload.methodName of each, with no exclusion',
  },
  {
    policy: "monitoring-privileged-access-alerts",
    title: "the grant alert counting the logging project's own logs only",
    mutate: editResource("prod-logging-alerts-privileged-access-grant", (p) => delete p.bucketName),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches every grant method (google.cloud.privilegedaccessmanager.v1.PrivilegedAccessManager.CreateGrant, google.cloud.privilegedaccessmanager.v1.PrivilegedAccessManager.ApproveGrant, google.cloud.privilegedaccessmanager.v1alpha.PrivilegedAccessManager.CreateGrant, google.cloud.privilegedaccessmanager.v1alpha.PrivilegedAccessManager.ApproveGrant, google.cloud.privilegedaccessmanager.v1beta.PrivilegedAccessManager.CreateGrant, google.cloud.privilegedaccessmanager.v1beta.PrivilegedAccessManager.ApproveGrant, PAMActivateGrant). Fix: alert on protoPayload.methodName of each, with no exclusion',
  },
  {
    policy: "monitoring-privileged-access-alerts",
    title: "break-glass impersonation left unalerted",
    mutate: editResource("prod-logging-alerts-break-glass-activity", (p) => {
      p.filter = String(p.filter).split(" OR (")[0];
    }),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches the break-glass accounts\' actions, their own and through impersonation. Fix: alert on protoPayload.authenticationInfo.principalEmail= and protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail= of each break-glass account, a plain OR of those terms, watched by an enabled alert policy that fires above zero, with a notification channel the stack declares and keeps enabled',
  },
  {
    policy: "monitoring-privileged-access-alerts",
    title: "the break-glass alert removed",
    mutate: removeResource("prod-logging-alerts-break-glass-activity-alert"),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches the break-glass accounts\' actions, their own and through impersonation. Fix: alert on protoPayload.authenticationInfo.principalEmail= and protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail= of each break-glass account, a plain OR of those terms, watched by an enabled alert policy that fires above zero, with a notification channel the stack declares and keeps enabled',
  },
  {
    policy: "monitoring-privileged-access-alerts",
    title: "the KMS IAM alert narrowed to the audit log's key (a key ring's grant goes unseen)",
    mutate: editResource(
      "prod-logging-alerts-kms-iam-change",
      (p) => (p.filter = `${String(p.filter)} AND protoPayload.resourceName:"cryptoKeys/audit-log"`),
    ),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches an IAM change of any key or key ring in the KMS project. Fix: keep the alerts of components/lib/privilegedAccessFilters.ts privilegedChangeFilters, unnarrowed',
  },
  {
    policy: "monitoring-privileged-access-alerts",
    title: "the backup bucket IAM alert removed",
    mutate: removeResource("prod-logging-alerts-backup-bucket-iam-change-alert"),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches an IAM change of any backup bucket. Fix: keep the alerts of components/lib/privilegedAccessFilters.ts privilegedChangeFilters, unnarrowed',
  },
  {
    policy: "monitoring-privileged-access-alerts",
    title: "database users left out of the cde's Cloud SQL alert (a superuser of one's own, unalerted)",
    mutate: editResource("prod-logging-alerts-cde-database-access-change", (p) => {
      p.filter = String(p.filter).replace("users\\.(create|update)|", "");
    }),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches a database user created or changed, or an instance updated, in the cde. Fix: keep the alerts of components/lib/privilegedAccessFilters.ts privilegedChangeFilters, unnarrowed',
  },
  // The restore needs to read an export and let a scratch instance read it, nothing more: no
  // storage.admin (delete or overwrite exports, change retention), and the bucket-IAM role on the
  // backup buckets only (attacker review).
  {
    policy: "pam-entitlement-hardening",
    title:
      "backup restores given roles/storage.admin on the backup buckets again (delete, overwrite, retention)",
    mutate: editResource("prod-cde-access-backup-restore", (p) =>
      entitlement(p).privilegedAccess.gcpIamAccess.roleBindings.push({
        role: "roles/storage.admin",
        conditionExpression: 'resource.name.startsWith("projects/_/buckets/qp-prod-cde-card-vault-backup-")',
      }),
    ),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": it grants roles/storage.admin, which deletes, overwrites or administers what the buckets keep (the backup exports among them). Fix: grant roles/storage.objectViewer and, for the restore\'s read grant, the custom role qairopayBackupBucketGrant on the backup buckets (components/privilegedAccess.ts)',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "the restore's bucket-IAM role bound without its backup-bucket condition (every bucket's IAM)",
    mutate: editResource("prod-cde-access-backup-restore", (p) => {
      for (const b of entitlement(p).privilegedAccess.gcpIamAccess.roleBindings)
        if (String(b.role).endsWith("/qairopayBackupBucketGrant")) delete b.conditionExpression;
    }),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": its role projects/qp-prod-cde/roles/qairopayBackupBucketGrant holds storage.buckets.setIamPolicy: a grant that outlasts the grant, or foreign key material. Fix: remove them from the custom role',
  },
  {
    policy: "pam-entitlement-hardening",
    title: "the restore's bucket-IAM role's condition widened to every bucket of the project's naming",
    mutate: editResource("prod-cde-access-backup-restore", (p) => {
      for (const b of entitlement(p).privilegedAccess.gcpIamAccess.roleBindings)
        if (String(b.role).endsWith("/qairopayBackupBucketGrant"))
          b.conditionExpression = 'resource.name.startsWith("projects/_/buckets/qp-prod-cde-")';
    }),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": its role projects/qp-prod-cde/roles/qairopayBackupBucketGrant holds storage.buckets.setIamPolicy: a grant that outlasts the grant, or foreign key material. Fix: remove them from the custom role',
  },
];
