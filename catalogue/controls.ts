/**
 * The control catalogue (shared/controls.md): every promise of the security pages that
 * infrastructure can keep, with the code that implements it. M and A controls are enforced by
 * policies (found through their `tags`); T controls are proven by the tests and tools named here.
 * tools/genControlsDoc.ts turns this, the policies and the test cases into docs/controls.md.
 */
export type ControlKind = "M" | "A" | "T";

export interface Control {
  id: string;
  kind: ControlKind;
  text: string;
  implementedBy: string[];
  /** T controls: the tests or tools that prove them (paths in the repository). */
  provenBy?: string[];
  /**
   * Set on a control the project added to the catalogue of shared/controls.md (its IDs are all
   * here too): why the project holds itself to it.
   */
  projectAddition?: string;
}

export interface OutOfScope {
  promise: string;
  reason: string;
}

export const CONTROLS: Control[] = [
  {
    id: "ENC-01",
    kind: "M",
    text: "Every data store is encrypted with a customer-managed key (CMEK) from the platform's own KMS.",
    implementedBy: [
      "components/keyHierarchy.ts",
      "components/postgresCluster.ts",
      "components/redisCache.ts",
      "components/gkeCluster.ts",
      "components/auditLog.ts",
    ],
  },
  {
    id: "ENC-02",
    kind: "M",
    text: "A CMEK key lives in the same location as the resource it protects.",
    implementedBy: ["platform/build.ts", "components/keyHierarchy.ts"],
  },
  {
    id: "ENC-03",
    kind: "M",
    text: "Separate tenant and cardholder key hierarchies; cardholder keys are HSM-protected and usable only inside the cardholder-data environment.",
    implementedBy: ["catalogue/keys.ts", "components/keyHierarchy.ts", "components/workloadAccounts.ts"],
  },
  {
    id: "ENC-04",
    kind: "M",
    text: "Every symmetric key rotates automatically at most every 90 days.",
    implementedBy: ["catalogue/keys.ts", "components/keyHierarchy.ts"],
  },
  {
    id: "ENC-05",
    kind: "M",
    text: "Key material is never destroyed by a deployment: protected, retained on delete, destruction no sooner than 30 days.",
    implementedBy: ["components/keyHierarchy.ts"],
  },
  {
    id: "ENC-06",
    kind: "T",
    text: "Emergency rotation of every tenant key, in every region, completes in under 15 minutes within Cloud KMS quotas.",
    implementedBy: [
      "components/kmsWriteQuota.ts",
      "tools/rotateTenantKeys.ts",
      "tools/keyRotation/rotateTenantKeys.ts",
    ],
    provenBy: ["test/keyRotation.test.ts", "tools/benchKeyRotation.ts"],
  },
  {
    id: "ENC-07",
    kind: "M",
    text: "Cloud SQL accepts only encrypted connections; Memorystore uses TLS; the public entry point is HTTPS-only with TLS 1.2+.",
    implementedBy: [
      "components/postgresCluster.ts",
      "components/redisCache.ts",
      "components/gatewayEdge.ts",
      "components/multiClusterGateway.ts",
    ],
  },
  {
    id: "ENC-08",
    kind: "M",
    text: "Each Google service agent gets cryptoKeyEncrypterDecrypter on exactly the keys its service uses, never project-wide.",
    implementedBy: ["catalogue/keys.ts", "components/serviceAgents.ts", "components/keyHierarchy.ts"],
  },
  {
    id: "ENC-09",
    kind: "M",
    text: "Secrets the platform creates or passes live in Secret Manager, replicated only to the serving regions, each replica under its region's CMEK; no secret value in stack outputs.",
    implementedBy: ["components/platformSecrets.ts", "platform/domains/secrets.ts", "platform/build.ts"],
  },
  {
    id: "IAM-01",
    kind: "M",
    text: "No basic roles (owner, editor, viewer) in platform projects.",
    implementedBy: ["platform/build.ts"],
  },
  { id: "IAM-02", kind: "M", text: "No public principals anywhere.", implementedBy: ["platform/build.ts"] },
  {
    id: "IAM-03",
    kind: "M",
    text: "Workloads authenticate with Workload Identity; no service-account keys exist.",
    implementedBy: ["components/workloadAccounts.ts", "components/kubernetesBaseline.ts"],
  },
  {
    id: "IAM-04",
    kind: "M",
    text: "Application service accounts hold only data-plane roles on the resources they use.",
    implementedBy: ["components/workloadAccounts.ts", "components/lib/databaseAccess.ts"],
  },
  {
    id: "IAM-05",
    kind: "M",
    text: "Cloud SQL IAM database authentication is on; Memorystore AUTH is on.",
    implementedBy: [
      "components/lib/postgresFlags.ts",
      "components/databaseMigration.ts",
      "components/redisCache.ts",
    ],
  },
  {
    id: "IAM-06",
    kind: "M",
    text: "GKE control planes are private or restricted to named networks; no legacy auth.",
    implementedBy: ["components/gkeCluster.ts"],
  },
  {
    id: "IAM-07",
    kind: "M",
    text: "No person holds standing access to production roles that read data or change IAM; privileged access is just-in-time through Privileged Access Manager (bounded duration, written justification, approval for the cde, approvers distinct from requesters); every grant and every use of the break-glass accounts raises an alert.",
    implementedBy: [
      "components/privilegedAccess.ts",
      "platform/domains/privilegedAccess.ts",
      "components/lib/privilegedAccessFilters.ts",
      "platform/domains/logging.ts",
      "docs/privileged-access.md",
    ],
  },
  {
    id: "IAM-08",
    kind: "M",
    projectAddition:
      "Issue #29: the pipeline's own identities are a path to every control above; the catalogue's IAM controls name workloads and people, not CI.",
    text: "The platform is previewed and deployed by separate CI identities: a read-only plan identity and a per-stack apply identity that only the deploy workflow's approved environment can use, each federated only to this repository's branch and named workflows, holding exactly the roles in code, and admitted into the perimeter only from a named access level.",
    implementedBy: [
      "ciIdentities/program.ts",
      "ciIdentities/roles.ts",
      "components/githubFederation.ts",
      "components/pipelineIdentity.ts",
      "components/servicePerimeter.ts",
    ],
  },
  {
    id: "TEN-01",
    kind: "M",
    text: "Every tenant has its own key-encryption key in every region, in the tenant key ring.",
    implementedBy: ["platform/config/tenants.ts", "components/keyHierarchy.ts"],
  },
  {
    id: "TEN-02",
    kind: "M",
    text: "Cross-tenant access attempts are logged by pgaudit and alerted on for every database holding tenant data.",
    implementedBy: [
      "components/lib/postgresFlags.ts",
      "components/lib/auditMigration.ts",
      "components/lib/databaseAccess.ts",
      "components/databaseMigration.ts",
      "components/lib/logFilters.ts",
      "components/securityAlerts.ts",
    ],
    provenBy: ["test/pgaudit.test.ts", "test/crossTenantFilter.test.ts", "test/databaseAccess.test.ts"],
  },
  {
    id: "LOG-01",
    kind: "M",
    text: "A separate logging project holds the audit log; only sink writers (limited to their bucket) may write to it.",
    implementedBy: ["components/auditLog.ts", "components/loggingIsolation.ts"],
  },
  {
    id: "LOG-02",
    kind: "M",
    text: "The audit log bucket is locked with retention of at least 365 days.",
    implementedBy: ["components/auditLog.ts"],
  },
  {
    id: "LOG-03",
    kind: "M",
    text: "Every platform project routes its audit logs, the application audit log and the KMS audit logs to the logging project.",
    implementedBy: ["components/auditLog.ts", "components/lib/logFilters.ts"],
  },
  {
    id: "LOG-04",
    kind: "M",
    text: "Data Access audit logs are enabled in every platform project.",
    implementedBy: ["components/dataAccessAudit.ts"],
  },
  {
    id: "LOG-05",
    kind: "M",
    text: "The audit log bucket is encrypted with CMEK.",
    implementedBy: ["components/auditLog.ts", "catalogue/keys.ts"],
  },
  {
    id: "LOG-06",
    kind: "M",
    text: "Flow logs on every subnet, firewall-rule logging, Cloud SQL connection and statement logging.",
    implementedBy: ["components/network.ts", "components/lib/postgresFlags.ts"],
  },
  {
    id: "LOG-07",
    kind: "A",
    text: "Alerts on IAM changes in the logging project, sink changes, KMS key disable/destroy, Cloud SQL failover.",
    implementedBy: ["components/securityAlerts.ts", "components/lib/logFilters.ts"],
  },
  {
    id: "LOG-08",
    kind: "T",
    text: "No primary account number (PAN) reaches any log: proven on real PostgreSQL with the platform's exact audit and logging flags.",
    implementedBy: ["components/lib/postgresFlags.ts", "docs/audit-logging.md"],
    provenBy: ["test/pgaudit.test.ts"],
  },
  {
    id: "NET-01",
    kind: "M",
    text: "Cloud SQL has no public IP or open authorized network; Cloud SQL and Memorystore only over private service access.",
    implementedBy: ["components/postgresCluster.ts", "components/redisCache.ts", "components/network.ts"],
  },
  {
    id: "NET-02",
    kind: "M",
    text: "GKE nodes are private; egress goes through Cloud NAT.",
    implementedBy: ["components/gkeCluster.ts", "components/network.ts"],
  },
  {
    id: "NET-03",
    kind: "M",
    text: "No firewall rule admits 0.0.0.0/0 except Google load-balancer ranges to serving ports; never SSH/RDP from the internet.",
    implementedBy: ["components/network.ts"],
  },
  {
    id: "NET-04",
    kind: "M",
    text: "Private Google Access on every subnet.",
    implementedBy: ["components/network.ts"],
  },
  {
    id: "NET-05",
    kind: "M",
    text: "The public entry point has a Cloud Armor policy with rate limiting and preconfigured WAF rules.",
    implementedBy: ["components/gatewayEdge.ts", "components/multiClusterGateway.ts"],
  },
  {
    id: "NET-06",
    kind: "A",
    text: "Intrusion detection (Cloud IDS) can be switched on per region.",
    implementedBy: ["components/intrusionDetection.ts"],
  },
  {
    id: "NET-07",
    kind: "M",
    text: "A VPC Service Controls perimeter surrounds the platform, cde, kms and logging projects and restricts their data services; Google APIs are reached only through restricted.googleapis.com.",
    implementedBy: [
      "components/servicePerimeter.ts",
      "platform/domains/perimeter.ts",
      "components/network.ts",
      "components/kubernetesBaseline.ts",
    ],
  },
  {
    id: "NET-08",
    kind: "M",
    text: "Egress is denied by default in every VPC; allowed only to Google's restricted range, private service access ranges and, in the platform VPC only, a named FQDN allowlist.",
    implementedBy: ["components/egressFirewall.ts", "platform/domains/network.ts"],
  },
  {
    id: "NET-09",
    kind: "M",
    text: "Cardholder data is segmented: cardholder-class workloads run only on compute in the cde project, and exactly one declared private, authenticated path leads from the platform to them.",
    implementedBy: [
      "platform/domains/compute.ts",
      "components/privateServicePath.ts",
      "catalogue/workloads.ts",
      "components/migrationJob.ts",
      "docs/segmentation.md",
      "docs/database-migration.md",
    ],
  },
  {
    id: "REG-01",
    kind: "M",
    text: "Every regional resource is in us-central1 or us-east1.",
    implementedBy: ["vocabulary/regions.ts", "platform/config/schema.ts"],
  },
  {
    id: "RES-01",
    kind: "M",
    text: "Active-active: one GKE Autopilot cluster per region, in one fleet, behind one multi-cluster gateway.",
    implementedBy: [
      "components/gkeCluster.ts",
      "components/fleetFeatures.ts",
      "components/multiClusterGateway.ts",
    ],
  },
  {
    id: "RES-02",
    kind: "M",
    text: "Cloud SQL primary is REGIONAL with backups and PITR, and has a DR replica in the other region.",
    implementedBy: ["components/postgresCluster.ts"],
  },
  {
    id: "RES-03",
    kind: "M",
    text: "Memorystore is STANDARD_HA in each region.",
    implementedBy: ["components/redisCache.ts"],
  },
  {
    id: "RES-04",
    kind: "T",
    text: "Failing over is a configuration change (primaryRegion) that replaces no stateful resource.",
    implementedBy: ["components/postgresCluster.ts", "facts/google/replaceFields.ts"],
    provenBy: ["test/failover.test.ts"],
  },
  {
    id: "RES-05",
    kind: "M",
    text: "Stateful resources carry deletion protection.",
    implementedBy: [
      "components/postgresCluster.ts",
      "components/redisCache.ts",
      "components/keyHierarchy.ts",
      "components/gkeCluster.ts",
      "components/auditLog.ts",
    ],
  },
  {
    id: "RES-06",
    kind: "T",
    text: "Backups are encrypted with CMEK, and restoring from them is rehearsed.",
    implementedBy: ["components/postgresCluster.ts", "tools/drill.ts", "tools/drill/restoreRehearsal.ts"],
    provenBy: ["test/drills.test.ts", "test/dataTier.test.ts", "tools/benchDrills.ts"],
  },
  {
    id: "RES-07",
    kind: "T",
    text: "Failover drills are automated, guarded, and rehearsable on one machine with measured RPO and RTO.",
    implementedBy: ["tools/drill.ts", "tools/drill/failoverDrill.ts", "tools/drill/localPostgres.ts"],
    provenBy: ["test/drills.test.ts", "tools/benchDrills.ts"],
  },
  {
    id: "RES-08",
    kind: "T",
    text: "Every change is previewed against the deployed state; a replacement or deletion of a stateful resource, or a change Google forbids (locked bucket, reused name), is refused before it is applied.",
    implementedBy: [
      "engine/preview/diff.ts",
      "engine/preview/guard.ts",
      "tools/rehearse.ts",
      "tools/failover.ts",
      "tools/failover/execute.ts",
    ],
    provenBy: [
      "test/preview.test.ts",
      "test/failoverExecute.test.ts",
      "test/cli.test.ts",
      "docs/failover.md",
    ],
  },
  {
    id: "RES-09",
    kind: "T",
    text: "Staging can be destroyed and rebuilt; production refuses destruction.",
    implementedBy: ["engine/preview/destroy.ts", "components/projects.ts", "platform/domains/foundation.ts"],
    provenBy: ["test/preview.test.ts", "test/cli.test.ts", "test/harness.test.ts"],
  },
  {
    id: "RES-10",
    kind: "M",
    text: "Backups are immutable and off-region: Cloud SQL exported daily to the other region's bucket under a retention policy nobody can shorten, the deployer included; every GKE cluster backed up by Backup for GKE under a delete lock and CMEK; backup access limited to a named group.",
    implementedBy: [
      "components/sqlBackupExports.ts",
      "components/lib/exportWorkflowAlerts.ts",
      "components/gkeBackup.ts",
      "platform/domains/backups.ts",
      "platform/domains/privilegedAccess.ts",
      "docs/backups.md",
    ],
  },
  {
    id: "RES-11",
    kind: "T",
    text: "Restoring from the immutable copy is drilled by a tool that restores into a scratch target and verifies integrity, with measured restore time.",
    implementedBy: [
      "tools/drill.ts",
      "tools/drill/immutableRestore.ts",
      "tools/drill/cloudSqlRestore.ts",
      "components/gkeBackup.ts",
    ],
    provenBy: ["test/immutableRestore.test.ts", "test/cloudSqlRestore.test.ts", "docs/drills.md"],
  },
  {
    id: "K8S-01",
    kind: "M",
    text: "Application namespaces enforce Pod Security Admission restricted.",
    implementedBy: ["components/kubernetesBaseline.ts"],
  },
  {
    id: "K8S-02",
    kind: "M",
    text: "Application namespaces have default-deny ingress and egress NetworkPolicies.",
    implementedBy: ["components/kubernetesBaseline.ts"],
  },
  {
    id: "K8S-03",
    kind: "M",
    text: "Each workload has its own Kubernetes service account bound to its own Google service account.",
    implementedBy: ["components/kubernetesBaseline.ts", "components/workloadAccounts.ts"],
  },
  {
    id: "K8S-04",
    kind: "M",
    text: "Binary Authorization is enforced on every cluster.",
    implementedBy: ["components/gkeCluster.ts", "components/binaryAuthorization.ts"],
  },
  {
    id: "DET-01",
    kind: "M",
    text: "Threat detection covers every project: Security Command Center's detectors are on (an external prerequisite the stack declares and the rehearsal reports), and every M control a Security Health Analytics custom module can express runs as one, evaluated offline against the plan before it is applied.",
    implementedBy: [
      "catalogue/healthModules.ts",
      "components/healthModules.ts",
      "platform/domains/detection.ts",
      "engine/detection/evaluate.ts",
      "engine/rehearsal/facts/prerequisites.ts",
    ],
  },
  {
    id: "DET-02",
    kind: "M",
    text: "High and critical findings reach on-call within minutes: notification configs to a CMEK Pub/Sub topic in the logging project, an alert on it, a runbook per finding class.",
    implementedBy: [
      "components/findingNotifications.ts",
      "platform/domains/detection.ts",
      "docs/detection.md",
    ],
  },
  {
    id: "GOV-01",
    kind: "T",
    text: "Every control is evaluated on every pull request, offline, and the result names the control ID.",
    implementedBy: [".github/workflows/pull-request.yml", "engine/policyEvaluator.ts"],
    provenBy: ["test/cli.test.ts", "test/grpcPolicyPack.test.ts", "test/controlsDoc.test.ts"],
  },
  {
    id: "GOV-02",
    kind: "A",
    text: "Every resource that takes labels carries env, data-class and owner.",
    implementedBy: ["platform/labels.ts"],
  },
  {
    id: "GOV-03",
    kind: "M",
    text: "Every control that Google's Organization Policy Service can express is also enforced at run time by a built-in or custom constraint, and each custom constraint is evaluated offline against the plan before it is applied.",
    implementedBy: [
      "catalogue/orgConstraints/customConstraints.ts",
      "catalogue/orgConstraints/builtInConstraints.ts",
      "components/orgGuardrails.ts",
      "platform/domains/guardrails.ts",
      "engine/orgConstraints/evaluate.ts",
    ],
  },
  {
    id: "GOV-04",
    kind: "T",
    text: "The first `pulumi up` of a fresh environment is rehearsed offline against Google Cloud's apply-time rules (API enablement, identities, ordering, deny policies, CRDs).",
    implementedBy: ["engine/rehearsal/rehearse.ts", "tools/rehearse.ts", "tools/plan.ts"],
    provenBy: ["test/rehearsal.test.ts", "test/cli.test.ts", "docs/rehearsal.md"],
  },
  {
    id: "GOV-05",
    kind: "T",
    projectAddition:
      "Issue #29: GOV-01 evaluates every pull request, so the pull request's own code must not run where it could reach the credentials that evaluation uses.",
    text: "Pull-request code never runs with cloud or backend credentials: its jobs get no OIDC token and no secret, the privileged preview runs the base branch's program and policy packs on the pull request's plan as data, every action is pinned by commit, and no report step hides its own failure.",
    implementedBy: [
      ".github/workflows/pull-request.yml",
      ".github/workflows/pull-request-preview.yml",
      ".github/workflows/deploy.yml",
      "tools/ci/workflowSecurity.ts",
    ],
    provenBy: ["test/workflows.test.ts", "docs/ci.md"],
  },
];

export const OUT_OF_SCOPE: OutOfScope[] = [
  {
    promise: "Certifications, third-party audits and bridge letters",
    reason: "Organisational assurance, not a property of infrastructure.",
  },
  {
    promise: "Customer authentication and MFA",
    reason: "Implemented by the application and identity provider, not by this platform.",
  },
  {
    promise: "Tenant-scoped query context in application middleware",
    reason: "Application code; the platform provides the database-layer audit and alert (TEN-02).",
  },
  {
    promise: "Merkle-chained audit records",
    reason: "Computed by the application; the platform keeps the records immutable (LOG-01, LOG-02).",
  },
  {
    promise: "Incident response plan, tabletop exercises",
    reason: "A process; the alerts it starts from are LOG-07 and TEN-02.",
  },
  { promise: "Vulnerability disclosure programme, bug bounty", reason: "A process outside infrastructure." },
  {
    promise: "Secure development, code review, input validation, dependency management",
    reason: "Practices of the application teams.",
  },
  {
    promise: "Vendor assessment and data sharing with third parties",
    reason: "Procurement and legal processes.",
  },
  {
    promise: "Physical security of data centres",
    reason: "Provided by Google Cloud under its shared-responsibility model.",
  },
  { promise: "Security awareness training", reason: "A people process." },
];
