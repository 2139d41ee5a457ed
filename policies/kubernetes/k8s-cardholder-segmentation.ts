import { PolicyResource } from "@pulumi/policy";
import { Finding, stackPolicy } from "../lib/define";
import { ALLOWED_REGIONS, cardholderProjects } from "../lib/gcp";
import { isCardholderCluster } from "./gke-active-active";
import { isApplicationNamespace, meta, ofKind } from "./k8s";

const CLUSTER = "gcp:container/cluster:Cluster";
const WI_ROLE = "roles/iam.workloadIdentityUser";
const WI_BINDINGS = ["gcp:serviceaccount/iAMMember:IAMMember", "gcp:serviceaccount/iAMBinding:IAMBinding"];
const DATA_CLASS_LABEL = "qairopay.com/data-class";

/** The GKE cluster a Kubernetes object lands on, from its provider's `cluster` (plain at preview). */
export function gkeClusterOf(r: PolicyResource, clusters: PolicyResource[]): PolicyResource | undefined {
  const name = r.provider?.props.cluster;
  return typeof name === "string" ? clusters.find((c) => c.props.name === name) : undefined;
}

function projectOfAccount(email: unknown): string | undefined {
  return /@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(String(email ?? ""))?.[1];
}

function poolOf(member: string): string | undefined {
  return /^serviceAccount:([^[]+)\.svc\.id\.goog\[/.exec(member)?.[1];
}

export const k8sCardholderSegmentation = stackPolicy(
  {
    name: "k8s-cardholder-segmentation",
    description:
      "Cardholder-class workloads run only on the cde project's clusters, one per serving region, and nothing else runs there; their Workload Identity trusts only the cde's pool, and their one published path accepts only the platform project.",
    controls: ["NET-09"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Deploy cardholder-class namespaces, service accounts and objects only through the cde clusters' provider (WorkloadSpec project `cde`), bind their Google accounts to the cde project's pool, and publish them only through PrivateServicePath.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const clusters = resources.filter((r) => r.type === CLUSTER);
    const cde = cardholderProjects(resources);
    const cdeClusters = clusters.filter(isCardholderCluster);
    const servingProjects = new Set(
      clusters.filter((c) => !isCardholderCluster(c)).map((c) => c.props.project),
    );
    const k8sObjects = resources.filter((r) => r.type.startsWith("kubernetes:"));
    const cardholderNamespaces = new Set(
      ofKind(resources, "Namespace")
        .filter((n) => meta(n).labels?.[DATA_CLASS_LABEL] === "cardholder")
        .map((n) => meta(n).name),
    );
    const isCardholderObject = (r: PolicyResource): boolean => {
      const m = meta(r);
      if (r.type.endsWith(":Namespace")) return cardholderNamespaces.has(m.name);
      if (cardholderNamespaces.has(m.namespace)) return true;
      const gsa = m.annotations?.["iam.gke.io/gcp-service-account"];
      return gsa !== undefined && cde.has(projectOfAccount(gsa) ?? "");
    };

    for (const r of k8sObjects) {
      const cluster = gkeClusterOf(r, clusters);
      const m = meta(r);
      const what = `${r.type.split(":").pop()} ${m.namespace ? `${m.namespace}/` : ""}${m.name}`;
      if (isCardholderObject(r)) {
        if (!cluster || !isCardholderCluster(cluster))
          findings.push({
            urn: r.urn,
            problem: `cardholder-class ${what} is deployed to ${cluster ? `cluster ${String(cluster.props.name)}` : "a cluster that is not a cde cluster"}, outside the cardholder-data environment`,
            fix: "deploy it only through a cde cluster's provider",
          });
        continue;
      }
      const namespace = r.type.endsWith(":Namespace") ? m.name : m.namespace;
      if (cluster && isCardholderCluster(cluster) && isApplicationNamespace(namespace))
        findings.push({
          urn: r.urn,
          problem: `${what} is not cardholder-class but runs on cde cluster ${String(cluster.props.name)}`,
          fix: "keep the cde clusters for cardholder-class workloads only",
        });
    }

    if (cardholderNamespaces.size > 0) {
      for (const region of ALLOWED_REGIONS) {
        if (!cdeClusters.some((c) => c.props.location === region))
          findings.push({
            urn: (cdeClusters[0] ?? clusters[0] ?? k8sObjects[0]).urn,
            problem: `no cde cluster in ${region} for the cardholder-class workloads`,
            fix: `add a cde GkeCluster in ${region}`,
          });
      }
    }
    for (const c of cdeClusters) {
      const fleet = (c.props.fleet as { project?: string } | undefined)?.project;
      if (fleet !== undefined && !cde.has(fleet))
        findings.push({
          urn: c.urn,
          problem: `cde cluster ${String(c.props.name)} is registered in the fleet of ${fleet}, whose Workload Identity pool and namespaces it would share`,
          fix: "register it in the cde project's own fleet",
        });
    }

    for (const b of resources.filter((r) => WI_BINDINGS.includes(r.type) && r.props.role === WI_ROLE)) {
      const gsaProject = projectOfAccount(String(b.props.serviceAccountId));
      const members = (b.props.members as string[] | undefined) ?? [String(b.props.member)];
      for (const member of members) {
        const pool = poolOf(member);
        if (pool === undefined) continue;
        if (cde.has(gsaProject ?? "") !== cde.has(pool))
          findings.push({
            urn: b.urn,
            problem: `${member} (pool of ${pool}) may act as a service account of ${gsaProject}: Workload Identity crosses the cardholder-data boundary`,
            fix: "bind cde accounts only to the cde project's pool, and platform accounts only to the platform's",
          });
      }
    }

    for (const a of ofKind(resources, "ServiceAttachment")) {
      const spec = (a.props.spec ?? {}) as {
        connectionPreference?: string;
        consumerAllowList?: { project?: string }[];
      };
      const consumers = (spec.consumerAllowList ?? []).map((c) => String(c.project));
      const strangers = consumers.filter((p) => !servingProjects.has(p));
      if (spec.connectionPreference !== "ACCEPT_MANUAL" || consumers.length === 0 || strangers.length > 0)
        findings.push({
          urn: a.urn,
          problem: `ServiceAttachment ${String(meta(a).name)} accepts ${spec.connectionPreference === "ACCEPT_MANUAL" ? `projects [${consumers.join(", ")}]` : `any project (${String(spec.connectionPreference)})`}, not only the platform project`,
          fix: "use ACCEPT_MANUAL with the platform project as the only consumer",
        });
    }
    return findings;
  },
);
