import { mockProjectNumber } from "../../engine/gcpMocks";
import { addResource, editResource, removeResource } from "../mutate";
import type { PolicyCase } from "./policyCases";

/**
 * Who the nodes are and what they may run (issue 29, items 4 and 5): the node service account, the
 * attestation Binary Authorization requires, the repositories' writers and the break-glass alert.
 */
const defaults = (p: Record<string, unknown>) =>
  (p.clusterAutoscaling as { autoProvisioningDefaults: Record<string, unknown> }).autoProvisioningDefaults;
const rule = (p: Record<string, unknown>) => p.defaultAdmissionRule as Record<string, unknown>;
const PIPELINE = "serviceAccount:image-pipeline@qp-platform-ci.iam.gserviceaccount.com";

export const SUPPLY_CHAIN_CASES: PolicyCase[] = [
  {
    policy: "gke-cluster-hardening",
    title: "nodes running as the Compute Engine default service account",
    mutate: editResource("prod-cde-gke-us-central1-cluster", (p) => {
      defaults(p).serviceAccount =
        `${mockProjectNumber("qp-prod-cde")}-compute@developer.gserviceaccount.com`;
    }),
    on: "prod-cde-gke-us-central1-cluster",
    message:
      '[IAM-06, NET-02, ENC-01, ENC-02, K8S-04, RES-05, IAM-03, IAM-01] gcp:container/cluster:Cluster "prod-cde-gke-us-central1-cluster": nodes run as the Compute Engine default service account (clusterAutoscaling.autoProvisioningDefaults.serviceAccount is "102116835757-compute@developer.gserviceaccount.com"). Fix: set it to the project\'s node service account (NodeServiceAccount), which holds roles/container.defaultNodeServiceAccount only',
  },
  {
    policy: "gke-cluster-hardening",
    title: "nodes without a service account",
    mutate: editResource("prod-gke-us-east1-cluster", (p) => delete defaults(p).serviceAccount),
    on: "prod-gke-us-east1-cluster",
    message:
      '[IAM-06, NET-02, ENC-01, ENC-02, K8S-04, RES-05, IAM-03, IAM-01] gcp:container/cluster:Cluster "prod-gke-us-east1-cluster": nodes run as the Compute Engine default service account (clusterAutoscaling.autoProvisioningDefaults.serviceAccount is null). Fix: set it to the project\'s node service account (NodeServiceAccount), which holds roles/container.defaultNodeServiceAccount only',
  },
  {
    policy: "binaryauthorization-policy-attestation",
    title: "the repositories admitted by name again (bypassed: whoever can push runs code)",
    mutate: editResource("prod-cde-images-policy", (p) => {
      p.admissionWhitelistPatterns = [
        { namePattern: "us-central1-docker.pkg.dev/qp-prod-cde/containers/**" },
      ];
    }),
    on: "prod-cde-images-policy",
    message:
      '[K8S-04] gcp:binaryauthorization/policy:Policy "prod-cde-images-policy": project qp-prod-cde: images matching us-central1-docker.pkg.dev/qp-prod-cde/containers/** are admitted without an attestation. Fix: require an enforced attestation by the project\'s attestor everywhere, with no allowlisted image',
  },
  {
    policy: "binaryauthorization-policy-attestation",
    title: "attestation in dry-run only (switched off)",
    mutate: editResource("prod-images-policy", (p) => (rule(p).enforcementMode = "DRYRUN_AUDIT_LOG_ONLY")),
    on: "prod-images-policy",
    message:
      '[K8S-04] gcp:binaryauthorization/policy:Policy "prod-images-policy": project qp-prod-platform: the default rule enforcement is DRYRUN_AUDIT_LOG_ONLY (not blocking). Fix: require an enforced attestation by the project\'s attestor everywhere, with no allowlisted image',
  },
  {
    policy: "binaryauthorization-policy-attestation",
    title: "the default rule reversed to ALWAYS_ALLOW",
    mutate: editResource("prod-cde-images-policy", (p) => {
      rule(p).evaluationMode = "ALWAYS_ALLOW";
      delete rule(p).requireAttestationsBies;
    }),
    on: "prod-cde-images-policy",
    message:
      '[K8S-04] gcp:binaryauthorization/policy:Policy "prod-cde-images-policy": project qp-prod-cde: the default rule is ALWAYS_ALLOW, not REQUIRE_ATTESTATION. Fix: require an enforced attestation by the project\'s attestor everywhere, with no allowlisted image',
  },
  {
    policy: "binaryauthorization-policy-attestation",
    title: "a cluster rule admitting everything on one cde cluster (outranked)",
    mutate: editResource("prod-cde-images-policy", (p) => {
      p.clusterAdmissionRules = [
        {
          cluster: "us-central1.prod-cde-us-central1",
          evaluationMode: "ALWAYS_ALLOW",
          enforcementMode: "ENFORCED_BLOCK_AND_AUDIT_LOG",
        },
      ];
    }),
    on: "prod-cde-images-policy",
    message:
      '[K8S-04] gcp:binaryauthorization/policy:Policy "prod-cde-images-policy": project qp-prod-cde: the rule of cluster us-central1.prod-cde-us-central1 is ALWAYS_ALLOW, not REQUIRE_ATTESTATION. Fix: require an enforced attestation by the project\'s attestor everywhere, with no allowlisted image',
  },
  {
    policy: "binaryauthorization-policy-attestation",
    title: "an attestor trusting a PGP key held outside Cloud KMS",
    mutate: editResource("prod-images-attestor", (p) => {
      (p.attestationAuthorityNote as { publicKeys: unknown[] }).publicKeys = [
        {
          asciiArmoredPgpPublicKey:
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQ...\n-----END PGP PUBLIC KEY BLOCK-----",
        },
      ];
    }),
    on: "prod-images-policy",
    message:
      "[K8S-04] gcp:binaryauthorization/policy:Policy \"prod-images-policy\": project qp-prod-platform: attestor projects/qp-prod-platform/attestors/qairopay-reviewed trusts a key outside Cloud KMS (a PGP key), whose private half can live on anyone's laptop. Fix: require an enforced attestation by the project's attestor everywhere, with no allowlisted image",
  },
  {
    policy: "binaryauthorization-policy-attestation",
    title: "the cde attestor's signing key in software, not an HSM",
    mutate: editResource("prod-keys-us-east1-cde-image-attestor", (p) => {
      (p.versionTemplate as Record<string, string>).protectionLevel = "SOFTWARE";
    }),
    on: "prod-cde-images-policy",
    message:
      '[K8S-04] gcp:binaryauthorization/policy:Policy "prod-cde-images-policy": project qp-prod-cde: attestor projects/qp-prod-cde/attestors/qairopay-reviewed trusts cde-image-attestor, which is SOFTWARE-protected, not an HSM key. Fix: require an enforced attestation by the project\'s attestor everywhere, with no allowlisted image',
  },
  {
    policy: "artifactregistry-repository-writers",
    title: "a developers' group allowed to push to a cde repository",
    mutate: addResource({
      type: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
      name: "developers-push-cde",
      inputs: {
        project: "qp-prod-cde",
        location: "us-east1",
        repository: "containers",
        role: "roles/artifactregistry.writer",
        member: "group:developers@qairopay.com",
      },
    }),
    on: "developers-push-cde",
    message:
      '[K8S-04] gcp:artifactregistry/repositoryIamMember:RepositoryIamMember "developers-push-cde": group:developers@qairopay.com may write images to repository containers besides the image pipeline (serviceAccount:image-pipeline@qp-platform-ci.iam.gserviceaccount.com). Fix: keep the image pipeline\'s service account the only writer',
  },
  {
    policy: "artifactregistry-repository-writers",
    title: "a writer role on the whole platform project",
    mutate: addResource({
      type: "gcp:projects/iAMMember:IAMMember",
      name: "ci-writes-everywhere",
      inputs: { project: "qp-prod-platform", role: "roles/artifactregistry.repoAdmin", member: PIPELINE },
    }),
    on: "ci-writes-everywhere",
    message:
      '[K8S-04] gcp:projects/iAMMember:IAMMember "ci-writes-everywhere": serviceAccount:image-pipeline@qp-platform-ci.iam.gserviceaccount.com holds roles/artifactregistry.repoAdmin on project qp-prod-platform, which writes to every repository in it. Fix: grant writing roles per repository, to the image pipeline only',
  },
  {
    policy: "monitoring-binauthz-breakglass-alert",
    title: "the cde's break-glass alert removed",
    mutate: removeResource("prod-card-vault-alerts-binauthz-break-glass-alert"),
    on: "prod-cde-gke-us-central1-cluster",
    message:
      "[K8S-04, LOG-07] gcp:container/cluster:Cluster \"prod-cde-gke-us-central1-cluster\": project qp-prod-cde runs clusters but no alert fires when a pod uses Binary Authorization's break-glass. Fix: add the break-glass alert to the project's SecurityAlerts",
  },
];
