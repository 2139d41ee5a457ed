import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";
import { isRfc1918 } from "./lib/addressPlan";

export interface GkeClusterArgs {
  /**
   * Protect the stateful resources (`protect`, and the provider's and API's deletion guards).
   * Only an ephemeral environment (staging, `ephemeral: true`) turns it off, to be destroyed.
   * @default true
   */
  protect?: boolean;
  project: pulumi.Input<string>;
  /** Cluster name, e.g. `prod-us-central1`. */
  clusterName: string;
  region: Region;
  /** VPC and this region's subnet (with `pods` and `services` secondary ranges). */
  network: pulumi.Input<string>;
  subnetwork: pulumi.Input<string>;
  /**
   * E-mail of the service account the nodes run as (NodeServiceAccount), never the Compute Engine
   * default. Autopilot takes it from the auto-provisioning defaults; changing it is an update
   * (`service_account` is not ForceNew: magic-modules resource_container_cluster.go.tmpl, sent as
   * DesiredClusterAutoscaling), and "only affects the service accounts on the future nodepools"
   * (terraform-provider-google issue 27081): nodes already running keep theirs until replaced.
   */
  nodeServiceAccount: pulumi.Input<string>;
  /** Application-layer secrets key and node boot-disk key, both of this region (ENC-01, ENC-02). */
  secretsKey: pulumi.Input<string>;
  bootDiskKey: pulumi.Input<string>;
  /**
   * The operators' and CI's networks (IAM-06): the way to the IP endpoint while it is public. With a
   * private endpoint only their RFC 1918 ranges stay (GKE refuses any other, see
   * `controlPlaneNetworks`); the public ones then reach the DNS endpoint through the perimeter's
   * access level instead.
   */
  authorizedNetworks: { name: string; cidr: string }[];
  /**
   * The cluster's own node and Pod ranges. Authorized networks are enforced on the internal endpoint
   * too (`privateEndpointEnforcementEnabled`), so these are named explicitly: nodes and in-cluster
   * controllers reach the control plane, and no other VM of the VPC does.
   */
  clusterRanges: { name: string; cidr: string }[];
  /**
   * How operators and the deployer reach the control plane (IAM-06). `true`: through the
   * IAM-authorised DNS endpoint, with the IP endpoint private. Authorized networks do not apply to
   * the DNS endpoint; only an enforced VPC Service Controls perimeter restricting
   * `container.googleapis.com` and `kubernetesmetadata.googleapis.com` limits it to named networks
   * and identities (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation), so
   * the stack chooses it only when its perimeter is enforced. `false`: the DNS endpoint takes no user
   * traffic at all (`allowExternalTraffic` "controls whether user traffic is allowed over this
   * endpoint": Container API DNSEndpointConfig) and the IP endpoint is reachable from the
   * authorized networks only.
   * @default false
   */
  dnsEndpointExternalTraffic?: boolean;
  /** The configured `gkeReleaseChannel` (its default is declared once, in platform/config/keys.ts). */
  releaseChannel: string;
  /** Weekly maintenance window start, UTC hour and day 1-7: the configured `maintenanceDay` and `maintenanceHour`. */
  maintenance: { day: number; hour: number };
  labels: StandardLabels;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

const RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/**
 * The authorized networks of a control plane (IAM-06): the cluster's own ranges and the operators'
 * networks, minus, when the IP endpoint is private, every range outside RFC 1918. GKE refuses a
 * private endpoint with any other: "Invalid master authorized networks: network … is not a reserved
 * network, which is required for private endpoints" (terraform-google-kubernetes-engine#153), and
 * cannot drop them altogether ("Master authorized networks must be enabled if private endpoint is
 * enabled", magic-modules PR #8338); rehearsal rule `gke-private-endpoint-networks`.
 */
export function controlPlaneNetworks(
  operators: { name: string; cidr: string }[],
  clusterRanges: { name: string; cidr: string }[],
  privateEndpoint: boolean,
): { displayName: string; cidrBlock: string }[] {
  return [...clusterRanges, ...operators]
    .filter((n) => !privateEndpoint || isRfc1918(n.cidr))
    .map((n) => ({ displayName: n.name, cidrBlock: n.cidr }));
}

/**
 * One regional GKE Autopilot cluster: private nodes running as a dedicated service account, a
 * control plane reached only through its DNS endpoint (IAM-authorised) or from named networks,
 * CMEK for secrets and boot disks, Binary Authorization enforced, fleet registration, security
 * posture, Gateway API, full logging and monitoring, a maintenance window and deletion protection.
 * `provider` deploys into it.
 */
export class GkeCluster extends pulumi.ComponentResource {
  public readonly cluster: gcp.container.Cluster;
  public readonly provider: k8s.Provider;
  /** Fleet membership (`projects/P/locations/REGION/memberships/NAME`). */
  public readonly membership: pulumi.Output<string>;
  public readonly workloadPool: pulumi.Output<string>;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:gke:GkeCluster", name, {}, opts);
    const viaDns = args.dnsEndpointExternalTraffic ?? false;
    const maintenance = args.maintenance;
    const start = `2026-01-04T${String(maintenance.hour).padStart(2, "0")}:00:00Z`;
    // GKE requires at least 48 hours of maintenance availability in any 32 days, in windows of at
    // least 4 hours (https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions):
    // a weekly 12-hour window gives about 54.
    const end = new Date(Date.parse(start) + 12 * 3600 * 1000).toISOString().replace(".000Z", "Z");
    const cluster = new gcp.container.Cluster(
      `${name}-cluster`,
      {
        project: args.project,
        name: args.clusterName,
        location: args.region,
        enableAutopilot: true,
        network: args.network,
        subnetwork: args.subnetwork,
        ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
        // One way in at a time (dnsEndpointExternalTraffic): the DNS endpoint behind an enforced
        // perimeter, or else the IP endpoint from the named networks only. The IP endpoint stays on
        // for the nodes (private when the DNS endpoint is the way in).
        privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: viaDns },
        controlPlaneEndpointsConfig: {
          dnsEndpointConfig: { allowExternalTraffic: viaDns },
          ipEndpointsConfig: { enabled: true },
        },
        masterAuthorizedNetworksConfig: {
          cidrBlocks: controlPlaneNetworks(args.authorizedNetworks, args.clusterRanges, viaDns),
          gcpPublicCidrsAccessEnabled: false,
          // "Whether authorized networks is enforced on the private endpoint or not. Defaults to
          // false" (magic-modules resource_container_cluster.go.tmpl): off, any VM of the VPC reaches
          // the internal endpoint. The provider sends it with DesiredControlPlaneEndpointsConfig, an
          // in-place update (expandMasterAuthorizedNetworksConfig).
          privateEndpointEnforcementEnabled: true,
        },
        enableLegacyAbac: false,
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        releaseChannel: { channel: args.releaseChannel },
        databaseEncryption: { state: "ENCRYPTED", keyName: args.secretsKey },
        // Autopilot takes the boot-disk key from the auto-provisioning defaults
        // (gcloud container clusters create-auto --boot-disk-kms-key).
        clusterAutoscaling: {
          autoProvisioningDefaults: {
            bootDiskKmsKey: args.bootDiskKey,
            // Not replace-forcing in the provider: cluster_autoscaling changes go through
            // UpdateCluster's DesiredClusterAutoscaling in place (magic-modules
            // services/container/resource_container_cluster.go.tmpl, `d.HasChange("cluster_autoscaling")`;
            // auto_provisioning_defaults.service_account has no ForceNew). Unverified whether GKE
            // accepts a changed node service account on an existing Autopilot cluster: prove on staging.
            serviceAccount: args.nodeServiceAccount,
          },
        },
        binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" },
        workloadIdentityConfig: { workloadPool: pulumi.interpolate`${args.project}.svc.id.goog` },
        fleet: { project: args.project },
        // Workload vulnerability scanning in GKE (Advanced Vulnerability Insights) is deprecated and can
        // no longer be enabled (https://cloud.google.com/kubernetes-engine/docs/deprecations/vulnerability-scanning-gkee);
        // images are scanned in Artifact Registry instead (artifactregistry-repository-scanning).
        securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_DISABLED" },
        gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
        // The Backup for GKE agent backs the cluster up to its plan (RES-10, components/gkeBackup.ts).
        addonsConfig: { gkeBackupAgentConfig: { enabled: true } },
        loggingConfig: {
          enableComponents: [
            "SYSTEM_COMPONENTS",
            "WORKLOADS",
            "APISERVER",
            "SCHEDULER",
            "CONTROLLER_MANAGER",
          ],
        },
        monitoringConfig: {
          enableComponents: [
            "SYSTEM_COMPONENTS",
            "APISERVER",
            "SCHEDULER",
            "CONTROLLER_MANAGER",
            "STORAGE",
            "POD",
            "DEPLOYMENT",
          ],
          managedPrometheus: { enabled: true },
        },
        maintenancePolicy: {
          recurringWindow: {
            startTime: start,
            endTime: end,
            recurrence: `FREQ=WEEKLY;BYDAY=${RRULE_DAYS[maintenance.day - 1]}`,
          },
        },
        deletionProtection: args.protect ?? true,
        resourceLabels: args.labels,
      },
      { parent: this, protect: args.protect ?? true, dependsOn: args.dependsOn },
    );
    // The DNS endpoint has a publicly trusted certificate; the IP endpoint presents the cluster's CA.
    const server = viaDns
      ? pulumi.interpolate`server: https://${cluster.controlPlaneEndpointsConfig.apply((c) => c?.dnsEndpointConfig?.endpoint ?? "")}`
      : pulumi.interpolate`server: https://${cluster.endpoint}
    certificate-authority-data: ${cluster.masterAuth.apply((m) => m?.clusterCaCertificate ?? "")}`;
    const kubeconfig = pulumi.interpolate`apiVersion: v1
kind: Config
clusters:
- name: ${args.clusterName}
  cluster:
    ${server}
contexts:
- name: ${args.clusterName}
  context:
    cluster: ${args.clusterName}
    user: ${args.clusterName}
current-context: ${args.clusterName}
users:
- name: ${args.clusterName}
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      provideClusterInfo: true
      installHint: Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin).
`;
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      // `cluster` and `context` name the cluster in plain text, known at preview, so the policy
      // packs can tell which cluster each Kubernetes object lands on (NET-09).
      // `clusterIdentifier`: only a new cluster replaces the provider (and every object it manages).
      // Without it, pulumi-kubernetes replaces the provider whenever the kubeconfig's active
      // cluster changes: switching endpoints, or a CA rotation (provider.go DiffConfig).
      {
        kubeconfig,
        cluster: args.clusterName,
        context: args.clusterName,
        clusterIdentifier: cluster.id,
        enableServerSideApply: true,
      },
      { parent: this },
    );
    this.cluster = cluster;
    this.membership = pulumi.interpolate`projects/${args.project}/locations/${args.region}/memberships/${args.clusterName}`;
    this.workloadPool = pulumi.interpolate`${args.project}.svc.id.goog`;
    this.registerOutputs({ cluster, membership: this.membership });
  }
}
