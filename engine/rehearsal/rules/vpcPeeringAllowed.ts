import { CapturedResource } from "../../model";
import { plain } from "../../deployment";
import { covers } from "./denyPolicyDeployer";
import { RehearsalContext, RehearsalRule } from "../model";

const CONNECTION = "gcp:servicenetworking/connection:Connection";
const PEERING = "gcp:compute/networkPeering:NetworkPeering";
const ORG_POLICY = "gcp:orgpolicy/policy:Policy";

/**
 * Private services access peers the VPC with `servicenetworking` in a Google-owned tenant project
 * that is known only once a connection exists (the peering's `peerNetwork`). "This policy will block
 * connections from Google-managed services … that use Private Service Access, as they peer from an
 * external Google-owned network … you must explicitly add Google's servicenetworking network"
 * `projects/<google-project-id>/global/networks/servicenetworking` (cloud-foundation-fabric
 * fast/stages/0-org-setup/datasets/hardened/README.md).
 */
const SERVICE_NETWORKING_PEER = /^projects\/[^/]+\/global\/networks\/servicenetworking$/;

/** `projects/P/global/networks/N` from an id or a self link. */
const networkKey = (n: unknown) => /projects\/[^/]+\/global\/networks\/[^/]+$/.exec(String(n ?? ""))?.[0];

interface ListRule {
  denyAll?: string;
  allowAll?: string;
  values?: { allowedValues?: string[]; deniedValues?: string[] };
}

/** Whether a list rule admits the peer; a private services access peer is any tenant's servicenetworking. */
function admits(rule: ListRule, peer: string | undefined): boolean {
  if (rule.denyAll === "TRUE") return false;
  if (rule.allowAll === "TRUE") return true;
  const matches = (v: string) =>
    peer ? v === peer || peer.startsWith(`${v.replace(/^under:/, "")}/`) : SERVICE_NETWORKING_PEER.test(v);
  if ((rule.values?.deniedValues ?? []).some(matches)) return false;
  return (rule.values?.allowedValues ?? []).some(matches);
}

/** Whether the org policy applies to the resource's project: set on it (by number or id) or on a folder above. */
function governs(ctx: RehearsalContext, policy: CapturedResource, r: CapturedResource): boolean {
  const parent = String(plain(policy.inputs.parent) ?? "");
  const project = /^projects\/([^/]+)$/.exec(parent)?.[1];
  if (project) return (ctx.stack.projectNumbers.get(project) ?? project) === r.inputs.project;
  return covers(ctx, policy)(r);
}

/**
 * compute.restrictVpcPeering is checked when a peering is made: a private services access
 * connection or a VPC peering created (or re-created) while an enforced policy of its project does
 * not admit the peer network fails. The policy is not retroactive, so the peerings that exist stay
 * (https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints,
 * compute.restrictVpcPeering); a guardrail set after the first connection hides the problem until
 * the connection is replaced.
 */
export const vpcPeeringAllowed: RehearsalRule = {
  id: "vpc-peering-allowed",
  severity: "error",
  description:
    "A private services access connection or VPC peering the apply creates is admitted by every enforced compute.restrictVpcPeering policy of its project already in force: the peer network (servicenetworking of Google's tenant project, for private services access) is in the allowed values.",
  sources: [
    "https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints",
    "cloud-foundation-fabric fast/stages/0-org-setup/datasets/hardened/README.md (servicenetworking must be allowed)",
  ],
  check(ctx, report) {
    const policies = ctx.resources.filter(
      (r) => r.type === ORG_POLICY && /\/policies\/compute\.restrictVpcPeering$/.test(String(r.inputs.name)),
    );
    for (const c of ctx.resources.filter((r) => r.type === CONNECTION || r.type === PEERING)) {
      if (ctx.order.isExisting(c.urn)) continue;
      const network = networkKey(plain(c.inputs.network));
      const project = /^projects\/([^/]+)\//.exec(network ?? "")?.[1];
      if (!project) continue;
      const peer = c.type === PEERING ? networkKey(plain(c.inputs.peerNetwork)) : undefined;
      const asProject: CapturedResource = { ...c, inputs: { ...c.inputs, project } };
      for (const policy of policies.filter((p) => governs(ctx, p, asProject))) {
        // A policy set after the peering does not judge it (not retroactive).
        if (!ctx.order.isExisting(policy.urn) && ctx.order.precedes(c.urn, policy.urn)) continue;
        const rules = ((plain(policy.inputs.spec) as { rules?: ListRule[] } | undefined)?.rules ?? []).filter(
          Boolean,
        );
        if (!rules.length || rules.some((rule) => admits(rule, peer))) continue;
        const what = peer ?? "servicenetworking of Google's tenant project";
        report.error(
          this.id,
          c,
          `it peers ${network} with ${what}, which the enforced ${policy.name} does not allow (${JSON.stringify(rules)}): the create is refused. Add the peer network to vpcPeeringAllowlist (projects/<tenant project>/global/networks/servicenetworking for private services access: gcloud compute networks peerings list --network=<vpc> --project=${project} shows it as peerNetwork).`,
        );
      }
    }
  },
};
