import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../platform/config/regions";
import { StandardLabels } from "../platform/labels";

export const IMAGE_REPOSITORY = "images";

/** Image patterns Binary Authorization admits: the platform's own repositories, one per region. */
export function admittedImagePatterns(project: string, regions: readonly Region[]): string[] {
  return regions.map((r) => `${r}-docker.pkg.dev/${project}/${IMAGE_REPOSITORY}/**`);
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
      new gcp.artifactregistry.Repository(
        `${name}-${region}`,
        {
          project: args.project,
          location: region,
          repositoryId: IMAGE_REPOSITORY,
          format: "DOCKER",
          description: "QairoPay service images; the only images Binary Authorization admits.",
          dockerConfig: { immutableTags: true },
          vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
          labels: args.labels,
        },
        { parent: this, protect: args.protect ?? true },
      );
    }
    this.policy = new gcp.binaryauthorization.Policy(
      `${name}-policy`,
      {
        project: args.project,
        description: "Only QairoPay images from the platform's Artifact Registry, and GKE system images.",
        globalPolicyEvaluationMode: "ENABLE",
        admissionWhitelistPatterns: pulumi
          .output(args.projectId)
          .apply((id) => admittedImagePatterns(id, args.regions).map((namePattern) => ({ namePattern }))),
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
