/**
 * Which Google APIs VPC Service Controls can restrict, for every API the platform's projects enable
 * (components/projects.ts) and every service its perimeter restricts. Google's list is the
 * supported-products page (https://cloud.google.com/vpc-service-controls/docs/supported-products),
 * also given by `gcloud access-context-manager supported-services list`; the page could not be read
 * in full here, so each row names what it was checked against:
 *
 * - FABRIC: cloud-foundation-fabric fast/stages/1-vpcsc/datasets/classic/restricted-services.yaml,
 *   the restricted services FAST applies to its perimeter (the Access Context Manager API refuses a
 *   perimeter that restricts a service it does not support, so every entry is a supported one).
 * - GOOGLE: a Google page that says so for this service, quoted in the row.
 * - "unverified": in neither; `gcloud access-context-manager supported-services describe <service>`
 *   decides before the perimeter is enforced, and docs/perimeter.md says what to read in the dry-run
 *   logs meanwhile. Policy `vpcsc-perimeter-restricts-enabled-apis` requires only the supported rows.
 *
 * Policies do not import the program, so the perimeter's own list (components/servicePerimeter.ts)
 * is checked against this table, not derived from it.
 */
export type VpcScSupport = true | "unverified";

const FABRIC = "cloud-foundation-fabric fast/stages/1-vpcsc/datasets/classic/restricted-services.yaml";

export const VPC_SC_SERVICES: Record<string, { supported: VpcScSupport; evidence: string }> = {
  "artifactregistry.googleapis.com": { supported: true, evidence: FABRIC },
  "bigquery.googleapis.com": { supported: true, evidence: FABRIC },
  "binaryauthorization.googleapis.com": { supported: true, evidence: FABRIC },
  "cloudkms.googleapis.com": { supported: true, evidence: FABRIC },
  "cloudresourcemanager.googleapis.com": { supported: true, evidence: FABRIC },
  "compute.googleapis.com": { supported: true, evidence: FABRIC },
  "container.googleapis.com": { supported: true, evidence: FABRIC },
  "containeranalysis.googleapis.com": { supported: true, evidence: FABRIC },
  "dns.googleapis.com": { supported: true, evidence: FABRIC },
  "gkehub.googleapis.com": { supported: true, evidence: FABRIC },
  "iam.googleapis.com": { supported: true, evidence: FABRIC },
  "logging.googleapis.com": { supported: true, evidence: FABRIC },
  "monitoring.googleapis.com": { supported: true, evidence: FABRIC },
  "redis.googleapis.com": { supported: true, evidence: FABRIC },
  "secretmanager.googleapis.com": { supported: true, evidence: FABRIC },
  "sqladmin.googleapis.com": { supported: true, evidence: FABRIC },
  "storage.googleapis.com": { supported: true, evidence: FABRIC },
  "trafficdirector.googleapis.com": { supported: true, evidence: FABRIC },
  "kubernetesmetadata.googleapis.com": {
    supported: true,
    evidence:
      'GOOGLE https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation: "add container.googleapis.com and kubernetesmetadata.googleapis.com to the restricted services"',
  },
  "sts.googleapis.com": {
    supported: true,
    evidence:
      "GOOGLE supported-products page (Security Token Service), read for the Workload Identity exchange",
  },
  "iamcredentials.googleapis.com": {
    supported: true,
    evidence:
      "GOOGLE supported-products page (IAM Service Account Credentials), read for the Workload Identity exchange",
  },
  "containerfilesystem.googleapis.com": {
    supported: true,
    evidence:
      "GOOGLE supported-products page (Container File System, GKE image streaming): issue #21, image streaming is refused once the perimeter is enforced without it",
  },
  "ids.googleapis.com": {
    supported: true,
    evidence:
      "listed as supported in public Terraform foundations' copies of the supported-products list; confirm with gcloud",
  },
  "pubsub.googleapis.com": { supported: true, evidence: FABRIC },
  // Detection, backups and just-in-time access (DET-02, RES-10, IAM-07).
  "gkebackup.googleapis.com": {
    supported: true,
    evidence:
      'GOOGLE https://cloud.google.com/kubernetes-engine/docs/add-on/backup-for-gke/how-to/vpc-sc: "To secure Backup for GKE within the perimeter, in the Specify services to restrict dialog, select Backup for GKE\'s checkbox"',
  },
  "workflows.googleapis.com": {
    supported: true,
    evidence:
      'GOOGLE https://cloud.google.com/workflows/docs/use-vpc-service-controls: "You can use VPC Service Controls with Workflows to help protect your services"',
  },
  "cloudscheduler.googleapis.com": {
    supported: true,
    evidence:
      'GOOGLE https://cloud.google.com/scheduler/docs/secure-with-vpcsc: "You can include Cloud Scheduler jobs in a VPC Service Controls perimeter to protect your scheduled workloads and restrict job targets"',
  },
  "privilegedaccessmanager.googleapis.com": {
    supported: true,
    evidence:
      'GOOGLE https://cloud.google.com/iam/docs/secure-iam-vpc-sc: "You can use VPC Service Controls to help secure the following IAM-related APIs: ... Privileged Access Manager API"',
  },
  "securitycenter.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
  "securitycentermanagement.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
  "workflowexecutions.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
  "servicenetworking.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
  "multiclusterservicediscovery.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
  "multiclusteringress.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
  "containersecurity.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
  "certificatemanager.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
  "containerscanning.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
  "cloudquotas.googleapis.com": { supported: "unverified", evidence: `not in ${FABRIC}` },
};
