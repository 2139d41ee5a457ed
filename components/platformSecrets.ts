import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { StandardLabels } from "../vocabulary/labels";

export interface SecretSpec {
  /** Secret id, e.g. `redis-auth-us-central1`. */
  id: string;
  /** The value; a Pulumi secret, never a stack output. */
  value: pulumi.Output<string>;
  /** Google service accounts (`serviceAccount:…`) that may read it, through Workload Identity. */
  readers: pulumi.Input<string>[];
}

export interface PlatformSecretsArgs {
  project: pulumi.Input<string>;
  /** Replicas: one per serving region, each encrypted with that region's key (ENC-09, ENC-02). */
  replicaKeys: Record<Region, pulumi.Input<string>>;
  secrets: SecretSpec[];
  labels: StandardLabels;
}

/**
 * The secrets the platform creates or passes (ENC-09), in Secret Manager: user-managed replication
 * to the serving regions only, each replica under its region's customer-managed key
 * (https://cloud.google.com/secret-manager/docs/cmek), and `roles/secretmanager.secretAccessor` on
 * each secret for exactly the workloads that read it. Values never appear in stack outputs: the
 * outputs carry the secrets' names.
 */
export class PlatformSecrets extends pulumi.ComponentResource {
  /** Secret id → `projects/P/secrets/ID`. */
  public readonly names: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: PlatformSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:secrets:PlatformSecrets", name, {}, opts);
    const names: Record<string, pulumi.Output<string>> = {};
    for (const spec of args.secrets) {
      const secret = new gcp.secretmanager.Secret(
        `${name}-${spec.id}`,
        {
          project: args.project,
          secretId: spec.id,
          replication: {
            userManaged: {
              replicas: (Object.entries(args.replicaKeys) as [Region, pulumi.Input<string>][]).map(
                ([location, kmsKeyName]) => ({
                  location,
                  customerManagedEncryption: { kmsKeyName },
                }),
              ),
            },
          },
          labels: args.labels,
        },
        { parent: this },
      );
      new gcp.secretmanager.SecretVersion(
        `${name}-${spec.id}-version`,
        // A new value disables the old version instead of destroying it, so clients still holding
        // it keep working until the rotation is finished (docs/perimeter.md, Rotation).
        { secret: secret.id, secretData: spec.value, deletionPolicy: "DISABLE" },
        { parent: this },
      );
      spec.readers.forEach(
        (member, i) =>
          new gcp.secretmanager.SecretIamMember(
            `${name}-${spec.id}-reader-${i}`,
            {
              project: args.project,
              secretId: secret.secretId,
              role: "roles/secretmanager.secretAccessor",
              member,
            },
            { parent: this },
          ),
      );
      names[spec.id] = secret.name;
    }
    this.names = names;
    this.registerOutputs({ names });
  }
}
