import { addResource, editResource } from "../mutate";
import type { PolicyCase } from "./policyCases";

/**
 * Failing cases of the policies on the way into the platform (issues #21 and #29): the perimeter's
 * restricted services and ingress sources, and the control planes' internal endpoint.
 */
const PERIMETER = "prod-perimeter-perimeter";
const PERIMETER_TYPE =
  'gcp:accesscontextmanager/servicePerimeter:ServicePerimeter "prod-perimeter-perimeter"';
const DEPLOYER = "serviceAccount:prod-deployer@qp-platform-ci.iam.gserviceaccount.com";
const PLAN = "serviceAccount:prod-plan@qp-platform-ci.iam.gserviceaccount.com";
const PAM_AGENT = "serviceAccount:service-org-418726350912@gcp-sa-pam.iam.gserviceaccount.com";
const EXPORTER = "serviceAccount:ledger-backup-export@qp-prod-platform.iam.gserviceaccount.com";
const LOOKALIKE = "serviceAccount:service-123456789012@qp-prod-platform.iam.gserviceaccount.com";

type Ingress = { ingressFrom: { identities?: string[]; sources?: { accessLevel?: string }[] } };
const ingressOf = (p: Record<string, unknown>) => (p.spec as { ingressPolicies: Ingress[] }).ingressPolicies;

export const PERIMETER_ACCESS_CASES: PolicyCase[] = [
  {
    policy: "vpcsc-perimeter-restricts-enabled-apis",
    title: "Compute Engine enabled and left out of the restricted services (node disks snapshotted out)",
    mutate: editResource(PERIMETER, (p) => {
      const spec = p.spec as { restrictedServices: string[] };
      spec.restrictedServices = spec.restrictedServices.filter((s) => s !== "compute.googleapis.com");
    }),
    on: PERIMETER,
    message: `[NET-07] ${PERIMETER_TYPE}: compute.googleapis.com is enabled (qp-prod-platform, qp-prod-cde) and supported by VPC Service Controls, but not restricted: its data can leave the perimeter, and the VPCs (limited to RESTRICTED-SERVICES) cannot call it. Fix: add it to restrictedServices`,
  },
  {
    policy: "vpcsc-perimeter-restricts-enabled-apis",
    title: "an API enabled that the table of VPC Service Controls support does not know",
    mutate: addResource({
      type: "gcp:projects/service:Service",
      name: "prod-platform-aiplatform",
      inputs: { project: "qp-prod-platform", service: "aiplatform.googleapis.com" },
    }),
    on: PERIMETER,
    message: `[NET-07] ${PERIMETER_TYPE}: aiplatform.googleapis.com is enabled (qp-prod-platform) and the table of VPC Service Controls support does not know it. Fix: look it up and add its row to policies/lib/vpcScSupportedServices.ts`,
  },
  {
    policy: "vpcsc-perimeter-ingress-named-sources",
    title: "the deployer admitted from any source (accessLevel `*`): a stolen CI token works from anywhere",
    mutate: editResource(PERIMETER, (p) => {
      ingressOf(p)[0].ingressFrom.sources = [{ accessLevel: "*" }];
    }),
    on: PERIMETER,
    message: `[NET-07, IAM-08] ${PERIMETER_TYPE}: ingress rule 1 admits ${DEPLOYER}, ${PLAN} to * from [{"accessLevel":"*"}]: a stolen token of that identity works from anywhere. Fix: set sources to the operators' access level only`,
  },
  {
    policy: "vpcsc-perimeter-ingress-named-sources",
    title:
      "widened: the operators' access level set on the perimeter itself, admitting any identity from its networks",
    mutate: editResource(PERIMETER, (p) => {
      (p.spec as { accessLevels: string[] }).accessLevels = [
        "accessPolicies/847362519014/accessLevels/prod_qairopay_operators",
      ];
    }),
    on: PERIMETER,
    message: `[NET-07, IAM-08] ${PERIMETER_TYPE}: the perimeter itself admits access levels accessPolicies/847362519014/accessLevels/prod_qairopay_operators: any identity calling from their networks passes, whatever its ingress rules name (a token stolen from a pod, replayed from a CI runner). Fix: set accessLevels to [] and admit people and CI by name in ingress rules from that level`,
  },
  {
    policy: "vpcsc-perimeter-ingress-named-sources",
    title:
      "widened: the operators' rule turned into Cloud Logging for any identity from anywhere (the sink writers' exception taken by others)",
    mutate: editResource(PERIMETER, (p) => {
      const rule = ingressOf(p).find(
        (r) => (r as { title?: string }).title === "Operators from the operators' networks",
      )!;
      (rule.ingressFrom as Record<string, unknown>).identityType = "ANY_IDENTITY";
      delete rule.ingressFrom.identities;
      rule.ingressFrom.sources = [{ accessLevel: "*" }];
      (rule as Record<string, unknown>).ingressTo = {
        resources: ["*"],
        operations: [{ serviceName: "logging.googleapis.com", methodSelectors: [{ method: "*" }] }],
      };
    }),
    on: PERIMETER,
    message: `[NET-07, IAM-08] ${PERIMETER_TYPE}: ingress rule 5 admits identityType ANY_IDENTITY to logging.googleapis.com: any such identity, not the named ones. Fix: drop identityType and list the identities the rule admits`,
  },
  {
    policy: "vpcsc-perimeter-ingress-named-sources",
    title: "an ingress rule with no source at all",
    mutate: editResource(PERIMETER, (p) => {
      delete ingressOf(p)[0].ingressFrom.sources;
    }),
    on: PERIMETER,
    message: `[NET-07, IAM-08] ${PERIMETER_TYPE}: ingress rule 1 admits ${DEPLOYER}, ${PLAN} to * from no source: a stolen token of that identity works from anywhere. Fix: set sources to the operators' access level only`,
  },
  {
    policy: "vpcsc-perimeter-ingress-named-sources",
    title:
      "a user-managed account (the backup exporter) slipped into the service agents' any-source rule (PAM's)",
    mutate: editResource(PERIMETER, (p) => {
      const rule = ingressOf(p).find(
        (r) => (r as { title?: string }).title === "Privileged Access Manager grants",
      )!;
      rule.ingressFrom.identities!.push(EXPORTER);
    }),
    on: PERIMETER,
    message: `[NET-07, IAM-08] ${PERIMETER_TYPE}: ingress rule 4 admits ${PAM_AGENT}, ${EXPORTER} to cloudresourcemanager.googleapis.com, privilegedaccessmanager.googleapis.com from [{"accessLevel":"*"}]: a stolen token of that identity works from anywhere. Fix: set sources to the operators' access level only`,
  },
  {
    policy: "vpcsc-perimeter-ingress-named-sources",
    title:
      "an account named like a service agent in a project of its own (service-1@<project>) from any source",
    mutate: editResource(PERIMETER, (p) => {
      const rule = ingressOf(p).find(
        (r) => (r as { title?: string }).title === "Privileged Access Manager grants",
      )!;
      rule.ingressFrom.identities = [LOOKALIKE];
    }),
    on: PERIMETER,
    message: `[NET-07, IAM-08] ${PERIMETER_TYPE}: ingress rule 4 admits ${LOOKALIKE} to cloudresourcemanager.googleapis.com, privilegedaccessmanager.googleapis.com from [{"accessLevel":"*"}]: a stolen token of that identity works from anywhere. Fix: set sources to the operators' access level only`,
  },
  {
    policy: "vpcsc-perimeter-ingress-named-sources",
    title:
      "the operators' access level OR'd with the deployer's identity (it admits the deployer from anywhere)",
    mutate: editResource("prod-perimeter-operators", (p) => {
      (p.basic as { conditions: unknown[] }).conditions.push({ members: [DEPLOYER] });
    }),
    on: "prod-perimeter-operators",
    message: `[NET-07, IAM-08] gcp:accesscontextmanager/accessLevel:AccessLevel "prod-perimeter-operators": access level accessPolicies/847362519014/accessLevels/prod_qairopay_operators admits ${DEPLOYER} from any network (a members condition with no network). Fix: drop the members condition: admit identities with an ingress rule from this level's networks`,
  },
  {
    policy: "gke-internal-endpoint-authorized",
    title:
      "authorized networks not enforced on the internal endpoint (any VM of the VPC reaches the API server)",
    mutate: editResource("prod-cde-gke-us-east1-cluster", (p) => {
      (p.masterAuthorizedNetworksConfig as Record<string, unknown>).privateEndpointEnforcementEnabled = false;
    }),
    on: "prod-cde-gke-us-east1-cluster",
    message:
      "[IAM-06] gcp:container/cluster:Cluster \"prod-cde-gke-us-east1-cluster\": masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled is false: any VM of the VPC reaches the control plane's internal endpoint. Fix: set it to true, with the cluster's node and Pod ranges among the authorized networks",
  },
  {
    policy: "gke-internal-endpoint-authorized",
    title: "the enforcement left unset (Google's default is off)",
    mutate: editResource("prod-gke-us-central1-cluster", (p) => {
      delete (p.masterAuthorizedNetworksConfig as Record<string, unknown>).privateEndpointEnforcementEnabled;
    }),
    on: "prod-gke-us-central1-cluster",
    message:
      "[IAM-06] gcp:container/cluster:Cluster \"prod-gke-us-central1-cluster\": masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled is null: any VM of the VPC reaches the control plane's internal endpoint. Fix: set it to true, with the cluster's node and Pod ranges among the authorized networks",
  },
];
