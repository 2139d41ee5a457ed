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
  project: pulumi.Input<string>;
  /** Plain project id, for the admitted patterns. */
  projectId: string;
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
        { parent: this, protect: true },
      );
    }
    this.policy = new gcp.binaryauthorization.Policy(
      `${name}-policy`,
      {
        project: args.project,
        description: "Only QairoPay images from the platform's Artifact Registry, and GKE system images.",
        globalPolicyEvaluationMode: "ENABLE",
        admissionWhitelistPatterns: admittedImagePatterns(args.projectId, args.regions).map(
          (namePattern) => ({ namePattern }),
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
