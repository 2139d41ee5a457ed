import { CapturedResource } from "../../model";
import { label, RehearsalRule } from "../model";
import { plain } from "../../deployment";

const CONNECTION_TYPE = "gcp:servicenetworking/connection:Connection";

/** The network a resource reaches through private services access, if it does. */
function privateAccessNetwork(r: CapturedResource): string | undefined {
  const i = plain(r.inputs) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (r.type) {
    case "gcp:sql/databaseInstance:DatabaseInstance":
      return i.settings?.ipConfiguration?.privateNetwork;
    case "gcp:redis/instance:Instance":
      return i.connectMode === "PRIVATE_SERVICE_ACCESS" ? i.authorizedNetwork : undefined;
    case "gcp:cloudids/endpoint:Endpoint":
      return i.network;
    default:
      return undefined;
  }
}

/** `projects/P/global/networks/N` from an id or a self link. */
const networkKey = (n: unknown) => /projects\/[^/]+\/global\/networks\/[^/]+$/.exec(String(n))?.[0];

/** Private IP through private services access needs the peering connection first. */
export const privateServiceAccessFirst: RehearsalRule = {
  id: "private-service-access-first",
  severity: "error",
  description:
    "Cloud SQL with a private IP, Memorystore in PRIVATE_SERVICE_ACCESS mode and Cloud IDS endpoints are created only after the network's private services access connection exists.",
  sources: [
    "https://cloud.google.com/sql/docs/postgres/configure-private-services-access",
    "https://cloud.google.com/memorystore/docs/redis/networking#private_services_access",
    "https://cloud.google.com/intrusion-detection-system/docs/configuring-ids#configure-psa",
  ],
  check(ctx, report) {
    const connections = ctx.resources.filter((r) => r.type === CONNECTION_TYPE);
    for (const r of ctx.resources) {
      const network = networkKey(privateAccessNetwork(r));
      if (!network) continue;
      const peerings = connections.filter((c) => networkKey(c.inputs.network) === network);
      if (peerings.some((c) => ctx.order.precedes(c.urn, r.urn))) continue;
      report.asWritten.error(
        this.id,
        r,
        peerings.length
          ? `${label(r)} uses private services access on ${network}; the connection ${peerings[0].name} exists but nothing orders it first. Depend on it.`
          : `${label(r)} uses private services access on ${network}, and no servicenetworking connection of this stack provides it: the create fails. Add the connection and depend on it.`,
      );
    }
  },
};
