/**
 * The ways to break a control that its policies reject, by kind (issue #26): what the policy
 * judges, in a reviewer's words. A catalogue, not a test: docs/controls.md lists it per control,
 * and specs/cases/meaningCases.ts proves each entry with a failing case of the same title (a test
 * checks every entry has exactly one).
 */
export type WeakeningKind =
  "removed" | "switched off" | "widened" | "reversed" | "excluded" | "bypassed" | "outranked";

export interface Weakening {
  policy: string;
  kind: WeakeningKind;
  /** What the change does, as a case title. */
  title: string;
}

const w = (policy: string, kind: WeakeningKind, title: string): Weakening => ({ policy, kind, title });

const EGRESS = "compute-vpc-egress-default-deny";
const SERVICE = "k8s-cardholder-service-private";
const SINK = "logging-sink-every-project";
const INGRESS = "vpcsc-perimeter-ingress-named-sources";
const EGRESS_RULES = "vpcsc-perimeter-egress-agents-only";
const BINAUTHZ = "binaryauthorization-policy-attestation";
const ORG = "orgpolicy-guardrails-applied";
const PAM = "pam-entitlement-hardening";
const NOTIFY = "scc-notification-config-every-project";
const PUBLIC = "iam-no-public-principals";
const WRITERS = "artifactregistry-repository-writers";
const SECRET_ACCESSORS = "secretmanager-secret-accessors";
const SECRET_CMEK = "secretmanager-secret-cmek-regions";
const SSL = "compute-ssl-policy-tls12-modern";
const AUDIT_DENY = "logging-audit-trail-deny";
const PRIVILEGED_ALERTS = "monitoring-privileged-access-alerts";
const ISOLATION = "logging-project-isolation";
const STANDING = "iam-privileged-roles-not-standing";
const SQL_PRIVATE = "sql-instance-private-tls";
const GKE = "gke-cluster-hardening";
const SQL_USERS = "sql-user-iam-authenticated";
const BACKUP_ALERTS = "workflows-backup-export-alerted";
const RBAC = "k8s-rbac-least-privilege";
const PEERS = "k8s-cardholder-network-peers";
const EXEMPTIONS = "logging-audit-config-no-exemptions";
const LEGACY_ORG = "orgpolicy-no-legacy-v1";
const KEYS = "iam-no-service-account-keys";
const FIREWALL_POLICY = "compute-firewall-policy-ingress-restricted";
const IPV6 = "compute-subnetwork-no-external-ipv6";
const PERIMETER_COVERS = "vpcsc-perimeter-covers-projects";
const SQL_FLAGS = "sql-instance-audit-flags";
const KMS_HSM = "kms-cardholder-key-hsm";
const KMS_USERS = "kms-cardholder-key-users";
const BASIC = "iam-no-basic-roles";
const DATA_PLANE = "iam-workload-data-plane-only";

export const WEAKENINGS: Weakening[] = [
  w(EGRESS, "switched off", "the cde VPC's deny-all egress rule disabled"),
  w(EGRESS, "reversed", "the cde VPC's deny-all egress rule reversed to allow"),
  w(EGRESS, "excluded", "the cde VPC's deny-all egress rule narrowed to one range"),
  w(
    EGRESS,
    "excluded",
    "the cde VPC's deny-all egress rule narrowed to traffic inside the VPC (destNetworkContext)",
  ),
  w(EGRESS, "widened", "the Google APIs egress rule opened to the internet by network context"),
  w(EGRESS, "widened", "the Google APIs egress rule widened to 0.0.0.0/0"),
  w(EGRESS, "widened", "the Google APIs egress rule opened to every protocol"),
  w(EGRESS, "widened", "the private services egress rule widened to 10.0.0.0/8"),
  w(EGRESS, "outranked", "an allow-all egress rule above the deny-all"),
  w(EGRESS, "bypassed", "the cde VPC associated with the platform's firewall policy"),
  w(EGRESS, "outranked", "classic firewall rules evaluated before the policy (AFTER_CLASSIC_FIREWALL)"),
  w(SERVICE, "bypassed", "card-vault's Service made a NodePort"),
  w(SERVICE, "bypassed", "card-vault's Service given an external IP"),
  w(SERVICE, "widened", "card-vault's load balancer made external"),
  w(SERVICE, "widened", "card-vault's load balancer open to 0.0.0.0/0"),
  w(SERVICE, "bypassed", "a second internal load balancer in card-vault's namespace"),
  w(SERVICE, "removed", "card-vault's ServiceAttachment removed"),
  w(SINK, "switched off", "the cde project's audit sink disabled"),
  w(SINK, "excluded", "an exclusion on the cde sink dropping Data Access logs"),
  w(SINK, "excluded", "the cde sink's filter ANDed with NOT Cloud KMS"),
  w(SINK, "excluded", "the cde sink's filter narrowed to errors by an implicit AND"),
  w(INGRESS, "widened", "the deployers' ingress rule widened to ANY_IDENTITY"),
  w(INGRESS, "widened", "the operators' access level widened to 0.0.0.0/0"),
  w(INGRESS, "reversed", "the operators' access level negated"),
  w(EGRESS_RULES, "widened", "Security Command Center's egress rule widened to ANY_IDENTITY"),
  w(EGRESS_RULES, "bypassed", "an egress rule letting the ledger's identity out to any project"),
  w(BINAUTHZ, "removed", "the cde project's Binary Authorization policy removed"),
  w(ORG, "switched off", "an enforced built-in constraint moved to dry-run"),
  w(ORG, "reversed", "a rule enforce FALSE beside the enforcing one"),
  w(ORG, "switched off", "a constraint reset to Google's default"),
  w(ORG, "excluded", "an enforcing rule limited by a tag condition"),
  w(PAM, "widened", "the backup entitlement's storage.objectViewer without its bucket condition"),
  w(PAM, "widened", "the data-access entitlement granting roles/container.admin"),
  w(INGRESS, "widened", "Privileged Access Manager's ingress rule widened to every service"),
  w(INGRESS, "widened", "Privileged Access Manager's ingress rule widened to every project"),
  w(INGRESS, "widened", "the notification agent's ingress rule widened to every project"),
  w(EGRESS_RULES, "bypassed", "an egress rule letting Privileged Access Manager's agent out to any project"),
  w(NOTIFY, "removed", "the notification agent's ingress rule to the findings topic removed"),
  w(SERVICE, "bypassed", "card-vault's namespaces relabelled tenant and its Service made a NodePort"),
  w(SERVICE, "bypassed", "an Ingress in card-vault's namespace"),
  w(SERVICE, "bypassed", "a Gateway in card-vault's namespace"),
  w(EGRESS, "outranked", "an organisation firewall policy rule allowing all egress"),
  w(INGRESS, "widened", "the deployers' ingress rule admitting a project outside the organisation"),
  w(INGRESS, "widened", "the operators' access level ORed with a regions-only condition"),
  w(INGRESS, "widened", "the operators' access level replaced by a custom CEL expression"),
  w(PUBLIC, "widened", "a secret's accessor widened to the whole domain"),
  w(WRITERS, "bypassed", "a remote repository proxying Docker Hub"),
  w(SECRET_ACCESSORS, "widened", "a secret's accessor given roles/secretmanager.admin on it"),
  w(SECRET_CMEK, "switched off", "a secret's us-east1 replica without its customer-managed key"),
  w(SSL, "widened", "the edge SSL policy's minimum TLS lowered to 1.1"),
  w(AUDIT_DENY, "excluded", "the cde's audit-trail deny policy narrowed to its first permission"),
  w(ISOLATION, "excluded", "the break-glass metric's OR of accounts turned into an AND"),
  w(PRIVILEGED_ALERTS, "excluded", "the break-glass metric ANDed with a service no action calls"),
  w(PRIVILEGED_ALERTS, "switched off", "the break-glass alert policy disabled"),
  w(PRIVILEGED_ALERTS, "reversed", "the break-glass alert firing below zero (COMPARISON_LT)"),
  w(PRIVILEGED_ALERTS, "removed", "the break-glass alert's notification channels removed"),
  w(INGRESS, "bypassed", "a standalone ingress policy admitting ANY_IDENTITY from any source"),
  w(INGRESS, "bypassed", "a standalone dry-run egress policy letting any identity out"),
  w(
    INGRESS,
    "bypassed",
    "a project outside the organisation added to the perimeter by a ServicePerimeterResource",
  ),
  w(INGRESS, "widened", "the operators' access level given a 0.0.0.0/0 AccessLevelCondition"),
  w(INGRESS, "widened", "an ingress source naming an access level the stack does not declare"),
  w(PAM, "widened", "the backup bucket grant role given storage.objects.delete"),
  w(PAM, "widened", "the backup bucket grant role given storage.buckets.update"),
  w(PAM, "widened", "the unconditioned restore-read role given cloudsql.instances.export"),
  w(EGRESS, "outranked", "an organisation firewall policy rule applying a security profile to all egress"),
  w(EGRESS, "outranked", "an organisation security policy rule allowing all egress"),
  w(PUBLIC, "widened", "the card-vault database login granted to every service account of the organisation"),
  w(PUBLIC, "widened", "the ledger's database login granted to every identity of a workload identity pool"),
  w(SECRET_ACCESSORS, "widened", "a secret's accessor replaced by a service account of another project"),
  w(SECRET_ACCESSORS, "bypassed", "a secret's whole IAM policy set by a SecretIamPolicy"),
  w(SERVICE, "bypassed", "an Ingress in the default namespace of a cde cluster"),
  w(SERVICE, "bypassed", "an external load balancer in the default namespace of a cde cluster"),
  w(NOTIFY, "reversed", "the findings alert firing below zero (COMPARISON_LT)"),
  w(
    NOTIFY,
    "removed",
    "the notification agent's ingress rule removed with the grant that tells the topic project's number",
  ),
  w(INGRESS, "widened", "the detectors' ingress rule admitting another organisation's agent"),
  w(STANDING, "bypassed", "a person given IAM admin on the cde standing, named as principal://goog/subject/"),
  w(
    SQL_PRIVATE,
    "bypassed",
    "a Private Service Connect endpoint into card-vault's database for another project",
  ),
  w(GKE, "widened", "the cde control plane's authorized networks widened to 0.0.0.0/1"),
  w(PRIVILEGED_ALERTS, "switched off", "the break-glass alert holding its page for a day (duration 86400s)"),
  w(PRIVILEGED_ALERTS, "switched off", "the break-glass alert aligned by percent change instead of counting"),
  // Second independent attacker pass (#26).
  w(STANDING, "widened", "another project's service account given IAM admin on the cde"),
  w(
    STANDING,
    "widened",
    "another project's account named like a Cloud SQL agent of the cde (service-<cde number>@evil-project) given cloudkms.admin",
  ),
  w(PAM, "widened", "the key operator's role given cloudkms.cryptoKeyVersions.useToDecrypt"),
  w(PAM, "widened", "the key operator's role given cloudkms.cryptoKeyVersions.destroy"),
  w(PAM, "widened", "the cde incident operator's role given iam.serviceAccounts.getAccessToken"),
  w(PAM, "widened", "the cde incident operator's role given container.pods.exec"),
  w(SQL_USERS, "bypassed", "a BUILT_IN password user on card-vault's database"),
  w(SQL_USERS, "bypassed", "a user without a type (BUILT_IN by default) on card-vault's database"),
  w(
    PRIVILEGED_ALERTS,
    "switched off",
    "the logging project's notification channels disabled (enabled: false)",
  ),
  w(PRIVILEGED_ALERTS, "removed", "the break-glass alert paging a channel the stack does not declare"),
  w(BACKUP_ALERTS, "switched off", "card-vault's notification channels disabled (enabled: false)"),
  w(PERIMETER_COVERS, "bypassed", "a bridge perimeter joining the cde to another organisation's project"),
  w(
    STANDING,
    "bypassed",
    "a person given the access policy's perimeters to rewrite (accesscontextmanager.policyAdmin) standing",
  ),
  w(SQL_FLAGS, "switched off", "a second pgaudit.log flag of none on card-vault's primary"),
  w(KMS_HSM, "bypassed", "card-vault's PAN key made import-only (key material made outside Cloud KMS)"),
  // Third attacker pass: grants in an authoritative policy's policyData (policies/lib/iamPolicies.ts).
  w(KMS_USERS, "bypassed", "a person given decrypt on card-vault's PAN key in a CryptoKeyIAMPolicy"),
  w(BASIC, "bypassed", "a person made organisation owner in an organizations IAMPolicy"),
  w(PUBLIC, "bypassed", "the findings topic opened to allUsers in a TopicIAMPolicy"),
  w(
    STANDING,
    "bypassed",
    "a person given tokenCreator on card-vault's account in a serviceaccount IAMPolicy",
  ),
  // Third attacker pass: impersonation and guardrail-admin roles; break-glass, approvers, custom roles.
  w(
    STANDING,
    "widened",
    "card-vault's Kubernetes account given workloadIdentityUser on the whole cde project",
  ),
  w(
    STANDING,
    "bypassed",
    "a person given the organisation's deny policies to administer (iam.denyAdmin) standing",
  ),
  w(
    STANDING,
    "widened",
    "another project's workload identity pool given workloadIdentityUser on card-vault's account",
  ),
  w(STANDING, "excluded", "a group made break-glass by a new, harmless deny policy that excepts it"),
  w(PAM, "bypassed", "the cde data-access approvers named as the requesters' principal set"),
  w(STANDING, "bypassed", "a person given a new custom role holding cloudkms.cryptoKeyVersions.useToDecrypt"),
  // Third attacker pass: workload administration through other grant forms and principals.
  w(DATA_PLANE, "bypassed", "card-vault's account given cloudsql.admin in a project IAMBinding"),
  w(
    DATA_PLANE,
    "bypassed",
    "any namespace's Kubernetes account of the cde given cloudkms.admin on the KMS project",
  ),
  w(DATA_PLANE, "bypassed", "a cde pod's identity in principal:// form given cloudsql.admin"),
  // Third independent attacker pass (#26): proofs in specs/cases/thirdPassProofs.ts.
  w(RBAC, "bypassed", "a person given cluster-admin on a cde cluster by a ClusterRoleBinding"),
  w(RBAC, "widened", "card-vault's service account bound to a Role reading the namespace's Secrets"),
  w(RBAC, "bypassed", "a ClusterRole holding impersonate on users"),
  w(RBAC, "widened", "every authenticated Google account given the read-only view role on a cde cluster"),
  w(RBAC, "bypassed", "a person bound to a ClusterRole the stack does not declare"),
  w(
    RBAC,
    "bypassed",
    "a person added to a cde cluster's own cluster-admin binding by a ClusterRoleBindingPatch",
  ),
  w(PEERS, "widened", "card-vault's allow-gateway-ingress widened to ipBlock 0.0.0.0/0"),
  w(PEERS, "bypassed", "an allow-all ingress NetworkPolicy beside card-vault's default-deny"),
  w(
    PEERS,
    "bypassed",
    "card-vault's allow-gateway-ingress patched to admit 0.0.0.0/0 by a NetworkPolicyPatch",
  ),
  w(PEERS, "bypassed", "card-vault's pods admitting the ledger namespace's pods by selector"),
  w(PEERS, "widened", "card-vault's pods allowed to send to every namespace (namespaceSelector {})"),
  w(
    EXEMPTIONS,
    "excluded",
    "card-vault's account exempted from the cde's Cloud KMS DATA_READ audit logs by a per-service config",
  ),
  w(EXEMPTIONS, "excluded", "a person exempted from DATA_READ audit logs across the organisation"),
  w(PRIVILEGED_ALERTS, "switched off", "the break-glass metric disabled (disabled: true)"),
  w(
    LEGACY_ORG,
    "outranked",
    "service account key creation allowed on the cde by a legacy v1 OrganizationPolicy",
  ),
  w(
    LEGACY_ORG,
    "outranked",
    "external IPs allowed on the cde's VMs by a legacy v1 OrganizationPolicy list policy",
  ),
  w(
    LEGACY_ORG,
    "reversed",
    "a guardrail restored to Google's default across the organisation by a legacy v1 Policy",
  ),
  w(KEYS, "bypassed", "a Cloud Storage HMAC key for card-vault's service account"),
  w(KEYS, "bypassed", "an API key bound to card-vault's service account"),
  w(
    FIREWALL_POLICY,
    "bypassed",
    "SSH from the internet admitted by a rule of the cde's network firewall policy",
  ),
  w(
    FIREWALL_POLICY,
    "outranked",
    "every source in a country admitted by an organisation firewall policy rule inspected by a security profile",
  ),
  w(IPV6, "bypassed", "the cde subnet made dual-stack with external IPv6 addresses"),
];

/** The case title of a weakening: what it does, then its kind. */
export function weakeningTitle(x: Weakening): string {
  return `${x.title} (${x.kind})`;
}
