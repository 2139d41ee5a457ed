import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../platform/config/regions";
import { StandardLabels } from "../platform/labels";

/** The CMEK repositories of a project's images, one per region (ENC-01). */
export const IMAGE_REPOSITORY = "containers";
/**
 * The repositories before CMEK. Artifact Registry cannot add a key to a repository (`kmsKeyName`
 * is immutable: resource_artifact_registry_repository.go ForceNew), so the images move to new
 * repositories and these are kept, and admitted, only while `legacyImageRepositories` is on.
 */
export const LEGACY_IMAGE_REPOSITORY = "images";

/** Image patterns Binary Authorization admits: the project's own repositories, one per region. */
export function admittedImagePatterns(project: string, regions: readonly Region[], legacy = false): string[] {
  const repositories = legacy ? [IMAGE_REPOSITORY, LEGACY_IMAGE_REPOSITORY] : [IMAGE_REPOSITORY];
  return repositories.flatMap((repo) => regions.map((r) => `${r}-docker.pkg.dev/${project}/${repo}/**`));
}

export interface ImageAdmissionArgs {
  /**
   * Protect the stateful resources (`protect`, and the provider's and API's deletion guards).
   * Only an ephemeral environment (staging, `ephemeral: true`) turns it off, to be destroyed.
   * @default true
   */
  protect?: boolean;
  project: pulumi.Input<string>;
  /** The project's id (an output where the stack creates the project), for the admitted patterns. */
  projectId: pulumi.Input<string>;
  regions: readonly Region[];
  /** Each region's CMEK key for its repository; the Artifact Registry agent must hold it first. */
  encryptionKeys: Record<Region, pulumi.Input<string>>;
  /** Keep (and admit) the pre-CMEK `images` repositories during their migration. @default false */
  legacyRepositories?: boolean;
  labels: StandardLabels;
}

/**
 * The platform's image supply: an Artifact Registry Docker repository per region, and the
 * project's Binary Authorization policy, which the clusters enforce
 * (PROJECT_SINGLETON_POLICY_ENFORCE, K8S-04): deny by default, admit only images from those
 * repositories, plus the Google-maintained system images GKE itself runs
 * (globalPolicyEvaluationMode ENABLE).
 */
export class ImageAdmission extends pulumi.ComponentResource {
  public readonly policy: gcp.binaryauthorization.Policy;

  constructor(name: string, args: ImageAdmissionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:gke:ImageAdmission", name, {}, opts);
    for (const region of args.regions) {
      const common = {
        project: args.project,
        location: region,
        format: "DOCKER",
        description: "QairoPay service images; the only images Binary Authorization admits.",
        dockerConfig: { immutableTags: true },
        vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
        labels: args.labels,
      };
      const options = { parent: this, protect: args.protect ?? true };
      new gcp.artifactregistry.Repository(
        `${name}-${IMAGE_REPOSITORY}-${region}`,
        { ...common, repositoryId: IMAGE_REPOSITORY, kmsKeyName: args.encryptionKeys[region] },
        options,
      );
      // The pre-CMEK repository keeps its Pulumi name, so the state keeps it while it is listed.
      if (args.legacyRepositories)
        new gcp.artifactregistry.Repository(
          `${name}-${region}`,
          { ...common, repositoryId: LEGACY_IMAGE_REPOSITORY },
          options,
        );
    }
    this.policy = new gcp.binaryauthorization.Policy(
      `${name}-policy`,
      {
        project: args.project,
        description: "Only QairoPay images from the platform's Artifact Registry, and GKE system images.",
        globalPolicyEvaluationMode: "ENABLE",
        admissionWhitelistPatterns: pulumi.output(args.projectId).apply((id) =>
          admittedImagePatterns(id, args.regions, args.legacyRepositories).map((namePattern) => ({
            namePattern,
          })),
        ),
        defaultAdmissionRule: {
          evaluationMode: "ALWAYS_DENY",
          enforcementMode: "ENFORCED_BLOCK_AND_AUDIT_LOG",
        },
      },
      { parent: this },
    );
    this.registerOutputs({ policy: this.policy });
  }
}
