import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../vocabulary/regions";
import { PRIVATE_SERVICE_PORT } from "../catalogue/workloads";

/** The status field the GKE controller writes the Compute service attachment's URL to. */
export const SERVICE_ATTACHMENT_URL_PATH = "{.status.serviceAttachmentURL}";
/** At most this many endpoints of the consumer project may connect (one per region and spare). */
export const CONNECTION_LIMIT = 4;

export interface PrivateServicePathArgs {
  /** The published workload: its namespace, Service name and the pods' port. */
  workload: { name: string; port: number };
  region: Region;
  /** Producer side: the cde project, its VPC and this region's Private Service Connect NAT range. */
  producer: {
    project: pulumi.Input<string>;
    network: pulumi.Input<string>;
    networkName: string;
    natRange: string;
    /** Provider of the cde cluster of this region. */
    provider: k8s.Provider;
  };
  /** Consumer side: the platform project, its VPC and this region's subnet for the endpoint. */
  consumer: {
    project: pulumi.Input<string>;
    network: pulumi.Input<string>;
    subnetwork: pulumi.Input<string>;
  };
  /** What the producer objects wait for (the workload's namespace in the cde cluster). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The one declared path from the platform to a cardholder-class workload (NET-09), in one region:
 * Private Service Connect. On the cde side, an internal passthrough load balancer in front of the
 * workload's pods and a GKE `ServiceAttachment` publishing it, accepting only the platform project
 * (ACCEPT_MANUAL with an accept list) and translating consumers into a NAT range of its own; on
 * the platform side, one endpoint address in the region's subnet. No route, peering or firewall
 * joins the two VPCs: the endpoint reaches this one service and nothing else
 * (https://cloud.google.com/vpc/docs/private-service-connect,
 * https://cloud.google.com/kubernetes-engine/docs/how-to/internal-load-balancing#psc). TLS ends in
 * the workload, which authenticates callers itself (docs/segmentation.md).
 */
export class PrivateServicePath extends pulumi.ComponentResource {
  /** The endpoint's internal address in the platform VPC. */
  public readonly endpointAddress: pulumi.Output<string>;

  constructor(name: string, args: PrivateServicePathArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:network:PrivateServicePath", name, {}, opts);
    const child = { parent: this };
    const { workload, region, producer, consumer } = args;
    const natSubnet = new gcp.compute.Subnetwork(
      `${name}-nat`,
      {
        project: producer.project,
        name: `${producer.networkName}-${region}-psc-nat`,
        region,
        network: producer.network,
        ipCidrRange: producer.natRange,
        purpose: "PRIVATE_SERVICE_CONNECT",
      },
      child,
    );
    const k = { parent: this, provider: producer.provider, dependsOn: args.dependsOn };
    const serviceName = `${workload.name}-psc`;
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: {
          name: serviceName,
          namespace: workload.name,
          labels: { app: workload.name },
          annotations: { "networking.gke.io/load-balancer-type": "Internal" },
        },
        spec: {
          type: "LoadBalancer",
          selector: { app: workload.name },
          // Only nodes running a pod take traffic, and the pod sees the NAT address it came from:
          // with `Cluster`, a node without one forwards it (source NATed to the node) and the pod's
          // NetworkPolicy, which admits only the NAT range, drops it
          // (https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer-parameters).
          externalTrafficPolicy: "Local",
          // Only Private Service Connect's NAT range may use the load balancer: GKE writes these
          // as the source ranges of the firewall rule it creates for it.
          loadBalancerSourceRanges: [producer.natRange],
          ports: [
            {
              name: "https",
              port: PRIVATE_SERVICE_PORT,
              targetPort: workload.port,
              protocol: "TCP",
              appProtocol: "HTTPS",
            },
          ],
        },
      },
      k,
    );
    const attachment = new k8s.apiextensions.CustomResource(
      `${name}-attachment`,
      {
        apiVersion: "networking.gke.io/v1",
        kind: "ServiceAttachment",
        metadata: {
          name: serviceName,
          namespace: workload.name,
          // The consumer needs the attachment's URL, which GKE names and writes to the status:
          // the provider waits for it (pulumi-kubernetes ≥ 4.18 `pulumi.com/waitFor`).
          annotations: { "pulumi.com/waitFor": `jsonpath=${SERVICE_ATTACHMENT_URL_PATH}` },
        },
        spec: {
          connectionPreference: "ACCEPT_MANUAL",
          consumerAllowList: [{ project: consumer.project, connectionLimit: CONNECTION_LIMIT }],
          natSubnets: [natSubnet.name],
          proxyProtocol: false,
          resourceRef: { kind: "Service", name: serviceName },
        },
        // Declared so that the live status is an output of the resource (CustomResource registers
        // every key of its arguments as an output property).
        status: undefined,
      },
      { ...k, dependsOn: [...(args.dependsOn ?? []), service, natSubnet] },
    );
    const attachmentUrl = (
      attachment as unknown as { status: pulumi.Output<{ serviceAttachmentURL?: string }> }
    ).status.apply((s) => s?.serviceAttachmentURL ?? "");
    const address = new gcp.compute.Address(
      `${name}-endpoint-ip`,
      {
        project: consumer.project,
        name: `${workload.name}-${region}-psc`,
        region,
        addressType: "INTERNAL",
        subnetwork: consumer.subnetwork,
        description: `Private Service Connect endpoint of ${workload.name} (NET-09).`,
      },
      child,
    );
    new gcp.compute.ForwardingRule(
      `${name}-endpoint`,
      {
        project: consumer.project,
        name: `${workload.name}-${region}-psc`,
        region,
        network: consumer.network,
        ipAddress: address.id,
        target: attachmentUrl,
        // A Private Service Connect endpoint has no load-balancing scheme of its own.
        loadBalancingScheme: "",
        description: `The one path from the platform to ${workload.name} (NET-09).`,
      },
      child,
    );
    this.endpointAddress = address.address;
    this.registerOutputs({ endpointAddress: this.endpointAddress });
  }
}
