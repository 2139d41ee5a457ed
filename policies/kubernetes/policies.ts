import { Policies } from "@pulumi/policy";
import { binaryAuthorizationAttestation } from "./binaryauthorization-policy-attestation";
import { computeSslPolicy } from "./compute-ssl-policy-tls12-modern";
import { serviceAppProtocol } from "./k8s-service-app-protocol";
import { gatewayCloudArmor } from "./gateway-backend-cloud-armor";
import { gatewayHttpsTls } from "./gateway-https-only-tls12";
import { gkeActiveActive } from "./gke-active-active";
import { gkeClusterHardening } from "./gke-cluster-hardening";
import { gkeDnsEndpointPerimeter } from "./gke-dns-endpoint-perimeter";
import { gkeInternalEndpointAuthorized } from "./gke-internal-endpoint-authorized";
import { k8sCardholderNetworkPeers } from "./k8s-cardholder-network-peers";
import { k8sCardholderSegmentation } from "./k8s-cardholder-segmentation";
import { k8sCardholderServicePrivate } from "./k8s-cardholder-service-private";
import { gkeEgressNat } from "./gke-private-egress-nat";
import { idsPerRegion } from "./ids-endpoint-per-region";
import { k8sDefaultDeny } from "./k8s-namespace-default-deny";
import { k8sRbacLeastPrivilege } from "./k8s-rbac-least-privilege";
import { k8sPrivateServiceEndpointCallers } from "./k8s-private-service-endpoint-callers";
import { k8sNamespacePsa } from "./k8s-namespace-psa-restricted";
import { k8sWorkloadIdentity } from "./k8s-workload-identity-one-to-one";

/** The Kubernetes pack's policies; imported by tests and the offline evaluator, never via index.ts. */
export const kubernetesPolicies: Policies = [
  serviceAppProtocol,
  gkeClusterHardening,
  binaryAuthorizationAttestation,
  gkeActiveActive,
  gkeDnsEndpointPerimeter,
  gkeInternalEndpointAuthorized,
  k8sCardholderSegmentation,
  k8sCardholderNetworkPeers,
  k8sCardholderServicePrivate,
  gkeEgressNat,
  k8sNamespacePsa,
  k8sDefaultDeny,
  k8sPrivateServiceEndpointCallers,
  k8sWorkloadIdentity,
  k8sRbacLeastPrivilege,
  gatewayHttpsTls,
  gatewayCloudArmor,
  computeSslPolicy,
  idsPerRegion,
];
