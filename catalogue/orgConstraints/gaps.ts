/**
 * Why a control has no run-time constraint (GOV-03): what the Organization Policy Service cannot
 * express, or expresses only in a way that would stop Google's own agents or this deployment.
 * Controls with a constraint are found from the catalogue (customConstraints.ts, builtInConstraints.ts).
 */
export const NO_CONSTRAINT: Record<string, string> = {
  "ENC-03":
    "Cardholder keys must be HSM: Google does not expose a CryptoKey's name (its ring) to custom constraints, and cloudkms.allowedProtectionLevels would apply to the tenant ring too; gcp.restrictCmekCryptoKeyProjects keeps keys in the KMS project.",
  "ENC-06": "A timed operation (emergency rotation), not a resource property.",
  "ENC-08":
    "Exact IAM grants per key: custom constraints on IAM allow policies cannot name the keys each agent needs.",
  "IAM-04": "Which roles a workload may hold depends on the resources it uses; no constraint can express it.",
  "IAM-07":
    "Just-in-time access is Privileged Access Manager's entitlements and grants, and standing access an allow policy: custom constraints cover neither.",
  "TEN-01": "A key per tenant per region is a property of the whole set of keys, not of one request.",
  "TEN-02": "Log-based metrics and alert policies are not resources custom constraints cover.",
  "LOG-01": "The logging project's isolation is an IAM deny policy already enforced by Google at run time.",
  "LOG-02": "A locked bucket cannot be unlocked: Google enforces it once set.",
  "LOG-03":
    "Log sinks are not resources custom constraints cover; the sinks are held at run time by the audit-trail IAM deny policy (components/auditTrailGuard.ts).",
  "LOG-04":
    "Audit configuration is part of the IAM policy, not covered by custom constraints; changing it is denied at run time by the audit-trail IAM deny policy.",
  "LOG-05":
    "Log buckets are not covered by custom constraints; gcp.restrictNonCmekServices for logging needs the organisation's log settings (left out on purpose).",
  "LOG-07": "Alerting is not a resource property.",
  "LOG-08": "Proven on PostgreSQL; nothing to constrain.",
  "NET-05": "Cloud Armor attachment to a Gateway's backends is made by GKE; no constraint covers it.",
  "NET-06": "Optional by design (A).",
  "NET-07": "The perimeter is itself enforced by Google (VPC Service Controls).",
  "NET-09": "Segmentation is a property of several resources together (peerings, routes, one PSC path).",
  "RES-04": "A property of changes (failover), proven by tests.",
  "RES-05":
    "Deletion protection is switched off by the ephemeral staging stack on purpose; Pulumi's protect is not visible to Google.",
  "RES-06": "Restores are rehearsed, not constrained.",
  "RES-07": "Drills are a tool.",
  "RES-08": "Previews are a tool.",
  "RES-09": "Destruction rules are a tool.",
  "RES-10":
    "Once locked, Cloud Storage and Backup for GKE enforce the retention themselves; which bucket holds backups is not a property of one request.",
  "RES-11": "Restore drills are a tool.",
  "K8S-01": "Kubernetes namespaces are not Google resources.",
  "K8S-02": "NetworkPolicies are Kubernetes objects.",
  "DET-01":
    "Detection is Security Command Center's: its custom modules are the run-time twins here (catalogue/healthModules.ts).",
  "DET-02": "Notification configs, topics and alerting are not resources custom constraints cover.",
  "GOV-01": "A property of the pull-request process.",
  "GOV-02":
    "Labels differ per resource type; no single custom constraint covers them, and a missing label is advisory.",
  "GOV-03": "This control is the constraints themselves.",
  "GOV-04": "A rehearsal, not a resource property.",
  "GOV-05": "A property of the repository's workflows, not of a Google resource.",
  "IAM-08":
    "Which roles a CI identity holds and which tokens its pool accepts are IAM policy and provider settings; iam.workloadIdentityPoolProviders can list allowed issuers only, not pin a repository, branch or workflow.",
};
