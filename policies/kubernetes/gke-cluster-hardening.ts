import * as ipaddr from "ipaddr.js";
import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";
import { parseKeyId } from "../lib/gcp";

type Cluster = gcp.container.ClusterArgs & Record<string, unknown>;
const get = (o: unknown, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>(
      (n, k) => (n && typeof n === "object" ? (n as Record<string, unknown>)[k] : undefined),
      o,
    );

export const gkeClusterHardening = resourcePolicy<Cluster>(
  {
    name: "gke-cluster-hardening",
    description:
      "Every GKE cluster is Autopilot on a release channel with Workload Identity, private nodes running as a dedicated service account, a control plane closed to the internet, no legacy authentication, CMEK of its region for secrets and boot disks, Binary Authorization enforced (deletion protection: stateful-resource-protected).",
    controls: ["IAM-06", "NET-02", "ENC-01", "ENC-02", "K8S-04", "RES-05", "IAM-03", "IAM-01"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Build clusters with components/gkeCluster.ts; do not override its security settings.",
  },
  gcp.container.Cluster,
  (c) => {
    const findings: Finding[] = [];
    const expect = (path: string, want: unknown, fix: string) => {
      const have = get(c, path);
      if (have !== want) findings.push({ problem: `${path} is ${JSON.stringify(have ?? null)}`, fix });
    };
    expect("enableAutopilot", true, "set enableAutopilot: true");
    expect(
      "privateClusterConfig.enablePrivateNodes",
      true,
      "set privateClusterConfig.enablePrivateNodes: true",
    );
    expect("enableLegacyAbac", false, "set enableLegacyAbac: false");
    expect(
      "binaryAuthorization.evaluationMode",
      "PROJECT_SINGLETON_POLICY_ENFORCE",
      "set binaryAuthorization.evaluationMode: PROJECT_SINGLETON_POLICY_ENFORCE",
    );
    if (!["RAPID", "REGULAR", "STABLE"].includes(String(get(c, "releaseChannel.channel")))) {
      findings.push({
        problem: `releaseChannel.channel is ${JSON.stringify(get(c, "releaseChannel.channel") ?? null)}`,
        fix: "enrol the cluster in the RAPID, REGULAR or STABLE channel",
      });
    }
    if (!get(c, "workloadIdentityConfig.workloadPool")) {
      findings.push({
        problem: "Workload Identity is off (no workloadIdentityConfig.workloadPool)",
        fix: "set workloadPool to PROJECT.svc.id.goog",
      });
    }
    if (get(c, "masterAuth.clientCertificateConfig.issueClientCertificate") === true) {
      findings.push({
        problem: "client certificates are issued (legacy authentication)",
        fix: "set issueClientCertificate: false",
      });
    }
    const authorized = (get(c, "masterAuthorizedNetworksConfig.cidrBlocks") ?? []) as {
      cidrBlock?: string;
    }[];
    const open = authorized.filter((b) => b.cidrBlock === "0.0.0.0/0");
    // A public range wider than a /24 names no operators' network: 0.0.0.0/1 is half the internet.
    const wide = authorized.filter((b) => b.cidrBlock !== "0.0.0.0/0" && isWidePublicRange(b.cidrBlock));
    if (wide.length)
      findings.push({
        problem: `masterAuthorizedNetworksConfig admits public ranges wider than a /24: ${wide.map((b) => b.cidrBlock).join(", ")}`,
        fix: "name the operators' and CI runners' egress ranges (a /24 or narrower each), or use private ranges",
      });
    if (
      open.length ||
      (get(c, "privateClusterConfig.enablePrivateEndpoint") !== true && authorized.length === 0)
    ) {
      findings.push({
        problem:
          "the control plane is reachable from the internet (0.0.0.0/0 or no authorized networks on a public endpoint)",
        fix: "use a private endpoint and named authorized networks",
      });
    }
    if (get(c, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled") === true) {
      findings.push({
        problem: "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true",
        fix: "set it to false",
      });
    }
    // Nodes run as a dedicated service account, never the Compute Engine default (CIS GKE 5.2.1):
    // in an adopted project it may hold Editor. Unset, the provider sends "default" (magic-modules
    // resource_container_cluster.go.tmpl: service_account Default "default"), which GKE reads as
    // that account.
    const nodeAccount = get(c, "clusterAutoscaling.autoProvisioningDefaults.serviceAccount");
    if (
      typeof nodeAccount !== "string" ||
      nodeAccount === "default" ||
      nodeAccount.endsWith("-compute@developer.gserviceaccount.com")
    ) {
      findings.push({
        problem: `nodes run as the Compute Engine default service account (clusterAutoscaling.autoProvisioningDefaults.serviceAccount is ${JSON.stringify(nodeAccount ?? null)})`,
        fix: "set it to the project's node service account (NodeServiceAccount), which holds roles/container.defaultNodeServiceAccount only",
      });
    }
    for (const [path, what] of [
      ["databaseEncryption.keyName", "application-layer secrets"],
      ["clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey", "node boot disks"],
    ] as const) {
      const key = parseKeyId(get(c, path));
      if (!key || (path.startsWith("database") && get(c, "databaseEncryption.state") !== "ENCRYPTED")) {
        findings.push({
          problem: `${what} are not encrypted with a customer-managed key (${path})`,
          fix: `set ${path} to a key of ${String(c.location)}`,
        });
      } else if (key.location !== c.location) {
        findings.push({
          problem: `${path} is in ${key.location} but the cluster is in ${String(c.location)}`,
          fix: `use the key of ${String(c.location)}`,
        });
      }
    }
    return findings;
  },
);

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => ipaddr.IPv4.parseCIDR(c));

/** A range outside RFC 1918 with a prefix shorter than /24 (an unparsable one counts as wide). */
function isWidePublicRange(cidr: string | undefined): boolean {
  try {
    const [address, bits] = ipaddr.IPv4.parseCIDR(String(cidr));
    return bits < 24 && !PRIVATE_RANGES.some((range) => address.match(range));
  } catch {
    return true;
  }
}
