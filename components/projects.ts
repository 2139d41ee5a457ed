import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PROJECT_ROLES, ProjectFactory, ProjectIds, ProjectRole } from "../vocabulary/projects";
import { StandardLabels } from "../vocabulary/labels";

export { PROJECT_ROLES };
export type { ProjectRole };

/**
 * Detection in every project (DET-01, DET-02): its Security Health Analytics custom modules
 * (`projects/{project}/locations/{location}/securityHealthAnalyticsCustomModules`, Security Command
 * Center Management API) and its findings' notification config (`projects/{project}/locations/
 * {location}/notificationConfigs`, Security Command Center API v2): both are called in the project's
 * own URL (magic-modules mmv1/products/securitycentermanagement, securitycenterv2).
 */
const DETECTION_APIS = ["securitycenter.googleapis.com", "securitycentermanagement.googleapis.com"];
/**
 * The data projects' immutable backups (RES-10): Backup for GKE plans, the export buckets, and the
 * workflow and schedule that export Cloud SQL into them (Cloud Scheduler calls the Workflow
 * Executions API of the project, the workflow runs in Workflows').
 */
const RECOVERY_APIS = [
  "gkebackup.googleapis.com",
  "storage.googleapis.com",
  "workflows.googleapis.com",
  "workflowexecutions.googleapis.com",
  "cloudscheduler.googleapis.com",
];
/** Just-in-time access (IAM-07): each project's entitlements live at `projects/{project}/locations/global`. */
const PRIVILEGED_ACCESS_API = "privilegedaccessmanager.googleapis.com";

/** APIs each project needs; enabling is idempotent and never disabled on destroy. */
export const PROJECT_APIS: Record<ProjectRole, string[]> = {
  platform: [
    "compute.googleapis.com",
    "container.googleapis.com",
    "sqladmin.googleapis.com",
    "redis.googleapis.com",
    "servicenetworking.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "gkehub.googleapis.com",
    "multiclusterservicediscovery.googleapis.com",
    "multiclusteringress.googleapis.com",
    "trafficdirector.googleapis.com",
    "binaryauthorization.googleapis.com",
    // The attestor's note, to which signed attestations attach (Binary Authorization, K8S-04).
    "containeranalysis.googleapis.com",
    "artifactregistry.googleapis.com",
    "containersecurity.googleapis.com",
    "dns.googleapis.com",
    // The Gateway's Google-managed certificate, map and DNS authorisation (GatewayEdge).
    "certificatemanager.googleapis.com",
    // Cloud IDS endpoints (IntrusionDetection) peer through private services access.
    "ids.googleapis.com",
    // The platform's secrets (Redis AUTH strings, the PagerDuty key): ENC-09.
    "secretmanager.googleapis.com",
    // Artifact Registry's vulnerability scanning (repositories set to INHERITED) runs only with
    // this API on (https://cloud.google.com/artifact-analysis/docs/container-scanning-overview).
    "containerscanning.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    ...DETECTION_APIS,
    ...RECOVERY_APIS,
    PRIVILEGED_ACCESS_API,
  ],
  cde: [
    "compute.googleapis.com",
    // The cde VPC's private googleapis.com zone (PrivateNetwork).
    "dns.googleapis.com",
    "sqladmin.googleapis.com",
    "servicenetworking.googleapis.com",
    "iam.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    // The cde's own clusters (NET-09), hardened as the platform's: fleet, admitted and scanned
    // images, security posture, Workload Identity.
    "container.googleapis.com",
    "iamcredentials.googleapis.com",
    "gkehub.googleapis.com",
    "binaryauthorization.googleapis.com",
    "containeranalysis.googleapis.com",
    "artifactregistry.googleapis.com",
    "containerscanning.googleapis.com",
    "containersecurity.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    ...DETECTION_APIS,
    ...RECOVERY_APIS,
    PRIVILEGED_ACCESS_API,
  ],
  kms: [
    "cloudkms.googleapis.com",
    // Quota preferences for the emergency key rotation (components/kmsWriteQuota.ts).
    "cloudquotas.googleapis.com",
    // The key operators' custom role (IAMCustomRole calls iam.googleapis.com), IAM-07.
    "iam.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    ...DETECTION_APIS,
    PRIVILEGED_ACCESS_API,
  ],
  logging: [
    "logging.googleapis.com",
    "storage.googleapis.com",
    "bigquery.googleapis.com",
    "iam.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "monitoring.googleapis.com",
    ...DETECTION_APIS,
    // The findings topic (DET-02).
    "pubsub.googleapis.com",
  ],
};

export interface PlatformProjectsArgs {
  /**
   * Protect the stateful resources (`protect`, and the provider's and API's deletion guards).
   * Only an ephemeral environment (staging, `ephemeral: true`) turns it off, to be destroyed.
   * @default true
   */
  protect?: boolean;
  /**
   * Give created projects a generated suffix (`<id>-<4 hex>`), renewed when the environment is
   * destroyed and rebuilt: Google never gives a deleted project's id back
   * (https://cloud.google.com/resource-manager/docs/creating-managing-projects), and every other
   * name of the environment lives inside its projects. For ephemeral environments only.
   * @default false
   */
  generationSuffix?: boolean;
  /** Project id for each role. */
  projectIds: ProjectIds;
  /** Organisation or folder and billing account; when absent the projects must already exist. */
  factory?: ProjectFactory;
  /** Labels for created projects; `data-class` is set per role. */
  labels: StandardLabels;
  /** @default PROJECT_APIS */
  apis?: Record<ProjectRole, string[]>;
}

/**
 * The four projects of one environment. Created (and protected) when a factory is configured,
 * otherwise adopted by id; either way the APIs each role needs are enabled.
 */
export class PlatformProjects extends pulumi.ComponentResource {
  public readonly ids: Record<ProjectRole, pulumi.Output<string>>;
  public readonly numbers: Record<ProjectRole, pulumi.Output<string>>;
  /** Project id → project number, for service-agent addresses and the stack outputs. */
  public readonly numbersById: pulumi.Output<Record<string, string>>;
  /** The generation suffix of an ephemeral environment (renewed by each rebuild); absent otherwise. */
  public readonly generation?: pulumi.Output<string>;
  /** The enabled APIs of each project: resources that use a project depend on these. */
  public readonly services: Record<ProjectRole, gcp.projects.Service[]>;
  /** The same enablements by API name, for what needs one API in particular. */
  public readonly servicesByApi: Record<ProjectRole, Record<string, gcp.projects.Service>>;

  constructor(name: string, args: PlatformProjectsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:projects:PlatformProjects", name, {}, opts);
    const apis = args.apis ?? PROJECT_APIS;
    const ids = {} as Record<ProjectRole, pulumi.Output<string>>;
    const numbers = {} as Record<ProjectRole, pulumi.Output<string>>;
    const services = {} as Record<ProjectRole, gcp.projects.Service[]>;
    const generation =
      args.factory && args.generationSuffix
        ? new random.RandomId(`${name}-generation`, { byteLength: 2 }, { parent: this }).hex
        : undefined;

    for (const role of PROJECT_ROLES) {
      const projectId = args.projectIds[role];
      if (args.factory) {
        const project = new gcp.organizations.Project(
          `${name}-${role}`,
          {
            projectId: generation ? pulumi.interpolate`${projectId}-${generation}` : projectId,
            name: projectId,
            orgId: args.factory.organizationId,
            folderId: args.factory.folderId,
            billingAccount: args.factory.billingAccount,
            autoCreateNetwork: false,
            deletionPolicy: args.protect === false ? "DELETE" : "PREVENT",
            labels: {
              ...args.labels,
              "data-class": role === "cde" ? "cardholder" : role === "platform" ? "tenant" : "none",
            },
          },
          { parent: this, protect: args.protect ?? true },
        );
        ids[role] = project.projectId;
        numbers[role] = project.number;
      } else {
        ids[role] = pulumi.output(projectId);
        numbers[role] = gcp.organizations.getProjectOutput({ projectId }, { parent: this }).apply((p) => {
          if (!p.number) throw new Error(`project ${projectId} was not found or its number is not readable`);
          return p.number;
        });
      }
      services[role] = apis[role].map(
        (api) =>
          new gcp.projects.Service(
            `${name}-${role}-${api.split(".")[0]}`,
            { project: ids[role], service: api, disableOnDestroy: false, disableDependentServices: false },
            { parent: this },
          ),
      );
    }
    this.ids = ids;
    this.numbers = numbers;
    this.generation = generation;
    this.numbersById = pulumi
      .all(PROJECT_ROLES.map((role) => pulumi.all([ids[role], numbers[role]])))
      .apply((pairs) => Object.fromEntries(pairs));
    this.services = services;
    this.servicesByApi = Object.fromEntries(
      PROJECT_ROLES.map((role) => [
        role,
        Object.fromEntries(apis[role].map((api, i) => [api, services[role][i]])),
      ]),
    ) as Record<ProjectRole, Record<string, gcp.projects.Service>>;
    this.registerOutputs({ ids, numbers, services });
  }
}
