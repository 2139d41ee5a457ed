import { CapturedResource } from "../../engine/model";
import { ENTITLEMENT_CUSTOM_ROLE_PERMISSIONS } from "../../policies/lib/privilegedAccess";
import { WEAKENINGS, weakeningTitle } from "../../catalogue/weakenings";
import { addResource, editResource, Mutation, removeResource } from "../mutate";
import type { PolicyCase } from "./policyCases";
import { THIRD_PASS_PROOFS } from "./thirdPassProofs";

/**
 * Issue #26: one failing case per weakening of catalogue/weakenings.ts — the resource is still
 * there, but does less. Titles come from the catalogue, so docs/controls.md names what is proven.
 */
type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CDE_VAULT_SERVICE = "prod-card-vault-path-us-central1-service";
const PERIMETER = "prod-perimeter-perimeter";
const PERIMETER_NAME = "accessPolicies/847362519014/servicePerimeters/prod_qairopay";
const LEDGER_SA = "serviceAccount:ledger-workload@qp-prod-platform.iam.gserviceaccount.com";
const BREAK_GLASS_METRIC = "prod-logging-alerts-break-glass-activity";
const BREAK_GLASS_ALERT = "prod-logging-alerts-break-glass-activity-alert";
/** What the alerting policies say of the break-glass alert when its channels page nobody (item 2 of the #26 review). */
const BREAK_GLASS_PAGES_NOBODY = `[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": alert policy prod-logging-alerts-break-glass-activity-alert pages nobody: `;
const MALLORY = "user:mallory@qairopay.com";
const CDE_POD_PRINCIPAL =
  "principal://iam.googleapis.com/projects/102116835757/locations/global/workloadIdentityPools/qp-prod-cde.svc.id.goog/subject/ns/attacker/sa/default";
const CARD_VAULT_ACCOUNT =
  "projects/qp-prod-cde/serviceAccounts/card-vault-workload@qp-prod-cde.iam.gserviceaccount.com";
const PAN_KEY = "projects/qp-prod-kms/locations/us-central1/keyRings/cardholder/cryptoKeys/card-vault-pan";
/** An authoritative IAM policy's policyData granting one role to one member. */
const policyOf = (role: string, member: string) =>
  JSON.stringify({ bindings: [{ role, members: [member] }] });
const CARD_VAULT_CHANNELS = [
  "prod-card-vault-alerts-pagerduty",
  "prod-card-vault-alerts-email-sre-oncall-qairopay-com",
  "prod-card-vault-alerts-email-security-oncall-qairopay-com",
];
const LOGGING_CHANNELS = [
  "prod-logging-alerts-pagerduty",
  "prod-logging-alerts-email-sre-oncall-qairopay-com",
  "prod-logging-alerts-email-security-oncall-qairopay-com",
];

function providerOf(resources: CapturedResource[], name: string): string {
  const r = resources.find((x) => x.name === name);
  if (!r?.provider) throw new Error(`no provider for ${name}`);
  return r.provider;
}

/** A second internal LoadBalancer beside card-vault's, on the same cluster and namespace. */
const secondLoadBalancer: Mutation = (resources) =>
  addResource({
    type: "kubernetes:core/v1:Service",
    name: "card-vault-side-door",
    provider: providerOf(resources, CDE_VAULT_SERVICE),
    inputs: {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "card-vault-side-door",
        namespace: "card-vault",
        annotations: { "networking.gke.io/load-balancer-type": "Internal" },
      },
      spec: {
        type: "LoadBalancer",
        selector: { app: "card-vault" },
        loadBalancerSourceRanges: ["10.78.0.0/24"],
        ports: [{ name: "https", port: 443, targetPort: 8443, protocol: "TCP", appProtocol: "HTTPS" }],
      },
    },
  })(resources);

const spec = (p: P) => p.spec as P;

/** Namespaces relabelled as not cardholder-class: the label is the namespace's own word. */
const relabelled =
  (...namespaces: string[]): Mutation =>
  (resources) =>
    namespaces.reduce(
      (rs, n) => editResource(n, (p) => ((p.metadata as P).labels["qairopay.com/data-class"] = "tenant"))(rs),
      resources,
    );

/** A Kubernetes object on card-vault's us-central1 cluster. */
const onVaultCluster =
  (type: string, name: string, inputs: P): Mutation =>
  (resources) =>
    addResource({ type, name, provider: providerOf(resources, CDE_VAULT_SERVICE), inputs })(resources);
/** An entitlement's role bindings. */
const grantsOf = (p: P) => (p.privilegedAccess as P).gcpIamAccess.roleBindings as P[];
const PAM_AGENT = "serviceAccount:service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com";

const KEY_OPERATOR = ENTITLEMENT_CUSTOM_ROLE_PERMISSIONS.qairopayKeyOperator.permissions.join(", ");
const INCIDENT_OPERATOR = ENTITLEMENT_CUSTOM_ROLE_PERMISSIONS.qairopayIncidentOperator.permissions.join(", ");

interface Proof {
  mutate: Mutation;
  on: string;
  message: string;
}

/** Each weakening's proof, keyed by its title in the catalogue. */
const PROOFS: Record<string, Proof> = {
  ...THIRD_PASS_PROOFS,
  "the cde VPC's deny-all egress rule disabled": {
    mutate: editResource("prod-cde-egress-deny-all", (p) => (p.disabled = true)),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": the associated egress deny-all rule is disabled: traffic behaves as if it did not exist. Fix: add an EGRESS deny rule for 0.0.0.0/0, all protocols, at the lowest priority',
  },
  "the cde VPC's deny-all egress rule reversed to allow": {
    mutate: editResource("prod-cde-egress-deny-all", (p) => (p.action = "allow")),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": no associated network firewall policy denies all egress. Fix: add an EGRESS deny rule for 0.0.0.0/0, all protocols, at the lowest priority',
  },
  "the cde VPC's deny-all egress rule narrowed to one range": {
    mutate: editResource("prod-cde-egress-deny-all", (p) => ((p.match as P).srcIpRanges = ["10.76.0.0/20"])),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": no associated network firewall policy denies all egress. Fix: add an EGRESS deny rule for 0.0.0.0/0, all protocols, at the lowest priority',
  },
  "the cde VPC's deny-all egress rule narrowed to traffic inside the VPC (destNetworkContext)": {
    mutate: editResource(
      "prod-cde-egress-deny-all",
      (p) => ((p.match as P).destNetworkContext = "INTRA_VPC"),
    ),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": no associated network firewall policy denies all egress. Fix: add an EGRESS deny rule for 0.0.0.0/0, all protocols, at the lowest priority',
  },
  "the Google APIs egress rule opened to the internet by network context": {
    mutate: editResource(
      "prod-cde-egress-google-apis",
      (p) => ((p.match as P).destNetworkContext = "INTERNET"),
    ),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": egress rule prod-cde-google-apis (priority 1000, allow) lets traffic out to destNetworkContext "INTERNET", beyond Google\'s restricted range and the VPC\'s own and private services ranges. Fix: narrow destIpRanges to 199.36.153.4/30 (tcp:443), the VPC\'s subnet ranges or its private services access range, or remove the rule',
  },
  "the Google APIs egress rule widened to 0.0.0.0/0": {
    mutate: editResource("prod-cde-egress-google-apis", (p) => ((p.match as P).destIpRanges = ["0.0.0.0/0"])),
    on: "prod-cde-net-vpc",
    message:
      "[NET-08] gcp:compute/network:Network \"prod-cde-net-vpc\": egress rule prod-cde-google-apis (priority 1000, allow) lets traffic out to 0.0.0.0/0, beyond Google's restricted range and the VPC's own and private services ranges. Fix: narrow destIpRanges to 199.36.153.4/30 (tcp:443), the VPC's subnet ranges or its private services access range, or remove the rule",
  },
  "the Google APIs egress rule opened to every protocol": {
    mutate: editResource(
      "prod-cde-egress-google-apis",
      (p) => ((p.match as P).layer4Configs = [{ ipProtocol: "all" }]),
    ),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": egress rule prod-cde-google-apis (priority 1000, allow) lets traffic out to 199.36.153.4/30 on [{"ipProtocol":"all"}] (only tcp:443 is opened to restricted.googleapis.com), beyond Google\'s restricted range and the VPC\'s own and private services ranges. Fix: narrow destIpRanges to 199.36.153.4/30 (tcp:443), the VPC\'s subnet ranges or its private services access range, or remove the rule',
  },
  "the private services egress rule widened to 10.0.0.0/8": {
    mutate: editResource(
      "prod-cde-egress-private-services",
      (p) => ((p.match as P).destIpRanges = ["10.0.0.0/8"]),
    ),
    on: "prod-cde-net-vpc",
    message:
      "[NET-08] gcp:compute/network:Network \"prod-cde-net-vpc\": egress rule prod-cde-private-services (priority 1100, allow) lets traffic out to 10.0.0.0/8, beyond Google's restricted range and the VPC's own and private services ranges. Fix: narrow destIpRanges to 199.36.153.4/30 (tcp:443), the VPC's subnet ranges or its private services access range, or remove the rule",
  },
  "an allow-all egress rule above the deny-all": {
    mutate: addResource({
      type: "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule",
      name: "prod-cde-egress-anything",
      inputs: {
        project: "qp-prod-cde",
        firewallPolicy: "prod-cde-egress",
        ruleName: "prod-cde-anything",
        priority: 10,
        direction: "EGRESS",
        action: "allow",
        enableLogging: true,
        match: { destIpRanges: ["0.0.0.0/0"], layer4Configs: [{ ipProtocol: "all" }] },
      },
    }),
    on: "prod-cde-net-vpc",
    message:
      "[NET-08] gcp:compute/network:Network \"prod-cde-net-vpc\": egress rule prod-cde-anything (priority 10, allow) lets traffic out to 0.0.0.0/0, beyond Google's restricted range and the VPC's own and private services ranges. Fix: narrow destIpRanges to 199.36.153.4/30 (tcp:443), the VPC's subnet ranges or its private services access range, or remove the rule",
  },
  "the cde VPC associated with the platform's firewall policy": {
    mutate: editResource("prod-cde-egress-association", (p) => (p.firewallPolicy = "prod-platform-egress")),
    on: "prod-cde-net-vpc",
    message:
      "[NET-08] gcp:compute/network:Network \"prod-cde-net-vpc\": egress rule prod-platform-private-services (priority 1100, allow) lets traffic out to 10.69.0.0/16, beyond Google's restricted range and the VPC's own and private services ranges. Fix: narrow destIpRanges to 199.36.153.4/30 (tcp:443), the VPC's subnet ranges or its private services access range, or remove the rule",
  },
  "classic firewall rules evaluated before the policy (AFTER_CLASSIC_FIREWALL)": {
    mutate: editResource(
      "prod-cde-net-vpc",
      (p) => (p.networkFirewallPolicyEnforcementOrder = "AFTER_CLASSIC_FIREWALL"),
    ),
    on: "prod-cde-net-vpc",
    message:
      '[NET-08] gcp:compute/network:Network "prod-cde-net-vpc": networkFirewallPolicyEnforcementOrder is AFTER_CLASSIC_FIREWALL: classic firewall rules are evaluated first and any egress allow among them outranks the policy\'s deny. Fix: set networkFirewallPolicyEnforcementOrder: "BEFORE_CLASSIC_FIREWALL"',
  },
  "card-vault's Service made a NodePort": {
    mutate: editResource(CDE_VAULT_SERVICE, (p) => {
      spec(p).type = "NodePort";
      delete spec(p).loadBalancerSourceRanges;
    }),
    on: CDE_VAULT_SERVICE,
    message:
      '[NET-09] kubernetes:core/v1:Service "prod-card-vault-path-us-central1-service": Service card-vault/card-vault-psc is a NodePort: every node of the cluster takes its traffic, a path around the declared Private Service Connect attachment. Fix: make it ClusterIP, or publish the workload through PrivateServicePath',
  },
  "card-vault's Service given an external IP": {
    mutate: editResource(CDE_VAULT_SERVICE, (p) => (spec(p).externalIPs = ["203.0.113.7"])),
    on: CDE_VAULT_SERVICE,
    message:
      '[NET-09] kubernetes:core/v1:Service "prod-card-vault-path-us-central1-service": Service card-vault/card-vault-psc answers on externalIPs 203.0.113.7, a path around the declared Private Service Connect attachment. Fix: remove spec.externalIPs',
  },
  "card-vault's load balancer made external": {
    mutate: editResource(CDE_VAULT_SERVICE, (p) => delete (p.metadata as P).annotations),
    on: CDE_VAULT_SERVICE,
    message:
      '[NET-09] kubernetes:core/v1:Service "prod-card-vault-path-us-central1-service": Service card-vault/card-vault-psc is a LoadBalancer without networking.gke.io/load-balancer-type: "Internal": GKE gives it an external address. Fix: annotate it networking.gke.io/load-balancer-type: "Internal"',
  },
  "card-vault's load balancer open to 0.0.0.0/0": {
    mutate: editResource(CDE_VAULT_SERVICE, (p) => (spec(p).loadBalancerSourceRanges = ["0.0.0.0/0"])),
    on: CDE_VAULT_SERVICE,
    message:
      '[NET-09] kubernetes:core/v1:Service "prod-card-vault-path-us-central1-service": Service card-vault/card-vault-psc admits 0.0.0.0/0, not only the Private Service Connect NAT range (10.78.0.0/24, 10.78.1.0/24). Fix: set loadBalancerSourceRanges to the attachment\'s NAT subnet range',
  },
  "a second internal load balancer in card-vault's namespace": {
    mutate: secondLoadBalancer,
    on: "card-vault-side-door",
    message:
      '[NET-09] kubernetes:core/v1:Service "card-vault-side-door": Service card-vault/card-vault-side-door is a load balancer no ServiceAttachment publishes: a second path beside the declared one. Fix: remove it, or publish it through PrivateServicePath\'s ServiceAttachment',
  },
  "card-vault's ServiceAttachment removed": {
    mutate: removeResource("prod-card-vault-path-us-central1-attachment"),
    on: CDE_VAULT_SERVICE,
    message:
      '[NET-09] kubernetes:core/v1:Service "prod-card-vault-path-us-central1-service": Service card-vault/card-vault-psc is a load balancer no ServiceAttachment publishes: a second path beside the declared one. Fix: remove it, or publish it through PrivateServicePath\'s ServiceAttachment',
  },
  "the cde project's audit sink disabled": {
    mutate: editResource("prod-audit-log-cde", (p) => (p.disabled = true)),
    on: "prod-audit-log-cde",
    message:
      '[LOG-03] gcp:logging/projectSink:ProjectSink "prod-audit-log-cde": the sink is disabled: it routes nothing. Fix: keep the sink enabled, without exclusions, its filter a plain OR of the four audit streams, cloudkms.googleapis.com and the application log',
  },
  "an exclusion on the cde sink dropping Data Access logs": {
    mutate: editResource(
      "prod-audit-log-cde",
      (p) =>
        (p.exclusions = [{ name: "quiet", filter: 'logName:"cloudaudit.googleapis.com%2Fdata_access"' }]),
    ),
    on: "prod-audit-log-cde",
    message:
      '[LOG-03] gcp:logging/projectSink:ProjectSink "prod-audit-log-cde": exclusion(s) quiet drop entries the filter selects. Fix: keep the sink enabled, without exclusions, its filter a plain OR of the four audit streams, cloudkms.googleapis.com and the application log',
  },
  "the cde sink's filter ANDed with NOT Cloud KMS": {
    mutate: editResource(
      "prod-audit-log-cde",
      (p) => (p.filter = `(${String(p.filter)}) AND NOT protoPayload.serviceName="cloudkms.googleapis.com"`),
    ),
    on: "prod-audit-log-cde",
    message:
      '[LOG-03] gcp:logging/projectSink:ProjectSink "prod-audit-log-cde": the filter is narrowed: it is not a plain OR of comparisons: “(logName:"/logs/cloudaudit.googleapis.com%2Factivity"”, “logName:"/logs/qairopay-audit") AND NOT protoPayload.serviceName="cloudkms.googleapis.com"” can narrow it. Fix: keep the sink enabled, without exclusions, its filter a plain OR of the four audit streams, cloudkms.googleapis.com and the application log',
  },
  "the cde sink's filter narrowed to errors by an implicit AND": {
    mutate: editResource("prod-audit-log-cde", (p) => (p.filter = `${String(p.filter)} severity>=ERROR`)),
    on: "prod-audit-log-cde",
    message:
      '[LOG-03] gcp:logging/projectSink:ProjectSink "prod-audit-log-cde": the filter is narrowed: it is not a plain OR of comparisons: “logName:"/logs/qairopay-audit" severity>=ERROR” can narrow it. Fix: keep the sink enabled, without exclusions, its filter a plain OR of the four audit streams, cloudkms.googleapis.com and the application log',
  },
  "the deployers' ingress rule widened to ANY_IDENTITY": {
    mutate: editResource(PERIMETER, (p) => {
      const from = spec(p).ingressPolicies[0].ingressFrom as P;
      delete from.identities;
      from.identityType = "ANY_IDENTITY";
    }),
    on: PERIMETER,
    message:
      '[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": ingress rule 1 admits identityType ANY_IDENTITY to *: any such identity, not the named ones. Fix: drop identityType and list the identities the rule admits',
  },
  "the operators' access level widened to 0.0.0.0/0": {
    mutate: editResource(
      "prod-perimeter-operators",
      (p) => ((p.basic as P).conditions[0].ipSubnetworks = ["0.0.0.0/0"]),
    ),
    on: "prod-perimeter-operators",
    message:
      "[NET-07, IAM-08] gcp:accesscontextmanager/accessLevel:AccessLevel \"prod-perimeter-operators\": access level accessPolicies/847362519014/accessLevels/prod_qairopay_operators admits 0.0.0.0/0: the internet at large, not the operators' networks. Fix: list only the operators' and CI's egress ranges (/16 or narrower) in ipSubnetworks",
  },
  "the operators' access level negated": {
    mutate: editResource("prod-perimeter-operators", (p) => ((p.basic as P).conditions[0].negate = true)),
    on: "prod-perimeter-operators",
    message:
      '[NET-07, IAM-08] gcp:accesscontextmanager/accessLevel:AccessLevel "prod-perimeter-operators": access level accessPolicies/847362519014/accessLevels/prod_qairopay_operators negates 1 condition(s): it admits every network except the ones named. Fix: remove negate: an access level names the operators\' networks it admits',
  },
  "Security Command Center's egress rule widened to ANY_IDENTITY": {
    mutate: editResource(PERIMETER, (p) => {
      const from = spec(p).egressPolicies[0].egressFrom as P;
      delete from.identities;
      from.identityType = "ANY_IDENTITY";
    }),
    on: PERIMETER,
    message:
      '[NET-07] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": spec egress rule 1 (Security Command Center detectors) lets identityType ANY_IDENTITY out of the perimeter to *. Fix: remove the egress rule: only Security Command Center\'s detectors leave the perimeter',
  },
  "an egress rule letting the ledger's identity out to any project": {
    mutate: editResource(PERIMETER, (p) =>
      spec(p).egressPolicies.push({
        egressFrom: { identities: [LEDGER_SA] },
        egressTo: {
          operations: [{ serviceName: "storage.googleapis.com", methodSelectors: [{ method: "*" }] }],
          resources: ["*"],
        },
      }),
    ),
    on: PERIMETER,
    message:
      '[NET-07] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": spec egress rule 2 lets serviceAccount:ledger-workload@qp-prod-platform.iam.gserviceaccount.com out of the perimeter to *. Fix: remove the egress rule: only Security Command Center\'s detectors leave the perimeter',
  },
  "the cde project's Binary Authorization policy removed": {
    mutate: removeResource("prod-cde-images-policy"),
    on: "prod-cde-gke-us-central1-cluster",
    message:
      "[K8S-04] gcp:container/cluster:Cluster \"prod-cde-gke-us-central1-cluster\": cluster(s) prod-cde-us-central1, prod-cde-us-east1 enforce the Binary Authorization policy of qp-prod-cde, which the stack does not declare: Google's default policy admits every image. Fix: declare the project's policy with components/binaryAuthorization.ts (ImageAdmission)",
  },
  "an enforced built-in constraint moved to dry-run": {
    mutate: editResource("prod-guardrails-cde-sql.restrictPublicIp", (p) => {
      p.dryRunSpec = p.spec;
      delete p.spec;
    }),
    on: "prod-guardrails-cde-sql.restrictPublicIp",
    message:
      '[GOV-03] gcp:orgpolicy/policy:Policy "prod-guardrails-cde-sql.restrictPublicIp": sql.restrictPublicIp is promised enforced from the first up, but spec has no enforcing rule. Fix: enforce it in spec (rules: [{ enforce: "TRUE" }] or the list rule)',
  },
  "a rule enforce FALSE beside the enforcing one": {
    mutate: editResource("prod-guardrails-cde-sql.restrictPublicIp", (p) =>
      spec(p).rules.push({ enforce: "FALSE", condition: { expression: "true" } }),
    ),
    on: "prod-guardrails-cde-sql.restrictPublicIp",
    message:
      '[GOV-03] gcp:orgpolicy/policy:Policy "prod-guardrails-cde-sql.restrictPublicIp": it sets sql.restrictPublicIp but switches it off: a rule enforce: FALSE under a condition lifts it. Fix: keep one unconditional enforcing rule and no reset',
  },
  "a constraint reset to Google's default": {
    mutate: editResource("prod-guardrails-cde-sql.restrictPublicIp", (p) => (spec(p).reset = true)),
    on: "prod-guardrails-cde-sql.restrictPublicIp",
    message:
      '[GOV-03] gcp:orgpolicy/policy:Policy "prod-guardrails-cde-sql.restrictPublicIp": it sets sql.restrictPublicIp but switches it off: reset: true (Google\'s default applies instead). Fix: keep one unconditional enforcing rule and no reset',
  },
  "an enforcing rule limited by a tag condition": {
    mutate: editResource(
      "prod-guardrails-cde-sql.restrictPublicIp",
      (p) => (spec(p).rules[0].condition = { expression: "resource.matchTag('418726350912/env', 'prod')" }),
    ),
    on: "prod-guardrails-cde-sql.restrictPublicIp",
    message:
      '[GOV-03] gcp:orgpolicy/policy:Policy "prod-guardrails-cde-sql.restrictPublicIp": it sets sql.restrictPublicIp but switches it off: its enforcing rule holds only under a condition. Fix: keep one unconditional enforcing rule and no reset',
  },
  "the backup entitlement's storage.objectViewer without its bucket condition": {
    mutate: editResource("prod-cde-access-backup-restore", (p) => {
      for (const b of grantsOf(p)) if (b.role === "roles/storage.objectViewer") delete b.conditionExpression;
    }),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": it grants roles/storage.objectViewer: the allowlist admits it only on the project\'s backup buckets, under resource.name.startsWith("projects/_/buckets/qp-prod-cde-<name>-backup-"). Fix: grant only roles/cloudsql.client, roles/cloudsql.instanceUser, roles/container.developer, roles/gkebackup.restoreAdmin, roles/gkebackup.viewer, roles/storage.objectViewer (storage.objectViewer bound to resource.name.startsWith("projects/_/buckets/<project>-<name>-backup-")) or a custom role of the entitlement\'s project (components/privilegedAccess.ts)',
  },
  "the data-access entitlement granting roles/container.admin": {
    mutate: editResource("prod-cde-access-data-access", (p) =>
      grantsOf(p).push({ role: "roles/container.admin" }),
    ),
    on: "prod-cde-access-data-access",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-data-access": it grants roles/container.admin: a predefined role outside the entitlements\' allowlist. Fix: grant only roles/cloudsql.client, roles/cloudsql.instanceUser, roles/container.developer, roles/gkebackup.restoreAdmin, roles/gkebackup.viewer, roles/storage.objectViewer (storage.objectViewer bound to resource.name.startsWith("projects/_/buckets/<project>-<name>-backup-")) or a custom role of the entitlement\'s project (components/privilegedAccess.ts)',
  },
  "Privileged Access Manager's ingress rule widened to every service": {
    mutate: editResource(
      PERIMETER,
      (p) => (spec(p).ingressPolicies[3].ingressTo.operations = [{ serviceName: "*" }]),
    ),
    on: "prod-perimeter-perimeter",
    message:
      '[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": ingress rule 4 (Privileged Access Manager grants): serviceAccount:service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com (Privileged Access Manager agent) is admitted to *, beyond cloudresourcemanager.googleapis.com, privilegedaccessmanager.googleapis.com. Fix: limit the agent\'s rule to the services and projects it calls (policies/lib/perimeterAgents.ts)',
  },
  "Privileged Access Manager's ingress rule widened to every project": {
    mutate: editResource(PERIMETER, (p) => (spec(p).ingressPolicies[3].ingressTo.resources = ["*"])),
    on: "prod-perimeter-perimeter",
    message:
      '[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": ingress rule 4 (Privileged Access Manager grants): serviceAccount:service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com (Privileged Access Manager agent) is admitted to *, beyond projects/103627363763, projects/102116835757, projects/101542869500, projects/100543772903. Fix: limit the agent\'s rule to the services and projects it calls (policies/lib/perimeterAgents.ts)',
  },
  "the notification agent's ingress rule widened to every project": {
    mutate: editResource(PERIMETER, (p) => (spec(p).ingressPolicies[2].ingressTo.resources = ["*"])),
    on: "prod-perimeter-perimeter",
    message:
      "[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter \"prod-perimeter-perimeter\": ingress rule 3 (Security Command Center findings to the logging project's topic): serviceAccount:service-org-418726350912@gcp-sa-scc-notification.iam.gserviceaccount.com (Security Command Center notification agent) is admitted to *, beyond projects/100543772903. Fix: limit the agent's rule to the services and projects it calls (policies/lib/perimeterAgents.ts)",
  },
  "an egress rule letting Privileged Access Manager's agent out to any project": {
    mutate: editResource(PERIMETER, (p) =>
      spec(p).egressPolicies.push({
        egressFrom: { identities: [PAM_AGENT] },
        egressTo: { operations: [{ serviceName: "*" }], resources: ["*"] },
      }),
    ),
    on: "prod-perimeter-perimeter",
    message:
      '[NET-07] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": spec egress rule 2 lets serviceAccount:service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com out of the perimeter to *. Fix: remove the egress rule: only Security Command Center\'s detectors leave the perimeter',
  },
  "the notification agent's ingress rule to the findings topic removed": {
    mutate: editResource(PERIMETER, (p) => spec(p).ingressPolicies.splice(2, 1)),
    on: "prod-perimeter-perimeter",
    message:
      "[DET-02] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter \"prod-perimeter-perimeter\": its spec configuration surrounds the findings topic's project qp-prod-logging but no ingress rule admits the notification agent serviceAccount:service-org-418726350912@gcp-sa-scc-notification.iam.gserviceaccount.com to pubsub.googleapis.com there: the perimeter refuses every finding's publish. Fix: keep the ingress rule admitting the agent from any source to pubsub.googleapis.com in the logging project (platform/domains/perimeter.ts)",
  },
  "card-vault's namespaces relabelled tenant and its Service made a NodePort": {
    mutate: (resources) =>
      editResource(CDE_VAULT_SERVICE, (p) => {
        spec(p).type = "NodePort";
        delete spec(p).loadBalancerSourceRanges;
      })(
        relabelled(
          "prod-cde-baseline-us-central1-card-vault",
          "prod-cde-baseline-us-east1-card-vault",
        )(resources),
      ),
    on: "prod-card-vault-path-us-central1-service",
    message:
      '[NET-09] kubernetes:core/v1:Service "prod-card-vault-path-us-central1-service": Service card-vault/card-vault-psc is a NodePort: every node of the cluster takes its traffic, a path around the declared Private Service Connect attachment. Fix: make it ClusterIP, or publish the workload through PrivateServicePath',
  },
  "an Ingress in card-vault's namespace": {
    mutate: onVaultCluster("kubernetes:networking.k8s.io/v1:Ingress", "card-vault-ingress", {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "card-vault", namespace: "card-vault" },
      spec: { defaultBackend: { service: { name: "card-vault-psc", port: { number: 443 } } } },
    }),
    on: "card-vault-ingress",
    message:
      '[NET-09] kubernetes:networking.k8s.io/v1:Ingress "card-vault-ingress": Ingress card-vault/card-vault in a cardholder-class namespace opens a load balancer or route of another kind, a path around the declared Private Service Connect attachment. Fix: remove it: cardholder-class workloads are published only through PrivateServicePath\'s ServiceAttachment',
  },
  "a Gateway in card-vault's namespace": {
    mutate: onVaultCluster("kubernetes:gateway.networking.k8s.io/v1:Gateway", "card-vault-gateway", {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "card-vault", namespace: "card-vault" },
      spec: {
        gatewayClassName: "gke-l7-global-external-managed",
        listeners: [{ name: "http", port: 80, protocol: "HTTP" }],
      },
    }),
    on: "card-vault-gateway",
    message:
      '[NET-09] kubernetes:gateway.networking.k8s.io/v1:Gateway "card-vault-gateway": Gateway card-vault/card-vault in a cardholder-class namespace opens a load balancer or route of another kind, a path around the declared Private Service Connect attachment. Fix: remove it: cardholder-class workloads are published only through PrivateServicePath\'s ServiceAttachment',
  },
  "an organisation firewall policy rule allowing all egress": {
    mutate: addResource({
      type: "gcp:compute/firewallPolicyRule:FirewallPolicyRule",
      name: "org-egress-anything",
      inputs: {
        firewallPolicy: "locations/global/firewallPolicies/org-baseline",
        priority: 10,
        direction: "EGRESS",
        action: "allow",
        match: { destIpRanges: ["0.0.0.0/0"], layer4Configs: [{ ipProtocol: "all" }] },
      },
    }),
    on: "org-egress-anything",
    message:
      '[NET-08] gcp:compute/firewallPolicyRule:FirewallPolicyRule "org-egress-anything": hierarchical firewall policy rule at priority 10 allows egress to ["0.0.0.0/0"]: it is evaluated before every VPC\'s network firewall policy and outranks its deny-all. Fix: use action "goto_next" or "deny" in hierarchical policies: egress is allowed only by each VPC\'s own policy',
  },
  "the deployers' ingress rule admitting a project outside the organisation": {
    mutate: editResource(
      PERIMETER,
      (p) => (spec(p).ingressPolicies[0].ingressFrom.sources = [{ resource: "projects/999999999999" }]),
    ),
    on: "prod-perimeter-perimeter",
    message:
      "[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter \"prod-perimeter-perimeter\": ingress rule 1 admits serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com, serviceAccount:prod-plan@qp-platform-ci.iam.gserviceaccount.com from projects/999999999999, a project no perimeter of the stack surrounds (another organisation's network). Fix: name only the operators' access level, or projects inside the stack's perimeters, as sources",
  },
  "the operators' access level ORed with a regions-only condition": {
    mutate: editResource("prod-perimeter-operators", (p) =>
      (p.basic as P).conditions.push({ regions: ["US"] }),
    ),
    on: "prod-perimeter-operators",
    message:
      '[NET-07, IAM-08] gcp:accesscontextmanager/accessLevel:AccessLevel "prod-perimeter-operators": access level accessPolicies/847362519014/accessLevels/prod_qairopay_operators admits [{"regions":["US"]}] without naming a network (combiningFunction OR: that condition alone grants the level). Fix: give every condition the operators\' ipSubnetworks, or combine with AND behind one that does',
  },
  "the operators' access level replaced by a custom CEL expression": {
    mutate: editResource("prod-perimeter-operators", (p) => {
      delete p.basic;
      p.custom = { expr: { expression: "true" } };
    }),
    on: "prod-perimeter-operators",
    message:
      '[NET-07, IAM-08] gcp:accesscontextmanager/accessLevel:AccessLevel "prod-perimeter-operators": access level accessPolicies/847362519014/accessLevels/prod_qairopay_operators is a custom (CEL) level: which networks it admits is not judged. Fix: use a basic level listing the operators\' ipSubnetworks',
  },
  "a secret's accessor widened to the whole domain": {
    mutate: editResource(
      "prod-secrets-redis-auth-us-central1-reader-0",
      (p) => (p.member = "domain:qairopay.com"),
    ),
    on: "prod-secrets-redis-auth-us-central1-reader-0",
    message:
      '[IAM-02] gcp:secretmanager/secretIamMember:SecretIamMember "prod-secrets-redis-auth-us-central1-reader-0": grants roles/secretmanager.secretAccessor to domain:qairopay.com. Fix: grant named principals only',
  },
  "a remote repository proxying Docker Hub": {
    mutate: editResource("prod-images-containers-us-central1", (p) => {
      p.mode = "REMOTE_REPOSITORY";
      p.remoteRepositoryConfig = { dockerRepository: { publicRepository: "DOCKER_HUB" } };
    }),
    on: "prod-images-containers-us-central1",
    message:
      '[K8S-04] gcp:artifactregistry/repository:Repository "prod-images-containers-us-central1": repository containers is a REMOTE_REPOSITORY of {"dockerRepository":{"publicRepository":"DOCKER_HUB"}}: images the pipeline never built appear under the project\'s registry path. Fix: keep every repository STANDARD_REPOSITORY; bring third-party images in through the image pipeline, which builds, scans and attests them',
  },
  "a secret's accessor given roles/secretmanager.admin on it": {
    mutate: editResource(
      "prod-secrets-redis-auth-us-central1-reader-0",
      (p) => (p.role = "roles/secretmanager.admin"),
    ),
    on: "prod-secrets-redis-auth-us-central1-reader-0",
    message:
      '[ENC-09, IAM-02] gcp:secretmanager/secretIamMember:SecretIamMember "prod-secrets-redis-auth-us-central1-reader-0": it grants roles/secretmanager.admin on secret redis-auth-us-central1: more than reading it (a new version, or its IAM policy). Fix: grant roles/secretmanager.secretAccessor only',
  },
  "a secret's us-east1 replica without its customer-managed key": {
    mutate: editResource(
      "prod-secrets-redis-auth-us-central1",
      (p) => delete (p.replication as P).userManaged.replicas[1].customerManagedEncryption,
    ),
    on: "prod-secrets-redis-auth-us-central1",
    message:
      '[ENC-09, ENC-02] gcp:secretmanager/secret:Secret "prod-secrets-redis-auth-us-central1": the us-east1 replica has no customer-managed key. Fix: set customerManagedEncryption.kmsKeyName to the us-east1 secrets key',
  },
  "the edge SSL policy's minimum TLS lowered to 1.1": {
    mutate: editResource("prod-edge-ssl-policy", (p) => (p.minTlsVersion = "TLS_1_1")),
    on: "prod-edge-ssl-policy",
    message:
      '[ENC-07] gcp:compute/sSLPolicy:SSLPolicy "prod-edge-ssl-policy": minTlsVersion is "TLS_1_1" with profile "MODERN". Fix: set minTlsVersion TLS_1_2 and profile MODERN',
  },
  "the cde's audit-trail deny policy narrowed to its first permission": {
    mutate: editResource("prod-audit-trail-guard-cde", (p) => {
      const rule = (p.rules as P[])[0].denyRule as P;
      rule.deniedPermissions = rule.deniedPermissions.slice(0, 1);
    }),
    on: "prod-audit-trail-guard-cde",
    message:
      '[LOG-01, LOG-03, LOG-04, LOG-05] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-cde": in project qp-prod-cde, logging.googleapis.com/sinks.update is not denied; logging.googleapis.com/sinks.delete is not denied: the audit trail can be cut there. Fix: deny those permissions to principalSet://goog/public:all on the project or its folder, with no condition, excepting only the deployer and, by name, the break-glass accounts the break-glass alert names (components/auditTrailGuard.ts)',
  },
  "the break-glass metric's OR of accounts turned into an AND": {
    mutate: editResource(
      BREAK_GLASS_METRIC,
      (p) => (p.filter = String(p.filter).replace(") OR (", ") AND (")),
    ),
    on: "prod-audit-trail-guard-logging",
    message:
      '[LOG-01] gcp:iam/denyPolicy:DenyPolicy "prod-audit-trail-guard-logging": the IAM deny policies of logging project qp-prod-logging leave a gap: logging.googleapis.com/buckets.delete: the rule excepts principal://goog/subject/break-glass-1@qairopay.com, principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/buckets.update: the rule excepts principal://goog/subject/break-glass-1@qairopay.com, principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/buckets.undelete: the rule excepts principal://goog/subject/break-glass-1@qairopay.com, principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/sinks.create: the rule excepts principal://goog/subject/break-glass-1@qairopay.com, principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/sinks.update: the rule excepts principal://goog/subject/break-glass-1@qairopay.com, principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; logging.googleapis.com/sinks.delete: the rule excepts principal://goog/subject/break-glass-1@qairopay.com, principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names; cloudresourcemanager.googleapis.com/projects.setIamPolicy: the rule excepts principal://goog/subject/break-glass-1@qairopay.com, principal://goog/subject/break-glass-2@qairopay.com, whom no break-glass alert names. Fix: keep the deny policy of components/loggingIsolation.ts: bucket, sink and IAM administration denied to all but the deployer and break-glass, direct log writes to all but the sink writers',
  },
  "the break-glass metric ANDed with a service no action calls": {
    mutate: editResource(
      BREAK_GLASS_METRIC,
      (p) => (p.filter = `protoPayload.serviceName="none.googleapis.com" AND ${String(p.filter)}`),
    ),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches the break-glass accounts\' actions, their own and through impersonation. Fix: alert on protoPayload.authenticationInfo.principalEmail= and protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail= of each break-glass account, a plain OR of those terms, watched by an enabled alert policy that fires above zero, with a notification channel the stack declares and keeps enabled',
  },
  "the break-glass alert policy disabled": {
    mutate: editResource(BREAK_GLASS_ALERT, (p) => (p.enabled = false)),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches the break-glass accounts\' actions, their own and through impersonation. Fix: alert on protoPayload.authenticationInfo.principalEmail= and protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail= of each break-glass account, a plain OR of those terms, watched by an enabled alert policy that fires above zero, with a notification channel the stack declares and keeps enabled',
  },
  "the break-glass alert firing below zero (COMPARISON_LT)": {
    mutate: editResource(
      BREAK_GLASS_ALERT,
      (p) => ((p.conditions as P[])[0].conditionThreshold.comparison = "COMPARISON_LT"),
    ),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches the break-glass accounts\' actions, their own and through impersonation. Fix: alert on protoPayload.authenticationInfo.principalEmail= and protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail= of each break-glass account, a plain OR of those terms, watched by an enabled alert policy that fires above zero, with a notification channel the stack declares and keeps enabled',
  },
  "the break-glass alert's notification channels removed": {
    mutate: editResource(BREAK_GLASS_ALERT, (p) => (p.notificationChannels = [])),
    on: "prod-audit-log-bucket",
    message: `${BREAK_GLASS_PAGES_NOBODY}it names no notification channel. Fix: re-enable them or name a channel the stack declares (components/securityAlerts.ts)`,
  },
  "the break-glass alert holding its page for a day (duration 86400s)": {
    mutate: editResource(
      BREAK_GLASS_ALERT,
      (p) => ((p.conditions as P[])[0].conditionThreshold.duration = "86400s"),
    ),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches the break-glass accounts\' actions, their own and through impersonation. Fix: alert on protoPayload.authenticationInfo.principalEmail= and protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail= of each break-glass account, a plain OR of those terms, watched by an enabled alert policy that fires above zero, with a notification channel the stack declares and keeps enabled',
  },
  "the break-glass alert aligned by percent change instead of counting": {
    mutate: editResource(
      BREAK_GLASS_ALERT,
      (p) =>
        ((p.conditions as P[])[0].conditionThreshold.aggregations[0].perSeriesAligner =
          "ALIGN_PERCENT_CHANGE"),
    ),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches the break-glass accounts\' actions, their own and through impersonation. Fix: alert on protoPayload.authenticationInfo.principalEmail= and protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail= of each break-glass account, a plain OR of those terms, watched by an enabled alert policy that fires above zero, with a notification channel the stack declares and keeps enabled',
  },
  "a standalone ingress policy admitting ANY_IDENTITY from any source": {
    mutate: addResource({
      type: "gcp:accesscontextmanager/servicePerimeterIngressPolicy:ServicePerimeterIngressPolicy",
      name: "extra-ingress",
      inputs: {
        perimeter: PERIMETER_NAME,
        ingressFrom: { identityType: "ANY_IDENTITY", sources: [{ accessLevel: "*" }] },
        ingressTo: { resources: ["*"], operations: [{ serviceName: "*" }] },
      },
    }),
    on: "extra-ingress",
    message:
      "[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeterIngressPolicy:ServicePerimeterIngressPolicy \"extra-ingress\": it adds an ingress rule to a perimeter's enforced configuration from outside the ServicePerimeter and AccessLevel resources, where no rule of the perimeter's is judged. Fix: remove it: declare the rule, project or condition in the ServicePerimeter or AccessLevel itself (components/servicePerimeter.ts)",
  },
  "a standalone dry-run egress policy letting any identity out": {
    mutate: addResource({
      type: "gcp:accesscontextmanager/servicePerimeterDryRunEgressPolicy:ServicePerimeterDryRunEgressPolicy",
      name: "extra-egress",
      inputs: {
        perimeter: PERIMETER_NAME,
        egressFrom: { identityType: "ANY_IDENTITY" },
        egressTo: { resources: ["*"], operations: [{ serviceName: "*" }] },
      },
    }),
    on: "extra-egress",
    message:
      "[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeterDryRunEgressPolicy:ServicePerimeterDryRunEgressPolicy \"extra-egress\": it adds an egress rule to a perimeter's dry-run configuration from outside the ServicePerimeter and AccessLevel resources, where no rule of the perimeter's is judged. Fix: remove it: declare the rule, project or condition in the ServicePerimeter or AccessLevel itself (components/servicePerimeter.ts)",
  },
  "a project outside the organisation added to the perimeter by a ServicePerimeterResource": {
    mutate: addResource({
      type: "gcp:accesscontextmanager/servicePerimeterResource:ServicePerimeterResource",
      name: "extra-project",
      inputs: { perimeterName: PERIMETER_NAME, resource: "projects/999999999999" },
    }),
    on: "extra-project",
    message:
      '[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeterResource:ServicePerimeterResource "extra-project": it adds a project to a perimeter from outside the ServicePerimeter and AccessLevel resources, where no rule of the perimeter\'s is judged. Fix: remove it: declare the rule, project or condition in the ServicePerimeter or AccessLevel itself (components/servicePerimeter.ts)',
  },
  "the operators' access level given a 0.0.0.0/0 AccessLevelCondition": {
    mutate: addResource({
      type: "gcp:accesscontextmanager/accessLevelCondition:AccessLevelCondition",
      name: "extra-condition",
      inputs: {
        accessLevel: "accessPolicies/847362519014/accessLevels/prod_qairopay_operators",
        ipSubnetworks: ["0.0.0.0/0"],
      },
    }),
    on: "extra-condition",
    message:
      '[NET-07, IAM-08] gcp:accesscontextmanager/accessLevelCondition:AccessLevelCondition "extra-condition": it adds a condition to an access level from outside the ServicePerimeter and AccessLevel resources, where no rule of the perimeter\'s is judged. Fix: remove it: declare the rule, project or condition in the ServicePerimeter or AccessLevel itself (components/servicePerimeter.ts)',
  },
  "an ingress source naming an access level the stack does not declare": {
    mutate: editResource(
      PERIMETER,
      (p) =>
        (spec(p).ingressPolicies[4].ingressFrom.sources = [
          { accessLevel: "accessPolicies/847362519014/accessLevels/anywhere" },
        ]),
    ),
    on: PERIMETER,
    message:
      '[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter": ingress rule 5 admits group:sre-oncall@qairopay.com, group:security-leads@qairopay.com, group:backup-operators@qairopay.com, group:break-glass@qairopay.com, group:audit-readers@qairopay.com from access level accessPolicies/847362519014/accessLevels/anywhere, which the stack does not declare: which networks it admits is judged nowhere. Fix: name only access levels the stack declares (the operators\' level of components/servicePerimeter.ts)',
  },
  "the backup bucket grant role given storage.objects.delete": {
    mutate: editResource(
      "prod-cde-access-qairopayBackupBucketGrant",
      (p) => (p.permissions = ["storage.objects.delete", "storage.buckets.setIamPolicy"]),
    ),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": its role projects/qp-prod-cde/roles/qairopayBackupBucketGrant holds storage.objects.delete, which deletes, overwrites or administers what the buckets keep (the backup exports among them). Fix: keep only storage.buckets.getIamPolicy, storage.buckets.setIamPolicy, storage.objects.get, storage.objects.list of Cloud Storage in the custom role',
  },
  "the backup bucket grant role given storage.buckets.update": {
    mutate: editResource(
      "prod-cde-access-qairopayBackupBucketGrant",
      (p) => (p.permissions = ["storage.buckets.update", "storage.buckets.setIamPolicy"]),
    ),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": its role projects/qp-prod-cde/roles/qairopayBackupBucketGrant holds storage.buckets.update, which deletes, overwrites or administers what the buckets keep (the backup exports among them). Fix: keep only storage.buckets.getIamPolicy, storage.buckets.setIamPolicy, storage.objects.get, storage.objects.list of Cloud Storage in the custom role',
  },
  "the unconditioned restore-read role given cloudsql.instances.export": {
    mutate: editResource("prod-cde-access-qairopaySqlRestoreRead", (p) =>
      (p.permissions as string[]).push("cloudsql.instances.export"),
    ),
    on: "prod-cde-access-backup-restore",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-backup-restore": its role projects/qp-prod-cde/roles/qairopaySqlRestoreRead holds cloudsql.instances.export on every instance, primaries included. Fix: bind the role with a condition on the scratch instances\' names (resource.name.startsWith("projects/<project>/instances/<env>-<cluster>-restore-"))',
  },
  "an organisation firewall policy rule applying a security profile to all egress": {
    mutate: addResource({
      type: "gcp:compute/firewallPolicyRule:FirewallPolicyRule",
      name: "org-egress-inspected",
      inputs: {
        firewallPolicy: "locations/global/firewallPolicies/org-baseline",
        priority: 10,
        direction: "EGRESS",
        action: "apply_security_profile_group",
        securityProfileGroup:
          "//networksecurity.googleapis.com/organizations/418726350912/locations/global/securityProfileGroups/pass",
        match: { destIpRanges: ["0.0.0.0/0"], layer4Configs: [{ ipProtocol: "all" }] },
      },
    }),
    on: "org-egress-inspected",
    message:
      '[NET-08] gcp:compute/firewallPolicyRule:FirewallPolicyRule "org-egress-inspected": hierarchical firewall policy rule at priority 10 takes action "apply_security_profile_group" on egress to ["0.0.0.0/0"]: it is evaluated before every VPC\'s network firewall policy and outranks its deny-all. Fix: use action "goto_next" or "deny" in hierarchical policies: egress is allowed only by each VPC\'s own policy',
  },
  "an organisation security policy rule allowing all egress": {
    mutate: addResource({
      type: "gcp:compute/organizationSecurityPolicyRule:OrganizationSecurityPolicyRule",
      name: "org-security-policy-egress",
      inputs: {
        policyId: "locations/global/securityPolicies/123",
        priority: 10,
        direction: "EGRESS",
        action: "allow",
        match: { config: { destIpRanges: ["0.0.0.0/0"], layer4Configs: [{ ipProtocol: "all" }] } },
      },
    }),
    on: "org-security-policy-egress",
    message:
      '[NET-08] gcp:compute/organizationSecurityPolicyRule:OrganizationSecurityPolicyRule "org-security-policy-egress": hierarchical firewall policy rule at priority 10 allows egress to ["0.0.0.0/0"]: it is evaluated before every VPC\'s network firewall policy and outranks its deny-all. Fix: use action "goto_next" or "deny" in hierarchical policies: egress is allowed only by each VPC\'s own policy',
  },
  "the card-vault database login granted to every service account of the organisation": {
    mutate: editResource(
      "prod-card-vault-workload-database-login",
      (p) =>
        (p.member =
          "principalSet://cloudresourcemanager.googleapis.com/organizations/418726350912/type/ServiceAccount"),
    ),
    on: "prod-card-vault-workload-database-login",
    message:
      '[IAM-02] gcp:projects/iAMMember:IAMMember "prod-card-vault-workload-database-login": grants projects/qp-prod-cde/roles/qairopayDatabaseLogin to principal set principalSet://cloudresourcemanager.googleapis.com/organizations/418726350912/type/ServiceAccount: every identity of that set, named by nobody. Fix: grant named principals (a service account, a group); of principal sets, only a workload identity pool\'s runs with one attribute value (…/workloadIdentityPools/<pool>/attribute.<name>/<value>)',
  },
  "the ledger's database login granted to every identity of a workload identity pool": {
    mutate: editResource(
      "prod-ledger-workload-database-login",
      (p) =>
        (p.member =
          "principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/*"),
    ),
    on: "prod-ledger-workload-database-login",
    message:
      '[IAM-02] gcp:projects/iAMMember:IAMMember "prod-ledger-workload-database-login": grants projects/qp-prod-platform/roles/qairopayDatabaseLogin to principal set principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/*: every identity of that set, named by nobody. Fix: grant named principals (a service account, a group); of principal sets, only a workload identity pool\'s runs with one attribute value (…/workloadIdentityPools/<pool>/attribute.<name>/<value>)',
  },
  "a secret's accessor replaced by a service account of another project": {
    mutate: editResource(
      "prod-secrets-redis-auth-us-central1-reader-0",
      (p) => (p.member = "serviceAccount:ledger-workload@attacker-project.iam.gserviceaccount.com"),
    ),
    on: "prod-secrets-redis-auth-us-central1-reader-0",
    message:
      "[ENC-09, IAM-02] gcp:secretmanager/secretIamMember:SecretIamMember \"prod-secrets-redis-auth-us-central1-reader-0\": it grants roles/secretmanager.secretAccessor on secret redis-auth-us-central1 to serviceAccount:ledger-workload@attacker-project.iam.gserviceaccount.com, not a service account of the secret's project qp-prod-platform. Fix: grant the workload's own service account, created in the secret's project",
  },
  "a secret's whole IAM policy set by a SecretIamPolicy": {
    mutate: addResource({
      type: "gcp:secretmanager/secretIamPolicy:SecretIamPolicy",
      name: "redis-auth-policy",
      inputs: {
        project: "qp-prod-platform",
        secretId: "redis-auth-us-central1",
        policyData: JSON.stringify({
          bindings: [{ role: "roles/secretmanager.admin", members: ["user:mallory@gmail.com"] }],
        }),
      },
    }),
    on: "redis-auth-policy",
    message:
      '[ENC-09, IAM-02] gcp:secretmanager/secretIamPolicy:SecretIamPolicy "redis-auth-policy": it sets the whole IAM policy of secret redis-auth-us-central1 (policyData), replacing its readers\' grants with ones no rule judges. Fix: grant roles/secretmanager.secretAccessor per reader with SecretIamMember (components/platformSecrets.ts readers)',
  },
  "an Ingress in the default namespace of a cde cluster": {
    mutate: onVaultCluster("kubernetes:networking.k8s.io/v1:Ingress", "edge-ingress", {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "edge", namespace: "default" },
      spec: { defaultBackend: { service: { name: "edge", port: { number: 443 } } } },
    }),
    on: "edge-ingress",
    message:
      '[NET-09] kubernetes:networking.k8s.io/v1:Ingress "edge-ingress": Ingress default/edge in a cardholder-class namespace opens a load balancer or route of another kind, a path around the declared Private Service Connect attachment. Fix: remove it: cardholder-class workloads are published only through PrivateServicePath\'s ServiceAttachment',
  },
  "an external load balancer in the default namespace of a cde cluster": {
    mutate: onVaultCluster("kubernetes:core/v1:Service", "edge-service", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "edge", namespace: "default" },
      spec: { type: "LoadBalancer", ports: [{ port: 443 }] },
    }),
    on: "edge-service",
    message:
      '[NET-09] kubernetes:core/v1:Service "edge-service": Service default/edge is a LoadBalancer without networking.gke.io/load-balancer-type: "Internal": GKE gives it an external address. Fix: annotate it networking.gke.io/load-balancer-type: "Internal"',
  },
  "the findings alert firing below zero (COMPARISON_LT)": {
    mutate: editResource(
      "prod-findings-alert",
      (p) => ((p.conditions as P[])[0].conditionThreshold.comparison = "COMPARISON_LT"),
    ),
    on: "prod-findings-topic",
    message:
      '[DET-02] gcp:pubsub/topic:Topic "prod-findings-topic": no enabled alert policy with a notification channel pages on its messages (a condition on its send_message_operation_count, COMPARISON_GT, threshold 0). Fix: alert on pubsub.googleapis.com/topic/send_message_operation_count of the topic',
  },
  "the notification agent's ingress rule removed with the grant that tells the topic project's number": {
    mutate: (resources) =>
      removeResource("prod-logging-agents-pubsub-role")(
        editResource(PERIMETER, (p) => spec(p).ingressPolicies.splice(2, 1))(resources),
      ),
    on: "prod-findings-topic",
    message:
      "[DET-02] gcp:pubsub/topic:Topic \"prod-findings-topic\": the number of the findings topic's project qp-prod-logging is unknown (no service agent holds its serviceAgent role there), so whether a perimeter admits the notification agent serviceAccount:service-org-418726350912@gcp-sa-scc-notification.iam.gserviceaccount.com cannot be judged. Fix: keep Pub/Sub's service agent grant (roles/pubsub.serviceAgent) in the logging project (ServiceAgents, platform/domains/foundation.ts)",
  },
  "the detectors' ingress rule admitting another organisation's agent": {
    mutate: editResource(
      PERIMETER,
      (p) =>
        (spec(p).ingressPolicies[1].ingressFrom.identities[0] =
          "serviceAccount:service-org-999999999999@security-center-api.iam.gserviceaccount.com"),
    ),
    on: PERIMETER,
    message:
      "[NET-07, IAM-08] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter \"prod-perimeter-perimeter\": ingress rule 2 (Security Command Center detectors): serviceAccount:service-org-999999999999@security-center-api.iam.gserviceaccount.com (Security Command Center detector) is the agent of organisation 999999999999, not of the stack's (418726350912). Fix: name the stack's own agent instead (serviceAccount:service-org-418726350912@security-center-api.iam.gserviceaccount.com): another organisation's agent acts for whoever administers that organisation",
  },
  // Second attacker review: the same grant in another spelling, a second way into the database, a
  // control plane open to half the internet.
  "a person given IAM admin on the cde standing, named as principal://goog/subject/": {
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "standing-principal",
      inputs: {
        project: "qp-prod-cde",
        role: "roles/resourcemanager.projectIamAdmin",
        member: "principal://goog/subject/mallory@qairopay.com",
      },
    }),
    on: "standing-principal",
    message:
      '[IAM-07] gcp:projects/iAMMember:IAMMember "standing-principal": principal://goog/subject/mallory@qairopay.com holds roles/resourcemanager.projectIamAdmin standing. Fix: remove it and request the role just in time through an entitlement',
  },
  "a Private Service Connect endpoint into card-vault's database for another project": {
    mutate: editResource(
      "prod-card-vault-us-central1",
      (p) =>
        ((p.settings as P).ipConfiguration.pscConfigs = [
          { pscEnabled: true, allowedConsumerProjects: ["attacker-project"] },
        ]),
    ),
    on: "prod-card-vault-us-central1",
    message:
      '[NET-01, ENC-07] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-central1": Private Service Connect is enabled (consumers: attacker-project). Fix: remove pscConfigs; reach the instance over private service access',
  },
  "the cde control plane's authorized networks widened to 0.0.0.0/1": {
    mutate: editResource("prod-cde-gke-us-central1-cluster", (p) =>
      ((p.masterAuthorizedNetworksConfig as P).cidrBlocks as P[]).push({ cidrBlock: "0.0.0.0/1" }),
    ),
    on: "prod-cde-gke-us-central1-cluster",
    message:
      "[IAM-06, NET-02, ENC-01, ENC-02, K8S-04, RES-05, IAM-03, IAM-01] gcp:container/cluster:Cluster \"prod-cde-gke-us-central1-cluster\": masterAuthorizedNetworksConfig admits public ranges wider than a /24: 0.0.0.0/1. Fix: name the operators' and CI runners' egress ranges (a /24 or narrower each), or use private ranges",
  },
  // Second independent attacker pass: principals of other projects, roles beyond each entitlement's
  // purpose, password users, pages nobody receives, perimeters that bridge out.
  "another project's service account given IAM admin on the cde": {
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "foreign-iam-admin",
      inputs: {
        project: "qp-prod-cde",
        role: "roles/resourcemanager.projectIamAdmin",
        member: "serviceAccount:x@evil-project.iam.gserviceaccount.com",
      },
    }),
    on: "foreign-iam-admin",
    message:
      "[IAM-07] gcp:projects/iAMMember:IAMMember \"foreign-iam-admin\": serviceAccount:x@evil-project.iam.gserviceaccount.com holds roles/resourcemanager.projectIamAdmin: an account of project evil-project, which is not one of the stack's. Fix: remove the grant; run automation as a service account of the stack's own projects",
  },
  "another project's account named like a Cloud SQL agent of the cde (service-<cde number>@evil-project) given cloudkms.admin":
    {
      mutate: addResource({
        type: "gcp:kms/keyRingIAMBinding:KeyRingIAMBinding",
        name: "look-alike-agent",
        inputs: {
          keyRingId: "projects/qp-prod-kms/locations/us-central1/keyRings/cardholder",
          role: "roles/cloudkms.admin",
          members: ["serviceAccount:service-102116835757@evil-project.iam.gserviceaccount.com"],
        },
      }),
      on: "look-alike-agent",
      message:
        "[IAM-07] gcp:kms/keyRingIAMBinding:KeyRingIAMBinding \"look-alike-agent\": serviceAccount:service-102116835757@evil-project.iam.gserviceaccount.com holds roles/cloudkms.admin: an account of project evil-project, which is not one of the stack's, or the agent of a Google service agent domain evil-project.iam.gserviceaccount.com the packs do not know. Fix: if it is Google's, add the domain to facts/google/serviceAgents.ts with its source (https://cloud.google.com/iam/docs/service-agents); otherwise remove the grant",
    },
  "the key operator's role given cloudkms.cryptoKeyVersions.useToDecrypt": {
    mutate: editResource("prod-kms-access-qairopayKeyOperator", (p) =>
      (p.permissions as string[]).push("cloudkms.cryptoKeyVersions.useToDecrypt"),
    ),
    on: "prod-kms-access-key-operator",
    message: `[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-kms-access-key-operator": its role projects/qp-prod-kms/roles/qairopayKeyOperator holds cloudkms.cryptoKeyVersions.useToDecrypt, beyond what it is for (rotate a key (npm run rotate-keys: a new version made primary, billed to the key project), never use or destroy one). Fix: keep only ${KEY_OPERATOR} in qairopayKeyOperator`,
  },
  "the key operator's role given cloudkms.cryptoKeyVersions.destroy": {
    mutate: editResource("prod-kms-access-qairopayKeyOperator", (p) =>
      (p.permissions as string[]).push("cloudkms.cryptoKeyVersions.destroy"),
    ),
    on: "prod-kms-access-key-operator",
    message: `[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-kms-access-key-operator": its role projects/qp-prod-kms/roles/qairopayKeyOperator holds cloudkms.cryptoKeyVersions.destroy, beyond what it is for (rotate a key (npm run rotate-keys: a new version made primary, billed to the key project), never use or destroy one). Fix: keep only ${KEY_OPERATOR} in qairopayKeyOperator`,
  },
  "the cde incident operator's role given iam.serviceAccounts.getAccessToken": {
    mutate: editResource("prod-cde-access-qairopayIncidentOperator", (p) =>
      (p.permissions as string[]).push("iam.serviceAccounts.getAccessToken"),
    ),
    on: "prod-cde-access-incident-operator",
    message: `[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-incident-operator": its role projects/qp-prod-cde/roles/qairopayIncidentOperator holds iam.serviceAccounts.getAccessToken, beyond what it is for (restart or fail over an instance, see workloads and delete a pod for its controller to recreate). Fix: keep only ${INCIDENT_OPERATOR} in qairopayIncidentOperator`,
  },
  "the cde incident operator's role given container.pods.exec": {
    mutate: editResource("prod-cde-access-qairopayIncidentOperator", (p) =>
      (p.permissions as string[]).push("container.pods.exec"),
    ),
    on: "prod-cde-access-incident-operator",
    message: `[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-incident-operator": its role projects/qp-prod-cde/roles/qairopayIncidentOperator holds container.pods.exec, beyond what it is for (restart or fail over an instance, see workloads and delete a pod for its controller to recreate). Fix: keep only ${INCIDENT_OPERATOR} in qairopayIncidentOperator`,
  },
  "a BUILT_IN password user on card-vault's database": {
    mutate: addResource({
      type: "gcp:sql/user:User",
      name: "card-vault-password-user",
      inputs: {
        project: "qp-prod-cde",
        instance: "prod-card-vault-us-central1",
        name: "backdoor",
        type: "BUILT_IN",
        password: "hunter2",
      },
    }),
    on: "card-vault-password-user",
    message:
      '[IAM-05] gcp:sql/user:User "card-vault-password-user": user backdoor of instance prod-card-vault-us-central1 is type BUILT_IN: a password user, whoever holds the password signs in, whatever IAM grants or revokes. Fix: set type to one of CLOUD_IAM_USER, CLOUD_IAM_SERVICE_ACCOUNT, CLOUD_IAM_GROUP, CLOUD_IAM_GROUP_USER, CLOUD_IAM_GROUP_SERVICE_ACCOUNT and remove its password',
  },
  "a user without a type (BUILT_IN by default) on card-vault's database": {
    mutate: editResource("prod-card-vault-migration-card-vault-user", (p) => {
      delete p.type;
      p.password = "hunter2";
    }),
    on: "prod-card-vault-migration-card-vault-user",
    message:
      '[IAM-05] gcp:sql/user:User "prod-card-vault-migration-card-vault-user": user card-vault-workload@qp-prod-cde.iam of instance prod-card-vault-us-central1 is of no type (BUILT_IN by default): a password user, whoever holds the password signs in, whatever IAM grants or revokes. Fix: set type to one of CLOUD_IAM_USER, CLOUD_IAM_SERVICE_ACCOUNT, CLOUD_IAM_GROUP, CLOUD_IAM_GROUP_USER, CLOUD_IAM_GROUP_SERVICE_ACCOUNT and remove its password',
  },
  "the logging project's notification channels disabled (enabled: false)": {
    mutate: (resources) =>
      LOGGING_CHANNELS.reduce((rs, n) => editResource(n, (p) => (p.enabled = false))(rs), resources),
    on: "prod-audit-log-bucket",
    message: `${BREAK_GLASS_PAGES_NOBODY}its channel(s) prod-logging-alerts-email-sre-oncall-qairopay-com (disabled), prod-logging-alerts-email-security-oncall-qairopay-com (disabled), prod-logging-alerts-pagerduty (disabled). Fix: re-enable them or name a channel the stack declares (components/securityAlerts.ts)`,
  },
  "the break-glass alert paging a channel the stack does not declare": {
    mutate: editResource(
      BREAK_GLASS_ALERT,
      (p) => (p.notificationChannels = ["projects/qp-prod-logging/notificationChannels/1"]),
    ),
    on: "prod-audit-log-bucket",
    message: `${BREAK_GLASS_PAGES_NOBODY}its channel(s) projects/qp-prod-logging/notificationChannels/1 (not declared by the stack). Fix: re-enable them or name a channel the stack declares (components/securityAlerts.ts)`,
  },
  "card-vault's notification channels disabled (enabled: false)": {
    mutate: (resources) =>
      CARD_VAULT_CHANNELS.reduce((rs, n) => editResource(n, (p) => (p.enabled = false))(rs), resources),
    on: "prod-card-vault-backups-schedule",
    message: `[RES-10] gcp:cloudscheduler/job:Job "prod-card-vault-backups-schedule": alert policy prod-card-vault-alerts-card-vault-backup-export-failed pages nobody: its channel(s) prod-card-vault-alerts-email-sre-oncall-qairopay-com (disabled), prod-card-vault-alerts-email-security-oncall-qairopay-com (disabled), prod-card-vault-alerts-pagerduty (disabled); alert policy prod-card-vault-alerts-card-vault-backup-export-stale pages nobody: its channel(s) prod-card-vault-alerts-email-sre-oncall-qairopay-com (disabled), prod-card-vault-alerts-email-security-oncall-qairopay-com (disabled), prod-card-vault-alerts-pagerduty (disabled). Fix: re-enable them or name a channel the stack declares (components/securityAlerts.ts)`,
  },
  "a bridge perimeter joining the cde to another organisation's project": {
    mutate: addResource({
      type: "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter",
      name: "cde-bridge",
      inputs: {
        parent: "accessPolicies/847362519014",
        name: "accessPolicies/847362519014/servicePerimeters/cde_bridge",
        title: "cde bridge",
        perimeterType: "PERIMETER_TYPE_BRIDGE",
        status: { resources: ["projects/102116835757", "projects/999999999999"] },
      },
    }),
    on: "cde-bridge",
    message:
      "[NET-07] gcp:accesscontextmanager/servicePerimeter:ServicePerimeter \"cde-bridge\": bridge perimeter accessPolicies/847362519014/servicePerimeters/cde_bridge joins the stack's projects/102116835757 to projects/999999999999, outside the stack: every restricted service is open between them, around the perimeter's ingress and egress rules. Fix: delete the bridge; admit the other project's callers with a named ingress or egress rule of the stack's perimeter",
  },
  "a person given the access policy's perimeters to rewrite (accesscontextmanager.policyAdmin) standing": {
    mutate: addResource({
      type: "gcp:accesscontextmanager/accessPolicyIamMember:AccessPolicyIamMember",
      name: "perimeter-admin",
      inputs: {
        name: "accessPolicies/847362519014",
        role: "roles/accesscontextmanager.policyAdmin",
        member: "user:mallory@qairopay.com",
      },
    }),
    on: "perimeter-admin",
    message:
      '[IAM-07] gcp:accesscontextmanager/accessPolicyIamMember:AccessPolicyIamMember "perimeter-admin": user:mallory@qairopay.com holds roles/accesscontextmanager.policyAdmin standing. Fix: remove it and request the role just in time through an entitlement',
  },
  "a second pgaudit.log flag of none on card-vault's primary": {
    mutate: editResource("prod-card-vault-us-central1", (p) =>
      ((p.settings as P).databaseFlags as P[]).push({ name: "pgaudit.log", value: "none" }),
    ),
    on: "prod-card-vault-us-central1",
    message:
      '[IAM-05, LOG-06, LOG-08, TEN-02] gcp:sql/databaseInstance:DatabaseInstance "prod-card-vault-us-central1": database flag pgaudit.log is set 2 times ("all", "none"): which value applies is undefined. Fix: set pgaudit.log once',
  },
  "card-vault's PAN key made import-only (key material made outside Cloud KMS)": {
    mutate: editResource("prod-keys-us-central1-card-vault-pan", (p) => {
      p.importOnly = true;
      p.skipInitialVersionCreation = true;
    }),
    on: "prod-keys-us-central1-card-vault-pan",
    message:
      '[ENC-03] gcp:kms/cryptoKey:CryptoKey "prod-keys-us-central1-card-vault-pan": importOnly is true: every version is key material made outside Cloud KMS and imported. Fix: remove importOnly: Cloud KMS generates the versions of cardholder keys inside its HSMs',
  },
  "a person given decrypt on card-vault's PAN key in a CryptoKeyIAMPolicy": {
    mutate: addResource({
      type: "gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy",
      name: "pan-key-policy",
      inputs: { cryptoKeyId: PAN_KEY, policyData: policyOf("roles/cloudkms.cryptoKeyDecrypter", MALLORY) },
    }),
    on: "pan-key-policy",
    message:
      '[ENC-03] gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy "pan-key-policy": user:mallory@qairopay.com is outside the cardholder-data environment (qp-prod-cde) but is granted roles/cloudkms.cryptoKeyDecrypter on a cardholder key. Fix: remove the grant or use a principal of the cardholder-data project',
  },
  "a person made organisation owner in an organizations IAMPolicy": {
    mutate: addResource({
      type: "gcp:organizations/iAMPolicy:IAMPolicy",
      name: "org-policy",
      inputs: { orgId: "418726350912", policyData: policyOf("roles/owner", MALLORY) },
    }),
    on: "org-policy",
    message:
      '[IAM-01] gcp:organizations/iAMPolicy:IAMPolicy "org-policy": grants basic role roles/owner. Fix: grant a predefined, least-privilege role instead',
  },
  "the findings topic opened to allUsers in a TopicIAMPolicy": {
    mutate: addResource({
      type: "gcp:pubsub/topicIAMPolicy:TopicIAMPolicy",
      name: "findings-topic-policy",
      inputs: {
        topic: "projects/qp-prod-logging/topics/scc-findings",
        policyData: policyOf("roles/pubsub.subscriber", "allUsers"),
      },
    }),
    on: "findings-topic-policy",
    message:
      '[IAM-02] gcp:pubsub/topicIAMPolicy:TopicIAMPolicy "findings-topic-policy": grants roles/pubsub.subscriber to allUsers. Fix: grant named principals only',
  },
  "a person given tokenCreator on card-vault's account in a serviceaccount IAMPolicy": {
    mutate: addResource({
      type: "gcp:serviceaccount/iAMPolicy:IAMPolicy",
      name: "card-vault-sa-policy",
      inputs: {
        serviceAccountId: CARD_VAULT_ACCOUNT,
        policyData: policyOf("roles/iam.serviceAccountTokenCreator", MALLORY),
      },
    }),
    on: "card-vault-sa-policy",
    message:
      '[IAM-07] gcp:serviceaccount/iAMPolicy:IAMPolicy "card-vault-sa-policy": user:mallory@qairopay.com holds roles/iam.serviceAccountTokenCreator standing. Fix: remove it and request the role just in time through an entitlement',
  },
  "card-vault's Kubernetes account given workloadIdentityUser on the whole cde project": {
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "cde-wide-workload-identity",
      inputs: {
        project: "qp-prod-cde",
        role: "roles/iam.workloadIdentityUser",
        member: "serviceAccount:qp-prod-cde.svc.id.goog[card-vault/card-vault]",
      },
    }),
    on: "cde-wide-workload-identity",
    message:
      '[IAM-07] gcp:projects/iAMMember:IAMMember "cde-wide-workload-identity": serviceAccount:qp-prod-cde.svc.id.goog[card-vault/card-vault] holds roles/iam.workloadIdentityUser on project qp-prod-cde: it impersonates every service account there, present and future. Fix: grant it on the one service account to be impersonated (gcp.serviceaccount.IAMMember)',
  },
  "a person given the organisation's deny policies to administer (iam.denyAdmin) standing": {
    mutate: addResource({
      type: "gcp:organizations/iAMMember:IAMMember",
      name: "deny-admin",
      inputs: { orgId: "418726350912", role: "roles/iam.denyAdmin", member: MALLORY },
    }),
    on: "deny-admin",
    message:
      '[IAM-07] gcp:organizations/iAMMember:IAMMember "deny-admin": user:mallory@qairopay.com holds roles/iam.denyAdmin standing. Fix: remove it and request the role just in time through an entitlement',
  },
  "another project's workload identity pool given workloadIdentityUser on card-vault's account": {
    mutate: addResource({
      type: "gcp:serviceaccount/iAMMember:IAMMember",
      name: "foreign-pool",
      inputs: {
        serviceAccountId: CARD_VAULT_ACCOUNT,
        role: "roles/iam.workloadIdentityUser",
        member:
          "principalSet://iam.googleapis.com/projects/999/locations/global/workloadIdentityPools/p/attribute.repository/evil/repo",
      },
    }),
    on: "foreign-pool",
    message:
      '[IAM-07] gcp:serviceaccount/iAMMember:IAMMember "foreign-pool": principalSet://iam.googleapis.com/projects/999/locations/global/workloadIdentityPools/p/attribute.repository/evil/repo holds roles/iam.workloadIdentityUser: an identity of project number 999, which no perimeter of the stack surrounds. Fix: remove the grant; run automation as a service account of the stack\'s own projects',
  },
  "a group made break-glass by a new, harmless deny policy that excepts it": {
    mutate: (resources) =>
      addResource({
        type: "gcp:projects/iAMMember:IAMMember",
        name: "attackers-sql-admin",
        inputs: {
          project: "qp-prod-cde",
          role: "roles/cloudsql.admin",
          member: "group:attackers@qairopay.com",
        },
      })(
        addResource({
          type: "gcp:iam/denyPolicy:DenyPolicy",
          name: "harmless-deny",
          inputs: {
            parent: "cloudresourcemanager.googleapis.com%2Fprojects%2Fqp-prod-cde",
            name: "no-dataset-delete",
            rules: [
              {
                denyRule: {
                  deniedPrincipals: ["principalSet://goog/public:all"],
                  deniedPermissions: ["bigquery.googleapis.com/datasets.delete"],
                  exceptionPrincipals: ["principalSet://goog/group/attackers@qairopay.com"],
                },
              },
            ],
          },
        })(resources),
      ),
    on: "attackers-sql-admin",
    message:
      '[IAM-07] gcp:projects/iAMMember:IAMMember "attackers-sql-admin": group:attackers@qairopay.com holds roles/cloudsql.admin standing. Fix: remove it and request the role just in time through an entitlement',
  },
  "the cde data-access approvers named as the requesters' principal set": {
    mutate: editResource("prod-cde-access-data-access", (p) => {
      (p.approvalWorkflow as P).manualApprovals.steps[0].approvers.principals = [
        "principalSet://goog/group/sre-oncall@qairopay.com",
      ];
    }),
    on: "prod-cde-access-data-access",
    message:
      '[IAM-07] gcp:privilegedaccessmanager/entitlement:entitlement "prod-cde-access-data-access": its requesters principalSet://goog/group/sre-oncall@qairopay.com also approve it. Fix: name a different group of approvers',
  },
  "a person given a new custom role holding cloudkms.cryptoKeyVersions.useToDecrypt": {
    mutate: (resources) =>
      addResource({
        type: "gcp:projects/iAMMember:IAMMember",
        name: "helper-grant",
        inputs: { project: "qp-prod-kms", role: "projects/qp-prod-kms/roles/helper", member: MALLORY },
      })(
        addResource({
          type: "gcp:projects/iAMCustomRole:IAMCustomRole",
          name: "decrypt-helper",
          inputs: {
            project: "qp-prod-kms",
            roleId: "helper",
            title: "helper",
            permissions: ["cloudkms.cryptoKeyVersions.useToDecrypt", "cloudkms.cryptoKeys.get"],
          },
        })(resources),
      ),
    on: "helper-grant",
    message:
      '[IAM-07] gcp:projects/iAMMember:IAMMember "helper-grant": user:mallory@qairopay.com holds projects/qp-prod-kms/roles/helper standing (a custom role holding cloudkms.cryptoKeyVersions.useToDecrypt). Fix: remove it and request the role just in time through an entitlement',
  },
  "card-vault's account given cloudsql.admin in a project IAMBinding": {
    mutate: addResource({
      type: "gcp:projects/iAMBinding:IAMBinding",
      name: "vault-sql-admins",
      inputs: {
        project: "qp-prod-cde",
        role: "roles/cloudsql.admin",
        members: ["serviceAccount:card-vault-workload@qp-prod-cde.iam.gserviceaccount.com"],
      },
    }),
    on: "vault-sql-admins",
    message:
      '[IAM-04] gcp:projects/iAMBinding:IAMBinding "vault-sql-admins": application account serviceAccount:card-vault-workload@qp-prod-cde.iam.gserviceaccount.com is granted roles/cloudsql.admin. Fix: grant a data-plane role instead',
  },
  "any namespace's Kubernetes account of the cde given cloudkms.admin on the KMS project": {
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "any-pod-kms-admin",
      inputs: {
        project: "qp-prod-kms",
        role: "roles/cloudkms.admin",
        member: "serviceAccount:qp-prod-cde.svc.id.goog[attacker/default]",
      },
    }),
    on: "any-pod-kms-admin",
    message:
      '[IAM-04] gcp:projects/iAMMember:IAMMember "any-pod-kms-admin": application account serviceAccount:qp-prod-cde.svc.id.goog[attacker/default] is granted roles/cloudkms.admin. Fix: grant a data-plane role instead',
  },
  "a cde pod's identity in principal:// form given cloudsql.admin": {
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "any-pod-sql-admin",
      inputs: {
        project: "qp-prod-cde",
        role: "roles/cloudsql.admin",
        member: CDE_POD_PRINCIPAL,
      },
    }),
    on: "any-pod-sql-admin",
    message: `[IAM-04] gcp:projects/iAMMember:IAMMember "any-pod-sql-admin": application account ${CDE_POD_PRINCIPAL} is granted roles/cloudsql.admin. Fix: grant a data-plane role instead`,
  },
};

export const MEANING_CASES: PolicyCase[] = WEAKENINGS.map((w) => {
  const proof = PROOFS[w.title];
  if (!proof) throw new Error(`weakening "${w.title}" has no proof in specs/cases/meaningCases.ts`);
  return { policy: w.policy, title: weakeningTitle(w), ...proof };
});

/** Proofs without a catalogue entry: the documentation would not list them. */
export const UNCATALOGUED_PROOFS = Object.keys(PROOFS).filter((t) => !WEAKENINGS.some((w) => w.title === t));
