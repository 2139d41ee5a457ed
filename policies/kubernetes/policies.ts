import { Policies } from "@pulumi/policy";
import { computeSslPolicy } from "./compute-ssl-policy";
import { gatewayCloudArmor } from "./gateway-cloud-armor";
import { gatewayHttpsTls } from "./gateway-https-tls";
import { gkeActiveActive } from "./gke-active-active";
import { gkeClusterHardening } from "./gke-cluster-hardening";
import { gkeEgressNat } from "./gke-egress-nat";
import { idsPerRegion } from "./ids-per-region";
import { k8sDefaultDeny } from "./k8s-default-deny";
import { k8sNamespacePsa } from "./k8s-namespace-psa";
import { k8sWorkloadIdentity } from "./k8s-workload-identity";

/** The Kubernetes pack's policies; imported by tests and the offline evaluator, never via index.ts. */
export const kubernetesPolicies: Policies = [
  gkeClusterHardening,
  gkeActiveActive,
  gkeEgressNat,
  k8sNamespacePsa,
  k8sDefaultDeny,
  k8sWorkloadIdentity,
  gatewayHttpsTls,
  gatewayCloudArmor,
  computeSslPolicy,
  idsPerRegion,
];
