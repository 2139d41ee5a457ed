import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/**
 * The services the perimeter restricts (NET-07): everything the platform keeps data in or keys with,
 * the services that could export it, and every other API the projects enable that VPC Service
 * Controls supports (policy `vpcsc-perimeter-restricts-enabled-apis` holds the two together, from the
 * fact table policies/lib/vpcScSupportedServices.ts). With `vpcAccessibleServices` limited to
 * RESTRICTED-SERVICES, a supported API left out is also unreachable from inside the VPCs.
 */
export const RESTRICTED_SERVICES = [
  "sqladmin.googleapis.com",
  "cloudkms.googleapis.com",
  "redis.googleapis.com",
  "container.googleapis.com",
  // With container.googleapis.com, what puts the clusters' DNS endpoints behind the perimeter
  // (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation).
  "kubernetesmetadata.googleapis.com",
  // Node disks and their snapshots: without it, a disk of a cde node can be snapshotted or
  // imaged into a project outside the perimeter.
  "compute.googleapis.com",
  // Autopilot image streaming reads layers through the Container File System API; left out, the
  // enforced perimeter refuses it and pods fall back or fail to pull.
  "containerfilesystem.googleapis.com",
  "secretmanager.googleapis.com",
  "logging.googleapis.com",
  "storage.googleapis.com",
  // The logging project enables BigQuery (log analytics); a dataset there is data too.
  "bigquery.googleapis.com",
  "artifactregistry.googleapis.com",
  "monitoring.googleapis.com",
  // Workload Identity: the GKE metadata server exchanges pod tokens through Security Token Service
  // and IAM Credentials; with vpcAccessibleServices limited to the restricted services, these must
  // be among them or no pod gets a Google token (https://cloud.google.com/vpc-service-controls/docs/supported-products).
  "sts.googleapis.com",
  "iamcredentials.googleapis.com",
  "iam.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  // Artifact Registry's readers: "services that need Artifact Registry must also be in the
  // perimeter", naming Artifact Analysis and Binary Authorization
  // (https://cloud.google.com/artifact-registry/docs/securing-with-vpc-sc).
  "containeranalysis.googleapis.com",
  "binaryauthorization.googleapis.com",
  // The fleet, multi-cluster Services' Traffic Director and the private zones: enabled in the
  // platform and cde projects and supported; their dry-run violations are read before enforcing
  // (docs/perimeter.md).
  "gkehub.googleapis.com",
  "trafficdirector.googleapis.com",
  "dns.googleapis.com",
  "ids.googleapis.com",
  // The findings topic of the logging project (DET-02): findings name the platform's resources.
  "pubsub.googleapis.com",
  // Backups (RES-10): Backup for GKE's agent runs in the clusters and calls its API from inside
  // ("backups and restores might fail" if it is not VPC-accessible:
  // https://cloud.google.com/kubernetes-engine/docs/add-on/backup-for-gke/how-to/vpc-sc); the
  // export workflows and their schedules, whose calls then stay inside the perimeter.
  "gkebackup.googleapis.com",
  "workflows.googleapis.com",
  "cloudscheduler.googleapis.com",
  // Just-in-time access (IAM-07): PAM's agent is admitted by an ingress rule (platform/domains/perimeter.ts).
  "privilegedaccessmanager.googleapis.com",
];

/**
 * Google's service agents that act on the projects from outside the perimeter: an ingress rule each,
 * to some services (or every service, `*`) of some projects (or all, `*`), and an egress rule where
 * they also reach out of it. They call from Google's infrastructure, not from a network an access
 * level could name, so their rules take any source (`accessLevel: "*"`), as cloud-foundation-fabric's
 * hardened perimeter admits Security Command Center's agents
 * (fast/stages/1-vpcsc/datasets/hardened/ingress-policies/fast-org-scc.yaml). Never a user-managed
 * account: a stolen key or token of one would work from anywhere.
 */
export interface AgentAccess {
  /** Why they cross, for the rule's title in reviews. */
  purpose: string;
  identities: pulumi.Input<pulumi.Input<string>[]>;
  /** The services they call (`*`: every service). */
  serviceNames: string[];
  /** `projects/<number>`; @default ["*"] */
  resources?: pulumi.Input<string>[];
  egress: boolean;
}

export interface ServicePerimeterArgs {
  /** The organisation's access policy id (numeric); the organisation owns it, the stack does not. */
  accessPolicy: string;
  /** Perimeter and access-level names start with this, e.g. `prod`. */
  namePrefix: string;
  /** The project numbers the perimeter surrounds. */
  projectNumbers: pulumi.Input<string>[];
  /** Networks operators and CI reach Google APIs from (name=CIDR, as the clusters' authorized networks). */
  operatorNetworks: { name: string; cidr: string }[];
  /** The identity that runs `pulumi up` (an IAM member): the apply identity. */
  deployer: string;
  /**
   * The read-only identity CI previews the stack with (the plan identity), admitted like the
   * deployer and from the same named networks only.
   * @default none
   */
  previewer?: string;
  /**
   * The people admitted from the operators' networks (IAM members, `group:` included): an ingress
   * rule names them. Never the access level alone at the perimeter's level, which "allows a request
   * if it satisfies the conditions of either the access level or the ingress rule"
   * (https://cloud.google.com/vpc-service-controls/docs/use-access-levels): any identity, a token
   * stolen from a pod included, would pass from those networks.
   * @default []
   */
  operators?: string[];
  /**
   * Writer identities of aggregated (folder, organisation) log sinks, which write into the logging
   * project from outside the perimeter and need an ingress rule
   * (https://cloud.google.com/logging/docs/export/configure_export_v2#vpc-sc).
   * @default []
   */
  outsideWriters?: pulumi.Input<string>[];
  /**
   * Service agents that work inside the perimeter from outside it: Security Command Center's
   * detectors, its notification agent (DET-01, DET-02).
   * @default []
   */
  agents?: AgentAccess[];
  /**
   * Enforce the perimeter; otherwise it runs in dry-run, where violations are only logged.
   * @default false
   */
  enforced?: boolean;
}

/**
 * A VPC Service Controls perimeter around the four projects (NET-07): one regular perimeter
 * restricting the data services, reachable only from inside its own networks (through
 * restricted.googleapis.com) and from the operators' and CI's networks through a named access
 * level, the CI identities included; aggregated log sinks may write into it. Dry-run first (`spec` with
 * `useExplicitDryRunSpec`), enforced (`status`) by a stack switch. See docs/perimeter.md.
 */
export class ServicePerimeter extends pulumi.ComponentResource {
  public readonly perimeter: gcp.accesscontextmanager.ServicePerimeter;

  constructor(name: string, args: ServicePerimeterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:perimeter:ServicePerimeter", name, {}, opts);
    const parent = `accessPolicies/${args.accessPolicy}`;
    // Networks only: an access level that also matched the deployer's identity (`members`) would
    // admit it from anywhere, which is what a stolen CI token needs.
    const level = new gcp.accesscontextmanager.AccessLevel(
      `${name}-operators`,
      {
        parent,
        name: `${parent}/accessLevels/${args.namePrefix}_qairopay_operators`,
        title: `${args.namePrefix} QairoPay operators and CI`,
        basic: {
          combiningFunction: "OR",
          conditions: [{ ipSubnetworks: args.operatorNetworks.map((n) => n.cidr) }],
        },
      },
      { parent: this },
    );
    const agents = pulumi
      .all(
        (args.agents ?? []).map((a) =>
          pulumi.all([pulumi.output(a.identities), pulumi.all(a.resources ?? ["*"])]),
        ),
      )
      .apply((resolved) =>
        resolved.map(([identities, resources], i) => ({ ...args.agents![i], identities, resources })),
      );
    // An operation on every service takes no method selectors; one service's takes `*`.
    const operation = (serviceName: string) =>
      serviceName === "*" ? { serviceName } : { serviceName, methodSelectors: [{ method: "*" }] };
    const config = {
      resources: pulumi.all(args.projectNumbers).apply((numbers) => numbers.map((n) => `projects/${n}`)),
      restrictedServices: RESTRICTED_SERVICES,
      // No perimeter-level access level: every identity that crosses is named by an ingress rule.
      accessLevels: [],
      vpcAccessibleServices: { enableRestriction: true, allowedServices: ["RESTRICTED-SERVICES"] },
      ingressPolicies: pulumi
        .all([level.name, pulumi.all(args.outsideWriters ?? []), agents])
        .apply(([levelName, writers, crossing]) => [
          // The CI identities, from the named networks only (never `accessLevel: "*"`): a stolen
          // deployer token is useless outside the operators' and CI's networks.
          {
            ingressFrom: {
              identities: [args.deployer, ...(args.previewer ? [args.previewer] : [])],
              sources: [{ accessLevel: levelName }],
            },
            ingressTo: { resources: ["*"], operations: [{ serviceName: "*" }] },
          },
          ...(writers.length
            ? [
                {
                  // Sink writers are Google's, not callers from a network: any source, Cloud Logging only
                  // (https://cloud.google.com/logging/docs/export/configure_export_v2#vpc-sc).
                  ingressFrom: { identities: writers, sources: [{ accessLevel: "*" }] },
                  ingressTo: {
                    resources: ["*"],
                    operations: [
                      { serviceName: "logging.googleapis.com", methodSelectors: [{ method: "*" }] },
                    ],
                  },
                },
              ]
            : []),
          ...crossing
            .filter((a) => a.identities.length)
            .map((a) => ({
              title: a.purpose,
              ingressFrom: { identities: a.identities, sources: [{ accessLevel: "*" }] },
              ingressTo: { resources: a.resources, operations: a.serviceNames.map(operation) },
            })),
          ...(args.operators?.length
            ? [
                {
                  // The people (on-call, approvers, backup operators, break-glass, auditors), by
                  // group, from the same networks; groups are supported identities
                  // (https://cloud.google.com/vpc-service-controls/docs/supported-identities).
                  title: "Operators from the operators' networks",
                  ingressFrom: { identities: args.operators, sources: [{ accessLevel: levelName }] },
                  ingressTo: { resources: ["*"], operations: [{ serviceName: "*" }] },
                },
              ]
            : []),
        ]),
      egressPolicies: agents.apply((crossing) =>
        crossing
          .filter((a) => a.egress && a.identities.length)
          .map((a) => ({
            title: a.purpose,
            egressFrom: { identities: a.identities },
            egressTo: { resources: ["*"], operations: a.serviceNames.map(operation) },
          })),
      ),
    };
    this.perimeter = new gcp.accesscontextmanager.ServicePerimeter(
      `${name}-perimeter`,
      {
        parent,
        name: `${parent}/servicePerimeters/${args.namePrefix}_qairopay`,
        title: `${args.namePrefix} QairoPay`,
        perimeterType: "PERIMETER_TYPE_REGULAR",
        ...(args.enforced ? { status: config } : { spec: config, useExplicitDryRunSpec: true }),
      },
      { parent: this },
    );
    this.registerOutputs({ perimeter: this.perimeter });
  }
}
