import { CapturedResource } from "../../engine/model";
import { addResource, editResource, Mutation } from "../mutate";
import type { PolicyCase } from "./policyCases";

/**
 * The third independent attacker pass (#26): each change passed every pack with no mandatory
 * violation before its policy learned to refuse it. Keyed by the weakening's title in
 * catalogue/weakenings.ts; specs/cases/meaningCases.ts turns them into cases.
 */
type Proof = Omit<PolicyCase, "policy" | "title">;

const CARD_VAULT_DENY = "prod-cde-baseline-us-central1-card-vault-default-deny";
const MALLORY = "mallory@qairopay.com";
const CARD_VAULT_SA = "serviceAccount:card-vault-workload@qp-prod-cde.iam.gserviceaccount.com";

function providerOf(resources: CapturedResource[], name: string): string {
  const r = resources.find((x) => x.name === name);
  if (!r?.provider) throw new Error(`no provider for ${name}`);
  return r.provider;
}

/** A Kubernetes object on card-vault's us-central1 cde cluster. */
const onCdeCluster =
  (type: string, name: string, inputs: Record<string, unknown>): Mutation =>
  (resources) =>
    addResource({ type, name, provider: providerOf(resources, CARD_VAULT_DENY), inputs })(resources);

const RBAC = "rbac.authorization.k8s.io";

export const THIRD_PASS_PROOFS: Record<string, Proof> = {
  "a person given cluster-admin on a cde cluster by a ClusterRoleBinding": {
    mutate: onCdeCluster(`kubernetes:${RBAC}/v1:ClusterRoleBinding`, "mallory-admin", {
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name: "mallory-admin" },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "User", name: MALLORY, apiGroup: RBAC }],
    }),
    on: "mallory-admin",
    message:
      '[IAM-07] kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding "mallory-admin": ClusterRoleBinding mallory-admin grants ClusterRole cluster-admin (every verb on every resource) to User mallory@qairopay.com cluster-wide. Fix: delete the binding: people get cluster access just in time through a Privileged Access Manager entitlement of a container role, never standing RBAC',
  },
  "a person added to a cde cluster's own cluster-admin binding by a ClusterRoleBindingPatch": {
    mutate: onCdeCluster(`kubernetes:${RBAC}/v1:ClusterRoleBindingPatch`, "cluster-admin-patch", {
      metadata: { name: "cluster-admin" },
      subjects: [{ kind: "User", name: MALLORY, apiGroup: RBAC }],
    }),
    on: "cluster-admin-patch",
    message:
      '[IAM-07] kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBindingPatch "cluster-admin-patch": ClusterRoleBinding cluster-admin grants the role of the live binding it patches (a role the stack does not declare, so what it grants cannot be judged) to User mallory@qairopay.com cluster-wide. Fix: delete the binding: people get cluster access just in time through a Privileged Access Manager entitlement of a container role, never standing RBAC',
  },
  "card-vault's service account bound to a Role reading the namespace's Secrets": {
    mutate: (resources) =>
      onCdeCluster(`kubernetes:${RBAC}/v1:RoleBinding`, "vault-reads-secrets", {
        metadata: { name: "vault-reads-secrets", namespace: "card-vault" },
        roleRef: { apiGroup: RBAC, kind: "Role", name: "secret-reader" },
        subjects: [{ kind: "ServiceAccount", name: "card-vault", namespace: "card-vault" }],
      })(
        onCdeCluster(`kubernetes:${RBAC}/v1:Role`, "secret-reader", {
          metadata: { name: "secret-reader", namespace: "card-vault" },
          rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
        })(resources),
      ),
    on: "vault-reads-secrets",
    message:
      '[IAM-07] kubernetes:rbac.authorization.k8s.io/v1:RoleBinding "vault-reads-secrets": RoleBinding vault-reads-secrets grants Role secret-reader (get, list on secrets) to ServiceAccount card-vault/card-vault in namespace card-vault. Fix: delete the binding: people get cluster access just in time through a Privileged Access Manager entitlement of a container role, never standing RBAC',
  },
  "a ClusterRole holding impersonate on users": {
    mutate: onCdeCluster(`kubernetes:${RBAC}/v1:ClusterRole`, "impersonator", {
      metadata: { name: "impersonator" },
      rules: [{ apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"] }],
    }),
    on: "impersonator",
    message:
      '[IAM-07] kubernetes:rbac.authorization.k8s.io/v1:ClusterRole "impersonator": ClusterRole impersonator holds impersonate: whoever it is bound to can grant themselves any permission, or act as anyone. Fix: remove the verb; RBAC is not changed from inside the cluster',
  },
  "every authenticated Google account given the read-only view role on a cde cluster": {
    mutate: onCdeCluster(`kubernetes:${RBAC}/v1:ClusterRoleBinding`, "everyone-views", {
      metadata: { name: "everyone-views" },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "Group", name: "system:authenticated", apiGroup: RBAC }],
    }),
    on: "everyone-views",
    message:
      '[IAM-07] kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding "everyone-views": ClusterRoleBinding everyone-views grants ClusterRole view to Group system:authenticated: anyone who reaches the API server, or a group RBAC cannot restrict. Fix: bind only named identities',
  },
  "a person bound to a ClusterRole the stack does not declare": {
    mutate: onCdeCluster(`kubernetes:${RBAC}/v1:ClusterRoleBinding`, "mallory-node-proxier", {
      metadata: { name: "mallory-node-proxier" },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: "system:node-proxier" },
      subjects: [{ kind: "User", name: MALLORY, apiGroup: RBAC }],
    }),
    on: "mallory-node-proxier",
    message:
      '[IAM-07] kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding "mallory-node-proxier": ClusterRoleBinding mallory-node-proxier grants ClusterRole system:node-proxier (a role the stack does not declare, so what it grants cannot be judged) to User mallory@qairopay.com cluster-wide. Fix: delete the binding: people get cluster access just in time through a Privileged Access Manager entitlement of a container role, never standing RBAC',
  },
  "card-vault's allow-gateway-ingress widened to ipBlock 0.0.0.0/0": {
    mutate: editResource("prod-cde-baseline-us-central1-card-vault-allow-gateway", (p) => {
      (p.spec as { ingress: { from: unknown[] }[] }).ingress[0].from = [{ ipBlock: { cidr: "0.0.0.0/0" } }];
    }),
    on: "prod-cde-baseline-us-central1-card-vault-allow-gateway",
    message:
      '[NET-09, K8S-02] kubernetes:networking.k8s.io/v1:NetworkPolicy "prod-cde-baseline-us-central1-card-vault-allow-gateway": NetworkPolicy card-vault/allow-gateway-ingress admits ipBlock 0.0.0.0/0 into the cardholder-data environment, not only the Private Service Connect NAT ranges [10.78.0.0/24, 10.78.1.0/24]. Fix: admit only an ipBlock within the cde project\'s Private Service Connect NAT range (allow-gateway-ingress)',
  },
  "an allow-all ingress NetworkPolicy beside card-vault's default-deny": {
    mutate: onCdeCluster("kubernetes:networking.k8s.io/v1:NetworkPolicy", "card-vault-allow-all-in", {
      metadata: { name: "allow-all-in", namespace: "card-vault" },
      spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] },
    }),
    on: "card-vault-allow-all-in",
    message:
      '[NET-09, K8S-02] kubernetes:networking.k8s.io/v1:NetworkPolicy "card-vault-allow-all-in": NetworkPolicy card-vault/allow-all-in admits every source (no from) into the cardholder-data environment, not only the Private Service Connect NAT ranges [10.78.0.0/24, 10.78.1.0/24]. Fix: admit only an ipBlock within the cde project\'s Private Service Connect NAT range (allow-gateway-ingress)',
  },
  "card-vault's allow-gateway-ingress patched to admit 0.0.0.0/0 by a NetworkPolicyPatch": {
    mutate: onCdeCluster("kubernetes:networking.k8s.io/v1:NetworkPolicyPatch", "card-vault-ingress-patch", {
      metadata: { name: "allow-gateway-ingress", namespace: "card-vault" },
      spec: { ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
    }),
    on: "card-vault-ingress-patch",
    message:
      '[NET-09, K8S-02] kubernetes:networking.k8s.io/v1:NetworkPolicyPatch "card-vault-ingress-patch": NetworkPolicy card-vault/allow-gateway-ingress admits ipBlock 0.0.0.0/0 into the cardholder-data environment, not only the Private Service Connect NAT ranges [10.78.0.0/24, 10.78.1.0/24]. Fix: admit only an ipBlock within the cde project\'s Private Service Connect NAT range (allow-gateway-ingress)',
  },
  "card-vault's pods admitting the ledger namespace's pods by selector": {
    mutate: onCdeCluster("kubernetes:networking.k8s.io/v1:NetworkPolicy", "card-vault-from-ledger", {
      metadata: { name: "from-ledger", namespace: "card-vault" },
      spec: {
        podSelector: { matchLabels: { app: "card-vault" } },
        policyTypes: ["Ingress"],
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ledger" } } }] },
        ],
      },
    }),
    on: "card-vault-from-ledger",
    message:
      '[NET-09, K8S-02] kubernetes:networking.k8s.io/v1:NetworkPolicy "card-vault-from-ledger": NetworkPolicy card-vault/from-ledger admits pods chosen by selector ({"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ledger"}}}) into the cardholder-data environment, not only the Private Service Connect NAT ranges [10.78.0.0/24, 10.78.1.0/24]. Fix: admit only an ipBlock within the cde project\'s Private Service Connect NAT range (allow-gateway-ingress)',
  },
  "card-vault's pods allowed to send to every namespace (namespaceSelector {})": {
    mutate: onCdeCluster("kubernetes:networking.k8s.io/v1:NetworkPolicy", "card-vault-to-all-ns", {
      metadata: { name: "to-all-ns", namespace: "card-vault" },
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] },
    }),
    on: "card-vault-to-all-ns",
    message:
      '[NET-09, K8S-02] kubernetes:networking.k8s.io/v1:NetworkPolicy "card-vault-to-all-ns": NetworkPolicy card-vault/to-all-ns lets cardholder pods send to every namespace matching {}. Fix: send by selector only to kube-system\'s kube-dns pods; reach anything else by its ipBlock (allow-datastores)',
  },
  "card-vault's account exempted from the cde's Cloud KMS DATA_READ audit logs by a per-service config": {
    mutate: addResource({
      type: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
      name: "cde-kms-exemption",
      inputs: {
        project: "qp-prod-cde",
        service: "cloudkms.googleapis.com",
        auditLogConfigs: [{ logType: "DATA_READ", exemptedMembers: [CARD_VAULT_SA] }],
      },
    }),
    on: "cde-kms-exemption",
    message:
      '[LOG-04] gcp:projects/iAMAuditConfig:IAMAuditConfig "cde-kms-exemption": cloudkms.googleapis.com DATA_READ audit logs of project qp-prod-cde exempt serviceAccount:card-vault-workload@qp-prod-cde.iam.gserviceaccount.com: their calls are not recorded, whatever allServices enables (the two are unioned). Fix: remove exemptedMembers',
  },
  "a person exempted from DATA_READ audit logs across the organisation": {
    mutate: addResource({
      type: "gcp:organizations/iamAuditConfig:IamAuditConfig",
      name: "org-exemption",
      inputs: {
        orgId: "418726350912",
        service: "allServices",
        auditLogConfigs: [{ logType: "DATA_READ", exemptedMembers: [`user:${MALLORY}`] }],
      },
    }),
    on: "org-exemption",
    message:
      '[LOG-04] gcp:organizations/iamAuditConfig:IamAuditConfig "org-exemption": allServices DATA_READ audit logs of organizations/418726350912 exempt user:mallory@qairopay.com: their calls are not recorded. Fix: remove exemptedMembers',
  },
  "the break-glass metric disabled (disabled: true)": {
    mutate: editResource("prod-logging-alerts-break-glass-activity", (p) => (p.disabled = true)),
    on: "prod-audit-log-bucket",
    message:
      '[IAM-07] gcp:logging/projectBucketConfig:ProjectBucketConfig "prod-audit-log-bucket": no alerted metric over the audit bucket matches the break-glass accounts\' actions, their own and through impersonation. Fix: alert on protoPayload.authenticationInfo.principalEmail= and protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail= of each break-glass account, a plain OR of those terms, watched by an enabled alert policy that fires above zero, with a notification channel the stack declares and keeps enabled',
  },
  "service account key creation allowed on the cde by a legacy v1 OrganizationPolicy": {
    mutate: addResource({
      type: "gcp:projects/organizationPolicy:OrganizationPolicy",
      name: "cde-keys-allowed",
      inputs: {
        project: "qp-prod-cde",
        constraint: "iam.disableServiceAccountKeyCreation",
        booleanPolicy: { enforced: false },
      },
    }),
    on: "cde-keys-allowed",
    message:
      '[GOV-03] gcp:projects/organizationPolicy:OrganizationPolicy "cde-keys-allowed": it sets iam.disableServiceAccountKeyCreation on project qp-prod-cde to booleanPolicy {"enforced":false} through the legacy v1 API: a second writer of the constraint the guardrails set, outside their checks. Fix: declare guardrails with gcp:orgpolicy/policy:Policy in the catalogue',
  },
  "external IPs allowed on the cde's VMs by a legacy v1 OrganizationPolicy list policy": {
    mutate: addResource({
      type: "gcp:projects/organizationPolicy:OrganizationPolicy",
      name: "cde-external-ips",
      inputs: {
        project: "qp-prod-cde",
        constraint: "compute.vmExternalIpAccess",
        listPolicy: { allow: { all: true } },
      },
    }),
    on: "cde-external-ips",
    message:
      '[GOV-03] gcp:projects/organizationPolicy:OrganizationPolicy "cde-external-ips": it sets compute.vmExternalIpAccess on project qp-prod-cde to listPolicy {"allow":{"all":true}} through the legacy v1 API: a second writer of the constraint the guardrails set, outside their checks. Fix: declare guardrails with gcp:orgpolicy/policy:Policy in the catalogue',
  },
  "a guardrail restored to Google's default across the organisation by a legacy v1 Policy": {
    mutate: addResource({
      type: "gcp:organizations/policy:Policy",
      name: "org-restore-peering",
      inputs: {
        orgId: "418726350912",
        constraint: "compute.restrictVpcPeering",
        restorePolicy: { default: true },
      },
    }),
    on: "org-restore-peering",
    message:
      '[GOV-03] gcp:organizations/policy:Policy "org-restore-peering": it sets compute.restrictVpcPeering on organizations/418726350912 to restorePolicy (Google\'s default) through the legacy v1 API: a second writer of the constraint the guardrails set, outside their checks. Fix: declare guardrails with gcp:orgpolicy/policy:Policy in the catalogue',
  },
  "a Cloud Storage HMAC key for card-vault's service account": {
    mutate: addResource({
      type: "gcp:storage/hmacKey:HmacKey",
      name: "card-vault-hmac",
      inputs: { project: "qp-prod-cde", serviceAccountEmail: CARD_VAULT_SA.replace("serviceAccount:", "") },
    }),
    on: "card-vault-hmac",
    message:
      '[IAM-03] gcp:storage/hmacKey:HmacKey "card-vault-hmac": creates a Cloud Storage HMAC key for card-vault-workload@qp-prod-cde.iam.gserviceaccount.com: a long-lived secret that signs requests as the account. Fix: remove it and use Workload Identity',
  },
  "an API key bound to card-vault's service account": {
    mutate: addResource({
      type: "gcp:projects/apiKey:ApiKey",
      name: "card-vault-api-key",
      inputs: {
        project: "qp-prod-cde",
        name: "card-vault",
        displayName: "card-vault",
        serviceAccountEmail: CARD_VAULT_SA.replace("serviceAccount:", ""),
      },
    }),
    on: "card-vault-api-key",
    message:
      '[IAM-03] gcp:projects/apiKey:ApiKey "card-vault-api-key": creates an API key bound to card-vault-workload@qp-prod-cde.iam.gserviceaccount.com: a long-lived string that authenticates as the account. Fix: remove serviceAccountEmail (or the key) and use Workload Identity',
  },
  "SSH from the internet admitted by a rule of the cde's network firewall policy": {
    mutate: addResource({
      type: "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule",
      name: "cde-ssh-in",
      inputs: {
        action: "allow",
        direction: "INGRESS",
        firewallPolicy: "prod-cde-egress",
        match: { srcIpRanges: ["0.0.0.0/0"], layer4Configs: [{ ipProtocol: "tcp", ports: ["22"] }] },
        priority: 100,
        project: "qp-prod-cde",
        ruleName: "in",
        enableLogging: true,
      },
    }),
    on: "cde-ssh-in",
    message:
      '[NET-03] gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule "cde-ssh-in": allow admits tcp:22 (SSH/RDP) from 0.0.0.0/0, outside the VPCs and Google\'s load balancers. Fix: admit only 35.191.0.0/16, 130.211.0.0/22 or internal ranges; use IAP or OS Login for administration',
  },
  "every source in a country admitted by an organisation firewall policy rule inspected by a security profile":
    {
      mutate: addResource({
        type: "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules",
        name: "org-inspected-in",
        inputs: {
          parent: "organizations/418726350912",
          shortName: "inspected-in",
          rules: [
            {
              action: "apply_security_profile_group",
              direction: "INGRESS",
              priority: 10,
              ruleName: "from-country",
              match: { srcRegionCodes: ["US"], layer4Configs: [{ ipProtocol: "tcp", ports: ["443"] }] },
            },
          ],
        },
      }),
      on: "org-inspected-in",
      message:
        '[NET-03] gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules "org-inspected-in": rule from-country: apply_security_profile_group admits tcp:443 from region US, outside the VPCs and Google\'s load balancers. Fix: admit only 35.191.0.0/16, 130.211.0.0/22 or internal ranges; use IAP or OS Login for administration',
    },
  "the cde subnet made dual-stack with external IPv6 addresses": {
    mutate: editResource("prod-cde-net-us-central1", (p) => {
      p.stackType = "IPV4_IPV6";
      p.ipv6AccessType = "EXTERNAL";
    }),
    on: "prod-cde-net-us-central1",
    message:
      '[NET-08, NET-03] gcp:compute/subnetwork:Subnetwork "prod-cde-net-us-central1": stackType IPV4_IPV6 with ipv6AccessType EXTERNAL: its VMs get IPv6 addresses reachable from the internet, and the egress deny-all (0.0.0.0/0) matches IPv4 only. Fix: remove ipv6AccessType EXTERNAL (IPV4_ONLY, or INTERNAL IPv6)',
  },
};
