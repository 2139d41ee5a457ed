import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";

export interface IntrusionDetectionArgs {
  project: pulumi.Input<string>;
  /** Prefix of the Google resources, e.g. `prod-platform`. */
  resourcePrefix: string;
  region: Region;
  /** VPC id; Cloud IDS peers through its private-service-access connection. */
  network: pulumi.Input<string>;
  /** Subnets of the region whose traffic is mirrored to the endpoint. */
  subnetworks: pulumi.Input<string>[];
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Cloud IDS in one region (NET-06): an IDS endpoint in the region's first zone, and packet
 * mirroring of the region's subnets to it. Switched on per region by `intrusionDetectionRegions`.
 */
export class IntrusionDetection extends pulumi.ComponentResource {
  constructor(name: string, args: IntrusionDetectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:network:IntrusionDetection", name, {}, opts);
    const endpoint = new gcp.cloudids.Endpoint(
      `${name}-endpoint`,
      {
        project: args.project,
        name: `${args.resourcePrefix}-ids-${args.region}`,
        location: `${args.region}-b`,
        network: args.network,
        severity: "INFORMATIONAL",
        description: "Cloud IDS for the region's subnets",
      },
      { parent: this, dependsOn: args.dependsOn },
    );
    new gcp.compute.PacketMirroring(
      `${name}-mirroring`,
      {
        project: args.project,
        name: `${args.resourcePrefix}-ids-${args.region}`,
        region: args.region,
        network: { url: args.network },
        collectorIlb: { url: endpoint.endpointForwardingRule },
        mirroredResources: { subnetworks: args.subnetworks.map((url) => ({ url })) },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
