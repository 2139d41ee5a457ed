import { GOOGLE_LB_RANGES, PrivateNetwork, PrivateNetworkArgs, subnetArgs } from "../components/network";
import { GcpMocks } from "../engine/gcpMocks";
import { CapturedResource } from "../engine/model";
import { runOfflineProgram } from "../engine/run";

/*
 * PrivateNetwork alone, with the least arguments (awsx vpc.test.ts style): registered under the
 * engine's mocks with the harness's capturing monitor, every registration asserted by type, name,
 * parent and the inputs that carry its controls.
 */
const ARGS: PrivateNetworkArgs = {
  project: "qp-test-platform",
  networkName: "test-platform",
  plan: {
    cidr: "10.64.0.0/16",
    privateServiceAccess: "10.64.128.0/20",
    privateServiceConnectNat: {},
    regions: { "us-east1": { nodes: "10.64.0.0/22", pods: "10.64.32.0/19", services: "10.64.4.0/22" } },
  },
  regions: ["us-east1"],
  labels: { env: "test", "data-class": "none", owner: "platform" },
};

async function register(args: PrivateNetworkArgs): Promise<CapturedResource[]> {
  const run = await runOfflineProgram({
    project: "qairopay-platform",
    stackConfig: { stack: "test", values: {}, secretKeys: [] },
    mocks: new GcpMocks(),
    program: () => () => new PrivateNetwork("net", args),
  });
  return run.resources.filter(
    (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
  );
}

let resources: CapturedResource[];
const named = (name: string) => {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`nothing registered as ${name}`);
  return found;
};
beforeAll(async () => {
  resources = await register(ARGS);
});

describe("PrivateNetwork with one region", () => {
  test("registers the VPC, the region's subnet, router and NAT, private services access, DNS, route and firewalls", () => {
    const byName = (a: string[], b: string[]) => a[1].localeCompare(b[1]);
    expect(resources.map((r) => [r.type, r.name]).sort(byName)).toEqual(
      [
        ["qairopay:network:PrivateNetwork", "net"],
        ["gcp:compute/network:Network", "net-vpc"],
        ["gcp:compute/subnetwork:Subnetwork", "net-us-east1"],
        ["gcp:compute/router:Router", "net-us-east1-router"],
        ["gcp:compute/routerNat:RouterNat", "net-us-east1-nat"],
        ["gcp:compute/globalAddress:GlobalAddress", "net-psa-range"],
        ["gcp:servicenetworking/connection:Connection", "net-psa"],
        ["gcp:dns/managedZone:ManagedZone", "net-googleapis"],
        ["gcp:dns/recordSet:RecordSet", "net-googleapis-a"],
        ["gcp:dns/recordSet:RecordSet", "net-googleapis-cname"],
        ["gcp:dns/managedZone:ManagedZone", "net-pkg"],
        ["gcp:dns/recordSet:RecordSet", "net-pkg-a"],
        ["gcp:dns/recordSet:RecordSet", "net-pkg-cname"],
        ["gcp:dns/managedZone:ManagedZone", "net-gcr"],
        ["gcp:dns/recordSet:RecordSet", "net-gcr-a"],
        ["gcp:dns/recordSet:RecordSet", "net-gcr-cname"],
        ["gcp:compute/route:Route", "net-restricted-apis"],
        ["gcp:compute/firewall:Firewall", "net-allow-google-lb"],
        ["gcp:compute/firewall:Firewall", "net-deny-all-ingress"],
      ].sort(byName),
    );
    const component = named("net").urn;
    for (const r of resources.slice(1)) expect([r.name, r.parent]).toEqual([r.name, component]);
  });

  test("the VPC is custom-mode, protected, and lets the egress firewall policy decide first", () => {
    const vpc = named("net-vpc");
    expect(vpc.protect).toBe(true);
    expect(vpc.inputs).toMatchObject({
      name: "test-platform",
      autoCreateSubnetworks: false,
      routingMode: "GLOBAL",
      networkFirewallPolicyEnforcementOrder: "BEFORE_CLASSIC_FIREWALL",
    });
  });

  test("the subnet carries the plan's ranges, Private Google Access and flow logs", () => {
    expect(named("net-us-east1").inputs).toMatchObject({
      name: "test-platform-us-east1",
      region: "us-east1",
      ipCidrRange: "10.64.0.0/22",
      secondaryIpRanges: [
        { rangeName: "pods", ipCidrRange: "10.64.32.0/19" },
        { rangeName: "services", ipCidrRange: "10.64.4.0/22" },
      ],
      privateIpGoogleAccess: true,
      logConfig: { metadata: "INCLUDE_ALL_METADATA" },
    });
  });

  test("private services access reserves the plan's range and abandons the peering on delete", () => {
    expect(named("net-psa-range").inputs).toMatchObject({
      purpose: "VPC_PEERING",
      address: "10.64.128.0",
      prefixLength: 20,
    });
    expect(named("net-psa").inputs).toMatchObject({
      service: "servicenetworking.googleapis.com",
      deletionPolicy: "ABANDON",
    });
  });

  test("ingress: only Google's load-balancer ranges to the serving ports, then a logged deny of everything", () => {
    expect(named("net-allow-google-lb").inputs).toMatchObject({
      direction: "INGRESS",
      sourceRanges: GOOGLE_LB_RANGES,
      allows: [{ protocol: "tcp", ports: ["443", "8443", "8080"] }],
      logConfig: { metadata: "INCLUDE_ALL_METADATA" },
    });
    expect(named("net-deny-all-ingress").inputs).toMatchObject({
      priority: 65534,
      sourceRanges: ["0.0.0.0/0"],
      denies: [{ protocol: "all" }],
    });
  });

  test("Google's APIs resolve to restricted.googleapis.com only", () => {
    expect(named("net-googleapis-a").inputs).toMatchObject({
      name: "restricted.googleapis.com.",
      rrdatas: ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"],
    });
    expect(named("net-restricted-apis").inputs).toMatchObject({
      destRange: "199.36.153.4/30",
      nextHopGateway: "default-internet-gateway",
    });
  });
});

describe("PrivateNetwork's arguments", () => {
  test("an ephemeral network is not protected", async () => {
    const unprotected = await register({ ...ARGS, protect: false });
    expect(unprotected.find((r) => r.name === "net-vpc")?.protect).toBe(false);
  });

  test("a region the address plan has no ranges for is refused, naming both", () => {
    expect(() => subnetArgs(ARGS, "us-central1", "vpc")).toThrow(
      "address plan of test-platform has no ranges for us-central1",
    );
  });
});
