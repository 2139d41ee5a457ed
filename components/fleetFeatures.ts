import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { StandardLabels } from "../platform/labels";

export interface FleetFeaturesArgs {
  project: pulumi.Input<string>;
  projectNumber: pulumi.Input<string>;
  /** Membership of the configuration cluster, which hosts the multi-cluster Gateway resources. */
  configMembership: pulumi.Input<string>;
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
  constructor(name: string, args: FleetFeaturesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:gke:FleetFeatures", name, {}, opts);
    const child = { parent: this, dependsOn: args.dependsOn };
    new gcp.gkehub.Feature(
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
        member: pulumi.interpolate`serviceAccount:service-${args.projectNumber}@gcp-sa-multiclusteringress.iam.gserviceaccount.com`,
      },
      child,
    );
    this.registerOutputs({});
  }
}
