import { Finding, stackPolicy } from "../lib/define";

export const gkeEgressNat = stackPolicy(
  {
    name: "gke-private-egress-nat",
    description:
      "Every GKE cluster's network has Cloud NAT in the cluster's region, so private nodes reach out only through it.",
    controls: ["NET-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Add a Cloud Router and RouterNat for the cluster's network and region (components/network.ts).",
  },
  (resources) => {
    const routers = new Map(
      resources
        .filter((r) => r.type === "gcp:compute/router:Router")
        .map((r) => [`${String(r.props.region)}/${String(r.props.name)}`, r]),
    );
    const nats = resources.filter((r) => r.type === "gcp:compute/routerNat:RouterNat");
    const findings: Finding[] = [];
    for (const cluster of resources.filter((r) => r.type === "gcp:container/cluster:Cluster")) {
      const covered = nats.some((n) => {
        const router = routers.get(`${String(n.props.region)}/${String(n.props.router)}`);
        return n.props.region === cluster.props.location && router?.props.network === cluster.props.network;
      });
      if (!covered)
        findings.push({
          urn: cluster.urn,
          problem: `no Cloud NAT for ${String(cluster.props.network)} in ${String(cluster.props.location)}`,
          fix: "add a RouterNat in that region",
        });
    }
    return findings;
  },
);
