import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { StandardLabels } from "../vocabulary/labels";

/**
 * How long the multi-cluster Services CRDs take to reach member clusters after the feature is
 * enabled; nothing signals it (engine/rehearsal/facts/propagation.ts has the sources).
 */
export const MCS_CRD_WAIT = "150s";

export interface FleetFeaturesArgs {
  project: pulumi.Input<string>;
  /** The multi-cluster Ingress service agent (`serviceAccount:…`), created by ServiceIdentity. */
  multiClusterIngressAgent: pulumi.Input<string>;
  /** Membership of the configuration cluster, which hosts the multi-cluster Gateway resources. */
  configMembership: pulumi.Input<string>;
  /** Every member cluster's membership: a new member makes the CRD wait run again. */
  memberships: pulumi.Input<string>[];
  labels: StandardLabels;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Fleet features that make two regional clusters serve as one (RES-01): multi-cluster Services
 * (ServiceExport/ServiceImport across the fleet) and multi-cluster Ingress, which the
 * `gke-l7-global-external-managed-mc` GatewayClass uses. The IAM grants are the ones Google
 * documents for each (https://cloud.google.com/kubernetes-engine/docs/how-to/enabling-multi-cluster-gateways).
 */
export class FleetFeatures extends pulumi.ComponentResource {
  /** Finishes once ServiceExport and ServiceImport can be applied in the member clusters. */
  public readonly multiClusterServicesReady: time.Sleep;

  constructor(name: string, args: FleetFeaturesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:gke:FleetFeatures", name, {}, opts);
    const child = { parent: this, dependsOn: args.dependsOn };
    const mcs = new gcp.gkehub.Feature(
      `${name}-mcs`,
      {
        project: args.project,
        location: "global",
        name: "multiclusterservicediscovery",
        labels: args.labels,
      },
      child,
    );
    new gcp.gkehub.Feature(
      `${name}-mci`,
      {
        project: args.project,
        location: "global",
        name: "multiclusteringress",
        labels: args.labels,
        spec: { multiclusteringress: { configMembership: args.configMembership } },
      },
      child,
    );
    // The MCS importer reads network endpoints of every cluster.
    new gcp.projects.IAMMember(
      `${name}-mcs-importer`,
      {
        project: args.project,
        role: "roles/compute.networkViewer",
        member: pulumi.interpolate`serviceAccount:${args.project}.svc.id.goog[gke-mcs/gke-mcs-importer]`,
      },
      child,
    );
    // The multi-cluster Ingress service agent programs the load balancer from the config cluster.
    new gcp.projects.IAMMember(
      `${name}-mci-agent`,
      {
        project: args.project,
        role: "roles/container.admin",
        member: args.multiClusterIngressAgent,
      },
      child,
    );
    this.multiClusterServicesReady = new time.Sleep(
      `${name}-mcs-crds`,
      {
        createDuration: MCS_CRD_WAIT,
        // A wait runs on create only: a cluster joining later must make it run again.
        triggers: { memberships: pulumi.all(args.memberships).apply((m) => [...m].sort().join(",")) },
      },
      { parent: this, dependsOn: [mcs] },
    );
    this.registerOutputs({ multiClusterServicesReady: this.multiClusterServicesReady });
  }
}
