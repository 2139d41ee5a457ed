import { PolicyResource } from "@pulumi/policy";
import * as ipaddr from "ipaddr.js";
import { Finding, stackPolicy } from "../lib/define";
import { clusterOf, meta, ofKind } from "./k8s";

const FORWARDING_RULE = "gcp:compute/forwardingRule:ForwardingRule";
const ADDRESS = "gcp:compute/address:Address";

type Peer = { ipBlock?: { cidr?: string; except?: string[] } };
type EgressRule = { to?: Peer[]; ports?: unknown[] };
type Spec = { podSelector?: { matchLabels?: object; matchExpressions?: unknown[] }; egress?: EgressRule[] };

/** The address of each Private Service Connect endpoint (a forwarding rule whose target is a service attachment). */
function endpointAddresses(resources: PolicyResource[]): { name: string; ip: string }[] {
  return resources
    .filter((r) => r.type === FORWARDING_RULE && /\/serviceAttachments\//.test(String(r.props.target ?? "")))
    .flatMap((rule) => {
      const ref = String(rule.props.ipAddress ?? "");
      const name = ref.split("/").pop();
      const address = resources.find(
        (a) => a.type === ADDRESS && a.props.name === name && a.props.project === rule.props.project,
      );
      const ip =
        typeof address?.props.address === "string"
          ? address.props.address
          : /^\d+\.\d+\.\d+\.\d+$/.test(ref)
            ? ref
            : undefined;
      return ip ? [{ name: String(rule.props.name), ip }] : [];
    });
}

function contains(cidr: string, ip: string): boolean {
  try {
    return ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr));
  } catch {
    return false;
  }
}

/** Whether an egress rule lets traffic reach `ip`: no `to` at all, or an ipBlock holding it (not excepted). */
function reaches(rule: EgressRule, ip: string): boolean {
  if (!rule.to?.length) return true;
  return rule.to.some(
    (peer) =>
      peer.ipBlock?.cidr !== undefined &&
      contains(peer.ipBlock.cidr, ip) &&
      !(peer.ipBlock.except ?? []).some((e) => contains(e, ip)),
  );
}

/**
 * The one path to a cardholder workload is the ledger's (NET-09): in each cluster, one namespace
 * only may send to a Private Service Connect endpoint, from the pods it selects by label (never all
 * of them), to the endpoint's address alone. Everything else is denied by default (K8S-02); this
 * catches what re-opens it: a second namespace, every pod, or a block wide enough to hold the
 * endpoint. The card-vault application then checks the caller's ID token (docs/segmentation.md).
 */
export const k8sPrivateServiceEndpointCallers = stackPolicy(
  {
    name: "k8s-private-service-endpoint-callers",
    description:
      "In each cluster, only the pods of one namespace, selected by label, may send to a Private Service Connect endpoint, and only to its address.",
    controls: ["NET-09", "K8S-02"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Allow egress to the endpoint's /32 only in the calling workload's namespace, for its pods (KubernetesBaseline allow-datastores); remove any other rule that reaches it.",
  },
  (resources) => {
    const findings: Finding[] = [];
    const policies = ofKind(resources, "NetworkPolicy");
    for (const endpoint of endpointAddresses(resources)) {
      const allowing = policies.filter((p) =>
        ((p.props.spec as Spec | undefined)?.egress ?? []).some((rule) => reaches(rule, endpoint.ip)),
      );
      for (const cluster of [...new Set(allowing.map(clusterOf))]) {
        const here = allowing.filter((p) => clusterOf(p) === cluster);
        const ownProblems = (p: PolicyResource): string[] => {
          const spec = (p.props.spec ?? {}) as Spec;
          const problems: string[] = [];
          if (!spec.podSelector?.matchLabels && !spec.podSelector?.matchExpressions)
            problems.push("every pod of the namespace may (podSelector {})");
          const wide = (spec.egress ?? [])
            .filter((rule) => reaches(rule, endpoint.ip))
            .flatMap((rule) =>
              rule.to?.length ? rule.to.map((peer) => peer.ipBlock?.cidr) : ["any destination"],
            )
            .filter((cidr) => cidr !== `${endpoint.ip}/32`);
          if (wide.length) problems.push(`through ${wide.join(", ")}, not the endpoint's /32 alone`);
          return problems;
        };
        // The caller is the namespace whose rule is exact (labelled pods, the /32); when there is
        // one such namespace, every other namespace that reaches the endpoint is a second path.
        const exact = [
          ...new Set(here.filter((p) => !ownProblems(p).length).map((p) => String(meta(p).namespace))),
        ];
        const namespaces = [...new Set(here.map((p) => String(meta(p).namespace)))].sort();
        for (const p of here) {
          const problems = ownProblems(p);
          const namespace = String(meta(p).namespace);
          if (namespaces.length > 1 && !(exact.length === 1 && exact[0] === namespace))
            problems.unshift(
              exact.length === 1
                ? `namespace ${namespace} is a second caller besides ${exact[0]}`
                : `namespaces ${namespaces.join(", ")} may all send to it (one caller only)`,
            );
          if (problems.length)
            findings.push({
              urn: p.urn,
              problem: `NetworkPolicy ${namespace}/${String(meta(p).name)} opens the Private Service Connect endpoint ${endpoint.name} (${endpoint.ip}): ${problems.join("; ")}`,
              fix: "allow the endpoint's /32 only to the calling workload's pods, in its namespace",
            });
        }
      }
    }
    return findings;
  },
);
