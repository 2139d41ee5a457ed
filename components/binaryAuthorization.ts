import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";
import { grantPropagation } from "./lib/propagation";

/** The CMEK repositories of a project's images, one per region (ENC-01). */
export const IMAGE_REPOSITORY = "containers";
/**
 * The repositories before CMEK. Artifact Registry cannot add a key to a repository (`kmsKeyName`
 * is immutable: resource_artifact_registry_repository.go ForceNew), so the images move to new
 * repositories and these are kept, and admitted, only while `legacyImageRepositories` is on.
 */
export const LEGACY_IMAGE_REPOSITORY = "images";

/**
 * The project's own repositories, one per region, as Binary Authorization name patterns: admitted
 * by name only while a deployed stack's running images are being attested (attestationEnforced
 * false); by name alone, whoever can push could run code.
 */
export function admittedImagePatterns(project: string, regions: readonly Region[], legacy = false): string[] {
  const repositories = legacy ? [IMAGE_REPOSITORY, LEGACY_IMAGE_REPOSITORY] : [IMAGE_REPOSITORY];
  return repositories.flatMap((repo) => regions.map((r) => `${r}-docker.pkg.dev/${project}/${repo}/**`));
}

/** The note and attestor of each project's reviewed images. */
export const ATTESTOR_NAME = "qairopay-reviewed";
/** Roles that can push or delete images (https://cloud.google.com/artifact-registry/docs/access-control#roles). */
export const IMAGE_WRITER_ROLE = "roles/artifactregistry.writer";

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
  /** IAM members that pull images (the project's node service account), by a stable label: reader on each repository. */
  readers: Record<string, pulumi.Input<string>>;
  /**
   * The image pipeline's identity (an IAM member): the only writer of the repositories, and the
   * only signer of attestations, after review.
   */
  publisher: string;
  /** The attestor's signing keys (ASYMMETRIC_SIGN, HSM), one per serving region; version 1 of each signs. */
  signingKeys: Record<Region, pulumi.Input<string>>;
  /** The identity that runs `pulumi up`: it reads the signing keys' public keys for the attestor. */
  deployer: string;
  /**
   * Require the attestor's signature on every image but Google's system images. `false` only for
   * the `up` that adds the attestor to a deployed stack, while the running images are signed: the
   * repositories stay admitted by name meanwhile (docs/artifact-registry.md).
   * @default true
   */
  attestationEnforced?: boolean;
  labels: StandardLabels;
}

/**
 * The platform's image supply: an Artifact Registry Docker repository per region, written only by
 * the image pipeline and read by the nodes, and the project's Binary Authorization policy, which the
 * clusters enforce (PROJECT_SINGLETON_POLICY_ENFORCE, K8S-04): every image needs an attestation of
 * the project's attestor, signed after review with an HSM key in Cloud KMS, and only Google's system
 * images are exempt (globalPolicyEvaluationMode ENABLE). Pushing to a repository is not enough to
 * run: whoever can push still cannot sign.
 */
export class ImageAdmission extends pulumi.ComponentResource {
  public readonly policy: gcp.binaryauthorization.Policy;
  public readonly attestor: gcp.binaryauthorization.Attestor;

  constructor(name: string, args: ImageAdmissionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:gke:ImageAdmission", name, {}, opts);
    for (const region of args.regions) imageRepositories(name, args, region, this);
    const { attestor, readable } = imageAttestor(name, args, this);
    this.policy = new gcp.binaryauthorization.Policy(
      `${name}-policy`,
      admissionPolicyArgs(args, attestor.id),
      {
        parent: this,
        dependsOn: [readable],
      },
    );
    this.attestor = attestor;
    this.registerOutputs({ policy: this.policy, attestor });
  }
}

/** One region's image repositories (the CMEK one, and the legacy one while listed) and who may push and pull. */
function imageRepositories(
  name: string,
  args: ImageAdmissionArgs,
  region: Region,
  parent: pulumi.Resource,
): void {
  const child = { parent };
  const common = {
    project: args.project,
    location: region,
    format: "DOCKER",
    description: "QairoPay service images; the only images Binary Authorization admits.",
    dockerConfig: { immutableTags: true },
    vulnerabilityScanningConfig: { enablementConfig: "INHERITED" },
    labels: args.labels,
  };
  const options = { parent, protect: args.protect ?? true };
  const repositories = [
    new gcp.artifactregistry.Repository(
      `${name}-${IMAGE_REPOSITORY}-${region}`,
      { ...common, repositoryId: IMAGE_REPOSITORY, kmsKeyName: args.encryptionKeys[region] },
      options,
    ),
  ];
  // The pre-CMEK repository keeps its Pulumi name, so the state keeps it while it is listed.
  if (args.legacyRepositories)
    repositories.push(
      new gcp.artifactregistry.Repository(
        `${name}-${region}`,
        { ...common, repositoryId: LEGACY_IMAGE_REPOSITORY },
        options,
      ),
    );
  for (const repository of repositories) {
    const grant = (key: string, role: string, member: pulumi.Input<string>) =>
      new gcp.artifactregistry.RepositoryIamMember(
        `${name}-${region}-${repository === repositories[0] ? IMAGE_REPOSITORY : LEGACY_IMAGE_REPOSITORY}-${key}`,
        { project: args.project, location: region, repository: repository.name, role, member },
        child,
      );
    grant("publisher", IMAGE_WRITER_ROLE, args.publisher);
    for (const [label, reader] of Object.entries(args.readers))
      grant(`${label}-reader`, "roles/artifactregistry.reader", reader);
  }
}

/**
 * The attestor with its note and signing keys' public halves, and the grants that let Binary
 * Authorization read its attestations and the pipeline attach them.
 */
function imageAttestor(
  name: string,
  args: ImageAdmissionArgs,
  parent: pulumi.Resource,
): { attestor: gcp.binaryauthorization.Attestor; readable: gcp.containeranalysis.NoteIamMember } {
  const child = { parent };
  // The attestor: a Container Analysis note its attestations attach to, and the public half of
  // each signing key, read from KMS (the provider's sample: public_key[0].pem and .algorithm,
  // id = the version's `//cloudkms.googleapis.com/v1/...` name). Reading a public key needs
  // cloudkms.cryptoKeyVersions.viewPublicKey, which roles/cloudkms.admin does not hold: the
  // deployer gets publicKeyViewer on these keys first, and the reads wait for it.
  const note = new gcp.containeranalysis.Note(
    `${name}-note`,
    {
      project: args.project,
      name: ATTESTOR_NAME,
      attestationAuthority: {
        hint: { humanReadableName: "Images reviewed and signed by the image pipeline" },
      },
    },
    child,
  );
  const viewers = args.regions.map((region) => {
    const keyGrant = (role: string, member: string, key: string) =>
      new gcp.kms.CryptoKeyIAMMember(
        `${name}-signing-key-${region}-${key}`,
        { cryptoKeyId: args.signingKeys[region], role, member },
        child,
      );
    keyGrant("roles/cloudkms.signerVerifier", args.publisher, "publisher");
    return keyGrant("roles/cloudkms.publicKeyViewer", args.deployer, "deployer");
  });
  // The data source retries nothing but a key still being generated, so the deployer's first read
  // of the public keys waits for its viewer grants: one wait for the batch, of the platform's one
  // propagation time (components/lib/propagation.ts).
  const keysReadable = grantPropagation(
    `${name}-signing-keys-readable`,
    viewers,
    args.regions.map((region) => `${name}-signing-key-${region}-deployer`),
    { parent },
  );
  const publicKeys = args.regions.map((region) => {
    const keyId = args.signingKeys[region];
    const version = gcp.kms.getKMSCryptoKeyVersionOutput(
      { cryptoKey: pulumi.all([keyId, keysReadable.id]).apply(([id]) => id) },
      child,
    );
    return version.apply((v) => ({
      id: v.id,
      pkixPublicKey: { publicKeyPem: v.publicKeys[0].pem, signatureAlgorithm: v.publicKeys[0].algorithm },
    }));
  });
  const attestor = new gcp.binaryauthorization.Attestor(
    `${name}-attestor`,
    {
      project: args.project,
      name: ATTESTOR_NAME,
      description: "Signs images that passed review; its keys are HSM keys in Cloud KMS.",
      attestationAuthorityNote: { noteReference: note.name, publicKeys },
    },
    child,
  );
  // Binary Authorization reads attestations as the attestor's delegation account, which "must"
  // be granted occurrences viewer on the note (magic-modules products/binaryauthorization/Attestor.yaml,
  // delegationServiceAccountEmail); without it every image would be refused.
  const readable = new gcp.containeranalysis.NoteIamMember(
    `${name}-note-verifier`,
    {
      project: args.project,
      note: note.name,
      role: "roles/containeranalysis.notes.occurrences.viewer",
      member: attestor.attestationAuthorityNote.apply(
        (n) => `serviceAccount:${n.delegationServiceAccountEmail ?? ""}`,
      ),
    },
    child,
  );
  new gcp.containeranalysis.NoteIamMember(
    `${name}-note-publisher`,
    {
      project: args.project,
      note: note.name,
      role: "roles/containeranalysis.notes.attacher",
      member: args.publisher,
    },
    child,
  );
  new gcp.binaryauthorization.AttestorIamMember(
    `${name}-attestor-publisher`,
    {
      project: args.project,
      attestor: attestor.name,
      role: "roles/binaryauthorization.attestorsViewer",
      member: args.publisher,
    },
    child,
  );
  return { attestor, readable };
}

/**
 * The project's admission policy: once enforced, only images its attestor has attested (and GKE's
 * system images); in the transition, the project's repositories by name.
 */
export function admissionPolicyArgs(
  args: Pick<
    ImageAdmissionArgs,
    "project" | "projectId" | "regions" | "legacyRepositories" | "attestationEnforced"
  >,
  attestorId: pulumi.Input<string>,
): gcp.binaryauthorization.PolicyArgs {
  const enforced = args.attestationEnforced ?? true;
  return {
    project: args.project,
    description: enforced
      ? "Only images attested by the project's attestor, and GKE system images."
      : "Transition: the project's repositories by name while their running images are attested.",
    globalPolicyEvaluationMode: "ENABLE",
    admissionWhitelistPatterns: enforced
      ? []
      : pulumi.output(args.projectId).apply((id) =>
          admittedImagePatterns(id, args.regions, args.legacyRepositories).map((namePattern) => ({
            namePattern,
          })),
        ),
    defaultAdmissionRule: enforced
      ? {
          evaluationMode: "REQUIRE_ATTESTATION",
          requireAttestationsBies: [attestorId],
          enforcementMode: "ENFORCED_BLOCK_AND_AUDIT_LOG",
        }
      : { evaluationMode: "ALWAYS_DENY", enforcementMode: "ENFORCED_BLOCK_AND_AUDIT_LOG" },
  };
}
