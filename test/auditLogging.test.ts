import { mockProjectNumber } from "../engine/gcpMocks";
import { OfflineRun, runOffline } from "../engine/run";
import { loadStack } from "../engine/stackFile";
import { auditSinkFilter, crossTenantFilter } from "../components/lib/logFilters";
import { AUDIT_TRAIL_DENIED } from "../components/auditTrailGuard";
import { DENIED_ADMIN_PERMISSIONS, DENIED_PERMISSIONS } from "../components/loggingIsolation";
import { named, ofType, planStack, sorted, withSecret } from "./helpers/plan";

let prod: OfflineRun;
let staging: OfflineRun;
beforeAll(async () => {
  prod = await planStack("prod");
  staging = await planStack("staging");
});

const SINK = "gcp:logging/projectSink:ProjectSink";
const IAM = "gcp:projects/iAMMember:IAMMember";
const loggingAgent = (project: string) =>
  `serviceAccount:service-${mockProjectNumber(project)}@gcp-sa-logging.iam.gserviceaccount.com`;
const writerCondition = {
  title: "only-audit-log",
  description: "Write only to the audit-log log bucket.",
  expression: 'resource.name.endsWith("locations/us-central1/buckets/audit-log")',
};

describe("audit-log bucket", () => {
  test("locked, CMEK-encrypted with the audit key of its region, 400 days, protected and retained", () => {
    const bucket = named(prod, "prod-audit-log-bucket");
    expect(bucket.inputs).toMatchObject({
      project: "qp-prod-logging",
      location: "us-central1",
      bucketId: "audit-log",
      retentionDays: 400,
      locked: true,
      cmekSettings: {
        kmsKeyName: "projects/qp-prod-kms/locations/us-central1/keyRings/audit/cryptoKeys/audit-log",
      },
    });
    expect([bucket.protect, bucket.retainOnDelete]).toEqual([true, true]);
    expect(bucket.dependencies).toContain(named(prod, "prod-keys-us-central1-audit-log-logging-logging").urn);
  });

  test("retention below 365 days is refused", async () => {
    await expect(planStack("prod", { auditLogRetentionDays: 180 })).rejects.toThrow(
      "qairopay-platform:auditLogRetentionDays = 180: must be between 365 and 3650",
    );
  });
});

describe("routing, per-project shape (prod)", () => {
  test("a sink in every platform project, unique writers, filter covering all audit streams, KMS and the application log", () => {
    expect(
      sorted(
        ofType(prod, SINK).map((s) => [
          s.inputs.project,
          s.inputs.name,
          s.inputs.destination,
          s.inputs.uniqueWriterIdentity,
          s.inputs.filter,
        ]),
      ),
    ).toEqual(
      sorted(
        ["qp-prod-platform", "qp-prod-cde", "qp-prod-kms", "qp-prod-logging"].map((p) => [
          p,
          "qairopay-audit-log",
          "logging.googleapis.com/projects/qp-prod-logging/locations/us-central1/buckets/audit-log",
          true,
          auditSinkFilter(),
        ]),
      ),
    );
    expect(auditSinkFilter()).toBe(
      'logName:"/logs/cloudaudit.googleapis.com%2Factivity" OR logName:"/logs/cloudaudit.googleapis.com%2Fdata_access" OR ' +
        'logName:"/logs/cloudaudit.googleapis.com%2Fsystem_event" OR logName:"/logs/cloudaudit.googleapis.com%2Fpolicy" OR ' +
        'protoPayload.serviceName="cloudkms.googleapis.com" OR logName:"/logs/qairopay-audit"',
    );
  });

  test("each cross-project writer may write to the audit bucket only", () => {
    const writers = ofType(prod, IAM).filter((g) => g.inputs.role === "roles/logging.bucketWriter");
    expect(sorted(writers.map((w) => [w.inputs.project, w.inputs.member, w.inputs.condition]))).toEqual(
      sorted(
        ["qp-prod-platform", "qp-prod-cde", "qp-prod-kms"].map((p) => [
          "qp-prod-logging",
          loggingAgent(p),
          writerCondition,
        ]),
      ),
    );
  });

  test("only sink writers, the auditors and the project's own Pub/Sub agent hold roles in the logging project", () => {
    const grants = ofType(prod, IAM).filter((g) => g.inputs.project === "qp-prod-logging");
    expect(sorted(grants.map((g) => [g.inputs.role, g.inputs.member]))).toEqual(
      sorted([
        ...["qp-prod-platform", "qp-prod-cde", "qp-prod-kms"].map((p) => [
          "roles/logging.bucketWriter",
          loggingAgent(p),
        ]),
        ["roles/logging.viewAccessor", "group:audit-readers@qairopay.com"],
        // The findings topic's agent (DET-02), created by the stack, gets the role Google would grant.
        [
          "roles/pubsub.serviceAgent",
          `serviceAccount:service-${mockProjectNumber("qp-prod-logging")}@gcp-sa-pubsub.iam.gserviceaccount.com`,
        ],
      ]),
    );
  });

  test("the auditors read the audit bucket's view only, not the logging project's other logs", () => {
    expect(named(prod, "prod-logging-isolation-auditors-viewAccessor").inputs.condition).toEqual({
      title: "only-audit-log-view",
      description: "Read only the audit-log log bucket, through its _AllLogs view.",
      expression:
        'resource.name == "projects/qp-prod-logging/locations/us-central1/buckets/audit-log/views/_AllLogs"',
    });
  });

  test("the deny policy: administration by the deployer and break-glass only, direct log writes by the sink writers only", () => {
    const deny = named(prod, "prod-logging-isolation-deny");
    expect(deny.inputs.parent).toBe("cloudresourcemanager.googleapis.com%2Fprojects%2Fqp-prod-logging");
    const [admin, write] = (deny.inputs.rules as { denyRule: Record<string, string[]> }[]).map(
      (r) => r.denyRule,
    );
    expect(admin.deniedPrincipals).toEqual(["principalSet://goog/public:all"]);
    expect(admin.deniedPermissions).toEqual(DENIED_ADMIN_PERMISSIONS);
    expect(admin.exceptionPrincipals).toEqual([
      "principal://iam.googleapis.com/projects/-/serviceAccounts/prod-deployer@qp-platform-ci.iam.gserviceaccount.com",
      // The break-glass accounts by name, as the break-glass alert names them; never their group.
      "principal://goog/subject/break-glass-1@qairopay.com",
      "principal://goog/subject/break-glass-2@qairopay.com",
    ]);
    expect(write.deniedPrincipals).toEqual(["principalSet://goog/public:all"]);
    expect(write.deniedPermissions).toEqual(["logging.googleapis.com/logEntries.create"]);
    expect([...DENIED_ADMIN_PERMISSIONS, ...write.deniedPermissions]).toEqual(DENIED_PERMISSIONS);
    expect(sorted(write.exceptionPrincipals)).toEqual(
      sorted([
        ...["qp-prod-platform", "qp-prod-cde", "qp-prod-kms"].map(
          (p) =>
            `principal://iam.googleapis.com/projects/-/serviceAccounts/service-${mockProjectNumber(p)}@gcp-sa-logging.iam.gserviceaccount.com`,
        ),
      ]),
    );
    expect(deny.protect).toBe(true);
  });

  test("Data Access audit logs for all services in every platform project", () => {
    expect(
      sorted(
        ofType(prod, "gcp:projects/iAMAuditConfig:IAMAuditConfig").map((c) => [
          c.inputs.project,
          c.inputs.service,
          c.inputs.auditLogConfigs,
        ]),
      ),
    ).toEqual(
      sorted(
        ["qp-prod-platform", "qp-prod-cde", "qp-prod-kms", "qp-prod-logging"].map((p) => [
          p,
          "allServices",
          [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }],
        ]),
      ),
    );
  });
});

describe("routing, aggregated shape (staging, folder configured)", () => {
  test("one folder sink including children replaces the per-project sinks", () => {
    expect(ofType(staging, SINK)).toEqual([]);
    const sink = named(staging, "staging-audit-log-folder");
    expect(sink.inputs).toMatchObject({
      folder: "538201947712",
      includeChildren: true,
      filter: auditSinkFilter(),
      destination:
        "logging.googleapis.com/projects/qp-stg-logging-c749/locations/us-central1/buckets/audit-log",
    });
    const writer = named(staging, "staging-audit-log-folder-writer");
    expect(writer.inputs).toEqual({
      project: "qp-stg-logging-c749",
      role: "roles/logging.bucketWriter",
      member: "serviceAccount:service-folder-538201947712@gcp-sa-logging.iam.gserviceaccount.com",
      condition: writerCondition,
    });
    const rule = (
      named(staging, "staging-logging-isolation-deny").inputs.rules as {
        denyRule: Record<string, string[]>;
      }[]
    )[1].denyRule;
    expect(rule.exceptionPrincipals).toEqual([
      "principal://iam.googleapis.com/projects/-/serviceAccounts/service-folder-538201947712@gcp-sa-logging.iam.gserviceaccount.com",
    ]);
  });
});

describe("routing, aggregated shape (organisation configured)", () => {
  test("one organisation sink including children, its writer conditioned on the bucket", async () => {
    const org = await planStack("staging", { folderId: "", organizationId: "123456789012" });
    expect(ofType(org, SINK)).toEqual([]);
    expect(named(org, "staging-audit-log-organization").inputs).toMatchObject({
      orgId: "123456789012",
      includeChildren: true,
      filter: auditSinkFilter(),
      destination:
        "logging.googleapis.com/projects/qp-stg-logging-c749/locations/us-central1/buckets/audit-log",
    });
    expect(named(org, "staging-audit-log-organization-writer").inputs).toEqual({
      project: "qp-stg-logging-c749",
      role: "roles/logging.bucketWriter",
      member: "serviceAccount:service-org-123456789012@gcp-sa-logging.iam.gserviceaccount.com",
      condition: writerCondition,
    });
  });
});

describe("the audit trail outside the logging project", () => {
  const DEPLOYER =
    "principal://iam.googleapis.com/projects/-/serviceAccounts/prod-deployer@qp-platform-ci.iam.gserviceaccount.com";
  // The accounts the break-glass alert names, by name: a group's members would be exempt unalerted.
  const BREAK_GLASS = [
    "principal://goog/subject/break-glass-1@qairopay.com",
    "principal://goog/subject/break-glass-2@qairopay.com",
  ];
  const expectedRules = [
    AUDIT_TRAIL_DENIED.routing,
    AUDIT_TRAIL_DENIED.auditConfig,
    AUDIT_TRAIL_DENIED.auditKey,
  ];

  // Privileged Access Manager's agent grants the entitlements of platform, cde and kms by
  // setIamPolicy (IAM-07): excepted from that rule there, never in the logging project.
  const PAM_AGENT =
    "principal://iam.googleapis.com/projects/-/serviceAccounts/service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com";

  test("prod: a deny policy on each of its four projects, everyone denied but the deployer and break-glass (and PAM's agent on setIamPolicy where there are entitlements)", () => {
    const denies = ofType(prod, "gcp:iam/denyPolicy:DenyPolicy").filter((d) =>
      d.name.startsWith("prod-audit-trail"),
    );
    expect(sorted(denies.map((d) => decodeURIComponent(String(d.inputs.parent))))).toEqual(
      sorted(
        ["platform", "cde", "kms", "logging"].map(
          (p) => `cloudresourcemanager.googleapis.com/projects/qp-prod-${p}`,
        ),
      ),
    );
    for (const deny of denies) {
      expect(deny.inputs.name).toBe("protect-audit-trail");
      expect(deny.protect).toBe(true);
      const rules = (deny.inputs.rules as { denyRule: Record<string, unknown> }[]).map((r) => r.denyRule);
      const entitled = !String(deny.inputs.parent).endsWith("qp-prod-logging");
      expect(rules).toEqual(
        expectedRules.map((permissions) => ({
          deniedPrincipals: ["principalSet://goog/public:all"],
          exceptionPrincipals: [
            DEPLOYER,
            ...BREAK_GLASS,
            ...(entitled && permissions === AUDIT_TRAIL_DENIED.auditConfig ? [PAM_AGENT] : []),
          ],
          deniedPermissions: [...permissions],
        })),
      );
    }
  });

  test("staging: one deny policy on the folder of the projects it creates, with staging's deployer", () => {
    const denies = ofType(staging, "gcp:iam/denyPolicy:DenyPolicy").filter((d) =>
      d.name.startsWith("staging-audit-trail"),
    );
    expect(denies.map((d) => [d.name, d.inputs.parent, d.protect])).toEqual([
      [
        "staging-audit-trail-guard-folder",
        "cloudresourcemanager.googleapis.com%2Ffolders%2F538201947712",
        false,
      ],
    ]);
    const rule = (denies[0].inputs.rules as { denyRule: Record<string, unknown> }[])[0].denyRule;
    expect(rule.exceptionPrincipals).toEqual([
      "principal://iam.googleapis.com/projects/-/serviceAccounts/staging-deployer@qp-platform-ci.iam.gserviceaccount.com",
      ...BREAK_GLASS,
    ]);
  });

  test("every project alerts from its own logs on sink, exclusion and audit-config changes; the KMS project on the audit key", () => {
    const metrics = ofType(prod, "gcp:logging/metric:Metric").filter((m) =>
      String(m.inputs.name).includes("/audit-"),
    );
    expect(
      sorted(metrics.map((m) => [m.inputs.project, m.inputs.name, m.inputs.bucketName ?? null])),
    ).toEqual(
      sorted([
        ...["platform", "cde", "kms", "logging"].flatMap((p) =>
          ["qairopay/audit-sink-change", "qairopay/audit-config-change"].map((n) => [
            `qp-prod-${p}`,
            n,
            null,
          ]),
        ),
        ["qp-prod-kms", "qairopay/audit-key-state-change", null],
        ["qp-prod-kms", "qairopay/audit-key-iam-change", null],
      ]),
    );
    expect(named(prod, "prod-kms-alerts-audit-key-state-change").inputs.filter).toBe(
      'protoPayload.serviceName="cloudkms.googleapis.com" AND ' +
        'protoPayload.resourceName:"projects/qp-prod-kms/locations/us-central1/keyRings/audit/cryptoKeys/audit-log" AND ' +
        '(protoPayload.methodName="DestroyCryptoKeyVersion" OR protoPayload.methodName="UpdateCryptoKeyVersion")',
    );
    expect(named(prod, "prod-card-vault-alerts-audit-config-change").inputs.filter).toBe(
      'protoPayload.methodName="SetIamPolicy" AND protoPayload.serviceData.policyDelta.auditConfigDeltas:*',
    );
  });
});

describe("alerting", () => {
  test("log-based metrics on the audit bucket with an alert policy each, notifying every channel", () => {
    const metrics = ofType(prod, "gcp:logging/metric:Metric").filter(
      (m) => m.inputs.project === "qp-prod-logging" && m.inputs.bucketName !== undefined,
    );
    expect(metrics.map((m) => m.inputs.name).sort()).toEqual([
      "qairopay/backup-bucket-iam-change",
      "qairopay/break-glass-activity",
      "qairopay/cde-database-access-change",
      "qairopay/cloudsql-failover",
      "qairopay/kms-iam-change",
      "qairopay/kms-key-disable-or-destroy",
      "qairopay/log-sink-or-bucket-change",
      "qairopay/logging-project-iam-change",
      "qairopay/privileged-access-grant",
    ]);
    expect(
      metrics.every(
        (m) => m.inputs.bucketName === "projects/qp-prod-logging/locations/us-central1/buckets/audit-log",
      ),
    ).toBe(true);
    const policy = named(prod, "prod-logging-alerts-kms-key-disable-or-destroy-alert");
    const condition = (policy.inputs.conditions as { conditionThreshold: Record<string, unknown> }[])[0]
      .conditionThreshold;
    expect(condition).toMatchObject({
      filter: 'metric.type="logging.googleapis.com/user/qairopay/kms-key-disable-or-destroy"',
      comparison: "COMPARISON_GT",
      thresholdValue: 0,
    });
    // The two e-mail channels; PagerDuty joins once its key is set (the next test).
    expect((policy.inputs.notificationChannels as string[]).length).toBe(2);
    // The privileged-access alerts point on-call to their own runbook (IAM-07).
    for (const id of [
      "privileged-access-grant",
      "break-glass-activity",
      "kms-iam-change",
      "backup-bucket-iam-change",
      "cde-database-access-change",
    ])
      expect(
        (named(prod, `prod-logging-alerts-${id}-alert`).inputs.documentation as { content: string }).content,
      ).toMatch(
        /\n\nRunbook: https:\/\/github\.com\/qairopay\/platform\/blob\/main\/docs\/privileged-access\.md$/,
      );
  });

  test("what could make a grant lasting or open card data is alerted, in the projects the stack deploys (IAM-07)", () => {
    expect(named(prod, "prod-logging-alerts-kms-iam-change").inputs.filter).toBe(
      'protoPayload.serviceName="cloudkms.googleapis.com" AND protoPayload.methodName="SetIamPolicy" AND protoPayload.resourceName:"projects/qp-prod-kms/"',
    );
    expect(named(prod, "prod-logging-alerts-cde-database-access-change").inputs.filter).toBe(
      'protoPayload.serviceName="cloudsql.googleapis.com" AND ' +
        'protoPayload.methodName=~"^cloudsql\\.(users\\.(create|update)|instances\\.(update|patch))$" AND ' +
        'resource.labels.project_id="qp-prod-cde"',
    );
  });

  test("a cross-tenant alert for every database instance, on the guard's pgaudit marker in its Data Access log", () => {
    const metric = named(prod, "prod-ledger-alerts-cross-tenant-prod-ledger-us-east1");
    expect(metric.inputs.filter).toBe(
      'resource.type="cloudsql_database" AND resource.labels.database_id="qp-prod-platform:prod-ledger-us-east1" AND ' +
        'logName="projects/qp-prod-platform/logs/cloudaudit.googleapis.com%2Fdata_access" AND ' +
        'protoPayload.request.@type="type.googleapis.com/google.cloud.sql.audit.v1.PgAuditEntry" AND ' +
        'protoPayload.request.auditClass="FUNCTION" AND protoPayload.request.statement:"qairopay_cross_tenant_denied"',
    );
    expect(metric.inputs.filter).toBe(crossTenantFilter("qp-prod-platform", "prod-ledger-us-east1"));
    const crossTenant = ofType(prod, "gcp:logging/metric:Metric").filter((m) =>
      String(m.inputs.name).includes("cross-tenant"),
    );
    expect(crossTenant.map((m) => m.inputs.name).sort()).toEqual([
      "qairopay/cross-tenant-prod-card-vault-us-central1",
      "qairopay/cross-tenant-prod-card-vault-us-east1",
      "qairopay/cross-tenant-prod-ledger-us-central1",
      "qairopay/cross-tenant-prod-ledger-us-east1",
    ]);
  });

  test("DR replica lag alerts cover both instances of each cluster, whichever is primary", () => {
    const lag = named(prod, "prod-ledger-alerts-prod-ledger");
    const condition = (lag.inputs.conditions as { conditionThreshold: Record<string, unknown> }[])[0]
      .conditionThreshold;
    expect(condition.filter).toBe(
      'metric.type="cloudsql.googleapis.com/database/replication/replica_lag" AND resource.type="cloudsql_database" AND ' +
        'resource.labels.database_id=one_of("qp-prod-platform:prod-ledger-us-central1","qp-prod-platform:prod-ledger-us-east1")',
    );
    expect(condition.thresholdValue).toBe(60);
  });

  test("the PagerDuty key, set by the operator as a secret, stays a secret; without it there is no paging channel", async () => {
    // The committed stack files hold no secret: the operator sets it through the stack's secrets
    // provider (docs/operations.md), which the offline run sees as a secure key.
    const withKey = await runOffline(withSecret(loadStack("prod"), "pagerDutyServiceKey", "pd-key-1"));
    const pagerduty = named(withKey, "prod-logging-alerts-pagerduty");
    expect(pagerduty.inputs.sensitiveLabels).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: { serviceKey: "pd-key-1" },
    });
    const policy = named(withKey, "prod-logging-alerts-kms-key-disable-or-destroy-alert");
    expect((policy.inputs.notificationChannels as string[]).length).toBe(3);
    expect(prod.resources.filter((r) => r.name.endsWith("-pagerduty"))).toEqual([]);
  });

  test("a PagerDuty key in plaintext is refused before anything registers, in the CLI's words", async () => {
    await expect(planStack("prod", { pagerDutyServiceKey: "pd-key-1" })).rejects.toThrow(
      "qairopay-platform:pagerDutyServiceKey: must be encrypted as it's secret: remove it from the stack file and set it with `pulumi config set --secret pagerDutyServiceKey <value>`",
    );
  });
});
